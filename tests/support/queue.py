"""The background task queue in tests: an app whose queue is real (Redis or an SQLite file, never immediate
mode) and a real Huey consumer (worker threads and the scheduler) running its tasks."""
from __future__ import annotations

import contextlib
import os
import signal
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import redis
from huey.signals import SIGNAL_COMPLETE, SIGNAL_ERROR

from training import tasks

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
STORAGES = ("redis", "sqlite")


def queue_overrides(storage: str) -> dict[str, Any]:
    """App settings for a real queue on ``storage`` with a name of its own (tests never share a queue). Redis
    absent: the test is skipped locally and fails in CI (.ci/run starts it)."""
    name = f"test-{uuid.uuid4().hex[:12]}"
    settings: dict[str, Any] = {"TASKS_IMMEDIATE": False, "TASKS_RUN_DUE": False, "TASKS_QUEUE_NAME": name,
                                "TASKS_COALESCE_SECONDS": 0.2}
    if storage == "redis":
        try:
            redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
        except redis.RedisError as exc:
            if os.environ.get("CI") or os.environ.get("REQUIRE_POSTGRES"):
                raise
            pytest.skip(f"Redis недоступен: {exc}")
        settings["TASKS_QUEUE_URL"] = REDIS_URL
    else:
        settings["TASKS_QUEUE_URL"] = ""  # the SQLite file next to the database
    return settings


@dataclass
class Worker:
    """What the consumer ran: names of completed tasks, and errors (a failing task fails the test)."""

    completed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def count(self, name: str) -> int:
        return self.completed.count(name)


@contextlib.contextmanager
def running_worker(app, workers: int = 1) -> Iterator[Worker]:
    """Start a Huey consumer on ``app``'s queue (threads in this process, each task in its own application
    context and database session, exactly as ``flask jobs worker`` runs them); stop it gracefully afterwards."""
    queue = tasks.queue_of(app)
    record = Worker()

    @queue.huey.signal(SIGNAL_COMPLETE)
    def _completed(signal_name, task, *args, **kwargs):
        record.completed.append(task.name)

    @queue.huey.signal(SIGNAL_ERROR)
    def _failed(signal_name, task, exc=None, *args, **kwargs):
        record.errors.append(f"{task.name}: {exc!r}")

    consumer = queue.huey.create_consumer(workers=workers, worker_type="thread", periodic=False,
                                          initial_delay=0.05, backoff=1.1, max_delay=0.25,
                                          check_worker_health=False)
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    consumer.start()  # installs signal handlers: restored below
    try:
        yield record
    finally:
        consumer.stop(graceful=True)
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
        queue.huey.disconnect_signal(_completed)
        queue.huey.disconnect_signal(_failed)
    assert not record.errors, record.errors


def wait_until(check: Callable[[], Any], *, seconds: float = 30.0, every: float = 0.2) -> Any:
    """Poll ``check`` until it returns something true (returned) or give up after ``seconds`` (AssertionError).
    A deadline for a worker to finish, not a speed goal: those live in benchmarks/."""
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not reached within {seconds} s")
        time.sleep(every)


def queued(app) -> int:
    """Tasks waiting in ``app``'s queue (ready and delayed)."""
    huey = tasks.queue_of(app).huey
    return huey.pending_count() + huey.scheduled_count()


def discard_queue(app) -> None:
    """Drop everything the queue holds (its tasks, schedule and pending marks): a queue lost with its server."""
    tasks.queue_of(app).huey.flush()
