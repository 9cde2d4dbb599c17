"""A client leaves feedback from a QR link on a phone; the manager follows up the low score; HR opens the
centre's «Пульс»."""
import pytest

from tests.factories import make_org, make_user
from tests.support.browser import axe_violations, has_horizontal_scroll, new_page, sign_in, signed_in_page
from tests.support.visits import visit_code
from training.accounts.models import Role
from training.extensions import db

pytestmark = pytest.mark.browser


def test_client_feedback_follow_up_and_centre_pulse_on_a_phone(phone, browser, live_server, live_app):
    from training.metrics.feedback import aspects as services
    from training.metrics.feedback import services as feedback
    from training.metrics.feedback.models import Touchpoint
    from training.metrics.operations import iqs

    org = make_org()
    services.seed_touchpoints()
    iqs.seed_categories()
    manager = make_user(Role.MANAGER, department=org.front_a, full_name="Руководова Елена Павловна")
    hr = make_user(Role.HR, service=org.service, full_name="Кадрова Наталья Викторовна")
    specialist = make_user(department=org.front_a, full_name="Окошкина Вера Ивановна", is_public_consent=True)
    reception = db.session.scalar(db.select(Touchpoint).where(Touchpoint.code == "reception"))
    link = feedback.link_for(org.centre_a, reception, specialist)
    db.session.commit()

    # the client scans the QR code
    phone.goto(f"/f/{link.token}?m=specialist")  # the specialist question of the rotation
    assert phone.get_by_role("heading", name="Оцените нашу работу").is_visible()
    assert not has_horizontal_scroll(phone)
    phone.get_by_label("Код от специалиста").fill(visit_code(specialist))  # told by the specialist
    phone.get_by_label("Очень сложно", exact=True).check()
    phone.get_by_label("Нет, разочарован").check()
    phone.locator(".scale-11 label.pill").nth(3).click()
    phone.locator("label.pill:has(input[name='aspect-politeness'][value='2'])").click()
    phone.get_by_label("Что нам улучшить?").fill("Долго ждала в очереди, никто не объяснил порядок")
    assert phone.get_by_label("Телефон").is_hidden()
    phone.get_by_label("Свяжитесь со мной").check()
    phone.get_by_label("Как к вам обращаться").fill("Мария")
    phone.get_by_label("Телефон").fill("+7 900 555-12-34")
    assert not has_horizontal_scroll(phone)
    phone.get_by_role("button", name="Отправить отзыв").click()
    phone.wait_for_url("**/f/thanks?t=*")
    assert phone.get_by_role("heading", name="Спасибо за отзыв!").is_visible()

    # the manager sees the task on the home page and follows it up
    context, page = signed_in_page(browser, live_server, manager, is_mobile=True, has_touch=True)
    assert page.get_by_role("heading", name="Низкие оценки клиентов").is_visible()
    page.get_by_role("link", name="Разобрать").click()
    page.get_by_role("link", name="Задача №").first.click()
    assert page.get_by_text("+7 900 555-12-34").is_visible()
    assert page.get_by_text("Долго ждала в очереди").is_visible()
    assert not has_horizontal_scroll(page)
    page.get_by_label("Связались с клиентом").check()
    page.get_by_label("Принесли извинения за доставленные неудобства").check()
    page.get_by_label("Решение: чем закончилось обращение").fill("Записали на консультацию вне очереди")
    page.get_by_role("button", name="Закрыть задачу").click()
    assert page.get_by_text("Задача закрыта.").is_visible()
    context.close()

    # HR opens the centre's dashboard
    context, page = signed_in_page(browser, live_server, hr, is_mobile=True, has_touch=True)
    page.goto(f"/metrics/pulse/centre/{org.centre_a.id}")
    assert page.get_by_role("heading", name=f"Пульс клиентоцентричности: {org.centre_a.name}").is_visible()
    assert page.get_by_role("img", name="Индекс клиентоцентричности").is_visible()
    assert page.get_by_text("n = 1").first.is_visible()
    assert page.get_by_text("Отзывов за период: 1, из них с низкой оценкой: 1.").is_visible()
    assert not has_horizontal_scroll(page)
    context.close()


def test_metrics_pages_have_no_serious_accessibility_violations(browser, live_server, live_app):
    from training.metrics.feedback import aspects as services
    from training.metrics.feedback import services as feedback
    from training.metrics.operations import iqs

    org = make_org()
    services.seed_touchpoints()
    iqs.seed_categories()
    hr = make_user(Role.HR, service=org.service)
    employee = make_user(department=org.front_a)
    link = feedback.link_for(org.centre_a)
    feedback.submit_feedback(link, recommend=4, ces=2, expectations=1, comment="Плохо")
    db.session.commit()
    pages = {None: [f"/f/{link.token}", "/f/thanks"],
             "employee": ["/metrics/pulse/me", "/metrics/iqs/mine"],
             "hr": [f"/metrics/pulse/centre/{org.centre_a.id}", f"/metrics/pulse/service/{org.service.id}",
                    "/metrics/compare", "/metrics/follow-ups", "/metrics/follow-ups/1", "/metrics/feedback",
                    "/metrics/operational/import", "/metrics/iqs/new", "/metrics/iqs/categories", "/metrics/weights",
                    "/metrics/qr", "/metrics/reports", "/metrics/courses"]}
    users = {"employee": employee, "hr": hr}
    failures = []
    for who, paths in pages.items():
        context, page = new_page(browser, live_server, bypass_csp=True)
        if who:
            sign_in(page, users[who])
        for path in paths:
            response = page.goto(path)
            assert response.status == 200, path
            assert not has_horizontal_scroll(page), path
            failures += [f"{path}: {v}" for v in axe_violations(page)]
        context.close()
    assert not failures, "\n".join(failures)
