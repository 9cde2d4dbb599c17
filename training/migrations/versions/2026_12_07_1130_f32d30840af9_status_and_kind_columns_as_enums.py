"""status and kind columns as enums: a CHECK constraint on each lists the values the code knows

Existing rows are checked first, every column at once: a value outside its list stops the upgrade with a message
naming the table, the column and the values, before anything is changed (data is never rewritten here). On SQLite
each table is rebuilt in batch mode to carry its constraints (env.py turns foreign keys off for the copy and checks
them before it commits).

Revision ID: f32d30840af9
Revises: 864c191e14f5
Create Date: 2026-12-07 11:30:00

"""
from alembic import op
from alembic.util import CommandError
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f32d30840af9'
down_revision = '864c191e14f5'
branch_labels = None
depends_on = None

# table → column → the values its enum has at this revision (frozen: a new value is a new migration).
# Each constraint is named ck_<table>_<column>, as the models' enum_type() names it.
COLUMNS = {
    'attempts': {
        'state': ('in_progress', 'finished'),
        'finish_reason': ('learner', 'timeout'),
    },
    'case_submissions': {
        'status': ('submitted', 'accepted', 'returned'),
    },
    'certificate_kinds': {
        'template': ('course', 'award', 'title'),
    },
    'departments': {
        'kind': ('front_office', 'back_office', 'call_centre', 'management', 'other'),
    },
    'follow_up_tasks': {
        'status': ('open', 'in_progress', 'resolved'),
    },
    'index_snapshots': {
        'scope_kind': ('organisation', 'service', 'centre', 'department', 'employee'),
        'period_kind': ('week', 'month'),
    },
    'library_cases': {
        'kind': ('case', 'lifehack'),
        'status': ('submitted', 'returned', 'published'),
    },
    'live_sessions': {
        'format': ('quiz', 'brain_ring'),
        'status': ('lobby', 'question', 'revealed', 'finished'),
    },
    'materials': {
        'kind': ('file', 'link'),
    },
    'operational_reports': {
        'layout': ('summary', 'appeals'),
    },
    'quest_checkpoints': {
        'kind': ('question', 'case', 'exercise', 'quiz'),
    },
    'question_versions': {
        'type': ('multichoice', 'truefalse', 'shortanswer', 'matching', 'numerical', 'essay', 'description'),
    },
    'questions': {
        'type': ('multichoice', 'truefalse', 'shortanswer', 'matching', 'numerical', 'essay', 'description'),
    },
    'quests': {
        'format': ('quest', 'brain_ring', 'quiz'),
        'status': ('draft', 'running', 'closed'),
    },
    'quizzes': {
        'preset': ('practice', 'exam', 'certification'),
        'grading_method': ('highest', 'last', 'first', 'average'),
        'review_when': ('immediately', 'after_submit', 'after_close'),
    },
    'recognition_awards': {
        'kind': ('title', 'colleagues', 'clients'),
    },
    'recognition_contests': {
        'status': ('open', 'closed'),
    },
    'recognition_flags': {
        'kind': ('client_burst', 'department_bloc', 'mutual_pair'),
    },
    'stress_items': {
        'source': ('staff', 'client'),
    },
    'stress_measures': {
        'status': ('planned', 'in_progress', 'done'),
    },
    'user_roles': {
        'role': ('employee', 'teacher', 'manager', 'hr', 'admin'),
    },
}


def unknown_values(connection) -> list[str]:
    """One line per column holding values outside its list: «table.column: «value» (rows), …; допустимо: …»."""
    problems = []
    for table, columns in COLUMNS.items():
        for name, values in columns.items():
            column = sa.column(name)
            rows = connection.execute(
                sa.select(column, sa.func.count()).select_from(sa.table(table, column))
                .where(column.is_not(None), column.not_in(values)).group_by(column).order_by(column)).all()
            if rows:
                found = ", ".join(f"«{value}» ({count})" for value, count in rows)
                problems.append(f"{table}.{name}: {found}; допустимо: {', '.join(values)}")
    return problems


def upgrade():
    problems = unknown_values(op.get_bind())
    if problems:
        raise CommandError(
            "Миграция f32d30840af9 остановлена, база не изменена: в колонках есть значения, которых приложение "
            "не знает (в скобках — сколько строк). Исправьте эти строки и повторите `flask db upgrade`.\n"
            + "\n".join(problems))
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, values in columns.items():
                batch_op.create_check_constraint(op.f(f'ck_{table}_{name}'), sa.column(name).in_(values))


def downgrade():
    for table, columns in reversed(COLUMNS.items()):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name in reversed(columns):
                batch_op.drop_constraint(op.f(f'ck_{table}_{name}'), type_='check')
