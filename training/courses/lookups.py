"""The course objects a request names, found within the viewer's scope: 404 for what the viewer may not
see, 403 for what they may see but not manage. Shared by the courses blueprint's route modules."""
from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, undefer, undefer_group

from training.accounts.models import Role
from training.courses import services
from training.courses.models import Block, Cohort
from training.extensions import db

LESSON = (undefer(Block.lesson_html), undefer(Block.self_check))  # what the lesson page shows of the content
ALL_CONTENT = (undefer_group("content"),)  # the deck, its diagrams, the cheat sheet


def learning_context(number: int, *, content=()):
    """The block of the learner's course and their enrolment; staff who teach may preview without one. `content`
    names the deferred content the page shows (LESSON, ALL_CONTENT), loaded in the same statement."""
    enrolment = services.enrolment_of(current_user)
    course = enrolment.cohort.course if enrolment else services.the_course()
    block = db.session.scalar(select(Block).where(Block.course_id == course.id, Block.number == number)
                              .options(joinedload(Block.module), *content))
    if block is None:
        abort(404)
    if enrolment is None and not current_user.has_role(*Role.TEACHING):
        abort(403, "Вы не записаны на курс. Обратитесь в кадровую службу.")
    return block, enrolment


def lesson_context(number: int, *, content=()):
    """learning_context and where the learner stands in the block (None for a teacher's preview): for an enrolled
    learner one statement in all."""
    found = services.block_with_state(current_user, number, content)
    if found is None:
        block, enrolment = learning_context(number, content=content)
        return block, enrolment, None
    block, enrolment, state = found
    if block is None:
        abort(404)
    return block, enrolment, state


def cohort_or_404(cohort_id: int, *, manage: bool = False) -> Cohort:
    cohort = db.get_or_404(Cohort, cohort_id)
    visible = db.session.scalar(services.visible_cohorts(current_user).where(Cohort.id == cohort.id))
    if visible is None:
        abort(404)
    if manage and not services.can_manage_cohort(current_user, cohort):
        abort(403)
    return cohort
