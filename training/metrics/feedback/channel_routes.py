"""Answers from the other channels (/metrics/answers…): staff type an answer given by phone, on paper, by e-mail or
SMS; a batch of scanned paper forms; printing paper forms with a code per sheet. The media-mentions register
(/metrics/mentions) is here too. Thin views; the rules live in channels.py and mentions.py."""
from __future__ import annotations

from flask import abort, request, url_for
from flask_login import current_user, login_required

from training.accounts import scopes
from training.accounts.models import Role, User
from training.extensions import db
from training.measures.periods import local_today
from training.metrics.feedback import aspects, bp, channels
from training.metrics.feedback.channel_forms import NOBODY, BatchForm, SheetsForm, StaffAnswerForm
from training.metrics.feedback.models import Touchpoint
from training.metrics.feedback.paper_pdf import PaperForm, paper_forms_pdf
from training.org.models import Centre
from training.templating import add_home_panel
from training.web import download, redirect_to, role_required, submit

add_home_panel("metrics/feedback/_channels_panel.html", order=21)


def _chosen_centre(centres: list[Centre], asked: int | None) -> Centre | None:
    wanted = asked or current_user.centre_id or (centres[0].id if centres else None)
    return next((c for c in centres if c.id == wanted), centres[0] if centres else None)


@bp.route("/answers/new", methods=["GET", "POST"])
@login_required
def enter_answer():
    """A client's answer received by phone, on paper, by e-mail or SMS, typed by the centre's staff."""
    centres = channels.entry_centres(current_user)
    if not centres:
        abort(403)
    form = StaffAnswerForm()
    form.centre_id.choices = [(c.id, c.name) for c in centres]
    centre = _chosen_centre(centres, request.values.get("centre_id", type=int))
    staff = channels.centre_staff(centre)
    form.employee_id.choices = [(NOBODY, "— не о конкретном специалисте —")] + [
        (u.id, u.full_name) for u in staff if u.id != current_user.id]
    if request.method == "POST" and form.employee_id.data == current_user.id:
        form.employee_id.choices.append((current_user.id, current_user.full_name))  # refused by the rule, not 422
    touchpoints = aspects.active_touchpoints()
    form.touchpoint_id.choices = [(NOBODY, "— не указана —")] + [(t.id, t.name) for t in touchpoints]
    if request.method == "GET":
        form.centre_id.data = centre.id
        form.answered_on.data = local_today()

    def save():
        employee = db.session.get(User, form.employee_id.data) if form.employee_id.data else None
        touchpoint = db.session.get(Touchpoint, form.touchpoint_id.data) if form.touchpoint_id.data else None
        return channels.enter_answer(
            current_user, centre, channel=form.channel.data, employee=employee, touchpoint=touchpoint,
            answered_on=form.answered_on.data, sheet_code=form.sheet_code.data or "", ces=form.ces.data,
            expectations=form.expectations.data, recommend=form.recommend.data, csat=form.csat.data,
            specialist_satisfaction=form.specialist_satisfaction.data, comment=form.comment.data)

    return submit(form, save, message="Ответ клиента внесён. Можно вносить следующий.",
                  on_success=lambda _: redirect_to(url_for("feedback.enter_answer", centre_id=centre.id)),
                  template="metrics/feedback/enter_answer.html", centre=centre)


@bp.route("/answers/batch", methods=["GET", "POST"])
@login_required
def enter_batch():
    """A scanned batch of paper forms typed as lines: all or nothing, every problem with its line."""
    centres = channels.entry_centres(current_user)
    if not centres:
        abort(403)
    form = BatchForm()
    form.centre_id.choices = [(c.id, c.name) for c in centres]
    centre = _chosen_centre(centres, request.values.get("centre_id", type=int))
    if request.method == "GET":
        form.centre_id.data = centre.id
        form.answered_on.data = local_today()
    return submit(form, lambda: channels.enter_batch(current_user, centre, form.lines.data,
                                                     answered_on=form.answered_on.data),
                  message=lambda n: f"Внесено анкет: {n}.",
                  on_success=lambda _: redirect_to(url_for("feedback.enter_batch", centre_id=centre.id)),
                  template="metrics/feedback/enter_batch.html", centre=centre, columns=channels.BATCH_COLUMNS,
                  max_lines=channels.MAX_BATCH_LINES)


@bp.route("/paper-forms", methods=["GET", "POST"])
@role_required(*Role.SUPERVISORS)
def paper_forms():
    """HR and managers print paper forms for a centre: the POST issues the sheets' codes and answers the PDF."""
    centres = scopes.visible_centres(current_user)
    centre = _chosen_centre(centres, request.values.get("centre_id", type=int))
    form = SheetsForm()
    staff = channels.centre_staff(centre) if centre else []
    form.employee_id.choices = [(NOBODY, "— для всего центра —")] + [(u.id, u.full_name) for u in staff]
    if request.method == "GET":
        form.count.data = 20

    def issue():
        if centre is None:
            abort(404)
        employee = next((u for u in staff if u.id == form.employee_id.data), None)
        return channels.issue_sheets(current_user, centre, form.count.data, employee)

    def pdf(sheets):
        return download(paper_forms_pdf([
            PaperForm(channels.printed_code(s.code), centre.name,
                      f"Специалист: {s.employee.public_name}" if s.employee and s.employee.public_name else None,
                      channels.sheet_module(s)) for s in sheets]),
            "application/pdf", f"paper-forms-centre-{centre.id}.pdf")

    return submit(form, issue, on_success=pdf, template="metrics/feedback/paper_forms.html", centres=centres,
                  centre=centre, max_sheets=channels.MAX_SHEETS)


