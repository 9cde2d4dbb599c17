"""Access rules for the authorization-matrix test (tests/core/test_authorization_matrix.py).

Each domain keeps its table in tests/<domain>/access.py with:
    ACCESS: dict[endpoint, PUBLIC | SIGNED_IN | set of roles]
    def url_arguments(ctx) -> dict[url parameter, value]   # objects in every tested user's scope
ctx holds "org", "colleague" (an employee in centre A) and "users" (one per role, centre A / the service)."""
from training.accounts.models import Role

PUBLIC = "public"
SIGNED_IN = "signed-in"
ROLES = [Role.EMPLOYEE, Role.TEACHER, Role.MANAGER, Role.HR, Role.ADMIN]
STAFF_VIEWERS = {Role.ADMIN, Role.HR, Role.MANAGER}
STAFF_EDITORS = {Role.ADMIN, Role.HR}

ACCESS: dict[str, object] = {
    "static": PUBLIC,
    "home.healthz": PUBLIC,
    "home.index": SIGNED_IN,
    "accounts.login": PUBLIC,
    "accounts.logout": SIGNED_IN,
    "accounts.first_password": SIGNED_IN,
    "accounts.change_password": SIGNED_IN,
    "accounts.profile": SIGNED_IN,
    "accounts.sessions": SIGNED_IN,
    "accounts.end_session": SIGNED_IN,
    "accounts.end_other_sessions": SIGNED_IN,
    "staff.structure": STAFF_VIEWERS,
    "staff.index": STAFF_VIEWERS,
    "staff.detail": STAFF_VIEWERS,
    "staff.edit": STAFF_EDITORS,
    "staff.reset_password": STAFF_EDITORS,
    "staff.import_staff": STAFF_EDITORS,
    "staff.import_template": STAFF_EDITORS,
    "admin.audit_log": {Role.ADMIN},
}


def url_arguments(ctx) -> dict[str, object]:
    return {"filename": "css/app.css", "user_id": ctx["colleague"].id, "fmt": "csv", "session_id": 999_999}
