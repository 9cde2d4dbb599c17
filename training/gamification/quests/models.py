"""Engagement tools of section 5.4: peer ratings («Корпоративный тиндер»), corporate quests and team quizzes,
«Стресс месяца», «Библиотека клиентоцентричности» and the Комитет клиентоцентричности.

Anonymity is a property of the schema here, not of the screens (see docs/engagement.md):
- peer ratings keep only (rater, rated, last time) pairs for the 30-day rule and running totals per
  (rated person, aspect); no row holds an individual rater's scores;
- stress items have no author column and no timestamp finer than a day; «+1» votes store an HMAC of the
  voter under a per-month key that is erased when the month is archived.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.accounts.models import User
from training.db import LabelledEnum, enum_type, utcnow
from training.extensions import db
from training.org.models import Centre

# --- peer ratings («Корпоративный тиндер») ------------------------------------------------------------------


# --- corporate quests, brain-rings and team quizzes -----------------------------------------------------------

class QuestFormat(LabelledEnum):
    QUEST = "quest", "корпоративный квест"
    BRAIN_RING = "brain_ring", "брейн-ринг"
    QUIZ = "quiz", "командная викторина"


class QuestStatus(LabelledEnum):
    DRAFT = "draft", "подготовка"
    RUNNING = "running", "идёт"
    CLOSED = "closed", "завершён"


class CheckpointKind(LabelledEnum):
    QUESTION = "question", "вопрос"
    CASE = "case", "кейс"
    EXERCISE = "exercise", "практическое задание"
    QUIZ = "quiz", "тест на время"


class Quest(db.Model):
    __tablename__ = "quests"
    id: Mapped[int] = mapped_column(primary_key=True)
    regional_service_id: Mapped[int] = mapped_column(ForeignKey("regional_services.id"), index=True)
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centres.id"), index=True)  # NULL: the whole service
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    format: Mapped[QuestFormat] = mapped_column(enum_type(QuestFormat, column="format", length=20),
                                                default=QuestFormat.QUEST)
    held_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[QuestStatus] = mapped_column(enum_type(QuestStatus, column="status", length=20),
                                                default=QuestStatus.DRAFT)
    organiser_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # bumped by every score change, in the same UPDATE that checks the quest is running: the leaderboard's
    # ETag, and the row lock that serialises scoring against closing
    version: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    # frozen at close: [{"team_id", "name", "points", "rank", "member_ids", "member_names"}]
    final_ranking: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)

    organiser: Mapped[User] = relationship(foreign_keys=[organiser_id])
    centre: Mapped[Centre | None] = relationship()
    teams: Mapped[list[QuestTeam]] = relationship(back_populates="quest", cascade="all, delete-orphan",
                                                  order_by="QuestTeam.name")
    checkpoints: Mapped[list[QuestCheckpoint]] = relationship(back_populates="quest", cascade="all, delete-orphan",
                                                              order_by="QuestCheckpoint.number")

    def __init__(self, **kwargs):
        kwargs.setdefault("status", QuestStatus.DRAFT)
        kwargs.setdefault("version", 0)
        kwargs.setdefault("format", QuestFormat.QUEST)
        super().__init__(**kwargs)

    @property
    def status_label(self) -> str:
        return QuestStatus(self.status).label

    @property
    def format_label(self) -> str:
        return QuestFormat(self.format).label


class QuestTeam(db.Model):
    __tablename__ = "quest_teams"
    __table_args__ = (UniqueConstraint("quest_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    quest_id: Mapped[int] = mapped_column(ForeignKey("quests.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    quest: Mapped[Quest] = relationship(back_populates="teams")
    members: Mapped[list[QuestTeamMember]] = relationship(back_populates="team", cascade="all, delete-orphan")


class QuestTeamMember(db.Model):
    """A person plays in at most one team of a quest."""

    __tablename__ = "quest_team_members"
    __table_args__ = (UniqueConstraint("quest_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    quest_id: Mapped[int] = mapped_column(ForeignKey("quests.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(ForeignKey("quest_teams.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    team: Mapped[QuestTeam] = relationship(back_populates="members")
    user: Mapped[User] = relationship()


class QuestCheckpoint(db.Model):
    __tablename__ = "quest_checkpoints"
    __table_args__ = (UniqueConstraint("quest_id", "number"),
                      CheckConstraint("max_points > 0", name="max_points_positive"))
    id: Mapped[int] = mapped_column(primary_key=True)
    quest_id: Mapped[int] = mapped_column(ForeignKey("quests.id", ondelete="CASCADE"))
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[CheckpointKind] = mapped_column(enum_type(CheckpointKind, column="kind", length=20),
                                                 default=CheckpointKind.QUESTION)
    task: Mapped[str] = mapped_column(Text, default="")
    max_points: Mapped[int] = mapped_column(default=10)
    # a timed quiz of the quiz engine (optional)
    quiz_id: Mapped[int | None] = mapped_column(ForeignKey("quizzes.id", ondelete="SET NULL"))
    quest: Mapped[Quest] = relationship(back_populates="checkpoints")
    instructors: Mapped[list[QuestInstructor]] = relationship(back_populates="checkpoint",
                                                              cascade="all, delete-orphan")

    @property
    def kind_label(self) -> str:
        return CheckpointKind(self.kind).label


class QuestInstructor(db.Model):
    __tablename__ = "quest_instructors"
    __table_args__ = (UniqueConstraint("checkpoint_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    checkpoint_id: Mapped[int] = mapped_column(ForeignKey("quest_checkpoints.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    checkpoint: Mapped[QuestCheckpoint] = relationship(back_populates="instructors")
    user: Mapped[User] = relationship()


class QuestScore(db.Model):
    """One score per team per checkpoint; a correction replaces it and leaves a QuestScoreRevision."""

    __tablename__ = "quest_scores"
    __table_args__ = (UniqueConstraint("checkpoint_id", "team_id"),
                      CheckConstraint("points >= 0", name="points_not_negative"))
    id: Mapped[int] = mapped_column(primary_key=True)
    quest_id: Mapped[int] = mapped_column(ForeignKey("quests.id", ondelete="CASCADE"), index=True)
    checkpoint_id: Mapped[int] = mapped_column(ForeignKey("quest_checkpoints.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(ForeignKey("quest_teams.id", ondelete="CASCADE"), index=True)
    points: Mapped[int]
    comment: Mapped[str] = mapped_column(String(1000), default="")
    instructor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    revision: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    instructor: Mapped[User] = relationship()
    revisions: Mapped[list[QuestScoreRevision]] = relationship(cascade="all, delete-orphan",
                                                               order_by="QuestScoreRevision.id")


class QuestScoreRevision(db.Model):
    """The value a correction replaced: who had given what, who corrected it and when."""

    __tablename__ = "quest_score_revisions"
    id: Mapped[int] = mapped_column(primary_key=True)
    score_id: Mapped[int] = mapped_column(ForeignKey("quest_scores.id", ondelete="CASCADE"), index=True)
    previous_points: Mapped[int]
    previous_comment: Mapped[str] = mapped_column(String(1000), default="")
    previous_instructor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    previous_instructor: Mapped[User] = relationship(foreign_keys=[previous_instructor_id])
    changed_by: Mapped[User] = relationship(foreign_keys=[changed_by_id])


# --- Комитет клиентоцентричности ------------------------------------------------------------------------------


# --- «Стресс месяца» ------------------------------------------------------------------------------------------


# --- «Библиотека клиентоцентричности» ---------------------------------------------------------------------------
