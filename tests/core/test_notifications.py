from tests.factories import make_user
from training.extensions import db
from training.notifications.services import notify


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
