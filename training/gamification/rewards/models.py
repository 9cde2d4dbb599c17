"""The rewards catalogue and the register of grants. Spent points live here (``RewardGrant.points``), not in the
points ledger: the ledger and its leaderboard count points earned; the balance is earned minus spent."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.accounts.models import User
from training.db import LabelledEnum, enum_type, utcnow
from training.extensions import db


class Reward(db.Model):
    """A reward of a regional service's catalogue. ``cost`` empty: only HR grants it; ``stock`` empty: no limit."""

    __tablename__ = "rewards"
    __table_args__ = (UniqueConstraint("regional_service_id", "code"),
                      CheckConstraint("cost IS NULL OR cost > 0", name="cost_positive"),
                      CheckConstraint("stock IS NULL OR stock >= 0", name="stock_not_negative"))
    id: Mapped[int] = mapped_column(primary_key=True)
    regional_service_id: Mapped[int] = mapped_column(ForeignKey("regional_services.id"), index=True)
    code: Mapped[str | None] = mapped_column(String(40))  # the seeded ones; HR's own have none
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(String(500), default="")
    cost: Mapped[int | None]
    stock: Mapped[int | None]
    is_active: Mapped[bool] = mapped_column(default=True)
    sort_order: Mapped[int] = mapped_column(default=100)


class GrantKind(LabelledEnum):
    SPENT = "spent", "за баллы"
    GRANTED = "granted", "решение кадровой службы"


class GrantStatus(LabelledEnum):
    REQUESTED = "requested", "ожидает вручения"
    FULFILLED = "fulfilled", "вручена"


class RewardGrant(db.Model):
    """The register: every reward given, for points or by HR's decision, and whether it was handed over."""

    __tablename__ = "reward_grants"
    __table_args__ = (CheckConstraint("points >= 0", name="points_not_negative"),
                      Index("ix_reward_grants_user_id", "user_id"),
                      Index("ix_reward_grants_service_created", "regional_service_id", "created_at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    reward_id: Mapped[int] = mapped_column(ForeignKey("rewards.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    regional_service_id: Mapped[int] = mapped_column(ForeignKey("regional_services.id"))
    kind: Mapped[GrantKind] = mapped_column(enum_type(GrantKind, column="kind", length=20))
    points: Mapped[int] = mapped_column(default=0)
    reason: Mapped[str] = mapped_column(String(300), default="")
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[GrantStatus] = mapped_column(enum_type(GrantStatus, column="status", length=20),
                                                default=GrantStatus.REQUESTED)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    fulfilled_at: Mapped[datetime | None]
    reward: Mapped[Reward] = relationship(lazy="joined")
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    granted_by: Mapped[User | None] = relationship(foreign_keys=[granted_by_id])

    @property
    def kind_label(self) -> str:
        return GrantKind(self.kind).label

    @property
    def status_label(self) -> str:
        return GrantStatus(self.status).label
