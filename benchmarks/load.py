"""Load test at federal scale: the app under gunicorn against a database from benchmarks/federal_data.py, seven
pages at 32 concurrent users, and three references under the same gunicorn settings: a bare Flask «hello world»
(the server's ceiling), a bare signed-in page and the same with one indexed top-50 query and a 50-row template
(the realistic ceilings for a page that does anything, against the same database: benchmarks/ref_base.py).
Every page is reported as a ratio to each of the three, measured in the same run.

    make bench                                       # installs .[bench] and wrk, generates --scale 0.1, runs this
    .venv/bin/python benchmarks/load.py --database-url sqlite:////tmp/fedbench/federal.sqlite3
    .venv/bin/python benchmarks/load.py --database-url postgresql://postgres@127.0.0.1:5432/federal_bench

Run benchmarks/federal_recompute.py on the database first (rankings and dashboards read stored scores and
snapshots). Needs the ``bench`` extra (``pip install -e '.[bench]'``) and Debian's ``wrk`` (``apt-get install -y
wrk``); ``make bench`` installs both.

* gunicorn: ``-w 2 --threads 4`` (gthread) for every target: one process per core (Python holds the GIL), four
  threads each so a worker keeps its core busy while a request waits on the database; 8 requests in progress,
  the other connections wait in the accept queue — the same for the app and the ceiling.
* load generator: ``wrk -t 1 -c 32`` (one event-loop thread in C, 32 keep-alive connections, closed loop).
  It costs a few per cent of one core at these rates, where a Python generator (locust) would need most of a
  core of the two the server has. Sessions are prepared in Python first: each user signs in through the real
  login form (CSRF token from the page, argon2id check), opens a quiz attempt through the real «start» button,
  and their cookie and CSRF token go to the wrk Lua script, which rotates the 32 users' requests over the
  connections. A client's answer needs a one-time visit code: each feedback request carries its own fresh code of
  the link's specialist (``visit_pool``), and the warm-up and the measurement use different codes.
* each page: a 5 s warm-up, then ``--duration`` seconds measured; throughput, p50/p95/p99 latency, errors
  (connection errors, timeouts and HTTP ≥ 400); throughput as a ratio to each reference; RSS of each gunicorn
  worker after the run. The references' 32 users sign in through the reference's own (unmeasured) sign-in URL.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402  (the bench extra: fail now, not after the first reference)
import requests  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from benchmarks import ref_base  # noqa: E402
from benchmarks.federal_data import BENCH_PASSWORD  # noqa: E402

USERS = 32
AGENT = "federal-bench/1.0"
GUNICORN = ["-w", "2", "--threads", "4", "--worker-class", "gthread", "--backlog", "256", "--keep-alive", "5"]
SECRET = "federal-bench-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"  # noqa: S105 - scratch benchmark app
TOKEN_RE = re.compile(r'X-CSRFToken": "([^"]+)"')
FIELD_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
LUA = r"""
local lines, idx = {}, 0
local errors_by_status = {}
function init(args)
  for line in io.lines(args[1]) do
    local method, path, headers, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
    local h = {}
    for k, v in headers:gmatch("([^=;]+)=([^;]*)") do h[k] = v:gsub("%%3B", ";"):gsub("%%3D", "=") end
    table.insert(lines, wrk.format(method, path, h, body ~= "" and body or nil))
  end
  idx = math.random(#lines) - 1
end
function request()
  idx = idx % #lines + 1
  return lines[idx]
end
function done(summary, latency, requests)
  io.write(string.format('WRKJSON {"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, ' ..
    '"status": %d, "timeout": %d, "p50": %d, "p95": %d, "p99": %d, "max": %d, "mean": %.1f}\n',
    summary.requests, summary.duration, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, latency.mean))
end
"""


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, module: str, env: dict[str, str]):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        args = [str(ROOT / ".venv" / "bin" / "gunicorn"), *GUNICORN, "-b", f"127.0.0.1:{self.port}",
                "--pythonpath", f"{ROOT},{ROOT / 'benchmarks'}", "--log-level", "warning", module]
        self.log = tempfile.NamedTemporaryFile(prefix="gunicorn-", suffix=".log", delete=False)  # noqa: SIM115
        self.proc = subprocess.Popen(args,  # noqa: S603 - our own command line
                                     env={**os.environ, **env}, stdout=self.log, stderr=subprocess.STDOUT,
                                     cwd=ROOT)

    def wait(self, path: str = "/") -> None:
        for _ in range(300):
            try:
                if requests.get(self.base + path, timeout=2).status_code < 500:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not start, see {self.log.name}")

    def workers_rss(self) -> list[float]:
        return [child.memory_info().rss / 2**20 for child in psutil.Process(self.proc.pid).children()]

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def wrk(base: str, lines: list[str], duration: int, connections: int = USERS) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="wrk-"))
    (workdir / "script.lua").write_text(LUA)
    (workdir / "requests.tsv").write_text("\n".join(lines) + "\n")
    out = subprocess.run(["wrk",  # noqa: S603, S607 - Debian's wrk from PATH
                          "-t", "1", "-c", str(connections), "-d", f"{duration}s", "--timeout", "10s",
                          "-s", str(workdir / "script.lua"), base, "--", str(workdir / "requests.tsv")],
                         capture_output=True, text=True, check=True).stdout
    shutil.rmtree(workdir, ignore_errors=True)
    data = json.loads(out.split("WRKJSON ", 1)[1].splitlines()[0])
    data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
    data["errors"] = data["connect"] + data["read"] + data["write"] + data["status"] + data["timeout"]
    return data


def line(method: str, path: str, headers: dict[str, str] | None = None, body: str = "") -> str:
    enc = ";".join(f"{k}={v.replace(';', '%3B').replace('=', '%3D')}" for k, v in (headers or {}).items())
    return f"{method}\t{path}\t{enc}\t{body}"


# --- preparing the sessions ---------------------------------------------------------------------------------------

def fixture(database_url: str) -> dict:
    """Who signs in and what they open, read from the generated database."""
    from training.accounts.models import User, UserRole
    from training.app import create_app
    from training.certificates.models import Certificate
    from training.config import TestingConfig
    from training.courses.models import Block
    from training.extensions import db
    from training.gamification.contests.models import Contest
    from training.metrics.feedback.models import FeedbackLink
    from training.org.models import Centre
    from training.quizzes.models import Quiz

    # the server's secret: the visit codes below are the ones its specialists' windows show
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=database_url, SECRET_KEY=SECRET)
    rnd = random.Random(7)  # noqa: S311 - which rows the load test opens, not secrets
    with app.app_context():
        centre = db.session.scalar(select(Centre).order_by(Centre.id))
        manager = db.session.scalar(select(User).join(UserRole).where(User.centre_id == centre.id,
                                                                      UserRole.role == "manager"))
        hr = db.session.scalar(select(User).join(UserRole).where(User.regional_service_id == centre.regional_service_id,
                                                                 UserRole.role == "hr").order_by(User.id))
        staff = list(db.session.scalars(select(User.id).where(User.centre_id == centre.id, User.id != manager.id)
                                        .order_by(User.id)))
        employees = list(db.session.scalars(select(User).where(User.id.in_(staff[:USERS])).order_by(User.id)))
        last_block = db.session.scalar(select(Block).order_by(Block.number.desc()))
        quiz = db.session.scalar(select(Quiz).where(Quiz.block_id == last_block.id))
        contest = db.session.scalar(select(Contest).where(Contest.centre_id == centre.id, Contest.status == "open"))
        total_links = db.session.scalar(select(func.count()).select_from(FeedbackLink))
        links = db.session.execute(select(FeedbackLink.token, FeedbackLink.employee_id)
                                   .where(FeedbackLink.employee_id.is_not(None), FeedbackLink.is_active)
                                   .order_by(FeedbackLink.id)
                                   .offset(rnd.randint(0, max(0, total_links - VISIT_LINKS - 50)))
                                   .limit(VISIT_LINKS)).all()
        tokens = [token for token, _ in links[:256]]
        visits = visit_pool(links)
        total = db.session.scalar(select(func.max(Certificate.id)))
        ids = rnd.sample(range(1, total + 1), min(1000, total))
        codes = list(db.session.scalars(select(Certificate.verification_code).where(Certificate.id.in_(ids))))
        blocks = [b for b in range(1, last_block.number + 1)]
        result = {"centre_id": centre.id, "service_id": centre.regional_service_id, "manager": manager.email,
                  "hr": hr.email, "employees": [u.email for u in employees], "staff": staff, "quiz_id": quiz.id,
                  "contest_id": contest.id, "tokens": tokens, "visits": visits, "codes": codes, "blocks": blocks}
        db.session.remove()
        db.engine.dispose()
    return result


def visit_pool(links: list[tuple[str, int]]) -> list[tuple[str, str]]:
    """(link token, visit code) pairs, each an answer the app accepts once: every code of the links' specialists
    valid now (their window's and the previous one's, CLIENT_VISIT_CODES_PER_WINDOW each) that no client has used
    for feedback yet, the current window's first (they stay valid longest). Shuffled, so consecutive requests
    hit different specialists. Needs an app context with the server's SECRET_KEY."""
    from training.db import utcnow
    from training.extensions import db
    from training.gamification.contests import codes
    from training.gamification.contests.models import VisitCodeUse

    current = codes.window_index(utcnow())
    employee_ids = sorted({employee_id for _, employee_id in links})
    used = set(db.session.execute(select(VisitCodeUse.employee_id, VisitCodeUse.window_index, VisitCodeUse.seq)
                                  .where(VisitCodeUse.employee_id.in_(employee_ids),
                                         VisitCodeUse.window_index >= current - 1,
                                         VisitCodeUse.feedback_at.is_not(None))).all())
    pool = []
    for window in (current, current - 1):
        fresh = [(token, codes.client_code(employee_id, window, seq)) for token, employee_id in links
                 for seq in range(codes.visit_codes_per_window()) if (employee_id, window, seq) not in used]
        random.Random(window).shuffle(fresh)  # noqa: S311 - the order of requests, not a secret
        pool += fresh
    left = codes.window_end(current) - utcnow()
    print(f"  {len(pool)} fresh visit codes of {len(links)} specialists; the older half expires in "
          f"{left.total_seconds() / 60:.0f} min")
    return pool


def sign_in(base: str, email: str) -> requests.Session:
    session = requests.Session()
    session.headers["User-Agent"] = AGENT
    page = session.get(base + "/auth/login")
    token = FIELD_RE.search(page.text).group(1)
    answer = session.post(base + "/auth/login", data={"email": email, "password": BENCH_PASSWORD,
                                                      "csrf_token": token}, allow_redirects=False)
    if answer.status_code not in (302, 303):
        raise RuntimeError(f"sign-in of {email} failed: {answer.status_code}")
    return session


def token_of(session: requests.Session, base: str, path: str = "/") -> str:
    return TOKEN_RE.search(session.get(base + path).text).group(1)


def cookie_header(session: requests.Session) -> str:
    return "; ".join(f"{c.name}={c.value}" for c in session.cookies)


def scenarios(base: str, fx: dict) -> dict[str, list[str]]:
    """The request lines of each page, from 32 signed-in employees (and their manager and HR)."""
    rnd = random.Random(11)  # noqa: S311
    employees = []
    started = time.perf_counter()
    for email in fx["employees"]:
        session = sign_in(base, email)
        csrf = token_of(session, base)
        start = session.post(f"{base}/quizzes/{fx['quiz_id']}/start", data={"csrf_token": csrf},
                             allow_redirects=False)
        match = re.search(r"/quizzes/attempts/(\d+)", start.headers.get("Location", "") + start.headers.get(
            "HX-Redirect", ""))
        if match is None:
            raise RuntimeError(f"could not start an attempt for {email}: {start.status_code} {start.text[:300]}")
        employees.append({"cookie": cookie_header(session), "csrf": csrf, "attempt": int(match.group(1))})
    bosses = []
    for email in (fx["manager"], fx["hr"]):
        session = sign_in(base, email)
        bosses.append({"cookie": cookie_header(session), "csrf": token_of(session, base)})
    clients = []
    for token in fx["tokens"][:USERS]:
        session = requests.Session()
        session.headers["User-Agent"] = AGENT
        page = session.get(f"{base}/f/{token}")
        clients.append({"cookie": cookie_header(session), "csrf": FIELD_RE.search(page.text).group(1)})
    print(f"  prepared {len(employees)} learners, manager, HR, {len(clients)} clients "
          f"in {time.perf_counter() - started:.1f} s")
    ua = {"User-Agent": AGENT}
    lesson, save, vote, feedback, ranking, dashboard, verify = [], [], [], [], [], [], []
    for k, e in enumerate(employees):
        auth = {**ua, "Cookie": e["cookie"]}
        for number in fx["blocks"]:
            lesson.append(line("GET", f"/learn/block/{number}", auth))
        for answer in range(4):
            body = urllib.parse.urlencode({"slot": 1, "answer": answer, "go": ""})
            save.append(line("POST", f"/quizzes/attempts/{e['attempt']}/save",
                             {**auth, "HX-Request": "true", "X-CSRFToken": e["csrf"],
                              "Content-Type": "application/x-www-form-urlencoded"}, body))
        voter = fx["staff"][k]
        for _ in range(4):
            nominee = rnd.choice([s for s in fx["staff"] if s != voter])
            body = urllib.parse.urlencode({"nominee_id": nominee, "reason": "", "csrf_token": e["csrf"]})
            vote.append(line("POST", f"/recognition/contests/{fx['contest_id']}/vote",
                             {**auth, "Content-Type": "application/x-www-form-urlencoded"}, body))
    for k, (token, code) in enumerate(fx["visits"]):  # one answer per visit code: a code gives one answer
        c = clients[k % len(clients)]
        body = urllib.parse.urlencode({"ces": rnd.randint(3, 5), "expectations": rnd.randint(3, 5),
                                       "recommend": rnd.randint(7, 10), "comment": "",
                                       "aspect-politeness": 5, "aspect-empathy": 4, "aspect-clarity": 5,
                                       "code": code, "csrf_token": c["csrf"]})
        feedback.append(line("POST", f"/f/{token}", {**ua, "Cookie": c["cookie"],
                                                     "Content-Type": "application/x-www-form-urlencoded"}, body))
    for metric in ("overall", "communicative", "proactive", "empathy"):
        path = f"/metrics/competence/ranking?by={metric}&top=50&service_id={fx['service_id']}"
        ranking.append(line("GET", path, {**ua, "Cookie": bosses[1]["cookie"]}))
    for boss in bosses:
        dashboard.append(line("GET", f"/metrics/pulse/centre/{fx['centre_id']}", {**ua, "Cookie": boss["cookie"]}))
    for code in fx["codes"]:
        verify.append(line("GET", f"/certificates/verify/{code}", ua))
    return {"lesson page": lesson, "quiz answer save (htmx)": save, "colleague vote": vote,
            "client feedback (public)": feedback, "region staff ranking (top 50)": ranking,
            "centre dashboard («Пульс»)": dashboard, "certificate verification (public)": verify}


GOALS = {"lesson page": 0.5, "region staff ranking (top 50)": 0.3, "centre dashboard («Пульс»)": 0.3}
#: pages whose every request line is good once (a visit code): the first request, the warm-up and the measurement
#: take disjoint slices of the lines, and a measurement that sends more requests than its slice holds says so
ONE_TIME = {"client feedback (public)"}
VISIT_LINKS = 512  # specialists whose codes make the pool: 512 × 24 codes, enough for 400 answers/s over 30 s
HELLO, SIGNED_IN, TOP50 = "hello world (ceiling)", "signed-in page (reference)", "top-50 page (reference)"
REFERENCES = ((HELLO, "hello_app:app"), (SIGNED_IN, "ref_signed_in_app:app"), (TOP50, "ref_top50_app:app"))


def reference_lines(base: str) -> list[str]:
    """32 users of the reference table, one per region, each signed in; their GET / with the session cookie."""
    lines = []
    for user_id in range(1, USERS + 1):
        session = requests.Session()
        answer = session.post(f"{base}/sign-in/{user_id}", headers={"User-Agent": AGENT})
        if answer.status_code != 204:
            raise RuntimeError(f"reference sign-in of {user_id} failed: {answer.status_code}")
        lines.append(line("GET", "/", {"User-Agent": AGENT, "Cookie": cookie_header(session)}))
    return lines


def measure_reference(name: str, module: str, database_url: str, duration: int) -> dict:
    server = Server(module, {"DATABASE_URL": database_url, "SECRET_KEY": SECRET})
    try:
        server.wait()
        lines = [line("GET", "/", {"User-Agent": AGENT})] if name == HELLO else reference_lines(server.base)
        print(f"  {name}: first request {check_first(server.base, lines)}", flush=True)
        wrk(server.base, lines, 5)
        load = os.getloadavg()[0]
        data = wrk(server.base, lines, duration)
        data["rss"] = server.workers_rss()
        data["load"] = load
        print(f"    {data['rps']:.0f} req/s, p95 {data['p95'] / 1000:.1f} ms, errors {data['errors']}", flush=True)
        return data
    finally:
        server.stop()


def check_first(base: str, lines: list[str]) -> str:
    """One request of a scenario through Python, to fail loudly on a 4xx/5xx before measuring."""
    method, path, headers, body = lines[0].split("\t", 3)
    h = dict(item.split("=", 1) for item in headers.split(";") if item)
    h = {k: v.replace("%3B", ";").replace("%3D", "=") for k, v in h.items()}
    try:
        answer = requests.request(method, base + path, headers=h, data=body.encode() or None, allow_redirects=False,
                                  timeout=120)
    except requests.RequestException as exc:
        return f"failed: {exc}"
    return f"{answer.status_code}"


def run(database_url: str, duration: int, only: list[str] | None) -> None:
    print(f"load test: {database_url.split('@')[-1]}, {USERS} users, gunicorn {' '.join(GUNICORN)}, "
          f"{duration} s per page; nproc {os.cpu_count()}, load average {os.getloadavg()}")
    ref_base.prepare(database_url)
    results: list[tuple[str, dict]] = []
    for name, module in REFERENCES:
        results.append((name, measure_reference(name, module, database_url, duration)))
    fx = fixture(database_url)
    app = Server("load_app:app", {"DATABASE_URL": database_url, "SECRET_KEY": SECRET, "TRAINING_CONFIG": "production"})
    try:
        app.wait("/healthz")
        pages = scenarios(app.base, fx)
        for name, lines in pages.items():
            if only and not any(word in name for word in only):
                continue
            warm_up = measured = lines
            if name in ONE_TIME:
                split = 1 + len(lines) * 5 // (5 + duration)
                warm_up, measured = lines[1:split], lines[split:]
            print(f"  {name}: first request {check_first(app.base, lines)}", flush=True)
            wrk(app.base, warm_up, 5)
            load = os.getloadavg()[0]
            data = wrk(app.base, measured, duration)
            if name in ONE_TIME and data["requests"] > len(measured):
                print(f"    the pool ran out: {data['requests'] - len(measured)} requests reused a line "
                      f"(refused, counted in errors)", flush=True)
            data["rss"] = app.workers_rss()
            data["load"] = load
            results.append((name, data))
            print(f"    {data['rps']:.0f} req/s, p95 {data['p95'] / 1000:.0f} ms, errors {data['errors']}", flush=True)
    finally:
        app.stop()
    report(results)


def report(results: list[tuple[str, dict]]) -> None:
    references = {name: data["rps"] for name, data in results if name in (HELLO, SIGNED_IN, TOP50)}
    print(f"\n{'page':<36} {'req/s':>7} {'/hello':>7} {'/signed':>8} {'/top-50':>8} {'p50 ms':>7} {'p95 ms':>7} "
          f"{'p99 ms':>7} {'errors':>7} {'load':>5} {'worker RSS MiB':>15}")
    for name, data in results:
        goal = GOALS.get(name)
        ratios = [data["rps"] / references[ref] for ref in (HELLO, SIGNED_IN, TOP50)]
        flag = "" if goal is None else (" ok" if ratios[0] >= goal else f" <{goal:.0%} of hello")
        p95 = " n/a" if not data["requests"] else " ok" if data["p95"] < 150_000 else " >150"
        print(f"{name:<36} {data['rps']:>7.0f} {ratios[0]:>7.1%} {ratios[1]:>8.1%} {ratios[2]:>8.1%} "
              f"{data['p50'] / 1000:>7.1f} {data['p95'] / 1000:>7.1f}{p95:<5} {data['p99'] / 1000:>7.1f} "
              f"{data['errors']:>7} {data['load']:>5.1f} {'/'.join(f'{r:.0f}' for r in data['rss']):>15}{flag}")
    print(f"load average after the run: {os.getloadavg()}; memory available "
          f"{psutil.virtual_memory().available / 2**30:.1f} GiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True, help="the generated database (sqlite:///… or postgresql://…)")
    parser.add_argument("--duration", type=int, default=30, help="seconds measured per page")
    parser.add_argument("--only", nargs="*", help="only pages whose name contains one of these words")
    args = parser.parse_args()
    run(args.database_url, args.duration, args.only)


if __name__ == "__main__":
    main()
