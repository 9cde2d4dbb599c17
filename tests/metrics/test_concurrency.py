"""PostgreSQL, real threads: parallel client answers never lose a bump, and the stored figures end up complete."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from tests.factories import make_org
from training.extensions import db
from training.measures.periods import MONTH, local_today, period_of
from training.metrics.centre_index import snapshots
from training.metrics.centre_index.models import IndexSnapshot
from training.metrics.feedback import aspects as services
from training.metrics.feedback import services as feedback
from training.metrics.feedback.models import ClientFeedback, FeedbackLink

pytestmark = pytest.mark.postgres


def test_parallel_feedback_and_refreshes_leave_complete_figures(pg_app):
    org = make_org()
    services.seed_touchpoints()
    link = feedback.link_for(org.centre_a)
    db.session.commit()
    token, centre_id = link.token, org.centre_a.id
    barrier = threading.Barrier(12)
    errors: list[BaseException] = []

    def client_answers(score: int) -> None:
        try:
            with pg_app.app_context():
                barrier.wait(timeout=30)
                own = db.session.scalar(select(FeedbackLink).where(FeedbackLink.token == token))
                feedback.submit_feedback(own, recommend=score)
                db.session.commit()
                snapshots.refresh_stale()
                db.session.remove()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=client_answers, args=(i % 11,)) for i in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(ClientFeedback)) == 12
    snap = snapshots.snapshot("centre", centre_id, period_of(MONTH, local_today()))
    assert snap.data_version == 12
    snapshots.refresh_stale()  # whatever a thread left stale
    db.session.expire_all()
    snap = snapshots.snapshot("centre", centre_id, period_of(MONTH, local_today()))
    assert not snap.is_stale and snap.figures["feedback_n"] == 12
    assert db.session.scalar(select(func.count()).select_from(IndexSnapshot)
                             .where(IndexSnapshot.scope_kind == "centre")) == 2  # one week, one month


def test_parallel_requests_for_the_same_qr_link_create_it_once(pg_app):
    org = make_org()
    db.session.commit()
    centre_id = org.centre_a.id
    barrier = threading.Barrier(10)
    tokens, errors = [], []

    def make_link() -> None:
        try:
            with pg_app.app_context():
                from training.org.models import Centre

                barrier.wait(timeout=30)
                centre = db.session.get(Centre, centre_id)
                link = feedback.link_for(centre)
                db.session.commit()
                tokens.append(link.token)
                db.session.remove()
        except BaseException as exc:  # pragma: no cover
            errors.append(exc)

    threads = [threading.Thread(target=make_link) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert len(set(tokens)) == 1
    assert db.session.scalar(select(func.count()).select_from(FeedbackLink)) == 1
