"""Staff pages of the metrics domain: «Пульс клиентоцентричности», follow-ups of low scores, operational data,
IQS, index weights, QR sheets and weekly reports. Thin views; the rules live in the sub-modules."""
from __future__ import annotations

from datetime import timedelta

from flask import abort, current_app, flash, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from training.accounts.models import Role, User
from training.errors import DomainError
from training.extensions import db
from training.metrics import (  # noqa: F401
    bp,
    competence,
    feedback,
    iqs,
    listeners,
    operational,
    presenters,
    ranking,
    services,
    snapshots,
    training_effect,
)
from training.metrics import reports as weekly_reports
from training.metrics.forms import (
    CompetenceWeightForm,
    FollowUpForm,
    IqsCategoryForm,
    IqsForm,
    OperationalImportForm,
    WeightSetForm,
    competence_weight_field,
)
from training.metrics.models import (
    ClientFeedback,
    CompetenceWeightSet,
    FeedbackLink,
    FollowUpTask,
    IndexWeightSet,
    IqsAssessment,
    IqsCategory,
    Touchpoint,
)
from training.metrics.periods import KINDS, MONTH, WEEK, last_periods, local_today, parse_period, period_of
from training.metrics.scales import GROUPS
from training.org.models import Centre, Department, RegionalService
from training.tabular import TABLE_FORMATS, XLSX_MIME, ImportRejected, table_download
from training.templating import NavItem, add_home_panel, add_nav_item
from training.web import download, page_args, redirect_to, render_view, role_required

add_nav_item(NavItem("metrics.index", "Пульс", "chart", on_phone=False, order=65))
add_nav_item(NavItem("metrics.followups", "Отзывы", "star", roles=Role.SUPERVISORS, on_phone=False, order=61))
add_nav_item(NavItem("metrics.competence_ranking", "Рейтинг", "people", roles=Role.SUPERVISORS, on_phone=False,
                     order=62))
add_home_panel("metrics/_home_panel.html", roles=Role.SUPERVISORS, order=20)


@bp.app_template_global()
def metrics_followup_counts():
    """For the home-page panel of managers and HR: open and overdue follow-up tasks."""
    return feedback.task_counts(current_user)


@bp.app_template_filter("num")
def _num(value, digits: int = 1):
    return presenters.fmt_number(value, digits)


@bp.app_template_filter("figure")
def _figure(figure, key):
    return presenters.fmt_figure(key, figure)


def refresh_after_commit() -> None:
    """Recompute the centre, department and employee snapshots the committed data made stale; services, the
    organisation and anything left over are refreshed by the every-minute job."""
    try:
        snapshots.refresh_bumped()
    except Exception:  # the data are safe; only the figures wait for the next run of the job
        db.session.rollback()
        current_app.logger.exception("metrics: refresh after commit failed")


# --- «Пульс» ---------------------------------------------------------------------------------------------------

@bp.get("/")
@login_required
def index():
    if current_user.has_role(Role.ADMIN):
        return redirect_to("metrics.pulse_organisation")
    if current_user.has_role(Role.HR) and current_user.regional_service_id:
        return redirect_to("metrics.pulse_service", service_id=current_user.regional_service_id)
    if current_user.has_role(Role.MANAGER) and current_user.centre_id:
        return redirect_to("metrics.pulse_centre", centre_id=current_user.centre_id)
    return redirect_to("metrics.pulse_me")


def _period():
    kind = request.args.get("period", MONTH)
    kind = kind if kind in KINDS else MONTH
    return parse_period(kind, request.args.get("key"))


def _pulse(kind: str, scope_id: int, title: str, *, subtitle: str = "", children=None, child_kind: str | None = None,
           crumbs=(), employee: User | None = None, centre: Centre | None = None):
    period = _period()
    snap = snapshots.snapshot(kind, scope_id, period)
    rows = snapshots.series(kind, scope_id, last_periods(period.kind, 12, today=period.end))
    figures = (snap.figures or {}) if snap else {}
    child_rows = []
    if children:
        found = snapshots.snapshots_for_scopes(child_kind, [c.id for c, _ in children], period)
        child_rows = [(obj, url, found.get(obj.id)) for obj, url in children]
    context = dict(
        title=title, subtitle=subtitle, scope_kind=kind, scope_id=scope_id, period=period, snap=snap,
        figures=figures, thermo=presenters.thermometer(snap), bars=presenters.group_bars(snap),
        cards=presenters.client_cards(figures),
        index_trend=presenters.trend("Индекс по периодам", presenters.index_series(rows)),
        nps_trend=presenters.trend("NPS по периодам", presenters.figure_series(rows, "nps"), -100, 100),
        trend_rows=rows, child_rows=child_rows, crumbs=crumbs, employee=employee, centre=centre,
        previous=period.previous(), next=period.next() if period.next().start <= local_today() else None,
        aspect_names=services.aspect_names(), groups=GROUPS)
    return render_view("metrics/pulse.html", "pulse_body", **context)


@bp.get("/pulse/all")
@role_required(Role.ADMIN)
def pulse_organisation():
    children = [(s, url_for("metrics.pulse_service", service_id=s.id)) for s in services.visible_services(current_user)]
    return _pulse(snapshots.ORGANISATION, 0, "Все СЗН", subtitle="организация целиком", children=children,
                  child_kind=snapshots.SERVICE)


@bp.get("/pulse/service/<int:service_id>")
@role_required(*Role.SERVICE_ADMINS)
def pulse_service(service_id: int):
    service = db.get_or_404(RegionalService, service_id)
    if not services.can_view_service(current_user, service):
        abort(404)
    children = [(c, url_for("metrics.pulse_centre", centre_id=c.id)) for c in service.centres]
    crumbs = [("Все СЗН", url_for("metrics.pulse_organisation"))] if current_user.has_role(Role.ADMIN) else []
    return _pulse(snapshots.SERVICE, service.id, service.name, subtitle="регион", children=children,
                  child_kind=snapshots.CENTRE, crumbs=crumbs)


def _centre_or_404(centre_id: int) -> Centre:
    centre = db.get_or_404(Centre, centre_id)
    if not services.can_view_centre(current_user, centre):
        abort(404)
    return centre


@bp.get("/pulse/centre/<int:centre_id>")
@role_required(*Role.SUPERVISORS)
def pulse_centre(centre_id: int):
    centre = _centre_or_404(centre_id)
    children = [(d, url_for("metrics.pulse_department", department_id=d.id)) for d in centre.departments]
    crumbs = []
    if services.can_view_service(current_user, centre.service):
        crumbs.append((centre.service.name, url_for("metrics.pulse_service", service_id=centre.regional_service_id)))
    return _pulse(snapshots.CENTRE, centre.id, centre.name, subtitle="ЦЗН", children=children,
                  child_kind=snapshots.DEPARTMENT, crumbs=crumbs, centre=centre)


@bp.get("/pulse/department/<int:department_id>")
@role_required(*Role.SUPERVISORS)
def pulse_department(department_id: int):
    department = db.get_or_404(Department, department_id)
    if not services.can_view_department(current_user, department):
        abort(404)
    people = db.session.scalars(select(User).where(User.department_id == department.id, User.is_active)
                                .order_by(User.full_name))
    children = [(u, url_for("metrics.pulse_employee", user_id=u.id)) for u in people]
    crumbs = [(department.centre.name, url_for("metrics.pulse_centre", centre_id=department.centre_id))]
    return _pulse(snapshots.DEPARTMENT, department.id, department.name, subtitle=department.centre.name,
                  children=children, child_kind=snapshots.EMPLOYEE, crumbs=crumbs)


def _employee_pulse(user: User, crumbs=()):
    return _pulse(snapshots.EMPLOYEE, user.id, user.full_name, subtitle=user.position or "сотрудник",
                  crumbs=crumbs, employee=user)


@bp.get("/pulse/employee/<int:user_id>")
@role_required(*Role.SUPERVISORS)
def pulse_employee(user_id: int):
    user = db.get_or_404(User, user_id)
    if not services.can_view_employee(current_user, user):
        abort(404)
    crumbs = []
    if user.department_id:
        crumbs.append((user.department.name, url_for("metrics.pulse_department", department_id=user.department_id)))
    return _employee_pulse(user, crumbs)


@bp.get("/pulse/me")
@login_required
def pulse_me():
    return _employee_pulse(current_user)


@bp.get("/compare")
@role_required(*Role.SUPERVISORS)
def compare():
    period = _period()
    centres = services.visible_centres(current_user)
    found = snapshots.snapshots_for_scopes(snapshots.CENTRE, [c.id for c in centres], period)
    service_nps = {}
    for service_id in {c.regional_service_id for c in centres}:
        snap = snapshots.snapshot(snapshots.SERVICE, service_id, period)
        service_nps[service_id] = ((snap.figures or {}).get("nps") or {}).get("value") if snap else None
    rows = []
    for centre in centres:
        snap = found.get(centre.id)
        nps = ((snap.figures or {}).get("nps") if snap else None) or None
        interval = verdict = None
        if nps and "promoters" in nps:
            interval = presenters.nps_interval(nps["promoters"], nps["detractors"], nps["n"])
            reference = service_nps.get(centre.regional_service_id)
            if reference is not None:
                verdict = ("выше среднего по СЗН" if interval[0] > reference else
                           "ниже среднего по СЗН" if interval[1] < reference else "без значимых различий")
        rows.append({"centre": centre, "snap": snap, "nps": nps, "interval": interval, "verdict": verdict})
    rows.sort(key=lambda r: (-(r["snap"].index_value if r["snap"] and r["snap"].is_published else -1),
                             r["centre"].name))
    return render_view("metrics/compare.html", "compare_table", rows=rows, period=period, groups=GROUPS,
                       previous=period.previous(), next=period.next() if period.next().start <= local_today() else None)


@bp.get("/pulse/centre/<int:centre_id>/training")
@role_required(*Role.SUPERVISORS)
def training_effect_view(centre_id: int):
    centre = _centre_or_404(centre_id)
    course = training_effect.the_course()
    comparison = training_effect.before_after(centre, course) if course else None
    return render_view("metrics/training_effect.html", None, centre=centre, course=course, comparison=comparison)


@bp.get("/courses")
@role_required(*Role.SUPERVISORS)
def course_dashboard():
    course = training_effect.the_course()
    centres = services.visible_centres(current_user)
    data = training_effect.course_dashboard(course, centres) if course else None
    return render_view("metrics/course_dashboard.html", None, course=course, data=data)


# --- QR sheets -------------------------------------------------------------------------------------------------

@bp.get("/qr")
@role_required(*Role.SUPERVISORS)
def qr():
    centres = services.visible_centres(current_user)
    centre_id = request.args.get("centre_id", type=int) or (centres[0].id if centres else None)
    centre = next((c for c in centres if c.id == centre_id), None)
    staff = list(db.session.scalars(select(User).where(User.centre_id == centre.id, User.is_active)
                                    .order_by(User.full_name))) if centre else []
    links = []
    if centre:
        links = list(db.session.scalars(select(FeedbackLink).where(FeedbackLink.centre_id == centre.id)
                                        .order_by(FeedbackLink.id)))
    return render_view("metrics/qr.html", None, centres=centres, centre=centre, staff=staff,
                       touchpoints=services.active_touchpoints(), links=links)


def public_url(link: FeedbackLink) -> str:
    base = (current_app.config.get("PUBLIC_BASE_URL") or request.url_root).rstrip("/")
    return base + url_for("client_feedback.form", token=link.token)


def _specialist_line(employee: User) -> str:
    if employee.public_name:  # the name is printed only with the person's consent
        return f"Специалист: {employee.public_name}"
    return "Ваш специалист" + (f": {employee.position}" if employee.position else "")


@bp.get("/qr/<int:centre_id>.pdf")
@role_required(*Role.SUPERVISORS)
def qr_pdf(centre_id: int):
    from training.metrics.pdf import Sheet, qr_sheets_pdf

    centre = _centre_or_404(centre_id)
    touchpoint_ids = request.args.getlist("touchpoint", type=int)
    employee_ids = request.args.getlist("employee", type=int)
    touchpoints = [db.session.get(Touchpoint, t) for t in touchpoint_ids]
    employees = [db.session.get(User, e) for e in employee_ids]
    sheets = []
    try:
        if not touchpoint_ids and not employee_ids:
            sheets.append((feedback.link_for(centre), None, None))
        for touchpoint in touchpoints:
            if touchpoint is not None:
                sheets.append((feedback.link_for(centre, touchpoint), touchpoint, None))
        for employee in employees:
            if employee is not None and employee.centre_id == centre.id:
                sheets.append((feedback.link_for(centre, None, employee), None, employee))
    except DomainError as exc:
        abort(400, exc.message)
    db.session.commit()
    pages = [Sheet(public_url(link), centre.name, touchpoint.name if touchpoint else None,
                   _specialist_line(employee) if employee else None)
             for link, touchpoint, employee in sheets]
    pdf = qr_sheets_pdf(pages, cards=bool(employee_ids) or request.args.get("layout") == "cards")
    return download(pdf, "application/pdf", f"qr-centre-{centre.id}.pdf")


# --- client feedback and follow-ups --------------------------------------------------------------------------------

@bp.get("/feedback")
@role_required(*Role.SUPERVISORS)
def feedback_list():
    centres = services.visible_centres(current_user)
    only_comments = request.args.get("comments") == "1"
    page, per_page = page_args()
    query = feedback.recent_feedback(centre_ids=[c.id for c in centres], only_comments=only_comments).options(
        selectinload(ClientFeedback.employee), selectinload(ClientFeedback.aspects))
    items = db.paginate(query, page=page, per_page=per_page, error_out=False)
    return render_view("metrics/feedback_list.html", "feedback_rows", items=items, only_comments=only_comments,
                       aspect_names=services.aspect_names())


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
    return render_view("metrics/followups.html", "followup_rows", tasks=tasks, state=state,
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
    error = None
    if form.validate_on_submit():
        try:
            feedback.record_progress(current_user, task, contacted=form.contacted.data,
                                     contact_impossible=form.contact_impossible.data, apologised=form.apologised.data,
                                     notes=form.notes.data or "", resolution=form.resolution.data or "",
                                     corrective_measure=form.corrective_measure.data or "", close=form.close.data)
        except DomainError as exc:
            db.session.rollback()
            error = exc.message
            task = _task_or_404(task_id)
        else:
            db.session.commit()
            flash("Задача закрыта." if task.is_resolved else "Сохранено.", "success")
            return redirect_to("metrics.followup_detail", task_id=task.id)
    status = 422 if form.is_submitted() and (error or form.errors) else 200
    return render_view("metrics/followup_detail.html", "followup_form", status=status, task=task, form=form,
                       error=error, reasons=feedback.REASON_LABELS, aspect_names=services.aspect_names(),
                       ces_labels=dict(feedback.CES_CHOICES), expectation_labels=dict(feedback.EXPECTATION_CHOICES))


@bp.post("/follow-ups/<int:task_id>/delete-contact")
@role_required(*Role.SUPERVISORS)
def followup_delete_contact(task_id: int):
    task = _task_or_404(task_id)
    if feedback.delete_contact(current_user, task):
        flash("Контакты клиента удалены.", "success")
    db.session.commit()
    return redirect_to("metrics.followup_detail", task_id=task.id)


# --- operational data ------------------------------------------------------------------------------------------

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
    result = problems = error = None
    if form.validate_on_submit():
        centre = next((c for c in centres if c.id == form.centre_id.data), None)
        upload = form.file.data
        try:
            if centre is None:
                raise DomainError("Выберите ЦЗН.")
            result = operational.import_operational(current_user, centre, form.period_start.data,
                                                    form.period_end.data, upload.filename, upload.read(),
                                                    today=local_today())
        except ImportRejected as exc:
            db.session.rollback()
            error, problems = exc.message, exc.problems
        except DomainError as exc:
            db.session.rollback()
            error = exc.message
        else:
            db.session.commit()
            refresh_after_commit()
    status = 422 if form.is_submitted() and (error or form.errors) else 200
    return render_view("metrics/operational_import.html", None, status=status, form=form, result=result,
                       problems=problems, error=error, fields=operational.SUMMARY_FIELDS,
                       appeal_columns=operational.APPEAL_COLUMNS, channels=operational.CHANNELS)


@bp.get("/operational/template-<layout>.<fmt>")
@role_required(*Role.SUPERVISORS)
def operational_template(layout: str, fmt: str):
    if layout not in ("summary", "appeals") or fmt not in ("csv", "xlsx"):
        abort(404)
    header, rows = operational.template_rows(layout)
    return table_download(fmt, header, rows, filename=f"operational-{layout}",
                          sheet_title="Сводные данные" if layout == "summary" else "Обращения")


@bp.get("/operational")
@role_required(*Role.SUPERVISORS)
def operational_list():
    centres = services.visible_centres(current_user)
    return render_view("metrics/operational_list.html", None,
                       reports=operational.reports_visible(current_user, [c.id for c in centres]),
                       channels=dict(operational.CHANNELS))


# --- IQS -------------------------------------------------------------------------------------------------------

@bp.get("/iqs")
@role_required(*Role.SUPERVISORS)
def iqs_list():
    page, per_page = page_args()
    query = iqs.assessments_visible(current_user, request.args.get("employee_id", type=int)).options(
        selectinload(IqsAssessment.employee), selectinload(IqsAssessment.reviewer))
    items = db.paginate(query, page=page, per_page=per_page, error_out=False)
    return render_view("metrics/iqs_list.html", "iqs_rows", items=items, mine=False)


@bp.get("/iqs/mine")
@login_required
def iqs_mine():
    page, per_page = page_args()
    query = select(IqsAssessment).where(IqsAssessment.employee_id == current_user.id) \
        .order_by(IqsAssessment.conversation_date.desc(), IqsAssessment.id.desc())
    items = db.paginate(query, page=page, per_page=per_page, error_out=False)
    return render_view("metrics/iqs_list.html", "iqs_rows", items=items, mine=True)


def _supervised_staff() -> list[User]:
    from training.accounts.services import visible_staff

    people = db.session.scalars(visible_staff(current_user).where(User.is_active, User.id != current_user.id)
                                .order_by(User.full_name).limit(500))
    return [p for p in people if services.can_supervise(current_user, p)]


@bp.route("/iqs/new", methods=["GET", "POST"])
@role_required(*Role.SUPERVISORS)
def iqs_new():
    form = IqsForm()
    people = _supervised_staff()
    form.employee_id.choices = [(0, "— выберите —")] + [(p.id, f"{p.full_name} · {p.position}") for p in people]
    form.touchpoint_id.choices = [(0, "—")] + [(t.id, t.name) for t in services.active_touchpoints()]
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
    error = None
    if form.validate_on_submit():
        employee = next((p for p in people if p.id == form.employee_id.data), None)
        try:
            if employee is None:
                raise DomainError("Выберите сотрудника.")
            assessment = iqs.assess(current_user, employee, marks=marks, conversation_date=form.conversation_date.data,
                                    conversation_ref=form.conversation_ref.data or "", comment=form.comment.data or "",
                                    touchpoint=db.session.get(Touchpoint, form.touchpoint_id.data)
                                    if form.touchpoint_id.data else None, today=local_today())
        except DomainError as exc:
            db.session.rollback()
            error = exc.message
        else:
            db.session.commit()
            refresh_after_commit()
            flash(f"Проверка сохранена: IQS {presenters.fmt_number(assessment.score)} %.", "success")
            return redirect_to("metrics.iqs_detail", assessment_id=assessment.id)
    status = 422 if form.is_submitted() and (error or form.errors) else 200
    return render_view("metrics/iqs_new.html", None, status=status, form=form, categories=categories, marks=marks,
                       missing=missing, error=error)


@bp.get("/iqs/<int:assessment_id>")
@login_required
def iqs_detail(assessment_id: int):
    assessment = db.get_or_404(IqsAssessment, assessment_id)
    if not iqs.can_view_assessment(current_user, assessment):
        abort(404)
    return render_view("metrics/iqs_detail.html", None, assessment=assessment)


@bp.route("/iqs/categories", methods=["GET", "POST"])
@role_required(*Role.SERVICE_ADMINS)
def iqs_categories():
    form = IqsCategoryForm()
    error = None
    if form.validate_on_submit():
        try:
            iqs.save_category(current_user, None, code=form.code.data, name=form.name.data, weight=form.weight.data,
                              is_critical=form.is_critical.data, is_active=form.is_active.data,
                              sort_order=form.sort_order.data or 100, description=form.description.data or "")
        except DomainError as exc:
            db.session.rollback()
            error = exc.message
        else:
            db.session.commit()
            return redirect_to("metrics.iqs_categories")
    status = 422 if form.is_submitted() and (error or form.errors) else 200
    return render_view("metrics/iqs_categories.html", None, status=status, form=form, error=error,
                       categories=iqs.all_categories())


@bp.route("/iqs/categories/<int:category_id>", methods=["GET", "POST"])
@role_required(*Role.SERVICE_ADMINS)
def iqs_category_edit(category_id: int):
    category = db.get_or_404(IqsCategory, category_id)
    form = IqsCategoryForm(obj=category)
    error = None
    if form.validate_on_submit():
        try:
            iqs.save_category(current_user, category, code=category.code, name=form.name.data, weight=form.weight.data,
                              is_critical=form.is_critical.data, is_active=form.is_active.data,
                              sort_order=form.sort_order.data or 0, description=form.description.data or "")
        except DomainError as exc:
            db.session.rollback()
            error = exc.message
        else:
            db.session.commit()
            return redirect_to("metrics.iqs_categories")
    status = 422 if form.is_submitted() and (error or form.errors) else 200
    return render_view("metrics/iqs_category_edit.html", None, status=status, form=form, error=error,
                       category=category)


# --- index weights -------------------------------------------------------------------------------------------

@bp.route("/weights", methods=["GET", "POST"])
@role_required(*Role.SERVICE_ADMINS)
def weights():
    service_list = services.visible_services(current_user)
    form = WeightSetForm()
    form.service_id.choices = [(s.id, s.name) for s in service_list]
    selected = request.values.get("service_id", type=int) or (service_list[0].id if service_list else None)
    service = next((s for s in service_list if s.id == selected), None)
    today = local_today()
    if request.method == "GET":
        form.service_id.data = selected
        next_quarter = period_of(MONTH, today)
        while next_quarter.start.month % 3 != 1 or next_quarter.start <= today:
            next_quarter = next_quarter.next()
        form.effective_from.data = next_quarter.start
        in_force = services.weights_in_force_for(selected, today) if selected else None
        for key in GROUPS:
            getattr(form, f"w_{key}").data = round((in_force or {}).get(key, 0.2) * 100, 1)
    error = None
    if form.validate_on_submit() and service is not None:
        try:
            services.publish_weight_set(current_user, service, form.effective_from.data,
                                        {key: getattr(form, f"w_{key}").data for key in GROUPS},
                                        form.label.data or "", today=today)
        except DomainError as exc:
            db.session.rollback()
            error = exc.message
        else:
            db.session.commit()
            refresh_after_commit()
            flash("Набор весов опубликован.", "success")
            return redirect_to(url_for("metrics.weights", service_id=service.id))
    status = 422 if form.is_submitted() and (error or form.errors) else 200
    rows = services.weight_set_rows(service.id) if service else []
    return render_view("metrics/weights.html", None, status=status, form=form, error=error, service=service,
                       service_list=service_list, rows=rows, groups=GROUPS, today=today,
                       default=services.DEFAULT_GROUP_WEIGHTS)


@bp.post("/weights/<int:weight_set_id>/withdraw")
@role_required(*Role.SERVICE_ADMINS)
def weight_withdraw(weight_set_id: int):
    return _withdraw_weights(db.get_or_404(IndexWeightSet, weight_set_id), services.withdraw_weight_set,
                             "metrics.weights")


def _withdraw_weights(row, withdraw, page: str):
    """Withdraw a future weight set (the index's or the competence scores') and go back to its page."""
    service_id = row.regional_service_id
    try:
        withdraw(current_user, row, today=local_today())
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash("Набор весов отозван.", "success")
    return redirect_to(url_for(page, service_id=service_id))


# --- weekly reports ----------------------------------------------------------------------------------------------

def _report_scopes() -> list[tuple[str, str]]:
    scopes = [(f"service:{s.id}", f"Регион: {s.name}") for s in services.visible_services(current_user)]
    scopes += [(f"centre:{c.id}", c.name) for c in services.visible_centres(current_user)]
    return scopes


@bp.get("/reports")
@role_required(*Role.SUPERVISORS)
def reports():
    scopes = _report_scopes()
    weeks = list(reversed(last_periods(WEEK, 12, today=local_today() - timedelta(days=7))))
    scope = request.args.get("scope") or ""
    if scope not in dict(scopes):
        scope = scopes[0][0] if scopes else ""
    week = parse_period(WEEK, request.args.get("week"), today=local_today() - timedelta(days=7))
    return render_view("metrics/reports.html", None, scopes=scopes, weeks=weeks, scope=scope, week=week)


def _scope_allowed(kind: str, scope_id: int) -> bool:
    if kind == "service":
        service = db.session.get(RegionalService, scope_id)
        return service is not None and services.can_view_service(current_user, service)
    if kind == "centre":
        centre = db.session.get(Centre, scope_id)
        return centre is not None and services.can_view_centre(current_user, centre)
    return False


@bp.get("/reports/<kind>/<int:scope_id>/<week>.<fmt>")
@role_required(*Role.SUPERVISORS)
def report_download(kind: str, scope_id: int, week: str, fmt: str):
    if fmt not in ("xlsx", "pdf") or not _scope_allowed(kind, scope_id):
        abort(404)
    period = parse_period(WEEK, week)
    snapshots.refresh_stale(limit=50)
    if fmt == "xlsx":
        data, mime = weekly_reports.weekly_xlsx(kind, scope_id, period), XLSX_MIME
    else:
        data, mime = weekly_reports.weekly_pdf(kind, scope_id, period), "application/pdf"
    return download(data, mime, f"weekly-{kind}-{scope_id}-{period.key}.{fmt}")



# --- staff competence scores: «из чего складывается», rankings, weights ------------------------------------------

@bp.after_app_request
def _refresh_competence(response):
    """Evidence committed by this request (a rating, a review, a quiz…) updates the person's score now."""
    if response.status_code < 500:
        competence.refresh_committed()
    return response


def _month_arg():
    return parse_period(MONTH, request.args.get("month"))


def _competence_page(person: User):
    month = _month_arg()
    score = competence.score_of(person.id, month)
    explanation = ranking.explain(score) if score is not None and score.is_computed else None
    series = competence.history(person.id, competence.recent_months(6, today=month.end))
    return render_view("metrics/competence.html", None, person=person, month=month, score=score, ex=explanation,
                       series=series, title=competence.title_of(person.id), own=person.id == current_user.id,
                       previous=month.previous(), next=month.next() if month.next().start <= local_today() else None,
                       prior_weights=competence.PRIOR_WEIGHTS)


@bp.get("/competence/me")
@login_required
def competence_me():
    return _competence_page(current_user)


@bp.get("/competence/employee/<int:user_id>")
@role_required(*Role.SUPERVISORS)
def competence_employee(user_id: int):
    person = db.get_or_404(User, user_id)
    if not services.can_view_employee(current_user, person):
        abort(404)
    return _competence_page(person)


def _ranking_filters() -> ranking.Filters:
    metric = request.args.get("by", "overall")
    return ranking.Filters(metric=metric if metric in ranking.METRICS else "overall", month=_month_arg(),
                           region_id=request.args.get("region_id", type=int),
                           service_id=request.args.get("service_id", type=int),
                           centre_id=request.args.get("centre_id", type=int),
                           department_id=request.args.get("department_id", type=int),
                           top=request.args.get("top", type=int) if request.args.get("top", type=int, default=0) > 0
                           else None)


@bp.get("/competence/ranking")
@role_required(*Role.SUPERVISORS)
def competence_ranking():
    filters = _ranking_filters()
    page, per_page = page_args()
    result = ranking.ranking_page(current_user, filters, page, per_page)
    month = filters.month
    return render_view("metrics/competence_ranking.html", "ranking_table", filters=filters, result=result,
                       options=ranking.options(current_user, filters), metrics=ranking.METRICS,
                       months=list(reversed(competence.recent_months(12))), month=month)


@bp.get("/competence/ranking.<fmt>")
@role_required(*Role.SUPERVISORS)
def competence_export(fmt: str):
    if fmt not in TABLE_FORMATS:
        abort(404)
    filters = _ranking_filters()
    header, rows = ranking.export_table(current_user, filters)
    return table_download(fmt, header, rows, filename=f"competence-ranking-{filters.metric}-{filters.month.key}",
                          sheet_title=f"Рейтинг {filters.month.key}")


@bp.route("/competence/weights", methods=["GET", "POST"])
@role_required(*Role.SERVICE_ADMINS)
def competence_weights():
    service_list = services.visible_services(current_user)
    form = CompetenceWeightForm()
    form.service_id.choices = [(s.id, s.name) for s in service_list]
    selected = request.values.get("service_id", type=int) or (service_list[0].id if service_list else None)
    service = next((s for s in service_list if s.id == selected), None)
    today = local_today()
    if request.method == "GET":
        form.service_id.data = selected
        form.effective_from.data = period_of(MONTH, today).next().start
        in_force = competence.weights_for(selected, today) if selected else None
        flat = competence.DEFAULT_WEIGHTS.weights
        if in_force is not None and in_force.set_id is not None:
            flat = db.session.get(CompetenceWeightSet, in_force.set_id).weights
        for key in competence.WEIGHT_KEYS:
            getattr(form, competence_weight_field(key)).data = round(float(flat.get(key, 0.0)) * 100, 1)
    error = None
    if form.validate_on_submit() and service is not None:
        try:
            competence.publish_weight_set(
                current_user, service, form.effective_from.data,
                {key: getattr(form, competence_weight_field(key)).data for key in competence.WEIGHT_KEYS},
                form.label.data or "", today=today)
        except DomainError as exc:
            db.session.rollback()
            error = exc.message
        else:
            db.session.commit()
            flash("Набор весов оценки компетенций опубликован.", "success")
            return redirect_to(url_for("metrics.competence_weights", service_id=service.id))
    status = 422 if form.is_submitted() and (error or form.errors) else 200
    return render_view("metrics/competence_weights.html", None, status=status, form=form, error=error,
                       service=service, service_list=service_list, today=today,
                       rows=competence.weight_set_rows(service.id) if service else [],
                       blocks=competence.COMPETENCE_BLOCKS, block_titles=competence.BLOCK_TITLES,
                       evidence=competence.COMPETENCE_EVIDENCE, field_name=competence_weight_field,
                       default=competence.DEFAULT_WEIGHTS)


@bp.post("/competence/weights/<int:competence_weight_set_id>/withdraw")
@role_required(*Role.SERVICE_ADMINS)
def competence_weight_withdraw(competence_weight_set_id: int):
    return _withdraw_weights(db.get_or_404(CompetenceWeightSet, competence_weight_set_id),
                             competence.withdraw_weight_set, "metrics.competence_weights")
