"""PostgreSQL, real threads: parallel client answers never lose a bump, the stored figures end up complete, and a
one-time visit code gives one answer however many phones send it at once."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from tests.factories import make_org, make_user
from tests.support.concurrency import run_in_parallel
from tests.support.visits import visit_code
from training.db import utcnow
from training.errors import Conflict
from training.extensions import db
from training.gamification.contests import codes
from training.gamification.contests import services as contests
from training.gamification.contests.models import VisitCodeUse
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


def _answer_with(token: str, code: str) -> int:
    """What the client page does with a code: claim it for the feedback, then store the answer."""
    link = feedback.link_by_token(token)
    contests.use_code_for_feedback(feedback.visit_code_holders(link), code)
    return feedback.submit_feedback(link, recommend=9).id


def test_one_visit_code_sent_from_eight_phones_at_once_gives_exactly_one_answer(pg_app):
    org = make_org()
    specialist = make_user(centre=org.centre_a)
    link = feedback.link_for(org.centre_a, employee=specialist)
    db.session.commit()
    token, code = link.token, visit_code(specialist)
    results = run_in_parallel(pg_app, 8, lambda _: _answer_with(token, code))
    stored = [r for r in results if isinstance(r, int)]
    refused = [r for r in results if isinstance(r, Conflict)]
    assert len(stored) == 1 and len(refused) == 7, results
    assert {str(r) for r in refused} == {contests.CODE_USED}
    assert db.session.scalar(select(func.count()).select_from(ClientFeedback)) == 1


def test_a_code_claimed_for_the_vote_and_the_feedback_at_once_gives_one_of_each(pg_app):
    org = make_org()
    specialist = make_user(centre=org.centre_a)
    db.session.commit()
    code, employee_id = visit_code(specialist), specialist.id
    window, seq = codes.match_visit(employee_id, code, utcnow())
    uses = ["voted_at", "feedback_at"] * 3
    results = run_in_parallel(pg_app, len(uses), lambda i: contests.claim_visit_code(
        employee_id, window, seq, uses[i], utcnow()))
    claimed = list(zip(uses, results, strict=True))
    assert claimed.count(("voted_at", True)) == 1 and claimed.count(("feedback_at", True)) == 1, claimed
    assert claimed.count(("voted_at", False)) == 2 and claimed.count(("feedback_at", False)) == 2, claimed
    row = db.session.scalar(select(VisitCodeUse))
    assert row.voted_at is not None and row.feedback_at is not None
    assert db.session.scalar(select(func.count()).select_from(VisitCodeUse)) == 1
