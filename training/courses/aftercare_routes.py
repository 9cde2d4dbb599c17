"""After the course (section 5.3): the anonymous course questionnaire and the follow-up of skills with the
learner's manager. Views of the courses blueprint; the rules live in aftercare.py."""
from __future__ import annotations

from flask import abort, request
from flask_login import current_user, login_required

from training.accounts.models import Role
from training.courses import aftercare, bp, services
from training.courses.lookups import cohort_or_404
from training.courses.models import FollowUp
from training.extensions import db
from training.templating import NavItem, add_nav_item
from training.web import redirect_to, render_view, role_required, submit


def _scores_from_form(codes: list[str]) -> dict[str, int]:
    scores = {}
    for code in codes:
        value = request.form.get(code, "")
        if value.isdecimal():  # isdigit() accepts «²», «①», which int() refuses
            scores[code] = int(value)
    return scores


add_nav_item(NavItem("courses.follow_ups", "Навыки после курса", "chart", roles=(Role.MANAGER,), on_phone=False,
                     order=35))


@bp.app_template_global()
def course_feedback_due(enrolment) -> bool:
    return aftercare.needs_feedback(enrolment)


@bp.app_template_global()
def course_follow_up(user):
    return aftercare.my_follow_up(user)


@bp.route("/feedback", methods=["GET", "POST"])
@login_required
def feedback():
    enrolment = services.completed_enrolment_of(current_user)
    if enrolment is None:
        abort(403, "Анкета открывается после завершения курса.")
    return submit(None, lambda: aftercare.submit_feedback(
                      enrolment, _scores_from_form([c for c, _, _ in aftercare.FEEDBACK_ELEMENTS]),
                      request.form.get("liked", ""), request.form.get("improve", "")),
                  message="Спасибо! Ответы анонимны и помогут улучшить курс.",
                  on_success=lambda _: redirect_to("courses.index"), template="courses/feedback.html",
                  elements=aftercare.FEEDBACK_ELEMENTS,
                  context=lambda: {"done": not aftercare.needs_feedback(enrolment)})


@bp.get("/cohorts/<int:cohort_id>/feedback")
@role_required(*Role.SERVICE_ADMINS, Role.TEACHER)
def cohort_feedback(cohort_id: int):
    cohort = cohort_or_404(cohort_id)
    return render_view("courses/cohort_feedback.html", None, cohort=cohort, report=aftercare.feedback_report(cohort),
                       minimum=aftercare.FEEDBACK_MIN_ANSWERS)


@bp.get("/cohorts/<int:cohort_id>/follow-ups")
@role_required(*Role.SERVICE_ADMINS)
def cohort_follow_ups(cohort_id: int):
    cohort = cohort_or_404(cohort_id, manage=True)
    return render_view("courses/cohort_follow_ups.html", None, cohort=cohort,
                       follow_ups=aftercare.follow_up_results(cohort), skills=aftercare.FOLLOW_UP_SKILLS)


@bp.route("/follow-up", methods=["GET", "POST"])
@login_required
def follow_up():
    item = aftercare.my_follow_up(current_user)
    if item is None:
        abort(404)
    return submit(None, lambda: aftercare.submit_self_assessment(
                      item, _scores_from_form([c for c, _ in aftercare.FOLLOW_UP_SKILLS]),
                      request.form.get("examples", "")),
                  message="Спасибо! Руководитель подтвердит вашу самооценку.",
                  on_success=lambda _: redirect_to("courses.follow_up"), template="courses/follow_up.html",
                  item=item, skills=aftercare.FOLLOW_UP_SKILLS)


@bp.get("/follow-ups")
@role_required(*Role.CENTRE_HEADS)
def follow_ups():
    return render_view("courses/follow_ups.html", None, items=aftercare.follow_ups_for_confirmation(current_user))


@bp.route("/follow-ups/<int:follow_up_id>", methods=["GET", "POST"])
@role_required(*Role.CENTRE_HEADS)
def follow_up_confirm(follow_up_id: int):
    item = db.get_or_404(FollowUp, follow_up_id)
    if not aftercare.can_confirm(current_user, item):
        abort(404)
    return submit(None, lambda: aftercare.confirm(current_user, item, request.form.get("agrees") == "yes",
                                                  request.form.get("comment", "")),
                  message="Подтверждение сохранено.", on_success=lambda _: redirect_to("courses.follow_ups"),
                  template="courses/follow_up_confirm.html", item=item, skills=aftercare.FOLLOW_UP_SKILLS)
