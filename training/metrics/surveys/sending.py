"""Sending the invitations that are due, by the worker (task ``surveys.send-due``) or the every-minute job.

At most once per invitation: each one is first claimed with a conditional UPDATE (``pending → sending``) that is
committed before anything leaves, so two workers, a retry or a job running next to the task never send it twice.
Then the message goes out (e-mail through SMTP, SMS through the gateway), and the outcome is recorded with the
contact erased, in one more commit. An invitation left «sending» by a crash is closed as not sent after an hour
(never re-sent: a message may have left). Only when nothing can have left — the mail server could not be reached —
the invitation goes back to «pending» (contact kept) and is tried again on the next runs, for up to
:data:`RETRY_DAYS` after its day; then it is closed as not sent and the contact erased. Like
``snapshots.refresh_stale`` this commits per invitation."""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask import current_app, url_for
from sqlalchemy import select, update

from training.db import utcnow
from training.extensions import db
from training.measures.periods import local_date_of
from training.metrics.surveys.gateways import Delivery, send_email, sms_gateway
from training.metrics.surveys.models import SurveyChannel, SurveyInvitation, SurveyKind, SurveyStatus
from training.metrics.surveys.services import token_hash
from training.templating import DISPLAY_TZ

STUCK_AFTER = timedelta(hours=1)
#: how long an e-mail waits for an unreachable mail server before it is given up
RETRY_DAYS = 7


def survey_url(token: str) -> str:
    """The absolute link of the answer page (PUBLIC_BASE_URL; a worker has no request to take the host from)."""
    base = (current_app.config.get("PUBLIC_BASE_URL") or "http://localhost").rstrip("/")
    with current_app.test_request_context(base_url=base):
        return url_for("client_feedback.survey", token=token, _external=True)


def message_for(invitation: SurveyInvitation, url: str, expires_at: datetime) -> tuple[str, str, str]:
    """(e-mail subject, e-mail text, SMS text)."""
    until = expires_at.astimezone(DISPLAY_TZ).strftime("%d.%m.%Y")
    centre = invitation.centre.name
    if invitation.kind == SurveyKind.AFTER_EMPLOYMENT:
        subject = f"{centre}: как у вас дела? Опрос на одну минуту"
        lead = (f"Здравствуйте! Несколько месяцев назад вы оставили отзыв о работе {centre} и разрешили "
                "спросить вас позже, как всё сложилось. Оцените, пожалуйста, центр сейчас:")
    else:
        subject = f"{centre}: оцените нашу работу — опрос на одну минуту"
        lead = f"Здравствуйте! {centre} просит оценить, как вас обслужили. Это займёт одну минуту:"
    text = (f"{lead}\n\n{url}\n\nСсылка действует до {until} включительно, ответить по ней можно один раз. "
            "Ваш адрес мы удалили сразу после отправки этого письма и больше писать не будем.\n\n"
            f"— {current_app.config.get('APP_NAME', 'Служба занятости')}")
    sms = f"{centre}: оцените нашу работу, 1 минута: {url} (до {until})"
    return subject, text, sms


def _deliver(invitation: SurveyInvitation, url: str, expires_at: datetime) -> Delivery:
    subject, text, sms = message_for(invitation, url, expires_at)
    if invitation.channel == SurveyChannel.EMAIL:
        return send_email(invitation.email or "", subject, text)
    return sms_gateway().send(invitation.phone or "", sms)


def _close_stuck(now: datetime) -> int:
    result = db.session.execute(
        update(SurveyInvitation)
        .where(SurveyInvitation.status == SurveyStatus.SENDING, SurveyInvitation.sent_at < now - STUCK_AFTER)
        .values(status=SurveyStatus.NOT_SENT, status_note="не отправлено: сбой при отправке", email=None,
                phone=None, token_hash=None)
        .execution_options(synchronize_session=False))
    return result.rowcount


def send_due(now: datetime | None = None, limit: int = 500) -> dict[str, int]:
    """Send every pending invitation whose day has come; returns how many were sent and not sent."""
    now = now or utcnow()
    counts = {"sent": 0, "not_sent": 0, "waiting": 0, "stuck": _close_stuck(now)}
    db.session.commit()
    today = local_date_of(now)
    due = db.session.execute(
        select(SurveyInvitation.id, SurveyInvitation.channel, SurveyInvitation.due_on)
        .where(SurveyInvitation.status == SurveyStatus.PENDING, SurveyInvitation.due_on <= today)
        .order_by(SurveyInvitation.id).limit(limit)).all()
    days = int(current_app.config.get("SURVEY_LINK_DAYS", 14))
    mail_down = False
    for invitation_id, channel, due_on in due:
        if mail_down and channel == SurveyChannel.EMAIL:
            continue  # the server was unreachable a moment ago: the next run tries again
        claimed = db.session.execute(
            update(SurveyInvitation)
            .where(SurveyInvitation.id == invitation_id, SurveyInvitation.status == SurveyStatus.PENDING)
            .values(status=SurveyStatus.SENDING, sent_at=now).execution_options(synchronize_session=False))
        db.session.commit()  # the claim is durable before anything leaves: never sent twice
        if claimed.rowcount != 1:
            continue  # another worker has it
        invitation = db.session.get(SurveyInvitation, invitation_id, populate_existing=True)
        token = secrets.token_urlsafe(24)
        expires_at = now + timedelta(days=days)
        try:
            delivery = _deliver(invitation, survey_url(token), expires_at)
        except Exception:  # a gateway's own failure: recorded, never retried
            current_app.logger.exception("surveys: invitation %s", invitation_id)
            delivery = Delivery(False, "не отправлено: ошибка шлюза")
        if delivery.retry and today <= due_on + timedelta(days=RETRY_DAYS):
            mail_down = True
            db.session.execute(update(SurveyInvitation).where(SurveyInvitation.id == invitation_id).values(
                status=SurveyStatus.PENDING, sent_at=None, status_note=f"ждёт повторной попытки: {delivery.note}")
                .execution_options(synchronize_session=False))
            db.session.commit()
            counts["waiting"] += 1
            continue
        values = {"status": SurveyStatus.SENT if delivery.ok else SurveyStatus.NOT_SENT,
                  "status_note": delivery.note[:200] if delivery.ok or not delivery.retry
                  else f"не отправлено: {delivery.note}", "email": None, "phone": None}
        if delivery.ok:
            values.update(token_hash=token_hash(token), expires_at=expires_at)
        db.session.execute(update(SurveyInvitation).where(SurveyInvitation.id == invitation_id).values(**values)
                           .execution_options(synchronize_session=False))
        db.session.commit()
        counts["sent" if delivery.ok else "not_sent"] += 1
    return counts
