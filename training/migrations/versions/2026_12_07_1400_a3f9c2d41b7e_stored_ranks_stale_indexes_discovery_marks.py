"""stored competence ranks with their keyset indexes, partial indexes of stale rows, discovery marks

Revision ID: a3f9c2d41b7e
Revises: 2f936181c228
Create Date: 2026-12-07 14:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a3f9c2d41b7e'
down_revision = '2f936181c228'
branch_labels = None
depends_on = None

STALE = sa.text("computed_version < data_version")
RANKS = ("rank_all", "pos_all", "rank_service", "pos_service", "rank_centre", "pos_centre", "rank_department",
         "pos_department")


def upgrade():
    op.create_table(
        'index_discovery_marks',
        sa.Column('source', sa.String(length=40), nullable=False),
        sa.Column('last_id', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('source', name=op.f('pk_index_discovery_marks')),
    )
    with op.batch_alter_table('competence_scores', schema=None) as batch_op:
        for name in RANKS:
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=True))
        batch_op.drop_index('ix_competence_scores_period_service')
        batch_op.drop_index('ix_competence_scores_period_centre')
        batch_op.drop_index('ix_competence_scores_stale')
        batch_op.create_index('ix_competence_scores_pos_all', ['period_start', 'pos_all'], unique=False)
        batch_op.create_index('ix_competence_scores_pos_service', ['period_start', 'regional_service_id',
                                                                   'pos_service'], unique=False)
        batch_op.create_index('ix_competence_scores_pos_centre', ['period_start', 'centre_id', 'pos_centre'],
                              unique=False)
        batch_op.create_index('ix_competence_scores_pos_department', ['period_start', 'department_id',
                                                                      'pos_department'], unique=False)
        batch_op.create_index('ix_competence_scores_stale', ['period_start', 'user_id'], unique=False,
                              postgresql_where=STALE, sqlite_where=STALE)
    with op.batch_alter_table('index_snapshots', schema=None) as batch_op:
        batch_op.drop_index('ix_index_snapshots_stale')
        batch_op.create_index('ix_index_snapshots_stale', ['scope_kind', 'period_start'], unique=False,
                              postgresql_where=STALE, sqlite_where=STALE)
    # the ranks appear with the next recompute of each month (the every-minute job, the daily batch or
    # `flask metrics recompute`); until then the ranking reads them as absent and computes places itself
    op.execute("UPDATE competence_scores SET data_version = data_version + 1 WHERE computed_version > 0 "
               "AND overall IS NOT NULL AND period_start >= (SELECT MAX(period_start) FROM competence_scores)")


def downgrade():
    with op.batch_alter_table('index_snapshots', schema=None) as batch_op:
        batch_op.drop_index('ix_index_snapshots_stale')
        batch_op.create_index('ix_index_snapshots_stale', ['computed_version', 'data_version'], unique=False)
    with op.batch_alter_table('competence_scores', schema=None) as batch_op:
        batch_op.drop_index('ix_competence_scores_stale')
        batch_op.drop_index('ix_competence_scores_pos_department')
        batch_op.drop_index('ix_competence_scores_pos_centre')
        batch_op.drop_index('ix_competence_scores_pos_service')
        batch_op.drop_index('ix_competence_scores_pos_all')
        batch_op.create_index('ix_competence_scores_stale', ['computed_version', 'data_version'], unique=False)
        batch_op.create_index('ix_competence_scores_period_centre', ['period_start', 'centre_id'], unique=False)
        batch_op.create_index('ix_competence_scores_period_service', ['period_start', 'regional_service_id'],
                              unique=False)
        for name in reversed(RANKS):
            batch_op.drop_column(name)
    op.drop_table('index_discovery_marks')
