"""On PostgreSQL, with real threads and separate connections: thirty people taking ten seats at once leave ten
seated and twenty waiting; seated people cancelling at once hand their seats to exactly as many waiting; one person
tapping «Записаться» ten times at once has one registration."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from seeds.reference import event_formats
from tests.factories import make_org, make_user
from tests.support.concurrency import run_in_parallel, wide_postgres_app
from training.accounts.models import Role, User
from training.db import utcnow
from training.extensions import db
from training.gamification.events import services as events
from training.gamification.events.models import Event, EventFormat, EventOutcome, EventParticipant, ParticipantStatus

pytestmark = pytest.mark.postgres

N = 30
CAPACITY = 10


@pytest.fixture
def wide_pg_app(pg_url):
    """A PostgreSQL app whose pool holds every thread's connection at once."""
    with wide_postgres_app(pg_url, N) as app:
        yield app


def _setup(people: int) -> tuple[int, list[int]]:
    org = make_org()
    manager = make_user(Role.MANAGER, department=org.front_a)
    staff = [make_user(department=org.front_a, full_name=f"Сотрудникова Мария {n}") for n in range(people)]
    event_formats()
    fmt = db.session.scalar(select(EventFormat).where(EventFormat.code == "knowledge_cafe"))
    event = events.schedule_event(manager, fmt, title="Кафе знаний", starts_at=utcnow() + timedelta(days=1),
                                  duration_minutes=75, place="Зал", centre_id=org.centre_a.id, capacity=CAPACITY)
    db.session.commit()
    return event.id, [u.id for u in staff]


def _counts(event_id: int) -> dict[str, int]:
    rows = db.session.execute(select(EventParticipant.status, func.count()).where(EventParticipant.event_id == event_id)
                              .group_by(EventParticipant.status)).all()
    return {status.value: n for status, n in rows}


def test_thirty_people_at_once_take_exactly_ten_seats_and_cancellations_promote_exactly(wide_pg_app):
    event_id, user_ids = _setup(N)

    def take_seat(i):
        return events.register(db.session.get(User, user_ids[i]), db.session.get(Event, event_id)).status

    results = run_in_parallel(wide_pg_app, N, take_seat)
    assert all(isinstance(r, ParticipantStatus) for r in results), [r for r in results if isinstance(r, Exception)][:3]
    db.session.expire_all()
    assert _counts(event_id) == {"registered": CAPACITY, "waitlisted": N - CAPACITY}
    assert db.session.get(Event, event_id).registered_count == CAPACITY

    seated = list(db.session.scalars(select(EventParticipant.user_id).where(
        EventParticipant.event_id == event_id, EventParticipant.status == ParticipantStatus.REGISTERED)))
    leaving = seated[:5]

    def leave(i):
        events.cancel_registration(db.session.get(User, leaving[i]), db.session.get(Event, event_id))

    results = run_in_parallel(wide_pg_app, len(leaving), leave)
    assert not [r for r in results if isinstance(r, Exception)]
    db.session.expire_all()
    assert _counts(event_id) == {"registered": CAPACITY, "waitlisted": N - CAPACITY - 5, "cancelled": 5}
    assert db.session.get(Event, event_id).registered_count == CAPACITY


def test_ten_taps_of_one_person_at_once_leave_one_registration(wide_pg_app):
    event_id, (user_id,) = _setup(1)

    def tap(_):
        return events.register(db.session.get(User, user_id), db.session.get(Event, event_id)).id

    results = run_in_parallel(wide_pg_app, 10, tap)
    assert len({r for r in results if isinstance(r, int)}) == 1, results
    db.session.expire_all()
    assert _counts(event_id) == {"registered": 1}
    assert db.session.get(Event, event_id).registered_count == 1


def test_eight_taps_on_schedule_and_on_record_idea_leave_one_event_and_one_idea(wide_pg_app):
    org = make_org()
    manager_id = make_user(Role.MANAGER, department=org.front_a).id
    event_formats()
    db.session.commit()
    fmt_id = db.session.scalar(select(EventFormat.id).where(EventFormat.code == "knowledge_cafe"))
    starts_at = utcnow().replace(microsecond=0) + timedelta(days=1)

    def schedule(_):
        return events.schedule_event(db.session.get(User, manager_id), db.session.get(EventFormat, fmt_id),
                                     title="Кафе знаний", starts_at=starts_at, duration_minutes=75, place="Зал").id

    results = run_in_parallel(wide_pg_app, 8, schedule)
    assert len(set(results)) == 1 and all(isinstance(r, int) for r in results), results
    event_id = results[0]

    def record(_):
        return events.add_outcome(db.session.get(User, manager_id), db.session.get(Event, event_id), kind="idea",
                                  text="Табло с цветом очереди").id

    results = run_in_parallel(wide_pg_app, 8, record)
    assert len(set(results)) == 1 and all(isinstance(r, int) for r in results), results
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Event)) == 1
    assert db.session.scalar(select(func.count()).select_from(EventOutcome)) == 1
