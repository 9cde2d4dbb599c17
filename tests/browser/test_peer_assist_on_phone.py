"""Peer Assist on a phone (360×740): an employee asks for help, a colleague of another centre offers experience, the
asker accepts the offer and closes the request, and the helper is credited."""
import pytest

from tests.factories import make_org, make_user
from tests.support.browser import axe_violations, has_horizontal_scroll, signed_in_page
from training.extensions import db

pytestmark = pytest.mark.browser


def test_ask_offer_accept_and_the_helper_is_credited_on_a_phone(browser, live_server, live_app):
    from training.gamification.ideas import assist
    from training.gamification.recognition import services as recognition

    org = make_org()
    asker = make_user(department=org.front_a, full_name="Антонова Анна Андреевна")
    helper = make_user(department=org.front_b, full_name="Динова Дина Денисовна")
    db.session.commit()

    context, page = signed_in_page(browser, live_server, asker, is_mobile=True, has_touch=True)
    page.goto("/team/assist")
    assert not has_horizontal_scroll(page)
    assert axe_violations(page) == []
    page.get_by_label("С чем нужна помощь").fill("Клиент не может подтвердить стаж")
    page.get_by_label("Случай клиента и что уже пробовали").fill("Работодатель ликвидирован, архив не отвечает.")
    page.get_by_role("button", name="Попросить помощи").click()
    page.get_by_text("Запрос опубликован").wait_for()
    url = page.url

    helper_context, helper_page = signed_in_page(browser, live_server, helper, is_mobile=True, has_touch=True)
    helper_page.goto(url)
    assert not has_horizontal_scroll(helper_page)
    assert axe_violations(helper_page) == []
    helper_page.get_by_label("Каким опытом поделитесь").fill("Делали запрос в соцфонд, расскажу как")
    helper_page.get_by_role("button", name="Предложить помощь").click()
    helper_page.get_by_text("Предложение отправлено").wait_for()
    helper_context.close()

    page.goto(url)
    page.get_by_role("button", name="Принять предложение: Динова Дина Денисовна").click()
    page.get_by_text("Предложение принято.").wait_for()
    assert page.get_by_role("heading", name="Назначить встречу").is_visible()
    page.get_by_role("button", name="Закрыть запрос и поблагодарить помощников").click()
    page.get_by_text("Запрос закрыт").wait_for()
    assert axe_violations(page) == []
    context.close()
    db.session.expire_all()
    assert recognition.points_total(helper) == assist.ASSIST_POINTS
