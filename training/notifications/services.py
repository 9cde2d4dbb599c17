"""Notify a person in the app (and by e-mail when SMTP is configured)."""
from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from training.accounts.models import User
from training.db import utcnow
from training.extensions import db
from training.jobs import periodic_job
from training.notifications.models import Notification
from training.templating import plural


def notify(user, kind: str, text: str, url: str = "", *, dedupe_key: str | None = None) -> Notification | None:
    """Add a notification to the current transaction. With ``dedupe_key`` it is created at most once."""
    if dedupe_key is not None:
        exists = db.session.scalar(select(Notification.id).where(Notification.dedupe_key == dedupe_key))
        if exists:
            return None
    notification = Notification(user_id=user.id, kind=kind, text=text, url=url, dedupe_key=dedupe_key)
    if dedupe_key is None:
        db.session.add(notification)
        return notification
    try:
        with db.session.begin_nested():
            db.session.add(notification)
    except IntegrityError:
        return None
    return notification


def unread_count(user) -> int:
    """Read with the person (a counter kept on write, notifications/models.py), not counted per page."""
    return max(0, user.unread_notifications or 0)


def recent(user, limit: int = 50) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                                   .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)))


def open_notification(user, notification: Notification) -> str:
    """Mark a notification read — with the unread ones shown in its group (the same kind, when that kind groups)
    — and give the page it is about."""
    same = (Notification.kind == notification.kind if notification.kind in GROUP_WORDS
            else Notification.id == notification.id)
    result = db.session.execute(update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None), same).values(read_at=utcnow()))
    if result.rowcount:
        db.session.execute(update(User).where(User.id == user.id)
                           .values(unread_notifications=User.unread_notifications - result.rowcount))
    return notification.url or ""


#: how a group of similar notifications reads: kind → (one, few, many) after the count
GROUP_WORDS = {
    "course.case_accepted": ("кейс принят", "кейса принято", "кейсов принято"),
    "course.case_returned": ("кейс возвращён на доработку", "кейса возвращено на доработку",
                             "кейсов возвращено на доработку"),
    "course.answer": ("ответ преподавателя", "ответа преподавателя", "ответов преподавателя"),
    "course.question": ("новый вопрос слушателя", "новых вопроса слушателей", "новых вопросов слушателей"),
    "course.case": ("кейс на проверку", "кейса на проверку", "кейсов на проверку"),
    "recognition.thanks": ("«Спасибо» от коллеги", "«Спасибо» от коллег", "«Спасибо» от коллег"),
    "quiz.graded": ("тест проверен", "теста проверено", "тестов проверено"),
    "certificates.issued": ("документ выдан", "документа выдано", "документов выдано"),
}


@dataclass
class NotificationGroup:
    first: Notification  # the newest of the group
    items: list[Notification]

    @property
    def text(self) -> str:
        words = GROUP_WORDS.get(self.first.kind)
        if len(self.items) < 2 or words is None:
            return self.first.text
        return f"{len(self.items)} {plural(len(self.items), *words)}"

    @property
    def is_unread(self) -> bool:
        return any(n.read_at is None for n in self.items)


def grouped(notifications: list[Notification]) -> list[NotificationGroup]:
    """Similar notifications (a kind that has group words, read or unread alike) in one line: «13 кейсов принято»,
    newest first; the rest one by one."""
    groups: list[NotificationGroup] = []
    by_kind: dict[tuple[str, bool], NotificationGroup] = {}
    for notification in notifications:
        key = (notification.kind, notification.read_at is None)
        if notification.kind in GROUP_WORDS and key in by_kind:
            by_kind[key].items.append(notification)
            continue
        group = NotificationGroup(notification, [notification])
        groups.append(group)
        if notification.kind in GROUP_WORDS:
            by_kind[key] = group
    return groups


def mark_all_read(user) -> int:
    result = db.session.execute(update(Notification).where(Notification.user_id == user.id,
                                                           Notification.read_at.is_(None)).values(read_at=utcnow()))
    if result.rowcount:  # relative, so a notification written meanwhile by another request keeps its count
        db.session.execute(update(User).where(User.id == user.id)
                           .values(unread_notifications=User.unread_notifications - result.rowcount))
    return result.rowcount


def send_pending_emails(limit: int = 200) -> int:
    """E-mail copies of notifications not yet sent. Does nothing without MAIL_SERVER."""

    server = current_app.config.get("MAIL_SERVER")
    if not server:
        return 0
    pending = db.session.execute(
        select(Notification, User.email).join(User, User.id == Notification.user_id)
        .where(Notification.emailed_at.is_(None), User.is_active).order_by(Notification.id).limit(limit)).all()
    if not pending:
        return 0
    sent = 0
    base = current_app.config.get("PUBLIC_BASE_URL") or ""
    with smtplib.SMTP(server, current_app.config["MAIL_PORT"], timeout=10) as smtp:
        for notification, email in pending:
            message = EmailMessage()
            message["Subject"] = f"{current_app.config['APP_NAME']}: {notification.text[:80]}"
            message["From"] = current_app.config["MAIL_FROM"]
            message["To"] = email
            link = f"\n\n{base}{notification.url}" if notification.url else ""
            message.set_content(f"{notification.text}{link}\n\n— {current_app.config['APP_NAME']}")
            smtp.send_message(message)
            notification.emailed_at = utcnow()
            sent += 1
    return sent


@periodic_job("notifications.send-email", "every")
def _send_email_job(today) -> str:
    return f"писем отправлено: {send_pending_emails()}"
