"""Operational data of a centre (appeals, resolution, FCR, TTFR, escalations) and IQS quality checks of
conversations."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Date, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.accounts.models import User
from training.db import enum_type, utcnow
from training.extensions import db
from training.metrics.feedback.models import Touchpoint
from training.org.models import Centre


class ReportLayout(enum.StrEnum):
    """The shape of an uploaded operational file (and of its template)."""

    SUMMARY = "summary"  # one row per indicator, totals of the period
    APPEALS = "appeals"  # one row per appeal, reduced to totals on import


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
    layout: Mapped[ReportLayout] = mapped_column(enum_type(ReportLayout, column="layout", length=20),
                                                 default=ReportLayout.SUMMARY)
    source_filename: Mapped[str] = mapped_column(String(255), default="")
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    centre: Mapped[Centre] = relationship()
    imported_by: Mapped[User | None] = relationship()

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
    employee: Mapped[User] = relationship(foreign_keys=[employee_id])
    reviewer: Mapped[User] = relationship(foreign_keys=[reviewer_id])
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


class ComfortArea(enum.StrEnum):
    """Where a comfort checklist item is checked."""

    PREMISES = "premises"
    WEBSITE = "website"


COMFORT_AREA_LABELS = {ComfortArea.PREMISES: "Помещение", ComfortArea.WEBSITE: "Сайт"}


class ComfortItem(db.Model):
    """An item of the comfort checklist of a centre (premises and website; reference data, edited by HR). A
    critical item failed zeroes the audit, as in IQS."""

    __tablename__ = "comfort_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    area: Mapped[ComfortArea] = mapped_column(enum_type(ComfortArea, column="area", length=20),
                                              default=ComfortArea.PREMISES)
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    is_critical: Mapped[bool] = mapped_column(default=False)
    is_active: Mapped[bool] = mapped_column(default=True)
    sort_order: Mapped[int] = mapped_column(default=0)


class ComfortAudit(db.Model):
    """An inspector's walk-through of one centre, one per centre and quarter, scored with the IQS maths. Items keep
    the weight and the critical flag in force at the time."""

    __tablename__ = "comfort_audits"
    __table_args__ = (UniqueConstraint("centre_id", "quarter_start"),
                      Index("ix_comfort_audits_service_quarter", "regional_service_id", "quarter_start"))
    id: Mapped[int] = mapped_column(primary_key=True)
    regional_service_id: Mapped[int] = mapped_column(ForeignKey("regional_services.id"))
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"))
    quarter_start: Mapped[date] = mapped_column(Date)
    visited_on: Mapped[date] = mapped_column(Date)
    inspector_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    score: Mapped[float] = mapped_column(Float)
    is_critical_failed: Mapped[bool] = mapped_column(default=False)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    centre: Mapped[Centre] = relationship()
    inspector: Mapped[User | None] = relationship()
    items: Mapped[list[ComfortAuditItem]] = relationship(back_populates="audit", cascade="all, delete-orphan",
                                                         order_by="ComfortAuditItem.id")


class ComfortAuditItem(db.Model):
    __tablename__ = "comfort_audit_items"
    __table_args__ = (UniqueConstraint("audit_id", "item_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("comfort_audits.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("comfort_items.id"))
    item_name: Mapped[str] = mapped_column(String(200))
    weight: Mapped[float] = mapped_column(Float)
    is_critical: Mapped[bool] = mapped_column(default=False)
    is_passed: Mapped[bool] = mapped_column(default=False)
    audit: Mapped[ComfortAudit] = relationship(back_populates="items")
