"""Heavy work off the request: a client's answer (an IQS check, a rating…) is recorded and the request returns; the
centre's figures and the competence scores are recomputed by the background worker — a real Huey consumer on Redis
or on the SQLite file next to the database, never immediate mode (training/tasks.py)."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.factories import make_org, make_user
from tests.metrics.helpers import seed_reference
from tests.support.app import app_with_tables, sign_in
from tests.support.queue import STORAGES, discard_queue, queue_overrides, queued, running_worker, wait_until
from tests.support.visits import feedback_code
from training import tasks
from training.accounts.models import Role
from training.competence.models import CompetenceScore
from training.competence.services import REFRESH_SCORES
from training.extensions import db
from training.measures.periods import MONTH, local_today, period_of
from training.metrics.centre_index import tasks as centre_index_tasks
from training.metrics.centre_index.models import IndexSnapshot
from training.metrics.centre_index.snapshots import REFRESH_CENTRE
from training.metrics.feedback import services as feedback

_clients = iter(range(1, 10_000))
UPDATING = "Показатели обновляются"


@pytest.fixture(params=STORAGES)
def queue_app(request, tmp_path):
    """An app on an SQLite file whose queue is real: Redis, or the SQLite file next to the database."""
    overrides = queue_overrides(request.param)
    with app_with_tables(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'test.sqlite3'}", **overrides) as app:
        yield app
        discard_queue(app)


def _world():
    org = make_org()
    seed_reference()
    manager = make_user(Role.MANAGER, department=org.front_a)
    specialist = make_user(department=org.front_a)
    link = feedback.link_for(org.centre_a, None, specialist)
    db.session.commit()
    return org, manager, specialist, link


def _answer(client, link, recommend: int):
    client.delete_cookie("fb_device")  # each answer from another client's phone and address
    n = next(_clients)
    response = client.post(f"/f/{link.token}", data={"code": feedback_code(link.token),
                                                     "recommend": str(recommend), "ces": "5"},
                           environ_base={"REMOTE_ADDR": f"10.{n // 250}.{n % 250}.9", "HTTP_USER_AGENT": "Phone/1.0"})
    assert response.status_code == 303, response.get_data(as_text=True)[:300]


def _answers_shown(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'class="metric-n">n = (\d+)<', page)]


def _stale_snapshots() -> int:
    db.session.expire_all()
    return len(db.session.scalars(select(IndexSnapshot).where(
        IndexSnapshot.computed_version < IndexSnapshot.data_version,
        IndexSnapshot.scope_kind.in_(("centre", "department", "employee")))).all())


def test_a_clients_answer_reaches_the_centres_pulse_through_the_worker(queue_app):
    org, manager, _, link = _world()
    client, staff = queue_app.test_client(), queue_app.test_client()
    sign_in(staff, manager)
    pulse = f"/metrics/pulse/centre/{org.centre_a.id}"
    _answer(client, link, 10)
    before = staff.get(pulse).get_data(as_text=True)
    assert UPDATING in before and 'hx-trigger="every 4s"' in before  # recorded, not yet recomputed
    with running_worker(queue_app) as worker:
        page = wait_until(lambda: (p := staff.get(pulse).get_data(as_text=True)) and UPDATING not in p and p)
    assert 1 in _answers_shown(page) and "hx-trigger" not in page.split('id="pulse"')[1].split(">")[0]
    assert worker.count(REFRESH_CENTRE) == 1


def test_a_thousand_answers_of_one_centre_queue_one_recompute(queue_app):
    """Coalescing: every answer marks the figures stale in its own transaction, but while a recompute of the
    centre is pending no other is queued; the one run sees every answer."""
    org, manager, specialist, link = _world()
    client = queue_app.test_client()
    queue_app.config["CLIENT_VISIT_CODES_PER_WINDOW"] = 40  # a busy specialist: 30 clients in one window
    for n in range(30):
        _answer(client, link, n % 11)
    assert queued(queue_app) == 2  # one for the centre's figures, one for the competence scores
    with running_worker(queue_app) as worker:
        wait_until(lambda: _stale_snapshots() == 0 and worker.count(REFRESH_SCORES) == 1)
    assert worker.count(REFRESH_CENTRE) == 1
    month = period_of(MONTH, local_today())
    snapshot = db.session.scalar(select(IndexSnapshot).where(
        IndexSnapshot.scope_kind == "centre", IndexSnapshot.scope_id == org.centre_a.id,
        IndexSnapshot.period_kind == "month", IndexSnapshot.period_start == month.start))
    assert snapshot.figures["feedback_n"] == 30 and not snapshot.is_stale
    score = db.session.scalar(select(CompetenceScore).where(CompetenceScore.user_id == specialist.id,
                                                             CompetenceScore.period_start == month.start))
    assert score.is_computed and not score.is_stale


def test_answers_during_a_recompute_queue_the_next_one(queue_app):
    """The pending mark is cleared when the run starts: a fact that arrives later is never left behind."""
    org, _, _, link = _world()
    client = queue_app.test_client()
    _answer(client, link, 9)
    with running_worker(queue_app) as worker:
        wait_until(lambda: worker.count(REFRESH_CENTRE) == 1)
        _answer(client, link, 3)
        wait_until(lambda: worker.count(REFRESH_CENTRE) == 2 and _stale_snapshots() == 0)
    month = period_of(MONTH, local_today())
    snapshot = db.session.scalar(select(IndexSnapshot).where(
        IndexSnapshot.scope_kind == "centre", IndexSnapshot.scope_id == org.centre_a.id,
        IndexSnapshot.period_kind == "month", IndexSnapshot.period_start == month.start))
    assert snapshot.figures["feedback_n"] == 2


def test_with_the_worker_down_nothing_is_lost_and_run_due_catches_up(queue_app):
    org, manager, specialist, link = _world()
    client, staff = queue_app.test_client(), queue_app.test_client()
    sign_in(staff, manager)
    for recommend in (10, 9, 2):
        _answer(client, link, recommend)
    discard_queue(queue_app)  # the worker never came: its queue is gone, the stale marks are not
    pulse = f"/metrics/pulse/centre/{org.centre_a.id}"
    assert UPDATING in staff.get(pulse).get_data(as_text=True)
    own = queue_app.test_client()
    sign_in(own, specialist)
    assert "Оценка обновляется" in own.get("/metrics/competence/me").get_data(as_text=True)
    result = queue_app.test_cli_runner().invoke(args=["jobs", "run-due"])
    assert result.exit_code == 0, result.output
    assert "metrics.refresh-snapshots: пересчитано" in result.output
    page = staff.get(pulse).get_data(as_text=True)
    assert UPDATING not in page and 3 in _answers_shown(page)
    assert _stale_snapshots() == 0
    competence_page = own.get("/metrics/competence/me").get_data(as_text=True)
    assert "обновляется" not in competence_page and "Общий балл" in competence_page


def test_a_recompute_run_twice_changes_nothing(queue_app):
    """Idempotence: the task recomputes from the stale marks, so a second run (a retry, a duplicate) finds
    nothing to do and the figures stay as they are."""
    org, _, _, link = _world()
    client = queue_app.test_client()
    _answer(client, link, 10)
    _answer(client, link, 0)
    with running_worker(queue_app) as worker:
        wait_until(lambda: _stale_snapshots() == 0)
        before = {(s.scope_kind, s.scope_id, s.period_kind, s.period_start): (s.computed_version, s.figures)
                  for s in db.session.scalars(select(IndexSnapshot))}
        tasks.queue_of(queue_app).enqueue(REFRESH_CENTRE, org.centre_a.id, coalesce=False)
        wait_until(lambda: worker.count(REFRESH_CENTRE) == 2)
    db.session.expire_all()
    after = {(s.scope_kind, s.scope_id, s.period_kind, s.period_start): (s.computed_version, s.figures)
             for s in db.session.scalars(select(IndexSnapshot))}
    assert after == before
    assert centre_index_tasks.refresh_centre(org.centre_a.id) == 0  # called directly: nothing stale, nothing written


def test_a_rolled_back_fact_queues_nothing(queue_app):
    org, _, _, link = _world()
    feedback.submit_feedback(link, recommend=5)
    db.session.rollback()
    h = tasks.queue_of(queue_app).huey
    assert queued(queue_app) == 0, ([t.name for t in h.pending()], [(t.name, t.args) for t in h.scheduled()])
    feedback.submit_feedback(link, recommend=5)
    db.session.commit()  # outside a request (an import, a job): queued at the commit
    assert queued(queue_app) == 2


def test_the_embedded_queue_is_a_file_next_to_the_database(tmp_path):
    with app_with_tables(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'training.sqlite3'}",
                         **queue_overrides("sqlite")) as app:
        huey = tasks.queue_of(app).huey
        assert huey.storage.filename == str(tmp_path / "training-tasks.sqlite3")
        assert {REFRESH_CENTRE, REFRESH_SCORES} <= set(tasks.queue_of(app).wrappers)


def test_a_savepoint_inside_the_transaction_neither_queues_early_nor_forgets(queue_app):
    """Snapshots are created under savepoints (a parallel arrival may have made them): releasing or rolling back
    a savepoint is not the end of the fact's transaction."""
    org, _, _, link = _world()
    feedback.submit_feedback(link, recommend=5)
    with db.session.begin_nested():
        pass
    assert queued(queue_app) == 0  # the savepoint's release queued nothing
    try:
        with db.session.begin_nested():
            raise RuntimeError("a savepoint rolled back")
    except RuntimeError:
        pass
    db.session.commit()
    assert queued(queue_app) == 2  # the commit queued the centre's figures and the scores


def test_flask_jobs_worker_is_the_process_that_recomputes(tmp_path):
    """`flask jobs worker` (what `make run` and the systemd unit start) as its own process: it takes the task the
    request queued and stops on SIGINT."""
    database = f"sqlite:///{tmp_path / 'training.sqlite3'}"
    overrides = queue_overrides("redis")
    with app_with_tables(SQLALCHEMY_DATABASE_URI=database, **overrides) as app:
        org, _, _, link = _world()
        _answer(app.test_client(), link, 8)
        assert _stale_snapshots() > 0
        env = dict(os.environ, FLASK_APP="training.app", TRAINING_CONFIG="development", DATABASE_URL=database,
                   SECRET_KEY="worker-test-secret-key-0123456789abcdef", TASKS_QUEUE_URL=overrides["TASKS_QUEUE_URL"],
                   TASKS_QUEUE_NAME=overrides["TASKS_QUEUE_NAME"], TASKS_RUN_DUE="0",
                   PYTHONPATH=str(Path(__file__).resolve().parents[2]))
        worker = subprocess.Popen([str(Path(sys.executable).parent / "flask"), "jobs", "worker"],  # noqa: S603
                                  env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            wait_until(lambda: _stale_snapshots() == 0, seconds=60)
        finally:
            worker.send_signal(signal.SIGINT)
            output, _ = worker.communicate(timeout=60)
            discard_queue(app)
        assert worker.returncode == 0, output
        assert "metrics.refresh-centre" in output and "executed in" in output
