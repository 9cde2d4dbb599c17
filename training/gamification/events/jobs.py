"""Periodic work of the events: reminders a day ahead, and overdue measures of events' outcomes."""
from __future__ import annotations

from datetime import date

from training.gamification.events import services as events
from training.jobs import periodic_job


@periodic_job("events.reminders", "every", "Напомнить участникам о мероприятиях за сутки")
def remind_upcoming(today: date) -> str:
    return f"напоминаний: {events.send_reminders()}"


@periodic_job("events.overdue_measures", "daily", "Напомнить ответственным о просроченных мерах по итогам мероприятий")
def remind_overdue_measures(today: date) -> str:
    return f"напоминаний: {events.remind_overdue_measures(today)}"
