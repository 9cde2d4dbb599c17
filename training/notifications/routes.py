from flask_login import current_user, login_required

from training.extensions import db
from training.notifications import bp, services
from training.web import redirect_to, render_view


@bp.app_template_global()
def notifications_unread() -> int:
    return services.unread_count(current_user) if current_user.is_authenticated else 0


@bp.get("/")
@login_required
def index():
    return render_view("notifications/index.html", None, notifications=services.recent(current_user))


@bp.post("/read")
@login_required
def mark_read():
    services.mark_all_read(current_user)
    db.session.commit()
    return redirect_to("notifications.index")
