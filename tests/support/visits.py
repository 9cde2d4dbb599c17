"""One-time visit codes for tests that play a served client (the vote /v and the feedback /f need one each)."""
from __future__ import annotations

from tests.factories import make_user
from training.accounts.models import User
from training.extensions import db
from training.gamification.contests import services as contests
from training.metrics.feedback import services as feedback


def visit_code(employee: User) -> str:
    """The code the employee's window shows now (the first one nobody has used)."""
    code, _ = contests.current_code(employee)
    assert code is not None, "the window's visit codes are all used"
    return code


def feedback_code(token: str) -> str:
    """A visit code that proves a visit for the feedback link with this token: its specialist's, or a code of
    someone in its centre (a colleague is added when the centre has nobody)."""
    link = feedback.link_by_token(token)
    holders = feedback.visit_code_holders(link)
    employee = db.session.get(User, holders[0]) if holders else make_user(centre=link.centre)
    return visit_code(employee)
