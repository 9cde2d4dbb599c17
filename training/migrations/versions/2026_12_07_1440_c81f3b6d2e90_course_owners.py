"""course owners (issue 15): the teachers an administrator names own the course and its block quizzes;
regional services keep only their own overrides

Revision ID: c81f3b6d2e90
Revises: 16182e8bf2ba
Create Date: 2026-12-07 14:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c81f3b6d2e90'
down_revision = '16182e8bf2ba'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'course_owners',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('course_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('added_by_id', sa.Integer(), nullable=True),
        sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_course_owners_course_id_courses'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_course_owners_user_id_users'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['added_by_id'], ['users.id'], name=op.f('fk_course_owners_added_by_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_course_owners')),
        sa.UniqueConstraint('course_id', 'user_id', name=op.f('uq_course_owners_course_id_user_id')),
    )
    with op.batch_alter_table('course_owners', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_course_owners_course_id'), ['course_id'], unique=False)


def downgrade():
    with op.batch_alter_table('course_owners', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_course_owners_course_id'))
    op.drop_table('course_owners')
