"""After the course (methodology 5.3): the learners' questionnaire about the course, and the follow-up
1–3 months later — the learner's self-assessment confirmed by their manager. Also deadline reminders."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from training.accounts import scopes
from training.accounts.models import Role, User
from training.courses.models import Cohort, CourseFeedback, Enrolment, FeedbackReceipt, FollowUp
from training.db import utcnow
from training.errors import DomainError, NotAllowed
from training.extensions import db
from training.jobs import periodic_job
from training.notifications.services import notify
from training.web import path_for

# What the questionnaire asks, 1–5 each: organisation of the course, then its content.
FEEDBACK_ELEMENTS: list[tuple[str, str, str]] = [
    ("org_schedule", "организация", "Срок и темп обучения удобны при моей нагрузке"),
    ("org_phone", "организация", "Учиться с телефона и рабочего компьютера удобно"),
    ("org_teacher", "организация", "Преподаватель отвечал быстро и по существу"),
    ("org_tasks", "организация", "Понятно, что и к какому сроку нужно сделать"),
    ("content_relevance", "содержание", "Материал относится к моей ежедневной работе"),
    ("content_practice", "содержание", "Приёмы из курса я уже могу применить"),
    ("content_cases", "содержание", "Практические кейсы похожи на реальные ситуации"),
    ("content_tests", "содержание", "Тесты проверяют понимание, а не память"),
]
FEEDBACK_MIN_ANSWERS = 3  # the cohort report opens only with this many answers, so no one is singled out

# Follow-up: skills the learner rates in their own work (1 — не применяю, 5 — применяю постоянно).
FOLLOW_UP_SKILLS: list[tuple[str, str]] = [
    ("communication", "Веду разговор с заявителем по стандарту и скриптам, учитывая его группу"),
    ("feedback", "Собираю обратную связь и использую её, чтобы улучшить обслуживание"),
    ("conflicts", "Спокойно работаю с возражениями, жалобами и конфликтами"),
    ("journey", "Смотрю на услугу глазами клиента: маршрут, точки контакта, усилия"),
    ("improvements", "Предлагаю улучшения и участвую в их внедрении"),
    ("knowledge_sharing", "Делюсь опытом с коллегами (кейсы, советы, наставничество)"),
]
FOLLOW_UP_OPENS_AFTER_DAYS = 30
FOLLOW_UP_DUE_AFTER_DAYS = 90


def needs_feedback(enrolment: Enrolment) -> bool:
    return enrolment.completed_at is not None and db.session.scalar(
        select(FeedbackReceipt.id).where(FeedbackReceipt.enrolment_id == enrolment.id)) is None


def submit_feedback(enrolment: Enrolment, ratings: dict[str, int], liked: str, improve: str) -> None:
    if enrolment.completed_at is None:
        raise DomainError("Анкета открывается после завершения курса.")
    codes = {code for code, _, _ in FEEDBACK_ELEMENTS}
    if set(ratings) != codes or not all(1 <= int(v) <= 5 for v in ratings.values()):
        raise DomainError("Оцените каждый пункт от 1 до 5.")
    try:
        with db.session.begin_nested():
            db.session.add(FeedbackReceipt(enrolment_id=enrolment.id))
    except IntegrityError as exc:
        raise DomainError("Вы уже заполнили анкету. Спасибо!") from exc
    db.session.add(CourseFeedback(cohort_id=enrolment.cohort_id, ratings={k: int(v) for k, v in ratings.items()},
                                  liked=liked.strip()[:2000], improve=improve.strip()[:2000]))


@dataclass
class FeedbackReport:
    answers: int
    averages: list[tuple[str, str, str, float]]  # (code, group, statement, average)
    liked: list[str]
    improve: list[str]

    @property
    def is_open(self) -> bool:
        return self.answers >= FEEDBACK_MIN_ANSWERS


def feedback_report(cohort: Cohort) -> FeedbackReport:
    rows = list(db.session.scalars(select(CourseFeedback).where(CourseFeedback.cohort_id == cohort.id)))
    if len(rows) < FEEDBACK_MIN_ANSWERS:
        return FeedbackReport(len(rows), [], [], [])
    sums: dict[str, int] = defaultdict(int)
    for row in rows:
        for code, value in row.ratings.items():
            sums[code] += value
    averages = [(code, group, text, sums[code] / len(rows)) for code, group, text in FEEDBACK_ELEMENTS]
    # Open answers are sorted alphabetically, not by time, so their order says nothing about who wrote them.
    return FeedbackReport(len(rows), averages, sorted(r.liked for r in rows if r.liked),
                          sorted(r.improve for r in rows if r.improve))


# --- follow-up ---------------------------------------------------------------------------------------------

def open_follow_ups(today: date) -> int:
    """Create the follow-up for everyone who finished the course at least a month ago."""
    cutoff = today - timedelta(days=FOLLOW_UP_OPENS_AFTER_DAYS)
    candidates = db.session.scalars(select(Enrolment).where(
        Enrolment.completed_at.is_not(None), Enrolment.id.not_in(select(FollowUp.enrolment_id)))).all()
    opened = 0
    for enrolment in candidates:
        if enrolment.completed_at.date() > cutoff:
            continue
        finished = enrolment.completed_at.date()
        follow_up = FollowUp(enrolment_id=enrolment.id,
                             opens_on=finished + timedelta(days=FOLLOW_UP_OPENS_AFTER_DAYS),
                             due_on=finished + timedelta(days=FOLLOW_UP_DUE_AFTER_DAYS))
        try:
            with db.session.begin_nested():
                db.session.add(follow_up)
        except IntegrityError:
            continue
        notify(enrolment.user, "course.follow_up",
               "Прошёл месяц после курса: расскажите, как вы применяете знания (5 минут).",
               path_for("courses.follow_up"), dedupe_key=f"follow-up-open:{enrolment.id}")
        opened += 1
    return opened


def my_follow_up(user: User) -> FollowUp | None:
    return db.session.scalar(select(FollowUp).join(Enrolment).where(Enrolment.user_id == user.id))


def submit_self_assessment(follow_up: FollowUp, scores: dict[str, int], examples: str) -> None:
    if follow_up.submitted_at is not None:
        raise DomainError("Самооценка уже отправлена.")
    codes = {code for code, _ in FOLLOW_UP_SKILLS}
    if set(scores) != codes or not all(1 <= int(v) <= 5 for v in scores.values()):
        raise DomainError("Оцените каждый навык от 1 до 5.")
    if len(examples.strip()) < 20:
        raise DomainError("Приведите хотя бы один пример из своей работы (не короче 20 символов).")
    follow_up.self_assessment = {k: int(v) for k, v in scores.items()}
    follow_up.examples = examples.strip()[:4000]
    follow_up.submitted_at = utcnow()
    learner = follow_up.enrolment.user
    managers = scopes.staff_with_role(Role.MANAGER, centre_id=learner.centre_id) if learner.centre_id else []
    for manager in managers:
        if manager.id != learner.id:
            notify(manager, "course.follow_up_confirm", f"Подтвердите самооценку после курса: {learner.full_name}",
                   path_for("courses.follow_up_confirm", follow_up_id=follow_up.id))


def can_confirm(manager: User, follow_up: FollowUp) -> bool:
    """The head of the learner's centre, administrators; never oneself."""
    return manager.has_role(*Role.CENTRE_HEADS) and scopes.can_supervise(manager, follow_up.enrolment.user)


def confirm(manager: User, follow_up: FollowUp, agrees: bool, comment: str) -> None:
    if not can_confirm(manager, follow_up):
        raise NotAllowed("Подтверждает руководитель ЦЗН, где работает сотрудник.")
    if follow_up.submitted_at is None:
        raise DomainError("Сотрудник ещё не отправил самооценку.")
    if follow_up.confirmed_at is not None:
        raise DomainError("Самооценка уже подтверждена.")
    if not agrees and len(comment.strip()) < 5:
        raise DomainError("Если вы не согласны, поясните почему.")
    follow_up.manager_id, follow_up.manager_agrees = manager.id, agrees
    follow_up.manager_comment, follow_up.confirmed_at = comment.strip()[:4000] or None, utcnow()


def follow_ups_for_confirmation(manager: User) -> list[FollowUp]:
    query = select(FollowUp).join(Enrolment).join(User, User.id == Enrolment.user_id).where(
        FollowUp.submitted_at.is_not(None), FollowUp.confirmed_at.is_(None),
        scopes.supervisable_condition(manager, service=User.regional_service_id, centre=User.centre_id,
                                      person=User.id))
    return list(db.session.scalars(query.order_by(FollowUp.submitted_at)))


def follow_up_results(cohort: Cohort) -> list[FollowUp]:
    return list(db.session.scalars(select(FollowUp).join(Enrolment).where(Enrolment.cohort_id == cohort.id)
                                   .order_by(FollowUp.due_on)))


# --- reminders ---------------------------------------------------------------------------------------------

REMINDER_DAYS = (3, 14)  # ascending: the nearest threshold that applies is used


def remind_deadlines(today: date) -> int:
    """Tell learners two weeks and three days before the deadline, and once when it has passed."""
    sent = 0
    rows = db.session.execute(select(Enrolment, Cohort).join(Cohort).where(
        Enrolment.completed_at.is_(None), Cohort.deadline >= today - timedelta(days=1))).all()
    for enrolment, cohort in rows:
        days_left = (cohort.deadline - today).days
        for threshold in REMINDER_DAYS:
            if 0 <= days_left <= threshold:
                if notify(enrolment.user, "course.deadline",
                          f"До окончания срока курса {days_left} дн. Пройдено блоков: {enrolment.blocks_completed} из "
                          f"{len(cohort.course.blocks)}.", path_for("courses.index"),
                          dedupe_key=f"deadline-{threshold}:{enrolment.id}"):
                    sent += 1
                break
        if days_left < 0 and notify(enrolment.user, "course.overdue",
                                    "Срок курса истёк. Обратитесь в кадровую службу, чтобы договориться о завершении.",
                                    path_for("courses.index"), dedupe_key=f"overdue:{enrolment.id}"):
            sent += 1
    return sent


@periodic_job("courses.deadline-reminders", "daily")
def _deadline_job(today: date) -> str:
    return f"напоминаний о сроках: {remind_deadlines(today)}"


@periodic_job("courses.open-follow-ups", "daily")
def _follow_up_job(today: date) -> str:
    return f"открыто анкет применения навыков: {open_follow_ups(today)}"


def feedback_count(cohort: Cohort) -> int:
    return db.session.scalar(select(func.count()).select_from(CourseFeedback)
                             .where(CourseFeedback.cohort_id == cohort.id)) or 0
