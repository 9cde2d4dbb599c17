"""The client-centricity index of chapter 4: dated weight sets (shared with competence scores) and the
snapshots stored per scope and period."""
from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Float, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from training.accounts.models import User
from training.db import enum_type, utcnow
from training.extensions import db
from training.measures.periods import PeriodKind


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
    def created_by(cls) -> Mapped[User | None]:
        return relationship()


class IndexWeightSet(DatedWeightSet, db.Model):
    """Group weights of the index for one regional service, in force from ``effective_from`` until the next
    set. Never retroactive: a set in force is immutable; a future one may be withdrawn."""

    __tablename__ = "index_weight_sets"


class CsiWeightSet(DatedWeightSet, db.Model):
    """Importance weights of the five CSI parameters (2.4) for one regional service, in force from
    ``effective_from``; the same rules as the index's group weights (centre_index/csi.py)."""

    __tablename__ = "csi_weight_sets"


class RegionalChecklistWeightSet(DatedWeightSet, db.Model):
    """Weights of the regional checklist's items (``item code → weight``) for one regional service, in force from
    ``effective_from`` until the next set; the same rules as the index's group weights."""

    __tablename__ = "regional_checklist_weight_sets"


class ScopeKind(enum.StrEnum):
    """What a snapshot (or a set of figures) is about; its ``scope_id`` is 0 for the organisation."""

    ORGANISATION = "organisation"
    SERVICE = "service"
    CENTRE = "centre"
    DEPARTMENT = "department"
    EMPLOYEE = "employee"


class IndexSnapshot(db.Model):
    """Computed figures of one scope (organisation, service, centre, department, employee) for one period.

    Dashboards and reports read only these rows. ``data_version`` is bumped whenever data of the scope and
    period arrives; a recompute stores the version it saw in ``computed_version`` and never overwrites a
    newer result (see services/snapshots.py)."""

    __tablename__ = "index_snapshots"
    __table_args__ = (UniqueConstraint("scope_kind", "scope_id", "period_kind", "period_start"),
                      # the stale rows only (few): what the background recompute and the every-minute job look for
                      Index("ix_index_snapshots_stale", "scope_kind", "period_start",
                            postgresql_where=text("computed_version < data_version"),
                            sqlite_where=text("computed_version < data_version")))
    id: Mapped[int] = mapped_column(primary_key=True)
    scope_kind: Mapped[ScopeKind] = mapped_column(enum_type(ScopeKind, column="scope_kind", length=20))
    scope_id: Mapped[int]  # 0 for the organisation
    period_kind: Mapped[PeriodKind] = mapped_column(enum_type(PeriodKind, column="period_kind", length=10))
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


class DiscoveryMark(db.Model):
    """How far :func:`snapshots.discover` has looked: the highest id of each source table (client answers, IQS
    checks, operational reports) whose scopes and periods it has given snapshots. The next discovery reads only
    the rows after it."""

    __tablename__ = "index_discovery_marks"
    source: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_id: Mapped[int] = mapped_column(default=0)


class RegionalChecklistAnswer(db.Model):
    """HR's yes/no answer to one item of the regional checklist of chapter 4 (a fact about the regional service,
    the same for all its centres) for one month, with a link to the evidence."""

    __tablename__ = "regional_checklist"
    __table_args__ = (UniqueConstraint("regional_service_id", "period_start", "item"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    regional_service_id: Mapped[int] = mapped_column(ForeignKey("regional_services.id", ondelete="CASCADE"))
    period_start: Mapped[date] = mapped_column(Date)
    item: Mapped[str] = mapped_column(String(40))
    is_met: Mapped[bool] = mapped_column(default=False)
    evidence_url: Mapped[str | None] = mapped_column(String(500))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
