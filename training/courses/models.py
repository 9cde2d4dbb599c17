"""The course (modules, blocks, lessons, cases), cohorts and enrolments, and each learner's progress.

A block has three stages (methodology 5.3): informational (lesson), communicational (questions to the teacher
and the cohort's discussion) and verification (quiz + practical case). A block is complete when its lesson is
studied, its quiz passed and its case accepted; the course when all blocks are."""
from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint, cast, func
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from training.accounts.models import User
from training.db import LabelledEnum, enum_type, utcnow
from training.extensions import db

__all__ = ["Course", "CourseModule", "Block", "PracticalCase", "Cohort", "Enrolment", "BlockProgress",
           "TeacherQuestion", "DiscussionPost", "CaseSubmission", "CaseStatus", "Stage", "CohortTeacher",
           "CourseFeedback", "FeedbackReceipt", "FollowUp"]


class Stage(enum.StrEnum):
    LESSON = "lesson"
    QUIZ = "quiz"
    CASE = "case"


class Course(db.Model):
    __tablename__ = "courses"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    short_title: Mapped[str] = mapped_column(String(200))
    content_version: Mapped[str] = mapped_column(String(20))
    content_date: Mapped[date] = mapped_column(Date)
    duration_months: Mapped[int] = mapped_column(default=3)
    # course-level pages (seeds/course/intro.md, glossary.yaml, literature.yaml), rendered once at seed time; ~70 KB,
    # loaded only by those pages, not with every enrolment that brings its course along
    intro_html: Mapped[str] = mapped_column(Text, default="", deferred=True, deferred_group="pages")
    glossary: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list, deferred=True,
                                                           deferred_group="pages")  # [{term, slug, definition, blocks}]
    literature: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list, deferred=True,
                                                             deferred_group="pages")  # [{author, title, year, note}]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    modules: Mapped[list[CourseModule]] = relationship(back_populates="course", order_by="CourseModule.number")
    blocks: Mapped[list[Block]] = relationship(back_populates="course", order_by="Block.number",
                                               viewonly=True)


class CourseOwner(db.Model):
    """A teacher an administrator named owner of the course: owners (and administrators) set the course's block
    quizzes for every region (pass mark, attempts, draw); regional services hold only their own overrides."""

    __tablename__ = "course_owners"
    __table_args__ = (UniqueConstraint("course_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class CourseModule(db.Model):
    __tablename__ = "course_modules"
    __table_args__ = (UniqueConstraint("course_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    course: Mapped[Course] = relationship(back_populates="modules")
    blocks: Mapped[list[Block]] = relationship(back_populates="module", order_by="Block.number")


class Block(db.Model):
    __tablename__ = "blocks"
    __table_args__ = (UniqueConstraint("course_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    module_id: Mapped[int] = mapped_column(ForeignKey("course_modules.id"), index=True)
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    # The content (~35 KB of lesson HTML, 60–80 KB of diagrams and the deck as JSON per block) is loaded only by the
    # page that shows it (`learning_context(number, content=…)` undefers what it needs): a list of blocks or a quiz
    # does not fetch and parse it, and a page that reaches for a column it did not ask for loads the group at once.
    lesson_markdown: Mapped[str] = mapped_column(Text, default="", deferred=True, deferred_group="content")
    # sanitised, rendered once at seed time
    lesson_html: Mapped[str] = mapped_column(Text, default="", deferred=True, deferred_group="content")
    takeaways: Mapped[list[str]] = mapped_column(JSON, default=list)
    video_url: Mapped[str] = mapped_column(String(500), default="")
    slides_url: Mapped[str] = mapped_column(String(500), default="")
    word_count: Mapped[int] = mapped_column(default=0)
    reading_minutes: Mapped[int] = mapped_column(default=0)
    # stage 1 extras (seeds/course/README.md), stored with the lesson and changed only by `flask seed course`
    diagrams: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list, deferred=True,
                                                           deferred_group="content")  # [{slug, title, desc, svg}]
    self_check: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list, deferred=True,
                                                             deferred_group="content")  # [{question, options: [...]}]
    discussion_prompts: Mapped[list[str]] = mapped_column(JSON, default=list)
    cheatsheet: Mapped[list[str]] = mapped_column(JSON, default=list, deferred=True, deferred_group="content")
    slides: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list, deferred=True,
                                                         deferred_group="content")  # the deck built from the lesson
    # whether the lesson page links the deck and the cheat sheet, without loading them
    has_slides: Mapped[bool] = column_property(func.coalesce(cast(slides, Text), "[]").not_in(["[]", "null"]))
    has_cheatsheet: Mapped[bool] = column_property(func.coalesce(cast(cheatsheet, Text), "[]").not_in(["[]", "null"]))
    content_updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    course: Mapped[Course] = relationship(back_populates="blocks")
    module: Mapped[CourseModule] = relationship(back_populates="blocks")
    case: Mapped[PracticalCase | None] = relationship(back_populates="block", uselist=False)


class PracticalCase(db.Model):
    __tablename__ = "practical_cases"
    id: Mapped[int] = mapped_column(primary_key=True)
    block_id: Mapped[int] = mapped_column(ForeignKey("blocks.id"), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    body_markdown: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    # [{criterion, points, description, levels: [what an answer worth i points looks like], min_points}]
    rubric: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    max_points: Mapped[int] = mapped_column(default=0)
    pass_points: Mapped[int] = mapped_column(default=0)
    answer_template: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)  # [{label, hint}]
    is_attachment_allowed: Mapped[bool] = mapped_column(default=False)  # a photo or scan may be attached
    block: Mapped[Block] = relationship(back_populates="case")


class Cohort(db.Model):
    """A group of learners who start together; deadline = start + the course's months (never longer)."""

    __tablename__ = "cohorts"
    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    regional_service_id: Mapped[int] = mapped_column(ForeignKey("regional_services.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    start_date: Mapped[date] = mapped_column(Date)
    deadline: Mapped[date] = mapped_column(Date)
    is_sequential: Mapped[bool] = mapped_column(default=False)
    is_auto_certificate: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    course: Mapped[Course] = relationship()
    enrolments: Mapped[list[Enrolment]] = relationship(back_populates="cohort")
    teachers: Mapped[list[User]] = relationship(secondary="cohort_teachers", order_by="User.full_name")


class CohortTeacher(db.Model):
    __tablename__ = "cohort_teachers"
    __table_args__ = (UniqueConstraint("cohort_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)


class Enrolment(db.Model):
    """One learner in one cohort. A person takes a course once: (course, user) is unique."""

    __tablename__ = "enrolments"
    __table_args__ = (UniqueConstraint("course_id", "user_id"), Index("ix_enrolments_cohort_id", "cohort_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    enrolled_at: Mapped[datetime] = mapped_column(default=utcnow)
    enrolled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    completed_at: Mapped[datetime | None]
    blocks_completed: Mapped[int] = mapped_column(default=0)
    cohort: Mapped[Cohort] = relationship(back_populates="enrolments")
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    progress: Mapped[list[BlockProgress]] = relationship(back_populates="enrolment")


class BlockProgress(db.Model):
    """A learner's three stages of one block; each timestamp is set once (first completion wins)."""

    __tablename__ = "block_progress"
    __table_args__ = (UniqueConstraint("enrolment_id", "block_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id", ondelete="CASCADE"))
    block_id: Mapped[int] = mapped_column(ForeignKey("blocks.id"), index=True)
    lesson_opened_at: Mapped[datetime | None]
    lesson_done_at: Mapped[datetime | None]
    quiz_passed_at: Mapped[datetime | None]
    case_accepted_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    enrolment: Mapped[Enrolment] = relationship(back_populates="progress")
    block: Mapped[Block] = relationship()

    def stage_done(self, stage: Stage) -> bool:
        return getattr(self, STAGE_COLUMNS[stage]) is not None


STAGE_COLUMNS = {Stage.LESSON: "lesson_done_at", Stage.QUIZ: "quiz_passed_at", Stage.CASE: "case_accepted_at"}


class TeacherQuestion(db.Model):
    """Stage 2: a learner's question to the teacher about a block, and the answer."""

    __tablename__ = "teacher_questions"
    id: Mapped[int] = mapped_column(primary_key=True)
    block_id: Mapped[int] = mapped_column(ForeignKey("blocks.id"), index=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime | None]
    block: Mapped[Block] = relationship()
    cohort: Mapped[Cohort] = relationship()
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])


class DiscussionPost(db.Model):
    """Stage 2: the discussion thread of a block within a cohort."""

    __tablename__ = "discussion_posts"
    __table_args__ = (Index("ix_discussion_posts_block_cohort", "block_id", "cohort_id", "created_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    block_id: Mapped[int] = mapped_column(ForeignKey("blocks.id"))
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    topic: Mapped[str | None] = mapped_column(String(500))  # the block's discussion prompt the post answers
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    author: Mapped[User] = relationship()


class CaseStatus(LabelledEnum):
    SUBMITTED = "submitted", "на проверке"
    ACCEPTED = "accepted", "принят"
    RETURNED = "returned", "возвращён на доработку"


class CaseSubmission(db.Model):
    """Stage 3: the learner's free answer to the block's practical case; a teacher accepts or returns it."""

    __tablename__ = "case_submissions"
    __table_args__ = (UniqueConstraint("enrolment_id", "block_id", "attempt_no"),
                      Index("ix_case_submissions_status", "status", "submitted_at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id", ondelete="CASCADE"))
    block_id: Mapped[int] = mapped_column(ForeignKey("blocks.id"))
    attempt_no: Mapped[int]
    answer: Mapped[str] = mapped_column(Text)
    template_answers: Mapped[list[dict[str, str]] | None] = mapped_column(JSON)  # [{label, value}] of the template
    # a photo or scan, stored content-addressed (courses/attachments.py)
    attachment_sha256: Mapped[str | None] = mapped_column(String(64))
    attachment_name: Mapped[str | None] = mapped_column(String(255))
    attachment_mime: Mapped[str | None] = mapped_column(String(120))
    attachment_size: Mapped[int | None]
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[CaseStatus] = mapped_column(enum_type(CaseStatus, column="status", length=20),
                                               default=CaseStatus.SUBMITTED)
    points: Mapped[int | None]
    criteria_points: Mapped[dict[str, int] | None] = mapped_column(JSON)
    comment: Mapped[str | None] = mapped_column(Text)
    graded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    graded_at: Mapped[datetime | None]
    enrolment: Mapped[Enrolment] = relationship()
    block: Mapped[Block] = relationship()
    graded_by: Mapped[User | None] = relationship(foreign_keys=[graded_by_id])


class CourseFeedback(db.Model):
    """A learner's anonymous questionnaire about the course. No user column: who answered is recorded
    separately (FeedbackReceipt) so answers cannot be attributed to a person."""

    __tablename__ = "course_feedback"
    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"), index=True)
    ratings: Mapped[dict[str, int]] = mapped_column(JSON)
    liked: Mapped[str] = mapped_column(Text, default="")
    improve: Mapped[str] = mapped_column(Text, default="")


class FeedbackReceipt(db.Model):
    """That a learner has answered the questionnaire (to ask once), never what they answered."""

    __tablename__ = "feedback_receipts"
    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id", ondelete="CASCADE"), unique=True)


class FollowUp(db.Model):
    """Monitoring 1–3 months after the course: the learner's self-assessment and the manager's confirmation."""

    __tablename__ = "follow_ups"
    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id", ondelete="CASCADE"), unique=True)
    opens_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    self_assessment: Mapped[dict[str, int] | None] = mapped_column(JSON)
    examples: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime | None]
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    manager_agrees: Mapped[bool | None]
    manager_comment: Mapped[str | None] = mapped_column(Text)
    confirmed_at: Mapped[datetime | None]
    enrolment: Mapped[Enrolment] = relationship()
    manager: Mapped[User | None] = relationship(foreign_keys=[manager_id])
