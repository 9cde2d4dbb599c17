"""«Сотрудник месяца»: monthly contests in two tracks (colleagues, clients), votes, awards and the flags
of gaming patterns for HR to review."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.accounts.models import User
from training.db import LabelledEnum, enum_type, utcnow
from training.extensions import db
from training.org.models import Centre, Department


class ContestStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Contest(db.Model):
    """«Сотрудник месяца» for one centre (or one department of it) and one calendar month.

    ``scope_key`` is ``c<centre id>`` or ``d<department id>``: one contest per scope and month. Once closed,
    ``results`` holds the frozen snapshot (names, counts, winners, analysis) that later changes never touch.
    """

    __tablename__ = "recognition_contests"
    __table_args__ = (UniqueConstraint("scope_key", "period"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    regional_service_id: Mapped[int] = mapped_column(ForeignKey("regional_services.id"), index=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    scope_key: Mapped[str] = mapped_column(String(20))
    period: Mapped[str] = mapped_column(String(7))  # "YYYY-MM"
    status: Mapped[ContestStatus] = mapped_column(enum_type(ContestStatus, column="status", length=10),
                                                  default=ContestStatus.OPEN)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    closed_at: Mapped[datetime | None]
    results: Mapped[dict | None] = mapped_column(JSON)

    centre: Mapped[Centre] = relationship()
    department: Mapped[Department | None] = relationship()

    def __init__(self, **kwargs):
        kwargs.setdefault("status", ContestStatus.OPEN)
        super().__init__(**kwargs)

    @property
    def is_open(self) -> bool:
        return self.status == ContestStatus.OPEN

    @property
    def scope_label(self) -> str:
        if self.department is not None:
            return f"{self.centre.name}, {self.department.name}"
        return self.centre.name


class ColleagueVote(db.Model):
    """One vote per voter per contest; changing it updates the row (``updated_at``) until the close."""

    __tablename__ = "recognition_colleague_votes"
    __table_args__ = (UniqueConstraint("contest_id", "voter_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("recognition_contests.id", ondelete="CASCADE"))
    voter_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    nominee_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    nominee: Mapped[User] = relationship(foreign_keys=[nominee_id])


class ClientVote(db.Model):
    """A served client's vote for a specialist. No personal data: the device and the address are kept only
    as hashes salted with a salt of the day that is deleted after two days (see ClientVoteSalt).

    Centre and department are copied at vote time, so later staff moves do not move the vote."""

    __tablename__ = "recognition_client_votes"
    __table_args__ = (
        UniqueConstraint("employee_id", "window_index", "device_hash"),
        Index("ix_recognition_client_votes_employee_created", "employee_id", "created_at"),
        Index("ix_recognition_client_votes_centre_created", "centre_id", "created_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centres.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    window_index: Mapped[int] = mapped_column(BigInteger)
    device_hash: Mapped[str] = mapped_column(String(64))
    address_hash: Mapped[str | None] = mapped_column(String(64))
    comment: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class VisitCodeUse(db.Model):
    """What a visit code (codes.client_code: employee, window, sequence) has been used for: one client vote and
    one client feedback each. No device, no address, no time finer than the use itself."""

    __tablename__ = "recognition_visit_code_uses"
    __table_args__ = (UniqueConstraint("employee_id", "window_index", "seq"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    window_index: Mapped[int] = mapped_column(BigInteger)
    seq: Mapped[int]
    voted_at: Mapped[datetime | None]
    feedback_at: Mapped[datetime | None]


class ClientVoteSalt(db.Model):
    """A random salt per day for the client-vote hashes; a daily job deletes salts older than two days, after
    which nobody (not even with the server's secret) can link a stored hash to a device or an address."""

    __tablename__ = "recognition_client_vote_salts"
    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    salt: Mapped[str] = mapped_column(String(64))


class AwardKind(LabelledEnum):
    # the title holds the «переходящий кубок»
    TITLE = "title", "Самый клиентоцентричный сотрудник месяца"
    COLLEAGUES = "colleagues", "Сотрудник месяца в глазах коллег"  # winner of the colleagues' track
    CLIENTS = "clients", "Сотрудник месяца в глазах клиентов"  # winner of the clients' track


class Award(db.Model):
    """A contest award. ``certificate_id`` points to the diploma when the certificates engine issued one."""

    __tablename__ = "recognition_awards"
    __table_args__ = (UniqueConstraint("contest_id", "kind"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("recognition_contests.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), index=True)
    kind: Mapped[AwardKind] = mapped_column(enum_type(AwardKind, column="kind", length=20))
    title: Mapped[str] = mapped_column(String(200))
    period: Mapped[str] = mapped_column(String(7))
    certificate_id: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()
    contest: Mapped[Contest] = relationship()


class FlagKind(LabelledEnum):
    CLIENT_BURST = "client_burst", "Всплеск голосов клиентов"
    DEPARTMENT_BLOC = "department_bloc", "Подразделение голосует блоком"
    MUTUAL_PAIR = "mutual_pair", "Взаимные голоса пары"


class Flag(db.Model):
    """A pattern that looks like gaming, for HR to review. A flag never changes a result by itself."""

    __tablename__ = "recognition_flags"
    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[FlagKind] = mapped_column(enum_type(FlagKind, column="kind", length=30))
    regional_service_id: Mapped[int | None] = mapped_column(ForeignKey("regional_services.id"), index=True)
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centres.id"))
    contest_id: Mapped[int | None] = mapped_column(ForeignKey("recognition_contests.id", ondelete="CASCADE"))
    subject_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    explanation: Mapped[str] = mapped_column(Text)
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    is_reviewed: Mapped[bool] = mapped_column(default=False)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None]
    review_note: Mapped[str] = mapped_column(String(500), default="")

    @property
    def kind_label(self) -> str:
        return FlagKind(self.kind).label
