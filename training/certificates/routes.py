import io
import zipfile
from datetime import date

from flask import abort, current_app, jsonify, make_response, request, send_file, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from training.accounts import scopes
from training.accounts.models import Role
from training.certificates import badges, bp, services
from training.certificates.forms import IssueForm, ReissueForm, RevokeForm, SelectionForm, SignatoryForm
from training.certificates.models import Certificate, CertificateKind, CertificateStatus
from training.certificates.pdf import cached_pdf
from training.courses import services as course_services
from training.courses.models import Enrolment
from training.errors import DomainError
from training.extensions import db, limiter
from training.org import services as org_services
from training.org.models import RegionalService
from training.tabular import TABLE_FORMATS, table_download
from training.templating import NavItem, add_home_panel, add_nav_item
from training.web import download as download_file
from training.web import page_args, public, redirect_to, render_view, role_required, submit

DEFAULT_PUBLIC_LIMIT = "30 per minute;300 per hour"
JSON_LD = "application/ld+json"

add_nav_item(NavItem("certificates.mine", "Сертификаты", "star", on_phone=False, order=40))
add_nav_item(NavItem("certificates.registry", "Реестр", "log", roles=Role.SERVICE_ADMINS, on_phone=False, order=45))
add_home_panel("certificates/_home_panel.html", order=20)
add_home_panel("certificates/_due_panel.html", roles=Role.SERVICE_ADMINS, order=7)


def _public_limit() -> str:
    return current_app.config.get("CERTIFICATE_VERIFY_RATE_LIMIT", DEFAULT_PUBLIC_LIMIT)


@bp.app_template_global()
def certificates_due_count(user) -> int:
    """For HR's home-page card: learners who finished the course and still wait for their certificate."""
    query = services.due_enrolments(user).order_by(None)
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


@bp.app_template_global()
def my_certificates_for(user):
    """For the home-page panel: the signed-in person's documents, newest first."""
    return services.certificates_of(user)


def _certificate_or_404(certificate_id: int, *, manage: bool = False) -> Certificate:
    certificate = db.get_or_404(Certificate, certificate_id)
    if not services.can_view(current_user, certificate):
        abort(404)  # another person's document does not exist for this viewer
    if manage and not services.can_manage(current_user, certificate):
        abort(404)
    return certificate


# --- the holder ---------------------------------------------------------------------------------------------

@bp.get("/")
@login_required
def mine():
    return render_view("certificates/mine.html", None, certificates=services.certificates_of(current_user),
                       today=services.local_today())


@bp.get("/<int:certificate_id>")
@login_required
def detail(certificate_id: int):
    certificate = _certificate_or_404(certificate_id)
    history = []
    previous = db.session.scalars(select(Certificate).where(Certificate.superseded_by_id == certificate.id)).all()
    history.extend(previous)
    return render_view("certificates/detail.html", None, certificate=certificate, today=services.local_today(),
                       verify_url=services.verification_url(certificate),
                       source=services.source_label(certificate.source_key),
                       assertion_url=badges.assertion_url(certificate) if badges.is_badge(certificate) else None,
                       can_manage=services.can_manage(current_user, certificate), history=history)


@bp.get("/<int:certificate_id>/pdf")
@login_required
def download(certificate_id: int):
    certificate = _certificate_or_404(certificate_id)
    pdf = cached_pdf(certificate, services.verification_url(certificate))
    response = download_file(pdf, "application/pdf", f"{certificate.number}.pdf")
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- HR and administrators: issue, revoke, reissue -------------------------------------------------------------------

def _int_arg(source, name: str) -> int | None:
    value = source.get(name, "")
    return int(value) if str(value).isdecimal() else None


@bp.route("/due", methods=["GET", "POST"])
@role_required(*Role.SERVICE_ADMINS)
def due():
    source = request.form if request.method == "POST" else request.args
    scope = {"cohort_id": _int_arg(source, "cohort_id"), "centre_id": _int_arg(source, "centre_id"),
             "department_id": _int_arg(source, "department_id")}
    query = services.due_enrolments(current_user, **scope)
    form = IssueForm()

    def issue():
        if request.form.get("action") == "all":
            enrolments = list(db.session.scalars(query).unique())
        else:
            ids = [int(v) for v in request.form.getlist("enrolment_ids") if v.isdecimal()]
            enrolments = list(db.session.scalars(query.where(Enrolment.id.in_(ids))).unique()) if ids else []
        if not enrolments:
            raise DomainError("Никто не выбран: отметьте слушателей или нажмите «Выдать всем».")
        return services.issue_course_certificates(current_user, enrolments)

    def issued(result):
        created, skipped = result
        return f"Выдано сертификатов: {len(created)}." + (f" Уже были выданы раньше: {skipped}." if skipped else "")

    def page() -> dict:
        centres = scopes.visible_centres(current_user)
        total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
        return {"total": total,
                "completed": total or db.session.scalar(select(func.count()).select_from(
                    services.completed_enrolments(current_user, **scope).order_by(None).subquery())) or 0,
                "signatory_name": services.signatory_for(current_user.regional_service_id)[0],
                "rows": list(db.session.scalars(query.limit(300)).unique()),
                "cohorts": list(db.session.scalars(course_services.visible_cohorts(current_user))),
                "centres": centres,
                "departments": (org_services.departments_for_service(current_user.regional_service_id)
                                if not current_user.has_role(Role.ADMIN) else
                                [d for c in centres for d in c.departments])}

    return submit(None, issue, message=issued,
                  on_success=lambda _: redirect_to(url_for("certificates.due",
                                                           **{k: v for k, v in scope.items() if v})),
                  template="certificates/due.html", partial="due_rows", form=form, scope=scope, context=page)


@bp.route("/<int:certificate_id>/revoke", methods=["GET", "POST"])
@role_required(*Role.SERVICE_ADMINS)
def revoke(certificate_id: int):
    certificate = _certificate_or_404(certificate_id, manage=True)
    form = RevokeForm()
    return submit(form, lambda: services.revoke(current_user, certificate, form.reason.data),
                  message=f"Документ № {certificate.number} отозван.",
                  on_success=lambda _: redirect_to("certificates.detail", certificate_id=certificate.id),
                  template="certificates/revoke.html", certificate=certificate)


@bp.route("/<int:certificate_id>/reissue", methods=["GET", "POST"])
@role_required(*Role.SERVICE_ADMINS)
def reissue(certificate_id: int):
    certificate = _certificate_or_404(certificate_id, manage=True)
    form = ReissueForm()
    return submit(form, lambda: services.reissue(current_user, certificate, form.reason.data),
                  message=lambda new: f"Выпущен новый документ № {new.number}; прежний № {certificate.number} заменён.",
                  on_success=lambda new: redirect_to("certificates.detail", certificate_id=new.id),
                  template="certificates/reissue.html", certificate=certificate)


# --- HR and administrators: the registry -----------------------------------------------------------------------------

def _parse_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _registry_filter() -> services.RegistryFilter:
    args = request.args
    status = args.get("status", "")
    return services.RegistryFilter(q=args.get("q", "").strip()[:100], centre_id=_int_arg(args, "centre_id"),
                                   kind=args.get("kind", "")[:40],
                                   status=status if status in services.STATUS_FILTERS else "",
                                   date_from=_parse_date(args.get("date_from")),
                                   date_to=_parse_date(args.get("date_to")))


@bp.get("/registry")
@role_required(*Role.SERVICE_ADMINS)
def registry():
    filters = _registry_filter()
    page, per_page = page_args()
    listing = db.paginate(services.registry_query(current_user, filters), page=page, per_page=per_page,
                          error_out=False)
    return render_view("certificates/registry.html", "registry_rows", listing=listing, filters=filters,
                       args=filters.as_args(), kinds=services.all_kinds(),
                       centres=scopes.visible_centres(current_user), status_filters=services.STATUS_FILTERS,
                       today=services.local_today(), form=SelectionForm())


@bp.get("/registry/export.<fmt>")
@role_required(*Role.SERVICE_ADMINS)
def registry_export(fmt: str):
    if fmt not in TABLE_FORMATS:
        abort(404)
    certificates = list(db.session.scalars(services.registry_query(current_user, _registry_filter())))
    return table_download(fmt, services.REGISTRY_HEADER, services.registry_rows(certificates),
                          filename=f"certificates-{date.today():%Y-%m-%d}", sheet_title="Реестр")


@bp.route("/registry/pdfs.zip", methods=["GET", "POST"])
@role_required(*Role.SERVICE_ADMINS)
def registry_zip():
    """GET: every document matching the filter; POST: the documents ticked in the registry."""
    query = services.registry_query(current_user, _registry_filter())
    if request.method == "POST":
        ids = [int(v) for v in request.form.getlist("certificate_ids") if v.isdecimal()]
        query = query.where(Certificate.id.in_(ids or [0]))
    limit = current_app.config.get("CERTIFICATE_ZIP_MAX", 500)
    certificates = list(db.session.scalars(query.limit(limit + 1)))
    if not certificates:
        raise DomainError("Не выбрано ни одного документа.")
    if len(certificates) > limit:
        raise DomainError(f"В одном архиве — не больше {limit} документов. Сузьте отбор фильтрами.")
    spool = io.BytesIO()  # ≤ CERTIFICATE_ZIP_MAX documents of ~80 KB each
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_STORED) as archive:
        for certificate in certificates:
            archive.writestr(f"{certificate.number}.pdf", cached_pdf(certificate,
                                                                     services.verification_url(certificate)))
    spool.seek(0)
    return send_file(spool, mimetype="application/zip", as_attachment=True,
                     download_name=f"certificates-{date.today():%Y-%m-%d}.zip")


@bp.route("/settings", methods=["GET", "POST"])
@role_required(*Role.SERVICE_ADMINS)
def settings():
    services_list = scopes.visible_services(current_user)
    chosen = _int_arg(request.args, "service_id") or (current_user.regional_service_id if not
                                                       current_user.has_role(Role.ADMIN) else None)
    service = next((s for s in services_list if s.id == chosen), services_list[0] if services_list else None)
    if service is None:
        abort(404)
    row = services.signatory_row(service.id)
    form = SignatoryForm(obj=None if request.method == "POST" else row)
    default_name, default_position = services.signatory_for(None)
    return submit(form, lambda: services.set_signatory(
                      current_user, service.id, name=form.signatory_name.data or "",
                      position=form.signatory_position.data or "", email=form.issuer_email.data or ""),
                  message="Подписант сохранён: он будет напечатан на документах, выданных с этого момента.",
                  on_success=lambda _: redirect_to(url_for("certificates.settings", service_id=service.id)),
                  template="certificates/settings.html", service=service, services_list=services_list,
                  default_name=default_name, default_position=default_position)


# --- public: verification and Open Badges -------------------------------------------------------------------

def _public_response(response):
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"  # the code never leaves in a Referer header
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@bp.get("/verify/<verification_code>")
@public
@limiter.limit(_public_limit)
def verify(verification_code: str):
    certificate = services.lookup_by_verification_code(verification_code)
    status = certificate.status(services.local_today()) if certificate is not None else None
    response = render_view("certificates/verify.html", None, status=200 if certificate is not None else 404,
                           certificate=certificate, state=status, labels=CertificateStatus.labels(),
                           replacement=certificate.superseded_by if certificate is not None else None)
    return _public_response(response)


def _json_ld(document: dict, status: int = 200):
    response = jsonify(document)
    response.status_code = status
    response.mimetype = JSON_LD
    response.headers["Access-Control-Allow-Origin"] = "*"  # backpacks fetch hosted badges cross-origin
    return _public_response(response)


def _not_found():
    return _json_ld({"error": "Не найдено"}, 404)


@bp.get("/ob/assertions/<badge_code>")
@public
@limiter.limit(_public_limit)
def ob_assertion(badge_code: str):
    certificate = services.lookup_by_badge_code(badge_code)
    if not badges.is_badge(certificate):
        return _not_found()
    document, status = badges.assertion(certificate)
    return _json_ld(document, status)


def _service_or_none(service_id: int) -> RegionalService | None:
    return db.session.get(RegionalService, service_id)


@bp.get("/ob/issuers/<int:service_id>")
@public
@limiter.limit(_public_limit)
def ob_issuer(service_id: int):
    service = _service_or_none(service_id)
    return _json_ld(badges.issuer(service)) if service is not None else _not_found()


@bp.get("/ob/issuers/<int:service_id>/badges/<kind_code>")
@public
@limiter.limit(_public_limit)
def ob_badge_class(service_id: int, kind_code: str):
    service = _service_or_none(service_id)
    kind = db.session.scalar(select(CertificateKind).where(CertificateKind.code == kind_code,
                                                           CertificateKind.is_open_badge))
    if service is None or kind is None:
        return _not_found()
    return _json_ld(badges.badge_class(service, kind))


@bp.get("/ob/issuers/<int:service_id>/revocations")
@public
@limiter.limit(_public_limit)
def ob_revocations(service_id: int):
    service = _service_or_none(service_id)
    return _json_ld(badges.revocation_list(service)) if service is not None else _not_found()


@bp.get("/ob/images/<kind_code>.png")
@public
def ob_image(kind_code: str):
    kind = db.session.scalar(select(CertificateKind).where(CertificateKind.code == kind_code))
    if kind is None:
        abort(404)
    response = make_response(badges.badge_png(kind.heading))
    response.mimetype = "image/png"
    response.headers["Cache-Control"] = "public, max-age=86400"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
