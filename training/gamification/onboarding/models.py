"""Onboarding plans, their checklist, the newcomer and buddy's private log, and their check-ins."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.accounts.models import User
from training.courses.models import Cohort
from training.db import LabelledEnum, enum_type, utcnow
from training.extensions import db
from training.gamification.events.models import Event


class BuddyStatus(LabelledEnum):
    NONE = "none", "наставник не назначен"
    PROPOSED = "proposed", "ждёт согласия наставника"
    AGREED = "agreed", "наставник согласился"


class MeetingRhythm(LabelledEnum):
    WEEKLY = "weekly", "раз в неделю"
    BIWEEKLY = "biweekly", "раз в две недели"
    MONTHLY = "monthly", "раз в месяц"


class OnboardingPlan(db.Model):
    __tablename__ = "onboarding_plans"
    id: Mapped[int] = mapped_column(primary_key=True)
    newcomer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    manager_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    buddy_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    buddy_status: Mapped[BuddyStatus] = mapped_column(enum_type(BuddyStatus, column="buddy_status", length=20),
                                                      default=BuddyStatus.NONE)
    rhythm: Mapped[MeetingRhythm] = mapped_column(enum_type(MeetingRhythm, column="rhythm", length=20),
                                                  default=MeetingRhythm.WEEKLY)
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id", ondelete="SET NULL"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"))
    started_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]
    newcomer: Mapped[User] = relationship(foreign_keys=[newcomer_id])
    manager: Mapped[User] = relationship(foreign_keys=[manager_id])
    buddy: Mapped[User | None] = relationship(foreign_keys=[buddy_id])
    cohort: Mapped[Cohort | None] = relationship()
    event: Mapped[Event | None] = relationship()
    tasks: Mapped[list[OnboardingTask]] = relationship(back_populates="plan", cascade="all, delete-orphan",
                                                       order_by="OnboardingTask.sort_order, OnboardingTask.id")

    @property
    def rhythm_label(self) -> str:
        return MeetingRhythm(self.rhythm).label

    @property
    def buddy_status_label(self) -> str:
        return BuddyStatus(self.buddy_status).label


class OnboardingTask(db.Model):
    __tablename__ = "onboarding_tasks"
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("onboarding_plans.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(String(300))
    sort_order: Mapped[int] = mapped_column(default=100)
    done_at: Mapped[datetime | None]
    plan: Mapped[OnboardingPlan] = relationship(back_populates="tasks")


class OnboardingLogEntry(db.Model):
    """The private shared log: only the newcomer and the buddy read and write it."""

    __tablename__ = "onboarding_log_entries"
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("onboarding_plans.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    met_on: Mapped[date] = mapped_column(Date)
    is_meeting: Mapped[bool] = mapped_column(default=True)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    author: Mapped[User] = relationship()


class OnboardingCheckin(db.Model):
    """A short check-in at 1 or 3 months, from the newcomer and from the buddy (one each)."""

    __tablename__ = "onboarding_checkins"
    __table_args__ = (UniqueConstraint("plan_id", "author_id", "milestone"),
                      CheckConstraint("milestone IN (1, 3)", name="milestone_known"),
                      CheckConstraint("score >= 1 AND score <= 5", name="score_range"))
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("onboarding_plans.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    milestone: Mapped[int]
    score: Mapped[int]
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    author: Mapped[User] = relationship()
