"""The materials repository: read by every signed-in staff member, filled by teachers, HR and
administrators."""
from __future__ import annotations

from urllib.parse import quote

from flask import abort, render_template, request, send_file
from flask_login import current_user, login_required

from training.accounts.models import Role
from training.errors import ERROR_TITLES, DomainError
from training.extensions import db, htmx
from training.materials import bp, seeding, services, storage  # noqa: F401  (seeding: the kit in `flask course outline`)
from training.materials.forms import CategoryForm, MaterialCreateForm, MaterialEditForm, VersionForm
from training.materials.models import Material, MaterialCategory, MaterialKind
from training.materials.storage import UploadRejected
from training.templating import NavItem, add_nav_item
from training.web import page_args, redirect_to, render_view, role_required, submit

add_nav_item(NavItem("materials.index", "Материалы", "book", on_phone=False, order=40))


@bp.app_template_filter("file_size")
def _file_size(size: int | None) -> str:
    return storage.human_size(size)


@bp.errorhandler(413)
def _request_too_large(error):
    """The request exceeded MAX_CONTENT_LENGTH before the view could read the file."""
    message = storage.too_large_message()
    if htmx:
        return render_template("errors/_error_fragment.html", title=ERROR_TITLES[413], message=message), 413
    return render_template("errors/error.html", status=413, title=ERROR_TITLES[413], message=message), 413


def _upload_context() -> dict:
    return {"max_size": storage.megabytes(storage.max_bytes()), "allowed_types": storage.ALLOWED_LABEL}


def _read_upload(upload) -> tuple[str | None, bytes | None]:
    """Read at most one byte more than the limit: enough to tell that a file is too large."""
    if not upload:
        return None, None
    return upload.filename, upload.stream.read(storage.max_bytes() + 1)


def _show_rejection(form, kind: str, exc: DomainError) -> str | None:
    """Put a refused file's or link's message next to its field; other messages go to the top of the form."""
    if isinstance(exc, UploadRejected):
        target = form.url if kind == MaterialKind.LINK else form.file
        target.errors = [*target.errors, exc.message]
        return None
    return exc.message


@bp.get("/")
@login_required
def index():
    q = request.args.get("q", "").strip()
    category_id = request.args.get("category_id", type=int)
    page, per_page = page_args()
    items = db.paginate(services.search_materials(q, category_id), page=page, per_page=per_page,
                        error_out=False)
    return render_view("materials/index.html", "results", items=items, q=q, category_id=category_id,
                       categories=services.categories(), counts=services.category_counts(), args=request.args,
                       can_upload=services.can_upload(current_user))


@bp.get("/<int:material_id>")
@login_required
def detail(material_id: int):
    material = db.get_or_404(Material, material_id)
    can_upload = services.can_upload(current_user)
    return render_view("materials/detail.html", None, material=material, can_upload=can_upload,
                       history=services.metadata_history(material) if can_upload else [])


@bp.get("/<int:material_id>/versions/<int:material_version>/download")
@login_required
def download(material_id: int, material_version: int):
    material = db.get_or_404(Material, material_id)
    version = services.version_or_none(material, material_version)
    if version is None or not version.is_file:
        abort(404)
    path = storage.path_for(version.sha256)
    if not path.is_file():
        abort(404, "Файл этой версии не найден в хранилище. Сообщите администратору.")
    fallback = f"material-{material.id}-v{version.number}"
    if version.extension:
        fallback += "." + version.extension.lower()
    response = send_file(path, mimetype=version.mime_type, as_attachment=True, download_name=fallback,
                         conditional=True, etag=version.sha256)
    # RFC 6266/5987: an ASCII name for old clients, the original (Russian) name for everyone else.
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{fallback}\"; "
        f"filename*=UTF-8''{quote(version.file_name or fallback, safe='!#$&+-.^_`|~')}")
    return response


@bp.route("/new", methods=["GET", "POST"])
@role_required(*Role.TEACHING)
def create():
    categories = services.categories()
    form = MaterialCreateForm()
    form.category_id.choices = [(c.id, c.name) for c in categories]
    if request.method == "GET" and request.args.get("category_id", type=int):
        form.category_id.data = request.args.get("category_id", type=int)

    def create_material():
        filename, data = _read_upload(form.file.data) if form.kind.data == MaterialKind.FILE else (None, None)
        return services.create_material(
            current_user, category=db.session.get(MaterialCategory, form.category_id.data),
            title=form.title.data, description=form.description.data or "", kind=form.kind.data,
            note=form.note.data or "", filename=filename, data=data, url=form.url.data)

    return submit(form, create_material, message="Материал добавлен в хранилище.",
                  on_success=lambda material: redirect_to("materials.detail", material_id=material.id),
                  on_error=lambda exc: _show_rejection(form, form.kind.data, exc),
                  template="materials/create.html", categories=categories, **_upload_context())


@bp.route("/<int:material_id>/versions/new", methods=["GET", "POST"])
@role_required(*Role.TEACHING)
def add_version(material_id: int):
    material = db.get_or_404(Material, material_id)
    form = VersionForm(material_kind=material.kind)

    def add_version():
        filename, data = _read_upload(form.file.data) if not material.is_link else (None, None)
        return services.add_version(current_user, material, note=form.note.data, filename=filename, data=data,
                                    url=form.url.data)

    return submit(form, add_version,
                  message=lambda version: f"Версия {version.number} добавлена. Прежние версии остаются доступны.",
                  on_success=lambda version: redirect_to("materials.detail", material_id=material.id),
                  on_error=lambda exc: _show_rejection(form, material.kind, exc),
                  conflict="Одновременно с вами кто-то добавил версию этого материала. Обновите страницу и повторите.",
                  template="materials/add_version.html", material=material, **_upload_context())


@bp.route("/<int:material_id>/edit", methods=["GET", "POST"])
@role_required(*Role.TEACHING)
def edit(material_id: int):
    material = db.get_or_404(Material, material_id)
    form = MaterialEditForm(obj=material)
    form.category_id.choices = [(c.id, c.name) for c in services.categories()]
    return submit(form, lambda: services.update_material(
                      current_user, material, category=db.session.get(MaterialCategory, form.category_id.data),
                      title=form.title.data, description=form.description.data or ""),
                  message=_saved("Изменения сохранены и записаны в журнал."),
                  on_success=lambda _: redirect_to("materials.detail", material_id=material.id),
                  template="materials/edit.html", material=material)


@bp.route("/categories", methods=["GET", "POST"])
@role_required(*Role.TEACHING)
def categories():
    form = CategoryForm()
    return submit(form, lambda: services.create_category(current_user, form.name.data, form.description.data or "",
                                                         position=form.position.data),
                  message=lambda _: f"Категория «{form.name.data.strip()}» создана.",
                  on_success=lambda _: redirect_to("materials.categories"),
                  template="materials/categories.html",
                  context=lambda: {"categories": services.categories(), "counts": services.category_counts()})


@bp.route("/categories/<int:material_category_id>/edit", methods=["GET", "POST"])
@role_required(*Role.TEACHING)
def category_edit(material_category_id: int):
    category = db.get_or_404(MaterialCategory, material_category_id)
    form = CategoryForm(obj=category)
    return submit(form, lambda: services.update_category(
                      current_user, category, name=form.name.data, description=form.description.data or "",
                      position=form.position.data if form.position.data is not None else category.position),
                  message=_saved("Категория сохранена."), on_success=lambda _: redirect_to("materials.categories"),
                  template="materials/category_edit.html", category=category)


def _saved(text: str):
    """The flash after an edit: ``text``, or «Ничего не изменилось.» when the service changed nothing."""
    return lambda changed: (text, "success") if changed else ("Ничего не изменилось.", "info")
