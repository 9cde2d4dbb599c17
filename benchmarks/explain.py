"""Query plans of the main pages on a database from benchmarks/federal_data.py, with sequential scans over big
tables flagged.

    .venv/bin/python benchmarks/explain.py --database-url sqlite:////tmp/fedbench/federal.sqlite3
    .venv/bin/python benchmarks/explain.py --database-url postgresql://postgres@127.0.0.1:5432/federal_bench

Each page (lesson, quiz answer save, colleague vote, client feedback, ranking, dashboard, verification) is
requested once through the test client as in benchmarks/profile_page.py, after a warm-up request; every
SELECT/UPDATE/DELETE it sends is recorded with its parameters and explained with the same parameters
(``EXPLAIN`` on PostgreSQL — the plan without running it —, ``EXPLAIN QUERY PLAN`` on SQLite). A plan that reads a
table of more than ``--big`` rows from end to end (PostgreSQL ``Seq Scan``, SQLite ``SCAN`` without an index
search) is flagged with ``!!``. ``--verbose`` prints every plan, not only the flagged ones and a summary line."""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, text  # noqa: E402

from benchmarks.profile_page import prepare  # noqa: E402

PAGES = ("lesson", "save", "vote", "feedback", "ranking", "dashboard", "verify")


def table_sizes(conn) -> dict[str, int]:
    if conn.dialect.name == "postgresql":
        return {name: int(rows) for name, rows in conn.execute(text(
            "SELECT relname, reltuples FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace"))}
    sizes = {}
    for name, stat in conn.execute(text("SELECT tbl, stat FROM sqlite_stat1")):
        sizes[name] = max(sizes.get(name, 0), int(str(stat).split()[0]))
    return sizes


def big_scans(plan: list[str], sizes: dict[str, int], big: int, is_pg: bool) -> list[str]:
    found = []
    for row in plan:
        if is_pg:
            match = re.search(r"Seq Scan on (\w+)", row)
        else:
            match = re.search(r"\bSCAN (\w+)", row)
            if match and "USING INTEGER PRIMARY KEY" in row:
                match = None
        if match and sizes.get(match.group(1), 0) > big:
            found.append(f"{match.group(1)} ({sizes[match.group(1)]:,} rows)")
    return found


def explain_page(page: str, database_url: str, big: int, verbose: bool) -> int:
    from training.extensions import db

    app, client, method, path, data, headers = prepare(page, database_url)
    client.open(path, method=method, data=data, headers=headers)  # warm-up: first views write, later ones read
    recorded: list[tuple[str, object]] = []
    with app.app_context():
        engine = db.engine

    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().split(None, 1)[0].upper() in ("SELECT", "UPDATE", "DELETE", "WITH"):
            recorded.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    answer = client.open(path, method=method, data=data, headers=headers)
    event.remove(engine, "before_cursor_execute", record)
    is_pg = engine.dialect.name == "postgresql"
    flagged = 0
    print(f"\n=== {page}: {method} {path} → {answer.status_code}, {len(recorded)} statements")
    with engine.connect() as conn:
        sizes = table_sizes(conn)
        for number, (statement, parameters) in enumerate(recorded, start=1):
            prefix = "EXPLAIN " if is_pg else "EXPLAIN QUERY PLAN "
            rows = conn.exec_driver_sql(prefix + statement, parameters).all()
            plan = [row[0] if is_pg else f"{'  ' * 0}{row[-1]}" for row in rows]
            scans = big_scans(plan, sizes, big, is_pg)
            flagged += bool(scans)
            first_line = " ".join(statement.split())[:150]
            if scans or verbose:
                mark = "!! sequential scan of " + ", ".join(scans) if scans else "ok"
                print(f"--- {number}. {mark}\n    {first_line}…")
                for line in plan:
                    print(f"      {line}")
            else:
                print(f"--- {number}. ok: {first_line[:110]}… | {plan[0] if plan else ''}"[:230])
        conn.rollback()
    return flagged


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--pages", nargs="*", choices=PAGES, default=list(PAGES))
    parser.add_argument("--big", type=int, default=10_000, help="a table is big above this many rows")
    parser.add_argument("--verbose", action="store_true", help="print every plan")
    args = parser.parse_args()
    total = {page: explain_page(page, args.database_url, args.big, args.verbose) for page in args.pages}
    print("\nsequential scans of big tables per page: " + ", ".join(f"{k} {v}" for k, v in total.items()))


if __name__ == "__main__":
    main()
