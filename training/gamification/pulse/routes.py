"""Pulse surveys of staff (/team/pulse): answer in a minute, anonymously; HR launches surveys and reads results
per group from the threshold; workspace proposals and their replies. Nothing here logs, flashes or redirects with
anything about a respondent; the answer page's URL names the round, never a person."""
from __future__ import annotations

from flask import abort, request
from flask_login import current_user, login_required

from training.accounts import scopes
from training.accounts.models import Role
from training.extensions import db
from training.gamification.pulse import bp
from training.gamification.pulse import services as pulse
from training.gamification.pulse.forms import AnswerForm, ReplyForm, SurveyForm
from training.gamification.pulse.models import PulseProposal, PulseRound, PulseSurvey
from training.org import services as org_services
from training.web import act, int_or, redirect_to, render_view, role_required, submit, visible_or_404


@bp.get("/pulse")
@login_required
def index():
    return render_view("gamification/pulse/index.html", None, to_answer=pulse.rounds_to_answer(current_user),
                       surveys=pulse.visible_surveys(current_user),
                       can_manage=pulse.can_manage(current_user, current_user.regional_service_id),
                       threshold=pulse.THRESHOLD)


def _survey_form(formdata=None) -> SurveyForm:
    form = SurveyForm(formdata=formdata)
    centres = org_services.centres_of_service(current_user.regional_service_id)
    form.centre_id.choices = [(0, "всю службу занятости (итоги по каждому ЦЗН)")] + [(c.id, c.name) for c in centres]
    form.question_ids.choices = [(q.id, f"{q.topic_label}: {q.text}") for q in pulse.question_bank()]
    return form


@bp.route("/pulse/new", methods=["GET", "POST"])
@role_required(*Role.SERVICE_ADMINS)
def create():
    form = _survey_form(request.form if request.method == "POST" else None)
    return submit(form, lambda: pulse.create_survey(
                      current_user, current_user.regional_service_id, title=form.title.data,
                      question_ids=form.question_ids.data, schedule=form.schedule.data,
                      centre_id=form.centre_id.data or None, days_open=form.days_open.data),
                  message="Опрос запущен: сотрудники получили приглашение.",
                  on_success=lambda survey: redirect_to("pulse.results", pulse_survey_id=survey.id),
                  template="gamification/pulse/new.html", max_questions=pulse.MAX_QUESTIONS)


def _round_or_404(pulse_round_id: int) -> PulseRound:
    return visible_or_404(PulseRound, pulse_round_id, lambda r: pulse.is_eligible(current_user, r.survey)
                          or pulse.can_see_results(current_user, r.survey))


def _answer_page(row: PulseRound, form: AnswerForm, *, status: int = 200, error: str | None = None, scores=None):
    return render_view("gamification/pulse/answer.html", None, status=status, row=row, form=form, error=error,
                       questions=pulse.questions_of(row.survey), scores=scores or {},
                       answered=pulse.has_answered(current_user, row), is_open=pulse.is_open(row),
                       eligible=pulse.is_eligible(current_user, row.survey))


@bp.route("/pulse/rounds/<int:pulse_round_id>", methods=["GET", "POST"])
@login_required
def answer(pulse_round_id: int):
    row = _round_or_404(pulse_round_id)
    form = AnswerForm(formdata=request.form if request.method == "POST" else None)
    scores = {q.id: int_or(request.form.get(f"q-{q.id}"), 0) or None for q in pulse.questions_of(row.survey)} \
        if request.method == "POST" else None
    return submit(form, lambda: pulse.submit_answer(current_user, row, enps=int(form.enps.data),
                                                    scores={k: v for k, v in scores.items() if v is not None},
                                                    proposal=form.proposal.data or ""),
                  message="Спасибо! Ответ записан анонимно.", on_success=lambda _: redirect_to("pulse.index"),
                  page=lambda error, status: _answer_page(row, form, status=status, error=error, scores=scores))


@bp.get("/pulse/surveys/<int:pulse_survey_id>")
@role_required(*Role.SUPERVISORS)
def results(pulse_survey_id: int):
    survey = visible_or_404(PulseSurvey, pulse_survey_id, lambda s: pulse.can_see_results(current_user, s))
    rounds = pulse.trend(survey)
    return render_view("gamification/pulse/results.html", None, survey=survey, rounds=rounds,
                       latest=rounds[-1] if rounds else None, threshold=pulse.THRESHOLD,
                       can_manage=pulse.can_manage(current_user, survey.regional_service_id))


@bp.post("/pulse/surveys/<int:pulse_survey_id>/stop")
@role_required(*Role.SERVICE_ADMINS)
def stop(pulse_survey_id: int):
    survey = visible_or_404(PulseSurvey, pulse_survey_id, lambda s: pulse.can_see_results(current_user, s))
    return act(lambda: pulse.stop_survey(current_user, survey), "pulse.results", pulse_survey_id=survey.id,
               message="Расписание опроса остановлено.")


def _proposals_page(form: ReplyForm | None = None, *, status: int = 200, error: str | None = None):
    items = pulse.proposals(current_user)
    return render_view("gamification/pulse/proposals.html", None, status=status, proposals=items,
                       form=form or ReplyForm(formdata=None), error=error,
                       can_reply=lambda p: pulse.can_reply(current_user, p))


@bp.get("/pulse/proposals")
@login_required
def proposals():
    return _proposals_page()


@bp.post("/pulse/proposals/reply")
@role_required(*Role.SUPERVISORS)
def reply():
    form = ReplyForm()
    if not form.validate_on_submit():
        return _proposals_page(form, status=422, error="Напишите ответ.")
    proposal = db.session.get(PulseProposal, form.proposal_id.data)
    if proposal is None or not scopes.can_view(current_user, proposal, members=scopes.Level.SERVICE):
        abort(404)
    return submit(form, lambda: pulse.reply_to_proposal(current_user, proposal, form.reply.data),
                  message="Ответ опубликован.", on_success=lambda _: redirect_to("pulse.proposals"),
                  page=lambda error, status: _proposals_page(form, status=status, error=error))
