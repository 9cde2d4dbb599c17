"""course extras (issue 18): diagrams, self-check, discussion prompts, cheat sheet and slides per block; the course's
introduction, glossary and literature; answer templates and attachments of cases; discussion topics; seeded kit items

Existing rows get empty lists / false / NULL through server defaults: nothing is lost, and the next
`flask seed course` fills the new columns.

Revision ID: 864c191e14f5
Revises: 32e8328c09d9
Create Date: 2026-12-07 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '864c191e14f5'
down_revision = '32e8328c09d9'
branch_labels = None
depends_on = None

EMPTY_LIST = sa.text("'[]'")


def upgrade():
    with op.batch_alter_table('blocks', schema=None) as batch_op:
        for name in ('diagrams', 'self_check', 'discussion_prompts', 'cheatsheet', 'slides'):
            batch_op.add_column(sa.Column(name, sa.JSON(), nullable=False, server_default=EMPTY_LIST))

    with op.batch_alter_table('case_submissions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('template_answers', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('attachment_sha256', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('attachment_name', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('attachment_mime', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('attachment_size', sa.Integer(), nullable=True))

    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('intro_html', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('glossary', sa.JSON(), nullable=False, server_default=EMPTY_LIST))
        batch_op.add_column(sa.Column('literature', sa.JSON(), nullable=False, server_default=EMPTY_LIST))

    with op.batch_alter_table('discussion_posts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('topic', sa.String(length=500), nullable=True))

    with op.batch_alter_table('materials', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seed_key', sa.String(length=100), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_materials_seed_key'), ['seed_key'])

    with op.batch_alter_table('practical_cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('answer_template', sa.JSON(), nullable=False, server_default=EMPTY_LIST))
        batch_op.add_column(sa.Column('is_attachment_allowed', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('practical_cases', schema=None) as batch_op:
        batch_op.drop_column('is_attachment_allowed')
        batch_op.drop_column('answer_template')

    with op.batch_alter_table('materials', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_materials_seed_key'), type_='unique')
        batch_op.drop_column('seed_key')

    with op.batch_alter_table('discussion_posts', schema=None) as batch_op:
        batch_op.drop_column('topic')

    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.drop_column('literature')
        batch_op.drop_column('glossary')
        batch_op.drop_column('intro_html')

    with op.batch_alter_table('case_submissions', schema=None) as batch_op:
        batch_op.drop_column('attachment_size')
        batch_op.drop_column('attachment_mime')
        batch_op.drop_column('attachment_name')
        batch_op.drop_column('attachment_sha256')
        batch_op.drop_column('template_answers')

    with op.batch_alter_table('blocks', schema=None) as batch_op:
        batch_op.drop_column('slides')
        batch_op.drop_column('cheatsheet')
        batch_op.drop_column('discussion_prompts')
        batch_op.drop_column('self_check')
        batch_op.drop_column('diagrams')
