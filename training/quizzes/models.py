"""The question bank, quizzes and attempts.

A question's content lives in immutable-once-used versions: an attempt slot points at the exact
``QuestionVersion`` the learner saw, so editing a question never changes an existing attempt (docs/quizzes.md).
Answers are kept in the version's ``data`` JSON in the shape of the GIFT contract (docs/gift.md):
``answers`` [{text, fraction, feedback}], ``single``, ``pairs`` [{question, answer}],
``numerical`` [{value, tolerance, fraction, feedback}]."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.accounts.models import User
from training.courses.models import Block, Cohort
from training.db import LabelledEnum, enum_type, utcnow
from training.extensions import db
from training.quizzes.grading import is_answered
from training.quizzes.question_types import QuestionType


class GradingMethod(LabelledEnum):
    HIGHEST = "highest", "лучшая попытка"
    LAST = "last", "последняя попытка"
    FIRST = "first", "первая попытка"
    AVERAGE = "average", "среднее по попыткам"


class ReviewWhen(LabelledEnum):
    IMMEDIATELY = "immediately", "сразу, по каждому вопросу"  # during the attempt, once a question is checked
    AFTER_SUBMIT = "after_submit", "после завершения попытки"
    AFTER_CLOSE = "after_close", "после закрытия теста"


class Preset(LabelledEnum):
    PRACTICE = "practice", "тренировка"
    EXAM = "exam", "экзамен"
    CERTIFICATION = "certification", "аттестация"


class AttemptState(enum.StrEnum):
    IN_PROGRESS = "in_progress"
    FINISHED = "finished"


class FinishReason(enum.StrEnum):
    LEARNER = "learner"  # the learner submitted
    TIMEOUT = "timeout"  # the time limit or the quiz's close ended it


class QuestionCategory(db.Model):
    """A folder of a block's bank; ``name`` is the whole path, as in GIFT's ``$CATEGORY: Блок 01/Понятия``.
    ``block_id`` is NULL for the shared bank of custom (event) quizzes."""

    __tablename__ = "question_categories"
    __table_args__ = (UniqueConstraint("block_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    block_id: Mapped[int | None] = mapped_column(ForeignKey("blocks.id"))
    name: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    questions: Mapped[list[Question]] = relationship(back_populates="category", order_by="Question.id")

    @property
    def short_name(self) -> str:
        return self.name.rsplit("/", 1)[-1]


class Question(db.Model):
    """A question of a bank. Its content is in ``versions``; the last one is current.
    Names are unique within a block: import matches questions by (block, name). ``idnumber`` and ``tags`` are
    Moodle's question id number and tags (from GIFT comments or Moodle XML), kept for export."""

    __tablename__ = "questions"
    __table_args__ = (UniqueConstraint("block_id", "name"), Index("ix_questions_category_id", "category_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    block_id: Mapped[int | None] = mapped_column(ForeignKey("blocks.id"))
    category_id: Mapped[int] = mapped_column(ForeignKey("question_categories.id"))
    name: Mapped[str] = mapped_column(String(255))
    # the current version's type, for listing and drawing
    type: Mapped[QuestionType] = mapped_column(enum_type(QuestionType, column="type", length=20))
    is_hidden: Mapped[bool] = mapped_column(default=False)  # not drawn into new attempts
    idnumber: Mapped[str | None] = mapped_column(String(100))  # unique within its category, as in Moodle
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    category: Mapped[QuestionCategory] = relationship(back_populates="questions")
    versions: Mapped[list[QuestionVersion]] = relationship(back_populates="question",
                                                           order_by="QuestionVersion.version_no",
                                                           cascade="all, delete-orphan")

    @property
    def current(self) -> QuestionVersion:
        return self.versions[-1]

    @property
    def type_label(self) -> str:
        return QuestionType(self.type).label


class QuestionVersion(db.Model):
    """One state of a question's content. Never changed once an attempt slot points at it."""

    __tablename__ = "question_versions"
    __table_args__ = (UniqueConstraint("question_id", "version_no"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"))
    version_no: Mapped[int] = mapped_column(default=1)
    type: Mapped[QuestionType] = mapped_column(enum_type(QuestionType, column="type", length=20))
    text: Mapped[str] = mapped_column(Text)
    format: Mapped[str] = mapped_column(String(20), default="moodle")
    text_html: Mapped[str] = mapped_column(Text)  # sanitised once, when the version is written
    general_feedback: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    question: Mapped[Question] = relationship(back_populates="versions")
    files: Mapped[list[QuestionVersionFile]] = relationship(back_populates="version", cascade="all, delete-orphan",
                                                            order_by="QuestionVersionFile.name")

    @property
    def is_graded(self) -> bool:
        return self.type != QuestionType.DESCRIPTION

    @property
    def answers(self) -> list[dict]:
        return self.data.get("answers", [])

    @property
    def pairs(self) -> list[dict]:
        return self.data.get("pairs", [])

    @property
    def numerical(self) -> list[dict]:
        return self.data.get("numerical", [])

    @property
    def is_single(self) -> bool:
        return bool(self.data.get("single"))


class QuestionBlob(db.Model):
    """The bytes of a question's image, stored once per content (content-addressed by SHA-256) and never changed:
    versions that show the same picture share one row."""

    __tablename__ = "question_blobs"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    mime_type: Mapped[str] = mapped_column(String(40))  # sniffed from the bytes: PNG, JPEG, GIF or WebP only
    size: Mapped[int]
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class QuestionVersionFile(db.Model):
    """A file of a question version under the name its texts use: ``@@PLUGINFILE@@/<name>`` (Moodle's way)."""

    __tablename__ = "question_version_files"
    __table_args__ = (UniqueConstraint("version_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("question_versions.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(ForeignKey("question_blobs.sha256"), index=True)
    version: Mapped[QuestionVersion] = relationship(back_populates="files")
    blob: Mapped[QuestionBlob] = relationship()


class Quiz(db.Model):
    """A block's quiz (``block_id`` set, one per block) or a custom quiz for an event (``block_id`` NULL)."""

    __tablename__ = "quizzes"
    __table_args__ = (
        CheckConstraint("pass_percent >= 0 AND pass_percent <= 100", name="pass_percent_range"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    block_id: Mapped[int | None] = mapped_column(ForeignKey("blocks.id"), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    preset: Mapped[Preset] = mapped_column(enum_type(Preset, column="preset", length=20), default=Preset.EXAM)
    # how many questions an attempt draws (0: every visible question of the bank, in bank order)
    questions_per_attempt: Mapped[int] = mapped_column(default=10)
    # [{"category_id": 3, "count": 4}, …]; empty: spread questions_per_attempt evenly over the bank's categories
    draw_rules: Mapped[list[dict[str, int]]] = mapped_column(JSON, default=list)
    is_answers_shuffled: Mapped[bool] = mapped_column(default=True)
    time_limit_minutes: Mapped[int | None]
    max_attempts: Mapped[int | None]  # NULL: unlimited
    grading_method: Mapped[GradingMethod] = mapped_column(enum_type(GradingMethod, column="grading_method", length=20),
                                                          default=GradingMethod.HIGHEST)
    pass_percent: Mapped[int] = mapped_column(default=70)
    feedback_bands: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # [{min_percent, text}]
    review_when: Mapped[ReviewWhen] = mapped_column(enum_type(ReviewWhen, column="review_when", length=20),
                                                    default=ReviewWhen.AFTER_SUBMIT)
    is_score_shown: Mapped[bool] = mapped_column(default=True)
    is_right_answers_shown: Mapped[bool] = mapped_column(default=False)
    is_feedback_shown: Mapped[bool] = mapped_column(default=False)
    open_at: Mapped[datetime | None]
    close_at: Mapped[datetime | None]
    is_published: Mapped[bool] = mapped_column(default=True)
    # custom quizzes: the regional service whose staff may take it (NULL: everyone)
    regional_service_id: Mapped[int | None] = mapped_column(ForeignKey("regional_services.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    block: Mapped[Block | None] = relationship()
    overrides: Mapped[list[QuizOverride]] = relationship(back_populates="quiz", cascade="all, delete-orphan",
                                                         order_by="QuizOverride.id")

    @property
    def grading_label(self) -> str:
        return GradingMethod(self.grading_method).label

    @property
    def preset_label(self) -> str:
        return Preset(self.preset).label

    @property
    def review_label(self) -> str:
        return ReviewWhen(self.review_when).label


class QuizOverride(db.Model):
    """Different limits for one learner or one cohort; empty fields keep the quiz's own setting."""

    __tablename__ = "quiz_overrides"
    __table_args__ = (
        UniqueConstraint("quiz_id", "user_id"),
        UniqueConstraint("quiz_id", "cohort_id"),
        CheckConstraint("(user_id IS NULL) <> (cohort_id IS NULL)", name="user_or_cohort"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id"))
    close_at: Mapped[datetime | None]
    time_limit_minutes: Mapped[int | None]
    max_attempts: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    quiz: Mapped[Quiz] = relationship(back_populates="overrides")
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    cohort: Mapped[Cohort | None] = relationship()


class Attempt(db.Model):
    """One try of a learner. ``attempt_no`` is unique per (quiz, learner): two parallel starts cannot both
    take the same number, which is what keeps ``max_attempts`` under concurrency."""

    __tablename__ = "attempts"
    __table_args__ = (
        UniqueConstraint("quiz_id", "user_id", "attempt_no"),
        Index("ix_attempts_state_deadline_at", "state", "deadline_at"),
        Index("ix_attempts_user_id", "user_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    attempt_no: Mapped[int]
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    deadline_at: Mapped[datetime | None]  # time limit and quiz close, whichever is earlier
    submitted_at: Mapped[datetime | None]
    state: Mapped[AttemptState] = mapped_column(enum_type(AttemptState, column="state", length=20),
                                                default=AttemptState.IN_PROGRESS)
    finish_reason: Mapped[FinishReason | None] = mapped_column(enum_type(FinishReason, column="finish_reason",
                                                                         length=20))
    score: Mapped[float | None] = mapped_column(Float)  # raw marks (what is graded so far)
    max_score: Mapped[float | None] = mapped_column(Float)
    percent: Mapped[float | None] = mapped_column(Float)  # NULL until every answer is graded
    is_awaiting_grading: Mapped[bool] = mapped_column(default=False)
    is_passed: Mapped[bool] = mapped_column(default=False)
    quiz: Mapped[Quiz] = relationship()
    user: Mapped[User] = relationship()
    slots: Mapped[list[AttemptSlot]] = relationship(back_populates="attempt", order_by="AttemptSlot.slot_no",
                                                    cascade="all, delete-orphan")

    @property
    def is_finished(self) -> bool:
        return self.state == AttemptState.FINISHED


class AttemptSlot(db.Model):
    """One question of an attempt: the exact version shown, the order its options were shown in, the saved
    response and its grade."""

    __tablename__ = "attempt_slots"
    __table_args__ = (
        UniqueConstraint("attempt_id", "slot_no"),
        Index("ix_attempt_slots_question_version_id", "question_version_id"),
        Index("ix_attempt_slots_is_awaiting_grading", "is_awaiting_grading"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"))
    slot_no: Mapped[int]
    question_version_id: Mapped[int] = mapped_column(ForeignKey("question_versions.id"))
    # positions shown → original indexes: {"answers": [2, 0, 1]} or {"stems": [...], "choices": [texts]}
    answer_order: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    response: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    saved_at: Mapped[datetime | None]
    checked_at: Mapped[datetime | None]  # practice mode: the learner checked this answer (then it is locked)
    max_mark: Mapped[float] = mapped_column(Float, default=1.0)
    fraction: Mapped[float | None] = mapped_column(Float)
    is_awaiting_grading: Mapped[bool] = mapped_column(default=False)
    manual_mark: Mapped[float | None] = mapped_column(Float)
    manual_comment: Mapped[str | None] = mapped_column(Text)
    graded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    graded_at: Mapped[datetime | None]
    attempt: Mapped[Attempt] = relationship(back_populates="slots")
    version: Mapped[QuestionVersion] = relationship()
    graded_by: Mapped[User | None] = relationship(foreign_keys=[graded_by_id])

    @property
    def is_answered(self) -> bool:

        return is_answered(self.version.type, self.response)


# --- live «викторина / брейн-ринг» for teams (rules in live.py, docs/quizzes.md) ------------------------------

class LiveFormat(LabelledEnum):
    QUIZ = "quiz", "викторина"  # every team answers each question before its deadline
    BRAIN_RING = "brain_ring", "брейн-ринг"  # the first team to press answers aloud; the host marks it


class LiveStatus(LabelledEnum):
    LOBBY = "lobby", "сбор команд"
    QUESTION = "question", "идёт вопрос"  # a question is open
    REVEALED = "revealed", "ответ показан"  # its answer is shown; answers are closed
    FINISHED = "finished", "завершена"


class LiveSession(db.Model):
    """One live game over a quiz's questions. ``version`` is bumped by every change in the same UPDATE that checks
    the state (the row lock that serialises answers, presses and the host's buttons, and the host's and the
    board's ETag); ``stage_version`` only by what changes the phones' screen (not by another team's answer, so a
    poll never wipes a half-typed answer)."""

    __tablename__ = "live_sessions"
    __table_args__ = (
        CheckConstraint("seconds_per_question >= 0 AND seconds_per_question <= 600", name="seconds_range"),
        CheckConstraint("points_per_question >= 1 AND points_per_question <= 100", name="points_range"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    format: Mapped[LiveFormat] = mapped_column(enum_type(LiveFormat, column="format", length=20),
                                               default=LiveFormat.QUIZ)
    status: Mapped[LiveStatus] = mapped_column(enum_type(LiveStatus, column="status", length=20),
                                               default=LiveStatus.LOBBY)
    code: Mapped[str] = mapped_column(String(12), unique=True)  # what participants type to join
    # whose staff may join (NULL: an administrator's game, open to everyone)
    regional_service_id: Mapped[int | None] = mapped_column(ForeignKey("regional_services.id"), index=True)
    host_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    seconds_per_question: Mapped[int] = mapped_column(default=30)  # 0: no limit (brain-ring only)
    points_per_question: Mapped[int] = mapped_column(default=10)
    is_speed_bonus: Mapped[bool] = mapped_column(default=False)
    is_join_open: Mapped[bool] = mapped_column(default=True)  # participants pick their team themselves
    skipped_count: Mapped[int] = mapped_column(default=0)  # essays and descriptions left out
    current_position: Mapped[int] = mapped_column(default=0)  # 0: the lobby
    version: Mapped[int] = mapped_column(default=0)
    stage_version: Mapped[int] = mapped_column(default=0)
    # an opaque key of the domain that asked for the game ("quest-checkpoint:12"), told back at the finish
    source_key: Mapped[str | None] = mapped_column(String(60), index=True)
    source_label: Mapped[str] = mapped_column(String(300), default="")
    source_url: Mapped[str | None] = mapped_column(String(300))
    # frozen at the finish: [{"team_id", "name", "points", "rank", "is_tie", "right", "member_names"}]
    final_ranking: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    finished_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    quiz: Mapped[Quiz] = relationship()
    host: Mapped[User] = relationship(foreign_keys=[host_id])
    teams: Mapped[list[LiveTeam]] = relationship(back_populates="session", cascade="all, delete-orphan",
                                                 order_by="LiveTeam.id")
    questions: Mapped[list[LiveQuestion]] = relationship(back_populates="session", cascade="all, delete-orphan",
                                                         order_by="LiveQuestion.position",
                                                         foreign_keys="LiveQuestion.session_id")

    def __init__(self, **kwargs):
        for key, value in (("status", LiveStatus.LOBBY), ("version", 0), ("stage_version", 0),
                           ("current_position", 0), ("format", LiveFormat.QUIZ), ("source_label", "")):
            kwargs.setdefault(key, value)
        super().__init__(**kwargs)

    @property
    def format_label(self) -> str:
        return LiveFormat(self.format).label

    @property
    def status_label(self) -> str:
        return LiveStatus(self.status).label

    @property
    def is_brain_ring(self) -> bool:
        return self.format == LiveFormat.BRAIN_RING

    @property
    def is_finished(self) -> bool:
        return self.status == LiveStatus.FINISHED

    @property
    def current(self) -> LiveQuestion | None:
        return next((q for q in self.questions if q.position == self.current_position), None)


class LiveQuestion(db.Model):
    """A question of the game: the exact version shown and one option order for every team (and the projector).
    In a brain-ring, ``buzz_team_id`` is the team whose press holds the turn (set by a conditional UPDATE)."""

    __tablename__ = "live_questions"
    __table_args__ = (UniqueConstraint("session_id", "position"),
                      Index("ix_live_questions_question_version_id", "question_version_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("live_sessions.id", ondelete="CASCADE"))
    position: Mapped[int]
    question_version_id: Mapped[int] = mapped_column(ForeignKey("question_versions.id"))
    answer_order: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    opened_at: Mapped[datetime | None]
    deadline_at: Mapped[datetime | None]  # answers (and presses) after it do not count
    revealed_at: Mapped[datetime | None]
    buzz_team_id: Mapped[int | None] = mapped_column(ForeignKey("live_teams.id", ondelete="SET NULL"))
    buzz_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    buzzed_at: Mapped[datetime | None]
    session: Mapped[LiveSession] = relationship(back_populates="questions", foreign_keys=[session_id])
    version: Mapped[QuestionVersion] = relationship()
    buzz_team: Mapped[LiveTeam | None] = relationship(foreign_keys=[buzz_team_id])


class LiveTeam(db.Model):
    __tablename__ = "live_teams"
    __table_args__ = (UniqueConstraint("session_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("live_sessions.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    source_key: Mapped[str | None] = mapped_column(String(60))  # e.g. "quest-team:5", told back at the finish
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    session: Mapped[LiveSession] = relationship(back_populates="teams")
    members: Mapped[list[LiveTeamMember]] = relationship(back_populates="team", cascade="all, delete-orphan",
                                                         order_by="LiveTeamMember.id")


class LiveTeamMember(db.Model):
    """A person plays in one team per game: unique (session, user)."""

    __tablename__ = "live_team_members"
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("live_sessions.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(ForeignKey("live_teams.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)
    team: Mapped[LiveTeam] = relationship(back_populates="members")
    user: Mapped[User] = relationship()


class LiveAnswer(db.Model):
    """A team's one answer to one question (the first one counts: unique (question, team)). In a brain-ring it is
    the host's verdict on the team's oral answer; a wrong one locks the team out of that question."""

    __tablename__ = "live_answers"
    __table_args__ = (UniqueConstraint("question_id", "team_id"),
                      Index("ix_live_answers_session_id", "session_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("live_sessions.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("live_questions.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(ForeignKey("live_teams.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # who answered (or pressed)
    response: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    fraction: Mapped[float] = mapped_column(Float, default=0.0)
    points: Mapped[int] = mapped_column(default=0)  # with the bonus
    bonus: Mapped[int] = mapped_column(default=0)
    judged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # brain-ring: the host
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)
    team: Mapped[LiveTeam] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
