"""Tables of the other channels of client feedback: paper forms with a code per sheet, and the manual register of
mentions in media and social networks («объём обсуждений», variant 1). Answers themselves stay in
``client_feedback`` (its ``channel`` says how they came)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.accounts.models import User
from training.db import LabelledEnum, enum_type, utcnow
from training.extensions import db
from training.org.models import Centre


class PaperSheet(db.Model):
    """One printed paper form. Its ``code`` is printed on the sheet and is typed once: the answer it carries is
    entered a single time (``used_at``, claimed by a conditional UPDATE), like a visit code gives one feedback."""

    __tablename__ = "paper_sheets"
    __table_args__ = (Index("ix_paper_sheets_centre_issued", "centre_id", "issued_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"))
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    used_at: Mapped[datetime | None]
    feedback_id: Mapped[int | None] = mapped_column(ForeignKey("client_feedback.id", ondelete="SET NULL"))
    centre: Mapped[Centre] = relationship()
    employee: Mapped[User | None] = relationship(foreign_keys=[employee_id])


class MentionTone(LabelledEnum):
    POSITIVE = "positive", "позитивная"
    NEUTRAL = "neutral", "нейтральная"
    NEGATIVE = "negative", "негативная"


class MediaMention(db.Model):
    """A mention of the service (or one of its centres) in the media or a social network, written down by HR by
    hand: nothing is collected automatically, and the pages that count these say so."""

    __tablename__ = "media_mentions"
    __table_args__ = (Index("ix_media_mentions_service_date", "regional_service_id", "mentioned_on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    regional_service_id: Mapped[int] = mapped_column(ForeignKey("regional_services.id", ondelete="CASCADE"))
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centres.id", ondelete="SET NULL"))
    mentioned_on: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(500))
    tone: Mapped[MentionTone] = mapped_column(enum_type(MentionTone, column="tone", length=10))
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    centre: Mapped[Centre | None] = relationship()

    @property
    def tone_label(self) -> str:
        return MentionTone(self.tone).label
