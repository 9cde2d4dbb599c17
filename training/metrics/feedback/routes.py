"""Client feedback for staff (/metrics): QR sheets, the answers, follow-ups of low scores."""
from __future__ import annotations

from flask import abort, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from training.accounts import scopes
from training.accounts.models import Role, User
from training.extensions import db
from training.metrics.feedback import aspects as services
from training.metrics.feedback import bp
from training.metrics.feedback import services as feedback
from training.metrics.feedback.forms import FollowUpForm
from training.metrics.feedback.models import Channel, ClientFeedback, FeedbackLink, FollowUpTask, Touchpoint
from training.metrics.feedback.pdf import Sheet, qr_sheets_pdf
from training.org.models import Centre
from training.web import (
    act,
    download,
    page_args,
    public_url,
    redirect_to,
    render_view,
    role_required,
    submit,
    visible_or_404,
)


@bp.app_template_global()
def metrics_followup_counts():
    """For the home-page panel of managers and HR: open and overdue follow-up tasks."""
    return feedback.task_counts(current_user)


@bp.get("/qr")
@role_required(*Role.SUPERVISORS)
def qr():
    centres = scopes.visible_centres(current_user)
    centre_id = request.args.get("centre_id", type=int) or (centres[0].id if centres else None)
    centre = next((c for c in centres if c.id == centre_id), None)
    staff = list(db.session.scalars(select(User).where(User.centre_id == centre.id, User.is_active)
                                    .order_by(User.full_name))) if centre else []
    links = []
    if centre:
        links = list(db.session.scalars(select(FeedbackLink).where(FeedbackLink.centre_id == centre.id)
                                        .order_by(FeedbackLink.id)))
    return render_view("metrics/feedback/qr.html", None, centres=centres, centre=centre, staff=staff,
                       touchpoints=services.active_touchpoints(), links=links)


def _feedback_url(link: FeedbackLink) -> str:
    return public_url("client_feedback.form", token=link.token)


def _specialist_line(employee: User) -> str:
    if employee.public_name:  # the name is printed only with the person's consent
        return f"Специалист: {employee.public_name}"
    return "Ваш специалист" + (f": {employee.position}" if employee.position else "")


@bp.post("/qr/<int:centre_id>.pdf")
@role_required(*Role.SUPERVISORS)
def qr_pdf(centre_id: int):
    """The QR sheets as a PDF. A POST: printing a sheet issues the link it carries (once per centre, touchpoint
    and specialist)."""
    centre = visible_or_404(Centre, centre_id, lambda c: scopes.can_view_centre(current_user, c))
    touchpoint_ids = request.values.getlist("touchpoint", type=int)
    employee_ids = request.values.getlist("employee", type=int)

    def issue_links():
        sheets = [] if touchpoint_ids or employee_ids else [(feedback.link_for(centre), None, None)]
        for touchpoint in (db.session.get(Touchpoint, t) for t in touchpoint_ids):
            if touchpoint is not None:
                sheets.append((feedback.link_for(centre, touchpoint), touchpoint, None))
        for employee in (db.session.get(User, e) for e in employee_ids):
            if employee is not None and employee.centre_id == centre.id:
                sheets.append((feedback.link_for(centre, None, employee), None, employee))
        return sheets

    def sheets_pdf(sheets):
        pages = [Sheet(_feedback_url(link), centre.name, touchpoint.name if touchpoint else None,
                       _specialist_line(employee) if employee else None)
                 for link, touchpoint, employee in sheets]
        pdf = qr_sheets_pdf(pages, cards=bool(employee_ids) or request.values.get("layout") == "cards")
        return download(pdf, "application/pdf", f"qr-centre-{centre.id}.pdf")

    return submit(None, issue_links, on_success=sheets_pdf, page=lambda error, status: abort(400, error))


@bp.get("/feedback")
@role_required(*Role.SUPERVISORS)
def index():
    centres = scopes.visible_centres(current_user)
    only_comments = request.args.get("comments") == "1"
    channel = request.args.get("channel") if request.args.get("channel") in Channel._value2member_map_ else None
    page, per_page = page_args()
    query = feedback.recent_feedback(centre_ids=[c.id for c in centres], only_comments=only_comments)
    if channel:
        query = query.where(ClientFeedback.channel == channel)
    query = query.options(
        selectinload(ClientFeedback.employee), selectinload(ClientFeedback.aspects),
        selectinload(ClientFeedback.service_marks))
    items = db.paginate(query, page=page, per_page=per_page, error_out=False)
    return render_view("metrics/feedback/index.html", "feedback_rows", items=items, only_comments=only_comments,
                       aspect_names=services.aspect_names(), channel=channel, channels=list(Channel))


@bp.get("/follow-ups")
@role_required(*Role.SUPERVISORS)
def followups():
    state = request.args.get("state", "open")
    state = state if state in ("open", "overdue", "resolved", "all") else "open"
    page, per_page = page_args()
    query = feedback.tasks_for(current_user, state=state).options(
        selectinload(FollowUpTask.centre),
        selectinload(FollowUpTask.feedback).selectinload(ClientFeedback.contact),
        selectinload(FollowUpTask.feedback).selectinload(ClientFeedback.touchpoint))
    tasks = db.paginate(query, page=page, per_page=per_page, error_out=False)
    return render_view("metrics/feedback/followups.html", "followup_rows", tasks=tasks, state=state,
                       counts=feedback.task_counts(current_user), reasons=feedback.REASON_LABELS)


def _task_or_404(task_id: int) -> FollowUpTask:
    task = db.get_or_404(FollowUpTask, task_id)
    if not feedback.can_handle(current_user, task):
        abort(404)
    return task


@bp.route("/follow-ups/<int:task_id>", methods=["GET", "POST"])
@role_required(*Role.SUPERVISORS)
def followup_detail(task_id: int):
    task = _task_or_404(task_id)
    form = FollowUpForm(obj=None)
    if request.method == "GET":
        form.contacted.data = task.contacted_at is not None
        form.contact_impossible.data = task.is_contact_impossible
        form.apologised.data = task.apologised_at is not None
        form.notes.data, form.resolution.data = task.notes, task.resolution or ""
        form.corrective_measure.data = task.corrective_measure or ""
    return submit(form, lambda: feedback.record_progress(
                      current_user, task, contacted=form.contacted.data,
                      contact_impossible=form.contact_impossible.data, apologised=form.apologised.data,
                      notes=form.notes.data or "",
                      resolution=form.resolution.data or "",
                      corrective_measure=form.corrective_measure.data or "", close=form.close.data),
                  message=lambda _: "Задача закрыта." if task.is_resolved else "Сохранено.",
                  on_success=lambda _: redirect_to("feedback.followup_detail", task_id=task.id),
                  template="metrics/feedback/followup_detail.html", partial="followup_form", task=task,
                  reasons=feedback.REASON_LABELS, aspect_names=services.aspect_names(),
                  ces_labels=dict(feedback.CES_CHOICES), expectation_labels=dict(feedback.EXPECTATION_CHOICES))


@bp.post("/follow-ups/<int:task_id>/delete-contact")
@role_required(*Role.SUPERVISORS)
def followup_delete_contact(task_id: int):
    task = _task_or_404(task_id)
    return act(lambda: feedback.delete_contact(current_user, task), "feedback.followup_detail", task_id=task.id,
               message=lambda deleted: deleted and "Контакты клиента удалены.")
