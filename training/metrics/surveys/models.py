"""Invitations to a survey by e-mail or SMS with a one-time link.

Privacy: the contact (an e-mail address or a phone number) exists only until the one sending attempt, then it is
erased and only the status remains; an invitation is never linked to the feedback answer its consent was given
with, so the contact never names an answer (docs/metrics.md §6.2, §6.9). The link's token is stored only as its
SHA-256: the link itself exists only in the message."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.db import LabelledEnum, enum_type, utcnow
from training.extensions import db
from training.org.models import Centre


class SurveyKind(LabelledEnum):
    AFTER_EMPLOYMENT = "after_employment", "через 3 месяца после отзыва"
    OUTBOUND = "outbound", "рассылка СЗН"


class SurveyChannel(LabelledEnum):
    EMAIL = "email", "e-mail"
    SMS = "sms", "SMS"


class SurveyStatus(LabelledEnum):
    PENDING = "pending", "ждёт отправки"
    SENDING = "sending", "отправляется"
    SENT = "sent", "отправлено"
    NOT_SENT = "not_sent", "не отправлено"
    ANSWERED = "answered", "ответ получен"


class SurveyInvitation(db.Model):
    """One client's invitation: where it comes from (centre), how and when to send it, and what became of it."""

    __tablename__ = "survey_invitations"
    __table_args__ = (Index("ix_survey_invitations_due", "status", "due_on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[SurveyKind] = mapped_column(enum_type(SurveyKind, column="kind", length=20))
    regional_service_id: Mapped[int] = mapped_column(ForeignKey("regional_services.id"), index=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id", ondelete="CASCADE"))
    channel: Mapped[SurveyChannel] = mapped_column(enum_type(SurveyChannel, column="channel", length=10))
    email: Mapped[str | None] = mapped_column(String(254))  # erased after the sending attempt
    phone: Mapped[str | None] = mapped_column(String(40))  # erased after the sending attempt
    consented_at: Mapped[datetime]
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[SurveyStatus] = mapped_column(enum_type(SurveyStatus, column="status", length=20),
                                                 default=SurveyStatus.PENDING)
    status_note: Mapped[str] = mapped_column(String(200), default="")
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    sent_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    employment: Mapped[str | None] = mapped_column(String(20))  # the survey's answer «вы сейчас работаете?»
    feedback_id: Mapped[int | None] = mapped_column(ForeignKey("client_feedback.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    centre: Mapped[Centre] = relationship()

    @property
    def status_label(self) -> str:
        return SurveyStatus(self.status).label

    @property
    def kind_label(self) -> str:
        return SurveyKind(self.kind).label

    @property
    def channel_label(self) -> str:
        return SurveyChannel(self.channel).label
