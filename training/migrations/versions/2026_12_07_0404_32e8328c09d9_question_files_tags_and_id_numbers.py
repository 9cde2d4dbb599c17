"""quizzes: question images (content-addressed blobs, files of a version), question id numbers and tags

Revision ID: 32e8328c09d9
Revises: 7c87c86b6af3
Create Date: 2026-12-07 04:04:30.027565

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '32e8328c09d9'
down_revision = '7c87c86b6af3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('question_blobs',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('mime_type', sa.String(length=40), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('sha256', name=op.f('pk_question_blobs'))
    )
    op.create_table('question_version_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['sha256'], ['question_blobs.sha256'], name=op.f('fk_question_version_files_sha256_question_blobs')),
    sa.ForeignKeyConstraint(['version_id'], ['question_versions.id'], name=op.f('fk_question_version_files_version_id_question_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question_version_files')),
    sa.UniqueConstraint('version_id', 'name', name=op.f('uq_question_version_files_version_id_name'))
    )
    with op.batch_alter_table('question_version_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_version_files_sha256'), ['sha256'], unique=False)

    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('idnumber', sa.String(length=100), nullable=True))
        # existing questions get an empty list of tags
        batch_op.add_column(sa.Column('tags', sa.JSON(), nullable=False, server_default=sa.text("'[]'")))



def downgrade():
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.drop_column('tags')
        batch_op.drop_column('idnumber')

    with op.batch_alter_table('question_version_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_version_files_sha256'))

    op.drop_table('question_version_files')
    op.drop_table('question_blobs')
