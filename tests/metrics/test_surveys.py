"""Issue 17: surveys with a one-time link — the survey after employment (explicit consent on the feedback form, one
message 3 months later) and HR's outbound surveys; e-mail through SMTP (a real local server, aiosmtpd), SMS through
a pluggable gateway that by default only logs and never claims a delivery; sending is idempotent and runs on the
task queue; a link is used once, also when two answers race (PostgreSQL)."""
from __future__ import annotations

import logging
import re
import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from tests.factories import PASSWORD, make_org, make_user
from tests.metrics.helpers import refresh, seed_reference
from tests.support.app import app_with_tables, sign_in
from tests.support.concurrency import run_in_parallel, wide_postgres_app
from tests.support.queue import STORAGES, discard_queue, queue_overrides, running_worker, wait_until
from tests.support.visits import feedback_code
from training.accounts.models import Role
from training.db import utcnow
from training.errors import DomainError, NotAllowed
from training.extensions import db
from training.measures.periods import MONTH, local_today, period_of
from training.metrics.centre_index import snapshots
from training.metrics.feedback import services as feedback
from training.metrics.feedback.models import Channel, ClientFeedback
from training.metrics.feedback.survey_answers import submit_survey_answer
from training.metrics.surveys import sending
from training.metrics.surveys import services as surveys
from training.metrics.surveys.gateways import Delivery
from training.metrics.surveys.models import SurveyInvitation, SurveyKind, SurveyStatus

CSI_MARKS = {"csi_reliability": 5, "csi_range": 4, "csi_quality": 5, "csi_staff": 5, "csi_extras": 3}
CSI = {f"csi-{code}": str(mark) for code, mark in CSI_MARKS.items()}  # as the form posts them


class Inbox:
    def __init__(self):
        self.messages: list[tuple[list[str], str]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
        return "250 OK"


@pytest.fixture
def smtp():
    inbox = Inbox()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield port, inbox
    controller.stop()


class AcceptingGateway:
    """An operator's gateway as an installation would plug it in (SMS_GATEWAY = "module:factory")."""

    sent: list[tuple[str, str]] = []

    def send(self, phone, text):
        AcceptingGateway.sent.append((phone, text))
        return Delivery(True, "отправлено по SMS")


def accepting_gateway(config):
    return AcceptingGateway()


def _link(org):
    seed_reference()
    link = feedback.link_for(org.centre_a, None, make_user(department=org.front_a))
    db.session.commit()
    return link


def _body(raw: str) -> str:
    import email
    from email import policy

    return email.message_from_string(raw, policy=policy.default).get_body().get_content()


def _token_of(text: str) -> str:
    return re.search(r"/f/survey/([\w-]+)", text).group(1)


# --- consent on the feedback form ------------------------------------------------------------------------------


def test_consent_is_an_unticked_box_and_a_ticked_one_plans_one_survey_in_three_months(app, client, org):
    link = _link(org)
    page = client.get(f"/f/{link.token}?m=csi").get_data(as_text=True)
    box = re.search(r'<input[^>]*name="survey_consent"[^>]*>', page).group(0)
    assert "checked" not in box
    response = client.post(f"/f/{link.token}", data={
        "code": feedback_code(link.token), "module": "csi", "ces": "4", "survey_consent": "y",
        "survey_contact": "Ivanova@Mail.ru"})
    assert response.status_code == 303
    invitation = db.session.scalar(select(SurveyInvitation))
    assert invitation.kind == SurveyKind.AFTER_EMPLOYMENT and invitation.status == SurveyStatus.PENDING
    assert invitation.email == "ivanova@mail.ru" and invitation.centre_id == org.centre_a.id
    assert invitation.due_on == local_today() + timedelta(days=91)
    assert invitation.feedback_id is None  # the contact never names the answer it came with


def test_a_contact_without_the_tick_is_not_kept_and_a_bad_one_is_refused_in_russian(app, client, org):
    link = _link(org)
    client.post(f"/f/{link.token}", data={"code": feedback_code(link.token), "ces": "4",
                                          "survey_contact": "ivanova@mail.ru"})
    assert db.session.scalar(select(func.count()).select_from(SurveyInvitation)) == 0
    response = client.post(f"/f/{link.token}", data={"code": feedback_code(link.token), "ces": "4",
                                                      "survey_consent": "y", "survey_contact": "позвоните мне"})
    assert response.status_code == 422
    assert "Контакт для опроса: укажите e-mail" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(SurveyInvitation)) == 0
    assert db.session.scalar(select(func.count()).select_from(ClientFeedback)) == 1  # only the first answer


# --- sending ------------------------------------------------------------------------------------------------------


def test_a_due_survey_is_emailed_once_with_a_one_time_link_and_the_address_is_erased(smtp):
    port, inbox = smtp
    with app_with_tables(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, PUBLIC_BASE_URL="https://szn.example.ru"):
        org = make_org()
        now = utcnow()
        surveys.record_consent(org.centre_a, "client@mail.ru", now=now - timedelta(days=91))
        surveys.record_consent(org.centre_a, "later@mail.ru", now=now)  # not due yet
        db.session.commit()
        assert sending.send_due(now) == {"sent": 1, "not_sent": 0, "waiting": 0, "stuck": 0}
        assert sending.send_due(now)["sent"] == 0  # idempotent: never twice
        sent, waiting = db.session.scalars(select(SurveyInvitation).order_by(SurveyInvitation.id)).all()
        db.session.refresh(sent)
        assert sent.status == SurveyStatus.SENT and sent.email is None and sent.token_hash
        assert sent.expires_at == pytest.approx(now + timedelta(days=14), abs=timedelta(seconds=1))
        assert waiting.status == SurveyStatus.PENDING and waiting.email == "later@mail.ru"
    assert len(inbox.messages) == 1
    recipients, raw = inbox.messages[0]
    assert recipients == ["client@mail.ru"]
    text = _body(raw)
    assert "https://szn.example.ru/f/survey/" in text and "один раз" in text
    assert surveys.token_hash(_token_of(text)) == sent.token_hash


def test_an_unreachable_mail_server_keeps_the_survey_for_a_later_try_then_gives_up(smtp):
    port, inbox = smtp
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]  # nothing listens here once the socket is closed
    with app_with_tables(MAIL_SERVER="127.0.0.1", MAIL_PORT=closed_port) as app:
        org = make_org()
        now = utcnow()
        surveys.record_consent(org.centre_a, "one@mail.ru", now=now - timedelta(days=91))
        surveys.record_consent(org.centre_a, "two@mail.ru", now=now - timedelta(days=91))
        db.session.commit()
        assert sending.send_due(now) == {"sent": 0, "not_sent": 0, "waiting": 1, "stuck": 0}  # one try per run
        first, second = db.session.scalars(select(SurveyInvitation).order_by(SurveyInvitation.id)).all()
        db.session.refresh(first)
        assert first.status == SurveyStatus.PENDING and first.email == "one@mail.ru"
        assert first.status_note == "ждёт повторной попытки: почтовый сервер недоступен"
        app.config["MAIL_PORT"] = port  # the server is back
        assert sending.send_due(now)["sent"] == 2
        assert sorted(r[0][0] for r in inbox.messages) == ["one@mail.ru", "two@mail.ru"]
        # a week after its day an unreachable server is given up: not sent, the address erased
        surveys.record_consent(org.centre_a, "three@mail.ru", now=now - timedelta(days=99))
        db.session.commit()
        app.config["MAIL_PORT"] = closed_port
        assert sending.send_due(now)["not_sent"] == 1
        last = db.session.scalar(select(SurveyInvitation).order_by(SurveyInvitation.id.desc()))
        db.session.refresh(last)
        assert (last.status, last.email) == (SurveyStatus.NOT_SENT, None)
        assert last.status_note == "не отправлено: почтовый сервер недоступен"


def test_sms_without_a_gateway_is_logged_not_sent_and_says_so(app, org, caplog):
    surveys.record_consent(org.centre_a, "+7 900 123-45-67", now=utcnow() - timedelta(days=91))
    db.session.commit()
    with caplog.at_level(logging.INFO, logger="training.surveys"):
        assert sending.send_due() == {"sent": 0, "not_sent": 1, "waiting": 0, "stuck": 0}
    invitation = db.session.scalar(select(SurveyInvitation))
    db.session.refresh(invitation)
    assert invitation.status == SurveyStatus.NOT_SENT
    assert invitation.status_note == "не отправлено: шлюз не настроен"
    assert invitation.phone is None and invitation.token_hash is None
    assert "/f/survey/" in caplog.text and "*** 67" in caplog.text and "123-45" not in caplog.text


def test_a_plugged_in_gateway_delivers_the_sms(app, org):
    app.config["SMS_GATEWAY"] = "tests.metrics.test_surveys:accepting_gateway"
    AcceptingGateway.sent.clear()
    surveys.record_consent(org.centre_a, "+7 900 123-45-67", now=utcnow() - timedelta(days=91))
    db.session.commit()
    assert sending.send_due()["sent"] == 1
    ((phone, text),) = AcceptingGateway.sent
    assert phone == "+7 900 123-45-67" and "/f/survey/" in text and len(text) < 200


# --- answering ----------------------------------------------------------------------------------------------------


def _sent_invitation(org, kind_contact="client@mail.ru", **kw):
    """An invitation sent through a gateway that accepts, and its token (read from the message)."""
    AcceptingGateway.sent.clear()
    surveys.record_consent(org.centre_a, kind_contact, now=utcnow() - timedelta(days=91))
    db.session.commit()
    return db.session.scalar(select(SurveyInvitation).order_by(SurveyInvitation.id.desc()))


def _send_with_token(app, org) -> str:
    app.config["SMS_GATEWAY"] = "tests.metrics.test_surveys:accepting_gateway"
    AcceptingGateway.sent.clear()
    surveys.record_consent(org.centre_a, "+7 900 123-45-67", now=utcnow() - timedelta(days=91))
    db.session.commit()
    sending.send_due()
    return _token_of(AcceptingGateway.sent[-1][1])


def test_the_link_opens_the_csi_module_once_and_the_answer_reaches_the_centres_index(app, client, org):
    seed_reference()
    token = _send_with_token(app, org)
    opened = client.get(f"/f/survey/{token}")
    assert opened.headers["Referrer-Policy"] == "no-referrer" and opened.headers["Cache-Control"] == "no-store"
    page = opened.get_data(as_text=True)
    assert "Вы сейчас работаете?" in page and "Надёжность" in page and "Дополнительные сервисы" in page
    assert re.findall(r"<legend[^>]*>(\d)\.", page) == ["1", "2", "3"]
    response = client.post(f"/f/survey/{token}", data={"employment": "centre", "comment": "Спасибо!", **CSI})
    assert response.status_code == 303
    answer = db.session.scalar(select(ClientFeedback))
    assert answer.channel == Channel.SMS and answer.employee_id is None and answer.centre_id == org.centre_a.id
    assert {m.aspect_code: m.score for m in answer.service_marks} == CSI_MARKS
    invitation = db.session.scalar(select(SurveyInvitation))
    db.session.refresh(invitation)
    assert (invitation.status, invitation.employment, invitation.feedback_id) == (SurveyStatus.ANSWERED, "centre",
                                                                                   answer.id)
    again = client.post(f"/f/survey/{token}", data={"comment": "Ещё раз", **CSI})
    assert again.status_code == 422 and "уже ответили" in again.get_data(as_text=True)
    assert "уже ответили" in client.get(f"/f/survey/{token}").get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ClientFeedback)) == 1
    refresh()
    db.session.expire_all()
    centre = snapshots.snapshot("centre", org.centre_a.id, period_of(MONTH, answer.local_date))
    assert centre.figures["csi"]["n"] == 1
    assert centre.figures["csi"]["value"] == pytest.approx(
        (0.25 * 5 + 0.15 * 4 + 0.25 * 5 + 0.25 * 5 + 0.10 * 3) / 5 * 100)


def test_an_expired_or_unknown_link_takes_no_answer(app, client, org):
    token = _send_with_token(app, org)
    invitation = db.session.scalar(select(SurveyInvitation))
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert "Срок действия ссылки истёк" in client.get(f"/f/survey/{token}").get_data(as_text=True)
    response = client.post(f"/f/survey/{token}", data=CSI)
    assert response.status_code == 422 and "истёк" in response.get_data(as_text=True)
    assert client.get("/f/survey/not-a-token").status_code == 404
    assert db.session.scalar(select(func.count()).select_from(ClientFeedback)) == 0


def test_an_answer_off_the_scale_is_refused_and_the_link_stays_usable(app, client, org):
    token = _send_with_token(app, org)
    response = client.post(f"/f/survey/{token}", data={"csi-csi_quality": "8"})
    assert response.status_code == 422
    assert "Оценка «Качество услуг»: выберите один из вариантов." in response.get_data(as_text=True)
    assert client.post(f"/f/survey/{token}", data={"csi-csi_quality": "4"}).status_code == 303


# --- HR's outbound surveys ------------------------------------------------------------------------------------


def test_hr_sends_the_short_survey_to_consenting_contacts_all_or_nothing(app, client, org):
    hr = make_user(Role.HR, service=org.service)
    sign_in(client, hr)
    base = {"centre_id": org.centre_a.id, "contacts": "petrov@inbox.ru\n+7 900 111-22-33\npetrov@inbox.ru"}
    refused = client.post("/metrics/surveys", data=base)
    assert refused.status_code == 422 and "согласился получить опрос" in refused.get_data(as_text=True)
    bad = client.post("/metrics/surveys", data={**base, "contacts": "petrov@inbox.ru\nне контакт\n12",
                                                "consent_confirmed": "y"})
    assert bad.status_code == 422
    assert "строка 2 («не контакт»), строка 3 («12»)" in bad.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(SurveyInvitation)) == 0
    ok = client.post("/metrics/surveys", data={**base, "consent_confirmed": "y"})
    assert ok.status_code == 303
    rows = db.session.scalars(select(SurveyInvitation).order_by(SurveyInvitation.id)).all()
    assert [r.kind for r in rows] == [SurveyKind.OUTBOUND] * 2  # the repeated address once
    # the test queue runs the task at once: no SMTP configured, no SMS gateway — nothing claims a delivery
    for row in rows:
        db.session.refresh(row)
    assert {r.status_note for r in rows} == {"не отправлено: почта (SMTP) не настроена",
                                             "не отправлено: шлюз не настроен"}
    page = client.get("/metrics/surveys").get_data(as_text=True)
    assert "шлюз не настроен" in page and "petrov@inbox.ru" not in page and "111-22" not in page


def test_outbound_is_refused_for_a_centre_of_another_service(app, org):
    hr = make_user(Role.HR, service=org.service)
    with pytest.raises(NotAllowed):
        surveys.send_outbound(hr, org.other_centre, "a@mail.ru", consent_confirmed=True)
    with pytest.raises(DomainError, match="Добавьте хотя бы один"):
        surveys.send_outbound(hr, org.centre_a, "  \n ", consent_confirmed=True)


def test_the_outbound_survey_asks_the_short_form_with_csi(app, client, org):
    app.config["SMS_GATEWAY"] = "tests.metrics.test_surveys:accepting_gateway"
    AcceptingGateway.sent.clear()
    surveys.send_outbound(make_user(Role.HR, service=org.service), org.centre_a, "+7 900 123-45-67",
                          consent_confirmed=True)
    db.session.commit()
    sending.send_due()
    token = _token_of(AcceptingGateway.sent[-1][1])
    page = client.get(f"/f/survey/{token}").get_data(as_text=True)
    assert re.findall(r"<legend[^>]*>(\d)\.", page) == ["1", "2", "3", "4", "5"]
    assert "Вы сейчас работаете?" not in page
    assert client.post(f"/f/survey/{token}", data={"recommend": "3", **CSI}).status_code == 303
    answer = db.session.scalar(select(ClientFeedback))
    assert answer.recommend == 3 and answer.is_low  # a low score opens a follow-up like any other answer


def test_csrf_is_required_to_send_an_outbound_survey():
    with app_with_tables(WTF_CSRF_ENABLED=True) as csrf_app:
        world = make_org()
        hr = make_user(Role.HR, service=world.service)
        client = csrf_app.test_client()
        token = re.search(r'"X-CSRFToken": "([^"]+)"', client.get("/auth/login").get_data(as_text=True)).group(1)
        client.post("/auth/login", data={"email": hr.email, "password": PASSWORD,
                                         "csrf_token": token})
        data = {"centre_id": world.centre_a.id, "contacts": "petrov@inbox.ru", "consent_confirmed": "y"}
        assert client.post("/metrics/surveys", data=data).status_code == 400
        assert db.session.scalar(select(func.count()).select_from(SurveyInvitation)) == 0
        assert client.post("/metrics/surveys", data={**data, "csrf_token": token}).status_code == 303
        assert db.session.scalar(select(func.count()).select_from(SurveyInvitation)) == 1


# --- the real worker ----------------------------------------------------------------------------------------------


@pytest.fixture(params=STORAGES)
def queue_app(request, tmp_path, smtp):
    port, inbox = smtp
    overrides = queue_overrides(request.param)
    with app_with_tables(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'test.sqlite3'}", MAIL_SERVER="127.0.0.1",
                         MAIL_PORT=port, **overrides) as app:
        yield app, inbox
        discard_queue(app)


def test_the_worker_sends_an_outbound_list_once(queue_app):
    app, inbox = queue_app
    org = make_org()
    hr = make_user(Role.HR, service=org.service)
    db.session.commit()
    client = app.test_client()
    sign_in(client, hr)
    with running_worker(app) as worker:
        response = client.post("/metrics/surveys", data={"centre_id": org.centre_a.id, "consent_confirmed": "y",
                                                         "contacts": "one@mail.ru\ntwo@mail.ru"})
        assert response.status_code == 303
        wait_until(lambda: worker.count(surveys.SEND_DUE) >= 1)
        assert not worker.errors
    assert sorted(r[0][0] for r in inbox.messages) == ["one@mail.ru", "two@mail.ru"]
    db.session.expire_all()
    statuses = db.session.scalars(select(SurveyInvitation.status)).all()
    assert statuses == [SurveyStatus.SENT, SurveyStatus.SENT]
    assert sending.send_due()["sent"] == 0 and len(inbox.messages) == 2  # the job after the task sends nothing


# --- a one-time link used twice at once (PostgreSQL) --------------------------------------------------------------

N = 8


@pytest.mark.postgres
def test_a_link_used_twice_at_once_leaves_one_answer(pg_url):
    with wide_postgres_app(pg_url, N) as app:
        org = make_org()
        app.config["SMS_GATEWAY"] = "tests.metrics.test_surveys:accepting_gateway"
        AcceptingGateway.sent.clear()
        surveys.record_consent(org.centre_a, "+7 900 123-45-67", now=utcnow() - timedelta(days=91))
        db.session.commit()
        sending.send_due()
        token = _token_of(AcceptingGateway.sent[-1][1])
        db.session.remove()

        def answer(i):
            invitation = surveys.invitation_by_token(token)
            return submit_survey_answer(invitation, csi_marks={"csi_quality": 1 + i % 5}).id

        results = run_in_parallel(app, N, answer)
        stored = [r for r in results if isinstance(r, int)]
        refused = [r for r in results if isinstance(r, DomainError)]
        assert len(stored) == 1 and len(refused) == N - 1, results
        assert db.session.scalar(select(func.count()).select_from(ClientFeedback)) == 1
        invitation = db.session.scalar(select(SurveyInvitation))
        assert invitation.status == SurveyStatus.ANSWERED and invitation.feedback_id == stored[0]


def test_csi_after_employment_counts_only_those_who_work_now_and_shows_on_the_pulse(app, client, org):
    seed_reference()
    tokens = [_send_with_token(app, org) for _ in range(3)]
    for token, employment, mark in zip(tokens, ("centre", "self", "no"), ("5", "4", "1"), strict=True):
        data = {"employment": employment, **{f"csi-{code}": mark for code in CSI_MARKS}}
        assert client.post(f"/f/survey/{token}", data=data).status_code == 303
    refresh()
    db.session.expire_all()
    day = local_today()
    centre = snapshots.snapshot("centre", org.centre_a.id, period_of(MONTH, day))
    assert centre.figures["csi"]["n"] == 3
    assert centre.figures["csi_employed"]["n"] == 2
    assert centre.figures["csi_employed"]["value"] == pytest.approx(90.0)  # marks 5 and 4 → mean 4.5 of 5
    alone = snapshots.compute("centre", org.centre_a.id, period_of(MONTH, day))["figures"]["csi_employed"]
    assert alone["value"] == pytest.approx(90.0)  # the one-scope computation agrees with the batched one
    service = snapshots.snapshot("service", org.service.id, period_of(MONTH, day))
    assert service.figures["csi_employed"]["n"] == 2
    sign_in(client, make_user(Role.HR, service=org.service))
    pulse = client.get(f"/metrics/pulse/centre/{org.centre_a.id}").get_data(as_text=True)
    assert "CSI через 3 месяца — у нашедших работу" in pulse and "90,0 %" in pulse


def test_the_periodic_job_sends_the_surveys_whose_day_has_come(app, org):
    from training.jobs import run_due

    app.config["SMS_GATEWAY"] = "tests.metrics.test_surveys:accepting_gateway"
    AcceptingGateway.sent.clear()
    surveys.record_consent(org.centre_a, "+7 900 123-45-67", now=utcnow() - timedelta(days=91))
    db.session.commit()
    outcomes = dict(run_due())
    assert outcomes["surveys.send-due"] == "отправлено: 1, не отправлено: 0"
    assert len(AcceptingGateway.sent) == 1


@pytest.mark.postgres
def test_workers_sending_at_once_send_each_survey_once(pg_url):
    with wide_postgres_app(pg_url, 4) as app:
        org = make_org()
        app.config["SMS_GATEWAY"] = "tests.metrics.test_surveys:accepting_gateway"
        AcceptingGateway.sent.clear()
        for n in range(12):
            surveys.record_consent(org.centre_a, f"+7 900 123-45-{n:02d}", now=utcnow() - timedelta(days=91))
        db.session.commit()
        db.session.remove()
        results = run_in_parallel(app, 4, lambda i: sending.send_due())
        assert sum(r["sent"] for r in results) == 12, results
        assert sorted(phone for phone, _ in AcceptingGateway.sent) == [f"+7 900 123-45-{n:02d}" for n in range(12)]
        assert db.session.scalar(select(func.count()).select_from(SurveyInvitation)
                                 .where(SurveyInvitation.status == SurveyStatus.SENT)) == 12
