"""the bell's unread count kept on write: users.unread_notifications (issue 13), back-filled from the unread
notifications, so no page counts them again

Revision ID: 5b7d0e2a9c41
Revises: f32d30840af9
Create Date: 2026-12-07 11:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b7d0e2a9c41'
down_revision = 'f32d30840af9'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unread_notifications', sa.Integer(), nullable=False, server_default='0'))
    op.execute("UPDATE users SET unread_notifications = (SELECT count(*) FROM notifications "
               "WHERE notifications.user_id = users.id AND notifications.read_at IS NULL)")


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('unread_notifications')
