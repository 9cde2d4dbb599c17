"""Onboarding of newcomers: who counts as a newcomer (hire date within ``ONBOARDING_MONTHS``), the plan a manager
makes, the buddy who agrees, the checklist, the private shared log, the check-ins at 1 and 3 months and their
reminders, and the «Наставник» badge for the buddy — once per newcomer (the badge's source is the plan)."""
from __future__ import annotations

import calendar
from datetime import date, datetime

from flask import current_app
from sqlalchemy import select

from training.accounts import scopes
from training.accounts.models import User
from training.audit import services as audit
from training.courses.models import Cohort
from training.db import utcnow
from training.errors import DomainError, NotAllowed
from training.extensions import db
from training.gamification.events.models import Event, EventFormat, EventStatus
from training.gamification.onboarding.models import (
    BuddyStatus,
    MeetingRhythm,
    OnboardingCheckin,
    OnboardingLogEntry,
    OnboardingPlan,
    OnboardingTask,
)
from training.gamification.recognition import services as recognition
from training.measures.periods import local_today
from training.notifications.services import notify
from training.templating import DISPLAY_TZ, ru_date
from training.web import path_for

INDUCTION_FORMAT = "induction_evening"
MILESTONES = (1, 3)
#: the checklist every plan starts with; the manager adapts it
DEFAULT_TASKS = (
    "Знакомство с командой и рабочим местом",
    "Доступы к программам и почте",
    "Посидеть рядом с опытным коллегой на приёме клиентов",
    "Пройти курс клиентоцентричности в своей группе",
    "Встреча с руководителем через две недели: что получается, что мешает",
)
INDUCTION_TASK = "Прийти на «вечер-посвящение» для новичков"


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def months_window() -> int:
    return int(current_app.config.get("ONBOARDING_MONTHS", 3))


def is_newcomer(user: User, today: date | None = None) -> bool:
    today = today or local_today()
    return user.hire_date is not None and add_months(user.hire_date, months_window()) >= today >= user.hire_date


def newcomers_without_plan(viewer: User, today: date | None = None) -> list[User]:
    """Newcomers the viewer supervises who have no plan yet."""
    today = today or local_today()
    since = add_months(today, -months_window())
    query = (select(User).outerjoin(OnboardingPlan, OnboardingPlan.newcomer_id == User.id)
             .where(User.is_active, User.hire_date.is_not(None), User.hire_date >= since, User.hire_date <= today,
                    OnboardingPlan.id.is_(None),
                    scopes.supervisable_condition(viewer, service=User.regional_service_id, centre=User.centre_id,
                                                  person=User.id))
             .order_by(User.hire_date.desc(), User.full_name))
    return list(db.session.scalars(query.limit(200)))


# --- who may do what ------------------------------------------------------------------------------------------------

def can_manage(user: User, plan: OnboardingPlan) -> bool:
    return plan.manager_id == user.id or scopes.can_supervise(user, plan.newcomer)


def is_pair(user: User, plan: OnboardingPlan) -> bool:
    """The newcomer and the buddy who agreed: they share the private log."""
    return user.id == plan.newcomer_id or (user.id == plan.buddy_id and plan.buddy_status == BuddyStatus.AGREED)


def can_view(user: User, plan: OnboardingPlan) -> bool:
    return user.id in (plan.newcomer_id, plan.buddy_id) or can_manage(user, plan)


def my_plans(user: User) -> list[OnboardingPlan]:
    query = select(OnboardingPlan).where((OnboardingPlan.newcomer_id == user.id) | (OnboardingPlan.buddy_id == user.id)
                                         | (OnboardingPlan.manager_id == user.id))
    return list(db.session.scalars(query.order_by(OnboardingPlan.completed_at.is_not(None),
                                                  OnboardingPlan.started_on.desc())))


def induction_events(service_id: int | None, today: date | None = None) -> list[Event]:
    """Upcoming «вечер-посвящение» events of the service, to link a plan to."""
    start = datetime.combine(today or local_today(), datetime.min.time(), DISPLAY_TZ)
    return list(db.session.scalars(select(Event).join(EventFormat).where(
        EventFormat.code == INDUCTION_FORMAT, Event.regional_service_id == service_id,
        Event.status == EventStatus.SCHEDULED, Event.starts_at >= start).order_by(Event.starts_at).limit(20)))


def cohorts(service_id: int | None) -> list[Cohort]:
    return list(db.session.scalars(select(Cohort).where(Cohort.regional_service_id == service_id)
                                   .order_by(Cohort.start_date.desc()).limit(50)))


# --- the plan -------------------------------------------------------------------------------------------------------

def create_plan(actor: User, newcomer: User, *, buddy: User | None, rhythm: str, cohort: Cohort | None = None,
                event: Event | None = None, today: date | None = None) -> OnboardingPlan:
    if not scopes.can_supervise(actor, newcomer):
        raise NotAllowed("План адаптации составляет руководитель новичка или кадровая служба.")
    if not is_newcomer(newcomer, today):
        raise DomainError(f"Новичок — тот, кто принят не больше {months_window()} мес. назад: проверьте дату приёма.")
    if db.session.scalar(select(OnboardingPlan.id).where(OnboardingPlan.newcomer_id == newcomer.id)):
        raise DomainError("У новичка уже есть план адаптации.")
    if cohort is not None and cohort.regional_service_id != newcomer.regional_service_id:
        raise DomainError("Группа курса не из службы занятости новичка.")
    if event is not None and event.regional_service_id != newcomer.regional_service_id:
        raise DomainError("Мероприятие не из службы занятости новичка.")
    plan = OnboardingPlan(newcomer_id=newcomer.id, manager_id=actor.id, rhythm=MeetingRhythm(rhythm),
                          cohort_id=cohort.id if cohort else None, event_id=event.id if event else None,
                          started_on=newcomer.hire_date or (today or local_today()), buddy_status=BuddyStatus.NONE)
    db.session.add(plan)
    db.session.flush()
    texts = list(DEFAULT_TASKS) + ([] if event else [INDUCTION_TASK])
    for order, text in enumerate(texts, start=1):
        db.session.add(OnboardingTask(plan_id=plan.id, text=text, sort_order=order * 10))
    if buddy is not None:
        propose_buddy(actor, plan, buddy)
    audit.record(actor, "onboarding.create", "onboarding_plan", plan.id, after={"newcomer_id": newcomer.id},
                 summary=f"План адаптации: {newcomer.full_name}")
    notify(newcomer, "onboarding", "Для вас составлен план адаптации: что сделать в первые месяцы и кто поможет.",
           path_for("onboarding.detail", plan_id=plan.id))
    db.session.flush()
    return plan


def propose_buddy(actor: User, plan: OnboardingPlan, buddy: User) -> None:
    if not can_manage(actor, plan):
        raise NotAllowed("Наставника предлагает руководитель.")
    if buddy.id == plan.newcomer_id or not buddy.is_active or \
            buddy.regional_service_id != plan.newcomer.regional_service_id:
        raise DomainError("Наставник — опытный коллега из той же службы занятости.")
    if is_newcomer(buddy):
        raise DomainError("Наставником лучше назначить опытного коллегу, а не другого новичка.")
    plan.buddy_id, plan.buddy_status = buddy.id, BuddyStatus.PROPOSED
    db.session.flush()
    notify(buddy, "onboarding", f"Вас просят стать наставником для {plan.newcomer.full_name}. Согласны?",
           path_for("onboarding.detail", plan_id=plan.id), dedupe_key=f"onboarding-buddy:{plan.id}:{buddy.id}")


def respond(buddy: User, plan: OnboardingPlan, agree: bool) -> None:
    if plan.buddy_id != buddy.id or plan.buddy_status != BuddyStatus.PROPOSED:
        raise DomainError("Приглашение стать наставником не найдено или уже принято.")
    if agree:
        plan.buddy_status = BuddyStatus.AGREED
        notify(plan.newcomer, "onboarding", f"Ваш наставник — {buddy.full_name}. Договоритесь о первой встрече.",
               path_for("onboarding.detail", plan_id=plan.id))
    else:
        plan.buddy_id, plan.buddy_status = None, BuddyStatus.NONE
        notify(plan.manager, "onboarding", f"{buddy.full_name} не может стать наставником для "
               f"{plan.newcomer.full_name}: предложите другого коллегу.",
               path_for("onboarding.detail", plan_id=plan.id))
    db.session.flush()


def add_task(actor: User, plan: OnboardingPlan, text: str) -> OnboardingTask:
    if not can_manage(actor, plan):
        raise NotAllowed("Список дел меняет руководитель.")
    text = (text or "").strip()
    if not text:
        raise DomainError("Опишите, что сделать.")
    task = OnboardingTask(plan_id=plan.id, text=text[:300], sort_order=(len(plan.tasks) + 1) * 10)
    db.session.add(task)
    db.session.flush()
    return task


def remove_task(actor: User, task: OnboardingTask) -> None:
    if not can_manage(actor, task.plan):
        raise NotAllowed("Список дел меняет руководитель.")
    db.session.delete(task)
    db.session.flush()


def toggle_task(actor: User, task: OnboardingTask) -> None:
    if not (can_manage(actor, task.plan) or is_pair(actor, task.plan)):
        raise NotAllowed("Отмечать дела могут новичок, наставник и руководитель.")
    task.done_at = None if task.done_at else utcnow()
    db.session.flush()


def log_entry(actor: User, plan: OnboardingPlan, *, met_on: date, text: str, is_meeting: bool = True,
              today: date | None = None) -> OnboardingLogEntry:
    if not is_pair(actor, plan):
        raise NotAllowed("Журнал встреч ведут новичок и наставник.")
    text = (text or "").strip()
    if not text:
        raise DomainError("Запишите, о чём говорили.")
    if met_on > (today or local_today()):
        raise DomainError("Дата встречи не может быть в будущем.")
    entry = OnboardingLogEntry(plan_id=plan.id, author_id=actor.id, met_on=met_on, text=text[:4000],
                               is_meeting=is_meeting)
    db.session.add(entry)
    db.session.flush()
    return entry


def log_of(viewer: User, plan: OnboardingPlan) -> list[OnboardingLogEntry]:
    """The log, for the pair only (the manager sees how many meetings there were, never what was said)."""
    if not is_pair(viewer, plan):
        return []
    return list(db.session.scalars(select(OnboardingLogEntry).where(OnboardingLogEntry.plan_id == plan.id)
                                   .order_by(OnboardingLogEntry.met_on.desc(), OnboardingLogEntry.id.desc())))


def meetings_count(plan: OnboardingPlan) -> int:
    return len(list(db.session.scalars(select(OnboardingLogEntry.id).where(OnboardingLogEntry.plan_id == plan.id,
                                                                            OnboardingLogEntry.is_meeting))))


def checkin_due(plan: OnboardingPlan, milestone: int) -> date:
    return add_months(plan.started_on, milestone)


def checkins(plan: OnboardingPlan) -> list[OnboardingCheckin]:
    return list(db.session.scalars(select(OnboardingCheckin).where(OnboardingCheckin.plan_id == plan.id)
                                   .order_by(OnboardingCheckin.milestone, OnboardingCheckin.id)))


def check_in(actor: User, plan: OnboardingPlan, *, milestone: int, score: int, text: str,
             today: date | None = None) -> OnboardingCheckin:
    """The newcomer's or the buddy's check-in, from a week before its date. When both 3-month check-ins are in,
    the plan is complete and the buddy earns «Наставник» for this newcomer."""
    if not is_pair(actor, plan):
        raise NotAllowed("Отзыв об адаптации оставляют новичок и наставник.")
    if milestone not in MILESTONES:
        raise DomainError("Отзыв — через 1 или 3 месяца.")
    if not 1 <= int(score) <= 5:
        raise DomainError("Оценка — от 1 до 5.")
    if (checkin_due(plan, milestone) - (today or local_today())).days > 7:
        raise DomainError(f"Отзыв за {milestone} мес. откроется {ru_date(checkin_due(plan, milestone))}.")
    if db.session.scalar(select(OnboardingCheckin.id).where(OnboardingCheckin.plan_id == plan.id,
                                                            OnboardingCheckin.author_id == actor.id,
                                                            OnboardingCheckin.milestone == milestone)):
        raise DomainError("Вы уже оставили этот отзыв.")
    row = OnboardingCheckin(plan_id=plan.id, author_id=actor.id, milestone=milestone, score=int(score),
                            text=(text or "").strip()[:2000])
    db.session.add(row)
    db.session.flush()
    if milestone == 3 and plan.buddy_id and {c.author_id for c in checkins(plan) if c.milestone == 3} >= \
            {plan.newcomer_id, plan.buddy_id}:
        _complete(plan)
    return row


def complete(actor: User, plan: OnboardingPlan) -> None:
    if not can_manage(actor, plan):
        raise NotAllowed("Завершает адаптацию руководитель.")
    if plan.completed_at:
        raise DomainError("Адаптация уже завершена.")
    _complete(plan)
    audit.record(actor, "onboarding.complete", "onboarding_plan", plan.id,
                 summary=f"Адаптация завершена: {plan.newcomer.full_name}")


def _complete(plan: OnboardingPlan) -> None:
    if plan.completed_at is None:
        plan.completed_at = utcnow()
    if plan.buddy is not None and plan.buddy_status == BuddyStatus.AGREED and meetings_count(plan):
        recognition.award_badge(plan.buddy, "mentor", reason=f"Наставник новичка: {plan.newcomer.full_name}",
                                source=f"onboarding:{plan.id}")
    db.session.flush()


def send_checkin_reminders(today: date) -> int:
    """Remind the newcomer and the buddy of a check-in that is due and missing (once each)."""
    sent = 0
    for plan in db.session.scalars(select(OnboardingPlan).where(OnboardingPlan.completed_at.is_(None))):
        have = {(c.author_id, c.milestone) for c in checkins(plan)}
        people = [plan.newcomer] + ([plan.buddy] if plan.buddy and plan.buddy_status == BuddyStatus.AGREED else [])
        for milestone in MILESTONES:
            if checkin_due(plan, milestone) > today:
                continue
            for person in people:
                if (person.id, milestone) in have:
                    continue
                if notify(person, "onboarding", f"Прошло {milestone} мес. адаптации {plan.newcomer.full_name}: "
                          "оставьте короткий отзыв, как идут дела.", path_for("onboarding.detail", plan_id=plan.id),
                          dedupe_key=f"onboarding-checkin:{plan.id}:{milestone}:{person.id}"):
                    sent += 1
    return sent
