from flask import abort
from flask_login import current_user, login_required

from training.extensions import db
from training.notifications import bp, services
from training.notifications.models import Notification
from training.web import is_safe_next, redirect_to, render_view


@bp.app_template_global()
def notifications_unread() -> int:
    return services.unread_count(current_user) if current_user.is_authenticated else 0


@bp.get("/")
@login_required
def index():
    return render_view("notifications/index.html", None, groups=services.grouped(services.recent(current_user)))


@bp.post("/<int:notification_id>/open")
@login_required
def open_one(notification_id: int):
    """Open what a notification is about, marking it (and its group) read."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != current_user.id:
        abort(404)
    url = services.open_notification(current_user, notification)
    db.session.commit()
    return redirect_to(url if is_safe_next(url) else "notifications.index")


@bp.post("/read")
@login_required
def mark_read():
    services.mark_all_read(current_user)
    db.session.commit()
    return redirect_to("notifications.index")
