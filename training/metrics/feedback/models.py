"""Tables of the metrics domain.

Privacy: client feedback stores no IP address, no user agent and no device id; a name and a phone number exist
only when the client ticked «свяжитесь со мной», in a separate table (:class:`ContactRequest`) that staff can
delete. See docs/metrics.md, part 6."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.accounts.models import User
from training.db import LabelledEnum, enum_type, utcnow
from training.extensions import db
from training.org.models import Centre


class Touchpoint(db.Model):
    """A point of contact between a client and the service (reference data: окно приёма, колл-центр, …)."""

    __tablename__ = "touchpoints"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    sort_order: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)

    def __str__(self) -> str:
        return self.name


class FeedbackLink(db.Model):
    """What a printed QR code points at: a centre, optionally a touchpoint and a specialist.

    ``scope_key`` («c12:t3:e45», «c12:t-:e-») makes each combination exist once (NULLs are never equal in a
    unique constraint); ``token`` is the random, unguessable part of the public URL."""

    __tablename__ = "feedback_links"
    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32), unique=True)
    scope_key: Mapped[str] = mapped_column(String(60), unique=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), index=True)
    touchpoint_id: Mapped[int | None] = mapped_column(ForeignKey("touchpoints.id"))
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    centre: Mapped[Centre] = relationship()
    touchpoint: Mapped[Touchpoint | None] = relationship()
    employee: Mapped[User | None] = relationship()


class Channel(LabelledEnum):
    """How an answer reached us (2.4 names every channel): the client's own phone from a QR code, or staff
    typing what a client said on the phone, wrote on a paper form, sent by e-mail or SMS."""
    QR = "qr", "QR-код"
    PHONE = "phone", "по телефону"
    PAPER = "paper", "бумажная анкета"
    EMAIL = "email", "e-mail"
    SMS = "sms", "SMS"


#: The channels staff type answers from (a QR answer is only ever the client's own).
STAFF_CHANNELS = (Channel.PHONE, Channel.PAPER, Channel.EMAIL, Channel.SMS)


class ClientFeedback(db.Model):
    """One client's answers (at most five questions). Nothing here identifies the client.

    Scope columns are copied at submission time (the specialist may move later; the answer stays where it was
    given). ``local_date`` is the Moscow date of the answer: periods are counted in local days."""

    __tablename__ = "client_feedback"
    __table_args__ = (
        Index("ix_client_feedback_centre_date", "centre_id", "local_date"),
        Index("ix_client_feedback_service_date", "regional_service_id", "local_date"),
        Index("ix_client_feedback_employee_date", "employee_id", "local_date"),
        Index("ix_client_feedback_department_date", "department_id", "local_date"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int | None] = mapped_column(ForeignKey("feedback_links.id", ondelete="SET NULL"))
    regional_service_id: Mapped[int] = mapped_column(ForeignKey("regional_services.id"))
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    touchpoint_id: Mapped[int | None] = mapped_column(ForeignKey("touchpoints.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    local_date: Mapped[date] = mapped_column(Date)
    ces: Mapped[int | None]  # 1 «Очень сложно» … 5 «Очень легко»
    expectations: Mapped[int | None]  # 1 «Нет, разочарован» … 5 «Значительно превзошел ожидания»
    recommend: Mapped[int | None]  # 0…10
    csat: Mapped[int | None]  # the centre's service: 1 «Совсем не доволен» … 5 «Очень доволен» (CSAT)
    specialist_satisfaction: Mapped[int | None]  # «довольны ли вы работой специалиста», same five levels
    comment: Mapped[str | None] = mapped_column(Text)
    is_contact_requested: Mapped[bool] = mapped_column(default=False)
    is_low: Mapped[bool] = mapped_column(default=False)
    channel: Mapped[Channel] = mapped_column(enum_type(Channel, column="channel", length=10), default=Channel.QR,
                                             server_default=Channel.QR.value)
    aspects: Mapped[list[ClientAspectScore]] = relationship(back_populates="feedback", cascade="all, delete-orphan",
                                                            order_by="ClientAspectScore.id")
    service_marks: Mapped[list[ClientServiceMark]] = relationship(
        back_populates="feedback", cascade="all, delete-orphan", order_by="ClientServiceMark.id")
    contact: Mapped[ContactRequest | None] = relationship(back_populates="feedback", uselist=False,
                                                          cascade="all, delete-orphan")
    centre: Mapped[Centre] = relationship()
    employee: Mapped[User | None] = relationship()
    touchpoint: Mapped[Touchpoint | None] = relationship()


class ClientAspectScore(db.Model):
    """The client's 1–5 mark of the specialist on one service aspect, by aspect code."""

    __tablename__ = "client_aspect_scores"
    __table_args__ = (UniqueConstraint("feedback_id", "aspect_code"),
                      Index("ix_client_aspect_scores_employee", "employee_id", "aspect_code"))
    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(ForeignKey("client_feedback.id", ondelete="CASCADE"))
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    aspect_code: Mapped[str] = mapped_column(String(40))
    score: Mapped[int]
    feedback: Mapped[ClientFeedback] = relationship(back_populates="aspects")


class ClientServiceMark(db.Model):
    """The client's 1–5 mark of the centre on one service aspect (premises, navigation, website, their
    circumstances: :data:`training.metrics.feedback.aspects.SERVICE_ASPECTS`). About the centre only: no
    specialist column, so it never counts for a person and never appears in colleagues' rating deck."""

    __tablename__ = "client_service_marks"
    __table_args__ = (UniqueConstraint("feedback_id", "aspect_code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(ForeignKey("client_feedback.id", ondelete="CASCADE"))
    aspect_code: Mapped[str] = mapped_column(String(40))
    score: Mapped[int]
    feedback: Mapped[ClientFeedback] = relationship(back_populates="service_marks")


class ContactRequest(db.Model):
    """Name and phone of a client who asked to be contacted. Deleted by staff after the follow-up, and
    automatically some days after the task is closed (METRICS_CONTACT_RETENTION_DAYS)."""

    __tablename__ = "contact_requests"
    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(ForeignKey("client_feedback.id", ondelete="CASCADE"), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    feedback: Mapped[ClientFeedback] = relationship(back_populates="contact")


class FollowUpStatus(LabelledEnum):
    OPEN = "open", "новая"
    IN_PROGRESS = "in_progress", "в работе"
    RESOLVED = "resolved", "закрыта"


class FollowUpTask(db.Model):
    """A low score opens a task for the centre manager: contact, apologise, record the resolution (2.4)."""

    __tablename__ = "follow_up_tasks"
    __table_args__ = (Index("ix_follow_up_tasks_centre_status", "centre_id", "status"),
                      # the specialist's proactive actions (competence scores) count the tasks they resolved
                      Index("ix_follow_up_tasks_resolved_by", "resolved_by_id", "resolved_at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(ForeignKey("client_feedback.id", ondelete="CASCADE"), unique=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"))
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)  # ["recommend", "expectations", "ces"]
    status: Mapped[FollowUpStatus] = mapped_column(enum_type(FollowUpStatus, column="status", length=20),
                                                   default=FollowUpStatus.OPEN)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_at: Mapped[datetime]
    contacted_at: Mapped[datetime | None]
    is_contact_impossible: Mapped[bool] = mapped_column(default=False)
    apologised_at: Mapped[datetime | None]
    notes: Mapped[str] = mapped_column(Text, default="")
    resolution: Mapped[str | None] = mapped_column(Text)
    corrective_measure: Mapped[str | None] = mapped_column(Text)
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    overdue_notified_at: Mapped[datetime | None]
    feedback: Mapped[ClientFeedback] = relationship()
    centre: Mapped[Centre] = relationship()
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])
    handled_by: Mapped[User | None] = relationship(foreign_keys=[handled_by_id])

    @property
    def status_label(self) -> str:
        return FollowUpStatus(self.status).label

    @property
    def is_resolved(self) -> bool:
        return self.status == FollowUpStatus.RESOLVED

    def is_overdue_at(self, now: datetime) -> bool:
        return not self.is_resolved and now > self.due_at

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_at(utcnow())


# --- staff competence scores (docs/metrics.md, part 4 and section 12) -------------------------------------------
