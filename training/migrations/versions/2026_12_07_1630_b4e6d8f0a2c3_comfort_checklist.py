"""comfort checklist of a centre (issue 17): items HR keeps, one inspector's audit per centre and quarter

Revision ID: b4e6d8f0a2c3
Revises: f1c5a9e3b7d2
Create Date: 2026-12-07 16:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b4e6d8f0a2c3'
down_revision = 'f1c5a9e3b7d2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'comfort_items',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('area', sa.Enum('premises', 'website', name='area', native_enum=False, create_constraint=True,
                                  length=20), nullable=False),
        sa.Column('weight', sa.Float(), nullable=False),
        sa.Column('is_critical', sa.Boolean(), nullable=False),
        sa.Column('is_active', sa.Boolean(), nullable=False),
        sa.Column('sort_order', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_comfort_items')),
        sa.UniqueConstraint('code', name=op.f('uq_comfort_items_code')),
    )
    op.create_table(
        'comfort_audits',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('regional_service_id', sa.Integer(), nullable=False),
        sa.Column('centre_id', sa.Integer(), nullable=False),
        sa.Column('quarter_start', sa.Date(), nullable=False),
        sa.Column('visited_on', sa.Date(), nullable=False),
        sa.Column('inspector_id', sa.Integer(), nullable=True),
        sa.Column('score', sa.Float(), nullable=False),
        sa.Column('is_critical_failed', sa.Boolean(), nullable=False),
        sa.Column('comment', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['centre_id'], ['centres.id'], name=op.f('fk_comfort_audits_centre_id_centres')),
        sa.ForeignKeyConstraint(['inspector_id'], ['users.id'], name=op.f('fk_comfort_audits_inspector_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['regional_service_id'], ['regional_services.id'],
                                name=op.f('fk_comfort_audits_regional_service_id_regional_services')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_comfort_audits')),
        sa.UniqueConstraint('centre_id', 'quarter_start', name=op.f('uq_comfort_audits_centre_id_quarter_start')),
    )
    op.create_index('ix_comfort_audits_service_quarter', 'comfort_audits', ['regional_service_id', 'quarter_start'],
                    unique=False)
    op.create_table(
        'comfort_audit_items',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('audit_id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('item_name', sa.String(length=200), nullable=False),
        sa.Column('weight', sa.Float(), nullable=False),
        sa.Column('is_critical', sa.Boolean(), nullable=False),
        sa.Column('is_passed', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['audit_id'], ['comfort_audits.id'],
                                name=op.f('fk_comfort_audit_items_audit_id_comfort_audits'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['item_id'], ['comfort_items.id'],
                                name=op.f('fk_comfort_audit_items_item_id_comfort_items')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_comfort_audit_items')),
        sa.UniqueConstraint('audit_id', 'item_id', name=op.f('uq_comfort_audit_items_audit_id_item_id')),
    )


def downgrade():
    op.drop_table('comfort_audit_items')
    op.drop_index('ix_comfort_audits_service_quarter', table_name='comfort_audits')
    op.drop_table('comfort_audits')
    op.drop_table('comfort_items')
