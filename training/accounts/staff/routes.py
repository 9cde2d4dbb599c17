from flask import abort, current_app, request
from flask_login import current_user
from sqlalchemy.orm import selectinload

from training.accounts import scopes
from training.accounts import services as accounts
from training.accounts.forms import StaffEditForm
from training.accounts.models import Role, User
from training.accounts.staff import bp, importer, services
from training.accounts.staff.forms import StaffImportForm
from training.extensions import db
from training.org import services as org_services
from training.tabular import ImportRejected, table_download
from training.templating import NavItem, add_nav_item
from training.web import page_args, redirect_to, render_view, role_required, submit

add_nav_item(NavItem("staff.index", "Сотрудники", "people", roles=Role.SUPERVISORS, on_phone=False, order=80))
add_nav_item(NavItem("staff.import_staff", "Импорт", "upload", roles=Role.SERVICE_ADMINS, on_phone=False, order=85))


@bp.get("/")
@role_required(*Role.SUPERVISORS)
def structure():
    centres = scopes.visible_centres(current_user, with_departments=True)
    counts = services.staff_counts_by_department([c.id for c in centres])
    return render_view("accounts/staff/structure.html", None, services=scopes.visible_services(current_user),
                       centres=centres, counts=counts)


@bp.get("/staff")
@role_required(*Role.SUPERVISORS)
def index():
    args = request.args
    query = services.search_staff(
        scopes.visible_staff(current_user), q=args.get("q", ""), centre_id=args.get("centre_id", type=int),
        department_id=args.get("department_id", type=int), role=args.get("role") or None,
        active=args.get("active", "1")).options(selectinload(User.centre), selectinload(User.department))
    page, per_page = page_args()
    people = db.paginate(query, page=page, per_page=per_page, error_out=False)
    return render_view("accounts/staff/index.html", "staff_rows", people=people,
                       centres=scopes.visible_centres(current_user), role_labels=Role.labels(), args=args)


def _visible_user_or_404(user_id: int) -> User:
    user = db.get_or_404(User, user_id)
    if not scopes.can_view(current_user, user):
        abort(404)  # a person outside one's scope does not exist for the viewer
    return user


@bp.get("/staff/<int:user_id>")
@role_required(*Role.SUPERVISORS)
def detail(user_id: int):
    user = _visible_user_or_404(user_id)
    return render_view("accounts/staff/detail.html", None, person=user,
                       can_manage=scopes.can_administer(current_user, user))


@bp.route("/staff/<int:user_id>/edit", methods=["GET", "POST"])
@role_required(*Role.SERVICE_ADMINS)
def edit(user_id: int):
    user = _visible_user_or_404(user_id)
    if not scopes.can_administer(current_user, user):
        abort(403)
    form = StaffEditForm(obj=user)
    form.department_id.choices = [(0, "— без подразделения —")] + [
        (d.id, f"{d.centre.name} / {d.name}") for d in org_services.departments_for_service(user.regional_service_id)]
    form.roles.choices = [(r.value, r.label) for r in accounts.assignable_roles(current_user)]
    if request.method == "GET":
        form.roles.data = sorted(user.roles)
        form.department_id.data = user.department_id or 0
    return submit(form, lambda: accounts.update_staff_member(
                      current_user, user, position=form.position.data, department_id=form.department_id.data or None,
                      roles=set(form.roles.data), is_active=form.is_active.data),
                  on_success=lambda _: redirect_to("staff.detail", user_id=user.id),
                  template="accounts/staff/edit.html", person=user)


@bp.post("/staff/<int:user_id>/reset-password")
@role_required(*Role.SERVICE_ADMINS)
def reset_password(user_id: int):
    user = _visible_user_or_404(user_id)
    password = accounts.reset_password(current_user, user)
    db.session.commit()
    return render_view("accounts/staff/detail.html", "one_time_password", person=user, one_time_password=password,
                       can_manage=True)


@bp.route("/import", methods=["GET", "POST"])
@role_required(*Role.SERVICE_ADMINS)
def import_staff():
    form = StaffImportForm()
    result = problems = error = None
    omitted = 0
    if form.validate_on_submit():
        upload = form.file.data
        try:
            result = importer.import_staff(current_user, upload.filename, upload.read(),
                                           max_rows=current_app.config["STAFF_IMPORT_MAX_ROWS"])
        except ImportRejected as exc:
            db.session.rollback()
            error, problems, omitted = exc.message, exc.problems, exc.omitted
        else:
            db.session.commit()
    status = 422 if (form.is_submitted() and (problems or form.errors)) else 200
    return render_view("accounts/staff/import.html", None, status=status, form=form, result=result, problems=problems,
                       omitted=omitted, error=error, columns=importer.COLUMNS)


@bp.get("/import/template.<fmt>")
@role_required(*Role.SERVICE_ADMINS)
def import_template(fmt: str):
    return table_download(fmt, importer.TEMPLATE_HEADER, importer.template_rows(), filename="staff-template",
                          sheet_title="Сотрудники")
