"""Engagement tools of section 5.4: peer ratings («Корпоративный тиндер»), corporate quests and team quizzes,
«Стресс месяца», «Библиотека клиентоцентричности» and the Комитет клиентоцентричности.

Anonymity is a property of the schema here, not of the screens (see docs/engagement.md):
- peer ratings keep only (rater, rated, last time) pairs for the 30-day rule and running totals per
  (rated person, aspect); no row holds an individual rater's scores;
- stress items have no author column and no timestamp finer than a day; «+1» votes store an HMAC of the
  voter under a per-month key that is erased when the month is archived.
"""
from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint, event, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.accounts.models import User, search_key
from training.db import utcnow
from training.extensions import db
from training.org.models import Centre

__all__ = [
    "RatingAspect", "PeerRatingPair", "PeerRatingTotal",
    "QuestFormat", "QuestStatus", "CheckpointKind", "Quest", "QuestTeam", "QuestTeamMember", "QuestCheckpoint",
    "QuestInstructor", "QuestScore", "QuestScoreRevision",
    "CommitteeMember",
    "StressMonth", "StressItem", "StressVote", "StressMeasure", "MeasureStatus",
    "LibraryClientGroup", "LibraryTouchpoint", "LibraryCase", "LibraryLike", "CaseStatus", "CaseKind",
]


# --- peer ratings («Корпоративный тиндер») ------------------------------------------------------------------

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


# --- corporate quests, brain-rings and team quizzes -----------------------------------------------------------

class QuestFormat(enum.StrEnum):
    QUEST = "quest"
    BRAIN_RING = "brain_ring"
    QUIZ = "quiz"

    @property
    def label(self) -> str:
        return {"quest": "корпоративный квест", "brain_ring": "брейн-ринг", "quiz": "командная викторина"}[self.value]


class QuestStatus(enum.StrEnum):
    DRAFT = "draft"
    RUNNING = "running"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return {"draft": "подготовка", "running": "идёт", "closed": "завершён"}[self.value]


class CheckpointKind(enum.StrEnum):
    QUESTION = "question"
    CASE = "case"
    EXERCISE = "exercise"
    QUIZ = "quiz"

    @property
    def label(self) -> str:
        return {"question": "вопрос", "case": "кейс", "exercise": "практическое задание",
                "quiz": "тест на время"}[self.value]


class Quest(db.Model):
    __tablename__ = "quests"
    id: Mapped[int] = mapped_column(primary_key=True)
    regional_service_id: Mapped[int] = mapped_column(ForeignKey("regional_services.id"), index=True)
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centres.id"), index=True)  # NULL: the whole service
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    format: Mapped[str] = mapped_column(String(20), default=QuestFormat.QUEST)
    held_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default=QuestStatus.DRAFT)
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
    kind: Mapped[str] = mapped_column(String(20), default=CheckpointKind.QUESTION)
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

class CommitteeMember(db.Model):
    """Members of the client-centricity committee of a regional service, appointed by HR."""

    __tablename__ = "committee_members"
    __table_args__ = (UniqueConstraint("regional_service_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    regional_service_id: Mapped[int] = mapped_column(ForeignKey("regional_services.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    is_chair: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    user: Mapped[User] = relationship()


# --- «Стресс месяца» ------------------------------------------------------------------------------------------

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


class StressItem(db.Model):
    """A stressful or anti-client thing. Anonymous by construction: no author, no time finer than the day,
    a random identifier (a sequence number would line up with the order of requests in a server log)."""

    __tablename__ = "stress_items"
    __table_args__ = (Index("ix_stress_items_month_votes", "month_id", "plus_count"),)
    id: Mapped[str] = mapped_column(String(24), primary_key=True)
    month_id: Mapped[int] = mapped_column(ForeignKey("stress_months.id", ondelete="CASCADE"))
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centres.id"))  # where it happens, if told
    text: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(10), default="staff")  # staff | client
    posted_on: Mapped[date] = mapped_column(Date)
    plus_count: Mapped[int] = mapped_column(default=0)
    is_hidden: Mapped[bool] = mapped_column(default=False)
    month_row: Mapped[StressMonth] = relationship(back_populates="items")
    centre: Mapped[Centre | None] = relationship()


class StressVote(db.Model):
    """A «+1»: ``voter_hash`` = HMAC-SHA256(month key, user id); the month key needs the app's SECRET_KEY and
    the month's salt, and the salt is erased at archiving."""

    __tablename__ = "stress_votes"
    __table_args__ = (UniqueConstraint("item_id", "voter_hash"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[str] = mapped_column(ForeignKey("stress_items.id", ondelete="CASCADE"))
    voter_hash: Mapped[str] = mapped_column(String(64))


class MeasureStatus(enum.StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"

    @property
    def label(self) -> str:
        return {"planned": "запланирована", "in_progress": "выполняется", "done": "выполнена"}[self.value]


class StressMeasure(db.Model):
    """A corrective measure the committee decided on, with an owner and a status."""

    __tablename__ = "stress_measures"
    id: Mapped[int] = mapped_column(primary_key=True)
    month_id: Mapped[int] = mapped_column(ForeignKey("stress_months.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[str | None] = mapped_column(ForeignKey("stress_items.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=MeasureStatus.PLANNED)
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


# --- «Библиотека клиентоцентричности» ---------------------------------------------------------------------------

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


class CaseKind(enum.StrEnum):
    CASE = "case"
    LIFEHACK = "lifehack"

    @property
    def label(self) -> str:
        return {"case": "кейс", "lifehack": "лайфхак"}[self.value]


class CaseStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    RETURNED = "returned"
    PUBLISHED = "published"

    @property
    def label(self) -> str:
        return {"submitted": "на модерации", "returned": "возвращён на доработку",
                "published": "опубликован"}[self.value]


class LibraryCase(db.Model):
    __tablename__ = "library_cases"
    __table_args__ = (Index("ix_library_cases_service_status", "regional_service_id", "status"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    regional_service_id: Mapped[int] = mapped_column(ForeignKey("regional_services.id"))
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centres.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default=CaseKind.CASE)
    title: Mapped[str] = mapped_column(String(200))
    situation: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(Text)  # what was done
    result: Mapped[str] = mapped_column(Text)
    client_group_id: Mapped[int | None] = mapped_column(ForeignKey("library_client_groups.id"))
    touchpoint_id: Mapped[int | None] = mapped_column(ForeignKey("library_touchpoints.id"))
    status: Mapped[str] = mapped_column(String(20), default=CaseStatus.SUBMITTED)
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
