"""Peer ratings («Корпоративный тиндер»): aspects, the 30-day pairs and running totals. No row holds an
individual rater's scores (docs/engagement.md)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.db import utcnow
from training.extensions import db


class RatingAspect(db.Model):
    """An aspect colleagues rate 1–5. ``regional_service_id`` NULL: the default set used by every service
    that has not set up its own (HR copies the defaults and edits them)."""

    __tablename__ = "rating_aspects"
    __table_args__ = (
        UniqueConstraint("regional_service_id", "code"),
        # NULLs never collide in a unique constraint: the default set needs its own partial index
        Index("uq_rating_aspects_default_code", "code", unique=True,
              postgresql_where=text("regional_service_id IS NULL"), sqlite_where=text("regional_service_id IS NULL")),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(String(500), default="")
    is_active: Mapped[bool] = mapped_column(default=True)
    sort_order: Mapped[int] = mapped_column(default=0)
    regional_service_id: Mapped[int | None] = mapped_column(ForeignKey("regional_services.id"), index=True)


class PeerRatingPair(db.Model):
    """That ``rater`` rated ``rated``, and when last: the 30-day rule and the «3 different colleagues»
    threshold. It holds no scores."""

    __tablename__ = "peer_rating_pairs"
    __table_args__ = (UniqueConstraint("rater_id", "rated_id"),
                      CheckConstraint("rater_id <> rated_id", name="not_self"))
    id: Mapped[int] = mapped_column(primary_key=True)
    rater_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    rated_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    last_rated_at: Mapped[datetime] = mapped_column(default=utcnow)


class PeerRatingTotal(db.Model):
    """Running sum and count of the scores a person received on one aspect. Individual scores are never
    stored, so no query can tell who gave which score."""

    __tablename__ = "peer_rating_totals"
    __table_args__ = (UniqueConstraint("rated_id", "aspect_id"),
                      CheckConstraint("score_count >= 0", name="count_not_negative"))
    id: Mapped[int] = mapped_column(primary_key=True)
    rated_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    aspect_id: Mapped[int] = mapped_column(ForeignKey("rating_aspects.id", ondelete="CASCADE"), index=True)
    score_sum: Mapped[int] = mapped_column(default=0)
    score_count: Mapped[int] = mapped_column(default=0)
    aspect: Mapped[RatingAspect] = relationship()
