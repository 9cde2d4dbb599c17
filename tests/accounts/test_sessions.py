"""Issue 15, finding 6: logout ends the session on the server, and a person sees and ends their other sessions."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from tests.factories import PASSWORD, make_user
from training.accounts.jobs import purge_ended_sessions
from training.accounts.models import UserSession
from training.db import utcnow
from training.extensions import db

PHONE = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0 Mobile Safari"
DESKTOP = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0 Safari/537"


def _signed_in(app, user, agent: str = DESKTOP, remember: bool = False):
    client = app.test_client()
    data = {"email": user.email, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    assert client.post("/auth/login", data=data, headers={"User-Agent": agent}).status_code == 303
    return client


def _cookie(client, name: str):
    return client.get_cookie(name)


def test_a_session_cookie_copied_before_logout_does_not_work_after_it(app, org):
    user = make_user(department=org.front_a)
    client = _signed_in(app, user)
    stolen = _cookie(client, "session").value
    assert client.post("/auth/logout").status_code == 303
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    response = thief.get("/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_a_remember_me_cookie_does_not_outlive_logout(app, org):
    user = make_user(department=org.front_a)
    client = _signed_in(app, user, remember=True)
    remembered = _cookie(client, "remember_token").value
    client.post("/auth/logout")
    other = app.test_client()
    other.set_cookie("remember_token", remembered)
    response = other.get("/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_a_remember_me_cookie_still_signs_in_while_the_session_is_open(app, org):
    user = make_user(department=org.front_a)
    client = _signed_in(app, user, remember=True)
    other = app.test_client()
    other.set_cookie("remember_token", _cookie(client, "remember_token").value)
    assert other.get("/").status_code == 200


def test_a_person_sees_their_sessions_and_ends_another_one(app, org):
    user = make_user(department=org.front_a)
    phone = _signed_in(app, user, PHONE)
    desk = _signed_in(app, user, DESKTOP)
    page = desk.get("/auth/sessions").get_data(as_text=True)
    assert "Chrome, Android" in page and "Chrome, Windows" in page and "это устройство" in page
    phone_session = db.session.scalar(select(UserSession).where(UserSession.device == "Chrome, Android"))
    assert desk.post(f"/auth/sessions/{phone_session.id}/end").status_code == 303
    assert phone.get("/").status_code == 302  # the phone signs in again
    assert desk.get("/").status_code == 200
    assert "Chrome, Android" not in desk.get("/auth/sessions").get_data(as_text=True)


def test_ending_all_other_sessions_keeps_this_device(app, org):
    user = make_user(department=org.front_a)
    others = [_signed_in(app, user, PHONE) for _ in range(2)]
    desk = _signed_in(app, user)
    assert desk.post("/auth/sessions/end-others").status_code == 303
    assert [c.get("/").status_code for c in others] == [302, 302]
    assert desk.get("/").status_code == 200


def test_nobody_ends_a_session_of_someone_else(app, org):
    owner = make_user(department=org.front_a)
    _signed_in(app, owner, PHONE)
    record = db.session.scalar(select(UserSession).where(UserSession.user_id == owner.id))
    intruder = _signed_in(app, make_user(department=org.front_a))
    response = intruder.post(f"/auth/sessions/{record.id}/end")
    assert response.status_code == 422 and "Этот сеанс уже завершён" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(UserSession, record.id).revoked_at is None


def test_a_password_change_ends_every_other_session_and_keeps_this_one(app, org):
    user = make_user(department=org.front_a, must_change_password=False)
    phone = _signed_in(app, user, PHONE)
    desk = _signed_in(app, user)
    response = desk.post("/auth/password", data={"current_password": PASSWORD, "new_password": "Novyi-parol-77x",
                                                 "confirm": "Novyi-parol-77x"})
    assert response.status_code == 303
    assert phone.get("/").status_code == 302
    assert desk.get("/").status_code == 200
    open_sessions = db.session.scalar(select(func.count()).select_from(UserSession)
                                      .where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None)))
    assert open_sessions == 1


def test_the_daily_job_forgets_sessions_ended_a_month_ago(app, org):
    user = make_user(department=org.front_a)
    now = utcnow()
    db.session.add_all([UserSession(user_id=user.id, token_hash="a" * 64, device="old", created_at=now,
                                    revoked_at=now - timedelta(days=31)),
                        UserSession(user_id=user.id, token_hash="b" * 64, device="recent", created_at=now,
                                    revoked_at=now - timedelta(days=1)),
                        UserSession(user_id=user.id, token_hash="c" * 64, device="open", created_at=now)])
    db.session.commit()
    assert purge_ended_sessions(date.today()) == "записей о сеансах удалено: 1"
    assert sorted(db.session.scalars(select(UserSession.device))) == ["open", "recent"]
