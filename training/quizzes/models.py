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

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.db import utcnow
from training.extensions import db

__all__ = ["QuestionType", "QuestionCategory", "Question", "QuestionVersion", "Quiz", "QuizOverride", "Attempt",
           "AttemptSlot", "AttemptState", "GradingMethod", "ReviewWhen", "Preset"]


class QuestionType(enum.StrEnum):
    MULTICHOICE = "multichoice"
    TRUEFALSE = "truefalse"
    SHORTANSWER = "shortanswer"
    MATCHING = "matching"
    NUMERICAL = "numerical"
    ESSAY = "essay"
    DESCRIPTION = "description"

    @property
    def label(self) -> str:
        return QUESTION_TYPE_LABELS[self]


QUESTION_TYPE_LABELS = {
    QuestionType.MULTICHOICE: "выбор ответа",
    QuestionType.TRUEFALSE: "верно / неверно",
    QuestionType.SHORTANSWER: "короткий ответ",
    QuestionType.MATCHING: "на соответствие",
    QuestionType.NUMERICAL: "числовой ответ",
    QuestionType.ESSAY: "эссе (проверяет преподаватель)",
    QuestionType.DESCRIPTION: "описание (без оценки)",
}


class GradingMethod(enum.StrEnum):
    HIGHEST = "highest"
    LAST = "last"
    FIRST = "first"
    AVERAGE = "average"

    @property
    def label(self) -> str:
        return {"highest": "лучшая попытка", "last": "последняя попытка", "first": "первая попытка",
                "average": "среднее по попыткам"}[self.value]


class ReviewWhen(enum.StrEnum):
    IMMEDIATELY = "immediately"  # during the attempt, once a question is checked, and after it
    AFTER_SUBMIT = "after_submit"
    AFTER_CLOSE = "after_close"

    @property
    def label(self) -> str:
        return {"immediately": "сразу, по каждому вопросу", "after_submit": "после завершения попытки",
                "after_close": "после закрытия теста"}[self.value]


class Preset(enum.StrEnum):
    PRACTICE = "practice"
    EXAM = "exam"
    CERTIFICATION = "certification"

    @property
    def label(self) -> str:
        return {"practice": "тренировка", "exam": "экзамен", "certification": "аттестация"}[self.value]


class AttemptState(enum.StrEnum):
    IN_PROGRESS = "in_progress"
    FINISHED = "finished"


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
    Names are unique within a block: GIFT import matches questions by (block, name)."""

    __tablename__ = "questions"
    __table_args__ = (UniqueConstraint("block_id", "name"), Index("ix_questions_category_id", "category_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    block_id: Mapped[int | None] = mapped_column(ForeignKey("blocks.id"))
    category_id: Mapped[int] = mapped_column(ForeignKey("question_categories.id"))
    name: Mapped[str] = mapped_column(String(255))
    type: Mapped[str] = mapped_column(String(20))  # the current version's type, for listing and drawing
    is_hidden: Mapped[bool] = mapped_column(default=False)  # not drawn into new attempts
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
    type: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    format: Mapped[str] = mapped_column(String(20), default="moodle")
    text_html: Mapped[str] = mapped_column(Text)  # sanitised once, when the version is written
    general_feedback: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    question: Mapped[Question] = relationship(back_populates="versions")

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
    preset: Mapped[str] = mapped_column(String(20), default=Preset.EXAM)
    # how many questions an attempt draws (0: every visible question of the bank, in bank order)
    questions_per_attempt: Mapped[int] = mapped_column(default=10)
    # [{"category_id": 3, "count": 4}, …]; empty: spread questions_per_attempt evenly over the bank's categories
    draw_rules: Mapped[list[dict[str, int]]] = mapped_column(JSON, default=list)
    is_answers_shuffled: Mapped[bool] = mapped_column(default=True)
    time_limit_minutes: Mapped[int | None]
    max_attempts: Mapped[int | None]  # NULL: unlimited
    grading_method: Mapped[str] = mapped_column(String(20), default=GradingMethod.HIGHEST)
    pass_percent: Mapped[int] = mapped_column(default=70)
    feedback_bands: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # [{min_percent, text}]
    review_when: Mapped[str] = mapped_column(String(20), default=ReviewWhen.AFTER_SUBMIT)
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
    block = relationship("Block")
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
    user = relationship("User", foreign_keys=[user_id])
    cohort = relationship("Cohort")


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
    state: Mapped[str] = mapped_column(String(20), default=AttemptState.IN_PROGRESS)
    finish_reason: Mapped[str | None] = mapped_column(String(20))  # learner | timeout
    score: Mapped[float | None] = mapped_column(Float)  # raw marks (what is graded so far)
    max_score: Mapped[float | None] = mapped_column(Float)
    percent: Mapped[float | None] = mapped_column(Float)  # NULL until every answer is graded
    is_awaiting_grading: Mapped[bool] = mapped_column(default=False)
    is_passed: Mapped[bool] = mapped_column(default=False)
    quiz: Mapped[Quiz] = relationship()
    user = relationship("User")
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
    graded_by = relationship("User", foreign_keys=[graded_by_id])

    @property
    def is_answered(self) -> bool:
        from training.quizzes.grading import is_answered

        return is_answered(self.version.type, self.response)
