"""answers from every channel (issue 17): the channel of each client answer (existing rows are QR answers), paper
forms with a single-use code per sheet, the manual register of media mentions

Revision ID: 00c917b96ac2
Revises: a3f5c7e9b1d2
Create Date: 2026-12-07 16:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '00c917b96ac2'
down_revision = 'a3f5c7e9b1d2'
branch_labels = None
depends_on = None

CHANNELS = ('qr', 'phone', 'paper', 'email', 'sms')
TONES = ('positive', 'neutral', 'negative')


def upgrade():
    # every answer so far came from a client's phone through a QR code: the server default backfills «qr»
    with op.batch_alter_table('client_feedback') as batch_op:
        batch_op.add_column(sa.Column('channel', sa.String(length=10), server_default='qr', nullable=False))
        batch_op.create_check_constraint(op.f('ck_client_feedback_channel'), sa.column('channel').in_(CHANNELS))
    op.create_table(
        'paper_sheets',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=12), nullable=False),
        sa.Column('centre_id', sa.Integer(), nullable=False),
        sa.Column('employee_id', sa.Integer(), nullable=True),
        sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('issued_by_id', sa.Integer(), nullable=True),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('feedback_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['centre_id'], ['centres.id'], name=op.f('fk_paper_sheets_centre_id_centres')),
        sa.ForeignKeyConstraint(['employee_id'], ['users.id'], name=op.f('fk_paper_sheets_employee_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'], name=op.f('fk_paper_sheets_issued_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['feedback_id'], ['client_feedback.id'],
                                name=op.f('fk_paper_sheets_feedback_id_client_feedback'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_paper_sheets')),
        sa.UniqueConstraint('code', name=op.f('uq_paper_sheets_code')),
    )
    op.create_index('ix_paper_sheets_centre_issued', 'paper_sheets', ['centre_id', 'issued_at'])
    op.create_table(
        'media_mentions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('regional_service_id', sa.Integer(), nullable=False),
        sa.Column('centre_id', sa.Integer(), nullable=True),
        sa.Column('mentioned_on', sa.Date(), nullable=False),
        sa.Column('source', sa.String(length=200), nullable=False),
        sa.Column('url', sa.String(length=500), nullable=True),
        sa.Column('tone', sa.Enum(*TONES, name='tone', native_enum=False, create_constraint=True, length=10),
                  nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['regional_service_id'], ['regional_services.id'],
                                name=op.f('fk_media_mentions_regional_service_id_regional_services'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['centre_id'], ['centres.id'], name=op.f('fk_media_mentions_centre_id_centres'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_media_mentions_created_by_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_media_mentions')),
    )
    op.create_index('ix_media_mentions_service_date', 'media_mentions', ['regional_service_id', 'mentioned_on'])


def downgrade():
    op.drop_index('ix_media_mentions_service_date', table_name='media_mentions')
    op.drop_table('media_mentions')
    op.drop_index('ix_paper_sheets_centre_issued', table_name='paper_sheets')
    op.drop_table('paper_sheets')
    with op.batch_alter_table('client_feedback') as batch_op:
        batch_op.drop_constraint(op.f('ck_client_feedback_channel'), type_='check')
        batch_op.drop_column('channel')
