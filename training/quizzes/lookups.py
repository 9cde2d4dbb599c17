"""The quiz objects a request names, found within the viewer's scope (404 otherwise). Shared by the quizzes
blueprint's route modules."""
from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from training.courses.models import Block
from training.courses.services import is_course_owner
from training.extensions import db
from training.quizzes import services
from training.quizzes.models import Attempt, AttemptSlot, Question, Quiz


def block_or_404(block_id: int):
    """0 is the shared bank of custom quizzes (None); otherwise a block of the course."""
    if block_id == 0:
        return None

    return db.get_or_404(Block, block_id)


def editable_block_or_404(block_id: int):
    """A bank the viewer may change: the shared bank of custom quizzes (None), or a block's bank of the course for
    the course's owners only (the course and its quizzes are shared by every region)."""
    block = block_or_404(block_id)
    if block is not None and not is_course_owner(current_user, block.course):
        abort(404)  # as for any object beyond the viewer's reach: the course's owners change its banks
    return block


def own_attempt_or_404(attempt_id: int) -> Attempt:
    # every attempt page shows the quiz and the step bar (each slot answered or not): the attempt, its quiz, its
    # slots and their question versions in one statement, not one per slot
    attempt = db.session.execute(select(Attempt).where(Attempt.id == attempt_id).options(
        joinedload(Attempt.quiz), joinedload(Attempt.slots).joinedload(AttemptSlot.version))).unique().scalar()
    if attempt is None or attempt.user_id != current_user.id:
        abort(404)  # another person's attempt does not exist for the learner
    return attempt


def overseen_quiz_or_404(quiz_id: int) -> Quiz:
    """A quiz whose staff pages (overrides, results, statistics) the viewer opens for their own learners."""
    quiz = db.get_or_404(Quiz, quiz_id)
    if not services.can_oversee_quiz(current_user, quiz):
        abort(404)
    return quiz


def managed_quiz_or_404(quiz_id: int) -> Quiz:
    """A quiz the viewer may change: a block quiz only for the course's owners."""
    quiz = db.get_or_404(Quiz, quiz_id)
    if not services.can_manage_quiz(current_user, quiz):
        abort(404)
    return quiz


def question_or_404(question_id: int) -> Question:
    return db.get_or_404(Question, question_id)
