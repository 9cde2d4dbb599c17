"""Recognition models: monthly contests with colleague and client votes, awards, flags for review,
«Спасибо» notes, badges and the points ledger."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.accounts.models import User
from training.db import utcnow
from training.extensions import db


class ThanksNote(db.Model):
    """«Спасибо» from a colleague or a manager."""

    __tablename__ = "recognition_thanks"
    __table_args__ = (Index("ix_recognition_thanks_recipient_created", "recipient_id", "created_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    giver_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    regional_service_id: Mapped[int | None] = mapped_column(ForeignKey("regional_services.id"), index=True)
    text: Mapped[str] = mapped_column(String(500))
    is_from_manager: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    giver: Mapped[User] = relationship(foreign_keys=[giver_id])
    recipient: Mapped[User] = relationship(foreign_keys=[recipient_id])


class Badge(db.Model):
    """A badge or a title from the catalogue (reference data: `flask seed reference`)."""

    __tablename__ = "recognition_badges"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(String(500), default="")
    criteria: Mapped[str] = mapped_column(String(500), default="")
    is_title: Mapped[bool] = mapped_column(default=False)
    is_manual: Mapped[bool] = mapped_column(default=False)  # managers and HR may award it by hand
    points: Mapped[int] = mapped_column(default=0)
    sort_order: Mapped[int] = mapped_column(default=100)


class UserBadge(db.Model):
    """A badge held. Most badges are held once (``source`` empty); a badge earned per occasion — «Наставник» per
    newcomer accompanied, «Лучший рост» per month — names the occasion in ``source``, so each pays once."""

    __tablename__ = "recognition_user_badges"
    __table_args__ = (UniqueConstraint("user_id", "badge_id", "source"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    badge_id: Mapped[int] = mapped_column(ForeignKey("recognition_badges.id", ondelete="CASCADE"), index=True)
    awarded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(300), default="")
    source: Mapped[str] = mapped_column(String(120), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    badge: Mapped[Badge] = relationship(lazy="joined")


class PointEntry(db.Model):
    """The points ledger: one row per award, keyed by its source, so the same source never awards twice."""

    __tablename__ = "recognition_point_entries"
    __table_args__ = (UniqueConstraint("user_id", "source"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    amount: Mapped[int]
    source: Mapped[str] = mapped_column(String(120))
    reason: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
