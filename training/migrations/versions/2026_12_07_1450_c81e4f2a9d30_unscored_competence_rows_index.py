"""a partial index of competence rows without an overall score (the ranking's «no score yet» count)

Revision ID: c81e4f2a9d30
Revises: c81f3b6d2e90
Create Date: 2026-12-07 14:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c81e4f2a9d30'
down_revision = 'c81f3b6d2e90'
branch_labels = None
depends_on = None

UNSCORED = sa.text("overall IS NULL")


def upgrade():
    with op.batch_alter_table('competence_scores', schema=None) as batch_op:
        batch_op.create_index('ix_competence_scores_unscored', ['period_start', 'regional_service_id', 'centre_id'],
                              unique=False, postgresql_where=UNSCORED, sqlite_where=UNSCORED)


def downgrade():
    with op.batch_alter_table('competence_scores', schema=None) as batch_op:
        batch_op.drop_index('ix_competence_scores_unscored')
