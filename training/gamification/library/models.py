"""«Библиотека клиентоцентричности»: cases and life hacks with their reference lists and likes."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.accounts.models import User, search_key
from training.db import LabelledEnum, enum_type, utcnow
from training.extensions import db
from training.org.models import Centre


class LibraryClientGroup(db.Model):
    """Client groups of the employment service (reference list, seeded)."""

    __tablename__ = "library_client_groups"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    sort_order: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)


class LibraryTouchpoint(db.Model):
    """Touchpoints of the client journey (reference list, seeded)."""

    __tablename__ = "library_touchpoints"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    sort_order: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)


class CaseKind(LabelledEnum):
    CASE = "case", "кейс"
    LIFEHACK = "lifehack", "лайфхак"


class CaseStatus(LabelledEnum):
    SUBMITTED = "submitted", "на модерации"
    RETURNED = "returned", "возвращён на доработку"
    PUBLISHED = "published", "опубликован"


class LibraryCase(db.Model):
    __tablename__ = "library_cases"
    __table_args__ = (Index("ix_library_cases_service_status", "regional_service_id", "status"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    regional_service_id: Mapped[int] = mapped_column(ForeignKey("regional_services.id"))
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centres.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[CaseKind] = mapped_column(enum_type(CaseKind, column="kind", length=20), default=CaseKind.CASE)
    title: Mapped[str] = mapped_column(String(200))
    situation: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(Text)  # what was done
    result: Mapped[str] = mapped_column(Text)
    client_group_id: Mapped[int | None] = mapped_column(ForeignKey("library_client_groups.id"))
    touchpoint_id: Mapped[int | None] = mapped_column(ForeignKey("library_touchpoints.id"))
    status: Mapped[CaseStatus] = mapped_column(enum_type(CaseStatus, column="status", length=20),
                                               default=CaseStatus.SUBMITTED)
    moderation_comment: Mapped[str] = mapped_column(Text, default="")
    moderated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    moderated_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # lower-cased, ё→е: SQLite's lower() does not fold Cyrillic
    search_text: Mapped[str] = mapped_column(Text, default="")

    author: Mapped[User] = relationship(foreign_keys=[author_id])
    centre: Mapped[Centre | None] = relationship()
    client_group: Mapped[LibraryClientGroup | None] = relationship()
    touchpoint: Mapped[LibraryTouchpoint | None] = relationship()

    def __init__(self, **kwargs):
        kwargs.setdefault("status", CaseStatus.SUBMITTED)
        kwargs.setdefault("kind", CaseKind.CASE)
        kwargs.setdefault("moderation_comment", "")
        super().__init__(**kwargs)

    @property
    def status_label(self) -> str:
        return CaseStatus(self.status).label

    @property
    def kind_label(self) -> str:
        return CaseKind(self.kind).label


@event.listens_for(LibraryCase, "before_insert")
@event.listens_for(LibraryCase, "before_update")
def _fill_case_search_text(mapper, connection, case: LibraryCase) -> None:
    case.search_text = search_key(case.title, case.situation, case.action, case.result)


class LibraryLike(db.Model):
    __tablename__ = "library_likes"
    __table_args__ = (UniqueConstraint("case_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("library_cases.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
