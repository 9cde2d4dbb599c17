"""Issue 17 on a phone: a client answers the CSI module of the feedback form, an operator types a paper answer,
HR fills the regional checklist; the centre's «Пульс» shows CSI, CSAT and the indicator the checklist feeds."""
import re

import pytest

from tests.factories import make_org, make_user
from tests.support.browser import has_horizontal_scroll, signed_in_page
from tests.support.visits import visit_code
from training.accounts.models import Role
from training.extensions import db
from training.measures.periods import MONTH, local_today, period_of

pytestmark = pytest.mark.browser

PHONE = {"is_mobile": True, "has_touch": True, "viewport": {"width": 360, "height": 740}}


def test_csi_a_paper_answer_and_the_regional_checklist_reach_the_centre_pulse(phone, browser, live_server,
                                                                               live_app):
    from training.metrics.feedback import aspects, channels
    from training.metrics.feedback import services as feedback
    from training.metrics.operations import iqs

    org = make_org()
    aspects.seed_touchpoints()
    iqs.seed_categories()
    hr = make_user(Role.HR, service=org.service, full_name="Кадрова Наталья Викторовна")
    operator = make_user(department=org.front_a, full_name="Операторова Ольга Петровна")
    specialist = make_user(department=org.front_a, full_name="Окошкина Вера Ивановна")
    link = feedback.link_for(org.centre_a)
    sheet = channels.issue_sheets(hr, org.centre_a, 1)[0]
    db.session.commit()

    # the client scans the centre's poster and gets the CSI module of the rotation
    phone.goto(f"/f/{link.token}?m=csi")
    phone.get_by_label("Код от специалиста").fill(visit_code(specialist))
    for name, mark in (("Надёжность", 5), ("Выбор услуг", 4), ("Качество услуг", 5), ("Работа сотрудников", 5),
                       ("Дополнительные сервисы", 3)):
        phone.locator(f"label.pill:has(input[aria-label='{name}: {mark} из 5'])").click()
    assert not has_horizontal_scroll(phone)
    phone.get_by_role("button", name="Отправить отзыв").click()
    phone.wait_for_url("**/f/thanks*")

    # an operator of the centre types a paper answer from their phone
    context, page = signed_in_page(browser, live_server, operator, **PHONE)
    page.goto("/metrics/answers/new")
    page.get_by_label("Канал").select_option(value="paper")
    page.get_by_label("Код анкеты (для бумажной)").fill(channels.printed_code(sheet.code))
    csat = page.locator("fieldset", has_text="Довольны ли обслуживанием в центре в целом?")
    csat.get_by_text("Очень доволен", exact=True).click()
    assert not has_horizontal_scroll(page)
    page.get_by_role("button", name="Внести ответ").click()
    page.wait_for_load_state()
    assert page.locator(".flash-error").count() == 0
    context.close()

    # HR answers the regional checklist of the month, with evidence, from a phone
    month = period_of(MONTH, local_today())
    context, page = signed_in_page(browser, live_server, hr, **PHONE)
    page.goto(f"/metrics/regional-checklist?service_id={org.service.id}&month={month.start:%Y-%m}")
    page.locator("input[name='met-trudvsem_account']").check()
    page.locator("#url-trudvsem_account").fill("https://trudvsem.example.ru/lk")
    page.locator("input[name='met-online_assistant']").check()
    page.locator("#url-online_assistant").fill("https://szn.example.ru/bot")
    assert not has_horizontal_scroll(page)
    page.get_by_role("button", name="Сохранить").click()
    assert page.get_by_text("Чек-лист сохранён.").is_visible()

    # the centre's «Пульс» of the month: CSI, CSAT and the checklist-fed indicator
    page.goto(f"/metrics/pulse/centre/{org.centre_a.id}")
    csi_card = page.locator(".card, li, article", has_text="CSI — индекс удовлетворённости").last
    assert csi_card.is_visible() and "n = 1" in csi_card.inner_text()
    csat_card = page.locator(".card, li, article", has_text="CSAT — удовлетворённость").last
    assert csat_card.is_visible() and "100" in csat_card.inner_text()
    page.get_by_text("Показатели, n и баллы 0–100").click()
    row = page.locator("tr", has_text="Региональный чек-лист: личный кабинет, онлайн-помощник")
    assert row.is_visible()
    assert re.search(r"100,0\s*%", row.inner_text()) and "учтён" in row.inner_text()  # a decimal comma
    assert not has_horizontal_scroll(page)
    context.close()


def test_an_inspector_walks_through_a_centre_with_a_phone(browser, live_server, live_app):
    from training.metrics.operations import comfort

    org = make_org()
    comfort.seed_items()
    manager = make_user(Role.MANAGER, department=org.front_a, full_name="Руководова Елена Павловна")
    db.session.commit()
    context, page = signed_in_page(browser, live_server, manager, **PHONE)
    page.goto("/metrics/comfort/new")
    assert page.get_by_role("heading", name="Обход ЦЗН: помещение и сайт").is_visible()
    for item in comfort.active_items():
        answer = "нет" if item.code == "parking" else "да"
        page.locator(f".iqs-item:has(#item-{item.id}-name)").get_by_label(answer, exact=True).check()
    page.get_by_label("Что заметили").fill("Нет разметки парковки для людей с инвалидностью")
    assert not has_horizontal_scroll(page)
    page.get_by_role("button", name="Сохранить обход").click()
    assert page.get_by_text("Обход записан:").is_visible()
    assert page.get_by_text(org.centre_a.name).is_visible() and page.get_by_text("Не выполнено: 1").is_visible()
    assert not has_horizontal_scroll(page)
    context.close()


def test_the_new_checklist_pages_have_no_serious_accessibility_violations(browser, live_server, live_app):
    from tests.support.browser import axe_violations, new_page, sign_in
    from training.metrics.operations import comfort

    org = make_org()
    comfort.seed_items()
    hr = make_user(Role.HR, service=org.service)
    db.session.commit()
    context, page = new_page(browser, live_server, bypass_csp=True)
    sign_in(page, hr)
    failures = []
    for path in ("/metrics/comfort", "/metrics/comfort/new", "/metrics/comfort/items",
                 f"/metrics/regional-checklist?service_id={org.service.id}",
                 f"/metrics/regional-checklist/weights?service_id={org.service.id}", "/metrics/iqs/categories"):
        response = page.goto(path)
        assert response.status == 200, path
        assert not has_horizontal_scroll(page), path
        failures += [f"{path}: {v}" for v in axe_violations(page)]
    context.close()
    assert not failures, "\n".join(failures)
