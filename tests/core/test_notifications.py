import pytest
from alembic import command
from sqlalchemy import func, select, text

from tests.factories import make_org, make_user
from tests.support.app import make_test_app
from tests.support.concurrency import run_in_parallel
from training.accounts.models import User
from training.extensions import db
from training.notifications.models import Notification
from training.notifications.services import mark_all_read, notify

COUNTER_MIGRATION = "5b7d0e2a9c41"  # users.unread_notifications


def test_unread_count_badge_and_mark_all_read(client, login, org):
    user = make_user(department=org.front_a)
    notify(user, "course.answer", "Преподаватель ответил на ваш вопрос", "/learn/")
    notify(user, "course.case_accepted", "Кейс блока 1 принят.", "/learn/")
    db.session.commit()
    login(user)
    home = client.get("/").get_data(as_text=True)
    assert 'aria-label="Уведомления: новых 2"' in home and '<span class="badge">2</span>' in home
    page = client.get("/notifications/").get_data(as_text=True)
    assert "Кейс блока 1 принят." in page and "новое" in page
    assert client.post("/notifications/read").status_code == 303
    assert 'class="badge"' not in client.get("/").get_data(as_text=True)


def test_deduplicated_notification_is_created_once(app, org):
    user = make_user(department=org.front_a)
    assert notify(user, "x", "раз", dedupe_key="k:1") is not None
    assert notify(user, "x", "два", dedupe_key="k:1") is None


def test_the_badge_follows_notifications_written_and_read_while_signed_in(client, login, org):
    user = make_user(department=org.front_a)
    login(user)
    assert 'class="badge"' not in client.get("/").get_data(as_text=True)
    notify(user, "course.answer", "Преподаватель ответил на ваш вопрос", "/learn/")
    db.session.commit()
    assert '<span class="badge">1</span>' in client.get("/").get_data(as_text=True)
    assert client.post("/notifications/read").status_code == 303
    notify(user, "course.case_accepted", "Кейс блока 1 принят.", "/learn/")
    db.session.commit()
    assert '<span class="badge">1</span>' in client.get("/").get_data(as_text=True)
    assert client.post("/notifications/read").status_code == 303
    assert 'class="badge"' not in client.get("/").get_data(as_text=True)


def test_upgrading_counts_the_unread_notifications_people_already_have(any_db_url):
    """The counter column arrives filled: the bell shows after the upgrade what it showed before."""
    app = make_test_app(SQLALCHEMY_DATABASE_URI=any_db_url)
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
        command.upgrade(config, COUNTER_MIGRATION + "-1")
        with db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO users (id, email, full_name, position, must_change_password, session_version, "
                "is_active, is_public_consent, created_at, updated_at, search_text) VALUES "
                "(1, 'a@szn.example.ru', 'Иванова Анна Ивановна', '', false, 1, true, false, :t, :t, ''), "
                "(2, 'b@szn.example.ru', 'Петрова Ольга Ивановна', '', false, 1, true, false, :t, :t, '')"),
                {"t": "2026-01-01 00:00:00"})
            connection.execute(text(
                "INSERT INTO notifications (user_id, kind, text, url, created_at, read_at) VALUES "
                "(1, 'x', 'раз', '', :t, NULL), (1, 'x', 'два', '', :t, NULL), (1, 'x', 'три', '', :t, :t), "
                "(2, 'x', 'прочитано', '', :t, :t)"), {"t": "2026-01-01 00:00:00"})
        command.upgrade(config, "head")
        with db.engine.connect() as connection:
            counts = dict(connection.execute(text("SELECT id, unread_notifications FROM users")).all())
        db.engine.dispose()
    assert counts == {1: 2, 2: 0}


@pytest.mark.postgres
def test_the_count_stays_true_when_notifications_and_reading_race(pg_url):
    """Twenty notifications for one person and their «прочитать все» at the same moment: the bell counts exactly
    the notifications left unread (relative updates, no lost count)."""
    app = make_test_app(SQLALCHEMY_DATABASE_URI=pg_url,
                        SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 25, "max_overflow": 5, "pool_timeout": 60})
    with app.app_context():
        db.create_all()
        user_id = make_user(department=make_org().front_a).id
        notify(db.session.get(User, user_id), "x", "до гонки")
        db.session.commit()

        def work(i: int):
            user = db.session.get(User, user_id)
            return mark_all_read(user) if i == 0 else notify(user, "x", f"уведомление {i}")

        results = run_in_parallel(app, 21, work)
        assert not [r for r in results if isinstance(r, Exception)]
        db.session.expire_all()
        unread = db.session.scalar(select(func.count()).select_from(Notification).where(
            Notification.user_id == user_id, Notification.read_at.is_(None)))
        assert db.session.get(User, user_id).unread_notifications == unread
        assert unread == 21 - results[0]  # what the reading did not mark stays unread
        db.session.remove()
        db.engine.dispose()
