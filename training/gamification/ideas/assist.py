"""Peer Assist (item 8 of 5.4): an employee asks for help on a client problem; colleagues of other departments or
centres of the same service offer their experience; the asker accepts offers and schedules the session as an event
(format «peer_assist», the helpers as speakers: the event's finish is their participation evidence); closing the
request credits every accepted helper once (points, source ``assist:<request id>``)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from training.accounts.models import Role, User
from training.audit import services as audit
from training.db import utcnow
from training.errors import DomainError
from training.extensions import db
from training.gamification.committee import services as committee
from training.gamification.events import services as events
from training.gamification.events.models import Event, EventFormat, EventStatus
from training.gamification.ideas.models import AssistOffer, AssistRequest, AssistStatus
from training.gamification.ideas.services import case_choices, stress_choices
from training.gamification.recognition import services as recognition
from training.notifications.services import notify
from training.web import path_for

ASSIST_POINTS = 25  # each accepted helper once per request (source «assist:<id>»)
FORMAT_CODE = "peer_assist"


def visible_requests(user: User) -> list[AssistRequest]:
    query = (select(AssistRequest).options(selectinload(AssistRequest.asker), selectinload(AssistRequest.offers))
             .order_by(AssistRequest.status, AssistRequest.id.desc()))
    if not user.has_role(Role.ADMIN):
        query = query.where(AssistRequest.regional_service_id == user.regional_service_id)
    return list(db.session.scalars(query.limit(200)))


def can_view(user: User, request: AssistRequest) -> bool:
    return user.has_role(Role.ADMIN) or user.regional_service_id == request.regional_service_id


def can_run(user: User, request: AssistRequest) -> bool:
    """The asker runs the request; the committee may step in (a helper left, the asker is away)."""
    return request.asker_id == user.id or committee.can_act(user, request.regional_service_id)


def same_unit(user: User, request: AssistRequest) -> bool:
    """«Another department or centre»: a colleague of the asker's own department (or, for staff without a
    department, of the same centre) is not."""
    if request.department_id is not None:
        return user.department_id == request.department_id
    return user.centre_id == request.centre_id


def may_offer(user: User, request: AssistRequest) -> bool:
    return (can_view(user, request) and user.id != request.asker_id and not same_unit(user, request)
            and request.status != AssistStatus.CLOSED)


def offer_of(user: User, request: AssistRequest) -> AssistOffer | None:
    return next((o for o in request.offers if o.helper_id == user.id), None)


def ask(asker: User, *, title: str, text: str, stress_item_id: str | None = None,
        library_case_id: int | None = None) -> AssistRequest:
    service_id = asker.regional_service_id
    if service_id is None:
        raise DomainError("Помощь коллег ищут в службе занятости: у вашей учётной записи она не указана.")
    title, text = (title or "").strip(), (text or "").strip()
    if not title or len(text) < 10:
        raise DomainError("Назовите задачу и опишите случай клиента хотя бы парой предложений.")
    if stress_item_id and stress_item_id not in {i.id for i in stress_choices(service_id)}:
        raise DomainError("Запись «Стресс месяца» не найдена.")
    if library_case_id and library_case_id not in {c.id for c in case_choices(service_id)}:
        raise DomainError("Кейс библиотеки не найден.")
    request = AssistRequest(regional_service_id=service_id, asker_id=asker.id, centre_id=asker.centre_id,
                            department_id=asker.department_id, title=title[:200], text=text[:8000],
                            stress_item_id=stress_item_id or None, library_case_id=library_case_id or None,
                            status=AssistStatus.OPEN)
    db.session.add(request)
    db.session.flush()
    audit.record(asker, "assist.ask", "assist_request", request.id, summary=f"Запрос помощи коллег: «{request.title}»")
    return request


def offer(helper: User, request: AssistRequest, text: str) -> AssistOffer:
    """One offer per colleague and request (a double tap leaves one)."""
    if helper.id == request.asker_id:
        raise DomainError("Свой запрос не закрыть собственным опытом — помогут коллеги.")
    if not can_view(helper, request) or same_unit(helper, request):
        raise DomainError("Опыт предлагают коллеги из других отделов и центров: свои помогут и без запроса.")
    if request.status == AssistStatus.CLOSED:
        raise DomainError("Запрос уже закрыт.")
    text = (text or "").strip()
    if len(text) < 5:
        raise DomainError("Напишите в двух словах, каким опытом поделитесь.")
    if offer_of(helper, request) is not None:
        raise DomainError("Вы уже предложили помощь по этому запросу.")
    row = AssistOffer(request_id=request.id, helper_id=helper.id, text=text[:1000], accepted=False)
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        raise DomainError("Вы уже предложили помощь по этому запросу.") from None
    db.session.refresh(request)
    notify(request.asker, "assist", f"{helper.full_name} готов(а) помочь: «{request.title}»",
           path_for("ideas.assist_detail", assist_id=request.id))
    return row


def _ensure_runs(actor: User, request: AssistRequest) -> None:
    if not can_run(actor, request):
        raise DomainError("Это решает автор запроса (или комитет).")
    if request.status == AssistStatus.CLOSED:
        raise DomainError("Запрос уже закрыт.")


def accept(actor: User, request: AssistRequest, offer_row: AssistOffer) -> None:
    _ensure_runs(actor, request)
    if offer_row.request_id != request.id:
        raise DomainError("Предложение не найдено.")
    if offer_row.accepted:
        return
    offer_row.accepted = True
    db.session.flush()
    notify(offer_row.helper, "assist", f"Ваше предложение помочь принято: «{request.title}»",
           path_for("ideas.assist_detail", assist_id=request.id))


def session_format() -> EventFormat:
    fmt = db.session.scalar(select(EventFormat).where(EventFormat.code == FORMAT_CODE))
    if fmt is None or not fmt.is_active:  # the closest: any active format the catalogue keeps
        fmt = next(iter(events.formats()), None)
    if fmt is None:
        raise DomainError("Каталог форматов мероприятий пуст: попросите кадровую службу его заполнить.")
    return fmt


def schedule(actor: User, request: AssistRequest, *, starts_at: datetime, duration_minutes: int, place: str = "",
             video_url: str = "", now: datetime | None = None) -> Event:
    """The session as an event of the Peer Assist format, the accepted helpers as its speakers."""
    _ensure_runs(actor, request)
    helpers = request.accepted_offers
    if not helpers:
        raise DomainError("Сначала примите хотя бы одно предложение помощи.")
    if request.event is not None and request.event.status != EventStatus.CANCELLED:
        raise DomainError("Встреча уже назначена.")
    event = events.schedule_event(
        actor, session_format(), title=f"Помощь коллег: {request.title}"[:200], starts_at=starts_at,
        duration_minutes=duration_minutes, place=place, video_url=video_url, description=request.text,
        speaker_ids=[o.helper_id for o in helpers], now=now, authorised=True)
    request.event_id, request.status = event.id, AssistStatus.SCHEDULED
    db.session.flush()
    return event


def close(actor: User, request: AssistRequest) -> int:
    """Close the request and credit each accepted helper once; returns how many were credited now."""
    if not can_run(actor, request):
        raise DomainError("Закрывает запрос его автор (или комитет).")
    done = db.session.execute(update(AssistRequest).where(AssistRequest.id == request.id,
                                                          AssistRequest.status != AssistStatus.CLOSED)
                              .values(status=AssistStatus.CLOSED, closed_at=utcnow())
                              .execution_options(synchronize_session=False)).rowcount
    if not done:
        raise DomainError("Запрос уже закрыт.")
    db.session.refresh(request)
    credited = 0
    for row in request.accepted_offers:
        if recognition.award_points(row.helper_id, ASSIST_POINTS, f"assist:{request.id}",
                                    f"Помощь коллегам: «{request.title[:200]}»"):
            credited += 1
            notify(row.helper, "assist", f"Спасибо за помощь коллегам: «{request.title}» (+{ASSIST_POINTS} баллов)",
                   path_for("ideas.assist_detail", assist_id=request.id))
    audit.record(actor, "assist.close", "assist_request", request.id, after={"credited": credited},
                 summary=f"Запрос помощи закрыт: «{request.title}»")
    return credited
