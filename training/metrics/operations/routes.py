"""Operational data and IQS (/metrics/operational, /metrics/iqs)."""
from __future__ import annotations

from flask import abort, request
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from training import templating as presenters
from training.accounts import scopes as services
from training.accounts.models import Role, User
from training.accounts.scopes import visible_staff
from training.errors import DomainError
from training.extensions import db
from training.measures.periods import MONTH, local_today, period_of
from training.metrics.feedback import aspects
from training.metrics.feedback.models import Touchpoint
from training.metrics.operations import bp, iqs
from training.metrics.operations import services as operational
from training.metrics.operations.forms import IqsCategoryForm, IqsForm, OperationalImportForm
from training.metrics.operations.models import IqsAssessment, IqsCategory, ReportLayout
from training.tabular import table_download
from training.web import page_args, redirect_to, render_view, role_required, submit


@bp.route("/operational/import", methods=["GET", "POST"])
@role_required(*Role.SUPERVISORS)
def operational_import():
    centres = services.visible_centres(current_user)
    form = OperationalImportForm()
    form.centre_id.choices = [(c.id, c.name) for c in centres]
    if request.method == "GET":
        last_month = period_of(MONTH, local_today()).previous()
        form.period_start.data, form.period_end.data = last_month.start, last_month.end
        form.centre_id.data = request.args.get("centre_id", type=int) or (centres[0].id if centres else None)

    def import_file():
        centre = next((c for c in centres if c.id == form.centre_id.data), None)
        if centre is None:
            raise DomainError("Выберите ЦЗН.")
        return operational.import_operational(current_user, centre, form.period_start.data, form.period_end.data,
                                              form.file.data.filename, form.file.data.read(), today=local_today())

    ctx = {"result": None, "problems": None, "fields": operational.SUMMARY_FIELDS,
           "appeal_columns": operational.APPEAL_COLUMNS, "channels": operational.CHANNELS}
    return submit(form, import_file, on_success=lambda result: render_view(
                      "metrics/operations/operational_import.html", None, form=form, error=None,
                      **{**ctx, "result": result}),
                  template="metrics/operations/operational_import.html", **ctx)


@bp.get("/operational/template-<layout>.<fmt>")
@role_required(*Role.SUPERVISORS)
def operational_template(layout: str, fmt: str):
    if layout not in set(ReportLayout) or fmt not in ("csv", "xlsx"):
        abort(404)
    header, rows = operational.template_rows(layout)
    return table_download(fmt, header, rows, filename=f"operational-{layout}",
                          sheet_title="Сводные данные" if layout == ReportLayout.SUMMARY else "Обращения")


@bp.get("/operational")
@role_required(*Role.SUPERVISORS)
def operational_list():
    centres = services.visible_centres(current_user)
    return render_view("metrics/operations/operational_list.html", None,
                       reports=operational.reports_visible(current_user, [c.id for c in centres]),
                       channels=dict(operational.CHANNELS))


@bp.get("/iqs")
@role_required(*Role.SUPERVISORS)
def iqs_list():
    page, per_page = page_args()
    query = iqs.assessments_visible(current_user, request.args.get("employee_id", type=int)).options(
        selectinload(IqsAssessment.employee), selectinload(IqsAssessment.reviewer))
    items = db.paginate(query, page=page, per_page=per_page, error_out=False)
    return render_view("metrics/operations/iqs_list.html", "iqs_rows", items=items, mine=False)


@bp.get("/iqs/mine")
@login_required
def iqs_mine():
    page, per_page = page_args()
    query = select(IqsAssessment).where(IqsAssessment.employee_id == current_user.id) \
        .order_by(IqsAssessment.conversation_date.desc(), IqsAssessment.id.desc())
    items = db.paginate(query, page=page, per_page=per_page, error_out=False)
    return render_view("metrics/operations/iqs_list.html", "iqs_rows", items=items, mine=True)


def _supervised_staff() -> list[User]:

    people = db.session.scalars(visible_staff(current_user).where(User.is_active, User.id != current_user.id)
                                .order_by(User.full_name).limit(500))
    return [p for p in people if services.can_supervise(current_user, p)]


@bp.route("/iqs/new", methods=["GET", "POST"])
@role_required(*Role.SUPERVISORS)
def iqs_new():
    form = IqsForm()
    people = _supervised_staff()
    form.employee_id.choices = [(0, "— выберите —")] + [(p.id, f"{p.full_name} · {p.position}") for p in people]
    form.touchpoint_id.choices = [(0, "—")] + [(t.id, t.name) for t in aspects.active_touchpoints()]
    categories = iqs.active_categories()
    if request.method == "GET":
        form.employee_id.data = request.args.get("employee_id", type=int) or 0
        form.conversation_date.data = local_today()
    marks: dict[int, bool] = {}
    missing = []
    for category in categories:
        raw = request.form.get(f"cat-{category.id}")
        if raw in ("1", "0"):
            marks[category.id] = raw == "1"
        elif request.method == "POST":
            missing.append(category.id)

    def assess():
        employee = next((p for p in people if p.id == form.employee_id.data), None)
        if employee is None:
            raise DomainError("Выберите сотрудника.")
        return iqs.assess(current_user, employee, marks=marks, conversation_date=form.conversation_date.data,
                          conversation_ref=form.conversation_ref.data or "", comment=form.comment.data or "",
                          touchpoint=db.session.get(Touchpoint, form.touchpoint_id.data)
                          if form.touchpoint_id.data else None, today=local_today())

    return submit(form, assess,
                  message=lambda assessment: f"Проверка сохранена: IQS {presenters.fmt_number(assessment.score)} %.",
                  on_success=lambda assessment: redirect_to("operations.iqs_detail", assessment_id=assessment.id),
                  template="metrics/operations/iqs_new.html", categories=categories, marks=marks, missing=missing)


@bp.get("/iqs/<int:assessment_id>")
@login_required
def iqs_detail(assessment_id: int):
    assessment = db.get_or_404(IqsAssessment, assessment_id)
    if not iqs.can_view_assessment(current_user, assessment):
        abort(404)
    return render_view("metrics/operations/iqs_detail.html", None, assessment=assessment)


def _with_competences(form: IqsCategoryForm) -> IqsCategoryForm:
    form.competence.choices = [("", "— не учитывается в компетенциях —"), *iqs.COMPETENCE_CHOICES.items()]
    return form


@bp.route("/iqs/categories", methods=["GET", "POST"])
@role_required(*Role.SERVICE_ADMINS)
def iqs_categories():
    form = _with_competences(IqsCategoryForm())
    return submit(form, lambda: iqs.save_category(
                      current_user, None, code=form.code.data, name=form.name.data, weight=form.weight.data,
                      is_critical=form.is_critical.data, is_active=form.is_active.data,
                      sort_order=form.sort_order.data or 100, description=form.description.data or "",
                      competence=form.competence.data),
                  on_success=lambda _: redirect_to("operations.iqs_categories"),
                  template="metrics/operations/iqs_categories.html",
                  competences=iqs.COMPETENCE_CHOICES, context=lambda: {"categories": iqs.all_categories()})


@bp.route("/iqs/categories/<int:category_id>", methods=["GET", "POST"])
@role_required(*Role.SERVICE_ADMINS)
def iqs_category_edit(category_id: int):
    category = db.get_or_404(IqsCategory, category_id)
    form = _with_competences(IqsCategoryForm(obj=category))
    return submit(form, lambda: iqs.save_category(
                      current_user, category, code=category.code, name=form.name.data, weight=form.weight.data,
                      is_critical=form.is_critical.data, is_active=form.is_active.data,
                      sort_order=form.sort_order.data or 0, description=form.description.data or "",
                      competence=form.competence.data),
                  on_success=lambda _: redirect_to("operations.iqs_categories"),
                  template="metrics/operations/iqs_category_edit.html", category=category)
