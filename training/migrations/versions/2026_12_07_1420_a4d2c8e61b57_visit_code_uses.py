"""one-time visit codes (issue 15): what each code of a specialist's window was used for — one client vote and
one client feedback per code

Revision ID: a4d2c8e61b57
Revises: 15f92fede7d8
Create Date: 2026-12-07 14:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a4d2c8e61b57'
down_revision = '15f92fede7d8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'recognition_visit_code_uses',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('employee_id', sa.Integer(), nullable=False),
        sa.Column('window_index', sa.BigInteger(), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('voted_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('feedback_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['employee_id'], ['users.id'],
                                name=op.f('fk_recognition_visit_code_uses_employee_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_recognition_visit_code_uses')),
        sa.UniqueConstraint('employee_id', 'window_index', 'seq',
                            name=op.f('uq_recognition_visit_code_uses_employee_id_window_index_seq')),
    )


def downgrade():
    op.drop_table('recognition_visit_code_uses')
