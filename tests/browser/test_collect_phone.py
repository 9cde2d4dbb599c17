"""Issue 17 on a phone (360×740): a client answers the centre question of the rotation (CSAT and the centre's
service aspects); HR answers the regional checklist with an evidence link."""
import pytest

from tests.factories import make_org, make_user
from tests.support.browser import axe_violations, has_horizontal_scroll, signed_in_page
from tests.support.visits import visit_code
from training.accounts.models import Role
from training.extensions import db

pytestmark = pytest.mark.browser


def test_a_client_rates_the_centre_and_hr_fills_the_regional_checklist_on_a_phone(phone, browser, live_server,
                                                                                  live_app):
    from training.metrics.centre_index.models import RegionalChecklistAnswer
    from training.metrics.feedback import services as feedback
    from training.metrics.feedback.models import ClientFeedback

    org = make_org()
    hr = make_user(Role.HR, service=org.service, full_name="Кадрова Наталья Викторовна")
    specialist = make_user(department=org.front_a, full_name="Окошкина Вера Ивановна", is_public_consent=True)
    link = feedback.link_for(org.centre_a)
    db.session.commit()

    phone.goto(f"/f/{link.token}?m=centre")
    assert phone.get_by_text("Довольны ли вы обслуживанием в центре в целом?").is_visible()
    assert not has_horizontal_scroll(phone)
    assert axe_violations(phone) == []
    phone.get_by_label("Код от специалиста").fill(visit_code(specialist))
    phone.get_by_label("Доволен", exact=True).check()
    phone.locator("label.pill:has(input[name='service-navigation'][value='2'])").click()
    phone.get_by_role("button", name="Отправить отзыв").click()
    phone.wait_for_url("**/f/thanks?t=*")
    db.session.expire_all()
    answer = db.session.scalar(db.select(ClientFeedback))
    assert answer.csat == 4 and [(m.aspect_code, m.score) for m in answer.service_marks] == [("navigation", 2)]

    context, page = signed_in_page(browser, live_server, hr, is_mobile=True, has_touch=True)
    page.goto(f"/metrics/regional-checklist?service_id={org.service.id}&month=2026-11")
    assert not has_horizontal_scroll(page)
    assert axe_violations(page) == []
    page.locator("input[name='met-trudvsem_account']").check()
    page.get_by_label("Ссылка на подтверждение").first.fill("https://szn.example.ru/lk")
    page.get_by_role("button", name="Сохранить").click()
    page.get_by_text("Чек-лист сохранён.").wait_for()
    db.session.expire_all()
    row = db.session.scalar(db.select(RegionalChecklistAnswer).where(RegionalChecklistAnswer.item == "trudvsem_account"))
    assert (row.is_met, row.evidence_url) == (True, "https://szn.example.ru/lk")
    context.close()
