"""Pulse surveys of staff. Anonymous by construction (docs/engagement.md):

- :class:`PulseAnswer` has no user column, no time column and a random identifier; it keeps only the round, the
  centre the respondent works in (the group results are shown for, from a threshold) and the scores;
- :class:`PulseReceipt` says who has answered a round (one answer per person), keyed by (round, person): no
  surrogate sequence, no time, nothing that points at an answer;
- :class:`PulseProposal` (a workspace proposal sent with the answers) has no author and no time either."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.accounts.models import User
from training.db import LabelledEnum, enum_type, utcnow
from training.extensions import db
from training.org.models import Centre, RegionalService


class PulseTopic(LabelledEnum):
    WORKLOAD = "workload", "нагрузка"
    TOOLS = "tools", "инструменты и программы"
    WORKSPACE = "workspace", "рабочее место и зоны отдыха"
    TEAM = "team", "команда"
    MANAGEMENT = "management", "поддержка руководителя"
    TRAINING = "training", "обучение и развитие"


class PulseSchedule(LabelledEnum):
    ONCE = "once", "один раз"
    MONTHLY = "monthly", "каждый месяц"
    QUARTERLY = "quarterly", "каждый квартал"


class PulseQuestion(db.Model):
    """A question of the bank (reference data from seeds/engagement/pulse_questions.yaml): a statement the
    employee agrees with on a 1–5 scale."""

    __tablename__ = "pulse_questions"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    topic: Mapped[PulseTopic] = mapped_column(enum_type(PulseTopic, column="topic", length=20))
    text: Mapped[str] = mapped_column(String(300))
    is_active: Mapped[bool] = mapped_column(default=True)
    sort_order: Mapped[int] = mapped_column(default=100)

    @property
    def topic_label(self) -> str:
        return PulseTopic(self.topic).label


class PulseSurvey(db.Model):
    """A survey HR runs for a regional service or one centre, once or on a schedule; each run is a round."""

    __tablename__ = "pulse_surveys"
    id: Mapped[int] = mapped_column(primary_key=True)
    regional_service_id: Mapped[int] = mapped_column(ForeignKey("regional_services.id"), index=True)
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centres.id"))  # none: the whole service
    title: Mapped[str] = mapped_column(String(200))
    question_ids: Mapped[list] = mapped_column(JSON, default=list)  # up to five, in the order asked
    schedule: Mapped[PulseSchedule] = mapped_column(enum_type(PulseSchedule, column="schedule", length=20),
                                                    default=PulseSchedule.ONCE)
    days_open: Mapped[int] = mapped_column(default=7)
    is_active: Mapped[bool] = mapped_column(default=True)  # a schedule stops when HR stops it
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    service: Mapped[RegionalService] = relationship()
    centre: Mapped[Centre | None] = relationship()
    created_by: Mapped[User] = relationship()
    rounds: Mapped[list[PulseRound]] = relationship(back_populates="survey", order_by="PulseRound.opens_on",
                                                    cascade="all, delete-orphan")

    @property
    def schedule_label(self) -> str:
        return PulseSchedule(self.schedule).label


class PulseRound(db.Model):
    """One run of a survey: open from ``opens_on`` to ``closes_on`` inclusive (Moscow days)."""

    __tablename__ = "pulse_rounds"
    __table_args__ = (UniqueConstraint("survey_id", "period_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("pulse_surveys.id", ondelete="CASCADE"))
    period_key: Mapped[str] = mapped_column(String(20))  # 2026-12, 2026-Q4, or the opening day for a one-off
    opens_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)
    survey: Mapped[PulseSurvey] = relationship(back_populates="rounds")


class PulseReceipt(db.Model):
    """Who has answered a round: nothing else (no answer id, no time, no sequence)."""

    __tablename__ = "pulse_receipts"
    round_id: Mapped[int] = mapped_column(ForeignKey("pulse_rounds.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)


class PulseAnswer(db.Model):
    """An answer: eNPS 0–10 and the questions' scores 1–5 ({question id: score}). No person, no time."""

    __tablename__ = "pulse_answers"
    __table_args__ = (CheckConstraint("enps >= 0 AND enps <= 10", name="enps_range"),
                      Index("ix_pulse_answers_round_centre", "round_id", "centre_id"))
    id: Mapped[str] = mapped_column(String(24), primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("pulse_rounds.id", ondelete="CASCADE"))
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centres.id"))
    enps: Mapped[int]
    scores: Mapped[dict] = mapped_column(JSON, default=dict)


class PulseProposal(db.Model):
    """A proposal for the workspace or rest areas, sent anonymously with a pulse answer, answered by HR or the
    centre's manager in the open."""

    __tablename__ = "pulse_proposals"
    id: Mapped[str] = mapped_column(String(24), primary_key=True)
    regional_service_id: Mapped[int] = mapped_column(ForeignKey("regional_services.id"), index=True)
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centres.id"))
    round_id: Mapped[int | None] = mapped_column(ForeignKey("pulse_rounds.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    reply: Mapped[str] = mapped_column(Text, default="")
    replied_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    replied_on: Mapped[date | None] = mapped_column(Date)
    centre: Mapped[Centre | None] = relationship()
    replied_by: Mapped[User | None] = relationship()
