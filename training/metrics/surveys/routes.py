"""Surveys with a one-time link, HR's side (/metrics/surveys): send the short survey to consenting contacts, and
see what became of every invitation (never the contacts: they are erased once sent)."""
from __future__ import annotations

from flask import request
from flask_login import current_user
from sqlalchemy import func, select

from training.accounts import scopes
from training.accounts.models import Role
from training.extensions import db
from training.metrics.surveys import bp
from training.metrics.surveys import services as surveys
from training.metrics.surveys.forms import OutboundForm
from training.metrics.surveys.models import SurveyInvitation, SurveyKind, SurveyStatus
from training.web import redirect_to, role_required, submit


def _in_scope():
    return scopes.administrable_condition(current_user, service=SurveyInvitation.regional_service_id)


@bp.route("/surveys", methods=["GET", "POST"])
@role_required(*Role.SERVICE_ADMINS)
def outbound():
    centres = [c for c in scopes.visible_centres(current_user) if scopes.can_administer(current_user, c)]
    form = OutboundForm()
    form.centre_id.choices = [(c.id, c.name) for c in centres]
    chosen = next((c for c in centres if c.id == form.centre_id.data), None) if request.method == "POST" else None

    def send():
        return surveys.send_outbound(current_user, chosen, form.contacts.data or "",
                                     consent_confirmed=bool(form.consent_confirmed.data))

    def context():
        counts = {(kind, status): n for kind, status, n in db.session.execute(
            select(SurveyInvitation.kind, SurveyInvitation.status, func.count()).where(_in_scope())
            .group_by(SurveyInvitation.kind, SurveyInvitation.status))}
        employment = dict(db.session.execute(
            select(SurveyInvitation.employment, func.count()).where(
                _in_scope(), SurveyInvitation.kind == SurveyKind.AFTER_EMPLOYMENT,
                SurveyInvitation.status == SurveyStatus.ANSWERED).group_by(SurveyInvitation.employment)).all())
        recent = list(db.session.scalars(select(SurveyInvitation).where(_in_scope())
                                         .order_by(SurveyInvitation.id.desc()).limit(50)))
        return {"counts": counts, "employment": employment, "recent": recent}

    return submit(form, send, message=lambda sent: f"Опрос поставлен в очередь отправки: {len(sent)}.",
                  on_success=lambda _: redirect_to("surveys.outbound"), template="metrics/surveys/outbound.html",
                  context=context, kinds=list(SurveyKind), statuses=list(SurveyStatus),
                  employment_choices=surveys.EMPLOYMENT_CHOICES)
