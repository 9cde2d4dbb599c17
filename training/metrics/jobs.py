"""Periodic work of the metrics domain (run by ``flask jobs run-due``)."""
from __future__ import annotations

from datetime import date, timedelta

from training.extensions import db
from training.jobs import periodic_job


@periodic_job("metrics.refresh-snapshots", "every", "Пересчитать устаревшие показатели индекса (после новых данных)")
def refresh_snapshots(today: date) -> str:
    from training.metrics import snapshots

    written = snapshots.refresh_stale(limit=500)
    return f"пересчитано: {written}"


@periodic_job("metrics.overdue-follow-ups", "daily", "Отметить просроченные задачи по низким оценкам и уведомить")
def overdue_follow_ups(today: date) -> str:
    from training.metrics import feedback

    flagged = feedback.flag_overdue()
    purged = feedback.purge_contacts()
    db.session.flush()
    return f"просрочено: {flagged}, удалено контактов: {purged}"


@periodic_job("metrics.weekly-report", "weekly", "Еженедельный отчёт о клиентском опыте: ЦЗН и регион")
def weekly_report(today: date) -> str:
    from training.metrics import reports, snapshots
    from training.metrics.periods import WEEK, period_of

    snapshots.refresh_stale()
    week = period_of(WEEK, today - timedelta(days=7))
    sent = reports.announce_weekly(week)
    return f"неделя {week.key}: уведомлено {sent}"
