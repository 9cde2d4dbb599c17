"""«Корпоративный тиндер»: the deck, the 30-day rule, the 3-rater threshold and anonymity."""
from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import func, inspect, select

from tests.factories import make_org, make_user
from tests.support.concurrency import run_in_parallel
from training.accounts.models import Role
from training.audit.models import AuditEntry
from training.db import utcnow
from training.errors import DomainError
from training.extensions import db
from training.gamification.ratings import services as ratings
from training.gamification.ratings.models import PeerRatingPair, PeerRatingTotal, RatingAspect
from training.org.models import Department
from training.signals import client_aspect_averages_requested, peer_rating_given


def _scores(user, value: int = 5) -> dict[int, int]:
    return {a.id: value for a in ratings.aspects_for(user.regional_service_id)}


def _aspect_fields(user, value: int) -> dict[str, str]:
    return {f"aspect-{a.id}": str(value) for a in ratings.aspects_for(user.regional_service_id)}


def test_default_aspects_are_seeded_once(app, staff):
    assert ratings.seed_default_aspects() == 0
    names = [a.name for a in ratings.aspects_for(staff["anna"].regional_service_id)]
    assert names == ["Вежливость", "Эмпатия", "Понятность объяснений", "Готовность помочь", "Командность"]


def test_deck_shows_own_department_first_then_the_centre_and_never_oneself(app, staff, org):
    deck = ratings.deck(staff["anna"])
    names = [u.full_name for u in deck]
    assert staff["anna"].full_name not in names
    assert staff["dina"].full_name not in names  # another centre
    front = [staff["boris"].full_name, staff["manager"].full_name, staff["vera"].full_name]
    assert names[:3] == sorted(front)
    assert set(names[3:]) == {staff["gleb"].full_name, staff["teacher"].full_name}


def test_a_colleague_is_rated_at_most_once_per_interval(app, staff):
    anna, boris = staff["anna"], staff["boris"]
    ratings.submit_rating(anna, boris, _scores(anna, 4))
    db.session.commit()
    assert boris not in ratings.deck(anna)
    with pytest.raises(DomainError, match="30 дней"):
        ratings.submit_rating(anna, boris, _scores(anna, 5), now=utcnow() + timedelta(days=29))
    db.session.rollback()
    ratings.submit_rating(anna, boris, _scores(anna, 2), now=utcnow() + timedelta(days=31))
    db.session.commit()
    totals = db.session.scalars(select(PeerRatingTotal).where(PeerRatingTotal.rated_id == boris.id)).all()
    assert {(t.score_sum, t.score_count) for t in totals} == {(6, 2)}


def test_interval_is_configurable(app, staff):
    app.config["PEER_RATING_INTERVAL_DAYS"] = 7
    anna, boris = staff["anna"], staff["boris"]
    ratings.submit_rating(anna, boris, _scores(anna))
    db.session.commit()
    ratings.submit_rating(anna, boris, _scores(anna), now=utcnow() + timedelta(days=8))
    db.session.commit()


def test_no_self_rating_and_only_colleagues_of_the_centre(app, staff):
    anna = staff["anna"]
    with pytest.raises(DomainError, match="Себя"):
        ratings.submit_rating(anna, anna, _scores(anna))
    with pytest.raises(DomainError, match="своего ЦЗН"):
        ratings.submit_rating(anna, staff["dina"], _scores(anna))
    with pytest.raises(DomainError, match="от 1 до 5"):
        ratings.submit_rating(anna, staff["boris"], {a.id: 6 for a in ratings.aspects_for(anna.regional_service_id)})
    with pytest.raises(DomainError, match="хотя бы по одному"):
        ratings.submit_rating(anna, staff["boris"], {})


def test_self_rating_is_refused_by_the_database_too(app, staff):
    from sqlalchemy.exc import IntegrityError

    db.session.add(PeerRatingPair(rater_id=staff["anna"].id, rated_id=staff["anna"].id, last_rated_at=utcnow()))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_averages_appear_only_after_three_different_colleagues(app, staff, client, login):
    boris = staff["boris"]
    login(boris)
    for rater, value in ((staff["anna"], 5), (staff["vera"], 4)):
        ratings.submit_rating(rater, boris, _scores(rater, value))
        db.session.commit()
    page = client.get("/team/ratings/me").get_data(as_text=True)
    assert "появятся, когда вас оценят не меньше 3" in page
    assert "<strong>4,5</strong>" not in page and ratings.colleague_aspect_averages(boris) == {}
    ratings.submit_rating(staff["gleb"], boris, _scores(staff["gleb"], 3))
    db.session.commit()
    page = client.get("/team/ratings/me").get_data(as_text=True)
    assert page.count("<strong>4,0</strong>") == 5  # a decimal comma, as Russian writes it
    assert "Вас оценили 3 коллеги" in page
    for rater in ("anna", "vera", "gleb"):
        assert staff[rater].full_name not in page
    assert ratings.colleague_aspect_averages(boris)["politeness"] == (4.0, 3)


def test_the_threshold_is_configurable(app, staff):
    app.config["PEER_RATING_MIN_RATERS"] = 1
    ratings.submit_rating(staff["anna"], staff["boris"], _scores(staff["anna"], 2))
    db.session.commit()
    assert ratings.colleague_aspect_averages(staff["boris"])["empathy"] == (2.0, 1)


def test_individual_scores_are_not_stored_anywhere(app, staff):
    """Who gave which score cannot be listed: no table holds a rater next to a score."""
    ratings.submit_rating(staff["anna"], staff["boris"], _scores(staff["anna"], 1))
    db.session.commit()
    inspector = inspect(db.engine)
    pair_columns = {c["name"] for c in inspector.get_columns("peer_rating_pairs")}
    total_columns = {c["name"] for c in inspector.get_columns("peer_rating_totals")}
    assert not {c for c in pair_columns if "score" in c}
    assert not {c for c in total_columns if "rater" in c or "user" in c}
    assert {fk["referred_table"] for fk in inspector.get_foreign_keys("peer_rating_totals")} == {"users", "rating_aspects"}
    assert [fk["constrained_columns"] for fk in inspector.get_foreign_keys("peer_rating_totals")
            if fk["referred_table"] == "users"] == [["rated_id"]]
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_rating_through_the_phone_page_logs_nothing_that_links_rater_and_rated(app, staff, client, login, caplog):
    anna, boris = staff["anna"], staff["boris"]
    login(anna)
    caplog.set_level(logging.DEBUG)
    caplog.clear()
    received = []
    def listener(sender, **kw):
        return received.append((sender.id, kw["rated_id"]))
    peer_rating_given.connect(listener)
    try:
        page = client.get("/team/ratings")
        assert boris.full_name in page.get_data(as_text=True)
        response = client.post("/team/ratings", data={"rated_id": boris.id, "skip": 0, "action": "rate",
                                                      **_aspect_fields(anna, 5)}, headers={"HX-Request": "true"})
    finally:
        peer_rating_given.disconnect(listener)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body and "HX-Request" in response.headers["Vary"]
    assert "Оценка сохранена анонимно" in body
    assert received == [(anna.id, boris.id)]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for value in (anna.email, boris.email, anna.full_name, boris.full_name, f"rated_id={boris.id}"):
        assert value not in logged
    # the rated id travels in the body, never in a URL that access logs would keep
    assert str(boris.id) not in response.request.path


def test_skip_moves_to_the_next_card(app, staff, client, login):
    login(staff["anna"])
    first = ratings.deck(staff["anna"])[0]
    second = ratings.deck(staff["anna"])[1]
    response = client.post("/team/ratings", data={"action": "skip", "skip": 0}, headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert second.full_name in body and first.full_name not in body
    assert db.session.scalar(select(func.count()).select_from(PeerRatingPair)) == 0


def test_second_rating_within_the_interval_is_refused_on_the_page(app, staff, client, login):
    anna, boris = staff["anna"], staff["boris"]
    ratings.submit_rating(anna, boris, _scores(anna))
    db.session.commit()
    login(anna)
    response = client.post("/team/ratings", data={"rated_id": boris.id, "action": "rate", **_aspect_fields(anna, 1)})
    assert response.status_code == 422
    assert "уже оценили" in response.get_data(as_text=True)
    total = db.session.scalars(select(PeerRatingTotal).where(PeerRatingTotal.rated_id == boris.id)).first()
    assert (total.score_sum, total.score_count) == (5, 1)


def test_clients_averages_come_from_the_hook_beside_colleagues(app, staff, client, login):
    boris = staff["boris"]

    def answer(user):
        return {"politeness": (4.8, 12), "empathy": (4.0, 2)} if user.id == boris.id else {}

    client_aspect_averages_requested.connect(answer)
    try:
        assert ratings.client_aspect_averages(boris) == {"politeness": (4.8, 12), "empathy": (4.0, 2)}
        login(boris)
        page = client.get("/team/ratings/me").get_data(as_text=True)
    finally:
        client_aspect_averages_requested.disconnect(answer)
    assert "<strong>4,8</strong> <span class=\"muted\">(12)</span>" in page
    assert "нет оценок" in page  # the aspects clients did not rate


def test_hr_customises_aspects_for_the_service_and_the_deck_follows(app, staff, client, login, org):
    hr = staff["hr"]
    login(hr)
    assert client.post("/team/ratings/aspects/customise").status_code == 303
    own = ratings.all_aspects(org.service.id)
    assert len(own) == 5 and all(a.regional_service_id == org.service.id for a in own)
    teamwork = next(a for a in own if a.code == "teamwork")
    response = client.post(f"/team/ratings/aspects/{teamwork.id}", data={
        "name": "Командность", "code": "teamwork", "description": "", "sort_order": 50})  # is_active unticked
    assert response.status_code == 303
    response = client.post("/team/ratings/aspects", data={"name": "Пунктуальность", "code": "punctuality",
                                                          "sort_order": 60, "is_active": "y"})
    assert response.status_code == 303
    db.session.expire_all()
    names = [a.name for a in ratings.aspects_for(org.service.id)]
    assert "Командность" not in names and names[-1] == "Пунктуальность"
    assert ratings.aspects_for(org.other_service.id)[-1].name == "Командность"  # others keep the default set
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"rating_aspects.customise", "rating_aspect.update", "rating_aspect.create"} <= actions


def test_hr_cannot_edit_the_default_set_or_another_services_aspects(app, staff, client, login, org):
    default = db.session.scalars(select(RatingAspect).where(RatingAspect.regional_service_id.is_(None))).first()
    other_hr = make_user(Role.HR, service=org.other_service)
    ratings.customise_aspects(other_hr, org.other_service.id)
    db.session.commit()
    foreign = ratings.all_aspects(org.other_service.id)[0]
    login(staff["hr"])
    assert client.get(f"/team/ratings/aspects/{default.id}").status_code == 403
    assert client.post(f"/team/ratings/aspects/{foreign.id}", data={"name": "x", "code": "x"}).status_code == 403


@pytest.mark.postgres
def test_parallel_submits_leave_one_rating(pg_app):
    from training.accounts.models import User

    make_org()
    ratings.seed_default_aspects()
    db.session.commit()
    org_dept = db.session.scalars(select(Department)).first()
    rater = make_user(department=org_dept, full_name="Оценщикова Ольга Олеговна")
    rated = make_user(department=org_dept, full_name="Оцениваемов Олег Олегович")
    rater_id, rated_id = rater.id, rated.id

    def submit(i):
        rater_row, rated_row = db.session.get(User, rater_id), db.session.get(User, rated_id)
        ratings.submit_rating(rater_row, rated_row, {a.id: 5 for a in ratings.aspects_for(rater_row.regional_service_id)})

    results = run_in_parallel(pg_app, 12, submit)
    assert sum(r is None for r in results) == 1
    assert all(isinstance(r, DomainError) for r in results if r is not None)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(PeerRatingPair)) == 1
    counts = db.session.scalars(select(PeerRatingTotal.score_count).where(PeerRatingTotal.rated_id == rated_id)).all()
    assert counts == [1] * 5
