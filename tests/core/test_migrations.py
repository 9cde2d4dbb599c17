"""The schema comes only from migrations: upgrading an empty database gives exactly the models' schema."""
import re
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import CheckConstraint, inspect

from tests.support.app import make_test_app
from training.extensions import db


def _schema_diff():
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def _check_constraints_by_table(source) -> dict[str, set[str]]:
    """CHECK constraint names per table, of the models (metadata) or of the database (an inspector): Alembic's
    comparison does not look at CHECK constraints, so the enum columns' constraints are compared here."""
    if isinstance(source, type(db.metadata)):
        found = {table.name: {str(c.name) for c in table.constraints if isinstance(c, CheckConstraint)}
                 for table in source.tables.values()}
    else:
        found = {name: {c["name"] for c in source.get_check_constraints(name)}
                 for name in source.get_table_names() if name != "alembic_version"}
    return {table: names for table, names in found.items() if names}


@pytest.mark.postgres
def test_migrations_produce_exactly_the_models_schema(any_db_url):
    app = make_test_app(SQLALCHEMY_DATABASE_URI=any_db_url)
    with app.app_context():
        upgrade()
        assert _schema_diff() == []
        assert _check_constraints_by_table(inspect(db.engine)) == _check_constraints_by_table(db.metadata)
        tables = set(inspect(db.engine).get_table_names())
        assert {"users", "centres", "audit_entries", "alembic_version"} <= tables
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


def test_sqlite_has_foreign_keys_and_wal(tmp_path):
    app = make_test_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with app.app_context():
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        db.engine.dispose()


def test_sqlite_rollback_undoes_work_done_in_a_savepoint(app, org):
    """A savepoint opened before any other write still sits inside the request's transaction."""
    from sqlalchemy import func, select

    from tests.factories import make_user
    from training.accounts.models import User

    make_user(department=org.front_a)
    before = db.session.scalar(select(func.count()).select_from(User))
    db.session.commit()
    with db.session.begin_nested():
        db.session.add(User(email="savepoint@szn.example.ru", full_name="Точкина Анна Ивановна"))
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(User)) == before


def test_migration_files_list_in_the_order_of_the_revision_chain(app):
    """`ls training/migrations/versions` reads as the history: date and time first, then the revision."""
    scripts = ScriptDirectory(app.extensions["migrate"].directory)
    chain = [script.revision for script in reversed(list(scripts.walk_revisions()))]
    files = sorted(path.name for path in Path(scripts.versions).glob("*.py"))
    assert all(re.fullmatch(r"\d{4}_\d{2}_\d{2}_\d{4}_[0-9a-f]{12}_\w+\.py", name) for name in files), files
    assert [name.split("_")[4] for name in files] == chain
