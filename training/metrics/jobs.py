"""Periodic work of the metrics domain (run by ``flask jobs run-due``)."""
from __future__ import annotations

from datetime import date, timedelta

from training.extensions import db
from training.jobs import periodic_job


@periodic_job("metrics.refresh-snapshots", "every",
              "Пересчитать устаревшие показатели индекса и оценки компетенций (после новых данных)")
def refresh_snapshots(today: date) -> str:
    from training.metrics import competence, snapshots

    written = snapshots.refresh_stale(limit=500)
    people = competence.refresh_stale(limit=2000)
    return f"пересчитано: {written}; оценок компетенций: {people}"


@periodic_job("metrics.competence-daily", "daily",
              "Оценки компетенций: полный пересчёт текущего месяца (средние ЦЗН), удаление старых ключей оценок коллег")
def competence_daily(today: date) -> str:
    from training.metrics import competence

    result = competence.recompute_batch([competence.month_of(today)])
    purged = competence.purge_peer_keys(today)
    db.session.flush()
    return f"сотрудников: {result.people} за {result.seconds:.1f} с; удалено ключей и счётчиков: {purged}"


@periodic_job("metrics.competence-closing", "monthly",
              "Закрытие месяца: пересчёт оценок компетенций прошлого месяца и звание «Мастер клиентоцентричности»")
def competence_closing(today: date) -> str:
    from training.metrics import competence

    closing = competence.month_of(today).previous()
    result = competence.recompute_batch([closing])
    granted = competence.grant_master_titles(closing)
    db.session.flush()
    return f"закрыт {closing.key}: сотрудников {result.people}; присвоено званий: {len(granted)}"


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
