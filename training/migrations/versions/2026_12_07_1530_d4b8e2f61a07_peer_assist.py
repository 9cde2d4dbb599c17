"""Peer Assist (issue 16, item 8 of 5.4): requests for help on a client problem and colleagues' offers

Revision ID: d4b8e2f61a07
Revises: d7b3e9a1c4f6
Create Date: 2026-12-07 15:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4b8e2f61a07'
down_revision = 'd7b3e9a1c4f6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('assist_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('regional_service_id', sa.Integer(), nullable=False),
    sa.Column('asker_id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('stress_item_id', sa.String(length=24), nullable=True),
    sa.Column('library_case_id', sa.Integer(), nullable=True),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('open', 'scheduled', 'closed', name='status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['asker_id'], ['users.id'], name=op.f('fk_assist_requests_asker_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['centre_id'], ['centres.id'], name=op.f('fk_assist_requests_centre_id_centres'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_assist_requests_department_id_departments'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_assist_requests_event_id_events'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['library_case_id'], ['library_cases.id'], name=op.f('fk_assist_requests_library_case_id_library_cases'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['regional_service_id'], ['regional_services.id'], name=op.f('fk_assist_requests_regional_service_id_regional_services')),
    sa.ForeignKeyConstraint(['stress_item_id'], ['stress_items.id'], name=op.f('fk_assist_requests_stress_item_id_stress_items'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assist_requests'))
    )
    with op.batch_alter_table('assist_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assist_requests_regional_service_id'), ['regional_service_id'], unique=False)

    op.create_table('assist_offers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('helper_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=1000), nullable=False),
    sa.Column('accepted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['helper_id'], ['users.id'], name=op.f('fk_assist_offers_helper_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['request_id'], ['assist_requests.id'], name=op.f('fk_assist_offers_request_id_assist_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assist_offers')),
    sa.UniqueConstraint('request_id', 'helper_id', name=op.f('uq_assist_offers_request_id_helper_id'))
    )
    with op.batch_alter_table('assist_offers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assist_offers_helper_id'), ['helper_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assist_offers_request_id'), ['request_id'], unique=False)


def downgrade():
    with op.batch_alter_table('assist_offers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assist_offers_request_id'))
        batch_op.drop_index(batch_op.f('ix_assist_offers_helper_id'))
    op.drop_table('assist_offers')
    with op.batch_alter_table('assist_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assist_requests_regional_service_id'))
    op.drop_table('assist_requests')
