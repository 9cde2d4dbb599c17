"""The rules of surveys with a one-time link: consent, outbound lists, the link's single use (docs/metrics.md §6.9).

* **After employment.** A client who ticks «спросите меня через 3 месяца» on the feedback form and leaves an
  e-mail or a phone gets one message SURVEY_AFTER_DAYS (91) days later. The product knows nothing of a client's
  employment (АИС data arrive as aggregates), so the survey is timed from the consent and its first question
  asks whether the client works now; CSI of those who do is CSI after employment.
* **Outbound.** HR of a service pastes a list of contacts who agreed to be asked (confirmed by a tick) and the
  centre they were served by; each gets one message at once.
* A contact is kept only until its one sending attempt; the link is valid SURVEY_LINK_DAYS (14) days and once.
Sending itself (claim, deliver, record) is in sending.py, run by the worker."""
from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from training.accounts.models import User
from training.accounts.scopes import can_administer
from training.audit import services as audit
from training.db import utcnow
from training.errors import DomainError, NotAllowed
from training.extensions import db
from training.measures.periods import local_date_of
from training.metrics.surveys.models import SurveyChannel, SurveyInvitation, SurveyKind, SurveyStatus
from training.org.models import Centre
from training.tasks import after_commit

#: the background task that sends every invitation due (metrics/surveys/tasks.py)
SEND_DUE = "surveys.send-due"
EMAIL_RE = re.compile(r"^[^@\s<>\"']{1,64}@[^@\s<>\"']+\.[^@\s<>\"']{2,}$")
PHONE_RE = re.compile(r"^\+?[\d\s\-()]{10,25}$")
CONTACT_HELP = "укажите e-mail (name@mail.ru) или номер мобильного телефона (+7 900 123-45-67)"
MAX_OUTBOUND = 500
#: what the survey after employment asks first (stored on the invitation, never with the contact)
EMPLOYMENT_CHOICES = (("centre", "Да, нашёл работу с помощью центра"), ("self", "Да, нашёл работу сам"),
                      ("no", "Пока нет"))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def parse_contact(text: str) -> tuple[SurveyChannel, str | None, str | None]:
    """(channel, e-mail, phone) of what a client or HR typed; a Russian message when it is neither."""
    value = (text or "").strip()
    if EMAIL_RE.match(value) and len(value) <= 254:
        return SurveyChannel.EMAIL, value.lower(), None
    if PHONE_RE.match(value) and 10 <= sum(ch.isdigit() for ch in value) <= 15:
        return SurveyChannel.SMS, None, value
    raise DomainError(f"Контакт для опроса: {CONTACT_HELP}.")


def record_consent(centre: Centre, contact: str, *, now: datetime | None = None) -> SurveyInvitation:
    """The client's explicit consent on the feedback form: one survey SURVEY_AFTER_DAYS after today. Not linked to
    the answer it was given with."""
    now = now or utcnow()
    channel, email, phone = parse_contact(contact)
    days = int(current_app.config.get("SURVEY_AFTER_DAYS", 91))
    invitation = SurveyInvitation(kind=SurveyKind.AFTER_EMPLOYMENT, regional_service_id=centre.regional_service_id,
                                  centre_id=centre.id, channel=channel, email=email, phone=phone, consented_at=now,
                                  due_on=local_date_of(now) + timedelta(days=days), status=SurveyStatus.PENDING)
    db.session.add(invitation)
    return invitation


def send_outbound(actor: User, centre: Centre | None, contacts: str, *, consent_confirmed: bool,
                  now: datetime | None = None) -> list[SurveyInvitation]:
    """HR sends the short feedback survey to a list of consenting contacts (one per line) of a centre of their
    service: all or nothing, each contact once, sent by the worker right after the commit."""
    if centre is None:
        raise DomainError("Выберите ЦЗН, который обслуживал этих клиентов.")
    if not can_administer(actor, centre):
        raise NotAllowed("Рассылать опросы может кадровая служба своей СЗН.")
    if not consent_confirmed:
        raise DomainError("Подтвердите, что каждый адресат согласился получить опрос: без согласия писать нельзя.")
    now = now or utcnow()
    parsed: dict[tuple[str | None, str | None], SurveyChannel] = {}
    problems = []
    lines = [(number, line.strip()) for number, line in enumerate((contacts or "").splitlines(), start=1)
             if line.strip()]
    if not lines:
        raise DomainError("Добавьте хотя бы один контакт: по одному в строке.")
    if len(lines) > MAX_OUTBOUND:
        raise DomainError(f"За один раз — не больше {MAX_OUTBOUND} контактов.")
    for number, line in lines:
        try:
            channel, email, phone = parse_contact(line)
        except DomainError:
            problems.append(f"строка {number} («{line[:40]}»)")
            continue
        key = (email, "".join(ch for ch in phone if ch.isdigit())[-10:] if phone else None)
        parsed.setdefault(key, channel)
    if problems:
        raise DomainError(f"Не распознаны контакты: {', '.join(problems[:10])}"
                          f"{' и другие' if len(problems) > 10 else ''}. В каждой строке {CONTACT_HELP}.")
    invitations = []
    today = local_date_of(now)
    for _number, line in lines:
        channel, email, phone = parse_contact(line)
        key = (email, "".join(ch for ch in phone if ch.isdigit())[-10:] if phone else None)
        if parsed.pop(key, None) is None:
            continue  # the same contact twice in the list: one message
        invitation = SurveyInvitation(kind=SurveyKind.OUTBOUND, regional_service_id=centre.regional_service_id,
                                      centre_id=centre.id, channel=channel, email=email, phone=phone,
                                      consented_at=now, due_on=today, status=SurveyStatus.PENDING,
                                      created_by_id=actor.id)
        db.session.add(invitation)
        invitations.append(invitation)
    db.session.flush()
    audit.record(actor, "metrics.survey_outbound", "centre", centre.id,
                 after={"invitations": len(invitations)},  # never the contacts themselves
                 summary=f"Опрос отправляется клиентам {centre.name}: {len(invitations)}")
    after_commit(SEND_DUE)
    return invitations


def invitation_by_token(token: str) -> SurveyInvitation | None:
    if not token or len(token) > 64:
        return None
    return db.session.scalar(select(SurveyInvitation).where(SurveyInvitation.token_hash == token_hash(token)))


def link_state(invitation: SurveyInvitation, now: datetime | None = None) -> str | None:
    """Why the link can no longer be used (a Russian sentence), or None when it can."""
    now = now or utcnow()
    if invitation.status == SurveyStatus.ANSWERED:
        return "По этой ссылке уже ответили: она одноразовая. Спасибо!"
    if invitation.status != SurveyStatus.SENT or invitation.expires_at is None or invitation.expires_at <= now:
        return "Срок действия ссылки истёк. Спасибо, что готовы помочь!"
    return None


def use_link(invitation: SurveyInvitation, *, employment: str | None = None, now: datetime | None = None) -> None:
    """Spend the one-time link: a conditional UPDATE, so of two answers sent at once only one passes (the other
    waits for the row lock and then finds it used)."""
    now = now or utcnow()
    if employment not in (None, "", *(code for code, _ in EMPLOYMENT_CHOICES)):
        raise DomainError("Вы сейчас работаете? Выберите один из вариантов.")
    used = db.session.execute(
        update(SurveyInvitation)
        .where(SurveyInvitation.id == invitation.id, SurveyInvitation.status == SurveyStatus.SENT,
               SurveyInvitation.expires_at > now)
        .values(status=SurveyStatus.ANSWERED, answered_at=now, employment=employment or None)
        .execution_options(synchronize_session=False))
    if used.rowcount != 1:
        raise DomainError(link_state(invitation, now) or "По этой ссылке уже ответили: она одноразовая. Спасибо!")


def attach_answer(invitation: SurveyInvitation, feedback_id: int) -> None:
    db.session.execute(update(SurveyInvitation).where(SurveyInvitation.id == invitation.id)
                       .values(feedback_id=feedback_id).execution_options(synchronize_session=False))
