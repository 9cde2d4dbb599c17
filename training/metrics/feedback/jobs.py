"""Periodic work of client feedback."""
from __future__ import annotations

from datetime import date

from training.extensions import db
from training.jobs import periodic_job
from training.metrics.feedback import services as feedback


@periodic_job("metrics.overdue-follow-ups", "daily", "Отметить просроченные задачи по низким оценкам и уведомить")
def overdue_follow_ups(today: date) -> str:

    flagged = feedback.flag_overdue()
    purged = feedback.purge_contacts()
    db.session.flush()
    return f"просрочено: {flagged}, удалено контактов: {purged}"
