"""On PostgreSQL, with real threads and separate connections: 50 identical votes at once leave one; 20 thank-yous
at once leave the daily ten."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.factories import make_org, make_user
from tests.support.concurrency import run_in_parallel, wide_postgres_app
from training.accounts.models import Role, User
from training.db import utcnow
from training.errors import Conflict
from training.extensions import db
from training.gamification.contests import codes, services
from training.gamification.contests.models import Award, ClientVote, ColleagueVote, Contest
from training.gamification.recognition import services as recognition
from training.gamification.recognition.models import PointEntry, ThanksNote
from training.notifications.models import Notification

pytestmark = pytest.mark.postgres

N = 50


@pytest.fixture
def wide_pg_app(pg_url):
    """A PostgreSQL app whose pool holds every thread's connection at once."""
    with wide_postgres_app(pg_url, N) as app:
        yield app


def _parallel(app, work, n: int = N) -> list:
    return run_in_parallel(app, n, lambda _: work(), timeout=60)


def _setup():
    org = make_org()
    manager = make_user(Role.MANAGER, department=org.front_a)
    voter = make_user(department=org.front_a, full_name="Голосова Вера")
    nominee = make_user(department=org.front_a, full_name="Номинантова Нина")
    contest = services.open_contest(manager, centre=org.centre_a)
    db.session.commit()
    return manager.id, voter.id, nominee.id, contest.id


def test_fifty_identical_colleague_votes_leave_one(wide_pg_app):
    _, voter_id, nominee_id, contest_id = _setup()

    def vote():
        voter, nominee = db.session.get(User, voter_id), db.session.get(User, nominee_id)
        return services.cast_vote(voter, db.session.get(Contest, contest_id), nominee, "Одинаковый голос").id

    results = _parallel(wide_pg_app, vote)
    assert all(isinstance(r, int) for r in results), [r for r in results if not isinstance(r, int)][:3]
    assert len(set(results)) == 1
    assert db.session.scalar(select(func.count()).select_from(ColleagueVote)) == 1


def test_fifty_identical_client_votes_leave_one(wide_pg_app):
    _, _, nominee_id, _ = _setup()
    code = codes.client_code(nominee_id, codes.window_index(utcnow()))

    def vote():
        employee = db.session.get(User, nominee_id)
        return services.cast_client_vote(employee, code=code, device_token="one-phone-0123456789",
                                         address="192.0.2.10").id

    results = _parallel(wide_pg_app, vote)
    accepted = [r for r in results if isinstance(r, int)]
    refused = [r for r in results if isinstance(r, Conflict)]
    assert len(accepted) == 1 and len(refused) == N - 1, [r for r in results if not isinstance(r, (int, Conflict))][:3]
    assert db.session.scalar(select(func.count()).select_from(ClientVote)) == 1


def test_fifty_parallel_closes_award_once(wide_pg_app):
    manager_id, voter_id, nominee_id, contest_id = _setup()
    services.cast_vote(db.session.get(User, voter_id), db.session.get(Contest, contest_id),
                       db.session.get(User, nominee_id))
    db.session.commit()

    def close():
        return services.close_contest(db.session.get(User, manager_id), db.session.get(Contest, contest_id)).id

    results = _parallel(wide_pg_app, close)
    assert sum(isinstance(r, int) for r in results) == 1
    assert all(isinstance(r, (int, Conflict)) for r in results)
    assert db.session.scalar(select(func.count()).select_from(Award)) == 2  # the title and the colleagues' track
    assert db.session.scalar(select(func.count()).select_from(PointEntry).where(
        PointEntry.source == f"contest:{contest_id}:title")) == 1


def test_twenty_parallel_thank_yous_leave_exactly_the_daily_ten(wide_pg_app):
    """Issue 15, finding 5: the cap was counted before the insert, so 20 parallel posts left 17 notes."""
    org = make_org()
    giver = make_user(department=org.front_a, full_name="Благодарова Галина")
    colleagues = [make_user(department=org.front_a, full_name=f"Коллегова {i}") for i in range(20)]
    giver_id, colleague_ids = giver.id, [c.id for c in colleagues]

    def thank(i: int):
        return recognition.give_thanks(db.session.get(User, giver_id), db.session.get(User, colleague_ids[i]),
                                       "Спасибо за помощь с отчётом")

    results = run_in_parallel(wide_pg_app, 20, thank, timeout=60)
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(refused) == 10
    assert {str(r) for r in refused} == {"Не больше 10 «Спасибо» в сутки. Продолжите завтра."}
    assert db.session.scalar(select(func.count()).select_from(ThanksNote)) == 10
    assert db.session.scalar(select(func.count()).select_from(Notification)
                             .where(Notification.kind == "recognition.thanks")) == 10
