"""E-mail copies of notifications, sent to a real local SMTP server (aiosmtpd), not a mock."""
import socket

import pytest
from aiosmtpd.controller import Controller

from tests.factories import make_org, make_user
from tests.support.app import make_test_app
from training.extensions import db
from training.notifications.services import notify, send_pending_emails


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


def test_notifications_are_emailed_once_when_smtp_is_configured(smtp):
    controller, inbox = smtp
    app = make_test_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, PUBLIC_BASE_URL="https://szn.example.ru")
    with app.app_context():
        db.create_all()
        org = make_org()
        user = make_user(department=org.front_a, email="learner@szn.example.ru")
        notify(user, "course.answer", "Преподаватель ответил на ваш вопрос", "/learn/block/2/discuss")
        db.session.commit()
        assert send_pending_emails() == 1
        db.session.commit()
        assert send_pending_emails() == 0
        db.drop_all()
    assert len(inbox.messages) == 1
    recipients, content = inbox.messages[0]
    assert recipients == ["learner@szn.example.ru"]
    assert "https://szn.example.ru/learn/block/2/discuss" in content


def test_without_smtp_nothing_is_sent(app, org):
    user = make_user(department=org.front_a)
    notify(user, "x", "текст")
    db.session.commit()
    assert send_pending_emails() == 0
