"""Shared set-up for the metrics tests."""
from __future__ import annotations

from datetime import UTC, date, datetime

from training.extensions import db
from training.metrics.centre_index import snapshots
from training.metrics.feedback import aspects as services
from training.metrics.feedback import services as feedback
from training.metrics.operations import iqs


def seed_reference() -> None:
    services.seed_touchpoints()
    iqs.seed_categories()
    db.session.commit()


def at(day: date, hour: int = 9) -> datetime:
    """A moment in UTC that falls on ``day`` in Moscow (UTC+3)."""
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=UTC)


def answers(link, day: date, count: int, **values) -> None:
    for _ in range(count):
        feedback.submit_feedback(link, now=at(day), **values)
    db.session.commit()


def refresh() -> None:
    db.session.commit()
    snapshots.refresh_stale()
