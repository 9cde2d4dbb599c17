"""Issue 17 on a phone (360 px): a client ticks «спросите меня через 3 месяца», answers the survey the one-time
link opens, and HR sees on the outbound page what became of it; no sideways scroll, no serious axe violation."""
import re
from datetime import timedelta

import pytest

from tests.factories import make_org, make_user
from tests.support.browser import axe_violations, has_horizontal_scroll, signed_in_page
from tests.support.visits import visit_code
from training.accounts.models import Role
from training.db import utcnow
from training.extensions import db

pytestmark = pytest.mark.browser

PHONE = {"is_mobile": True, "has_touch": True, "viewport": {"width": 360, "height": 740}}


def test_consent_the_survey_link_and_hrs_page_on_a_phone(phone, browser, live_server, live_app):
    from sqlalchemy import select

    from training.metrics.feedback import services as feedback
    from training.metrics.surveys import sending
    from training.metrics.surveys.gateways import Delivery
    from training.metrics.surveys.models import SurveyInvitation

    org = make_org()
    hr = make_user(Role.HR, service=org.service, full_name="Кадрова Наталья Викторовна")
    specialist = make_user(department=org.front_a, full_name="Окошкина Вера Ивановна")
    link = feedback.link_for(org.centre_a)
    db.session.commit()

    # the client's answer with the consent: the contact field appears only once the box is ticked
    phone.goto(f"/f/{link.token}?m=csi")
    phone.get_by_label("Код от специалиста").fill(visit_code(specialist))
    contact = phone.get_by_label("E-mail или номер мобильного")
    assert not contact.is_visible()
    phone.get_by_label("Через 3 месяца спросите меня, как всё сложилось (одно письмо или SMS)").check()
    contact.fill("client@mail.ru")
    phone.locator("label.pill:has(input[aria-label='Качество услуг: 4 из 5'])").click()
    assert not has_horizontal_scroll(phone)
    phone.get_by_role("button", name="Отправить отзыв").click()
    phone.wait_for_url("**/f/thanks*")

    # three months later the worker sends it (here through a gateway that accepts and keeps the text)
    invitation = db.session.scalar(select(SurveyInvitation))
    invitation.due_on = invitation.due_on - timedelta(days=91)
    db.session.commit()
    messages = []
    live_app.config["MAIL_SERVER"] = None  # no SMTP here: the e-mail leaves through a stand-in below
    original = sending.send_email
    sending.send_email = lambda address, subject, text: (messages.append(text), Delivery(True, "отправлено"))[1]
    try:
        with live_app.app_context():
            assert sending.send_due(utcnow())["sent"] == 1
    finally:
        sending.send_email = original
    url = re.search(r"https?://\S+/f/survey/[\w-]+", messages[0]).group(0)
    phone.goto(url[url.index("/f/survey/"):])
    assert phone.get_by_text("Вы сейчас работаете?").is_visible()
    phone.get_by_text("Да, нашёл работу с помощью центра").click()
    for name, mark in (("Надёжность", 5), ("Работа сотрудников", 4)):
        phone.locator(f"label.pill:has(input[aria-label='{name}: {mark} из 5'])").click()
    assert not has_horizontal_scroll(phone)
    assert axe_violations(phone) == []
    phone.get_by_role("button", name="Отправить ответ").click()
    phone.wait_for_url("**/f/thanks*")
    phone.goto(url[url.index("/f/survey/"):])
    assert phone.get_by_text("По этой ссылке уже ответили").is_visible()

    # HR's page: statuses, never the contact
    context, page = signed_in_page(browser, live_server, hr, **PHONE)
    page.goto("/metrics/surveys")
    assert "client@mail.ru" not in page.content()
    assert page.get_by_text("да, нашёл работу с помощью центра — 1").is_visible()
    assert not has_horizontal_scroll(page)
    assert axe_violations(page) == []
    context.close()
