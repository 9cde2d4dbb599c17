"""The client's one-minute feedback page, reached from a QR code; no account, nothing personal stored.

The form asks at most five questions: ease (CES), expectations, recommendation, one rotating question and a
comment. The rotating one is the specialist's work (satisfaction with the specialist and their aspects), the
centre's service (CSAT and the centre's service aspects) or the five parameters of CSI, drawn at random for each
client (the page's hidden ``module``), so all three are collected without a longer form.

An answer needs proof of a visit: a one-time visit code (the specialist's window screen shows it; its QR link
carries it), one feedback per code; staff — signed in, or on a browser a staff member has signed in on — are
refused like at the client vote, so nobody rates themselves as a client.

Floods are throttled twice: per network address (Flask-Limiter, memory or Redis — never the database) and per
device, by a random cookie that only the rate limiter reads. Neither the address nor the cookie is stored with
the answers."""
from __future__ import annotations

import secrets

from flask import Blueprint, abort, current_app, request
from flask_limiter.util import get_remote_address

from training.extensions import limiter
from training.gamification.contests import services as visits
from training.metrics.feedback import services as feedback
from training.metrics.feedback import you_said
from training.metrics.feedback.aspects import CSI_PARAMETERS, SERVICE_ASPECTS
from training.metrics.feedback.forms import MODULES, FeedbackForm, SurveyForm
from training.metrics.feedback.survey_answers import submit_survey_answer
from training.metrics.surveys import services as surveys
from training.metrics.surveys.models import SurveyKind
from training.web import is_staff_device, public, redirect_to, render_view, submit

feedback_bp = Blueprint("client_feedback", __name__)
DEVICE_COOKIE = "fb_device"


def _device_key() -> str:
    device = request.cookies.get(DEVICE_COOKIE, "")
    if len(device) == 22 and device.replace("-", "").replace("_", "").isalnum():
        return f"feedback-device:{device}"
    return f"feedback-nodevice:{get_remote_address()}"


def _per_address() -> str:
    return current_app.config.get("FEEDBACK_RATE_LIMIT_PER_ADDRESS", "30 per 10 minutes;300 per day")


def _per_device() -> str:
    return current_app.config.get("FEEDBACK_RATE_LIMIT_PER_DEVICE", "3 per hour;10 per day")


STAFF_REFUSED = ("Вы вошли как сотрудник (или входили с этого устройства). Отзыв «как клиент» оставляют только "
                 "клиенты со своих телефонов.")
OFF_THE_SCALE = "Выберите ответ из предложенных вариантов."
TOO_MANY = "Спасибо! Вы уже оставили несколько отзывов. Если хотите добавить ещё, попробуйте позже."


def _with_device_cookie(response):
    if not request.cookies.get(DEVICE_COOKIE):
        response.set_cookie(DEVICE_COOKIE, secrets.token_urlsafe(16), max_age=365 * 24 * 3600, httponly=True,
                            samesite="Lax", secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")))
    return response


@feedback_bp.route("/<token>", methods=["GET", "POST"])
@limiter.limit(_per_address, methods=["POST"], error_message=TOO_MANY)
@limiter.limit(_per_device, key_func=_device_key, methods=["POST"], error_message=TOO_MANY)
@public
def form(token: str):
    found = feedback.answering(token)
    if found is None:
        abort(404)
    link, aspects = found
    form_ = FeedbackForm()
    if request.method == "GET" and request.args.get("k"):
        form_.code.data = request.args["k"][:12]  # the window screen's QR carries the visit code
    if request.method == "GET":
        asked = request.args.get("m")
        form_.module.data = asked if asked in MODULES else MODULES[secrets.randbelow(len(MODULES))]
    marks = {a.code: request.form.get(f"aspect-{a.code}") for a in aspects}
    centre_marks = {a.code: request.form.get(f"service-{a.code}") for a in SERVICE_ASPECTS}
    csi_marks = {p.code: request.form.get(f"csi-{p.code}") for p in CSI_PARAMETERS}

    def page(error: str | None, status: int):
        # an answer off the form's scale says so, in Russian, rather than an unexplained 422
        if error is None and form_.errors:
            error = form_.module.errors[0] if form_.module.errors else OFF_THE_SCALE
        response = render_view("metrics/feedback/form.html", None, status=status, form=form_, link=link,
                               aspects=aspects, error=error, marks=marks, service_aspects=SERVICE_ASPECTS,
                               centre_marks=centre_marks, csi_parameters=CSI_PARAMETERS, csi_marks=csi_marks,
                               module=form_.module.data or MODULES[0],
                               specialist=link.employee.public_name if link.employee else None)
        response.headers["Cache-Control"] = "no-store"
        return _with_device_cookie(response)

    if is_staff_device():
        return page(STAFF_REFUSED, 403 if request.method == "POST" else 200)

    def answer():
        visits.use_code_for_feedback(feedback.visit_code_holders(link), form_.code.data)
        if form_.survey_consent.data:  # explicit consent (unticked by default); never linked to the answer
            surveys.record_consent(link.centre, form_.survey_contact.data or "")
        return feedback.submit_feedback(
            link, ces=form_.ces.data, expectations=form_.expectations.data, recommend=form_.recommend.data,
            csat=form_.csat.data, specialist_satisfaction=form_.specialist_satisfaction.data, aspects=marks,
            service_marks=centre_marks, csi_marks=csi_marks, comment=form_.comment.data,
            contact_requested=form_.contact_requested.data,
            contact_name=form_.contact_name.data or "", contact_phone=form_.contact_phone.data or "",
            rateable=aspects)

    # the thank-you page shows the committee's recent measures of this link's centre: read there, not here
    return submit(form_, answer, on_success=lambda _: redirect_to("client_feedback.thanks", t=link.token), page=page)


@feedback_bp.get("/thanks")
@public
def thanks():
    return render_view("metrics/feedback/thanks.html", None, measures=you_said.recent_for_link(request.args.get("t")))


@feedback_bp.route("/survey/<token>", methods=["GET", "POST"])
@limiter.limit(_per_address, methods=["POST"], error_message=TOO_MANY)
@public
def survey(token: str):
    """The one-time link of an e-mail or SMS survey (metrics/surveys): after employment — work now?, CSI and a
    comment; HR's outbound survey — the short form with CSI. Used once, until it expires."""
    invitation = surveys.invitation_by_token(token)
    if invitation is None:
        abort(404)
    form_ = SurveyForm()
    csi_marks = {p.code: request.form.get(f"csi-{p.code}") for p in CSI_PARAMETERS}

    def page(error: str | None, status: int):
        if error is None and form_.errors:
            error = OFF_THE_SCALE
        response = render_view("metrics/feedback/survey.html", None, status=status, form=form_,
                               invitation=invitation, closed=surveys.link_state(invitation), error=error,
                               csi_parameters=CSI_PARAMETERS, csi_marks=csi_marks,
                               after_employment=invitation.kind == SurveyKind.AFTER_EMPLOYMENT)
        response.headers["Cache-Control"] = "no-store"
        response.headers["Referrer-Policy"] = "no-referrer"  # the token is in the URL
        return response

    return submit(form_, lambda: submit_survey_answer(
        invitation, csi_marks=csi_marks, employment=form_.employment.data, ces=form_.ces.data,
        expectations=form_.expectations.data, recommend=form_.recommend.data, comment=form_.comment.data),
        on_success=lambda _: redirect_to("client_feedback.thanks"), page=page)
