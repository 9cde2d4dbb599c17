"""The weekly report in its staff version (2.4, 5.4): every staff member of a centre gets the centre's week — the
index, its groups, the client metrics with their n, how many answers and low scores, how the follow-ups went, what
the committee changed lately («вы сказали — мы сделали»: the same list clients see,
the committee's text for clients only) —
and nothing about a person: no client's name, phone or comment (those stay with the manager's follow-up), no
colleague's own score (employee snapshots and rankings are never read here). Delivered like the full report: the
weekly job notifies each active person of the centre with a link to their centre's page."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from training.accounts.models import Role, User, UserRole
from training.accounts.scopes import Level, can_view
from training.extensions import db
from training.measures.periods import Period
from training.measures.scales import GROUPS
from training.metrics.centre_index import snapshots
from training.metrics.dashboards.presenters import FIGURES, fmt_figure
from training.metrics.dashboards.reports import REPORT_FIGURES, followup_counts
from training.metrics.feedback import you_said
from training.notifications.services import notify
from training.org.models import Centre, RegionalService
from training.web import path_for


@dataclass
class StaffReport:
    centre: Centre
    period: Period
    index: float | None
    previous_index: float | None
    coverage: float | None
    groups: list[tuple[str, float | None]] = field(default_factory=list)
    figures: list[tuple[str, str, int]] = field(default_factory=list)  # (title, value as shown, n)
    answers: int = 0
    low: int = 0
    followups: dict[str, int] = field(default_factory=dict)
    measures: list[you_said.DoneMeasure] = field(default_factory=list)  # as clients see them (public_text)


def can_read(viewer: User, centre: Centre) -> bool:
    """The people of the centre, and those who supervise it."""
    return can_view(viewer, centre, members=Level.CENTRE)


def build(centre: Centre, period: Period) -> StaffReport:
    """The centre's week from its stored snapshot (the centre level only: nothing per person is read)."""
    snap = snapshots.snapshot(snapshots.CENTRE, centre.id, period)
    before = snapshots.snapshot(snapshots.CENTRE, centre.id, period.previous())
    figures: dict[str, Any] = (snap.figures or {}) if snap else {}
    report = StaffReport(
        centre, period,
        index=snap.index_value if snap and snap.is_published else None,
        previous_index=before.index_value if before and before.is_published else None,
        coverage=snap.coverage if snap else None,
        answers=int(figures.get("feedback_n") or 0), low=int(figures.get("low_n") or 0),
        followups=followup_counts([centre.id], period), measures=you_said.recent_for_centre(centre.id))
    report.groups = [(title, ((snap.groups or {}).get(key) or {}).get("value") if snap else None)
                     for key, title in GROUPS.items()]
    report.figures = [(FIGURES[key][0], fmt_figure(key, figures[key]), int(figures[key].get("n") or 0))
                      for key in REPORT_FIGURES if figures.get(key)]
    return report


def announce(period: Period) -> int:
    """Tell every active staff member of each centre that the centre's week is ready (once per person and week).
    The centre's managers get the full report (reports.announce_weekly) and are not told twice."""
    sent = 0
    for service in db.session.scalars(select(RegionalService).order_by(RegionalService.id)):
        managers = select(UserRole.user_id).where(UserRole.role == str(Role.MANAGER))
        people = list(db.session.scalars(select(User).where(
            User.regional_service_id == service.id, User.is_active, User.centre_id.is_not(None),
            User.id.not_in(managers)).order_by(User.id)))
        for person in people:
            url = path_for("dashboards.staff_report", centre_id=person.centre_id, week=period.key)
            sent += notify(person, "metrics.weekly_staff_report",
                           f"Неделя {period.label} в вашем центре: индекс, отзывы клиентов и что с ними сделали.",
                           url, dedupe_key=f"metrics-weekly-staff:{period.key}:{person.id}") is not None
    return sent
