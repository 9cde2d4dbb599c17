"""The schema comes only from migrations: upgrading an empty database gives exactly the models' schema."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from tests.support.app import make_test_app
from training.extensions import db


def _schema_diff():
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


@pytest.mark.postgres
def test_migrations_produce_exactly_the_models_schema(any_db_url):
    app = make_test_app(SQLALCHEMY_DATABASE_URI=any_db_url)
    with app.app_context():
        upgrade()
        assert _schema_diff() == []
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
