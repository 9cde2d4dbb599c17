"""Client feedback without an account, and the follow-up of low scores (2.4, «работа с негативными отзывами»).

A client answers at most five questions; nothing identifies them unless they ask to be contacted. A low score
opens a :class:`FollowUpTask` for the centre manager: contact the client, apologise, record the resolution.
Tasks are due in METRICS_FOLLOWUP_WORKING_DAYS working days and flagged when overdue."""
from __future__ import annotations

import re
import secrets
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import Select, case, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from training.accounts.models import Role, User
from training.accounts.scopes import can_supervise, responsible_for_centre, staff_with_role, supervisable_condition
from training.audit import services as audit
from training.db import utcnow
from training.errors import DomainError, NotAllowed
from training.extensions import db
from training.gamification.ratings import services as ratings
from training.gamification.ratings.models import RatingAspect
from training.measures.formulas import CES_LABELS_5, EXPECTATION_LABELS
from training.measures.periods import local_date_of
from training.metrics.feedback.aspects import CSI_NAMES, SERVICE_ASPECT_NAMES, Aspect, aspects_for, clients_aspects
from training.metrics.feedback.models import (
    Channel,
    ClientAspectScore,
    ClientFeedback,
    ClientServiceMark,
    ContactRequest,
    FeedbackLink,
    FollowUpStatus,
    FollowUpTask,
    Touchpoint,
)
from training.notifications.services import notify
from training.org.models import Centre
from training.signals import client_feedback_received, follow_up_resolved
from training.templating import DISPLAY_TZ
from training.web import path_for

#: A follow-up is opened by any of: recommendation 0–6, «Нет, разочарован», CES «Сложно»/«Очень сложно».
LOW_RECOMMEND_MAX = 6
LOW_EXPECTATIONS = 1
LOW_CES_MAX = 2
REASON_LABELS = {
    "recommend": "готовность рекомендовать 0–6",
    "expectations": "«Нет, разочарован»",
    "ces": "решить вопрос было сложно",
    "csat": "«Совсем не доволен» обслуживанием",
    "specialist": "«Совсем не доволен» работой специалиста",
}
#: The five levels of the two satisfaction questions (CSAT of the centre, satisfaction with the specialist);
#: CSAT counts the top two (formulas.csat). «Совсем не доволен» opens a follow-up.
SATISFACTION_LABELS = ("Совсем не доволен", "Скорее не доволен", "Отчасти доволен", "Доволен", "Очень доволен")
LOW_SATISFACTION = 1
CES_CHOICES = [(value, label) for value, label in reversed(list(enumerate(CES_LABELS_5, start=1)))]
EXPECTATION_CHOICES = [(value, label) for value, label in enumerate(EXPECTATION_LABELS, start=1)]
SATISFACTION_CHOICES = [(value, label) for value, label in reversed(list(enumerate(SATISFACTION_LABELS, start=1)))]
PHONE_RE = re.compile(r"^\+?[\d\s\-()]{6,25}$")


# --- links (what a QR code points at) ----------------------------------------------------------------------


def _scope_key(centre_id: int, touchpoint_id: int | None, employee_id: int | None) -> str:
    return f"c{centre_id}:t{touchpoint_id or '-'}:e{employee_id or '-'}"


def link_for(centre: Centre, touchpoint: Touchpoint | None = None, employee: User | None = None) -> FeedbackLink:
    """The link of a centre / touchpoint / specialist, created on first use (safe under concurrency)."""
    if employee is not None and employee.centre_id != centre.id:
        raise DomainError("Сотрудник работает в другом ЦЗН.")
    key = _scope_key(centre.id, touchpoint.id if touchpoint else None, employee.id if employee else None)
    link = db.session.scalar(select(FeedbackLink).where(FeedbackLink.scope_key == key))
    if link is not None:
        return link
    link = FeedbackLink(token=secrets.token_urlsafe(9), scope_key=key, centre_id=centre.id,
                        touchpoint_id=touchpoint.id if touchpoint else None,
                        employee_id=employee.id if employee else None)
    try:
        with db.session.begin_nested():
            db.session.add(link)
    except IntegrityError:
        link = db.session.scalar(select(FeedbackLink).where(FeedbackLink.scope_key == key))
    return link


def visit_code_holders(link: FeedbackLink) -> list[int]:
    """Whose visit code proves a visit for this link: the link's specialist, or anyone active in its centre."""
    if link.employee_id:
        return [link.employee_id]
    return list(db.session.scalars(select(User.id).where(User.centre_id == link.centre_id, User.is_active)
                                   .order_by(User.id)))


def link_by_token(token: str) -> FeedbackLink | None:
    if not token or len(token) > 32:
        return None
    return db.session.scalar(select(FeedbackLink).where(FeedbackLink.token == token, FeedbackLink.is_active))


def answering(token: str) -> tuple[FeedbackLink, list[Aspect]] | None:
    """What the client's page needs, in one statement: the active link with its centre and specialist (their
    roles are not read), and the aspects of the specialist's work clients rate in the centre's service."""
    if not token or len(token) > 32:
        return None
    rows = db.session.execute(
        select(FeedbackLink, RatingAspect)
        .join(FeedbackLink.centre).outerjoin(FeedbackLink.employee)
        .outerjoin(RatingAspect, ratings.aspect_rows_condition(Centre.regional_service_id))
        .options(contains_eager(FeedbackLink.centre),
                 contains_eager(FeedbackLink.employee).lazyload(User.role_links))
        .where(FeedbackLink.token == token, FeedbackLink.is_active)
        .order_by(*ratings.ASPECT_ORDER)).all()
    if not rows:
        return None
    aspect_set = ratings.service_aspect_set(aspect for _, aspect in rows if aspect is not None)
    return rows[0][0], clients_aspects(aspect for aspect in aspect_set if aspect.is_active)


# --- submission ----------------------------------------------------------------------------------------------


def csi_answers(values: dict[str, object] | None) -> dict[str, int]:
    """The client's 1–5 marks of the CSI parameters (unanswered ones left out); an unknown parameter or a mark
    off the scale is refused with a Russian message."""
    marks: dict[str, int] = {}
    for code, value in (values or {}).items():
        if code not in CSI_NAMES:
            raise DomainError("Оценка по неизвестному параметру удовлетворённости.")
        mark = _in_range(value, 1, 5, f"Оценка «{CSI_NAMES[code]}»")
        if mark is not None:
            marks[code] = mark
    return marks


def add_working_days(moment: datetime, days: int, holidays: frozenset[date] = frozenset()) -> datetime:
    """``moment`` plus ``days`` working days (Monday–Friday, not in ``holidays``), same time of day, in
    Moscow time. A task opened on Friday evening with 3 days is due on Wednesday evening."""
    local = moment.astimezone(DISPLAY_TZ)
    remaining = days
    while remaining > 0:
        local += timedelta(days=1)
        if local.weekday() < 5 and local.date() not in holidays:
            remaining -= 1
    return local.astimezone(moment.tzinfo)


def _holidays() -> frozenset[date]:
    return frozenset(date.fromisoformat(d) for d in current_app.config.get("METRICS_HOLIDAYS", ()) or ())


def _in_range(value, low: int, high: int, what: str) -> int | None:
    if value is None or value == "":
        return None
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise DomainError(f"{what}: выберите один из вариантов.") from exc
    if not low <= number <= high:
        raise DomainError(f"{what}: выберите один из вариантов.")
    return number


def low_reasons(recommend: int | None, expectations: int | None, ces: int | None, csat: int | None = None,
                specialist: int | None = None) -> list[str]:
    reasons = []
    if recommend is not None and recommend <= LOW_RECOMMEND_MAX:
        reasons.append("recommend")
    if expectations is not None and expectations <= LOW_EXPECTATIONS:
        reasons.append("expectations")
    if ces is not None and ces <= LOW_CES_MAX:
        reasons.append("ces")
    if csat is not None and csat <= LOW_SATISFACTION:
        reasons.append("csat")
    if specialist is not None and specialist <= LOW_SATISFACTION:
        reasons.append("specialist")
    return reasons


def submit_feedback(link: FeedbackLink, *, ces=None, expectations=None, recommend=None, csat=None,
                    specialist_satisfaction=None, aspects: dict[str, object] | None = None,
                    service_marks: dict[str, object] | None = None, csi_marks: dict[str, object] | None = None,
                    comment: str | None = None, contact_requested: bool = False, contact_name: str = "",
                    contact_phone: str = "", now: datetime | None = None, channel: Channel = Channel.QR,
                    answered_on: date | None = None, rateable: list[Aspect] | None = None) -> ClientFeedback:
    """Store one client's answers. Raises :class:`DomainError` on impossible answers or an empty form.

    ``csat`` (the centre's service) and ``specialist_satisfaction`` are questions of their own, 1–5;
    ``aspects`` rate the specialist (by the service's rating aspects), ``service_marks`` rate the centre
    (:data:`~training.metrics.feedback.aspects.SERVICE_ASPECTS`, stored without the specialist), ``csi_marks``
    rate the parameters of CSI (:data:`~training.metrics.feedback.aspects.CSI_PARAMETERS`, stored the same way).
    Staff typing an answer from another channel (channels.py) pass its ``channel`` and the day it was given
    (``answered_on``). ``rateable``, the aspects read with the link (:func:`answering`), saves reading them
    again."""
    now = now or utcnow()
    centre = link.centre
    ces = _in_range(ces, 1, 5, "Насколько легко было решить вопрос")
    expectations = _in_range(expectations, 1, 5, "Оправдались ли ожидания")
    recommend = _in_range(recommend, 0, 10, "Готовность рекомендовать")
    csat = _in_range(csat, 1, 5, "Довольны ли вы обслуживанием")
    specialist_satisfaction = _in_range(specialist_satisfaction, 1, 5, "Довольны ли вы работой специалиста")
    centre_marks: dict[str, int] = {}
    for code, value in (service_marks or {}).items():
        if code not in SERVICE_ASPECT_NAMES:
            raise DomainError("Оценка по неизвестному аспекту обслуживания.")
        mark = _in_range(value, 1, 5, "Оценка обслуживания в центре")
        if mark is not None:
            centre_marks[code] = mark
    centre_marks.update(csi_answers(csi_marks))
    allowed = {a.code for a in (aspects_for(centre.regional_service_id) if rateable is None else rateable)}
    marks: dict[str, int] = {}
    for code, value in (aspects or {}).items():
        if code not in allowed:
            raise DomainError("Оценка по неизвестному аспекту обслуживания.")
        mark = _in_range(value, 1, 5, "Оценка специалиста")
        if mark is not None:
            marks[code] = mark
    comment = (comment or "").strip()[:2000] or None
    if (ces is None and expectations is None and recommend is None and csat is None
            and specialist_satisfaction is None and not marks and not centre_marks and not comment):
        raise DomainError("Ответьте хотя бы на один вопрос.")
    contact = None
    if contact_requested:
        name, phone = (contact_name or "").strip()[:200], (contact_phone or "").strip()[:40]
        if not name or not phone:
            raise DomainError("Чтобы мы связались с вами, укажите имя и телефон.")
        if not PHONE_RE.match(phone) or sum(ch.isdigit() for ch in phone) < 6:
            raise DomainError("Телефон: укажите номер цифрами, например +7 900 123-45-67.")
        contact = ContactRequest(name=name, phone=phone)
    employee = link.employee
    feedback = ClientFeedback(
        link_id=link.id, regional_service_id=centre.regional_service_id, centre_id=centre.id,
        department_id=employee.department_id if employee and employee.centre_id == centre.id else None,
        employee_id=employee.id if employee else None, touchpoint_id=link.touchpoint_id, created_at=now,
        local_date=answered_on or local_date_of(now), channel=channel, ces=ces, expectations=expectations,
        recommend=recommend, csat=csat, specialist_satisfaction=specialist_satisfaction, comment=comment,
        is_contact_requested=contact is not None)
    feedback.contact = contact
    reasons = low_reasons(recommend, expectations, ces, csat, specialist_satisfaction)
    feedback.is_low = bool(reasons)
    db.session.add(feedback)
    db.session.flush()
    _store_marks(feedback, marks, centre_marks)
    if reasons:
        _open_follow_up(feedback, reasons, now)
    client_feedback_received.send(feedback, employee_id=feedback.employee_id, centre_id=feedback.centre_id)
    return feedback


def _store_marks(feedback: ClientFeedback, marks: dict[str, int], centre_marks: dict[str, int]) -> None:
    """The module's marks, each kind in one multi-row INSERT on both databases (through the relationship SQLite
    sent one INSERT … RETURNING per mark: four or five more statements for a client waiting at the window)."""
    if marks:
        db.session.execute(insert(ClientAspectScore), [
            {"feedback_id": feedback.id, "employee_id": feedback.employee_id, "aspect_code": code, "score": mark}
            for code, mark in marks.items()])
    if centre_marks:
        db.session.execute(insert(ClientServiceMark), [
            {"feedback_id": feedback.id, "aspect_code": code, "score": mark} for code, mark in centre_marks.items()])


def _open_follow_up(feedback: ClientFeedback, reasons: list[str], now: datetime) -> FollowUpTask:

    days = int(current_app.config.get("METRICS_FOLLOWUP_WORKING_DAYS", 3))
    task = FollowUpTask(feedback_id=feedback.id, centre_id=feedback.centre_id, reasons=reasons, created_at=now,
                        due_at=add_working_days(now, days, _holidays()), status=FollowUpStatus.OPEN)
    db.session.add(task)
    db.session.flush()
    url = path_for("feedback.followup_detail", task_id=task.id)
    what = ", ".join(REASON_LABELS[r] for r in reasons)
    contact = " Клиент просит связаться с ним." if feedback.is_contact_requested else ""
    for person in responsible_for_centre(feedback.centre):
        notify(person, "metrics.followup", f"Низкая оценка клиента ({what}): свяжитесь, извинитесь и запишите "
               f"решение в течение {days} рабочих дней.{contact}", url,
               dedupe_key=f"metrics-followup:{task.id}:{person.id}")
    return task


# --- follow-up tasks ----------------------------------------------------------------------------------------


def can_handle(viewer: User, task: FollowUpTask) -> bool:
    """The centre's manager, HR of its service, administrators."""
    return can_supervise(viewer, task)


def tasks_for(viewer: User, *, state: str = "open", centre_id: int | None = None) -> Select:
    query = (select(FollowUpTask).join(Centre, Centre.id == FollowUpTask.centre_id)
             .where(supervisable_condition(viewer, service=Centre.regional_service_id, centre=FollowUpTask.centre_id)))
    if centre_id:
        query = query.where(FollowUpTask.centre_id == centre_id)
    if state == "open":
        query = query.where(FollowUpTask.status != FollowUpStatus.RESOLVED).order_by(FollowUpTask.due_at)
    elif state == "overdue":
        query = query.where(FollowUpTask.status != FollowUpStatus.RESOLVED, FollowUpTask.due_at < utcnow()) \
            .order_by(FollowUpTask.due_at)
    elif state == "resolved":
        query = query.where(FollowUpTask.status == FollowUpStatus.RESOLVED) \
            .order_by(FollowUpTask.resolved_at.desc())
    else:
        query = query.order_by(FollowUpTask.created_at.desc())
    return query.order_by(FollowUpTask.id)


def task_counts(viewer: User) -> dict[str, int]:
    """Open and overdue tasks in the viewer's scope, counted in one statement."""
    base = tasks_for(viewer, state="open").order_by(None).subquery()
    open_count, overdue = db.session.execute(select(
        func.count(), func.coalesce(func.sum(case((base.c.due_at < utcnow(), 1), else_=0)), 0)).select_from(base)).one()
    return {"open": open_count or 0, "overdue": overdue or 0}


def _task_state(task: FollowUpTask) -> dict:
    return {"status": task.status, "contacted_at": task.contacted_at,
            "is_contact_impossible": task.is_contact_impossible,
            "apologised_at": task.apologised_at, "resolution": task.resolution,
            "corrective_measure": task.corrective_measure, "notes": task.notes}


def record_progress(actor: User, task: FollowUpTask, *, contacted: bool, contact_impossible: bool, apologised: bool,
                    notes: str = "", resolution: str = "", corrective_measure: str = "", close: bool = False,
                    now: datetime | None = None) -> None:
    """The steps of the negative-feedback workflow. Closing needs the resolution and either a contact (with
    the apology) or a note that contact is impossible (the client left no contacts)."""
    if not can_handle(actor, task):
        raise NotAllowed("Эта задача относится к другому ЦЗН.")
    if task.is_resolved:
        raise DomainError("Задача уже закрыта.")
    now = now or utcnow()
    before = _task_state(task)
    if contacted and task.contacted_at is None:
        task.contacted_at = now
    task.is_contact_impossible = contact_impossible and not contacted
    if apologised and task.apologised_at is None:
        task.apologised_at = now
    task.notes = (notes or "").strip()[:4000]
    task.resolution = (resolution or "").strip()[:4000] or None
    task.corrective_measure = (corrective_measure or "").strip()[:4000] or None
    task.handled_by_id = actor.id
    if close:
        if not task.resolution:
            raise DomainError("Чтобы закрыть задачу, опишите, чем закончилось обращение (решение).")
        if task.contacted_at is None and not task.is_contact_impossible:
            raise DomainError("Отметьте, что связались с клиентом, или что связаться невозможно.")
        if task.contacted_at is not None and task.apologised_at is None:
            raise DomainError("Методика требует извиниться перед клиентом: отметьте извинение.")
        task.status = FollowUpStatus.RESOLVED
        task.resolved_at = now
        task.resolved_by_id = actor.id
    elif task.status == FollowUpStatus.OPEN and (task.contacted_at or task.apologised_at or task.notes
                                                 or task.is_contact_impossible):
        task.status = FollowUpStatus.IN_PROGRESS
    audit.record_changes(actor, "metrics.followup_closed" if close else "metrics.followup_updated", "follow_up_task",
                         task.id, before=before, after=_task_state(task),
                         summary=f"Задача по отзыву № {task.id}: {FollowUpStatus(task.status).label}")
    if close:

        follow_up_resolved.send(actor, task=task)


def delete_contact(actor: User, task: FollowUpTask) -> bool:
    if not can_handle(actor, task):
        raise NotAllowed("Эта задача относится к другому ЦЗН.")
    contact = task.feedback.contact
    if contact is None:
        return False
    audit.record(actor, "metrics.contact_deleted", "follow_up_task", task.id,
                 summary=f"Удалены контакты клиента по задаче № {task.id}")
    task.feedback.contact = None
    db.session.flush()
    return True


def flag_overdue(now: datetime | None = None) -> int:
    """Notify the responsible people once about each overdue task."""

    now = now or utcnow()
    tasks = list(db.session.scalars(select(FollowUpTask).where(
        FollowUpTask.status != FollowUpStatus.RESOLVED, FollowUpTask.due_at < now,
        FollowUpTask.overdue_notified_at.is_(None))))
    for task in tasks:
        url = path_for("feedback.followup_detail", task_id=task.id)
        people = {p.id: p for p in responsible_for_centre(task.centre)}
        people.update({p.id: p for p in _hr_of(task.centre)})
        for person in people.values():
            notify(person, "metrics.followup_overdue",
                   f"Просрочена задача по низкой оценке клиента № {task.id} ({task.centre.name}).", url,
                   dedupe_key=f"metrics-followup-overdue:{task.id}:{person.id}")
        task.overdue_notified_at = now
    return len(tasks)


def _hr_of(centre: Centre) -> list[User]:

    return staff_with_role(Role.HR, service_id=centre.regional_service_id)


def purge_contacts(now: datetime | None = None) -> int:
    """Delete clients' contacts some days after their task was closed (METRICS_CONTACT_RETENTION_DAYS)."""
    now = now or utcnow()
    days = int(current_app.config.get("METRICS_CONTACT_RETENTION_DAYS", 30))
    ids = list(db.session.scalars(
        select(ContactRequest.id).join(FollowUpTask, FollowUpTask.feedback_id == ContactRequest.feedback_id)
        .where(FollowUpTask.status == FollowUpStatus.RESOLVED, FollowUpTask.resolved_at < now - timedelta(days=days))))
    for contact_id in ids:
        db.session.delete(db.session.get(ContactRequest, contact_id))
    return len(ids)


# --- clients' view of a specialist ---------------------------------------------------------------------------


def client_aspect_averages(user: User, since: date | None = None) -> dict[str, tuple[float, int]]:
    """aspect code → (mean 1–5, number of client marks) for the specialist."""
    query = select(ClientAspectScore.aspect_code, func.avg(ClientAspectScore.score), func.count()) \
        .where(ClientAspectScore.employee_id == user.id)
    if since is not None:
        query = query.join(ClientFeedback, ClientFeedback.id == ClientAspectScore.feedback_id) \
            .where(ClientFeedback.local_date >= since)
    rows = db.session.execute(query.group_by(ClientAspectScore.aspect_code)).all()
    return {code: (float(avg), count) for code, avg, count in rows if count}


def recent_feedback(*, centre_ids: list[int] | None = None, employee_id: int | None = None,
                    only_comments: bool = False) -> Select:
    query = select(ClientFeedback).order_by(ClientFeedback.created_at.desc(), ClientFeedback.id.desc())
    if centre_ids is not None:
        query = query.where(ClientFeedback.centre_id.in_(centre_ids))
    if employee_id is not None:
        query = query.where(ClientFeedback.employee_id == employee_id)
    if only_comments:
        query = query.where(ClientFeedback.comment.is_not(None))
    return query
