"""The public client vote (/v/…): no account, one tap, no personal data.

A served client opens the employee's signed link (QR on the printed sheet, or the window screen's QR with the
current code already in it), enters or confirms the 6-character code and votes. One vote per (code window,
device); the device is a random cookie. Throttled per network address and per device by Flask-Limiter (its
counters live in the limiter's storage, never in the database)."""
from __future__ import annotations

import secrets

from flask import Blueprint, abort, current_app, request
from flask_limiter.util import get_remote_address

from training.accounts.models import User
from training.errors import Conflict
from training.extensions import db, limiter
from training.gamification.contests import services
from training.gamification.contests.codes import check_sheet_signature, normalise_code
from training.gamification.contests.forms import ClientVoteForm
from training.web import is_staff_device, public, redirect_to, render_view

vote_bp = Blueprint("client_vote", __name__)

DEVICE_COOKIE = "szn_vote_device"
DEVICE_COOKIE_DAYS = 400


def _device_token() -> str | None:
    token = request.cookies.get(DEVICE_COOKIE, "")
    return token if 16 <= len(token) <= 64 and token.isalnum() else None


def _device_key() -> str:
    return "vote-device:" + (_device_token() or get_remote_address())


def _limit_per_address() -> str:
    return current_app.config.get("CLIENT_VOTE_LIMIT_PER_ADDRESS", "30 per hour")


def _limit_per_device() -> str:
    return current_app.config.get("CLIENT_VOTE_LIMIT_PER_DEVICE", "10 per hour")


def _with_device_cookie(response):
    if _device_token() is None:
        response.set_cookie(DEVICE_COOKIE, secrets.token_hex(16), max_age=DEVICE_COOKIE_DAYS * 24 * 3600,
                            httponly=True, samesite="Lax",
                            secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
    return response


@vote_bp.route("/<int:employee_id>/<sig>", methods=["GET", "POST"])
@public
@limiter.limit("120 per hour", methods=["GET"])
@limiter.limit(_limit_per_address, methods=["POST"])
@limiter.limit(_limit_per_device, key_func=_device_key, methods=["POST"])
def vote(employee_id: int, sig: str):
    if not check_sheet_signature(employee_id, sig):
        abort(404)
    employee = db.session.get(User, employee_id)
    if not services.client_vote_employee_ok(employee):
        abort(404, "Голосование за этого специалиста сейчас недоступно.")
    form = ClientVoteForm()
    code_from_link = normalise_code(request.args.get("k"))
    if request.method == "GET" and code_from_link:
        form.code.data = code_from_link
    status, refused = 200, None
    is_staff = is_staff_device()
    if is_staff:
        # a staff member's phone (signed in now or ever on this browser) is not a client's: no staff votes in
        # the clients' track, the specialist's own included
        status = 403 if request.method == "POST" else 200
    elif form.validate_on_submit():
        try:
            services.cast_client_vote(employee, code=form.code.data, device_token=_device_token(),
                                      address=request.remote_addr, comment=form.comment.data or "")
        except services.CodeRejected as exc:
            db.session.rollback()
            form.code.errors = [*form.code.errors, exc.message]
            status = 422
        except Conflict as exc:
            # a final, friendly answer rather than a form error: the vote from this phone is already counted
            db.session.rollback()
            refused = exc.message
        else:
            db.session.commit()
            return _with_device_cookie(redirect_to("client_vote.done"))
    elif form.is_submitted():
        status = 422
    response = render_view("gamification/contests/client_vote.html", None, status=status, form=form, employee=employee,
                           code_prefilled=bool(code_from_link) and not form.code.errors, refused=refused,
                           is_staff=is_staff)
    return _with_device_cookie(response)


@vote_bp.get("/done")
@public
def done():
    return render_view("gamification/contests/client_done.html", None)
