from datetime import date

from flask import request

from training.accounts.models import Role
from training.admin import bp
from training.audit import labels, services
from training.extensions import db
from training.templating import NavItem, add_nav_item
from training.web import page_args, render_view, role_required

add_nav_item(NavItem("admin.audit_log", "Журнал", "log", roles=(Role.ADMIN,), on_phone=False, order=90))
bp.add_app_template_filter(labels.action_label, "action_label")
bp.add_app_template_filter(labels.object_label, "object_label")
bp.add_app_template_filter(labels.field_label, "field_label")


def _date_arg(name: str) -> date | None:
    try:
        value = date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None
    # year 1 or 9999 cannot be moved across time zones (ValueError/OverflowError): no entry is that old or new
    return value if date(2000, 1, 1) <= value <= date(2999, 12, 31) else None


@bp.get("/")
@role_required(Role.ADMIN)
def audit_log():
    filters = {
        "actor_id": request.args.get("actor_id", type=int),
        "action": request.args.get("action") or None,
        "object_type": request.args.get("object_type") or None,
        "object_id": request.args.get("object_id") or None,
        "date_from": _date_arg("date_from"),
        "date_to": _date_arg("date_to"),
    }
    page, per_page = page_args()
    entries = db.paginate(services.filtered_entries(**filters), page=page, per_page=per_page, error_out=False)
    actors = services.actors()
    return render_view("admin/audit_log.html", "entries", entries=entries, filters=filters, actors=actors,
                       actions=services.known_actions())
