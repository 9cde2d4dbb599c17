from flask import current_app
from flask_login import current_user, login_required
from sqlalchemy import text

from training.extensions import db, limiter
from training.home import bp
from training.web import public, render_view


@bp.get("/")
@login_required
def index():
    return render_view("home/index.html", None, user=current_user)


@bp.get("/healthz")
@limiter.exempt
@public
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:  # any database failure makes the instance unhealthy
        current_app.logger.error("health check failed: %s", exc)
        return {"status": "error", "database": "unavailable"}, 503
    answer = {"status": "ok", "database": db.engine.dialect.name}
    if current_app.config.get("RATELIMIT_STORAGE_WARNING"):
        answer["warnings"] = [current_app.config["RATELIMIT_STORAGE_WARNING"]]
    return answer
