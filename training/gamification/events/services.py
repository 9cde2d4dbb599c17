"""Мероприятия: the rules. Formats (seeded, then HR's), who may organise, scheduling, registration with a waiting
list under the event's row lock, check-in by a rotating code, feedback, outcomes, the end of an event (credits),
reminders and programmes («Неделя клиентоцентричности»). Services never commit."""
from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from training.accounts import scopes
from training.accounts.models import Role, User
from training.audit import services as audit
from training.db import utcnow
from training.errors import DomainError, NotAllowed
from training.extensions import db
from training.gamification import rotating_codes
from training.gamification.committee import services as committee
from training.gamification.events.models import (
    AttendanceMethod,
    Event,
    EventFeedback,
    EventFormat,
    EventOutcome,
    EventParticipant,
    EventProgramme,
    EventSettings,
    EventStatus,
    OutcomeKind,
    OutcomeStatus,
    ParticipantRole,
    ParticipantStatus,
)
from training.notifications.services import notify
from training.org.models import Centre, Department
from training.signals import event_participation
from training.templating import quoted
from training.web import path_for

CHECKIN_PURPOSE = "event-checkin"
CHECKIN_WINDOW_SECONDS = 60  # the QR code on the organiser's screen changes every minute (valid two)
CHECKIN_EARLY = timedelta(minutes=30)  # check-in opens this long before the start …
CHECKIN_LATE = timedelta(minutes=30)  # … and closes this long after the end
REMINDER_AHEAD = timedelta(hours=24)
SEATED_ROLES = (ParticipantRole.PARTICIPANT, ParticipantRole.OBSERVER)  # hosts (speakers, moderators) take no seat
HOST_ROLES = (ParticipantRole.SPEAKER, ParticipantRole.MODERATOR)
FORMAT_FIELDS = ("name", "methodology_item", "purpose", "group_size", "duration_minutes", "timing", "roles",
                 "run_sheet", "record_after", "open_to_clients", "sort_order")


# --- formats ------------------------------------------------------------------------------------------------

def _format_values(row: dict[str, Any], order: int) -> dict[str, Any]:
    steps = [{"minutes": int(step.get("minutes") or 0), "step": str(step["step"]).strip()}
             for step in row.get("run_sheet") or []]
    return {"name": row["name"].strip(), "methodology_item": str(row.get("item") or ""),
            "purpose": row.get("purpose", "").strip(), "group_size": str(row.get("group_size", "")).strip(),
            "duration_minutes": int(row.get("duration_minutes") or 60), "timing": str(row.get("timing", "")).strip(),
            "roles": row.get("roles", "").strip(), "run_sheet": steps,
            "record_after": row.get("record_after", "").strip(), "open_to_clients": bool(row.get("open_to_clients")),
            "sort_order": order * 10}


def seed_formats(rows: list[dict[str, Any]]) -> int:
    """Get-or-create each format by code. A format HR has edited is left as HR left it; an untouched one follows
    the seed file. Returns the number of formats created."""
    created = 0
    for order, row in enumerate(rows, start=1):
        values = _format_values(row, order)
        existing = db.session.scalar(select(EventFormat).where(EventFormat.code == row["code"]))
        if existing is None:
            db.session.add(EventFormat(code=row["code"], **values))
            created += 1
        elif existing.edited_at is None:
            for name, value in values.items():
                setattr(existing, name, value)
    db.session.flush()
    return created


def formats(*, include_inactive: bool = False) -> list[EventFormat]:
    query = select(EventFormat).order_by(EventFormat.sort_order, EventFormat.name)
    if not include_inactive:
        query = query.where(EventFormat.is_active)
    return list(db.session.scalars(query))


def can_edit_formats(user: User) -> bool:
    return user.has_role(*Role.SERVICE_ADMINS)


def parse_run_sheet(text: str) -> list[dict[str, Any]]:
    """«10 | Знакомство за столами» per line → steps. A line without minutes is a step of 0 minutes."""
    steps = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        minutes, sep, step = line.partition("|")
        if not sep:
            minutes, step = "0", line
        minutes = minutes.strip().replace("мин", "").strip() or "0"
        if not minutes.isdigit() or int(minutes) > 600:
            raise DomainError(f"Сценарий, строка {number}: слева от «|» — минуты (целое число до 600).")
        if not step.strip():
            raise DomainError(f"Сценарий, строка {number}: после «|» опишите шаг.")
        steps.append({"minutes": int(minutes), "step": step.strip()[:500]})
    if not steps:
        raise DomainError("Сценарий: добавьте хотя бы один шаг.")
    return steps


def run_sheet_text(steps: list[dict[str, Any]]) -> str:
    return "\n".join(f"{step['minutes']} | {step['step']}" for step in steps)


def update_format(actor: User, fmt: EventFormat, **values: Any) -> None:
    if not can_edit_formats(actor):
        raise NotAllowed("Каталог форматов ведёт кадровая служба.")
    before = {name: getattr(fmt, name) for name in values}
    for name, value in values.items():
        setattr(fmt, name, value)
    fmt.edited_at, fmt.edited_by_id = utcnow(), actor.id
    audit.record(actor, "event_format.update", "event_format", fmt.id, before=_jsonable(before),
                 after=_jsonable(values), summary=f"Изменён формат мероприятия «{fmt.name}»")


def create_format(actor: User, **values: Any) -> EventFormat:
    """HR adds a format of its own (e.g. «День семьи»): never touched by seeding (its code is not in the file)."""
    if not can_edit_formats(actor):
        raise NotAllowed("Каталог форматов ведёт кадровая служба.")
    last = db.session.scalar(select(func.max(EventFormat.sort_order))) or 0
    fmt = EventFormat(code=f"custom-{secrets.token_hex(4)}", sort_order=last + 10, edited_at=utcnow(),
                      edited_by_id=actor.id, **values)
    db.session.add(fmt)
    db.session.flush()
    audit.record(actor, "event_format.create", "event_format", fmt.id, after=_jsonable(values),
                 summary=f"Добавлен формат мероприятия «{fmt.name}»")
    return fmt


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v if isinstance(v, (str, int, bool, list, type(None))) else str(v) for k, v in values.items()}


# --- who may organise ---------------------------------------------------------------------------------------

def settings_for(service_id: int | None) -> EventSettings | None:
    if service_id is None:
        return None
    return db.session.scalar(select(EventSettings).where(EventSettings.regional_service_id == service_id))


def employees_may_organise(service_id: int | None) -> bool:
    row = settings_for(service_id)
    return bool(row and row.employees_may_organise)


def set_employees_may_organise(actor: User, service_id: int, allowed: bool) -> None:
    if not scopes.can_administer_service(actor, service_id):
        raise NotAllowed("Это решает кадровая служба.")
    row = settings_for(service_id)
    if row is None:
        row = EventSettings(regional_service_id=service_id, employees_may_organise=allowed)
        db.session.add(row)
    before = row.employees_may_organise if row.id else None
    row.employees_may_organise = allowed
    db.session.flush()
    audit.record(actor, "event_settings.update", "event_settings", row.id,
                 before={"employees_may_organise": before}, after={"employees_may_organise": allowed},
                 summary="Мероприятия могут назначать все сотрудники" if allowed
                 else "Мероприятия назначают руководители, кадровая служба и комитет")


def can_organise(user: User) -> bool:
    """Managers, teachers, HR and administrators; committee members; any employee when HR allows it."""
    if user.has_role(*Role.ORGANISERS):
        return True
    service_id = user.regional_service_id
    return committee.is_member(user, service_id) or employees_may_organise(service_id)


def can_manage(user: User, event: Event) -> bool:
    """The organiser; HR of the service; the centre's manager; administrators."""
    return event.organiser_id == user.id or scopes.can_supervise(user, event)


def in_audience(user: User, event: Event) -> bool:
    if user.regional_service_id != event.regional_service_id:
        return False
    if event.centre_id is not None and user.centre_id != event.centre_id:
        return False
    return event.department_id is None or user.department_id == event.department_id


def can_view(user: User, event: Event) -> bool:
    if can_manage(user, event) or in_audience(user, event):
        return True
    return db.session.scalar(select(EventParticipant.id).where(
        EventParticipant.event_id == event.id, EventParticipant.user_id == user.id)) is not None


def _audience_filter(user: User):
    """Events in one's supervision (accounts.scopes), those of one's audience, and one's own."""
    supervised = scopes.viewable_condition(user, service=Event.regional_service_id, centre=Event.centre_id)
    mine = [Event.organiser_id == user.id,
            Event.id.in_(select(EventParticipant.event_id).where(EventParticipant.user_id == user.id))]
    if user.regional_service_id is None:
        return or_(supervised, *mine)
    audience = and_(Event.regional_service_id == user.regional_service_id,
                    or_(Event.centre_id.is_(None), Event.centre_id == user.centre_id),
                    or_(Event.department_id.is_(None), Event.department_id == user.department_id))
    return or_(supervised, audience, *mine)


def visible_events(user: User, start: datetime | None = None, end: datetime | None = None) -> Select:
    query = select(Event).where(_audience_filter(user)).order_by(Event.starts_at, Event.id)
    if start is not None:
        query = query.where(Event.ends_at > start)
    if end is not None:
        query = query.where(Event.starts_at < end)
    return query


def upcoming_for(user: User, *, limit: int = 3, now: datetime | None = None) -> list[tuple[Event, EventParticipant]]:
    """The person's next events with a seat, a role or a place in the waiting list (the home page)."""
    now = now or utcnow()
    rows = db.session.execute(select(Event, EventParticipant)
                              .join(EventParticipant, EventParticipant.event_id == Event.id)
                              .where(EventParticipant.user_id == user.id,
                                     EventParticipant.status != ParticipantStatus.CANCELLED,
                                     Event.status == EventStatus.SCHEDULED, Event.ends_at > now)
                              .order_by(Event.starts_at).limit(limit))
    return [(event, participant) for event, participant in rows]


def open_to_clients(centre: Centre, *, now: datetime | None = None, limit: int = 20) -> list[Event]:
    """Upcoming events a centre invites clients to (open days, exhibitions): its own and its service's."""
    now = now or utcnow()
    service_wide = and_(Event.centre_id.is_(None), Event.regional_service_id == centre.regional_service_id)
    return list(db.session.scalars(
        select(Event).where(Event.open_to_clients, Event.status == EventStatus.SCHEDULED, Event.ends_at > now,
                            or_(Event.centre_id == centre.id, service_wide))
        .order_by(Event.starts_at).limit(limit)))


# --- scheduling -----------------------------------------------------------------------------------------------

def schedule_event(actor: User, fmt: EventFormat, *, title: str, starts_at: datetime, duration_minutes: int,
                   place: str = "", video_url: str = "", centre_id: int | None = None,
                   department_id: int | None = None, open_to_clients: bool = False, capacity: int | None = None,
                   description: str = "", programme: EventProgramme | None = None,
                   speaker_ids: list[int] = (), moderator_ids: list[int] = (),
                   now: datetime | None = None, authorised: bool = False) -> Event:
    """``authorised``: the calling domain's own rule already lets this person schedule this one event (the asker of
    a Peer Assist request schedules the session with the helpers as speakers)."""
    if not authorised and not can_organise(actor):
        raise NotAllowed("Назначать мероприятия могут руководители, кадровая служба и члены комитета.")
    if actor.regional_service_id is None:
        raise DomainError("Мероприятие назначается в службе занятости, а вы не закреплены за службой.")
    now = now or utcnow()
    title = (title or "").strip() or fmt.name
    if not fmt.is_active:
        raise DomainError("Этот формат отключён в каталоге.")
    _check_when_and_where(starts_at, duration_minutes, place, video_url, now)
    if capacity is not None and capacity < 1:
        raise DomainError("Число мест — не меньше одного (или оставьте поле пустым: без ограничения).")
    centre = _centre_in_scope(actor, centre_id)
    department = None
    if department_id:
        department = db.session.get(Department, department_id)
        if department is None or centre is None or department.centre_id != centre.id:
            raise DomainError("Отдел должен быть из выбранного центра.")
    if programme is not None and programme.regional_service_id != actor.regional_service_id:
        raise DomainError("Программа — другой службы занятости.")
    # a double tap (or two tabs) schedules once: the organiser's row is locked while we look for the same event
    db.session.execute(select(User.id).where(User.id == actor.id).with_for_update())
    same = db.session.scalar(select(Event).where(Event.organiser_id == actor.id, Event.format_id == fmt.id,
                                                 Event.starts_at == starts_at, Event.title == title[:200],
                                                 Event.status == EventStatus.SCHEDULED))
    if same is not None:
        return same
    event = Event(format_id=fmt.id, title=title[:200], description=description or "", starts_at=starts_at,
                  ends_at=starts_at + timedelta(minutes=duration_minutes), place=(place or "").strip()[:300],
                  video_url=(video_url or "").strip()[:500], regional_service_id=actor.regional_service_id,
                  centre_id=centre.id if centre else None, department_id=department.id if department else None,
                  open_to_clients=open_to_clients, capacity=capacity, organiser_id=actor.id,
                  status=EventStatus.SCHEDULED, checkin_salt=secrets.token_hex(8),
                  programme_id=programme.id if programme else None, registered_count=0)
    db.session.add(event)
    db.session.flush()
    hosts = [(uid, ParticipantRole.SPEAKER) for uid in dict.fromkeys(speaker_ids)]
    hosts += [(uid, ParticipantRole.MODERATOR) for uid in dict.fromkeys(moderator_ids) if uid not in speaker_ids]
    for user_id, role in hosts:
        user = db.session.get(User, user_id)
        if user is None or not user.is_active or user.regional_service_id != event.regional_service_id:
            raise DomainError("Спикеры и модераторы — сотрудники вашей службы занятости.")
        db.session.add(EventParticipant(event_id=event.id, user_id=user.id, role=role,
                                        status=ParticipantStatus.REGISTERED))
        notify(user, "event-role", f"Вы — {role.label} мероприятия {quoted(event.title)} ({fmt.name}).",
               path_for("events.detail", event_id=event.id))
    db.session.flush()
    audit.record(actor, "event.schedule", "event", event.id,
                 after={"format": fmt.code, "starts_at": starts_at.isoformat(), "capacity": capacity},
                 summary=f"Назначено мероприятие «{event.title}»")
    return event


def _check_when_and_where(starts_at: datetime, duration_minutes: int, place: str, video_url: str,
                          now: datetime) -> None:
    """An event starts in the future, lasts from 5 minutes to a week and happens somewhere: a place or a video link."""
    if starts_at <= now:
        raise DomainError("Начало мероприятия должно быть в будущем.")
    if not 5 <= duration_minutes <= 7 * 24 * 60:
        raise DomainError("Продолжительность — от 5 минут до недели.")
    if not (place or "").strip() and not (video_url or "").strip():
        raise DomainError("Укажите место или ссылку на видеовстречу.")
    if video_url and not video_url.startswith(("https://", "http://")):
        raise DomainError("Ссылка на видеовстречу должна начинаться с https://.")


def update_event(actor: User, event: Event, *, title: str, starts_at: datetime, duration_minutes: int,
                 place: str = "", video_url: str = "", capacity: int | None = None, description: str = "",
                 now: datetime | None = None) -> None:
    """Move, re-place or resize a scheduled event. A smaller capacity never drops anyone already seated; a larger
    one seats the waiting list in order. Everyone with a seat or waiting is told when the time or place changes."""
    if not can_manage(actor, event):
        raise NotAllowed("Изменить мероприятие может его организатор.")
    now = now or utcnow()
    event = _locked(event)
    if event.status != EventStatus.SCHEDULED:
        raise DomainError("Изменить можно только запланированное мероприятие.")
    _check_when_and_where(starts_at, duration_minutes, place, video_url, now)
    if capacity is not None and capacity < event.registered_count:
        raise DomainError(f"Уже записано {event.registered_count}: мест не может быть меньше.")
    ends_at = starts_at + timedelta(minutes=duration_minutes)
    moved = (starts_at, ends_at, (place or "").strip(), (video_url or "").strip()) != \
        (event.starts_at, event.ends_at, event.place, event.video_url)
    before = {"starts_at": event.starts_at.isoformat(), "place": event.place, "capacity": event.capacity}
    event.title = ((title or "").strip() or event.title)[:200]
    event.starts_at, event.ends_at = starts_at, ends_at
    event.place, event.video_url = (place or "").strip()[:300], (video_url or "").strip()[:500]
    event.capacity, event.description = capacity, description or ""
    if moved:
        event.reminded_at = None  # the day-ahead reminder follows the new time
    _promote(event)
    db.session.flush()
    if moved:
        for participant in event.participants:
            if participant.status != ParticipantStatus.CANCELLED and participant.user_id != actor.id:
                notify(participant.user, "event-moved", f"«{event.title}» переносится или меняет место: проверьте "
                       "время и адрес.", path_for("events.detail", event_id=event.id))
    audit.record(actor, "event.update", "event", event.id, before=before,
                 after={"starts_at": starts_at.isoformat(), "place": event.place, "capacity": capacity},
                 summary=f"Изменено мероприятие «{event.title}»")


def _centre_in_scope(actor: User, centre_id: int | None) -> Centre | None:
    if not centre_id:
        return None
    centre = db.session.get(Centre, centre_id)
    if centre is None or centre.regional_service_id != actor.regional_service_id:
        raise DomainError("Центр не найден в вашей службе занятости.")
    return centre


def cancel_event(actor: User, event: Event) -> None:
    if not can_manage(actor, event):
        raise NotAllowed("Отменить мероприятие может его организатор.")
    moved = db.session.execute(update(Event).where(Event.id == event.id, Event.status == EventStatus.SCHEDULED)
                               .values(status=EventStatus.CANCELLED)).rowcount
    if not moved:
        raise DomainError("Отменить можно только запланированное мероприятие.")
    db.session.refresh(event)
    for participant in event.participants:
        if participant.status != ParticipantStatus.CANCELLED:
            notify(participant.user, "event-cancelled", f"Мероприятие {quoted(event.title)} отменено.",
                   path_for("events.detail", event_id=event.id))
    audit.record(actor, "event.cancel", "event", event.id, summary=f"Отменено мероприятие «{event.title}»")


def timed_run_sheet(event: Event) -> list[dict[str, Any]]:
    """The format's run sheet against the event's clock: each step with the time it starts. Steps of 0 minutes
    before the first timed one are preparation («заранее»)."""
    steps, clock, started = [], event.starts_at, False
    for step in event.format.run_sheet or []:
        minutes = int(step.get("minutes") or 0)
        if minutes == 0 and not started:
            steps.append({"at": None, "minutes": 0, "step": step["step"]})
            continue
        started = True
        steps.append({"at": clock, "minutes": minutes, "step": step["step"]})
        clock += timedelta(minutes=minutes)
    return steps


# --- registration and the waiting list ------------------------------------------------------------------------

def _locked(event: Event) -> Event:
    """The event's row, locked until the transaction ends (PostgreSQL; SQLite serialises writers)."""
    return db.session.scalars(select(Event).where(Event.id == event.id).with_for_update()
                              .execution_options(populate_existing=True)).one()


def participant_of(event: Event, user: User) -> EventParticipant | None:
    return db.session.scalar(select(EventParticipant).where(EventParticipant.event_id == event.id,
                                                            EventParticipant.user_id == user.id))


def register(user: User, event: Event, *, now: datetime | None = None) -> EventParticipant:
    """A seat while there are seats, else the waiting list. Twice is once."""
    now = now or utcnow()
    event = _locked(event)
    if event.status != EventStatus.SCHEDULED or event.ends_at <= now:
        raise DomainError("Запись закрыта: мероприятие уже прошло или отменено.")
    if not in_audience(user, event):
        raise DomainError("Это мероприятие для другого центра или отдела.")
    participant = participant_of(event, user)
    if participant is not None and participant.status != ParticipantStatus.CANCELLED:
        return participant
    has_seat = event.capacity is None or event.registered_count < event.capacity
    status = ParticipantStatus.REGISTERED if has_seat else ParticipantStatus.WAITLISTED
    if participant is None:
        participant = EventParticipant(event_id=event.id, user_id=user.id, role=ParticipantRole.PARTICIPANT,
                                       status=status, registered_at=now)
        try:
            with db.session.begin_nested():
                db.session.add(participant)
        except IntegrityError:
            raise DomainError("Вы уже записаны.") from None
    else:
        participant.status, participant.registered_at, participant.role = status, now, ParticipantRole.PARTICIPANT
    if has_seat:
        event.registered_count += 1
    db.session.flush()
    return participant


def cancel_registration(user: User, event: Event) -> None:
    """Give the seat back; the first on the waiting list takes it and is told so."""
    event = _locked(event)
    participant = participant_of(event, user)
    if participant is None or participant.status == ParticipantStatus.CANCELLED:
        return
    if participant.role in HOST_ROLES:
        raise DomainError("Вы — спикер или модератор: попросите организатора заменить вас.")
    had_seat = participant.status == ParticipantStatus.REGISTERED
    participant.status = ParticipantStatus.CANCELLED
    if had_seat:
        event.registered_count -= 1
        _promote(event)
    db.session.flush()


def _promote(event: Event) -> None:
    while event.capacity is None or event.registered_count < event.capacity:
        first = db.session.scalar(select(EventParticipant).where(
            EventParticipant.event_id == event.id, EventParticipant.status == ParticipantStatus.WAITLISTED)
            .order_by(EventParticipant.registered_at, EventParticipant.id).limit(1))
        if first is None:
            return
        first.status = ParticipantStatus.REGISTERED
        event.registered_count += 1
        notify(first.user, "event-seat", f"Освободилось место: вы записаны на {quoted(event.title)}.",
               path_for("events.detail", event_id=event.id))


def waitlist_position(event: Event, participant: EventParticipant) -> int | None:
    if participant.status != ParticipantStatus.WAITLISTED:
        return None
    return db.session.scalar(select(func.count()).select_from(EventParticipant).where(
        EventParticipant.event_id == event.id, EventParticipant.status == ParticipantStatus.WAITLISTED,
        or_(EventParticipant.registered_at < participant.registered_at,
            and_(EventParticipant.registered_at == participant.registered_at,
                 EventParticipant.id <= participant.id))))


def seated(event: Event) -> list[EventParticipant]:
    return [p for p in event.participants if p.status == ParticipantStatus.REGISTERED]


def waitlisted(event: Event) -> list[EventParticipant]:
    return [p for p in event.participants if p.status == ParticipantStatus.WAITLISTED]


def set_role(actor: User, event: Event, participant: EventParticipant, role: str) -> None:
    """The organiser names a registered person speaker, moderator, observer or plain participant. A seat is kept
    for participants and observers; a host gives theirs back (the waiting list moves up)."""
    if not can_manage(actor, event):
        raise NotAllowed("Роли назначает организатор.")
    role = ParticipantRole(role)
    event = _locked(event)
    if participant.event_id != event.id or participant.status != ParticipantStatus.REGISTERED:
        raise DomainError("Роль можно назначить только записанному участнику.")
    if event.status == EventStatus.CANCELLED:
        raise DomainError("Мероприятие отменено.")
    was_seated, seated_now = participant.role in SEATED_ROLES, role in SEATED_ROLES
    if not was_seated and seated_now:
        if event.capacity is not None and event.registered_count >= event.capacity:
            raise DomainError("Свободных мест нет: участником или наблюдателем его не записать.")
        event.registered_count += 1
    participant.role = role
    if was_seated and not seated_now:
        event.registered_count -= 1
        _promote(event)
    db.session.flush()


# --- attendance --------------------------------------------------------------------------------------------------

def checkin_open(event: Event, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return (event.status != EventStatus.CANCELLED
            and event.starts_at - CHECKIN_EARLY <= now <= event.ends_at + CHECKIN_LATE)


def checkin_code(event: Event, now: datetime | None = None) -> tuple[str, datetime]:
    """The code on the organiser's screen now and when it changes."""
    window = rotating_codes.window_index(now or utcnow(), CHECKIN_WINDOW_SECONDS)
    return (rotating_codes.code(CHECKIN_PURPOSE, f"{event.id}:{event.checkin_salt}", window),
            rotating_codes.window_start(window + 1, CHECKIN_WINDOW_SECONDS))


def check_in(user: User, event: Event, code: str | None, *, now: datetime | None = None) -> EventParticipant:
    now = now or utcnow()
    if not checkin_open(event, now):
        raise DomainError("Отметка открыта за 30 минут до начала и до 30 минут после окончания.")
    if rotating_codes.match(CHECKIN_PURPOSE, f"{event.id}:{event.checkin_salt}", code, now,
                            CHECKIN_WINDOW_SECONDS) is None:
        raise DomainError("Код устарел или не подходит: отсканируйте QR-код на экране ещё раз.")
    participant = participant_of(event, user)
    if participant is None or participant.status != ParticipantStatus.REGISTERED:
        raise DomainError("Вы не записаны на это мероприятие: попросите организатора отметить вас.")
    _mark(participant, AttendanceMethod.QR, now)
    return participant


def mark_attendance(actor: User, event: Event, participant: EventParticipant, attended: bool = True,
                    *, now: datetime | None = None) -> None:
    if not can_manage(actor, event):
        raise NotAllowed("Отмечать присутствие может организатор.")
    if participant.event_id != event.id or participant.status != ParticipantStatus.REGISTERED:
        raise DomainError("Отметить можно только записанного участника.")
    if event.starts_at - CHECKIN_EARLY > (now or utcnow()):
        raise DomainError("Мероприятие ещё не началось.")
    if attended:
        _mark(participant, AttendanceMethod.ORGANISER, now or utcnow())
    else:
        participant.attended_at, participant.attendance_method = None, None
        db.session.flush()


def _mark(participant: EventParticipant, method: AttendanceMethod, now: datetime) -> None:
    moved = db.session.execute(update(EventParticipant).where(EventParticipant.id == participant.id,
                                                              EventParticipant.attended_at.is_(None))
                               .values(attended_at=now, attendance_method=method)).rowcount
    db.session.refresh(participant)
    if moved:
        event = participant.event
        event_participation.send(participant.user, event_id=event.id, role="attended", title=event.title)


def attended(event: Event) -> list[EventParticipant]:
    return [p for p in event.participants if p.attended_at is not None]


ATTENDANCE_HEADER = ("ФИО", "Должность", "Роль", "Запись", "Присутствие", "Как отмечен(а)")


def attendance_rows(event: Event) -> list[tuple[str, ...]]:
    """The attendance sheet of an event: everyone seated, waiting or hosting, in registration order."""
    return [(p.user.full_name, p.user.position, p.role.label, p.status.label,
             "был(а)" if p.attended_at else "—", p.attendance_method.label if p.attendance_method else "")
            for p in event.participants if p.status != ParticipantStatus.CANCELLED]


# --- feedback ------------------------------------------------------------------------------------------------

def give_feedback(user: User, event: Event, *, usefulness: int, takeaway: str = "") -> EventFeedback:
    participant = participant_of(event, user)
    if participant is None or participant.attended_at is None:
        raise DomainError("Отзыв оставляют те, кто был на мероприятии.")
    if not 1 <= int(usefulness) <= 5:
        raise DomainError("Оценка — от 1 до 5.")
    feedback = EventFeedback(event_id=event.id, user_id=user.id, usefulness=int(usefulness),
                             takeaway=(takeaway or "").strip()[:2000])
    try:
        with db.session.begin_nested():
            db.session.add(feedback)
    except IntegrityError:
        raise DomainError("Вы уже оставили отзыв. Спасибо!") from None
    return feedback


def feedback_of(event: Event, user: User) -> EventFeedback | None:
    return db.session.scalar(select(EventFeedback).where(EventFeedback.event_id == event.id,
                                                         EventFeedback.user_id == user.id))


def feedback_summary(event_ids: list[int]) -> dict[str, Any]:
    if not event_ids:
        return {"count": 0, "average": None, "takeaways": []}
    count, average = db.session.execute(select(func.count(), func.avg(EventFeedback.usefulness))
                                        .where(EventFeedback.event_id.in_(event_ids))).one()
    takeaways = list(db.session.scalars(select(EventFeedback.takeaway).where(
        EventFeedback.event_id.in_(event_ids), EventFeedback.takeaway != "").order_by(EventFeedback.id)))
    return {"count": count, "average": float(average) if average is not None else None, "takeaways": takeaways}


# --- outcomes and the end of an event ------------------------------------------------------------------------

def add_outcome(actor: User, event: Event, *, kind: str, text: str, owner: User | None = None,
                due_on: date | None = None) -> EventOutcome:
    if not can_manage(actor, event):
        raise NotAllowed("Итоги записывает организатор.")
    kind = OutcomeKind(kind)
    text = (text or "").strip()
    if not text:
        raise DomainError("Опишите итог.")
    if kind == OutcomeKind.MEASURE and (owner is None or due_on is None):
        raise DomainError("У меры должны быть ответственный и срок.")
    if owner is not None and owner.regional_service_id != event.regional_service_id:
        raise DomainError("Ответственный — сотрудник вашей службы занятости.")
    event = _locked(event)  # a double tap records the outcome once
    same = db.session.scalar(select(EventOutcome).where(EventOutcome.event_id == event.id, EventOutcome.kind == kind,
                                                        EventOutcome.text == text[:4000]))
    if same is not None:
        return same
    outcome = EventOutcome(event_id=event.id, kind=kind, text=text[:4000], owner_id=owner.id if owner else None,
                           due_on=due_on, status=OutcomeStatus.PLANNED, created_by_id=actor.id)
    db.session.add(outcome)
    db.session.flush()
    if owner is not None and owner.id != actor.id:
        notify(owner, "event-outcome", f"Вы ответственный: {text[:200]} (итог мероприятия {quoted(event.title)}).",
               path_for("events.detail", event_id=event.id))
    audit.record(actor, "event_outcome.create", "event_outcome", outcome.id,
                 after={"kind": kind.value, "owner_id": outcome.owner_id,
                        "due_on": due_on.isoformat() if due_on else None},
                 summary=f"Итог мероприятия «{event.title}»: {kind.label}")
    return outcome


def set_outcome_status(actor: User, outcome: EventOutcome, status: str) -> None:
    if not (outcome.owner_id == actor.id or can_manage(actor, outcome.event)):
        raise NotAllowed("Статус меняют ответственный и организатор.")
    status = OutcomeStatus(status)
    outcome.status = status
    outcome.done_at = utcnow() if status == OutcomeStatus.DONE else None
    db.session.flush()


def finish_event(actor: User, event: Event, *, summary: str = "", now: datetime | None = None) -> None:
    """«Мероприятие проведено»: speakers and moderators are credited, and the organiser when colleagues came."""
    now = now or utcnow()
    if not can_manage(actor, event):
        raise NotAllowed("Завершить мероприятие может организатор.")
    if event.starts_at > now:
        raise DomainError("Мероприятие ещё не началось.")
    moved = db.session.execute(update(Event).where(Event.id == event.id, Event.status == EventStatus.SCHEDULED)
                               .values(status=EventStatus.HELD, held_at=now, summary=(summary or "").strip()))
    if not moved.rowcount:
        raise DomainError("Мероприятие уже завершено или отменено.")
    db.session.refresh(event)
    if any(p.user_id != event.organiser_id for p in attended(event)):  # colleagues came: the organiser is credited
        event_participation.send(event.organiser, event_id=event.id, role="organised", title=event.title)
    for participant in event.participants:
        if participant.role in HOST_ROLES and participant.status == ParticipantStatus.REGISTERED:
            event_participation.send(participant.user, event_id=event.id, role="spoke", title=event.title)
    for participant in attended(event):
        notify(participant.user, "event-feedback", f"Как прошло {quoted(event.title)}? Два вопроса — полминуты.",
               path_for("events.detail", event_id=event.id),
               dedupe_key=f"event-feedback:{event.id}:{participant.user_id}")
    audit.record(actor, "event.finish", "event", event.id, summary=f"Проведено мероприятие «{event.title}»")


# --- reminders -------------------------------------------------------------------------------------------------

def send_reminders(now: datetime | None = None) -> int:
    """A notification a day ahead to everyone with a seat (once per event: ``reminded_at``)."""
    now = now or utcnow()
    sent = 0
    due = db.session.scalars(select(Event).where(Event.status == EventStatus.SCHEDULED, Event.reminded_at.is_(None),
                                                 Event.starts_at > now, Event.starts_at <= now + REMINDER_AHEAD))
    for event in list(due):
        moved = db.session.execute(update(Event).where(Event.id == event.id, Event.reminded_at.is_(None))
                                   .values(reminded_at=now)).rowcount
        if not moved:
            continue
        for participant in seated(event):
            text = f"Напоминание: «{event.title}» — завтра. {event.place}".strip()
            if notify(participant.user, "event-reminder", text,
                      path_for("events.detail", event_id=event.id),
                      dedupe_key=f"event-reminder:{event.id}:{participant.user_id}"):
                sent += 1
    return sent


def remind_overdue_measures(today: date) -> int:
    """Owners of an event's measures past their due date and not done are told once per measure."""
    sent = 0
    overdue = db.session.scalars(select(EventOutcome).where(
        EventOutcome.kind == OutcomeKind.MEASURE, EventOutcome.status != OutcomeStatus.DONE,
        EventOutcome.owner_id.is_not(None), EventOutcome.due_on < today))
    for outcome in list(overdue):
        if notify(outcome.owner, "event-measure-overdue",
                  f"Срок меры истёк {outcome.due_on:%d.%m.%Y}: {outcome.text[:200]} (итог «{outcome.event.title}»).",
                  path_for("events.detail", event_id=outcome.event_id),
                  dedupe_key=f"event-measure-overdue:{outcome.id}"):
            sent += 1
    return sent


# --- programmes («Неделя клиентоцентричности») ------------------------------------------------------------------

def create_programme(actor: User, *, title: str, starts_on: date, ends_on: date, centre_id: int | None = None,
                     description: str = "") -> EventProgramme:
    if not can_organise(actor) or actor.regional_service_id is None:
        raise NotAllowed("Программу составляют организаторы мероприятий.")
    if ends_on < starts_on:
        raise DomainError("Конец программы — не раньше начала.")
    if (ends_on - starts_on).days > 13:
        raise DomainError("Программа длится не больше двух недель.")
    centre = _centre_in_scope(actor, centre_id)
    programme = EventProgramme(regional_service_id=actor.regional_service_id, centre_id=centre.id if centre else None,
                               title=(title or "").strip()[:200] or "Неделя клиентоцентричности",
                               description=description or "", starts_on=starts_on, ends_on=ends_on,
                               created_by_id=actor.id)
    db.session.add(programme)
    db.session.flush()
    audit.record(actor, "event_programme.create", "event_programme", programme.id,
                 summary=f"Составлена программа «{programme.title}»")
    return programme


def can_manage_programme(user: User, programme: EventProgramme) -> bool:
    return programme.created_by_id == user.id or scopes.can_administer(user, programme)


def can_view_programme(user: User, programme: EventProgramme) -> bool:
    return scopes.can_view(user, programme, members=scopes.Level.SERVICE)


def programmes_for(user: User) -> list[EventProgramme]:
    query = (select(EventProgramme).where(scopes.viewable_condition(
        user, service=EventProgramme.regional_service_id, members=scopes.Level.SERVICE))
        .order_by(EventProgramme.starts_on.desc()))
    return list(db.session.scalars(query.limit(50)))


def programme_summary(programme: EventProgramme) -> dict[str, Any]:
    """The figures after the week: events held, people who came, speakers, feedback, outcomes by kind."""
    events = [e for e in programme.events if e.status != EventStatus.CANCELLED]
    ids = [e.id for e in events]
    people = set()
    hosts = set()
    for event in events:
        for participant in event.participants:
            if participant.attended_at is not None:
                people.add(participant.user_id)
            if participant.role in HOST_ROLES and event.status == EventStatus.HELD:
                hosts.add(participant.user_id)
    outcomes = [o for e in events for o in e.outcomes]
    return {"events": len(events), "held": sum(e.status == EventStatus.HELD for e in events),
            "people": len(people), "hosts": len(hosts), "feedback": feedback_summary(ids),
            "outcomes": {kind: [o for o in outcomes if o.kind == kind] for kind in OutcomeKind}}


def set_programme_summary(actor: User, programme: EventProgramme, summary: str) -> None:
    if not can_manage_programme(actor, programme):
        raise NotAllowed("Итоги программы записывает её автор или кадровая служба.")
    programme.summary = (summary or "").strip()
    db.session.flush()
