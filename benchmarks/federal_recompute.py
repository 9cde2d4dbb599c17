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
``--restale`` marks the current periods stale again, to repeat the measurement on the same database; ``--sample 0``
skips the estimate. Each step is reported with its wall time, this process's CPU time, the CPU time of the
PostgreSQL server processes serving the database (when the server runs on this machine) and the load average when
it started: on a shared machine the CPU columns are the comparable measure (docs/PERFORMANCE.md)."""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select, text  # noqa: E402

from training.app import create_app  # noqa: E402
from training.config import TestingConfig  # noqa: E402
from training.extensions import db  # noqa: E402


def database_cpu() -> float:
    """CPU seconds used so far by the PostgreSQL server processes serving this database (read from /proc: the
    server runs on this machine in these benchmarks); 0 elsewhere. With this process's CPU it gives the work a step
    did, which the load of a shared machine inflates far less than the wall time."""
    if db.engine.dialect.name != "postgresql":
        return 0.0
    pids = db.session.scalars(text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")).all()
    seconds = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seconds += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
    return seconds


def run(database_url: str, months: int, sample: int, skip_discover: bool, profile: str | None,
        restale: bool) -> None:
    from training.competence import services as competence
    from training.measures.periods import Period
    from training.metrics.centre_index import snapshots
    from training.metrics.centre_index.models import IndexSnapshot

    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=database_url)
    timings: dict[str, float] = {}
    cpu: dict[str, float] = {}  # this process's CPU seconds per step
    db_cpu: dict[str, float] = {}  # the database server's CPU seconds per step (PostgreSQL on this machine)
    load: dict[str, float] = {}  # the 1-minute load average when the step started (the machine may be shared)
    marks: list[tuple[float, float, float, float]] = []

    def begin() -> None:
        marks.append((time.perf_counter(), time.process_time(), os.getloadavg()[0], database_cpu()))

    def end(name: str) -> float:
        started, cpu_started, load_started, db_started = marks.pop()
        timings[name] = time.perf_counter() - started
        cpu[name], load[name] = time.process_time() - cpu_started, load_started
        db_cpu[name] = database_cpu() - db_started
        return timings[name]

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
        begin()
        if profiler and profile == "competence":
            profiler.start()
        batch = competence.recompute_batch(recent)
        if profiler and profile == "competence":
            profiler.stop()
        end(f"1. competence.recompute_batch: {batch.people} staff × {len(recent)} month(s)")

        stale = Counter(f"{kind}/{period}" for kind, period in db.session.execute(
            select(IndexSnapshot.scope_kind, IndexSnapshot.period_kind)
            .where(IndexSnapshot.computed_version < IndexSnapshot.data_version)))
        begin()
        if profiler and profile == "snapshots":
            profiler.start()
        written = snapshots.refresh_stale()
        if profiler and profile == "snapshots":
            profiler.stop()
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(stale.items()))
        per_snapshot = end(f"2. snapshots.refresh_stale: {written} snapshots ({kinds})") / max(1, written)

        begin()
        people = competence.refresh_stale()
        end(f"3. competence.refresh_stale: {people} rows")

        if not skip_discover:
            begin()
            created = snapshots.discover()
            db.session.commit()
            end(f"4. snapshots.discover: {created} new snapshots")
        total = sum(timings.values())

        # estimate of --all: every snapshot of every scope and period, one by one
        counts = dict(((kind, pk), n) for kind, pk, n in db.session.execute(
            select(IndexSnapshot.scope_kind, IndexSnapshot.period_kind, func.count())
            .group_by(IndexSnapshot.scope_kind, IndexSnapshot.period_kind)))
        rnd = random.Random(5)  # noqa: S311
        estimate, lines = 0.0, []
        for (kind, period_kind), n in sorted(counts.items()) if sample > 0 else ():
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
    print("      wall    cpu (this process)   cpu (database)   load   step")
    for name, value in timings.items():
        print(f"  {value:8.1f} s  {cpu[name]:8.1f} s  {db_cpu[name]:14.1f} s  {load[name]:8.1f}   {name}")
    print(f"  {total:8.1f} s  {sum(cpu.values()):8.1f} s  {sum(db_cpu.values()):14.1f} s  "
          f"{os.getloadavg()[0]:8.1f}   total (goal < 30 s); index snapshots {per_snapshot * 1000:.1f} ms each")
    print(f"  estimate of `flask metrics recompute --all` (compute only, sample of {sample} per kind): "
          f"{estimate:,.0f} s = {estimate / 3600:.1f} h")
    for line in lines:
        print(line)
    if profiler:
        print(profiler.output_text(unicode=True, color=False, show_all=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--months", type=int, default=1, help="competence months to recompute (the CLI: 1)")
    parser.add_argument("--sample", type=int, default=30,
                        help="snapshots timed per kind for the --all estimate (0: no estimate)")
    parser.add_argument("--skip-discover", action="store_true")
    parser.add_argument("--profile", choices=("competence", "snapshots"), help="pyinstrument one step")
    parser.add_argument("--restale", action="store_true",
                        help="first mark the current week and month of every centre, service and the organisation "
                             "stale again (to repeat the measurement on the same database)")
    args = parser.parse_args()
    run(args.database_url, args.months, args.sample, args.skip_discover, args.profile, args.restale)


if __name__ == "__main__":
    main()
