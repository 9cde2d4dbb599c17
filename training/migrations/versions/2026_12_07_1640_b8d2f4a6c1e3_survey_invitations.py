"""Surveys with a one-time link by e-mail or SMS (issue 17): the survey after employment and HR's outbound surveys

Revision ID: b8d2f4a6c1e3
Revises: b4e6d8f0a2c3
Create Date: 2026-12-07 16:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b8d2f4a6c1e3'
down_revision = 'b4e6d8f0a2c3'
branch_labels = None
depends_on = None

KINDS = ('after_employment', 'outbound')
CHANNELS = ('email', 'sms')
STATUSES = ('pending', 'sending', 'sent', 'not_sent', 'answered')


def upgrade():
    op.create_table('survey_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum(*KINDS, name='kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('regional_service_id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.Enum(*CHANNELS, name='channel', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('consented_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum(*STATUSES, name='status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('status_note', sa.String(length=200), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('employment', sa.String(length=20), nullable=True),
    sa.Column('feedback_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['centre_id'], ['centres.id'], name=op.f('fk_survey_invitations_centre_id_centres'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_survey_invitations_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['feedback_id'], ['client_feedback.id'], name=op.f('fk_survey_invitations_feedback_id_client_feedback'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['regional_service_id'], ['regional_services.id'], name=op.f('fk_survey_invitations_regional_service_id_regional_services')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_invitations')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_survey_invitations_token_hash'))
    )
    with op.batch_alter_table('survey_invitations', schema=None) as batch_op:
        batch_op.create_index('ix_survey_invitations_due', ['status', 'due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_invitations_regional_service_id'), ['regional_service_id'], unique=False)


def downgrade():
    with op.batch_alter_table('survey_invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_invitations_regional_service_id'))
        batch_op.drop_index('ix_survey_invitations_due')
    op.drop_table('survey_invitations')
