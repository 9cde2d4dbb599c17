"""Periodic work of competence scores (run by ``flask jobs run-due``)."""
from __future__ import annotations

from datetime import date

from training.competence import improvement, peer_evidence, titles
from training.competence import services as competence
from training.extensions import db
from training.jobs import periodic_job
from training.metrics.centre_index import snapshots


@periodic_job("metrics.refresh-snapshots", "every",
              "Пересчитать устаревшие показатели индекса и оценки компетенций (после новых данных)")
def refresh_snapshots(today: date) -> str:

    written = snapshots.refresh_stale(limit=500)
    people = competence.refresh_stale(limit=2000)
    return f"пересчитано: {written}; оценок компетенций: {people}"


@periodic_job("metrics.competence-daily", "daily",
              "Оценки компетенций: полный пересчёт текущего месяца (средние ЦЗН), удаление старых ключей оценок коллег")
def competence_daily(today: date) -> str:

    result = competence.recompute_batch([competence.month_of(today)])
    purged = peer_evidence.purge_peer_keys(today)
    db.session.flush()
    return f"сотрудников: {result.people} за {result.seconds:.1f} с; удалено ключей и счётчиков: {purged}"


@periodic_job("metrics.competence-closing", "monthly",
              "Закрытие месяца: пересчёт оценок компетенций прошлого месяца, звание «Мастер клиентоцентричности» "
              "и знак «Лучший рост»")
def competence_closing(today: date) -> str:

    closing = competence.month_of(today).previous()
    result = competence.recompute_batch([closing])
    granted = titles.grant_master_titles(closing)
    improved = improvement.grant_most_improved(closing)
    db.session.flush()
    return (f"закрыт {closing.key}: сотрудников {result.people}; присвоено званий: {len(granted)}; "
            f"«Лучший рост»: {improved}")
