"""Facts from other domains that move a learner through the course (receivers run inside the sender's
transaction, so the quiz result page already shows the block complete)."""
from __future__ import annotations

from training.courses.models import Block
from training.courses.services import Stage, complete_stage, enrolment_of
from training.errors import DomainError
from training.extensions import db
from training.signals import quiz_passed


def on_quiz_passed(user, block_id: int, **_):
    block = db.session.get(Block, block_id)
    enrolment = enrolment_of(user, block.course) if block else None
    if enrolment is not None and enrolment.cohort is not None:
        try:
            complete_stage(enrolment, block, Stage.QUIZ)
        except DomainError:  # a sequential cohort's closed block: the quiz counts as practice only
            pass


RECEIVERS = ((quiz_passed, on_quiz_passed),)
