"""The comfort checklist of a centre (/metrics/comfort): an inspector's walk-through from a phone, the list of
audits, and the checklist HR keeps. Views of the operations blueprint."""
from __future__ import annotations

from flask import request
from flask_login import current_user
from sqlalchemy.orm import selectinload

from training import templating as presenters
from training.accounts import scopes
from training.accounts.models import Role
from training.errors import DomainError
from training.extensions import db
from training.measures.periods import local_today
from training.metrics.operations import bp, comfort
from training.metrics.operations.forms import ComfortAuditForm, ComfortItemForm
from training.metrics.operations.models import COMFORT_AREA_LABELS, ComfortAudit, ComfortItem
from training.web import page_args, redirect_to, render_view, role_required, submit


@bp.get("/comfort")
@role_required(*Role.SUPERVISORS)
def comfort_list():
    page, per_page = page_args()
    query = comfort.audits_visible(current_user).options(
        selectinload(ComfortAudit.centre), selectinload(ComfortAudit.inspector), selectinload(ComfortAudit.items))
    items = db.paginate(query, page=page, per_page=per_page, error_out=False)
    return render_view("metrics/operations/comfort_list.html", "comfort_rows", items=items)


@bp.route("/comfort/new", methods=["GET", "POST"])
@role_required(*Role.SUPERVISORS)
def comfort_new():
    """The walk-through: one yes/no per item, big enough for a thumb."""
    centres = [c for c in scopes.visible_centres(current_user) if scopes.can_supervise(current_user, c)]
    form = ComfortAuditForm()
    form.centre_id.choices = [(0, "— выберите —")] + [(c.id, c.name) for c in centres]
    items = comfort.active_items()
    if request.method == "GET":
        form.centre_id.data = request.args.get("centre_id", type=int) or (centres[0].id if len(centres) == 1 else 0)
        form.visited_on.data = local_today()
    marks: dict[int, bool] = {}
    missing = []
    for item in items:
        raw = request.form.get(f"item-{item.id}")
        if raw in ("1", "0"):
            marks[item.id] = raw == "1"
        elif request.method == "POST":
            missing.append(item.id)

    def record():
        centre = next((c for c in centres if c.id == form.centre_id.data), None)
        if centre is None:
            raise DomainError("Выберите ЦЗН.")
        return comfort.record_audit(current_user, centre, marks=marks, visited_on=form.visited_on.data,
                                    comment=form.comment.data or "", today=local_today())

    return submit(form, record,
                  message=lambda audit: f"Обход записан: {presenters.fmt_number(audit.score)} %.",
                  on_success=lambda _: redirect_to("operations.comfort_list"),
                  template="metrics/operations/comfort_new.html", items=items, marks=marks, missing=missing,
                  areas=COMFORT_AREA_LABELS)


@bp.route("/comfort/items", methods=["GET", "POST"])
@role_required(*Role.SERVICE_ADMINS)
def comfort_items():
    form = ComfortItemForm()
    return submit(form, lambda: comfort.save_item(
                      current_user, None, code=form.code.data, name=form.name.data, area=form.area.data,
                      weight=form.weight.data, is_critical=form.is_critical.data, is_active=form.is_active.data,
                      sort_order=form.sort_order.data or 100),
                  message="Пункт добавлен.", on_success=lambda _: redirect_to("operations.comfort_items"),
                  template="metrics/operations/comfort_items.html", areas=COMFORT_AREA_LABELS,
                  context=lambda: {"items": comfort.all_items()})


@bp.route("/comfort/items/<int:comfort_item_id>", methods=["GET", "POST"])
@role_required(*Role.SERVICE_ADMINS)
def comfort_item_edit(comfort_item_id: int):
    item = db.get_or_404(ComfortItem, comfort_item_id)
    form = ComfortItemForm(obj=item)
    return submit(form, lambda: comfort.save_item(
                      current_user, item, code=item.code, name=form.name.data, area=form.area.data,
                      weight=form.weight.data, is_critical=form.is_critical.data, is_active=form.is_active.data,
                      sort_order=form.sort_order.data or 0),
                  message="Пункт сохранён.", on_success=lambda _: redirect_to("operations.comfort_items"),
                  template="metrics/operations/comfort_item_edit.html", item=item)
