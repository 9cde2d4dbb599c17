"""Periodic work of the quizzes domain (run by ``flask jobs run-due``)."""
from __future__ import annotations

from datetime import date

from training.jobs import periodic_job
from training.quizzes.services import close_overdue


@periodic_job("quizzes.close-overdue-attempts", "every",
              "Закрыть и оценить попытки, время которых вышло (попытки закрываются и при любом обращении к ним).")
def close_overdue_attempts(today: date) -> str:

    closed = close_overdue()
    return f"закрыто просроченных попыток: {closed}"
