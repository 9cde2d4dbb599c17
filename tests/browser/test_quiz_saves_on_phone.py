"""A learner changing answers quickly on a phone: every change is saved, the last one wins, and the browser
console stays clean (no aborted saves)."""
import re

import pytest

from tests.factories import make_org
from tests.support.browser import sign_in
from tests.support.quiz_bank import bank_quiz
from tests.support.world import quiz_world
from training.extensions import db
from training.quizzes.models import Attempt

pytestmark = pytest.mark.browser


def test_quick_answer_changes_are_saved_in_order_without_console_errors(phone, live_app):
    world = quiz_world(make_org())
    quiz = bank_quiz(world.block)
    sign_in(phone, world.learner)
    phone.goto(f"/quizzes/{quiz.id}")
    phone.get_by_role("button", name="Начать тест").click()
    phone.wait_for_url(re.compile(r"/quizzes/attempts/\d+$"))
    phone.evaluate("""() => {  // nine changes in one go: faster than any save can come back
        const options = document.querySelectorAll("label.option");
        for (const index of [0, 1, 2, 0, 1, 2, 1, 0, 2]) { options[index].click(); }
    }""")
    phone.get_by_text("Ответ сохранён").wait_for()
    phone.wait_for_load_state("networkidle")
    db.session.expire_all()
    attempt = db.session.scalar(db.select(Attempt))
    assert attempt.slots[0].response == {"choice": 2}
