"""Real threads against a real database, released together: how the tests show that duplicate submissions,
parallel starts and races leave exactly one result (PostgreSQL; see ``pg_app`` in tests/conftest.py)."""
from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator

from sqlalchemy import select

from tests.support.app import make_test_app
from training.extensions import db


def run_in_parallel(app, count: int, work: Callable[[int], object], *, timeout: float = 60) -> list[object]:
    """Run ``work(i)`` in ``count`` threads, each in its own app context, session and connection (taken before
    the start, so the calls really overlap), released at once by a barrier; each call is committed, or rolled
    back when it raises. Returns what each call returned, or the exception it raised."""
    barrier = threading.Barrier(count)
    results: list[object] = [None] * count

    def runner(i: int) -> None:
        with app.app_context():
            try:
                db.session.execute(select(1))
                barrier.wait(timeout)
                results[i] = work(i)
                db.session.commit()
            except Exception as exc:  # collected for the assertions
                db.session.rollback()
                results[i] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout * 2)
    return results


@contextlib.contextmanager
def wide_postgres_app(url: str, threads: int) -> Iterator[object]:
    """A PostgreSQL app with its tables, whose pool holds every thread's connection at once."""
    app = make_test_app(SQLALCHEMY_DATABASE_URI=url,
                        SQLALCHEMY_ENGINE_OPTIONS={"pool_size": threads + 5, "max_overflow": 5, "pool_timeout": 60})
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()
