"""«Стресс месяца»: items have no author column and no time finer than a day; «+1» votes store an HMAC of
the voter under a per-month key erased when the month is archived."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.accounts.models import User
from training.db import LabelledEnum, enum_type, utcnow
from training.extensions import db
from training.org.models import Centre


class StressMonth(db.Model):
    """The board of one month in one regional service. ``vote_salt`` is random and erased at archiving: the
    «+1» voter hashes can then never again be matched to anyone."""

    __tablename__ = "stress_months"
    __table_args__ = (UniqueConstraint("regional_service_id", "month"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    regional_service_id: Mapped[int] = mapped_column(ForeignKey("regional_services.id"))
    month: Mapped[str] = mapped_column(String(7))  # ГГГГ-ММ, Moscow time
    vote_salt: Mapped[str | None] = mapped_column(String(64))
    archived_at: Mapped[datetime | None]
    archived_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    items: Mapped[list[StressItem]] = relationship(back_populates="month_row", cascade="all, delete-orphan")
    measures: Mapped[list[StressMeasure]] = relationship(back_populates="month_row", cascade="all, delete-orphan",
                                                         order_by="StressMeasure.id")

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class StressSource(enum.StrEnum):
    STAFF = "staff"  # posted by a colleague (signed in, never recorded)
    CLIENT = "client"  # posted by a client from the centre's public page


class StressItem(db.Model):
    """A stressful or anti-client thing. Anonymous by construction: no author, no time finer than the day,
    a random identifier (a sequence number would line up with the order of requests in a server log)."""

    __tablename__ = "stress_items"
    __table_args__ = (Index("ix_stress_items_month_votes", "month_id", "plus_count"),)
    id: Mapped[str] = mapped_column(String(24), primary_key=True)
    month_id: Mapped[int] = mapped_column(ForeignKey("stress_months.id", ondelete="CASCADE"))
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centres.id"))  # where it happens, if told
    text: Mapped[str] = mapped_column(Text)
    source: Mapped[StressSource] = mapped_column(enum_type(StressSource, column="source", length=10),
                                                 default=StressSource.STAFF)
    posted_on: Mapped[date] = mapped_column(Date)
    plus_count: Mapped[int] = mapped_column(default=0)
    is_hidden: Mapped[bool] = mapped_column(default=False)
    month_row: Mapped[StressMonth] = relationship(back_populates="items")
    centre: Mapped[Centre | None] = relationship()

    @property
    def regional_service_id(self) -> int:
        """The service whose board holds the post: where it belongs (accounts.scopes.place_of)."""
        return self.month_row.regional_service_id


class StressVote(db.Model):
    """A «+1»: ``voter_hash`` = HMAC-SHA256(month key, user id); the month key needs the app's SECRET_KEY and
    the month's salt, and the salt is erased at archiving."""

    __tablename__ = "stress_votes"
    __table_args__ = (UniqueConstraint("item_id", "voter_hash"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[str] = mapped_column(ForeignKey("stress_items.id", ondelete="CASCADE"))
    voter_hash: Mapped[str] = mapped_column(String(64))


#: The longest text for clients a measure may carry (the thank-you page shows it whole).
PUBLIC_TEXT_MAX = 300


class MeasureStatus(LabelledEnum):
    PLANNED = "planned", "запланирована"
    IN_PROGRESS = "in_progress", "выполняется"
    DONE = "done", "выполнена"


class StressMeasure(db.Model):
    """A corrective measure the committee decided on, with an owner and a status. ``text`` is internal (it may
    name colleagues or troubles of the team); only ``public_text``, which the committee writes for clients on
    purpose, ever reaches them («вы сказали — мы сделали», metrics/feedback/you_said.py)."""

    __tablename__ = "stress_measures"
    id: Mapped[int] = mapped_column(primary_key=True)
    month_id: Mapped[int] = mapped_column(ForeignKey("stress_months.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[str | None] = mapped_column(ForeignKey("stress_items.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    public_text: Mapped[str | None] = mapped_column(Text)  # for clients, at most PUBLIC_TEXT_MAX characters
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[MeasureStatus] = mapped_column(enum_type(MeasureStatus, column="status", length=20),
                                                  default=MeasureStatus.PLANNED)
    due_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    done_at: Mapped[datetime | None]
    month_row: Mapped[StressMonth] = relationship(back_populates="measures")
    item: Mapped[StressItem | None] = relationship()
    owner: Mapped[User] = relationship(foreign_keys=[owner_id])

    @property
    def status_label(self) -> str:
        return MeasureStatus(self.status).label
