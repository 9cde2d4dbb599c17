"""Owners of a course (views of the courses blueprint): an administrator names the teachers who, with the
administrators, change the course's block quizzes and question banks for every region."""
from __future__ import annotations

from flask_login import current_user

from training.accounts.models import Role, User
from training.courses import bp, services
from training.courses.models import Course
from training.extensions import db
from training.forms import EmptyForm, HiddenIdForm
from training.web import redirect_to, role_required, submit


def _person(value: str | None) -> User | None:
    return db.session.get(User, int(value)) if value and value.isdecimal() and len(value) < 12 else None


def _context(course: Course) -> dict:
    return {"course": course, "owners": services.course_owners(course),
            "candidates": services.owner_candidates(course)}


@bp.route("/courses/<int:course_id>/owners", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def owners(course_id: int):
    course = db.get_or_404(Course, course_id)
    form = HiddenIdForm()
    return submit(form, lambda: services.add_course_owner(current_user, course, _person(form.item_id.data)),
                  message="Владелец курса назначен.",
                  on_success=lambda _: redirect_to("courses.owners", course_id=course.id),
                  template="courses/owners.html", context=lambda: _context(course))


@bp.post("/courses/<int:course_id>/owners/<int:owner_id>/remove")
@role_required(Role.ADMIN)
def owner_remove(course_id: int, owner_id: int):
    course = db.get_or_404(Course, course_id)
    return submit(EmptyForm(), lambda: services.remove_course_owner(current_user, course, owner_id),
                  message="Владелец курса снят.",
                  on_success=lambda _: redirect_to("courses.owners", course_id=course.id),
                  template="courses/owners.html", context=lambda: _context(course))
