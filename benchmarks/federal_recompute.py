"""Full recompute at federal scale: what ``flask metrics recompute`` runs, timed step by step, on a database from
benchmarks/federal_data.py.

    .venv/bin/python benchmarks/federal_recompute.py --database-url sqlite:////tmp/fedbench/federal.sqlite3
    .venv/bin/python benchmarks/federal_recompute.py --database-url postgresql://postgres@127.0.0.1:5432/federal_bench

Steps (the CLI's order, each timed separately):

1. ``competence.recompute_batch`` for the current month — every employee's competence scores (what the daily job
   and ``flask metrics recompute`` run);
2. ``snapshots.refresh_stale()`` — the client-centricity index snapshots the data left stale: the current month
   and week of every centre, every regional service and the organisation, and the whole history of the first
   centre, its departments and its service (what the load test's dashboard reads);
3. ``competence.refresh_stale()`` — rows bumped by new evidence (none right after the batch);
4. ``snapshots.discover()`` — the CLI's first step: finds scopes and periods with data and no snapshot.

Then it estimates ``flask metrics recompute --all`` (every snapshot of every scope and period): it times
``snapshots.compute`` on a sample of each scope kind and period kind and multiplies by the number of snapshots.
The database is changed (scores and snapshots are written), as the CLI would; run it before benchmarks/load.py.
``--restale`` marks the current periods stale again, to repeat the measurement on the same database."""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select  # noqa: E402

from training.app import create_app  # noqa: E402
from training.config import TestingConfig  # noqa: E402
from training.extensions import db  # noqa: E402


def run(database_url: str, months: int, sample: int, skip_discover: bool, profile: str | None,
        restale: bool) -> None:
    from training.competence import services as competence
    from training.measures.periods import Period
    from training.metrics.centre_index import snapshots
    from training.metrics.centre_index.models import IndexSnapshot

    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=database_url)
    timings: dict[str, float] = {}
    with app.app_context():
        profiler = None
        if profile:
            from pyinstrument import Profiler

            profiler = Profiler()
        if restale:  # again the state the generator leaves: current periods of centres, services, organisation
            from sqlalchemy import and_, or_, update

            from training.measures.periods import MONTH, WEEK, local_today, period_of

            today = local_today()
            week, month = period_of(WEEK, today).start, period_of(MONTH, today).start
            db.session.execute(update(IndexSnapshot).where(
                IndexSnapshot.scope_kind.in_(("organisation", "service", "centre")),
                or_(and_(IndexSnapshot.period_kind == WEEK, IndexSnapshot.period_start == week),
                    and_(IndexSnapshot.period_kind == MONTH, IndexSnapshot.period_start == month)))
                .values(data_version=IndexSnapshot.data_version + 1))
            db.session.commit()
        recent = competence.recent_months(months)
        started = time.perf_counter()
        if profiler and profile == "competence":
            profiler.start()
        batch = competence.recompute_batch(recent)
        if profiler and profile == "competence":
            profiler.stop()
        timings[f"1. competence.recompute_batch: {batch.people} staff × {len(recent)} month(s)"] = \
            time.perf_counter() - started

        stale = Counter(f"{kind}/{period}" for kind, period in db.session.execute(
            select(IndexSnapshot.scope_kind, IndexSnapshot.period_kind)
            .where(IndexSnapshot.computed_version < IndexSnapshot.data_version)))
        started = time.perf_counter()
        if profiler and profile == "snapshots":
            profiler.start()
        written = snapshots.refresh_stale()
        if profiler and profile == "snapshots":
            profiler.stop()
        seconds = time.perf_counter() - started
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(stale.items()))
        timings[f"2. snapshots.refresh_stale: {written} snapshots ({kinds})"] = seconds
        per_snapshot = seconds / max(1, written)

        started = time.perf_counter()
        people = competence.refresh_stale()
        timings[f"3. competence.refresh_stale: {people} rows"] = time.perf_counter() - started

        if not skip_discover:
            started = time.perf_counter()
            created = snapshots.discover()
            db.session.commit()
            timings[f"4. snapshots.discover: {created} new snapshots"] = time.perf_counter() - started
        total = sum(timings.values())

        # estimate of --all: every snapshot of every scope and period, one by one
        counts = dict(((kind, pk), n) for kind, pk, n in db.session.execute(
            select(IndexSnapshot.scope_kind, IndexSnapshot.period_kind, func.count())
            .group_by(IndexSnapshot.scope_kind, IndexSnapshot.period_kind)))
        rnd = random.Random(5)  # noqa: S311
        estimate, lines = 0.0, []
        for (kind, period_kind), n in sorted(counts.items()):
            ids = list(db.session.execute(select(IndexSnapshot.scope_id, IndexSnapshot.period_start,
                                                 IndexSnapshot.period_end)
                                          .where(IndexSnapshot.scope_kind == kind,
                                                 IndexSnapshot.period_kind == period_kind)))
            chosen = rnd.sample(ids, min(sample, len(ids)))
            times = []
            for scope_id, start, end in chosen:
                began = time.perf_counter()
                snapshots.compute(kind, scope_id, Period(period_kind, start, end))
                times.append(time.perf_counter() - began)
            mean = statistics.mean(times)
            estimate += mean * n
            lines.append(f"     {kind:<13} {period_kind:<6} {n:>9,} snapshots × {mean * 1000:7.1f} ms "
                         f"= {mean * n:8.0f} s")
        db.session.rollback()
        db.session.remove()
        db.engine.dispose()

    print(f"full recompute on {database_url.split('@')[-1]}")
    for name, value in timings.items():
        print(f"  {value:8.1f} s  {name}")
    print(f"  {total:8.1f} s  total (goal < 30 s); index snapshots {per_snapshot * 1000:.1f} ms each")
    print(f"  estimate of `flask metrics recompute --all` (compute only, sample of {sample} per kind): "
          f"{estimate:,.0f} s = {estimate / 3600:.1f} h")
    for text in lines:
        print(text)
    if profiler:
        print(profiler.output_text(unicode=True, color=False, show_all=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--months", type=int, default=1, help="competence months to recompute (the CLI: 1)")
    parser.add_argument("--sample", type=int, default=30, help="snapshots timed per kind for the --all estimate")
    parser.add_argument("--skip-discover", action="store_true")
    parser.add_argument("--profile", choices=("competence", "snapshots"), help="pyinstrument one step")
    parser.add_argument("--restale", action="store_true",
                        help="first mark the current week and month of every centre, service and the organisation "
                             "stale again (to repeat the measurement on the same database)")
    args = parser.parse_args()
    run(args.database_url, args.months, args.sample, args.skip_discover, args.profile, args.restale)


if __name__ == "__main__":
    main()
