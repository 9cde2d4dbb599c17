"""events: the catalogue of formats, each service's setting, programmes («Неделя клиентоцентричности»), events,
participants (registration, waiting list, attendance), feedback and outcomes. New tables only: nothing to migrate.

Revision ID: d0c457e4060a
Revises: 5b7d0e2a9c41
Create Date: 2026-12-07 12:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd0c457e4060a'
down_revision = '5b7d0e2a9c41'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('event_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('regional_service_id', sa.Integer(), nullable=False),
    sa.Column('employees_may_organise', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['regional_service_id'], ['regional_services.id'], name=op.f('fk_event_settings_regional_service_id_regional_services')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_settings')),
    sa.UniqueConstraint('regional_service_id', name=op.f('uq_event_settings_regional_service_id'))
    )
    op.create_table('event_formats',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('methodology_item', sa.String(length=20), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('group_size', sa.String(length=120), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('timing', sa.String(length=300), nullable=False),
    sa.Column('roles', sa.Text(), nullable=False),
    sa.Column('run_sheet', sa.JSON(), nullable=False),
    sa.Column('record_after', sa.Text(), nullable=False),
    sa.Column('open_to_clients', sa.Boolean(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('edited_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('edited_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['edited_by_id'], ['users.id'], name=op.f('fk_event_formats_edited_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_formats')),
    sa.UniqueConstraint('code', name=op.f('uq_event_formats_code'))
    )
    op.create_table('event_programmes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('regional_service_id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_event_programmes_dates_in_order')),
    sa.ForeignKeyConstraint(['centre_id'], ['centres.id'], name=op.f('fk_event_programmes_centre_id_centres')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_event_programmes_created_by_id_users')),
    sa.ForeignKeyConstraint(['regional_service_id'], ['regional_services.id'], name=op.f('fk_event_programmes_regional_service_id_regional_services')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_programmes'))
    )
    with op.batch_alter_table('event_programmes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_programmes_regional_service_id'), ['regional_service_id'], unique=False)

    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('format_id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('place', sa.String(length=300), nullable=False),
    sa.Column('video_url', sa.String(length=500), nullable=False),
    sa.Column('regional_service_id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('open_to_clients', sa.Boolean(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('registered_count', sa.Integer(), nullable=False),
    sa.Column('organiser_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('scheduled', 'held', 'cancelled', name='status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('checkin_salt', sa.String(length=32), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('held_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('capacity IS NULL OR capacity > 0', name=op.f('ck_events_capacity_positive')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_events_times_in_order')),
    sa.ForeignKeyConstraint(['centre_id'], ['centres.id'], name=op.f('fk_events_centre_id_centres')),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_events_department_id_departments')),
    sa.ForeignKeyConstraint(['format_id'], ['event_formats.id'], name=op.f('fk_events_format_id_event_formats')),
    sa.ForeignKeyConstraint(['organiser_id'], ['users.id'], name=op.f('fk_events_organiser_id_users')),
    sa.ForeignKeyConstraint(['programme_id'], ['event_programmes.id'], name=op.f('fk_events_programme_id_event_programmes'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['regional_service_id'], ['regional_services.id'], name=op.f('fk_events_regional_service_id_regional_services')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_events_centre_id'), ['centre_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_format_id'), ['format_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_organiser_id'), ['organiser_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_programme_id'), ['programme_id'], unique=False)
        batch_op.create_index('ix_events_service_starts', ['regional_service_id', 'starts_at'], unique=False)

    op.create_table('event_feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('usefulness', sa.Integer(), nullable=False),
    sa.Column('takeaway', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('usefulness BETWEEN 1 AND 5', name=op.f('ck_event_feedback_usefulness_range')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_feedback_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_event_feedback_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_feedback')),
    sa.UniqueConstraint('event_id', 'user_id', name=op.f('uq_event_feedback_event_id_user_id'))
    )
    with op.batch_alter_table('event_feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_feedback_event_id'), ['event_id'], unique=False)

    op.create_table('event_outcomes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('idea', 'decision', 'measure', name='kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('planned', 'in_progress', 'done', name='status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_event_outcomes_created_by_id_users')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_outcomes_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_event_outcomes_owner_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_outcomes'))
    )
    with op.batch_alter_table('event_outcomes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_outcomes_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_outcomes_owner_id'), ['owner_id'], unique=False)

    op.create_table('event_participants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('registered', 'waitlisted', 'cancelled', name='status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('role', sa.Enum('participant', 'speaker', 'moderator', 'observer', name='role', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('registered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('attended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attendance_method', sa.Enum('qr', 'organiser', name='attendance_method', native_enum=False, create_constraint=True, length=20), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_participants_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_event_participants_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_participants')),
    sa.UniqueConstraint('event_id', 'user_id', name=op.f('uq_event_participants_event_id_user_id'))
    )
    with op.batch_alter_table('event_participants', schema=None) as batch_op:
        batch_op.create_index('ix_event_participants_user', ['user_id', 'status'], unique=False)



def downgrade():
    with op.batch_alter_table('event_participants', schema=None) as batch_op:
        batch_op.drop_index('ix_event_participants_user')

    op.drop_table('event_participants')
    with op.batch_alter_table('event_outcomes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_outcomes_owner_id'))
        batch_op.drop_index(batch_op.f('ix_event_outcomes_event_id'))

    op.drop_table('event_outcomes')
    with op.batch_alter_table('event_feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_feedback_event_id'))

    op.drop_table('event_feedback')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_service_starts')
        batch_op.drop_index(batch_op.f('ix_events_programme_id'))
        batch_op.drop_index(batch_op.f('ix_events_organiser_id'))
        batch_op.drop_index(batch_op.f('ix_events_format_id'))
        batch_op.drop_index(batch_op.f('ix_events_centre_id'))

    op.drop_table('events')
    with op.batch_alter_table('event_programmes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_programmes_regional_service_id'))

    op.drop_table('event_programmes')
    op.drop_table('event_formats')
    op.drop_table('event_settings')
