"""On PostgreSQL, with real threads: twenty taps on «Обменять» at once, with points for three, buy three and leave
the balance at zero — never below."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.factories import make_org, make_user
from tests.support.concurrency import run_in_parallel, wide_postgres_app
from training.accounts.models import User
from training.errors import DomainError
from training.extensions import db
from training.gamification.recognition import services as recognition
from training.gamification.rewards import services as rewards
from training.gamification.rewards.models import Reward, RewardGrant

pytestmark = pytest.mark.postgres

N = 20


@pytest.fixture
def wide_pg_app(pg_url):
    """A PostgreSQL app whose pool holds every thread's connection at once."""
    with wide_postgres_app(pg_url, N) as app:
        yield app


def test_parallel_purchases_never_take_the_balance_below_zero(wide_pg_app):
    org = make_org()
    buyer = make_user(department=org.front_a)
    rewards.ensure_default_rewards([{"code": "coffee", "name": "Кофе с руководителем", "cost": 100}], [org.service.id])
    recognition.award_points(buyer, 300, "test:start")
    db.session.commit()
    buyer_id, reward_id = buyer.id, db.session.scalar(select(Reward.id))

    def buy(_):
        return rewards.spend(db.session.get(User, buyer_id), db.session.get(Reward, reward_id)).id

    results = run_in_parallel(wide_pg_app, N, buy)
    bought = [r for r in results if isinstance(r, int)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(bought) == 3 and len(refused) == N - 3, [r for r in results if not isinstance(r, int | DomainError)]
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(RewardGrant)) == 3
    assert rewards.balance(db.session.get(User, buyer_id)) == 0


def test_parallel_purchases_of_the_last_parking_spot_leave_one(wide_pg_app):
    org = make_org()
    buyers = [make_user(department=org.front_a) for _ in range(N)]
    rewards.ensure_default_rewards([{"code": "parking", "name": "Парковка", "cost": 10, "stock": 1}],
                                   [org.service.id])
    for person in buyers:
        recognition.award_points(person, 50, "test:start")
    db.session.commit()
    ids, reward_id = [b.id for b in buyers], db.session.scalar(select(Reward.id))

    def buy(i):
        return rewards.spend(db.session.get(User, ids[i]), db.session.get(Reward, reward_id)).id

    results = run_in_parallel(wide_pg_app, N, buy)
    assert len([r for r in results if isinstance(r, int)]) == 1
    db.session.expire_all()
    assert db.session.get(Reward, reward_id).stock == 0
