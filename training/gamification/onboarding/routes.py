"""Onboarding (/team/onboarding): newcomers and their plans; the buddy agrees; the checklist, the private log of
meetings and the check-ins. Plans outside the viewer's reach are 404."""
from __future__ import annotations

from flask import abort, request
from flask_login import current_user, login_required

from training.accounts import scopes
from training.accounts.models import Role, User
from training.courses.models import Cohort
from training.extensions import db
from training.gamification.events.models import Event
from training.gamification.onboarding import bp
from training.gamification.onboarding import services as onboarding
from training.gamification.onboarding.forms import BuddyForm, CheckinForm, LogForm, PlanForm, TaskForm, TaskIdForm
from training.gamification.onboarding.models import BuddyStatus, OnboardingPlan, OnboardingTask
from training.measures.periods import local_today
from training.web import int_or, redirect_to, render_view, role_required, submit, visible_or_404


@bp.get("/onboarding")
@login_required
def index():
    supervises = current_user.has_role(*Role.SUPERVISORS)
    return render_view("gamification/onboarding/index.html", None, plans=onboarding.my_plans(current_user),
                       newcomers=onboarding.newcomers_without_plan(current_user) if supervises else [],
                       months=onboarding.months_window())


def _plan_form(service_id, formdata=None) -> PlanForm:
    form = PlanForm(formdata=formdata)
    form.cohort_id.choices = [(0, "пока без группы")] + [(c.id, c.name) for c in onboarding.cohorts(service_id)]
    form.event_id.choices = [(0, "пока нет — будет пунктом списка дел")] + [
        (e.id, f"{e.title} · {e.starts_at:%d.%m.%Y}") for e in onboarding.induction_events(service_id)]
    return form


@bp.route("/onboarding/new/<int:user_id>", methods=["GET", "POST"])
@role_required(*Role.SUPERVISORS)
def create(user_id: int):
    newcomer = visible_or_404(User, user_id, lambda u: scopes.can_supervise(current_user, u))
    form = _plan_form(newcomer.regional_service_id, request.form if request.method == "POST" else None)

    def make():
        buddy = scopes.colleague(current_user, form.buddy.data) if (form.buddy.data or "").strip() else None
        return onboarding.create_plan(current_user, newcomer, buddy=buddy, rhythm=form.rhythm.data,
                                      cohort=db.session.get(Cohort, form.cohort_id.data) if form.cohort_id.data
                                      else None,
                                      event=db.session.get(Event, form.event_id.data) if form.event_id.data
                                      else None)

    return submit(form, make, message="План адаптации составлен.",
                  on_success=lambda plan: redirect_to("onboarding.detail", plan_id=plan.id),
                  page=lambda error, status: render_view("gamification/onboarding/new.html", None, status=status,
                                                         form=form, newcomer=newcomer, error=error))


def _plan_or_404(plan_id: int) -> OnboardingPlan:
    return visible_or_404(OnboardingPlan, plan_id, lambda p: onboarding.can_view(current_user, p))


def _detail_page(plan: OnboardingPlan, *, status: int = 200, error: str | None = None, log_form=None,
                 checkin_form=None, task_form=None, buddy_form=None):
    today = local_today()
    return render_view(
        "gamification/onboarding/detail.html", None, status=status, error=error, plan=plan,
        can_manage=onboarding.can_manage(current_user, plan), is_pair=onboarding.is_pair(current_user, plan),
        is_invited=plan.buddy_id == current_user.id and plan.buddy_status == BuddyStatus.PROPOSED,
        log=onboarding.log_of(current_user, plan), meetings=onboarding.meetings_count(plan),
        checkins=onboarding.checkins(plan), due={m: onboarding.checkin_due(plan, m) for m in onboarding.MILESTONES},
        today=today, log_form=log_form or LogForm(formdata=None, met_on=today),
        checkin_form=checkin_form or CheckinForm(formdata=None), task_form=task_form or TaskForm(formdata=None),
        buddy_form=buddy_form or BuddyForm(formdata=None), id_form=TaskIdForm(formdata=None))


@bp.get("/onboarding/<int:plan_id>")
@login_required
def detail(plan_id: int):
    return _detail_page(_plan_or_404(plan_id))


def _submit(plan: OnboardingPlan, form, action, message: str | None = None, **page_forms):
    """Run a plan's action through ``web.submit``: back to the plan, or its page again (with the form that was
    sent) and the rule's message, status 422."""
    return submit(form, action, message=message,
                  on_success=lambda _: redirect_to("onboarding.detail", plan_id=plan.id),
                  page=lambda error, status: _detail_page(plan, status=status, error=error, **page_forms))


@bp.post("/onboarding/<int:plan_id>/respond")
@login_required
def respond(plan_id: int):
    plan = _plan_or_404(plan_id)
    return submit(None, lambda: onboarding.respond(current_user, plan, request.form.get("answer") == "agree"),
                  message="Спасибо за ответ.",
                  on_success=lambda _: redirect_to("onboarding.detail", plan_id=plan.id)
                  if onboarding.can_view(current_user, plan) else redirect_to("onboarding.index"),
                  page=lambda error, status: _detail_page(plan, status=status, error=error))


@bp.post("/onboarding/<int:plan_id>/buddy")
@login_required
def buddy(plan_id: int):
    plan = _plan_or_404(plan_id)
    form = BuddyForm()
    return _submit(plan, form, lambda: onboarding.propose_buddy(
        current_user, plan, scopes.colleague(current_user, form.buddy.data)),
                   "Коллега получил приглашение стать наставником.", buddy_form=form)


@bp.post("/onboarding/<int:plan_id>/tasks")
@login_required
def task_add(plan_id: int):
    plan = _plan_or_404(plan_id)
    form = TaskForm()
    return _submit(plan, form, lambda: onboarding.add_task(current_user, plan, form.text.data), task_form=form)


def _task(plan: OnboardingPlan) -> OnboardingTask:
    form = TaskIdForm()
    task = db.session.get(OnboardingTask, int_or(form.task_id.data)) if form.validate_on_submit() else None
    if task is None or task.plan_id != plan.id:
        abort(404)
    return task


@bp.post("/onboarding/<int:plan_id>/tasks/toggle")
@login_required
def task_toggle(plan_id: int):
    plan = _plan_or_404(plan_id)
    task = _task(plan)
    return _submit(plan, None, lambda: onboarding.toggle_task(current_user, task))


@bp.post("/onboarding/<int:plan_id>/tasks/remove")
@login_required
def task_remove(plan_id: int):
    plan = _plan_or_404(plan_id)
    task = _task(plan)
    return _submit(plan, None, lambda: onboarding.remove_task(current_user, task))


@bp.post("/onboarding/<int:plan_id>/log")
@login_required
def log(plan_id: int):
    plan = _plan_or_404(plan_id)
    form = LogForm()
    return _submit(plan, form, lambda: onboarding.log_entry(current_user, plan, met_on=form.met_on.data,
                                                            text=form.text.data),
                   "Встреча записана в журнал.", log_form=form)


@bp.post("/onboarding/<int:plan_id>/checkin")
@login_required
def checkin(plan_id: int):
    plan = _plan_or_404(plan_id)
    form = CheckinForm()
    return _submit(plan, form, lambda: onboarding.check_in(current_user, plan, milestone=int_or(form.milestone.data),
                                                           score=int_or(form.score.data), text=form.text.data or ""),
                   "Отзыв записан. Спасибо!", checkin_form=form)


@bp.post("/onboarding/<int:plan_id>/complete")
@login_required
def finish(plan_id: int):
    plan = _plan_or_404(plan_id)
    return _submit(plan, None, lambda: onboarding.complete(current_user, plan), "Адаптация завершена.")
