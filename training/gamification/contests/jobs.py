"""Periodic work of recognition (run by `flask jobs run-due`)."""
from __future__ import annotations

from datetime import date

from training.gamification.contests import services
from training.jobs import periodic_job


@periodic_job("recognition-close-contests", "daily")
def close_finished_contests(today: date) -> str:
    """Подвести итоги конкурсов «Сотрудник месяца», месяц которых закончился."""
    closed = services.close_finished_contests(today)
    return f"закрыто конкурсов: {closed}"


@periodic_job("recognition-purge-salts", "daily")
def purge_client_vote_salts(today: date) -> str:
    """Удалить соли прошлых дней: хэши устройств и адресов клиентов больше нельзя связать с ними."""
    return f"удалено солей: {services.purge_old_salts(today)}"
