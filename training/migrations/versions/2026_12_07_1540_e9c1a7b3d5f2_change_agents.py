"""«Агенты изменений» (issue 16): the committee's nominations and the agents' own tasks

Revision ID: e9c1a7b3d5f2
Revises: d4b8e2f61a07
Create Date: 2026-12-07 15:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e9c1a7b3d5f2'
down_revision = 'd4b8e2f61a07'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('change_agents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('regional_service_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('nominated_by_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['nominated_by_id'], ['users.id'], name=op.f('fk_change_agents_nominated_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['regional_service_id'], ['regional_services.id'], name=op.f('fk_change_agents_regional_service_id_regional_services')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_change_agents_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_change_agents')),
    sa.UniqueConstraint('regional_service_id', 'user_id', name=op.f('uq_change_agents_regional_service_id_user_id'))
    )
    with op.batch_alter_table('change_agents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_change_agents_regional_service_id'), ['regional_service_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_change_agents_user_id'), ['user_id'], unique=False)

    op.create_table('change_agent_tasks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agent_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=300), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['agent_id'], ['change_agents.id'], name=op.f('fk_change_agent_tasks_agent_id_change_agents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_change_agent_tasks'))
    )
    with op.batch_alter_table('change_agent_tasks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_change_agent_tasks_agent_id'), ['agent_id'], unique=False)


def downgrade():
    with op.batch_alter_table('change_agent_tasks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_change_agent_tasks_agent_id'))
    op.drop_table('change_agent_tasks')
    with op.batch_alter_table('change_agents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_change_agents_user_id'))
        batch_op.drop_index(batch_op.f('ix_change_agents_regional_service_id'))
    op.drop_table('change_agents')
