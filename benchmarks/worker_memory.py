"""The background worker's memory and speed at federal scale: ``flask jobs worker`` as a process, fed the recomputes
that a burst of client answers across many centres leaves behind, its RSS sampled with psutil while it works.

    .venv/bin/python benchmarks/worker_memory.py --database-url postgresql://postgres@127.0.0.1:5432/federal_bench
    .venv/bin/python benchmarks/worker_memory.py --database-url sqlite:////tmp/fedbench/federal.sqlite3 --centres 100

On a database from benchmarks/federal_data.py: the current month and week of ``--centres`` centres (their own,
their departments' and their staff's snapshots) and the current month's competence scores of their staff are marked
stale, as the answers of their clients would; one ``metrics.refresh-centre`` per centre and one
``competence.refresh`` are queued (Redis, a queue of its own: ``--queue-url``); the worker (``--workers`` threads,
periodic jobs off) is started and watched until nothing is stale or queued. Prints the worker's RSS at start, its
peak and at the end (goal: < 200 MB, docs/PERFORMANCE.md), and how long the recomputes took. The database is changed
as the worker would change it (figures recomputed)."""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402  (the bench extra)
from sqlalchemy import func, or_, select, update  # noqa: E402

from training import tasks  # noqa: E402
from training.accounts.models import User  # noqa: E402
from training.app import create_app  # noqa: E402
from training.competence.models import CompetenceScore  # noqa: E402
from training.competence.services import REFRESH_SCORES  # noqa: E402
from training.config import TestingConfig  # noqa: E402
from training.extensions import db  # noqa: E402
from training.measures.periods import KINDS, local_today, period_of  # noqa: E402
from training.metrics.centre_index.models import IndexSnapshot  # noqa: E402
from training.metrics.centre_index.snapshots import REFRESH_CENTRE  # noqa: E402
from training.org.models import Centre, Department  # noqa: E402


def _stale(centre_ids: list[int]) -> int:
    departments = select(Department.id).where(Department.centre_id.in_(centre_ids))
    staff = select(User.id).where(User.centre_id.in_(centre_ids))
    snapshots = db.session.scalar(select(func.count()).select_from(IndexSnapshot).where(
        IndexSnapshot.computed_version < IndexSnapshot.data_version,
        or_((IndexSnapshot.scope_kind == "centre") & IndexSnapshot.scope_id.in_(centre_ids),
            (IndexSnapshot.scope_kind == "department") & IndexSnapshot.scope_id.in_(departments),
            (IndexSnapshot.scope_kind == "employee") & IndexSnapshot.scope_id.in_(staff)))) or 0
    scores = db.session.scalar(select(func.count()).select_from(CompetenceScore).where(
        CompetenceScore.computed_version < CompetenceScore.data_version)) or 0
    db.session.commit()
    return snapshots + scores


def run(database_url: str, queue_url: str, centres: int, workers: int) -> None:
    name = f"bench-{uuid.uuid4().hex[:8]}"
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=database_url, TASKS_IMMEDIATE=False,
                     TASKS_QUEUE_URL=queue_url, TASKS_QUEUE_NAME=name, TASKS_COALESCE_SECONDS=0)
    with app.app_context():
        queue = tasks.queue_of(app)
        centre_ids = list(db.session.scalars(select(Centre.id).order_by(Centre.id).limit(centres)))
        today = local_today()
        departments = select(Department.id).where(Department.centre_id.in_(centre_ids))
        staff = select(User.id).where(User.centre_id.in_(centre_ids))
        for kind in KINDS:
            period = period_of(kind, today)
            db.session.execute(update(IndexSnapshot).where(
                IndexSnapshot.period_kind == kind, IndexSnapshot.period_start == period.start,
                or_((IndexSnapshot.scope_kind == "centre") & IndexSnapshot.scope_id.in_(centre_ids),
                    (IndexSnapshot.scope_kind == "department") & IndexSnapshot.scope_id.in_(departments),
                    (IndexSnapshot.scope_kind == "employee") & IndexSnapshot.scope_id.in_(staff)))
                .values(data_version=IndexSnapshot.data_version + 1).execution_options(synchronize_session=False))
        db.session.execute(update(CompetenceScore).where(
            CompetenceScore.period_start == period_of("month", today).start, CompetenceScore.user_id.in_(staff))
            .values(data_version=CompetenceScore.data_version + 1).execution_options(synchronize_session=False))
        db.session.commit()
        stale = _stale(centre_ids)
        for centre_id in centre_ids:
            queue.enqueue(REFRESH_CENTRE, centre_id)
        queue.enqueue(REFRESH_SCORES)
        print(f"{len(centre_ids)} centres: {stale} stale rows, {queue.huey.pending_count()} tasks queued ({name})")
        env = dict(os.environ, FLASK_APP="training.app", DATABASE_URL=database_url, TASKS_QUEUE_URL=queue_url,
                   TASKS_QUEUE_NAME=name, TASKS_RUN_DUE="0", PYTHONPATH=str(ROOT))
        started = time.perf_counter()
        command = [str(Path(sys.executable).parent / "flask"), "jobs", "worker", "--workers", str(workers),
                   "--no-periodic"]
        worker = subprocess.Popen(command, env=env, cwd=ROOT,  # noqa: S603 - our own command line
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        process = psutil.Process(worker.pid)
        samples: list[float] = []
        try:
            while True:
                samples.append(process.memory_info().rss / 2**20)
                if len(samples) % 10 == 0 and not queue.huey.pending_count() and not _stale(centre_ids):
                    break
                if time.perf_counter() - started > 1800:
                    raise SystemExit("the worker did not finish in 30 minutes")
                time.sleep(0.1)
            seconds = time.perf_counter() - started
            samples.append(process.memory_info().rss / 2**20)
        finally:
            worker.terminate()
            worker.wait(60)
            queue.huey.flush()
        print(f"worker ({workers} thread{'s' if workers > 1 else ''}): RSS at start {samples[0]:.0f} MiB, "
              f"peak {max(samples):.0f} MiB, at the end {samples[-1]:.0f} MiB; all recomputed in {seconds:.1f} s "
              f"(including the worker's start)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--queue-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--centres", type=int, default=500)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    run(args.database_url, args.queue_url, args.centres, args.workers)


if __name__ == "__main__":
    main()
