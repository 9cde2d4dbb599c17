"""Periodic work of the events: reminders a day ahead."""
from __future__ import annotations

from datetime import date

from training.gamification.events import services as events
from training.jobs import periodic_job


@periodic_job("events.reminders", "every", "Напомнить участникам о мероприятиях за сутки")
def remind_upcoming(today: date) -> str:
    return f"напоминаний: {events.send_reminders()}"
