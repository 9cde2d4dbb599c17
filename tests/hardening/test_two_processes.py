"""Duplicates fired at two real app processes sharing one PostgreSQL database leave exactly one result.

Two gunicorn servers (one worker with 8 threads each, like two production workers or two machines) run against a
scratch PostgreSQL database holding the hardening world (schema by ``db.create_all()``: the tests run ahead of
the lead's migrations). The same person signs in on both, then the same request is sent to both at once, several
times, released together by a barrier: a colleague vote, a quiz start and a quiz submission, a quest checkpoint
score, and the same staff file imported twice. Each request gets the answer a person would (the vote, the attempt,
the result page; one score and «already scored» for the rest; the import's result page), and the database holds
one vote, one attempt finished once, one score and one account per imported person."""
from __future__ import annotations

import csv
import io
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select

from tests.hardening.world import PASSWORD, populate
from tests.support.app import make_test_app
from tests.support.postgres import scratch_postgres_database
from training.extensions import db

pytestmark = pytest.mark.postgres

PER_PROCESS = 6
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, database_url: str, materials_root: str | None, log: Path):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, HARDENING_DATABASE_URL=database_url, HARDENING_MATERIALS_ROOT=materials_root or "",
                   PYTHONPATH=str(ROOT))
        self.log = log.open("w")
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.process = subprocess.Popen(  # noqa: S603 (our own command line)
            [str(gunicorn), "-w", "1", "--threads", "8", "-b", f"127.0.0.1:{self.port}", "--timeout", "60",
             "--graceful-timeout", "5", "tests.hardening.serve:create()"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def wait(self, seconds: float = 90) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server on {self.port} exited: {self.process.returncode}")
            try:
                if requests.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"the server on {self.port} did not start")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)
        self.log.close()


@pytest.fixture(scope="module")
def module_pg_url():
    """A scratch PostgreSQL database for the module (conftest's pg_url, once for all four duplicates)."""
    with scratch_postgres_database() as url:
        yield url


@pytest.fixture(scope="module")
def two_servers(module_pg_url, tmp_path_factory):
    """Both servers and the world, shared by the tests of this module (each uses different objects)."""
    pg_url, tmp_path = module_pg_url, tmp_path_factory.mktemp("servers")
    app = make_test_app(SQLALCHEMY_DATABASE_URI=pg_url)
    with app.app_context():
        db.create_all()
        world = populate()
        db.session.remove()
        db.engine.dispose()
    servers = [Server(pg_url, world.config.get("MATERIALS_ROOT"), tmp_path / f"server-{i}.log") for i in (1, 2)]
    try:
        for server in servers:
            server.wait()
        yield app, world, servers
        with app.app_context():
            db.engine.dispose()
    finally:
        for server in servers:
            server.stop()
        logs = "\n".join(f"--- {s.log.name}\n" + Path(s.log.name).read_text()[-3000:] for s in servers)
        if "Traceback" in logs:
            print(logs)  # shown by pytest when the test fails


def _signed_in(server: Server, email: str) -> requests.Session:
    session = requests.Session()
    response = session.post(server.url + "/auth/login", data={"email": email, "password": PASSWORD},
                            allow_redirects=False, timeout=30)
    assert response.status_code == 303, response.text[-500:]
    return session


def _at_once(sessions: list[tuple[Server, requests.Session]], send: Callable) -> list[int]:
    """``send(server, session)`` PER_PROCESS times on each server, all released together; the statuses."""
    jobs = [pair for pair in sessions for _ in range(PER_PROCESS)]
    barrier = threading.Barrier(len(jobs))
    statuses: list = [None] * len(jobs)

    def run(index: int, server: Server, session: requests.Session) -> None:
        try:
            barrier.wait(30)
            statuses[index] = send(server, session).status_code
        except Exception as exc:  # collected and asserted on below
            statuses[index] = exc

    threads = [threading.Thread(target=run, args=(i, *pair)) for i, pair in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert all(isinstance(s, int) for s in statuses), statuses  # every request was answered (each test says how)
    return statuses


@pytest.fixture
def servers_ctx(two_servers):
    """An app context of the test process, to read (and prepare) the shared database."""
    app, world, servers = two_servers
    with app.app_context():
        yield app, world, servers
        db.session.remove()


def _both(servers, world, who: str) -> list[tuple[Server, requests.Session]]:
    return [(server, _signed_in(server, world.emails[who])) for server in servers]


def test_duplicate_colleague_votes_leave_one(servers_ctx):
    from training.gamification.contests.models import ColleagueVote

    app, world, servers = servers_ctx
    contest_id, nominee_id = world.arguments["contest_id"], world.user_ids["colleague"]
    statuses = _at_once(_both(servers, world, "employee"), lambda server, session: session.post(
        f"{server.url}/recognition/contests/{contest_id}/vote", data={"nominee_id": nominee_id, "reason": "Помогла"},
        allow_redirects=False, timeout=60))
    assert statuses == [303] * len(statuses), statuses  # each is the voter's vote, cast or confirmed
    db.session.expire_all()
    votes = db.session.scalars(select(ColleagueVote).where(ColleagueVote.contest_id == contest_id)).all()
    assert len(votes) == 1 and votes[0].voter_id == world.user_ids["employee"] and votes[0].nominee_id == nominee_id


def test_duplicate_quiz_start_and_submission_leave_one_attempt_finished_once(servers_ctx):
    from training.quizzes.models import Attempt

    app, world, servers = servers_ctx
    quiz_id, learner_id = world.arguments["quiz_id"], world.user_ids["employee"]
    sessions = _both(servers, world, "employee")
    statuses = _at_once(sessions, lambda server, session: session.post(f"{server.url}/quizzes/{quiz_id}/start",
                                                                       allow_redirects=False, timeout=60))
    assert statuses == [303] * len(statuses), statuses  # every tab is taken to the one attempt
    db.session.expire_all()
    attempts = db.session.scalars(select(Attempt).where(Attempt.quiz_id == quiz_id,
                                                        Attempt.user_id == learner_id)).all()
    assert len(attempts) == 1, [(a.id, a.attempt_no, a.state) for a in attempts]
    attempt_id = attempts[0].id
    statuses = _at_once(sessions, lambda server, session: session.post(
        f"{server.url}/quizzes/attempts/{attempt_id}/submit", allow_redirects=False, timeout=60))
    assert statuses == [303] * len(statuses), statuses  # every tab is taken to the one result
    db.session.expire_all()
    attempts = db.session.scalars(select(Attempt).where(Attempt.quiz_id == quiz_id,
                                                        Attempt.user_id == learner_id)).all()
    assert len(attempts) == 1 and attempts[0].state == "finished" and attempts[0].submitted_at is not None
    assert attempts[0].finish_reason == "learner"


def test_duplicate_checkpoint_scores_leave_one(servers_ctx):
    from training.accounts.models import User
    from training.gamification.quests import services as quests
    from training.gamification.quests.models import Quest, QuestScore, QuestScoreRevision

    app, world, servers = servers_ctx
    quest_id, checkpoint_id, team_id = (world.arguments[k] for k in ("quest_id", "quest_checkpoint_id",
                                                                     "quest_team_id"))
    quests.start_quest(db.session.get(User, world.user_ids["teacher"]), db.session.get(Quest, quest_id))
    db.session.commit()
    version = db.session.get(Quest, quest_id).version  # the leaderboard's ETag: one bump per accepted score
    statuses = _at_once(_both(servers, world, "employee"), lambda server, session: session.post(
        f"{server.url}/team/quests/{quest_id}/points/{checkpoint_id}",
        data={"team_id": team_id, "points": "7", "comment": "Верно", "revision": "0"}, allow_redirects=False,
        timeout=60))
    assert statuses.count(303) == 1, statuses  # one score; the others are told it was already given
    assert statuses.count(422) == len(statuses) - 1, statuses
    db.session.expire_all()
    scores = db.session.scalars(select(QuestScore).where(QuestScore.checkpoint_id == checkpoint_id)).all()
    assert [(s.team_id, s.points, s.revision) for s in scores] == [(team_id, 7, 1)]
    assert db.session.scalar(select(func.count()).select_from(QuestScoreRevision)) == 0
    assert db.session.get(Quest, quest_id).version == version + 1


def _staff_file(world, service_name: str) -> bytes:
    from training.accounts.staff.importer import TEMPLATE_HEADER

    rows = [["52", "Нижегородская область", service_name, centre, department, "фронт-офис", number, name,
             "Ведущий инспектор", email, "01.09.2019", "сотрудник"]
            for centre, department, number, name, email in [
                ("ЦЗН г. Дзержинска", "Фронт-офис", "П-1001", "Параллельная Алла Игоревна", "p1@szn.example.ru"),
                ("ЦЗН г. Дзержинска", "Фронт-офис", "П-1002", "Параллельный Борис Олегович", "p2@szn.example.ru"),
                ("ЦЗН г. Выксы", "Отдел приёма", "П-1003", "Параллельная Вера Павловна", "p3@szn.example.ru"),
            ]]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(TEMPLATE_HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def test_the_same_staff_file_imported_in_parallel_creates_each_person_once(servers_ctx):
    from training.accounts.models import User
    from training.org.models import Centre, Department, RegionalService

    app, world, servers = servers_ctx
    service = db.session.get(RegionalService, world.arguments["service_id"])
    data = _staff_file(world, service.name)
    statuses = _at_once(_both(servers, world, "hr"), lambda server, session: session.post(
        f"{server.url}/org/import", files={"file": ("staff.csv", data, "text/csv")}, timeout=60))
    # each upload shows the import's result: the winner's rows, then the others' «nothing to change» (a loser
    # applies the file again after the winner's commit, so a second collision — the 409 — cannot happen here)
    assert statuses == [200] * len(statuses), statuses
    db.session.expire_all()
    for number in ("П-1001", "П-1002", "П-1003"):
        assert db.session.scalar(select(func.count()).select_from(User).where(
            User.regional_service_id == service.id, User.personnel_number == number)) == 1, number
    assert db.session.scalar(select(func.count()).select_from(Centre).where(Centre.name == "ЦЗН г. Выксы")) == 1
    assert db.session.scalar(select(func.count()).select_from(Department).where(
        Department.name == "Отдел приёма")) == 1
