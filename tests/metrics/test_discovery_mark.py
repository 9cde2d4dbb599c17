"""`snapshots.discover()` from a high-water mark: a discovery reads only the answers, checks and reports added since
the last one; `flask metrics recompute --all` looks at everything again."""
from __future__ import annotations

from datetime import date

from sqlalchemy import delete, func, select

from tests.factories import make_user
from tests.metrics.helpers import answers, seed_reference
from training.extensions import db
from training.measures.periods import MONTH, period_of
from training.metrics.centre_index import snapshots
from training.metrics.centre_index.models import DiscoveryMark, IndexSnapshot
from training.metrics.feedback import services as feedback

TODAY = date(2026, 3, 20)


def _centre_month(centre_id: int, day: date):
    month = period_of(MONTH, day)
    return db.session.scalar(select(IndexSnapshot).where(
        IndexSnapshot.scope_kind == "centre", IndexSnapshot.scope_id == centre_id,
        IndexSnapshot.period_kind == MONTH, IndexSnapshot.period_start == month.start))


def test_discovery_reads_only_what_arrived_since_the_last_one(app, org):
    seed_reference()
    person = make_user(department=org.front_a)
    answers(feedback.link_for(org.centre_a, None, person), date(2026, 2, 10), 2, recommend=9)
    db.session.execute(delete(IndexSnapshot))  # snapshots lost (a restore, a bug): discovery is the repair
    db.session.commit()
    assert snapshots.discover(today=TODAY) > 0
    db.session.commit()
    assert _centre_month(org.centre_a.id, date(2026, 2, 10)) is not None
    assert db.session.scalar(select(func.max(DiscoveryMark.last_id))) > 0

    db.session.execute(delete(IndexSnapshot))  # lost again, but these answers were already discovered
    answers(feedback.link_for(org.centre_b), date(2026, 3, 5), 1, recommend=3)  # new: bumps its own snapshots
    db.session.execute(delete(IndexSnapshot).where(IndexSnapshot.scope_kind == "centre",
                                                   IndexSnapshot.scope_id == org.centre_b.id))
    db.session.commit()
    snapshots.discover(today=TODAY)
    db.session.commit()
    assert _centre_month(org.centre_b.id, date(2026, 3, 5)) is not None  # the new answer's snapshot, repaired
    assert _centre_month(org.centre_a.id, date(2026, 2, 10)) is None  # older answers were not read again

    assert snapshots.discover(today=TODAY, full=True) > 0  # `flask metrics recompute --all`: everything again
    db.session.commit()
    assert _centre_month(org.centre_a.id, date(2026, 2, 10)) is not None
    assert snapshots.discover(today=TODAY) == 0
