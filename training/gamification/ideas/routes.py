"""Ideas and projects (/team/ideas): propose, support, the committee's decision, the project's team, milestones
and result."""
from __future__ import annotations

from datetime import UTC, datetime

from flask import abort, request
from flask_login import current_user, login_required

from training.accounts import scopes
from training.accounts.models import Role
from training.extensions import db
from training.gamification.committee import services as committee
from training.gamification.events.models import EventOutcome
from training.gamification.ideas import agents, assist, bp
from training.gamification.ideas import services as ideas
from training.gamification.ideas.forms import (
    AgentForm,
    AgentTaskForm,
    AgentTaskIdForm,
    AssistForm,
    AssistSessionForm,
    DecisionForm,
    FinishForm,
    IdeaForm,
    MemberForm,
    MilestoneForm,
    MilestoneIdForm,
    OfferForm,
    OfferIdForm,
)
from training.gamification.ideas.models import AgentTask, AssistOffer, AssistRequest, ChangeAgent, Idea, Milestone
from training.templating import DISPLAY_TZ
from training.web import int_or, redirect_to, render_view, submit, visible_or_404


def _idea_form(formdata=None) -> IdeaForm:
    service_id = current_user.regional_service_id
    form = IdeaForm(formdata=formdata)
    form.stress_item_id.choices = [("", "—")] + [(i.id, f"+{i.plus_count}: {i.text[:70]}")
                                                 for i in ideas.stress_choices(service_id)]
    form.library_case_id.choices = [(0, "—")] + [(c.id, c.title[:80]) for c in ideas.case_choices(service_id)]
    form.event_outcome_id.choices = [(0, "—")] + [(o.id, f"{o.event.title}: {o.text[:60]}")
                                                  for o in ideas.outcome_choices(service_id)]
    return form


def _index_page(form: IdeaForm, *, status: int = 200, error: str | None = None):
    return render_view("gamification/ideas/index.html", None, status=status, form=form, error=error,
                       items=ideas.visible_ideas(current_user))


@bp.get("/ideas")
@login_required
def index():
    """`?outcome=<id>`: «Предложить в проекты» from an event's idea fills the form from that outcome."""
    form = _idea_form()
    outcome_id = int_or(request.args.get("outcome"), 0)
    if outcome_id and outcome_id in dict(form.event_outcome_id.choices):  # an idea of the person's service
        outcome = db.session.get(EventOutcome, outcome_id)
        form.event_outcome_id.data = outcome.id
        form.title.data = outcome.text[:200]
        form.text.data = outcome.text
    return _index_page(form)


@bp.post("/ideas")
@login_required
def create():
    form = _idea_form(request.form)
    return submit(form, lambda: ideas.propose(
        current_user, title=form.title.data, text=form.text.data, stress_item_id=form.stress_item_id.data or None,
        library_case_id=form.library_case_id.data or None, event_outcome_id=form.event_outcome_id.data or None),
        message="Идея опубликована: коллеги могут её поддержать, комитет рассмотрит.",
        on_success=lambda idea: redirect_to("ideas.detail", idea_id=idea.id),
        page=lambda error, status: _index_page(form, status=status, error=error))


def _idea_or_404(idea_id: int) -> Idea:
    return visible_or_404(Idea, idea_id, lambda i: ideas.can_view(current_user, i))


def _detail_page(idea: Idea, *, status: int = 200, error: str | None = None, **forms):
    return render_view(
        "gamification/ideas/detail.html", None, status=status, error=error, idea=idea,
        supported=ideas.has_supported(current_user, idea), can_run=ideas.can_run(current_user, idea),
        is_committee=committee.can_act(current_user, idea.regional_service_id),
        decision_form=forms.get("decision_form") or DecisionForm(formdata=None),
        milestone_form=forms.get("milestone_form") or MilestoneForm(formdata=None),
        member_form=forms.get("member_form") or MemberForm(formdata=None),
        finish_form=forms.get("finish_form") or FinishForm(formdata=None), id_form=MilestoneIdForm(formdata=None))


@bp.get("/ideas/<int:idea_id>")
@login_required
def detail(idea_id: int):
    return _detail_page(_idea_or_404(idea_id))


def _act(idea: Idea, action, message: str, **forms):
    """Run an idea's action through ``web.submit``: back to the idea, or its page again (with the form that was
    sent) and the rule's message, status 422."""
    return submit(None, action, message=message, on_success=lambda _: redirect_to("ideas.detail", idea_id=idea.id),
                  page=lambda error, status: _detail_page(idea, status=status, error=error, **forms))


@bp.post("/ideas/<int:idea_id>/support")
@login_required
def support(idea_id: int):
    idea = _idea_or_404(idea_id)
    return _act(idea, lambda: ideas.support(current_user, idea), "Вы поддержали идею.")


@bp.post("/ideas/<int:idea_id>/decide")
@login_required
def decide(idea_id: int):
    idea = _idea_or_404(idea_id)
    committee.ensure_can_act(current_user, idea.regional_service_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        return _detail_page(idea, status=422, decision_form=form)
    if form.decision.data == "accept":
        return _act(idea, lambda: ideas.accept(current_user, idea, lead=scopes.colleague(current_user, form.lead.data),
                                               members=[], note=form.note.data or ""), "Идея принята в проект.",
                    decision_form=form)
    return _act(idea, lambda: ideas.decline(current_user, idea, form.note.data or ""), "Решение записано.",
                decision_form=form)


@bp.post("/ideas/<int:idea_id>/members")
@login_required
def member_add(idea_id: int):
    idea = _idea_or_404(idea_id)
    form = MemberForm()
    if not form.validate_on_submit():
        return _detail_page(idea, status=422, member_form=form)
    return _act(idea, lambda: ideas.add_member(current_user, idea, scopes.colleague(current_user, form.person.data)),
                "Коллега в команде.", member_form=form)


@bp.post("/ideas/<int:idea_id>/milestones")
@login_required
def milestone_add(idea_id: int):
    idea = _idea_or_404(idea_id)
    form = MilestoneForm()
    if not form.validate_on_submit():
        return _detail_page(idea, status=422, milestone_form=form)
    return _act(idea, lambda: ideas.add_milestone(current_user, idea, form.text.data, form.due_on.data),
                "Этап добавлен.", milestone_form=form)


@bp.post("/ideas/<int:idea_id>/milestones/toggle")
@login_required
def milestone_toggle(idea_id: int):
    idea = _idea_or_404(idea_id)
    form = MilestoneIdForm()
    milestone = db.session.get(Milestone, int_or(form.milestone_id.data)) if form.validate_on_submit() else None
    if milestone is None or idea.project is None or milestone.project_id != idea.project.id:
        abort(404)
    return _act(idea, lambda: ideas.toggle_milestone(current_user, milestone, idea), "Этап обновлён.")


@bp.post("/ideas/<int:idea_id>/finish")
@login_required
def finish(idea_id: int):
    idea = _idea_or_404(idea_id)
    form = FinishForm()
    if not form.validate_on_submit():
        return _detail_page(idea, status=422, finish_form=form)
    return _act(idea, lambda: ideas.finish(current_user, idea, form.result.data),
                "Проект завершён и отправлен в библиотеку кейсов на модерацию.", finish_form=form)


# --- Peer Assist (/team/assist) -----------------------------------------------------------------------------------

def _assist_form(formdata=None) -> AssistForm:
    service_id = current_user.regional_service_id
    form = AssistForm(formdata=formdata)
    form.stress_item_id.choices = [("", "—")] + [(i.id, f"+{i.plus_count}: {i.text[:70]}")
                                                 for i in ideas.stress_choices(service_id)]
    form.library_case_id.choices = [(0, "—")] + [(c.id, c.title[:80]) for c in ideas.case_choices(service_id)]
    return form


def _assist_index(form: AssistForm, *, status: int = 200, error: str | None = None):
    return render_view("gamification/ideas/assist_index.html", None, status=status, form=form, error=error,
                       items=assist.visible_requests(current_user))


@bp.get("/assist")
@login_required
def assist_index():
    return _assist_index(_assist_form())


@bp.post("/assist")
@login_required
def assist_create():
    form = _assist_form(request.form)
    return submit(form, lambda: assist.ask(current_user, title=form.title.data, text=form.text.data,
                                           stress_item_id=form.stress_item_id.data or None,
                                           library_case_id=form.library_case_id.data or None),
                  message="Запрос опубликован: коллеги из других отделов и центров увидят его и предложат опыт.",
                  on_success=lambda row: redirect_to("ideas.assist_detail", assist_id=row.id),
                  page=lambda error, status: _assist_index(form, status=status, error=error))


def _assist_or_404(assist_id: int) -> AssistRequest:
    return visible_or_404(AssistRequest, assist_id, lambda r: assist.can_view(current_user, r))


def _assist_page(row: AssistRequest, *, status: int = 200, error: str | None = None, **forms):
    return render_view(
        "gamification/ideas/assist_detail.html", None, status=status, error=error, item=row,
        can_run=assist.can_run(current_user, row), may_offer=assist.may_offer(current_user, row),
        my_offer=assist.offer_of(current_user, row), same_unit=assist.same_unit(current_user, row),
        offer_form=forms.get("offer_form") or OfferForm(formdata=None), id_form=OfferIdForm(formdata=None),
        session_form=forms.get("session_form") or AssistSessionForm(formdata=None))


@bp.get("/assist/<int:assist_id>")
@login_required
def assist_detail(assist_id: int):
    return _assist_page(_assist_or_404(assist_id))


def _assist_act(row: AssistRequest, action, message: str, **forms):
    return submit(None, action, message=message,
                  on_success=lambda _: redirect_to("ideas.assist_detail", assist_id=row.id),
                  page=lambda error, status: _assist_page(row, status=status, error=error, **forms))


@bp.post("/assist/<int:assist_id>/offer")
@login_required
def assist_offer(assist_id: int):
    row = _assist_or_404(assist_id)
    form = OfferForm()
    if not form.validate_on_submit():
        return _assist_page(row, status=422, offer_form=form)
    return _assist_act(row, lambda: assist.offer(current_user, row, form.text.data),
                       "Предложение отправлено автору запроса.", offer_form=form)


@bp.post("/assist/<int:assist_id>/accept")
@login_required
def assist_accept(assist_id: int):
    row = _assist_or_404(assist_id)
    form = OfferIdForm()
    offer = db.session.get(AssistOffer, int_or(form.offer_id.data)) if form.validate_on_submit() else None
    if offer is None or offer.request_id != row.id:
        abort(404)
    return _assist_act(row, lambda: assist.accept(current_user, row, offer), "Предложение принято.")


def _session_start(form: AssistSessionForm) -> datetime:
    return datetime.combine(form.day.data, form.time.data, DISPLAY_TZ).astimezone(UTC)


@bp.post("/assist/<int:assist_id>/schedule")
@login_required
def assist_schedule(assist_id: int):
    row = _assist_or_404(assist_id)
    form = AssistSessionForm()
    if not form.validate_on_submit():
        return _assist_page(row, status=422, session_form=form)
    return _assist_act(row, lambda: assist.schedule(current_user, row, starts_at=_session_start(form),
                                                    duration_minutes=form.duration_minutes.data,
                                                    place=form.place.data or "", video_url=form.video_url.data or ""),
                       "Встреча назначена: помощники приглашены как спикеры.", session_form=form)


@bp.post("/assist/<int:assist_id>/close")
@login_required
def assist_close(assist_id: int):
    row = _assist_or_404(assist_id)
    return _assist_act(row, lambda: assist.close(current_user, row), "Запрос закрыт, помощникам начислены баллы.")


# --- «Агенты изменений» (/team/agents) -----------------------------------------------------------------------------

def _agents_page(*, status: int = 200, error: str | None = None, **forms):
    service_id = current_user.regional_service_id
    can_nominate = agents.can_nominate(current_user, service_id)
    return render_view(
        "gamification/ideas/agents.html", None, status=status, error=error, items=agents.agents_of(service_id),
        can_nominate=can_nominate, candidates=agents.candidates(service_id) if can_nominate else [],
        agent_form=forms.get("agent_form") or AgentForm(formdata=None),
        task_form=forms.get("task_form") or AgentTaskForm(formdata=None), id_form=AgentTaskIdForm(formdata=None))


@bp.get("/agents")
@login_required
def agents_index():
    return _agents_page()


def _agents_act(action, message: str, **forms):
    return submit(None, action, message=message, on_success=lambda _: redirect_to("ideas.agents_index"),
                  page=lambda error, status: _agents_page(status=status, error=error, **forms))


@bp.post("/agents")
@login_required
def agents_nominate():
    service_id = current_user.regional_service_id
    if not agents.can_nominate(current_user, service_id):
        abort(403)
    form = AgentForm()
    if not form.validate_on_submit():
        return _agents_page(status=422, agent_form=form)
    return _agents_act(lambda: agents.nominate(current_user, service_id,
                                               scopes.colleague(current_user, form.person.data), form.reason.data),
                       "Агент изменений выдвинут.", agent_form=form)


def _agent_or_404(agent_id: int) -> ChangeAgent:
    return visible_or_404(ChangeAgent, agent_id, lambda a: current_user.has_role(Role.ADMIN)
                          or a.regional_service_id == current_user.regional_service_id)


@bp.post("/agents/<int:agent_id>/tasks")
@login_required
def agents_task_add(agent_id: int):
    agent = _agent_or_404(agent_id)
    if not agents.can_nominate(current_user, agent.regional_service_id):
        abort(403)
    form = AgentTaskForm()
    if not form.validate_on_submit():
        return _agents_page(status=422, task_form=form)
    return _agents_act(lambda: agents.add_task(current_user, agent, form.text.data, form.due_on.data),
                       "Задача добавлена.", task_form=form)


@bp.post("/agents/<int:agent_id>/tasks/toggle")
@login_required
def agents_task_toggle(agent_id: int):
    agent = _agent_or_404(agent_id)
    form = AgentTaskIdForm()
    task = db.session.get(AgentTask, int_or(form.task_id.data)) if form.validate_on_submit() else None
    if task is None or task.agent_id != agent.id:
        abort(404)
    return _agents_act(lambda: agents.toggle_task(current_user, agent, task), "Задача обновлена.")
