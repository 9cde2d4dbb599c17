"""Background tasks: a request records the fact and returns; the heavy work runs in a worker (Huey).

* **Declaring.** A domain declares its tasks in its ``tasks.py`` with :func:`task` (a plain function and a name);
  the factory imports those modules (``training.app.TASK_MODULES``) and :func:`init_app` binds them to the app's
  queue, each run inside an application context of that app.
* **Enqueueing after the commit.** A service calls :func:`after_commit` inside the request's transaction; the
  task is enqueued only if that transaction commits (after the request, or at once outside a request), so the
  worker never looks for a fact that is not there yet and a rolled-back fact enqueues nothing.
* **Coalescing.** A task enqueued with a key («the figures of centre 12») is queued only if none is pending for
  that key: the first fact queues it with a short delay (``TASKS_COALESCE_SECONDS``) and the facts arriving
  before it starts are covered by the same run. The task clears its key as it starts, before it reads, so a fact
  committed after that queues the next run. A thousand answers for one centre in a minute cost a handful of
  recomputes. Tasks must be idempotent: they recompute from the stored stale marks, never from their arguments'
  history, so a run twice or a run with nothing to do changes nothing.
* **Nothing is lost when the worker is down.** The stale marks are rows of the database, written in the request's
  transaction; the queue only says «look soon». ``flask jobs run-due`` (every minute, from cron or the worker's
  own scheduler) recomputes whatever is still stale.
* **Storage.** ``TASKS_QUEUE_URL=redis://…`` → Redis (production, several web processes and a worker);
  otherwise an SQLite file next to the database (``instance/training-tasks.sqlite3`` for the embedded default).
  ``TASKS_IMMEDIATE`` runs each task synchronously when it is enqueued (the test configuration: behaviour tests of
  the figures see them right after the request; the queue's own tests run a real consumer).

The worker: ``flask jobs worker`` (docs: README «Фоновые задачи»)."""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app, g, has_app_context, has_request_context
from huey import MemoryHuey, RedisHuey, SqliteHuey, crontab
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from training.extensions import db
from training.jobs import jobs_cli, run_due

#: name → function of every declared task (filled when the domains' tasks.py modules are imported)
DECLARED: dict[str, Callable[..., Any]] = {}
#: a pending mark older than this is taken for a lost task (the worker was killed mid-run): the next fact queues anew
PENDING_MAX_AGE = 600.0


def task(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare ``func(*args)`` as the background task ``name``; the function itself is returned unchanged, so
    tests and jobs may call it directly."""

    def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
        DECLARED[name] = func
        return func

    return decorator


@dataclass
class Queue:
    """The app's Huey instance and its bound tasks (``app.extensions["tasks"]``)."""

    huey: Any
    coalesce_seconds: float
    wrappers: dict[str, Any] = field(default_factory=dict)

    @property
    def immediate(self) -> bool:
        return bool(self.huey.immediate)

    def pending_key(self, name: str, args: tuple) -> str:
        return "pending:" + ":".join([name, *(str(a) for a in args)])

    def enqueue(self, name: str, *args: Any, coalesce: bool = True) -> bool:
        """Queue ``name(*args)``; with ``coalesce`` only if no run for the same arguments is pending. Returns
        whether a run was queued."""
        wrapper = self.wrappers[name]
        if self.immediate:
            wrapper(*args)
            return True
        if coalesce:
            key = self.pending_key(name, args)
            now = time.time()
            if not self.huey.put_if_empty(key, now):
                since = self.huey.get(key, peek=True)
                if since is not None and now - float(since) < PENDING_MAX_AGE:
                    return False  # a run is already pending: it will see this fact too
                self.huey.delete(key)
                if not self.huey.put_if_empty(key, now):
                    return False
            wrapper.schedule(args=args, delay=self.coalesce_seconds)
        else:
            wrapper(*args)
        return True

    def pending(self, name: str, *args: Any) -> bool:
        return bool(self.huey.storage.has_data_for_key(self.pending_key(name, args)))


def queue_of(app: Flask | None = None) -> Queue:
    return (app or current_app).extensions["tasks"]


def make_huey(app: Flask):
    """SQLite file next to the database (embedded default), Redis when ``TASKS_QUEUE_URL`` says so."""
    name = app.config.get("TASKS_QUEUE_NAME") or "training"
    url = app.config.get("TASKS_QUEUE_URL") or ""
    immediate = bool(app.config.get("TASKS_IMMEDIATE"))
    if immediate:
        return MemoryHuey(name, immediate=True, results=False)
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(name, url=url, results=False)
    if url.startswith("sqlite:///"):
        path = Path(url[len("sqlite:///"):])
    else:
        path = _next_to_database(app)
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(name, filename=str(path), results=False)


def _next_to_database(app: Flask) -> Path:
    database = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if database.get_backend_name() == "sqlite" and database.database not in (None, "", ":memory:"):
        db_path = Path(database.database)
        return db_path.with_name(db_path.stem + "-tasks.sqlite3")
    return Path(app.instance_path) / "training-tasks.sqlite3"


def init_app(app: Flask) -> Queue:
    """Bind every declared task to this app's queue. ``flask jobs run-due`` (the periodic jobs) runs every minute
    in the worker when ``TASKS_RUN_DUE`` is on, so one command keeps the periodic work where no cron is set up
    (a run-due from cron as well does no harm: each job runs once per period)."""
    huey = make_huey(app)
    queue = Queue(huey, float(app.config.get("TASKS_COALESCE_SECONDS", 2.0)))
    for name, func in DECLARED.items():
        queue.wrappers[name] = huey.task(name=name)(_bound(app, queue, name, func))
    if app.config.get("TASKS_RUN_DUE", True) and not queue.immediate:
        huey.periodic_task(crontab(), name="jobs.run-due")(_bound(app, None, "jobs.run-due", _run_due))
    app.extensions["tasks"] = queue
    app.after_request(_enqueue_committed)
    return queue


def _bound(app: Flask, queue: Queue | None, name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """Run ``func`` in an application context of ``app`` (its own database session), clearing the task's pending
    mark first. Called inside a request (immediate mode), it runs after the request's commit, in its context."""

    def run(*args: Any) -> Any:
        if queue is not None and not queue.immediate:
            queue.huey.delete(queue.pending_key(name, args))
        if has_app_context() and current_app._get_current_object() is app:  # immediate mode
            return func(*args)
        with app.app_context():
            return func(*args)

    run.__name__ = name.replace(".", "_").replace("-", "_")
    run.__module__ = func.__module__
    return run


def _run_due() -> None:
    for name, outcome in run_due():
        current_app.logger.info("jobs: %s: %s", name, outcome)


# --- enqueueing with the transaction ------------------------------------------------------------------------


def after_commit(name: str, *args: Any) -> None:
    """Enqueue ``name(*args)`` (coalesced) once the current database transaction commits."""
    db.session.info.setdefault("tasks_after_commit", set()).add((name, args))


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint released: the outer transaction may still roll back
        return
    due = session.info.pop("tasks_after_commit", None)
    if not due:
        return
    if has_request_context():  # enqueued after the response is built (a task may run inline in tests)
        g.tasks_due = getattr(g, "tasks_due", set()) | due
    elif has_app_context() and not queue_of().immediate:  # CLI, jobs, the worker: at once
        _enqueue(due)
    # immediate mode outside a request (a test body): the session cannot run a task inside its own commit; the
    # stale marks wait for `flask jobs run-due`, as they would for a worker that is down


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous_transaction) -> None:
    if not previous_transaction.nested:  # a savepoint rolled back keeps what the outer transaction asked for
        session.info.pop("tasks_after_commit", None)


def _enqueue_committed(response):
    due = g.pop("tasks_due", None)
    if due:
        _enqueue(due)
    return response


def _enqueue(due: set[tuple[str, tuple]]) -> None:
    queue = queue_of()
    for name, args in sorted(due, key=repr):
        try:
            queue.enqueue(name, *args)
        except Exception:  # the stale marks are committed: `flask jobs run-due` recomputes them
            current_app.logger.exception("tasks: could not enqueue %s%r", name, args)


# --- the worker ---------------------------------------------------------------------------------------------


@jobs_cli.command("worker")
@click.option("--workers", default=1, show_default=True, help="Сколько задач выполнять одновременно (потоки).")
@click.option("--no-periodic", is_flag=True, help="Не запускать периодические задачи (их запускает cron).")
def worker_command(workers: int, no_periodic: bool) -> None:
    """Фоновый обработчик задач: пересчёт показателей после новых данных и периодические задачи."""
    queue = queue_of()
    if queue.immediate:
        raise click.ClickException("TASKS_IMMEDIATE включён: фоновый обработчик не нужен.")
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    consumer = queue.huey.create_consumer(workers=workers, worker_type="thread", periodic=not no_periodic)
    consumer.run()
