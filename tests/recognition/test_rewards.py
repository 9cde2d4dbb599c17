"""Rewards: staff spend points (never below zero) or HR grants; every grant is in the register; the hall page of
the month's winners respects consent; грамоты come from the certificates engine; a badge earned per occasion."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from tests.support.app import sign_in
from training.certificates.models import Certificate
from training.errors import DomainError, NotAllowed
from training.extensions import db
from training.gamification.recognition import services as recognition
from training.gamification.recognition.models import UserBadge
from training.gamification.rewards import services as rewards
from training.gamification.rewards.models import GrantStatus, Reward, RewardGrant
from training.measures.periods import MONTH, local_today, period_of

CATALOGUE = Path(__file__).resolve().parents[2] / "seeds" / "engagement" / "rewards.yaml"


@pytest.fixture
def catalogue(org):
    rewards.ensure_default_rewards(yaml.safe_load(CATALOGUE.read_text(encoding="utf-8")))
    db.session.commit()
    return {r.code: r for r in rewards.catalogue(org.service.id)}


def test_the_default_catalogue_is_seeded_once_in_every_service(org, catalogue):
    assert {"coffee_with_manager", "day_off", "parking_spot"} <= catalogue.keys()
    assert rewards.ensure_default_rewards(yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))) == 0
    assert rewards.catalogue(org.other_service.id)


def test_spending_points_lowers_the_balance_but_not_the_leaderboard(staff, catalogue):
    recognition.award_points(staff.anna, 200, "test:1")
    grant = rewards.spend(staff.anna, catalogue["coffee_with_manager"])
    db.session.commit()
    assert rewards.balance(staff.anna) == 50
    assert recognition.points_total(staff.anna) == 200  # earned points (and the ranking) stay
    assert grant.status == GrantStatus.REQUESTED and grant.points == 150


def test_the_balance_never_goes_negative(staff, catalogue):
    recognition.award_points(staff.anna, 100, "test:1")
    with pytest.raises(DomainError, match="Не хватает баллов: нужно 150, у вас 100"):
        rewards.spend(staff.anna, catalogue["coffee_with_manager"])
    assert db.session.scalar(select(func.count()).select_from(RewardGrant)) == 0


def test_a_limited_reward_runs_out(staff, catalogue):
    recognition.award_points(staff.anna, 1000, "test:1")
    spot = catalogue["parking_spot"]
    rewards.spend(staff.anna, spot)
    rewards.spend(staff.anna, spot)
    with pytest.raises(DomainError, match="закончилась"):
        rewards.spend(staff.anna, spot)
    assert spot.stock == 0


def test_a_grant_only_reward_cannot_be_bought(staff, catalogue):
    recognition.award_points(staff.anna, 10000, "test:1")
    with pytest.raises(DomainError, match="вручает кадровая служба"):
        rewards.spend(staff.anna, catalogue["training_of_choice"])


def test_spending_on_the_page(staff, catalogue, client, login):
    recognition.award_points(staff.anna, 160, "test:1")
    db.session.commit()
    login(staff.anna)
    page = client.get("/recognition/rewards").get_data(as_text=True)
    assert "На счёте: <strong class=\"balance\">160</strong>" in page
    ok = client.post("/recognition/rewards/spend", data={"reward_id": catalogue["coffee_with_manager"].id})
    assert ok.status_code == 303
    refused = client.post("/recognition/rewards/spend", data={"reward_id": catalogue["coffee_with_manager"].id})
    assert refused.status_code == 422
    assert "Не хватает баллов: нужно 150, у вас 10" in refused.get_data(as_text=True)


def test_hr_grants_fulfils_and_the_register_lists_every_grant(staff, catalogue, app, client, login):
    login(staff.hr)
    response = client.post("/recognition/rewards/grant", data={
        "person": staff.boris.personnel_number, "reward_id": catalogue["training_of_choice"].id,
        "reason": "Лучший наставник квартала"})
    assert response.status_code == 303
    row = db.session.scalar(select(RewardGrant))
    assert row.user_id == staff.boris.id and row.points == 0 and row.granted_by_id == staff.hr.id
    assert client.post("/recognition/rewards/fulfil", data={"grant_id": row.id}).status_code == 303
    again = client.post("/recognition/rewards/fulfil", data={"grant_id": row.id})
    assert again.status_code == 422
    register = client.get("/recognition/rewards/register").get_data(as_text=True)
    assert "Борисов Борис Ильич" in register and "вручена" in register
    unknown = client.post("/recognition/rewards/grant", data={
        "person": "нет-такого", "reward_id": catalogue["day_off"].id, "reason": "За всё"})
    assert unknown.status_code == 422 and "не найден" in unknown.get_data(as_text=True)


def test_a_manager_cannot_grant(staff, catalogue):
    with pytest.raises(NotAllowed):
        rewards.grant(staff.manager, staff.anna, catalogue["day_off"], "За всё")


def test_hr_keeps_the_catalogue(staff, catalogue, client, login):
    login(staff.hr)
    created = client.post("/recognition/rewards/manage", data={"name": "Билеты в театр", "description": "",
                                                               "cost": "400", "stock": "4", "is_active": "y"})
    assert created.status_code == 303
    reward = db.session.scalar(select(Reward).where(Reward.name == "Билеты в театр"))
    assert reward.cost == 400 and reward.stock == 4
    bad = client.post(f"/recognition/rewards/manage/{reward.id}", data={"name": "Билеты", "cost": "-5"})
    assert bad.status_code == 422 and "От 1 до 100 000 баллов." in bad.get_data(as_text=True)


def test_a_gramota_is_a_numbered_document_of_the_certificates_engine(staff, client, login):
    login(staff.hr)
    response = client.post("/recognition/rewards/letter", data={
        "person": staff.vera.email, "kind": "gramota", "text": "за терпение и заботу о клиентах в декабре"})
    assert response.status_code == 303
    document = db.session.scalar(select(Certificate))
    assert document.holder_id == staff.vera.id and document.title == "за терпение и заботу о клиентах в декабре"
    pdf = client.get(f"/certificates/{document.id}/pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_mentor_badge_is_earned_once_per_newcomer(staff):
    assert recognition.award_badge(staff.anna, "mentor", source="onboarding:1") is not None
    assert recognition.award_badge(staff.anna, "mentor", source="onboarding:1") is None
    assert recognition.award_badge(staff.anna, "mentor", source="onboarding:2") is not None
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(UserBadge)) == 2
    assert recognition.points_total(staff.anna) == 60


def test_the_hall_shows_the_months_winners_by_name_only_with_consent(staff, app):
    recognition.award_badge(staff.anna, "most_improved", source="2026-12")  # consented
    recognition.award_badge(staff.boris, "mentor", source="onboarding:7")  # did not
    db.session.commit()
    client = app.test_client()
    page = client.get(f"/recognition/hall/{staff.anna.centre_id}").get_data(as_text=True)
    assert "Антонова Анна Сергеевна" in page and "Лучший рост" in page
    assert "Борисов" not in page and "не давший согласия" in page
    earlier = period_of(MONTH, local_today()).previous().key
    assert "Антонова" not in client.get(f"/recognition/hall/{staff.anna.centre_id}?month={earlier}").get_data(
        as_text=True)


def test_the_poster_is_a_printable_pdf_for_the_centres_manager(staff, app):
    recognition.award_badge(staff.anna, "most_improved", source="2026-12")
    db.session.commit()
    manager = app.test_client()
    sign_in(manager, staff.manager)
    response = manager.get(f"/recognition/hall/{staff.anna.centre_id}/poster")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    employee = app.test_client()
    sign_in(employee, staff.boris)
    assert employee.get(f"/recognition/hall/{staff.anna.centre_id}/poster").status_code == 403
