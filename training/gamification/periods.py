"""Calendar months in Moscow time, the period of every monthly tool («Сотрудник месяца», points, thanks)."""
from __future__ import annotations

from datetime import UTC, datetime

from training.db import utcnow
from training.templating import DISPLAY_TZ, MONTHS_NOMINATIVE


def current_period(now: datetime | None = None) -> str:
    return (now or utcnow()).astimezone(DISPLAY_TZ).strftime("%Y-%m")


def next_period(period: str) -> str:
    year, month = (int(p) for p in period.split("-"))
    return f"{year + month // 12}-{month % 12 + 1:02d}"


def period_bounds(period: str) -> tuple[datetime, datetime]:
    """[start, end) of the month in UTC, the month taken in Moscow time."""
    year, month = (int(p) for p in period.split("-"))
    start = datetime(year, month, 1, tzinfo=DISPLAY_TZ)
    ny, nm = (year + 1, 1) if month == 12 else (year, month + 1)
    end = datetime(ny, nm, 1, tzinfo=DISPLAY_TZ)
    return start.astimezone(UTC), end.astimezone(UTC)


def period_label(period: str) -> str:
    year, month = (int(p) for p in period.split("-"))
    return f"{MONTHS_NOMINATIVE[month - 1]} {year}"


def has_period_ended(period: str, now: datetime | None = None) -> bool:
    return (now or utcnow()) >= period_bounds(period)[1]
