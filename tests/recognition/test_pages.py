"""The contest pages as staff use them: open, vote, change, counts hidden until the close, results and consent."""
from __future__ import annotations

import re

from sqlalchemy import select

from training.accounts import models as recognition
from training.extensions import db
from training.gamification import periods as services
from training.gamification.contests.models import ColleagueVote, Contest


def _open_now(client, login, staff, org):
    login(staff.manager)
    page = client.get("/recognition/contests/new").get_data(as_text=True)
    assert org.centre_a.name in page and org.centre_b.name not in page  # a manager: their centre only
    response = client.post("/recognition/contests/new", data={"scope": f"c:{org.centre_a.id}",
                                                              "period": services.current_period()})
    assert response.status_code == 303
    client.post("/auth/logout")
    return db.session.scalar(select(Contest))


def test_manager_opens_and_hr_sees_every_centre_of_the_service(client, login, org, staff):
    contest = _open_now(client, login, staff, org)
    assert contest.centre_id == org.centre_a.id and contest.opened_by_id == staff.manager.id
    login(staff.hr)
    page = client.get("/recognition/contests/new").get_data(as_text=True)
    assert org.centre_a.name in page and org.centre_b.name in page and "ЦЗН г. Казани" not in page
    again = client.post("/recognition/contests/new", data={"scope": f"c:{org.centre_a.id}",
                                                           "period": services.current_period()})
    assert again.status_code == 422 and "уже есть конкурс" in again.get_data(as_text=True)
    foreign = client.post("/recognition/contests/new", data={"scope": f"c:{org.other_centre.id}",
                                                             "period": services.current_period()})
    assert foreign.status_code == 422  # not among the choices


def test_vote_change_and_hidden_counts(client, login, org, staff):
    contest = _open_now(client, login, staff, org)
    for voter in (staff.vera, staff.gleb):
        login(voter)
        assert client.post(f"/recognition/contests/{contest.id}/vote",
                           data={"nominee_id": staff.boris.id}).status_code == 303
        client.post("/auth/logout")
    login(staff.anna)
    page = client.get(f"/recognition/contests/{contest.id}").get_data(as_text=True)
    assert "Промежуточные итоги скрыты" in page and "проголосовали" not in page
    options = re.findall(r"<option[^>]*>([^<]*)</option>", page)
    assert not any(ch.isdigit() for option in options for ch in option)  # no counts next to names
    assert not any("Антонова" in option for option in options)  # no self-vote option
    response = client.post(f"/recognition/contests/{contest.id}/vote",
                           data={"nominee_id": staff.boris.id, "reason": "Спокойно работает с очередью"})
    assert response.status_code == 303
    page = client.get(f"/recognition/contests/{contest.id}").get_data(as_text=True)
    assert "Ваш голос: <strong>Борисов Борис Ильич</strong>" in page and "Изменить голос" in page
    client.post(f"/recognition/contests/{contest.id}/vote", data={"nominee_id": staff.vera.id})
    assert db.session.scalar(select(ColleagueVote.nominee_id).where(ColleagueVote.voter_id == staff.anna.id)) \
        == staff.vera.id
    self_vote = client.post(f"/recognition/contests/{contest.id}/vote", data={"nominee_id": staff.anna.id})
    assert self_vote.status_code == 422
    client.post("/auth/logout")
    login(staff.manager)
    page = client.get(f"/recognition/contests/{contest.id}").get_data(as_text=True)
    assert "проголосовали 3 из 5" in page


def test_outsiders_neither_see_nor_vote(client, login, org, staff):
    contest = _open_now(client, login, staff, org)
    login(staff.dina)
    assert client.get(f"/recognition/contests/{contest.id}").status_code == 404
    assert client.post(f"/recognition/contests/{contest.id}/vote",
                       data={"nominee_id": staff.anna.id}).status_code == 404
    client.post("/auth/logout")
    login(staff.hr)  # HR sees the contest but is not a member of the centre
    page = client.get(f"/recognition/contests/{contest.id}").get_data(as_text=True)
    assert "Голосуют сотрудники центра" in page


def test_close_shows_results_with_names_only_by_consent(client, login, org, staff):
    contest = _open_now(client, login, staff, org)
    for voter, nominee in ((staff.vera, staff.boris), (staff.gleb, staff.boris), (staff.boris, staff.anna)):
        login(voter)
        client.post(f"/recognition/contests/{contest.id}/vote", data={"nominee_id": nominee.id})
        client.post("/auth/logout")
    login(staff.anna)
    assert client.post(f"/recognition/contests/{contest.id}/close").status_code == 403
    client.post("/auth/logout")
    login(staff.manager)
    assert client.post(f"/recognition/contests/{contest.id}/close").status_code == 303
    page = client.get(f"/recognition/contests/{contest.id}").get_data(as_text=True)
    assert "Борисов Борис Ильич" in page  # a manager sees every name
    assert client.post(f"/recognition/contests/{contest.id}/close").status_code == 409
    client.post("/auth/logout")
    login(staff.vera)
    page = client.get(f"/recognition/contests/{contest.id}").get_data(as_text=True)
    assert "Самый клиентоцентричный сотрудник месяца" in page
    assert "Борисов" not in page and recognition.NO_CONSENT_LABEL in page  # Boris did not consent
    assert "Антонова Анна Сергеевна" in page  # Anna did
    assert "Сравнение невозможно" in page  # no client votes in this contest
    client.post("/auth/logout")
    login(staff.boris)
    assert "Борисов Борис Ильич" in client.get(f"/recognition/contests/{contest.id}").get_data(as_text=True)


def test_recognition_pages_render_for_a_member(client, login, org, staff):
    contest = _open_now(client, login, staff, org)
    login(staff.anna)
    for url in ("/recognition/", "/recognition/contests", "/recognition/thanks", "/recognition/thanks/new",
                "/recognition/board", "/recognition/points", "/recognition/badges",
                f"/recognition/people/{staff.anna.id}", "/recognition/window"):
        response = client.get(url)
        assert response.status_code == 200, url
    hub = client.get("/recognition/").get_data(as_text=True)
    assert f"/recognition/contests/{contest.id}" in hub and "вы ещё не голосовали" in hub


def test_home_page_invites_members_to_vote_until_they_do(client, login, org, staff):
    contest = _open_now(client, login, staff, org)
    login(staff.anna)
    home = client.get("/").get_data(as_text=True)
    assert "Проголосовать" in home and f"/recognition/contests/{contest.id}" in home
    client.post(f"/recognition/contests/{contest.id}/vote", data={"nominee_id": staff.boris.id})
    home = client.get("/").get_data(as_text=True)
    assert "Ваш голос учтён" in home and "Проголосовать" not in home
