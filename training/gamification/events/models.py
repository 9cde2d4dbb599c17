"""Event formats (the catalogue HR edits), scheduled events, their participants, feedback and outcomes, the
programmes («Неделя клиентоцентричности») that group events, and each service's settings."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.accounts.models import User
from training.db import LabelledEnum, enum_type, utcnow
from training.extensions import db
from training.org.models import Centre, Department


class EventFormat(db.Model):
    """A format of section 5.4 (кафе знаний, fireside chat, печа-куча…): what it is for, who, how long, the run
    sheet an organiser follows step by step, what to record afterwards. Seeded from
    seeds/engagement/event_formats.yaml; once HR edits a format (``edited_at``), seeding leaves it alone."""

    __tablename__ = "event_formats"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    methodology_item: Mapped[str] = mapped_column(String(20), default="")  # «5.4, п. 9»
    purpose: Mapped[str] = mapped_column(Text, default="")
    group_size: Mapped[str] = mapped_column(String(120), default="")
    duration_minutes: Mapped[int] = mapped_column(default=60)
    timing: Mapped[str] = mapped_column(String(300), default="")
    roles: Mapped[str] = mapped_column(Text, default="")
    # [{"minutes": 5, "step": "…"}, …] in order: the organiser's run sheet
    run_sheet: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    record_after: Mapped[str] = mapped_column(Text, default="")
    open_to_clients: Mapped[bool] = mapped_column(default=False)
    is_active: Mapped[bool] = mapped_column(default=True)
    sort_order: Mapped[int] = mapped_column(default=100)
    edited_at: Mapped[datetime | None]
    edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class EventSettings(db.Model):
    """Per regional service: may any employee organise events (HR decides)."""

    __tablename__ = "event_settings"
    id: Mapped[int] = mapped_column(primary_key=True)
    regional_service_id: Mapped[int] = mapped_column(ForeignKey("regional_services.id"), unique=True)
    employees_may_organise: Mapped[bool] = mapped_column(default=False)


class EventProgramme(db.Model):
    """A programme grouping events over a few days: «Неделя клиентоцентричности»."""

    __tablename__ = "event_programmes"
    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="dates_in_order"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    regional_service_id: Mapped[int] = mapped_column(ForeignKey("regional_services.id"), index=True)
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centres.id"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text, default="")  # written by the organiser afterwards
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    centre: Mapped[Centre | None] = relationship()
    created_by: Mapped[User] = relationship()
    events: Mapped[list[Event]] = relationship(back_populates="programme", order_by="Event.starts_at")


class EventStatus(LabelledEnum):
    SCHEDULED = "scheduled", "запланировано"
    HELD = "held", "проведено"
    CANCELLED = "cancelled", "отменено"


class Event(db.Model):
    """An event scheduled from a format. Audience: the regional service, narrowed to a centre and a department
    when given; ``open_to_clients`` for open days and exhibitions. ``registered_count`` is kept under the event's
    row lock, so the capacity is never exceeded."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_service_starts", "regional_service_id", "starts_at"),
                      CheckConstraint("ends_at > starts_at", name="times_in_order"),
                      CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"))
    id: Mapped[int] = mapped_column(primary_key=True)
    format_id: Mapped[int] = mapped_column(ForeignKey("event_formats.id"), index=True)
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("event_programmes.id", ondelete="SET NULL"),
                                                     index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    place: Mapped[str] = mapped_column(String(300), default="")
    video_url: Mapped[str] = mapped_column(String(500), default="")
    regional_service_id: Mapped[int] = mapped_column(ForeignKey("regional_services.id"))
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centres.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    open_to_clients: Mapped[bool] = mapped_column(default=False)
    capacity: Mapped[int | None]
    registered_count: Mapped[int] = mapped_column(default=0)
    organiser_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[EventStatus] = mapped_column(enum_type(EventStatus, column="status", length=20),
                                                default=EventStatus.SCHEDULED)
    checkin_salt: Mapped[str] = mapped_column(String(32))
    summary: Mapped[str] = mapped_column(Text, default="")
    reminded_at: Mapped[datetime | None]
    held_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    format: Mapped[EventFormat] = relationship()
    programme: Mapped[EventProgramme | None] = relationship(back_populates="events")
    organiser: Mapped[User] = relationship()
    centre: Mapped[Centre | None] = relationship()
    department: Mapped[Department | None] = relationship()
    participants: Mapped[list[EventParticipant]] = relationship(back_populates="event", cascade="all, delete-orphan",
                                                                order_by="EventParticipant.registered_at")
    outcomes: Mapped[list[EventOutcome]] = relationship(back_populates="event", cascade="all, delete-orphan",
                                                        order_by="EventOutcome.id")


class ParticipantStatus(LabelledEnum):
    REGISTERED = "registered", "записан(а)"
    WAITLISTED = "waitlisted", "в листе ожидания"
    CANCELLED = "cancelled", "отказался(-ась)"


class ParticipantRole(LabelledEnum):
    PARTICIPANT = "participant", "участник"
    SPEAKER = "speaker", "спикер"
    MODERATOR = "moderator", "модератор"
    OBSERVER = "observer", "наблюдатель"


class AttendanceMethod(LabelledEnum):
    QR = "qr", "по QR-коду"
    ORGANISER = "organiser", "отметил организатор"


class EventParticipant(db.Model):
    """One row per person and event: registration (or the waiting list, ordered by ``registered_at``), the role,
    and attendance."""

    __tablename__ = "event_participants"
    __table_args__ = (UniqueConstraint("event_id", "user_id"),
                      Index("ix_event_participants_user", "user_id", "status"))
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    status: Mapped[ParticipantStatus] = mapped_column(enum_type(ParticipantStatus, column="status", length=20),
                                                      default=ParticipantStatus.REGISTERED)
    role: Mapped[ParticipantRole] = mapped_column(enum_type(ParticipantRole, column="role", length=20),
                                                  default=ParticipantRole.PARTICIPANT)
    registered_at: Mapped[datetime] = mapped_column(default=utcnow)
    attended_at: Mapped[datetime | None]
    attendance_method: Mapped[AttendanceMethod | None] = mapped_column(
        enum_type(AttendanceMethod, column="attendance_method", length=20))
    event: Mapped[Event] = relationship(back_populates="participants")
    user: Mapped[User] = relationship(lazy="joined")


class EventFeedback(db.Model):
    """The two questions after an event: how useful (1–5) and what the person will use in their work."""

    __tablename__ = "event_feedback"
    __table_args__ = (UniqueConstraint("event_id", "user_id"),
                      CheckConstraint("usefulness BETWEEN 1 AND 5", name="usefulness_range"))
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    usefulness: Mapped[int]
    takeaway: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OutcomeKind(LabelledEnum):
    IDEA = "idea", "идея"
    DECISION = "decision", "решение"
    MEASURE = "measure", "мера"


class OutcomeStatus(LabelledEnum):
    """The same steps as the committee's measures of «Стресс месяца»."""

    PLANNED = "planned", "запланирована"
    IN_PROGRESS = "in_progress", "выполняется"
    DONE = "done", "выполнена"


class EventOutcome(db.Model):
    """What an event produced: an idea, a decision, or a measure with an owner and a due date."""

    __tablename__ = "event_outcomes"
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    kind: Mapped[OutcomeKind] = mapped_column(enum_type(OutcomeKind, column="kind", length=20))
    text: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[OutcomeStatus] = mapped_column(enum_type(OutcomeStatus, column="status", length=20),
                                                  default=OutcomeStatus.PLANNED)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    done_at: Mapped[datetime | None]
    event: Mapped[Event] = relationship(back_populates="outcomes")
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id], lazy="joined")
