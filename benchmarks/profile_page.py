"""Profile one page in-process (pyinstrument) on a database from benchmarks/federal_data.py: the app as
benchmarks/load_app.py builds it, a signed-in user through the test client, N requests under the profiler.

    .venv/bin/python benchmarks/profile_page.py --database-url sqlite:////tmp/fedbench/federal.sqlite3 lesson
    .venv/bin/python benchmarks/profile_page.py --database-url postgresql://postgres@127.0.0.1:5432/federal_bench \\
        ranking --requests 50

Pages: lesson, save, vote, feedback, ranking, dashboard, verify, hello (the bare Flask app, for comparison).
Prints the mean time per request, the number of SQL statements per request and the profile."""
from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event  # noqa: E402

from benchmarks.federal_data import BENCH_PASSWORD  # noqa: E402

TOKEN_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


PAGES = ("lesson", "save", "vote", "feedback", "ranking", "dashboard", "verify", "hello")
SECRET = "federal-bench-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"  # noqa: S105 - scratch benchmark app


def prepare(page: str, database_url: str):
    """(app, test client, method, path, form data, headers) of one page, with the user signed in."""
    os.environ.update({"DATABASE_URL": database_url, "TRAINING_CONFIG": "production", "SECRET_KEY": SECRET})
    if page == "hello":
        sys.path.insert(0, str(ROOT / "benchmarks"))
        from hello_app import app

        client = app.test_client()
        method, path, data, headers = "GET", "/", None, {}
    else:
        from benchmarks.load import fixture
        from benchmarks.load_app import app

        fx = fixture(database_url)
        client = app.test_client()

        def sign_in(email: str) -> str:
            token = TOKEN_RE.search(client.get("/auth/login").get_data(as_text=True)).group(1)
            answer = client.post("/auth/login", data={"email": email, "password": BENCH_PASSWORD, "csrf_token": token})
            assert answer.status_code in (302, 303), answer.status_code
            return token

        headers: dict[str, str] = {}
        data = None
        method = "GET"
        if page in ("lesson", "save", "vote"):
            token = sign_in(fx["employees"][0])
            if page == "lesson":
                path = "/learn/block/3"
            elif page == "save":
                start = client.post(f"/quizzes/{fx['quiz_id']}/start", data={"csrf_token": token})
                path = re.search(r"/quizzes/attempts/\d+", start.headers["Location"]).group(0) + "/save"
                method, data, headers = "POST", {"slot": 1, "answer": 0, "go": "", "csrf_token": token}, \
                    {"HX-Request": "true"}
            else:
                method, path = "POST", f"/recognition/contests/{fx['contest_id']}/vote"
                data = {"nominee_id": fx["staff"][5], "reason": "", "csrf_token": token}
        elif page == "ranking":
            sign_in(fx["hr"])
            path = f"/metrics/competence/ranking?by=overall&top=50&service_id={fx['service_id']}"
        elif page == "dashboard":
            sign_in(fx["manager"])
            path = f"/metrics/pulse/centre/{fx['centre_id']}"
        elif page == "feedback":
            visits = iter(fx["visits"])  # a fresh one-time visit code (and its specialist's link) per answer
            token = TOKEN_RE.search(client.get(f"/f/{fx['visits'][0][0]}").get_data(as_text=True)).group(1)
            method, path = "POST", None

            def data():
                link, code = next(visits)
                return f"/f/{link}", {"ces": 5, "expectations": 4, "recommend": 9, "comment": "",
                                      "aspect-politeness": 5, "code": code, "csrf_token": token}
        else:
            path = f"/certificates/verify/{fx['codes'][0]}"

    return app, client, method, path, data, headers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("page", choices=PAGES)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--html", help="also write the profile as HTML to this file")
    args = parser.parse_args()
    from pyinstrument import Profiler

    app, client, method, path, data, headers = prepare(args.page, args.database_url)
    statements = [0]
    if args.page != "hello":
        from training.extensions import db

        with app.app_context():
            engine = db.engine

        @event.listens_for(engine, "before_cursor_execute")
        def _count(*_args):
            statements[0] += 1

    def once():
        url, form = data() if callable(data) else (path, data)  # the feedback: a new visit code each time
        answer = client.open(url, method=method, data=form, headers=headers)
        assert answer.status_code < 400, (answer.status_code, answer.get_data(as_text=True)[:500])

    for _ in range(5):
        once()
    statements[0] = 0
    profiler = Profiler(interval=0.0005)
    started = time.perf_counter()
    profiler.start()
    for _ in range(args.requests):
        once()
    profiler.stop()
    elapsed = time.perf_counter() - started
    print(f"{args.page}: {method} {path or '/f/…'}: {elapsed / args.requests * 1000:.2f} ms per request (profiled), "
          f"{statements[0] / args.requests:.1f} SQL statements per request")
    print(profiler.output_text(unicode=True, color=False, show_all=False))
    if args.html:
        Path(args.html).write_text(profiler.output_html())


if __name__ == "__main__":
    main()
