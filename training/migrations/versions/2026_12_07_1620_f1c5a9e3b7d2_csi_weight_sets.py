"""CSI (issue 17): importance weights of the five CSI parameters per regional service, dated like the index's

Revision ID: f1c5a9e3b7d2
Revises: 00c917b96ac2
Create Date: 2026-12-07 16:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f1c5a9e3b7d2'
down_revision = '00c917b96ac2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('csi_weight_sets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('regional_service_id', sa.Integer(), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('weights', sa.JSON(), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_csi_weight_sets_created_by_id_users')),
    sa.ForeignKeyConstraint(['regional_service_id'], ['regional_services.id'], name=op.f('fk_csi_weight_sets_regional_service_id_regional_services')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_csi_weight_sets')),
    sa.UniqueConstraint('regional_service_id', 'effective_from', name=op.f('uq_csi_weight_sets_regional_service_id_effective_from'))
    )


def downgrade():
    op.drop_table('csi_weight_sets')
