"""Data safety: a consistent snapshot while the app writes, a restore that runs, and upgrades that keep rows."""
import sqlite3
import threading
from datetime import date

import pytest
from alembic import command
from flask_migrate import upgrade
from sqlalchemy import text

from tests.factories import PASSWORD, make_org, make_user
from tests.support.app import make_test_app
from training.extensions import db


def test_backup_while_writing_then_restore_and_sign_in(tmp_path):
    live = tmp_path / "live.sqlite3"
    app = make_test_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{live}")
    with app.app_context():
        upgrade()
        org = make_org()
        user = make_user(department=org.front_a, email="keeper@szn.example.ru")
        email = user.email
        db.session.remove()

    stop = threading.Event()

    def writer():
        connection = sqlite3.connect(live, timeout=30)
        n = 0
        while not stop.is_set() and n < 2000:
            connection.execute("INSERT INTO job_runs (job_name, period_key, started_at, result) VALUES (?, ?, ?, '')",
                               ("load", f"k{n}", "2026-11-26 10:00:00"))
            connection.commit()
            n += 1
        connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    snapshot = tmp_path / "backup.sqlite3"
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["backup", "--output", str(snapshot)])
        db.engine.dispose()
    stop.set()
    thread.join()
    assert result.exit_code == 0, result.output
    assert "Копия сохранена" in result.output
    check = sqlite3.connect(snapshot)
    assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert check.execute("SELECT count(*) FROM users").fetchone()[0] == 1
    check.close()

    restored = make_test_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{snapshot}")
    with restored.app_context():
        upgrade()  # a restored snapshot is already at head: nothing to do, nothing lost
        client = restored.test_client()
        response = client.post("/auth/login", data={"email": email, "password": PASSWORD})
        assert response.status_code == 303
        assert client.get("/").status_code == 200
        db.engine.dispose()


def test_backup_refuses_to_overwrite_and_explains_postgres(tmp_path, runner, app):
    existing = tmp_path / "exists.sqlite3"
    existing.write_bytes(b"keep me")
    result = runner.invoke(args=["backup", "--output", str(existing)])
    assert result.exit_code != 0 and "уже существует" in result.output
    assert existing.read_bytes() == b"keep me"
    postgres = make_test_app(SQLALCHEMY_DATABASE_URI="postgresql://nobody@127.0.0.1:5432/none")
    with postgres.app_context():
        result = postgres.test_cli_runner().invoke(args=["backup"])
    assert result.exit_code != 0 and "pg_dump" in result.output


@pytest.mark.postgres
def test_upgrading_from_the_first_release_keeps_every_row(any_db_url):
    """A database filled under the first migration upgrades to head without losing a row."""
    app = make_test_app(SQLALCHEMY_DATABASE_URI=any_db_url)
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
        script = __import__("alembic.script", fromlist=["ScriptDirectory"]).ScriptDirectory.from_config(config)
        first = list(script.walk_revisions())[-1].revision
        command.upgrade(config, first)
        with db.engine.begin() as connection:
            connection.execute(text("INSERT INTO regions (id, code, name) VALUES (1, '52', 'Нижегородская область')"))
            connection.execute(text("INSERT INTO regional_services (id, region_id, name, created_at) "
                                    "VALUES (1, 1, 'СЗН', :t)"), {"t": "2026-01-01 00:00:00"})
            for n in range(1, 51):
                connection.execute(text(
                    "INSERT INTO users (id, email, personnel_number, full_name, position, hire_date, "
                    "regional_service_id, must_change_password, session_version, is_active, is_public_consent, "
                    "created_at, updated_at, search_text) VALUES (:id, :email, :pn, 'Иванова Анна Ивановна', 'Инспектор', "
                    ":hired, 1, false, 1, true, false, :t, :t, '')"),
                    {"id": n, "email": f"u{n}@szn.example.ru", "pn": f"P{n}", "hired": date(2020, 1, 1),
                     "t": "2026-01-01 00:00:00"})
                connection.execute(text("INSERT INTO user_roles (user_id, role) VALUES (:id, 'employee')"), {"id": n})
        command.upgrade(config, "head")
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM users")).scalar() == 50
            assert connection.execute(text("SELECT count(*) FROM user_roles")).scalar() == 50
            assert connection.execute(text("SELECT name FROM regions")).scalar() == "Нижегородская область"
        db.engine.dispose()
