"""Staff pages of the metrics domain: «Пульс клиентоцентричности», follow-ups of low scores, operational data,
IQS, index weights, QR sheets and weekly reports. Thin views; the rules live in the sub-modules."""
from __future__ import annotations

from datetime import timedelta

from flask import abort, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from training import templating
from training.accounts import scopes as services
from training.accounts.models import Role, User
from training.extensions import db
from training.gamification.pulse import services as staff_pulse
from training.measures.periods import KINDS, MONTH, WEEK, last_periods, local_today, parse_period
from training.measures.scales import GROUPS
from training.metrics.centre_index import snapshots
from training.metrics.dashboards import bp, presenters, training_effect
from training.metrics.dashboards import reports as weekly_reports
from training.metrics.dashboards import staff_report as staff_reports
from training.metrics.feedback import aspects, mentions
from training.metrics.feedback.channel_models import MentionTone
from training.org.models import Centre, Department, RegionalService
from training.tabular import XLSX_MIME
from training.templating import NavItem, add_home_panel, add_nav_item
from training.web import download, redirect_to, render_view, role_required

add_nav_item(NavItem("dashboards.index", "Пульс", "chart", on_phone=False, order=65))
add_nav_item(NavItem("feedback.followups", "Отзывы", "star", roles=Role.SUPERVISORS, order=45))  # the key tool
add_nav_item(NavItem("competence.ranking", "Рейтинг", "people", roles=Role.SUPERVISORS, on_phone=False,
                     order=62))
add_home_panel("metrics/dashboards/_home_panel.html", roles=Role.SUPERVISORS, order=20)


@bp.app_template_filter("num")
def _num(value, digits: int = 1):
    return templating.fmt_number(value, digits)


@bp.app_template_filter("figure")
def _figure(figure, key):
    return presenters.fmt_figure(key, figure)


# --- «Пульс» ---------------------------------------------------------------------------------------------------

@bp.get("/")
@login_required
def index():
    reach = services.reach_of(current_user)
    if reach is services.Reach.ALL:
        return redirect_to("dashboards.pulse_organisation")
    if reach is services.Reach.SERVICE:
        return redirect_to("dashboards.pulse_service", service_id=current_user.regional_service_id)
    if reach is services.Reach.CENTRE:
        return redirect_to("dashboards.pulse_centre", centre_id=current_user.centre_id)
    return redirect_to("dashboards.pulse_me")


def _period():
    kind = request.args.get("period", MONTH)
    kind = kind if kind in KINDS else MONTH
    return parse_period(kind, request.args.get("key"))


def _pulse(kind: str, scope_id: int, title: str, *, subtitle: str = "", children=None, child_kind: str | None = None,
           crumbs=(), employee: User | None = None, centre: Centre | None = None):
    period = _period()
    # the twelve periods end with this one: its snapshot comes with the trend, in the same statement
    rows = snapshots.series(kind, scope_id, last_periods(period.kind, 12, today=period.end))
    snap = rows[-1][1]
    figures = (snap.figures or {}) if snap else {}
    staff_enps = None  # the staff eNPS of a pulse survey round opened in the period, next to the clients' NPS
    if kind == snapshots.CENTRE and centre is not None:
        staff_enps = staff_pulse.staff_enps_for_centre(centre, period)
    elif kind == snapshots.SERVICE:
        staff_enps = staff_pulse.staff_enps_for_service(scope_id, period)
    # the manual register of media mentions belongs to the service (HR keeps it): shown on the service's page
    mention_volume = mentions.volume(scope_id, period) if kind == snapshots.SERVICE else None
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
        trend_rows=rows, child_rows=child_rows, staff_enps=staff_enps,
        shows_staff_enps=kind in (snapshots.CENTRE, snapshots.SERVICE), crumbs=crumbs, employee=employee, centre=centre,
        previous=period.previous(), next=period.next() if period.next().start <= local_today() else None,
        aspect_names=aspects.aspect_names(), groups=GROUPS, mention_volume=mention_volume,
        mention_tones=[(t.value, t.label) for t in MentionTone], mentions_note=mentions.KEPT_BY_HAND)
    return render_view("metrics/dashboards/pulse.html", "pulse_body", **context)


@bp.get("/pulse/all")
@role_required(Role.ADMIN)
def pulse_organisation():
    children = [(s, url_for("dashboards.pulse_service", service_id=s.id))
                for s in services.visible_services(current_user)]
    return _pulse(snapshots.ORGANISATION, 0, "Все СЗН", subtitle="организация целиком", children=children,
                  child_kind=snapshots.SERVICE)


@bp.get("/pulse/service/<int:service_id>")
@role_required(*Role.SERVICE_ADMINS)
def pulse_service(service_id: int):
    service = db.get_or_404(RegionalService, service_id)
    if not services.can_view_service(current_user, service):
        abort(404)
    children = [(c, url_for("dashboards.pulse_centre", centre_id=c.id)) for c in service.centres]
    crumbs = [("Все СЗН", url_for("dashboards.pulse_organisation"))] if current_user.has_role(Role.ADMIN) else []
    return _pulse(snapshots.SERVICE, service.id, service.name, subtitle="регион", children=children,
                  child_kind=snapshots.CENTRE, crumbs=crumbs)


def _centre_or_404(centre_id: int) -> Centre:
    """The centre with its service and departments (the crumbs and the rows of the page), in one statement."""
    centre = db.session.execute(select(Centre).where(Centre.id == centre_id).options(
        joinedload(Centre.service), joinedload(Centre.departments))).unique().scalar()
    if centre is None or not services.can_view_centre(current_user, centre):
        abort(404)
    return centre


@bp.get("/pulse/centre/<int:centre_id>")
@role_required(*Role.SUPERVISORS)
def pulse_centre(centre_id: int):
    centre = _centre_or_404(centre_id)
    children = [(d, url_for("dashboards.pulse_department", department_id=d.id)) for d in centre.departments]
    crumbs = []
    if services.can_view_service(current_user, centre.service):
        crumbs.append((centre.service.name, url_for("dashboards.pulse_service", service_id=centre.regional_service_id)))
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
    children = [(u, url_for("dashboards.pulse_employee", user_id=u.id)) for u in people]
    crumbs = [(department.centre.name, url_for("dashboards.pulse_centre", centre_id=department.centre_id))]
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
        crumbs.append((user.department.name, url_for("dashboards.pulse_department", department_id=user.department_id)))
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
    return render_view("metrics/dashboards/compare.html", "compare_table", rows=rows, period=period, groups=GROUPS,
                       previous=period.previous(), next=period.next() if period.next().start <= local_today() else None)


@bp.get("/pulse/centre/<int:centre_id>/training")
@role_required(*Role.SUPERVISORS)
def training_effect_view(centre_id: int):
    centre = _centre_or_404(centre_id)
    course = training_effect.the_course()
    comparison = training_effect.before_after(centre, course) if course else None
    return render_view("metrics/dashboards/training_effect.html", None, centre=centre, course=course,
                       comparison=comparison)


@bp.get("/courses")
@role_required(*Role.SUPERVISORS)
def course_dashboard():
    course = training_effect.the_course()
    centres = services.visible_centres(current_user)
    data = training_effect.course_dashboard(course, centres) if course else None
    return render_view("metrics/dashboards/course_dashboard.html", None, course=course, data=data)


# --- QR sheets -------------------------------------------------------------------------------------------------


# --- client feedback and follow-ups --------------------------------------------------------------------------------


# --- operational data ------------------------------------------------------------------------------------------


# --- IQS -------------------------------------------------------------------------------------------------------


# --- index weights -------------------------------------------------------------------------------------------


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
    return render_view("metrics/dashboards/reports.html", None, scopes=scopes, weeks=weeks, scope=scope, week=week)


def _scope_allowed(kind: str, scope_id: int) -> bool:
    if kind == snapshots.SERVICE:
        service = db.session.get(RegionalService, scope_id)
        return service is not None and services.can_view_service(current_user, service)
    if kind == snapshots.CENTRE:
        centre = db.session.get(Centre, scope_id)
        return centre is not None and services.can_view_centre(current_user, centre)
    return False


@bp.get("/reports/<kind>/<int:scope_id>/<week>.<fmt>")
@role_required(*Role.SUPERVISORS)
def report_download(kind: str, scope_id: int, week: str, fmt: str):
    if fmt not in ("xlsx", "pdf") or not _scope_allowed(kind, scope_id):
        abort(404)
    period = parse_period(WEEK, week)
    if fmt == "xlsx":
        data, mime = weekly_reports.weekly_xlsx(kind, scope_id, period), XLSX_MIME
    else:
        data, mime = weekly_reports.weekly_pdf(kind, scope_id, period), "application/pdf"
    return download(data, mime, f"weekly-{kind}-{scope_id}-{period.key}.{fmt}")


@bp.get("/reports/staff")
@login_required
def staff_report():
    """The weekly report's staff version: the centre's week for everyone who works there (nothing about a person)."""
    centre_id = request.args.get("centre_id", type=int) or current_user.centre_id
    centre = db.session.get(Centre, centre_id) if centre_id else None
    if centre is None or not staff_reports.can_read(current_user, centre):
        abort(404)
    week = parse_period(WEEK, request.args.get("week"), today=local_today() - timedelta(days=7))
    weeks = list(reversed(last_periods(WEEK, 12, today=local_today() - timedelta(days=7))))
    return render_view("metrics/dashboards/staff_report.html", None, report=staff_reports.build(centre, week),
                       weeks=weeks)


# --- staff competence scores: «из чего складывается», rankings, weights ------------------------------------------
