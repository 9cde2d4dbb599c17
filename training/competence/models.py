"""Staff competence scores (section 5.4): monthly scores per person, the dated weights, the «Мастер» title and
the anonymous peer evidence (per-rater sums under a monthly key; docs/metrics.md)."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Float, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.accounts.models import User
from training.db import utcnow
from training.extensions import db
from training.metrics.centre_index.models import DatedWeightSet


class CompetenceWeightSet(DatedWeightSet, db.Model):
    """Competence weights of one regional service in force from ``effective_from`` until the next set: block
    weights, competence weights inside each block and the evidence mix of each competence, as one flat mapping
    (``block:<block>``, ``competence:<key>``, ``evidence:<key>:<kind>``). Never retroactive, like the index's."""

    __tablename__ = "competence_weight_sets"


class CompetenceScore(db.Model):
    """An employee's competence scores at one monthly closing (window: that month and the two before).

    Rankings and the breakdown page read only these rows. Scope columns are copied when the row is computed, so
    a person who moves keeps past months where they were earned. ``data_version`` is bumped when evidence
    arrives; a computation stores the version it saw and never overwrites a newer one (as IndexSnapshot)."""

    __tablename__ = "competence_scores"
    __table_args__ = (UniqueConstraint("user_id", "period_start"),
                      # a ranking page is a range of stored positions within its scope (keyset, no OFFSET)
                      Index("ix_competence_scores_pos_all", "period_start", "pos_all"),
                      Index("ix_competence_scores_pos_service", "period_start", "regional_service_id", "pos_service"),
                      Index("ix_competence_scores_pos_centre", "period_start", "centre_id", "pos_centre"),
                      Index("ix_competence_scores_pos_department", "period_start", "department_id",
                            "pos_department"),
                      # the rows without an overall score (few): a ranking's «no score yet» count
                      Index("ix_competence_scores_unscored", "period_start", "regional_service_id", "centre_id",
                            postgresql_where=text("overall IS NULL"), sqlite_where=text("overall IS NULL")),
                      # the stale rows only (few): what the background recompute and the every-minute job look for
                      Index("ix_competence_scores_stale", "period_start", "user_id",
                            postgresql_where=text("computed_version < data_version"),
                            sqlite_where=text("computed_version < data_version")))
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    period_start: Mapped[date] = mapped_column(Date)  # the month
    period_end: Mapped[date] = mapped_column(Date)
    window_start: Mapped[date | None] = mapped_column(Date)
    regional_service_id: Mapped[int | None] = mapped_column(ForeignKey("regional_services.id"))
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centres.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    data_version: Mapped[int] = mapped_column(default=1)
    computed_version: Mapped[int] = mapped_column(default=0)
    computed_at: Mapped[datetime | None]
    overall: Mapped[float | None] = mapped_column(Float)
    communicative: Mapped[float | None] = mapped_column(Float)
    proactive: Mapped[float | None] = mapped_column(Float)
    c_politeness: Mapped[float | None] = mapped_column(Float)
    c_empathy: Mapped[float | None] = mapped_column(Float)
    c_clarity: Mapped[float | None] = mapped_column(Float)
    c_listening: Mapped[float | None] = mapped_column(Float)
    c_objections: Mapped[float | None] = mapped_column(Float)
    c_service_knowledge: Mapped[float | None] = mapped_column(Float)
    c_initiative: Mapped[float | None] = mapped_column(Float)
    c_knowledge_sharing: Mapped[float | None] = mapped_column(Float)
    c_development: Mapped[float | None] = mapped_column(Float)
    c_teamwork: Mapped[float | None] = mapped_column(Float)
    c_feedback: Mapped[float | None] = mapped_column(Float)
    # number of observations per kind of evidence in the window
    n_client: Mapped[int] = mapped_column(default=0)
    n_peer: Mapped[int] = mapped_column(default=0)
    n_iqs: Mapped[int] = mapped_column(default=0)
    n_quiz: Mapped[int] = mapped_column(default=0)
    n_actions: Mapped[int] = mapped_column(default=0)
    peer_raters: Mapped[int] = mapped_column(default=0)
    is_qualifying: Mapped[bool] = mapped_column(default=False)  # meets the «Мастер» rule at this closing
    weight_set_id: Mapped[int | None] = mapped_column(ForeignKey("competence_weight_sets.id", ondelete="SET NULL"))
    weights_label: Mapped[str] = mapped_column(String(200), default="")
    weights_from: Mapped[date | None] = mapped_column(Date)
    breakdown: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # places by the overall score, stored by each recompute of the month (services.store_ranks): rank() (ties share
    # a place) and the row's position (ties in name order) in the country, the regional service, the centre and the
    # department; None while the row has no overall score
    rank_all: Mapped[int | None]
    pos_all: Mapped[int | None]
    rank_service: Mapped[int | None]
    pos_service: Mapped[int | None]
    rank_centre: Mapped[int | None]
    pos_centre: Mapped[int | None]
    rank_department: Mapped[int | None]
    pos_department: Mapped[int | None]
    user: Mapped[User] = relationship()

    @property
    def is_stale(self) -> bool:
        return self.computed_version < self.data_version

    @property
    def is_computed(self) -> bool:
        return self.computed_version > 0


class CompetenceTitle(db.Model):
    """«Мастер клиентоцентричности» granted from competence scores: when, and the closings that earned it."""

    __tablename__ = "competence_titles"
    __table_args__ = (UniqueConstraint("user_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(40), default="master")
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)
    period_start: Mapped[date] = mapped_column(Date)  # the closing that completed the streak
    months: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    badge_awarded: Mapped[bool] = mapped_column(default=False)
    certificate_id: Mapped[int | None]
    user: Mapped[User] = relationship()


class PeerEvidenceSum(db.Model):
    """Peer ratings a person received on one aspect in one month, already normalised per rater and damped for
    mutual top marks when each rating was recorded. Sums only: no rater, no individual score.

    ``centred_sum`` = Σ w·(x − s·m_r), ``shrink_sum`` = Σ w·s (m_r: the rater's mean on the aspect over the
    window so far; s = n_r / (n_r + k)); the centre's mean G is added when scores are computed:
    Σ w·x_adjusted = centred_sum + G·shrink_sum. ``raw_sum``/``rating_count`` give G itself."""

    __tablename__ = "competence_peer_sums"
    __table_args__ = (UniqueConstraint("rated_id", "aspect_code", "month"),
                      Index("ix_competence_peer_sums_month", "month"))
    id: Mapped[int] = mapped_column(primary_key=True)
    rated_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    aspect_code: Mapped[str] = mapped_column(String(40))
    month: Mapped[date] = mapped_column(Date)
    weight_sum: Mapped[float] = mapped_column(Float, default=0.0)
    centred_sum: Mapped[float] = mapped_column(Float, default=0.0)
    shrink_sum: Mapped[float] = mapped_column(Float, default=0.0)
    raw_sum: Mapped[float] = mapped_column(Float, default=0.0)
    rating_count: Mapped[int] = mapped_column(default=0)


class PeerRaterStat(db.Model):
    """A rater's running sum and count on one aspect in one month, for the per-rater normalisation. The rater
    is an HMAC under the month's key (SECRET_KEY + the month's salt); salts, stats and marks are deleted once
    the month leaves every window (daily job), after which nothing links them to anyone."""

    __tablename__ = "competence_peer_rater_stats"
    __table_args__ = (UniqueConstraint("rater_key", "aspect_code", "month"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    rater_key: Mapped[str] = mapped_column(String(64))
    aspect_code: Mapped[str] = mapped_column(String(40))
    month: Mapped[date] = mapped_column(Date, index=True)
    score_sum: Mapped[int] = mapped_column(default=0)
    score_count: Mapped[int] = mapped_column(default=0)


class PeerTopMark(db.Model):
    """That a top mark was given in one direction of a pair on one aspect, as an HMAC token under the month's
    key, with the contribution it made (to damp it if the colleague answers with a top mark too)."""

    __tablename__ = "competence_peer_top_marks"
    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    month: Mapped[date] = mapped_column(Date, index=True)
    centred: Mapped[float] = mapped_column(Float)
    shrink: Mapped[float] = mapped_column(Float)
    is_damped: Mapped[bool] = mapped_column(default=False)


class PeerKeySalt(db.Model):
    """A random salt per month for the peer-rating HMAC keys; deleted with the month's stats and marks."""

    __tablename__ = "competence_peer_salts"
    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[date] = mapped_column(Date, unique=True)
    salt: Mapped[str] = mapped_column(String(64))
