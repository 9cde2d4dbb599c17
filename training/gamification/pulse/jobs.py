"""Periodic work of the pulse surveys: open the new period's round of every scheduled survey."""
from __future__ import annotations

from datetime import date

from training.gamification.pulse import services as pulse
from training.jobs import periodic_job


@periodic_job("engagement.pulse_rounds", "daily", "Открыть очередной раунд пульс-опросов по расписанию")
def open_pulse_rounds(today: date) -> str:
    return f"открыто раундов: {pulse.open_scheduled_rounds(today)}"
