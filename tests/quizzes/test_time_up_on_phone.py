"""A learner whose time ran out comes back on a phone: the «Время вышло» page closes and grades the attempt with its
own POST (opening a page never writes) and lands on the result."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests.factories import make_org
from tests.support.browser import sign_in
from tests.support.quiz_bank import bank_quiz
from tests.support.world import quiz_world
from training.db import utcnow
from training.extensions import db
from training.quizzes import services
from training.quizzes.models import AttemptState

pytestmark = pytest.mark.browser


def test_an_overdue_attempt_is_closed_by_the_time_up_page(phone, live_app):
    world = quiz_world(make_org())
    quiz = bank_quiz(world.block)
    quiz.time_limit_minutes = 5
    db.session.commit()
    attempt = services.start_attempt(quiz, world.learner, now=utcnow() - timedelta(minutes=20))
    db.session.commit()

    sign_in(phone, world.learner)
    phone.goto(f"/quizzes/attempts/{attempt.id}")
    phone.wait_for_url(f"**/quizzes/attempts/{attempt.id}/result")
    phone.locator("#result").get_by_text("попытка завершена автоматически").wait_for()
    db.session.expire_all()
    assert attempt.state == AttemptState.FINISHED and attempt.finish_reason == "timeout"
