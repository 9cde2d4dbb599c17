"""Onboarding: a plan for a newcomer (hire date within the window), a buddy who agrees, the manager's checklist,
the private log only the pair reads, check-ins at 1 and 3 months with reminders, «Наставник» once per newcomer."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.factories import make_user
from tests.support.app import sign_in
from training.errors import DomainError, NotAllowed
from training.extensions import db
from training.gamification.onboarding import services as onboarding
from training.gamification.onboarding.models import BuddyStatus, OnboardingTask
from training.gamification.recognition.models import Badge, UserBadge
from training.measures.periods import local_today
from training.notifications.models import Notification


@pytest.fixture
def newcomer(org):
    return make_user(department=org.front_a, full_name="Новикова Ольга Сергеевна",
                     hire_date=local_today() - timedelta(days=5))


@pytest.fixture
def plan(staff, newcomer):
    plan = onboarding.create_plan(staff["manager"], newcomer, buddy=staff["anna"], rhythm="weekly")
    db.session.commit()
    return plan


def _mentor_badges(person) -> list[str]:
    return list(db.session.scalars(select(UserBadge.source).join(Badge).where(UserBadge.user_id == person.id,
                                                                             Badge.code == "mentor")))


def test_a_manager_plans_a_newcomers_first_months(staff, newcomer, plan):
    texts = [t.text for t in plan.tasks]
    assert "Пройти курс клиентоцентричности в своей группе" in texts
    assert onboarding.INDUCTION_TASK in texts  # no «вечер-посвящение» scheduled: it is a checklist item
    assert plan.buddy_status == BuddyStatus.PROPOSED
    invited = db.session.scalar(select(Notification).where(Notification.user_id == staff["anna"].id))
    assert "наставником" in invited.text


def test_only_newcomers_get_a_plan(staff, org):
    veteran = make_user(department=org.front_a, hire_date=local_today() - timedelta(days=400))
    with pytest.raises(DomainError, match="Новичок — тот, кто принят не больше 3 мес"):
        onboarding.create_plan(staff["manager"], veteran, buddy=None, rhythm="weekly")


def test_a_colleague_of_another_centre_cannot_plan(staff, newcomer):
    with pytest.raises(NotAllowed):
        onboarding.create_plan(staff["anna"], newcomer, buddy=None, rhythm="weekly")


def test_the_buddy_agrees_or_declines(staff, plan):
    onboarding.respond(staff["anna"], plan, agree=False)
    assert plan.buddy_id is None and plan.buddy_status == BuddyStatus.NONE
    onboarding.propose_buddy(staff["manager"], plan, staff["boris"])
    onboarding.respond(staff["boris"], plan, agree=True)
    assert plan.buddy_status == BuddyStatus.AGREED
    with pytest.raises(DomainError, match="не найдено или уже принято"):
        onboarding.respond(staff["boris"], plan, agree=True)


def test_the_log_is_private_to_the_pair(staff, plan, newcomer, app):
    onboarding.respond(staff["anna"], plan, agree=True)
    onboarding.log_entry(staff["anna"], plan, met_on=local_today(), text="Разобрали сложный случай с пособием")
    db.session.commit()
    for person, sees in ((newcomer, True), (staff["anna"], True), (staff["manager"], False)):
        client = app.test_client()
        sign_in(client, person)
        page = client.get(f"/team/onboarding/{plan.id}").get_data(as_text=True)
        assert ("Разобрали сложный случай" in page) is sees, person.full_name
    manager = app.test_client()
    sign_in(manager, staff["manager"])
    assert "Встреч записано: <strong>1</strong>" in manager.get(f"/team/onboarding/{plan.id}").get_data(as_text=True)
    with pytest.raises(NotAllowed):
        onboarding.log_entry(staff["manager"], plan, met_on=local_today(), text="Проверка")
    outsider = app.test_client()
    sign_in(outsider, staff["dina"])
    assert outsider.get(f"/team/onboarding/{plan.id}").status_code == 404


def test_the_manager_adapts_the_checklist(staff, plan, client, login):
    login(staff["manager"])
    assert client.post(f"/team/onboarding/{plan.id}/tasks", data={"text": "Выучить сценарий приветствия"}) \
        .status_code == 303
    task = db.session.scalar(select(OnboardingTask).where(OnboardingTask.text == "Выучить сценарий приветствия"))
    assert client.post(f"/team/onboarding/{plan.id}/tasks/toggle", data={"task_id": task.id}).status_code == 303
    db.session.refresh(task)
    assert task.done_at is not None
    task_id = task.id
    assert client.post(f"/team/onboarding/{plan.id}/tasks/remove", data={"task_id": task_id}).status_code == 303
    db.session.expire_all()
    assert db.session.scalar(select(OnboardingTask.id).where(OnboardingTask.id == task_id)) is None


def test_check_ins_open_near_their_date_and_are_reminded_once(staff, plan, newcomer):
    onboarding.respond(staff["anna"], plan, agree=True)
    with pytest.raises(DomainError, match="Отзыв за 3 мес. откроется"):
        onboarding.check_in(newcomer, plan, milestone=3, score=4, text="")
    one_month = onboarding.checkin_due(plan, 1)
    assert onboarding.send_checkin_reminders(one_month - timedelta(days=1)) == 0
    assert onboarding.send_checkin_reminders(one_month) == 2
    assert onboarding.send_checkin_reminders(one_month + timedelta(days=1)) == 0
    onboarding.check_in(newcomer, plan, milestone=1, score=4, text="Всё понятно", today=one_month)
    with pytest.raises(DomainError, match="уже оставили"):
        onboarding.check_in(newcomer, plan, milestone=1, score=5, text="", today=one_month)


def test_the_buddy_earns_mentor_once_per_newcomer(staff, plan, newcomer, org):
    onboarding.respond(staff["anna"], plan, agree=True)
    onboarding.log_entry(staff["anna"], plan, met_on=local_today(), text="Встреча")
    three = onboarding.checkin_due(plan, 3)
    onboarding.check_in(newcomer, plan, milestone=3, score=5, text="", today=three)
    assert plan.completed_at is None
    onboarding.check_in(staff["anna"], plan, milestone=3, score=5, text="", today=three)
    assert plan.completed_at is not None
    second = make_user(department=org.front_a, hire_date=local_today())
    other = onboarding.create_plan(staff["manager"], second, buddy=staff["anna"], rhythm="monthly")
    onboarding.respond(staff["anna"], other, agree=True)
    onboarding.log_entry(staff["anna"], other, met_on=local_today(), text="Встреча")
    onboarding.complete(staff["manager"], other)
    db.session.commit()
    assert sorted(_mentor_badges(staff["anna"])) == sorted([f"onboarding:{plan.id}", f"onboarding:{other.id}"])
    with pytest.raises(DomainError, match="уже завершена"):
        onboarding.complete(staff["manager"], other)


def test_a_buddy_who_never_met_earns_nothing(staff, plan):
    onboarding.respond(staff["anna"], plan, agree=True)
    onboarding.complete(staff["manager"], plan)
    assert _mentor_badges(staff["anna"]) == []
    assert db.session.scalar(select(func.count()).select_from(UserBadge)) == 0


def test_newcomers_without_a_plan_are_listed_for_their_manager(staff, org, newcomer, client, login):
    login(staff["manager"])
    page = client.get("/team/onboarding").get_data(as_text=True)
    assert "Новикова Ольга Сергеевна" in page and "Составить план" in page
    response = client.post(f"/team/onboarding/new/{newcomer.id}", data={"buddy": "нет-такого", "rhythm": "weekly",
                                                                        "cohort_id": "0", "event_id": "0"})
    assert response.status_code == 422 and "не найден" in response.get_data(as_text=True)
    response = client.post(f"/team/onboarding/new/{newcomer.id}", data={
        "buddy": staff["boris"].personnel_number, "rhythm": "biweekly", "cohort_id": "0", "event_id": "0"})
    assert response.status_code == 303
