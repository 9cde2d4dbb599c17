"""«Вы сказали — мы сделали» shows clients only what the committee wrote for them: stress_measures.public_text

Revision ID: d7e1a3c5f9b2
Revises: b8d2f4a6c1e3
Create Date: 2026-12-07 17:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd7e1a3c5f9b2'
down_revision = 'b8d2f4a6c1e3'
branch_labels = None
depends_on = None


def upgrade():
    # nullable and empty for every existing measure: nothing written for staff reaches clients by default
    with op.batch_alter_table('stress_measures', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public_text', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('stress_measures', schema=None) as batch_op:
        batch_op.drop_column('public_text')
