"""regional checklist (issue 17): HR's monthly yes/no answers with evidence links per regional service

Revision ID: d7b3e9a1c4f6
Revises: c5a1e7d3f2b9
Create Date: 2026-12-07 15:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd7b3e9a1c4f6'
down_revision = 'c5a1e7d3f2b9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'regional_checklist',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('regional_service_id', sa.Integer(), nullable=False),
        sa.Column('period_start', sa.Date(), nullable=False),
        sa.Column('item', sa.String(length=40), nullable=False),
        sa.Column('is_met', sa.Boolean(), nullable=False),
        sa.Column('evidence_url', sa.String(length=500), nullable=True),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['regional_service_id'], ['regional_services.id'],
                                name=op.f('fk_regional_checklist_regional_service_id_regional_services'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'],
                                name=op.f('fk_regional_checklist_updated_by_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_regional_checklist')),
        sa.UniqueConstraint('regional_service_id', 'period_start', 'item',
                            name=op.f('uq_regional_checklist_regional_service_id_period_start_item')),
    )


def downgrade():
    op.drop_table('regional_checklist')
