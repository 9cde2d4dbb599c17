"""Tables of the metrics domain.

Privacy: client feedback stores no IP address, no user agent and no device id; a name and a phone number exist
only when the client ticked «свяжитесь со мной», in a separate table (:class:`ContactRequest`) that staff can
delete. See docs/metrics.md, part 6."""
from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from training.db import utcnow
from training.extensions import db

__all__ = ["Touchpoint", "FeedbackLink", "ClientFeedback", "ClientAspectScore", "ContactRequest", "FollowUpTask",
           "FollowUpStatus", "OperationalReport", "IqsCategory", "IqsAssessment", "IqsItem", "IndexWeightSet",
           "IndexSnapshot", "CompetenceWeightSet", "CompetenceScore", "CompetenceTitle", "PeerEvidenceSum",
           "PeerRaterStat", "PeerTopMark", "PeerKeySalt"]


class Touchpoint(db.Model):
    """A point of contact between a client and the service (reference data: окно приёма, колл-центр, …)."""

    __tablename__ = "touchpoints"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    sort_order: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)

    def __str__(self) -> str:
        return self.name


class FeedbackLink(db.Model):
    """What a printed QR code points at: a centre, optionally a touchpoint and a specialist.

    ``scope_key`` («c12:t3:e45», «c12:t-:e-») makes each combination exist once (NULLs are never equal in a
    unique constraint); ``token`` is the random, unguessable part of the public URL."""

    __tablename__ = "feedback_links"
    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32), unique=True)
    scope_key: Mapped[str] = mapped_column(String(60), unique=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), index=True)
    touchpoint_id: Mapped[int | None] = mapped_column(ForeignKey("touchpoints.id"))
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    centre = relationship("Centre")
    touchpoint: Mapped[Touchpoint | None] = relationship()
    employee = relationship("User")


class ClientFeedback(db.Model):
    """One client's answers (at most five questions). Nothing here identifies the client.

    Scope columns are copied at submission time (the specialist may move later; the answer stays where it was
    given). ``local_date`` is the Moscow date of the answer: periods are counted in local days."""

    __tablename__ = "client_feedback"
    __table_args__ = (
        Index("ix_client_feedback_centre_date", "centre_id", "local_date"),
        Index("ix_client_feedback_service_date", "regional_service_id", "local_date"),
        Index("ix_client_feedback_employee_date", "employee_id", "local_date"),
        Index("ix_client_feedback_department_date", "department_id", "local_date"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int | None] = mapped_column(ForeignKey("feedback_links.id", ondelete="SET NULL"))
    regional_service_id: Mapped[int] = mapped_column(ForeignKey("regional_services.id"))
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    touchpoint_id: Mapped[int | None] = mapped_column(ForeignKey("touchpoints.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    local_date: Mapped[date] = mapped_column(Date)
    ces: Mapped[int | None]  # 1 «Очень сложно» … 5 «Очень легко»
    expectations: Mapped[int | None]  # 1 «Нет, разочарован» … 5 «Значительно превзошел ожидания»
    recommend: Mapped[int | None]  # 0…10
    comment: Mapped[str | None] = mapped_column(Text)
    is_contact_requested: Mapped[bool] = mapped_column(default=False)
    is_low: Mapped[bool] = mapped_column(default=False)
    aspects: Mapped[list[ClientAspectScore]] = relationship(back_populates="feedback", cascade="all, delete-orphan",
                                                            order_by="ClientAspectScore.id")
    contact: Mapped[ContactRequest | None] = relationship(back_populates="feedback", uselist=False,
                                                          cascade="all, delete-orphan")
    centre = relationship("Centre")
    employee = relationship("User")
    touchpoint: Mapped[Touchpoint | None] = relationship()


class ClientAspectScore(db.Model):
    """The client's 1–5 mark of the specialist on one service aspect, by aspect code."""

    __tablename__ = "client_aspect_scores"
    __table_args__ = (UniqueConstraint("feedback_id", "aspect_code"),
                      Index("ix_client_aspect_scores_employee", "employee_id", "aspect_code"))
    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(ForeignKey("client_feedback.id", ondelete="CASCADE"))
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    aspect_code: Mapped[str] = mapped_column(String(40))
    score: Mapped[int]
    feedback: Mapped[ClientFeedback] = relationship(back_populates="aspects")


class ContactRequest(db.Model):
    """Name and phone of a client who asked to be contacted. Deleted by staff after the follow-up, and
    automatically some days after the task is closed (METRICS_CONTACT_RETENTION_DAYS)."""

    __tablename__ = "contact_requests"
    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(ForeignKey("client_feedback.id", ondelete="CASCADE"), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    feedback: Mapped[ClientFeedback] = relationship(back_populates="contact")


class FollowUpStatus(enum.StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"

    @property
    def label(self) -> str:
        return {"open": "новая", "in_progress": "в работе", "resolved": "закрыта"}[self.value]


class FollowUpTask(db.Model):
    """A low score opens a task for the centre manager: contact, apologise, record the resolution (2.4)."""

    __tablename__ = "follow_up_tasks"
    __table_args__ = (Index("ix_follow_up_tasks_centre_status", "centre_id", "status"),
                      # the specialist's proactive actions (competence scores) count the tasks they resolved
                      Index("ix_follow_up_tasks_resolved_by", "resolved_by_id", "resolved_at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(ForeignKey("client_feedback.id", ondelete="CASCADE"), unique=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"))
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)  # ["recommend", "expectations", "ces"]
    status: Mapped[str] = mapped_column(String(20), default=FollowUpStatus.OPEN)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_at: Mapped[datetime]
    contacted_at: Mapped[datetime | None]
    is_contact_impossible: Mapped[bool] = mapped_column(default=False)
    apologised_at: Mapped[datetime | None]
    notes: Mapped[str] = mapped_column(Text, default="")
    resolution: Mapped[str | None] = mapped_column(Text)
    corrective_measure: Mapped[str | None] = mapped_column(Text)
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    overdue_notified_at: Mapped[datetime | None]
    feedback: Mapped[ClientFeedback] = relationship()
    centre = relationship("Centre")
    resolved_by = relationship("User", foreign_keys=[resolved_by_id])
    handled_by = relationship("User", foreign_keys=[handled_by_id])

    @property
    def status_label(self) -> str:
        return FollowUpStatus(self.status).label

    @property
    def is_resolved(self) -> bool:
        return self.status == FollowUpStatus.RESOLVED

    def is_overdue_at(self, now: datetime) -> bool:
        return not self.is_resolved and now > self.due_at

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_at(utcnow())


class OperationalReport(db.Model):
    """Objective data of one centre for one period, uploaded from the АИС / queue / contact-centre systems.

    Counts are stored as uploaded; TTFR and queue waits as mean/median with their n (per-appeal uploads are
    reduced to these on import). Re-importing the same period replaces the row (audited)."""

    __tablename__ = "operational_reports"
    __table_args__ = (UniqueConstraint("centre_id", "period_start", "period_end"),
                      Index("ix_operational_reports_service_period", "regional_service_id", "period_start"))
    id: Mapped[int] = mapped_column(primary_key=True)
    regional_service_id: Mapped[int] = mapped_column(ForeignKey("regional_services.id"))
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    appeals_by_channel: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    resolved: Mapped[int | None]
    resolved_first_contact: Mapped[int | None]
    not_resolvable_first_contact: Mapped[int | None]
    escalated: Mapped[int | None]
    replies: Mapped[int | None]
    conversations: Mapped[int | None]
    ttfr_mean: Mapped[float | None] = mapped_column(Float)
    ttfr_median: Mapped[float | None] = mapped_column(Float)
    ttfr_n: Mapped[int | None]
    wait_mean: Mapped[float | None] = mapped_column(Float)
    wait_median: Mapped[float | None] = mapped_column(Float)
    wait_n: Mapped[int | None]
    services_total: Mapped[int | None]
    services_on_time: Mapped[int | None]
    clients_active: Mapped[int | None]
    clients_personal_support: Mapped[int | None]
    layout: Mapped[str] = mapped_column(String(20), default="summary")  # summary | appeals
    source_filename: Mapped[str] = mapped_column(String(255), default="")
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    centre = relationship("Centre")
    imported_by = relationship("User")

    @property
    def total_appeals(self) -> int:
        return sum(self.appeals_by_channel.values())


class IqsCategory(db.Model):
    """A check-list category of the internal quality score (reference data, edited by HR)."""

    __tablename__ = "iqs_categories"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    is_critical: Mapped[bool] = mapped_column(default=False)
    is_active: Mapped[bool] = mapped_column(default=True)
    sort_order: Mapped[int] = mapped_column(default=0)
    # competence of the staff model this category is evidence for (docs/metrics.md 4.2), e.g. "politeness"
    competence: Mapped[str | None] = mapped_column(String(40))


class IqsAssessment(db.Model):
    """A supervisor's review of one conversation of an employee. Items keep the weight and the critical flag
    in force at the time, so later edits of the categories never change a past score."""

    __tablename__ = "iqs_assessments"
    __table_args__ = (Index("ix_iqs_assessments_employee", "employee_id", "conversation_date"),
                      Index("ix_iqs_assessments_centre", "centre_id", "conversation_date"),
                      # department and region snapshots (EXPLAIN at federal scale: docs/PERFORMANCE.md)
                      Index("ix_iqs_assessments_department", "department_id", "conversation_date"),
                      Index("ix_iqs_assessments_service", "regional_service_id", "conversation_date"))
    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    regional_service_id: Mapped[int] = mapped_column(ForeignKey("regional_services.id"))
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centres.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    touchpoint_id: Mapped[int | None] = mapped_column(ForeignKey("touchpoints.id"))
    conversation_date: Mapped[date] = mapped_column(Date)
    conversation_ref: Mapped[str] = mapped_column(String(200), default="")
    comment: Mapped[str] = mapped_column(Text, default="")
    score: Mapped[float] = mapped_column(Float)
    is_critical_failed: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    employee = relationship("User", foreign_keys=[employee_id])
    reviewer = relationship("User", foreign_keys=[reviewer_id])
    touchpoint: Mapped[Touchpoint | None] = relationship()
    items: Mapped[list[IqsItem]] = relationship(back_populates="assessment", cascade="all, delete-orphan",
                                                order_by="IqsItem.id")


class IqsItem(db.Model):
    __tablename__ = "iqs_items"
    __table_args__ = (UniqueConstraint("assessment_id", "category_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("iqs_assessments.id", ondelete="CASCADE"))
    category_id: Mapped[int] = mapped_column(ForeignKey("iqs_categories.id"))
    category_name: Mapped[str] = mapped_column(String(200))
    weight: Mapped[float] = mapped_column(Float)
    is_critical: Mapped[bool] = mapped_column(default=False)
    is_passed: Mapped[bool] = mapped_column(default=False)
    assessment: Mapped[IqsAssessment] = relationship(back_populates="items")
    category: Mapped[IqsCategory] = relationship()


class DatedWeightSet:
    """Weights of one regional service in force from ``effective_from`` until the next set (one set per service
    and date); the index's and the competence scores' sets share these columns and rules (services.py)."""

    @declared_attr.directive
    def __table_args__(cls):
        return (UniqueConstraint("regional_service_id", "effective_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    regional_service_id: Mapped[int] = mapped_column(ForeignKey("regional_services.id"))
    effective_from: Mapped[date] = mapped_column(Date)
    weights: Mapped[dict[str, float]] = mapped_column(JSON)
    label: Mapped[str] = mapped_column(String(200), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @declared_attr
    def created_by(cls):
        return relationship("User")


class IndexWeightSet(DatedWeightSet, db.Model):
    """Group weights of the index for one regional service, in force from ``effective_from`` until the next
    set. Never retroactive: a set in force is immutable; a future one may be withdrawn."""

    __tablename__ = "index_weight_sets"


class IndexSnapshot(db.Model):
    """Computed figures of one scope (organisation, service, centre, department, employee) for one period.

    Dashboards and reports read only these rows. ``data_version`` is bumped whenever data of the scope and
    period arrives; a recompute stores the version it saw in ``computed_version`` and never overwrites a
    newer result (see services/snapshots.py)."""

    __tablename__ = "index_snapshots"
    __table_args__ = (UniqueConstraint("scope_kind", "scope_id", "period_kind", "period_start"),
                      Index("ix_index_snapshots_stale", "computed_version", "data_version"))
    id: Mapped[int] = mapped_column(primary_key=True)
    scope_kind: Mapped[str] = mapped_column(String(20))  # organisation | service | centre | department | employee
    scope_id: Mapped[int]  # 0 for the organisation
    period_kind: Mapped[str] = mapped_column(String(10))  # week | month
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    data_version: Mapped[int] = mapped_column(default=1)
    computed_version: Mapped[int] = mapped_column(default=0)
    computed_at: Mapped[datetime | None]
    index_value: Mapped[float | None] = mapped_column(Float)
    coverage: Mapped[float | None] = mapped_column(Float)
    is_published: Mapped[bool] = mapped_column(default=False)
    weights: Mapped[dict[str, float]] = mapped_column(JSON, default=dict)
    weights_label: Mapped[str] = mapped_column(String(200), default="")
    weights_from: Mapped[date | None] = mapped_column(Date)
    groups: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    indicators: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    figures: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # client metrics with their n

    @property
    def is_stale(self) -> bool:
        return self.computed_version < self.data_version


# --- staff competence scores (docs/metrics.md, part 4 and section 12) -------------------------------------------


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
                      Index("ix_competence_scores_period_service", "period_start", "regional_service_id"),
                      Index("ix_competence_scores_period_centre", "period_start", "centre_id"),
                      Index("ix_competence_scores_stale", "computed_version", "data_version"))
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
    user = relationship("User")

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
    user = relationship("User")


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
