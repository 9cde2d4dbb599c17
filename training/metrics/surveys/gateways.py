"""How a survey's message leaves: e-mail through the SMTP server notifications use, SMS through a pluggable gateway.

An SMS gateway is any object with ``send(phone, text) -> Delivery``. ``SMS_GATEWAY`` names it: ``"log"`` (the
default) writes the message to the application log and reports «не отправлено: шлюз не настроен» — nothing claims a
delivery that did not happen; ``"package.module:factory"`` is called with the app's config and returns the gateway
of a real operator (an installation adds its own module; none is shipped). A gateway reports what the operator
said: ``Delivery(True, "отправлено")`` only when the operator accepted the message."""
from __future__ import annotations

import importlib
import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Protocol

from flask import current_app

log = logging.getLogger("training.surveys")

NOT_CONFIGURED_SMS = "не отправлено: шлюз не настроен"
NOT_CONFIGURED_EMAIL = "не отправлено: почта (SMTP) не настроена"


@dataclass(frozen=True)
class Delivery:
    """What became of a message. ``retry``: nothing left at all (the server could not be reached), so trying
    again later cannot send it twice."""

    ok: bool
    note: str
    retry: bool = False


class SmsGateway(Protocol):
    def send(self, phone: str, text: str) -> Delivery: ...


def masked(phone: str) -> str:
    """A phone for the log: only its last two digits («+7 *** ** 67»)."""
    digits = [ch for ch in phone if ch.isdigit()]
    return "*** " + "".join(digits[-2:]) if digits else "***"


class LogOnlyGateway:
    """The default: the text goes to the log (the number masked), nothing is sent, and the status says so."""

    def send(self, phone: str, text: str) -> Delivery:
        log.info("SMS не отправлено (шлюз не настроен), получатель %s: %s", masked(phone), text)
        return Delivery(False, NOT_CONFIGURED_SMS)


def sms_gateway() -> SmsGateway:
    setting = (current_app.config.get("SMS_GATEWAY") or "log").strip()
    if setting == "log":
        return LogOnlyGateway()
    module_name, _, factory = setting.partition(":")
    return getattr(importlib.import_module(module_name), factory or "gateway")(current_app.config)


def send_email(address: str, subject: str, text: str) -> Delivery:
    """One message through MAIL_SERVER (the notifications' SMTP settings); without it nothing is sent."""
    server = current_app.config.get("MAIL_SERVER")
    if not server:
        log.info("Письмо не отправлено (SMTP не настроен): %s", subject)
        return Delivery(False, NOT_CONFIGURED_EMAIL)
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = address
    message.set_content(text)
    try:
        smtp = smtplib.SMTP(server, current_app.config["MAIL_PORT"], timeout=10)
    except (OSError, smtplib.SMTPException) as exc:  # not connected: nothing left, safe to try later
        log.warning("Почтовый сервер недоступен: %s", exc)
        return Delivery(False, "почтовый сервер недоступен", retry=True)
    try:
        with smtp:
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("Письмо с опросом не отправлено: %s", exc)
        return Delivery(False, "не отправлено: почтовый сервер не принял письмо")
    return Delivery(True, "отправлено по e-mail")
