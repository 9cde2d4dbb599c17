"""Periodic work of onboarding: reminders of the check-ins at 1 and 3 months."""
from __future__ import annotations

from datetime import date

from training.gamification.onboarding import services as onboarding
from training.jobs import periodic_job


@periodic_job("engagement.onboarding_checkins", "daily", "Напомнить новичкам и наставникам об отзыве за 1 и 3 месяца")
def remind_onboarding_checkins(today: date) -> str:
    return f"напоминаний: {onboarding.send_checkin_reminders(today)}"
