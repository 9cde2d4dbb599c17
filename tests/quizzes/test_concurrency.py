"""On PostgreSQL, with real threads and connections: the attempt limit holds under parallel starts, and
parallel submits of one attempt grade it once."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from tests.factories import make_cohort, make_course, make_org, make_user
from tests.support.concurrency import run_in_parallel
from training.accounts.models import User
from training.errors import DomainError
from training.extensions import db
from training.quizzes import bank, services
from training.quizzes.models import Attempt, AttemptState, Quiz
from training.signals import quiz_passed

pytestmark = pytest.mark.postgres

THREADS = 8


def _setup(max_attempts: int | None = 3) -> tuple[int, int]:
    org = make_org()
    course = make_course(blocks=2)
    learner = make_user(department=org.front_a)
    make_cohort(course, org.service, learners=[learner])
    bank.import_gift_bank(course.blocks[0], "::Да::Верно? {T}\n\n::Нет::Неверно? {F}\n")
    quiz = bank.ensure_block_quiz(course.blocks[0])
    quiz.questions_per_attempt, quiz.max_attempts = 0, max_attempts
    db.session.commit()
    return quiz.id, learner.id


def _parallel(app, quiz_id, user_id, work, n: int = THREADS) -> list:
    """Run ``work(quiz, user)`` in n threads released together, each with its own session and connection.
    Returns what each returned (or raised)."""
    return run_in_parallel(app, n, lambda _: work(db.session.get(Quiz, quiz_id), db.session.get(User, user_id)))


def test_parallel_starts_share_one_attempt_and_never_exceed_the_limit(pg_app):
    quiz_id, user_id = _setup(max_attempts=2)

    def start(quiz, user):
        return services.start_attempt(quiz, user).id

    first = _parallel(pg_app, quiz_id, user_id, start)
    assert all(isinstance(r, int) for r in first), first
    assert len(set(first)) == 1  # eight taps on «Начать» at once: one attempt

    def start_finish_repeat(quiz, user):
        """Start, finish and start again until the limit refuses — eight learners' devices at once."""
        done = []
        while True:
            try:
                attempt = services.start_attempt(quiz, user)
            except DomainError as exc:
                db.session.rollback()
                return done, exc.message
            services.finish_attempt(attempt)
            db.session.commit()
            done.append(attempt.attempt_no)

    results = _parallel(pg_app, quiz_id, user_id, start_finish_repeat)
    assert all(isinstance(r, tuple) for r in results), results
    assert all("Попытки закончились" in message for _, message in results)
    db.session.expire_all()
    numbers = sorted(db.session.scalars(select(Attempt.attempt_no).where(Attempt.quiz_id == quiz_id)))
    assert numbers == [1, 2]
    assert db.session.scalar(select(func.count()).select_from(Attempt).where(
        Attempt.state == AttemptState.IN_PROGRESS)) == 0


def test_parallel_submits_grade_the_attempt_once(pg_app):
    quiz_id, user_id = _setup()
    quiz, user = db.session.get(Quiz, quiz_id), db.session.get(User, user_id)
    attempt = services.start_attempt(quiz, user)
    for slot in attempt.slots:
        services.save_response(attempt, slot.slot_no,
                               MultiDict({"answer": "true" if slot.version.question.name == "Да" else "false"}))
    db.session.commit()
    attempt_id = attempt.id
    announced = []
    lock = threading.Lock()

    def receiver(sender, **kwargs):
        with lock:
            announced.append(kwargs["attempt_id"])

    quiz_passed.connect(receiver)
    try:
        results = _parallel(pg_app, quiz_id, user_id,
                            lambda q, u: services.finish_attempt(db.session.get(Attempt, attempt_id)))
    finally:
        quiz_passed.disconnect(receiver)
    assert sorted(results, key=str) == [False] * (THREADS - 1) + [True], results
    assert announced == [attempt_id]
    db.session.expire_all()
    graded = db.session.get(Attempt, attempt_id)
    assert graded.state == AttemptState.FINISHED and graded.percent == 100 and graded.is_passed


def test_an_answer_racing_a_submit_is_either_counted_or_refused(pg_app):
    """Saving locks the attempt row: an answer saved while the attempt is being submitted either lands before
    grading (and counts) or is refused — it never changes a graded attempt."""
    quiz_id, user_id = _setup()
    quiz, user = db.session.get(Quiz, quiz_id), db.session.get(User, user_id)
    attempt = services.start_attempt(quiz, user)
    db.session.commit()
    attempt_id, slot_no = attempt.id, next(s.slot_no for s in attempt.slots if s.version.question.name == "Да")

    def race(index):
        current = db.session.get(Attempt, attempt_id)
        if index == 0:
            return services.finish_attempt(current)
        try:
            services.save_response(current, slot_no, MultiDict({"answer": "true"}))
            return "saved"
        except services.AttemptClosed:
            return "refused"

    results = run_in_parallel(pg_app, 2, race)
    db.session.expire_all()
    graded = db.session.get(Attempt, attempt_id)
    slot = next(s for s in graded.slots if s.slot_no == slot_no)
    assert results[0] is True and results[1] in ("saved", "refused")
    assert (slot.fraction == 1.0) == (slot.response is not None)  # the grade matches what is stored
