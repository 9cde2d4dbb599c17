"""«Спасибо», badges, the points ledger and its listeners, the leaderboard and the honour board."""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from tests.support.world import MID_MARCH
from training import signals
from training.accounts import models as accounts_models
from training.errors import DomainError
from training.extensions import db
from training.gamification import periods
from training.gamification.contests import services as contests
from training.gamification.recognition import services
from training.gamification.recognition.models import Badge, PointEntry, ThanksNote, UserBadge


def _points(user, source=None):
    query = select(func.coalesce(func.sum(PointEntry.amount), 0)).where(PointEntry.user_id == user.id)
    if source:
        query = query.where(PointEntry.source == source)
    return db.session.scalar(query)


# --- points ledger ----------------------------------------------------------------------------------------

def test_the_same_source_never_awards_twice(staff):
    assert services.award_points(staff.anna, 10, "test:1", "Первое") is not None
    assert services.award_points(staff.anna, 10, "test:1", "Повтор") is None
    assert services.award_points(staff.boris, 10, "test:1", "Другой человек") is not None
    db.session.commit()
    assert _points(staff.anna) == 10 and _points(staff.boris) == 10


def _connected(signal, receiver) -> bool:
    import weakref

    for ref in signal.receivers.values():
        target = ref() if isinstance(ref, weakref.ref) else ref
        if target is receiver:
            return True
    return False


def test_listeners_are_connected_to_every_signal():
    from training.gamification.recognition import listeners

    for signal, receiver in ((signals.quiz_passed, listeners.on_quiz_passed),
                             (signals.block_completed, listeners.on_block_completed),
                             (signals.course_completed, listeners.on_course_completed),
                             (signals.case_accepted, listeners.on_case_accepted),
                             (signals.thanks_given, listeners.on_thanks_given),
                             (signals.contest_closed, listeners.on_contest_closed),
                             (signals.library_case_published, listeners.on_library_case_published),
                             (signals.quest_finished, listeners.on_quest_finished),
                             (signals.peer_rating_given, listeners.on_peer_rating_given)):
        assert _connected(signal, receiver), signal.name


def test_listeners_award_points_once_per_fact(staff):
    from training.gamification.recognition import listeners

    anna = staff.anna
    enrolment = SimpleNamespace(id=5)
    block = SimpleNamespace(id=7, number=3)
    for _ in range(2):  # a repeated signal (retry, double click) pays once
        signals.quiz_passed.send(anna, block_id=7, attempt_id=1, percent=90)
        signals.library_case_published.send(anna, case_id=42)
        # the course signals carry real enrolments; other domains' listeners need them, so call ours directly
        listeners.on_block_completed(anna, enrolment=enrolment, block=block)
        listeners.on_case_accepted(anna, submission=SimpleNamespace(enrolment_id=5, block_id=7))
        listeners.on_course_completed(anna, enrolment=enrolment)
    db.session.commit()
    sources = dict(db.session.execute(select(PointEntry.source, PointEntry.amount)
                                      .where(PointEntry.user_id == anna.id)).all())
    assert sources["quiz:7"] == 10 and sources["block:5:7"] == 20 and sources["case:5:7"] == 30
    assert sources["course:5"] == 100 and sources["library-case:42"] == 25
    badges = {b.badge.code for b in db.session.scalars(select(UserBadge).where(UserBadge.user_id == anna.id))}
    assert {"course_graduate", "library_author"} <= badges


def test_peer_rating_points_never_name_the_rated_colleague_and_are_capped(staff):
    from training.gamification.recognition.listeners import PEER_RATING_POINTS_PER_MONTH

    for _ in range(PEER_RATING_POINTS_PER_MONTH + 3):
        signals.peer_rating_given.send(staff.anna, rated_id=staff.boris.id)
    db.session.commit()
    sources = list(db.session.scalars(select(PointEntry.source).where(PointEntry.user_id == staff.anna.id)))
    period = periods.current_period()
    # numbered ratings of the month, capped; nothing in the ledger says whom Anna rated
    assert set(sources) == {f"peer-ratings:{period}:{n}" for n in range(1, PEER_RATING_POINTS_PER_MONTH + 1)}


def test_quest_places_get_points_and_ties_share_a_place(staff):
    quest = SimpleNamespace(id=3)
    ranking = [[staff.anna.id, staff.boris.id], [], [staff.vera.id], [staff.gleb.id]]  # two teams tied first
    signals.quest_finished.send(quest, team_member_ids_by_rank=ranking)
    signals.quest_finished.send(quest, team_member_ids_by_rank=ranking)
    db.session.commit()
    assert [_points(u, "quest:3") for u in (staff.anna, staff.boris, staff.vera, staff.gleb)] == [50, 50, 20, 10]
    assert db.session.scalar(select(UserBadge).join(Badge).where(UserBadge.user_id == staff.boris.id,
                                                                 Badge.code == "quest_winner"))


def test_leaderboard_orders_by_total_then_who_reached_it_first_and_hides_names_without_consent(org, staff):
    for user, amount, minutes in ((staff.anna, 30, 5), (staff.boris, 30, 1), (staff.vera, 10, 0)):
        entry = services.award_points(user, amount, "test:x", "проверка")
        entry.created_at = MID_MARCH + timedelta(minutes=minutes)
    services.award_points(staff.dina, 99, "test:x", "другой центр")
    db.session.commit()
    rows = services.leaderboard(org.centre_a, staff.vera)
    assert [(r.rank, r.total) for r in rows] == [(1, 30), (1, 30), (3, 10)]
    assert [r.user_id for r in rows] == [staff.boris.id, staff.anna.id, staff.vera.id]
    assert rows[0].label == accounts_models.NO_CONSENT_LABEL  # Boris has not consented
    assert rows[1].label == "Антонова Анна Сергеевна"
    assert rows[2].label == "Волкова Вера Андреевна (вы)"


def test_points_page_respects_consent(client, login, staff):
    services.award_points(staff.boris, 30, "test:x")
    services.award_points(staff.anna, 20, "test:x")
    db.session.commit()
    login(staff.vera)
    page = client.get("/recognition/points?period=all").get_data(as_text=True)
    assert "Антонова Анна Сергеевна" in page and "Борисов" not in page
    assert accounts_models.NO_CONSENT_LABEL in page


# --- thanks -----------------------------------------------------------------------------------------------

def test_thanks_rules(staff):
    with pytest.raises(DomainError, match="Себя"):
        services.give_thanks(staff.anna, staff.anna, "Спасибо мне")
    with pytest.raises(DomainError, match="своей службы"):
        services.give_thanks(staff.anna, staff.other_hr, "Спасибо")
    with pytest.raises(DomainError, match="за что"):
        services.give_thanks(staff.anna, staff.boris, " ")
    for i in range(services.THANKS_PER_DAY):
        services.give_thanks(staff.anna, staff.boris, f"Спасибо №{i}")
    with pytest.raises(DomainError, match="в сутки"):
        services.give_thanks(staff.anna, staff.vera, "Ещё одно")


def test_thanks_pay_points_once_a_month_per_colleague_and_badges(staff):
    services.give_thanks(staff.anna, staff.boris, "За терпение с клиентом")
    services.give_thanks(staff.anna, staff.boris, "И ещё раз")
    services.give_thanks(staff.vera, staff.boris, "За помощь")
    db.session.commit()
    assert _points(staff.boris) == 10  # 5 from Anna (once this month) + 5 from Vera
    assert db.session.scalar(select(UserBadge).join(Badge).where(UserBadge.user_id == staff.boris.id,
                                                                 Badge.code == "first_thanks"))
    for i in range(8):
        services.give_thanks(staff.anna, staff.gleb, f"Спасибо №{i}")
    db.session.commit()
    assert db.session.scalar(select(UserBadge).join(Badge).where(UserBadge.user_id == staff.anna.id,
                                                                 Badge.code == "thankful"))


def test_thanks_show_on_the_profile_and_on_the_showcase_only_with_consent(client, login, staff):
    login(staff.boris)
    response = client.post("/recognition/thanks/new", data={"recipient_id": staff.anna.id,
                                                            "text": "За ясное объяснение пособия"})
    assert response.status_code == 303
    client.post("/recognition/thanks/new", data={"recipient_id": staff.gleb.id, "text": "За помощь с очередью"})
    profile = client.get(f"/recognition/people/{staff.gleb.id}").get_data(as_text=True)
    assert "За помощь с очередью" in profile
    client.post("/auth/logout")
    login(staff.vera)
    showcase = client.get("/recognition/thanks").get_data(as_text=True)
    assert "За ясное объяснение пособия" in showcase  # Anna consented
    assert "За помощь с очередью" not in showcase  # Gleb did not
    assert "Борисов Борис Ильич" not in showcase  # the giver has not consented either: «от коллеги»
    client.post("/auth/logout")
    login(staff.boris)
    given = client.get("/recognition/thanks?tab=given", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in given and "За помощь с очередью" in given


def test_thanks_form_refuses_invalid_input_with_422(client, login, staff):
    login(staff.boris)
    response = client.post("/recognition/thanks/new", data={"recipient_id": "", "text": ""})
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(ThanksNote)) == 0


def test_person_page_is_for_the_centre_and_managers_in_scope(client, login, staff):
    login(staff.dina)  # centre B
    assert client.get(f"/recognition/people/{staff.anna.id}").status_code == 404
    client.post("/auth/logout")
    login(staff.boris)
    assert client.get(f"/recognition/people/{staff.anna.id}").status_code == 200
    client.post("/auth/logout")
    login(staff.hr)
    assert client.get(f"/recognition/people/{staff.dina.id}").status_code == 200


# --- badges and boards ------------------------------------------------------------------------------------

def test_badge_catalogue_seed_is_idempotent(app):
    from seeds import reference

    created = services.ensure_badge_catalogue()
    assert created >= 10
    assert services.ensure_badge_catalogue() == 0
    assert any(name.startswith("знаки отличия") for name, _ in reference.STEPS)


def test_managers_award_manual_badges_once_and_staff_cannot(client, login, staff):
    services.ensure_badge_catalogue()
    db.session.commit()
    master = db.session.scalar(select(Badge).where(Badge.code == "master"))
    login(staff.boris)
    assert client.post(f"/recognition/people/{staff.anna.id}/badges",
                       data={"badge_id": master.id, "reason": "x"}).status_code == 403
    client.post("/auth/logout")
    login(staff.manager)
    ok = client.post(f"/recognition/people/{staff.anna.id}/badges",
                     data={"badge_id": master.id, "reason": "Лучшие оценки компетенций за квартал"})
    assert ok.status_code == 303
    again = client.post(f"/recognition/people/{staff.anna.id}/badges",
                        data={"badge_id": master.id, "reason": "Ещё раз"})
    assert again.status_code == 400 and "уже есть знак" in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(UserBadge)) == 1
    assert _points(staff.anna, "badge:master") == 100
    client.post("/auth/logout")
    login(staff.vera)
    board = client.get("/recognition/board").get_data(as_text=True)
    assert "Антонова Анна Сергеевна" in board and "Мастер клиентоцентричности" in board


def test_honour_board_hides_winners_without_consent_and_passes_the_cup(client, login, org, staff):
    first = contests.open_contest(staff.manager, centre=org.centre_a, now=MID_MARCH - timedelta(days=30))
    contests.cast_vote(staff.anna, first, staff.boris, now=MID_MARCH - timedelta(days=30))
    contests.close_contest(staff.manager, first, now=MID_MARCH - timedelta(days=20))
    db.session.commit()
    login(staff.gleb)
    board = client.get("/recognition/board").get_data(as_text=True)
    assert accounts_models.NO_CONSENT_LABEL in board and "Борисов" not in board
    second = contests.open_contest(staff.manager, centre=org.centre_a, now=MID_MARCH)
    contests.cast_vote(staff.boris, second, staff.anna, now=MID_MARCH)
    contests.close_contest(staff.manager, second, now=MID_MARCH + timedelta(days=1))
    db.session.commit()
    assert contests.cup_holder(org.centre_a).user_id == staff.anna.id
    board = client.get("/recognition/board").get_data(as_text=True)
    cup = board.split("Переходящий кубок", 1)[1].split("</section>", 1)[0]
    assert "Антонова Анна Сергеевна" in cup


def test_vote_sheet_pdf_for_one_employee_and_for_a_centre(client, login, org, staff):
    login(staff.anna)
    response = client.get(f"/recognition/sheets/{staff.anna.id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF") and response.data.count(b"/Type /Page\n") + \
        response.data.count(b"/Type /Page ") + response.data.count(b"/Type /Page>") >= 1
    assert client.get(f"/recognition/sheets/{staff.boris.id}.pdf").status_code == 404  # a colleague's sheet
    client.post("/auth/logout")
    login(staff.manager)
    many = client.get(f"/recognition/centres/{org.centre_a.id}/sheets.pdf")
    assert many.status_code == 200 and len(many.data) > len(response.data)
    assert client.get(f"/recognition/centres/{org.centre_b.id}/sheets.pdf").status_code == 404


def test_font_lookup_finds_a_cyrillic_font(app):
    from training.gamification.contests.pdf import find_font

    assert find_font() is not None and find_font().name == "DejaVuSans.ttf"


def test_only_hr_and_the_administrator_grant_the_magister_title_and_only_to_a_master(client, login, staff):
    """Issue 15, finding 2: a centre manager could grant «Магистр клиентоцентричности» (+200 points) to anyone."""
    services.ensure_badge_catalogue()
    db.session.commit()
    magister = db.session.scalar(select(Badge).where(Badge.code == "magister"))
    login(staff.manager)
    page = client.get(f"/recognition/people/{staff.anna.id}").get_data(as_text=True)
    assert "Магистр клиентоцентричности</option>" not in page  # the manager is not offered it
    refused = client.post(f"/recognition/people/{staff.anna.id}/badges",
                          data={"badge_id": magister.id, "reason": "Учит коллег"})
    assert refused.status_code == 403
    assert "«Магистр клиентоцентричности» присваивает кадровая служба" in refused.get_data(as_text=True)
    client.post("/auth/logout")
    login(staff.hr)
    not_master = client.post(f"/recognition/people/{staff.anna.id}/badges",
                             data={"badge_id": magister.id, "reason": "Учит коллег"})
    assert not_master.status_code == 400
    assert "только обладателю знака «Мастер клиентоцентричности»" in not_master.get_data(as_text=True)
    services.award_badge(staff.anna, "master")
    db.session.commit()
    ok = client.post(f"/recognition/people/{staff.anna.id}/badges", data={"badge_id": magister.id,
                                                                          "reason": "Учит коллег"})
    assert ok.status_code == 303
    assert _points(staff.anna, "badge:magister") == 200
