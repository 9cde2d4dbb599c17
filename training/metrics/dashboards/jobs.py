"""Periodic work of the metrics domain (run by ``flask jobs run-due``)."""
from __future__ import annotations

from datetime import date, timedelta

from training.jobs import periodic_job
from training.measures.periods import WEEK, period_of
from training.metrics.centre_index import snapshots
from training.metrics.dashboards import reports, staff_report


@periodic_job("metrics.weekly-report", "weekly",
              "Еженедельный отчёт о клиентском опыте: ЦЗН, регион и сотрудники центров")
def weekly_report(today: date) -> str:

    snapshots.refresh_stale()
    week = period_of(WEEK, today - timedelta(days=7))
    sent = reports.announce_weekly(week) + staff_report.announce(week)
    return f"неделя {week.key}: уведомлено {sent}"
