"""client feedback (issue 17): CSAT of the centre and satisfaction with the specialist as questions of their
own; the clients' marks of the centre's service aspects, stored without a specialist

Revision ID: c5a1e7d3f2b9
Revises: 1aa5d95d085b
Create Date: 2026-12-07 15:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c5a1e7d3f2b9'
down_revision = '1aa5d95d085b'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('client_feedback') as batch_op:
        batch_op.add_column(sa.Column('csat', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('specialist_satisfaction', sa.Integer(), nullable=True))
    op.create_table(
        'client_service_marks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('feedback_id', sa.Integer(), nullable=False),
        sa.Column('aspect_code', sa.String(length=40), nullable=False),
        sa.Column('score', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['feedback_id'], ['client_feedback.id'],
                                name=op.f('fk_client_service_marks_feedback_id_client_feedback'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_client_service_marks')),
        sa.UniqueConstraint('feedback_id', 'aspect_code', name=op.f('uq_client_service_marks_feedback_id_aspect_code')),
    )


def downgrade():
    op.drop_table('client_service_marks')
    with op.batch_alter_table('client_feedback') as batch_op:
        batch_op.drop_column('specialist_satisfaction')
        batch_op.drop_column('csat')
