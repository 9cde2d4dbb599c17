"""«Сотрудник месяца» by clients: signed links, rotating codes, one vote per code and device, no personal data."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, inspect, select

from tests.support.world import MID_MARCH
from training.db import utcnow
from training.errors import Conflict
from training.extensions import db
from training.gamification.contests import codes, services
from training.gamification.contests.client_routes import DEVICE_COOKIE
from training.gamification.contests.models import ClientVote, ClientVoteSalt


def _link(employee, code=None):
    url = f"/v/{employee.id}/{codes.sheet_signature(employee.id)}"
    return f"{url}?k={code}" if code else url


def _code_now(employee):
    return codes.client_code(employee.id, codes.window_index(utcnow()))


def _count(model=ClientVote):
    return db.session.scalar(select(func.count()).select_from(model))


def test_code_rotates_every_two_hours_and_stays_valid_one_window_more(app, staff):
    start = datetime(2026, 3, 15, 10, 0, tzinfo=UTC)  # a window boundary (10:00 UTC)
    code = codes.client_code(staff.anna.id, codes.window_index(start))
    assert len(code) == 6 and set(code) <= set(codes.CODE_ALPHABET)
    assert codes.client_code(staff.anna.id, codes.window_index(start + timedelta(hours=2))) != code
    assert codes.client_code(staff.boris.id, codes.window_index(start)) != code
    assert codes.match_code(staff.anna.id, code, start + timedelta(minutes=119)) == codes.window_index(start)
    assert codes.match_code(staff.anna.id, code, start + timedelta(hours=3, minutes=59)) == codes.window_index(start)
    assert codes.match_code(staff.anna.id, code, start + timedelta(hours=4)) is None
    assert codes.match_code(staff.boris.id, code, start) is None


def test_code_typed_in_lower_case_with_cyrillic_lookalikes_is_accepted(app, staff):
    window = codes.window_index(MID_MARCH)
    for candidate in range(1000):  # find an employee id whose code has a letter with a Cyrillic twin
        code = codes.client_code(candidate, window)
        if any(ch in "ACEHKMPTXY" for ch in code):
            break
    typed = code.lower().translate(str.maketrans("acehkmptxy", "асенкмртху"))
    assert typed != code.lower()
    assert codes.match_code(candidate, f" {typed[:3]}-{typed[3:]} ", MID_MARCH) == window


def test_without_a_patronymic_the_vote_page_asks_without_guessing_the_gender(client, staff):
    staff.anna.full_name = "Ли Мэй"
    db.session.commit()
    page = client.get(_link(staff.anna)).get_data(as_text=True)
    assert "Мэй: вам помогли?" in page and "Вам помог" not in page


def test_the_printed_link_cannot_be_forged(client, staff):
    assert client.get(f"/v/{staff.anna.id}/{codes.sheet_signature(staff.boris.id)}").status_code == 404
    assert client.get(_link(staff.anna)).status_code == 200


def test_client_votes_in_one_tap_from_the_window_qr_and_no_personal_data_is_kept(client, staff):
    page = client.get(_link(staff.anna, _code_now(staff.anna)))
    assert page.status_code == 200
    assert "Вам помогла Анна?" in page.get_data(as_text=True)
    token = client.get_cookie(DEVICE_COOKIE).value
    response = client.post(_link(staff.anna, _code_now(staff.anna)),
                           data={"code": _code_now(staff.anna), "comment": "Всё объяснили понятно"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/v/done")
    vote = db.session.scalar(select(ClientVote))
    assert vote.employee_id == staff.anna.id and vote.centre_id == staff.anna.centre_id
    assert vote.comment == "Всё объяснили понятно"
    stored = " ".join(str(getattr(vote, c.key)) for c in inspect(ClientVote).columns)
    assert "127.0.0.1" not in stored and token not in stored
    assert len(vote.device_hash) == 64 and vote.address_hash and len(vote.address_hash) == 64


def test_a_code_gives_one_vote_and_the_next_client_gets_the_next_code(client, app, staff):
    """Issue 15, finding 4: the code was good for any number of phones (37–40 votes from one address)."""
    code = _code_now(staff.anna)
    client.get(_link(staff.anna))
    assert client.post(_link(staff.anna), data={"code": code}).status_code == 303
    again = client.post(_link(staff.anna), data={"code": code})
    assert "уже отдан голос по этому коду" in again.get_data(as_text=True)
    assert _count() == 1
    other_phone = app.test_client()
    other_phone.get(_link(staff.anna))
    reused = other_phone.post(_link(staff.anna), data={"code": code}, environ_base={"REMOTE_ADDR": "10.1.1.2"})
    assert "Этот код уже использован" in reused.get_data(as_text=True)
    assert _count() == 1
    next_code, _ = services.current_code(staff.anna)
    assert next_code != code
    assert other_phone.post(_link(staff.anna), data={"code": next_code},
                            environ_base={"REMOTE_ADDR": "10.1.1.2"}).status_code == 303
    assert _count() == 2


def test_a_wrong_or_expired_code_is_refused(client, staff):
    client.get(_link(staff.anna))
    old = codes.client_code(staff.anna.id, codes.window_index(utcnow()) - 2)
    for code in ("AAAAAA", old, _code_now(staff.boris)):
        response = client.post(_link(staff.anna), data={"code": code})
        assert response.status_code == 422
        assert "Код не подходит" in response.get_data(as_text=True)
    assert _count() == 0


def test_a_code_with_letters_no_code_has_is_refused_with_the_message(client, staff):
    """«ЖУК123» (Cyrillic letters without a Latin look-alike) once reached compare_digest and returned a 500."""
    client.get(_link(staff.anna))
    for code in ("ЖУК123", "ёжик42", "Щ" * 6):
        response = client.post(_link(staff.anna), data={"code": code})
        assert response.status_code == 422
        assert "Код не подходит" in response.get_data(as_text=True)
    assert _count() == 0


def test_signed_in_staff_cannot_vote_as_a_client(client, login, staff):
    login(staff.boris)
    page = client.get(_link(staff.anna))
    assert "Вы вошли как сотрудник" in page.get_data(as_text=True)
    assert client.post(_link(staff.anna), data={"code": _code_now(staff.anna)}).status_code == 403
    assert _count() == 0


def test_a_staff_members_phone_stays_refused_after_logout(client, login, staff):
    """Issue 15, finding 4: the specialist sees their own code; signing out was enough to vote for oneself."""
    login(staff.anna)
    code, _ = services.current_code(staff.anna)
    client.post("/auth/logout")
    response = client.post(_link(staff.anna), data={"code": code})
    assert response.status_code == 403
    assert "входили с этого устройства" in response.get_data(as_text=True)
    assert _count() == 0


def test_one_network_address_gives_a_specialist_two_votes_a_day(app, staff):
    """Issue 15, finding 4: fresh browsers from one address each got a vote."""
    statuses = []
    for _ in range(4):
        phone = app.test_client()
        phone.get(_link(staff.anna))
        code, _ = services.current_code(staff.anna)
        response = phone.post(_link(staff.anna), data={"code": code}, environ_base={"REMOTE_ADDR": "203.0.113.50"})
        statuses.append(response.status_code)
    assert statuses == [303, 303, 200, 200]
    assert _count() == 2


def test_a_window_has_a_bounded_number_of_codes(app, staff):
    now = utcnow()
    window = codes.window_index(now)
    for seq in range(codes.visit_codes_per_window()):
        assert services.claim_visit_code(staff.anna.id, window, seq, "voted_at", now)
    db.session.commit()
    assert services.current_code(staff.anna, now)[0] is None
    beyond = codes.client_code(staff.anna.id, window, codes.visit_codes_per_window())
    assert codes.match_visit(staff.anna.id, beyond, now) is None


def test_votes_from_one_device_are_throttled(client, app, staff):
    app.config["CLIENT_VOTE_LIMIT_PER_DEVICE"] = "3 per hour"
    client.get(_link(staff.anna))
    statuses = [client.post(_link(staff.anna), data={"code": "AAAAAA"}).status_code for _ in range(4)]
    assert statuses == [422, 422, 422, 429]


def test_no_vote_for_an_inactive_employee(client, staff):
    staff.anna.is_active = False
    db.session.commit()
    assert client.get(_link(staff.anna)).status_code == 404


def test_same_device_is_unlinkable_across_days_and_salts_are_purged(app, staff):
    day1 = datetime(2026, 3, 15, 10, 0, tzinfo=UTC)
    day2 = day1 + timedelta(days=1)
    for now in (day1, day2):
        services.cast_client_vote(staff.anna, code=codes.client_code(staff.anna.id, codes.window_index(now)),
                                  device_token="same-phone-token-1234", address="10.0.0.9", now=now)
    db.session.commit()
    hashes = db.session.scalars(select(ClientVote.device_hash)).all()
    assert len(set(hashes)) == 2
    assert services.purge_old_salts(date(2026, 3, 19)) == 2
    assert _count(ClientVoteSalt) == 0


def test_client_votes_stay_with_the_centre_where_they_were_cast(org, staff):
    now = MID_MARCH
    services.cast_client_vote(staff.anna, code=codes.client_code(staff.anna.id, codes.window_index(now)),
                              device_token="phone-a-000000000", address=None, now=now)
    staff.anna.centre_id, staff.anna.department_id = org.centre_b.id, org.front_b.id
    db.session.commit()
    contest = services.open_contest(staff.manager, centre=org.centre_a, now=now)
    services.close_contest(staff.manager, contest, now=now + timedelta(days=1))
    assert contest.results["winners"]["clients"]["user_id"] == staff.anna.id


def test_a_device_votes_once_per_window_at_the_service_level(app, staff):
    now = MID_MARCH
    code = codes.client_code(staff.anna.id, codes.window_index(now))
    services.cast_client_vote(staff.anna, code=code, device_token="tok-0123456789abcdef", address="1.2.3.4", now=now)
    with pytest.raises(Conflict):
        services.cast_client_vote(staff.anna, code=code, device_token="tok-0123456789abcdef", address="1.2.3.4",
                                  now=now + timedelta(minutes=30))
    next_window = now + timedelta(hours=2)
    services.cast_client_vote(staff.anna, code=codes.client_code(staff.anna.id, codes.window_index(next_window)),
                              device_token="tok-0123456789abcdef", address="1.2.3.4", now=next_window)
    assert _count() == 2


def test_window_page_shows_the_current_code_and_a_qr(client, login, staff):
    login(staff.anna)
    page = client.get("/recognition/window").get_data(as_text=True)
    assert _code_now(staff.anna) in page
    assert 'src="data:image/svg+xml' in page
    fragment = client.get("/recognition/window", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and _code_now(staff.anna) in fragment
