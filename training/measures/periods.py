"""Reporting periods: ISO weeks (Monday–Sunday) and calendar months, counted in Moscow days."""
from __future__ import annotations

import calendar
import enum
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from training.templating import DISPLAY_TZ, MONTHS_NOMINATIVE


class PeriodKind(enum.StrEnum):
    WEEK = "week"  # ISO week, Monday–Sunday
    MONTH = "month"  # calendar month


WEEK, MONTH = PeriodKind.WEEK, PeriodKind.MONTH
KINDS = (WEEK, MONTH)


@dataclass(frozen=True, order=True)
class Period:
    kind: str
    start: date
    end: date  # inclusive

    @property
    def key(self) -> str:
        if self.kind == WEEK:
            year, week, _ = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        return f"{self.start:%Y-%m}"

    @property
    def label(self) -> str:
        if self.kind == WEEK:
            return f"{self.start:%d.%m}–{self.end:%d.%m.%Y}"
        return f"{MONTHS_NOMINATIVE[self.start.month - 1]} {self.start.year}"

    @property
    def short_label(self) -> str:
        if self.kind == WEEK:
            return f"{self.start:%d.%m}"
        return f"{MONTHS_NOMINATIVE[self.start.month - 1][:3]} {self.start:%y}"

    def previous(self) -> Period:
        return period_of(self.kind, self.start - timedelta(days=1))

    def next(self) -> Period:
        return period_of(self.kind, self.end + timedelta(days=1))

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def period_of(kind: str, day: date) -> Period:
    if kind == WEEK:
        start = day - timedelta(days=day.weekday())
        return Period(WEEK, start, start + timedelta(days=6))
    if kind == MONTH:
        last = calendar.monthrange(day.year, day.month)[1]
        return Period(MONTH, day.replace(day=1), day.replace(day=last))
    raise ValueError(f"неизвестный вид периода «{kind}»")


def parse_period(kind: str, key: str | None, today: date | None = None) -> Period:
    """``2026-W05`` or ``2026-02``; anything else (or nothing) → the current period."""
    today = today or local_today()
    if key:
        if kind == WEEK and (m := re.fullmatch(r"(\d{4})-W(\d{2})", key)):
            try:
                return period_of(WEEK, date.fromisocalendar(int(m[1]), int(m[2]), 1))
            except ValueError:
                pass
        if kind == MONTH and (m := re.fullmatch(r"(\d{4})-(\d{2})", key)):
            if 1 <= int(m[2]) <= 12:
                return period_of(MONTH, date(int(m[1]), int(m[2]), 1))
    return period_of(kind, today)


def last_periods(kind: str, count: int, today: date | None = None) -> list[Period]:
    """The ``count`` periods ending with the current one, oldest first."""
    current = period_of(kind, today or local_today())
    result = [current]
    while len(result) < count:
        result.append(result[-1].previous())
    return list(reversed(result))


def periods_touching(kind: str, start: date, end: date) -> list[Period]:
    result = []
    current = period_of(kind, start)
    while current.start <= end:
        result.append(current)
        current = current.next()
    return result


def local_today() -> date:
    return datetime.now(DISPLAY_TZ).date()


def local_date_of(moment: datetime) -> date:
    return moment.astimezone(DISPLAY_TZ).date()
