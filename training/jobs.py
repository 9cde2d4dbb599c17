"""Periodic work through one idempotent entry point: ``flask jobs run-due`` (cron or a systemd timer).

Each job has a period (daily, weekly, monthly); a run is recorded as (job name, period key) under a unique
constraint, so running the entry point twice in the same period does nothing the second time, and two
overlapping runs cannot both do the work."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import String, UniqueConstraint, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from training.db import utcnow
from training.extensions import db


class JobRun(db.Model):
    __tablename__ = "job_runs"
    __table_args__ = (UniqueConstraint("job_name", "period_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    job_name: Mapped[str] = mapped_column(String(80))
    period_key: Mapped[str] = mapped_column(String(20))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    result: Mapped[str] = mapped_column(String(500), default="")


def period_key(period: str, today: date) -> str:
    if period == "every":  # runs on every invocation of run-due (at most once a minute)
        return utcnow().strftime("%Y-%m-%dT%H:%M")
    if period == "daily":
        return today.isoformat()
    if period == "weekly":
        year, week, _ = today.isocalendar()
        return f"{year}-W{week:02d}"
    if period == "monthly":
        return f"{today:%Y-%m}"
    if period == "quarterly":
        return f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    raise ValueError(f"unknown period {period!r}")


@dataclass(frozen=True)
class Job:
    name: str
    period: str
    func: Callable[[date], str | None]
    description: str


REGISTRY: dict[str, Job] = {}


def periodic_job(name: str, period: str, description: str = "") -> Callable:
    """Register ``func(today) -> summary`` to run once per period. Domains register their jobs on import."""
    period_key(period, date.today())  # validate the period name early

    def decorator(func: Callable[[date], str | None]) -> Callable:
        REGISTRY[name] = Job(name, period, func, description or (func.__doc__ or "").strip())
        return func

    return decorator


def run_due(today: date | None = None) -> list[tuple[str, str]]:
    """Run every job not yet run in its current period. Returns (job, outcome) pairs."""
    today = today or date.today()
    outcomes = []
    for job in sorted(REGISTRY.values(), key=lambda j: j.name):
        key = period_key(job.period, today)
        exists = db.session.scalar(select(JobRun.id).where(JobRun.job_name == job.name, JobRun.period_key == key))
        if exists:
            outcomes.append((job.name, "уже выполнено"))
            continue
        run = JobRun(job_name=job.name, period_key=key)
        db.session.add(run)
        try:
            db.session.flush()  # claims the period: a parallel run fails here on the unique constraint
        except IntegrityError:
            db.session.rollback()
            outcomes.append((job.name, "выполняется другим процессом"))
            continue
        try:
            summary = job.func(today) or "готово"
        except Exception:
            db.session.rollback()
            current_app.logger.exception("job %s failed", job.name)
            outcomes.append((job.name, "ошибка"))
            continue
        run.finished_at = utcnow()
        run.result = summary[:500]
        db.session.commit()
        outcomes.append((job.name, summary))
    return outcomes


jobs_cli = AppGroup("jobs", help="Периодические задачи.")


@jobs_cli.command("run-due")
@click.option("--date", "on_date", default=None, help="Считать сегодняшней эту дату (ГГГГ-ММ-ДД).")
def run_due_command(on_date: str | None) -> None:
    """Выполнить задачи, срок которых наступил (для cron/systemd timer)."""
    today = date.fromisoformat(on_date) if on_date else None
    for name, outcome in run_due(today):
        click.echo(f"{name}: {outcome}")


@jobs_cli.command("list")
def list_command() -> None:
    """Показать зарегистрированные задачи."""
    for job in sorted(REGISTRY.values(), key=lambda j: j.name):
        click.echo(f"{job.name} ({job.period}): {job.description}")
