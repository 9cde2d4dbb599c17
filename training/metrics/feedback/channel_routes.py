"""Answers from the other channels (/metrics/answers…): staff type an answer given by phone, on paper, by e-mail or
SMS; a batch of scanned paper forms; printing paper forms with a code per sheet. The media-mentions register
(/metrics/mentions) is here too. Thin views; the rules live in channels.py and mentions.py."""
from __future__ import annotations

from flask import abort, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from training.accounts import scopes
from training.accounts.models import Role, User
from training.extensions import db
from training.measures.periods import local_today
from training.metrics.feedback import aspects, bp, channels, mentions
from training.metrics.feedback import services as feedback
from training.metrics.feedback.aspects import CSI_PARAMETERS
from training.metrics.feedback.channel_forms import NOBODY, BatchForm, MentionForm, SheetsForm, StaffAnswerForm
from training.metrics.feedback.channel_models import MediaMention, MentionTone
from training.metrics.feedback.models import Channel, ClientFeedback, Touchpoint
from training.metrics.feedback.paper_pdf import PaperForm, paper_forms_pdf
from training.org.models import Centre
from training.tabular import table_download
from training.templating import add_home_panel
from training.web import act, download, page_args, redirect_to, role_required, submit, visible_or_404

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
    csi_marks = {p.code: request.form.get(f"csi-{p.code}") for p in CSI_PARAMETERS}

    def save():
        employee = db.session.get(User, form.employee_id.data) if form.employee_id.data else None
        touchpoint = db.session.get(Touchpoint, form.touchpoint_id.data) if form.touchpoint_id.data else None
        return channels.enter_answer(
            current_user, centre, channel=form.channel.data, employee=employee, touchpoint=touchpoint,
            answered_on=form.answered_on.data, sheet_code=form.sheet_code.data or "", ces=form.ces.data,
            expectations=form.expectations.data, recommend=form.recommend.data, csat=form.csat.data,
            specialist_satisfaction=form.specialist_satisfaction.data, csi_marks=csi_marks, comment=form.comment.data)

    return submit(form, save, message="Ответ клиента внесён. Можно вносить следующий.",
                  on_success=lambda _: redirect_to(url_for("feedback.enter_answer", centre_id=centre.id)),
                  template="metrics/feedback/enter_answer.html", centre=centre, csi_parameters=CSI_PARAMETERS,
                  csi_marks=csi_marks)


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


def _specialist_line(employee: User | None) -> str | None:
    """Like the QR cards: the name only with the person's consent to show it, else their position."""
    if employee is None:
        return None
    if employee.public_name:
        return f"Специалист: {employee.public_name}"
    return "Ваш специалист" + (f": {employee.position}" if employee.position else "")


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
            PaperForm(channels.printed_code(s.code), centre.name, _specialist_line(s.employee),
                      channels.sheet_module(s)) for s in sheets]),
            "application/pdf", f"paper-forms-centre-{centre.id}.pdf")

    return submit(form, issue, on_success=pdf, template="metrics/feedback/paper_forms.html", centres=centres,
                  centre=centre, max_sheets=channels.MAX_SHEETS)




# --- the register of media mentions («объём обсуждения», variant 1) -------------------------------------------------

@bp.route("/mentions", methods=["GET", "POST"])
@role_required(*Role.SERVICE_ADMINS)
def mentions_register():
    """HR keeps the manual register of mentions of their service in the media and social networks."""
    service_list, selected, service = scopes.chosen_service(current_user, request.values.get("service_id", type=int))
    if service is None:
        abort(404)
    form = MentionForm()
    centres = [c for c in scopes.visible_centres(current_user) if c.regional_service_id == service.id]
    form.centre_id.choices = [(NOBODY, "— служба в целом —")] + [(c.id, c.name) for c in centres]
    if request.method == "GET":
        form.mentioned_on.data = local_today()
        form.tone.data = MentionTone.NEUTRAL.value

    def add():
        centre = next((c for c in centres if c.id == form.centre_id.data), None)
        return mentions.add_mention(current_user, service, mentioned_on=form.mentioned_on.data,
                                    source=form.source.data, tone=form.tone.data, url=form.url.data, centre=centre,
                                    note=form.note.data or "")

    def context():
        page, per_page = page_args()
        return {"items": db.paginate(mentions.mentions_for(current_user, service.id).options(
                    selectinload(MediaMention.centre)), page=page, per_page=per_page, error_out=False),
                "months": mentions.by_month(service.id), "tones": list(MentionTone)}

    return submit(form, add, message="Упоминание внесено в реестр.",
                  on_success=lambda _: redirect_to(url_for("feedback.mentions_register", service_id=service.id)),
                  template="metrics/feedback/mentions.html", context=context, service=service,
                  service_list=service_list, kept_by_hand=mentions.KEPT_BY_HAND)


@bp.post("/mentions/<int:mention_id>/delete")
@role_required(*Role.SERVICE_ADMINS)
def mention_delete(mention_id: int):
    mention = visible_or_404(MediaMention, mention_id,
                             lambda m: mentions.can_keep(current_user, m.regional_service_id))
    return act(lambda: mentions.delete_mention(current_user, mention), "feedback.mentions_register",
               service_id=mention.regional_service_id, message="Упоминание удалено из реестра.")


# --- the answers as a table -----------------------------------------------------------------------------------------

EXPORT_MAX_ROWS = 20_000
EXPORT_HEADER = ("Дата", "ЦЗН", "Точка контакта", "Специалист", "Канал", "CES (1–5)", "Ожидания (1–5)",
                 "Рекомендация (0–10)", "Обслуживание в центре (1–5)", "Работа специалиста (1–5)", "Низкая оценка",
                 "Комментарий")


@bp.get("/feedback/export.<fmt>")
@role_required(*Role.SUPERVISORS)
def feedback_export(fmt: str):
    """The answers of the viewer's centres (newest first, at most 20 000), with their channel; the list's filters
    apply. No contact details: those stay with the follow-up."""
    centres = scopes.visible_centres(current_user)
    channel = request.args.get("channel")
    query = feedback.recent_feedback(centre_ids=[c.id for c in centres],
                                     only_comments=request.args.get("comments") == "1")
    if channel in Channel._value2member_map_:
        query = query.where(ClientFeedback.channel == channel)
    rows = db.session.scalars(query.options(selectinload(ClientFeedback.centre),
                                            selectinload(ClientFeedback.touchpoint),
                                            selectinload(ClientFeedback.employee)).limit(EXPORT_MAX_ROWS))
    return table_download(fmt, EXPORT_HEADER, (
        (f.local_date, f.centre.name, f.touchpoint.name if f.touchpoint else "",
         f.employee.full_name if f.employee else "", Channel(f.channel).label, f.ces, f.expectations, f.recommend,
         f.csat, f.specialist_satisfaction, "да" if f.is_low else "", f.comment or "") for f in rows),
        filename="client-feedback", sheet_title="Отзывы клиентов")
