"""Session loading, forced password change, htmx-aware sign-in redirects and security headers."""
from __future__ import annotations

from flask import Flask, make_response, redirect, request, session, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from training.accounts.models import User, UserSession
from training.accounts.services import token_hash
from training.extensions import db, htmx, login_manager
from training.web import mark_staff_device

# Endpoints a user who must still choose a password may open.
_ALLOWED_BEFORE_PASSWORD = {"accounts.first_password", "accounts.logout", "static", "home.healthz"}

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'; object-src 'none'"
)


@login_manager.user_loader
def load_user(session_id: str):
    """The signed-in person with their roles and centre in one statement: what every page needs of them (the
    scope ids and the unread notification count are columns of the row). Nothing loads them again in the
    request.

    The id is «user:version:token» (User.get_id); the token must name a session record that was not ended
    (logout, «завершить сеанс», password change), so a copied session or remember-me cookie dies with it."""
    parts = session_id.split(":")
    if len(parts) != 3 or not all(p.isdecimal() and len(p) <= 18 for p in parts[:2]) or not parts[2]:
        return None
    user_id, version, token = int(parts[0]), int(parts[1]), parts[2]
    user = db.session.execute(
        select(User).options(joinedload(User.role_links), joinedload(User.centre))
        .join(UserSession, UserSession.user_id == User.id)
        .where(User.id == user_id, UserSession.token_hash == token_hash(token), UserSession.revoked_at.is_(None))
    ).unique().scalar_one_or_none()
    if user is None or not user.is_active or user.session_version != version:
        return None
    user.session_token = token
    return user


@login_manager.unauthorized_handler
def unauthorized():
    target = url_for("accounts.login", next=request.full_path.rstrip("?") if request.method == "GET" else None)
    if htmx:
        response = make_response("", 401)
        response.headers["HX-Redirect"] = target
        return response
    if request.accept_mimetypes.best == "application/json":
        return {"error": "Требуется вход"}, 401
    return redirect(target)


def security_headers(app: Flask) -> dict[str, str]:
    """What every answer carries: pages here, static files through WhiteNoise (training/static_files.py)."""
    headers = {
        "Content-Security-Policy": CONTENT_SECURITY_POLICY,
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    }
    if app.config.get("SESSION_COOKIE_SECURE"):
        headers["Strict-Transport-Security"] = "max-age=31536000"
    return headers


def register_security(app: Flask) -> None:
    @app.before_request
    def force_password_change():
        if (current_user.is_authenticated and current_user.must_change_password
                and request.endpoint not in _ALLOWED_BEFORE_PASSWORD):
            target = url_for("accounts.first_password")
            if htmx:
                response = make_response("", 204)
                response.headers["HX-Redirect"] = target
                return response
            return redirect(target)
        return None

    @app.after_request
    def add_security_headers(response):
        for name, value in security_headers(app).items():
            response.headers.setdefault(name, value)
        # the session's user id, not current_user: after the view's commit that would load the person again
        if session.get("_user_id") and request.endpoint != "static":
            response.headers.setdefault("Cache-Control", "no-store")
            mark_staff_device(response)  # the clients' pages refuse this browser from now on, signed in or not
        return response
