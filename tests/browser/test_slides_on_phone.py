"""Issue 18 on a 360 × 740 phone: a block's slides one at a time (arrows, buttons, a swipe), a diagram that fits the
screen, and no serious accessibility violations on the deck or the lesson with its diagrams."""
import re

import pytest

from tests.factories import make_cohort, make_org, make_user
from tests.support.browser import axe_violations, has_horizontal_scroll, sign_in, signed_in_page
from training.extensions import db

pytestmark = pytest.mark.browser


@pytest.fixture
def learner(live_app):
    from seeds.course_loader import load_course
    from training.courses.models import Course

    load_course()
    db.session.commit()
    course = db.session.scalar(db.select(Course))
    org = make_org()
    learner = make_user(department=org.front_a, full_name="Слайдова Анна Сергеевна")
    make_cohort(course, org.service, learners=[learner])
    return learner


def test_a_learner_leafs_through_the_slides_and_sees_a_diagram_on_a_phone(phone, learner):
    sign_in(phone, learner)
    phone.goto("/learn/block/5")
    diagram = phone.locator("#diagram-shkaly-ces-csi-nps svg")
    diagram.scroll_into_view_if_needed()
    box = diagram.bounding_box()
    assert 300 <= box["width"] <= 360 and diagram.get_attribute("role") == "img"
    assert phone.get_by_role("img", name="Шкалы CES, CSI и NPS").is_visible()
    assert not has_horizontal_scroll(phone)

    phone.get_by_role("link", name="Презентация").click()
    # the deck writes the slide into the address (…/slides#slide-1), so a link can point at one slide
    phone.wait_for_url(re.compile(r"/learn/block/5/slides#slide-1$"))
    counter = phone.locator(".deck-counter")
    counter.filter(has_text="Слайд 1 из 14").wait_for()
    assert phone.locator(".slide:visible").count() == 1
    assert phone.get_by_role("heading", name="Измерение качества клиентского опыта", exact=False).is_visible()
    phone.keyboard.press("ArrowRight")
    counter.filter(has_text="Слайд 2 из 14").wait_for()
    assert phone.get_by_role("heading", name="Зачем измерять каждую точку контакта").is_visible()
    phone.get_by_role("button", name="Дальше →").click()
    phone.get_by_role("button", name="Дальше →").click()
    phone.get_by_role("button", name="Дальше →").click()
    counter.filter(has_text="Слайд 5 из 14").wait_for()
    phone.get_by_role("button", name="Дальше →").click()
    counter.filter(has_text="Слайд 6 из 14").wait_for()
    slide_diagram = phone.locator(".slide:visible svg[role=img]")
    assert slide_diagram.is_visible() and slide_diagram.bounding_box()["width"] <= 360
    # a swipe to the left is «next», to the right «back»
    phone.evaluate("""() => {
        const deck = document.querySelector('[data-deck]');
        const touch = x => new Touch({identifier: 1, target: deck, clientX: x, clientY: 300});
        deck.dispatchEvent(new TouchEvent('touchstart', {touches: [touch(300)], changedTouches: [touch(300)]}));
        deck.dispatchEvent(new TouchEvent('touchend', {touches: [], changedTouches: [touch(120)]}));
    }""")
    counter.filter(has_text="Слайд 7 из 14").wait_for()
    phone.keyboard.press("End")
    counter.filter(has_text="Слайд 14 из 14").wait_for()
    assert phone.get_by_role("heading", name="Главные выводы").is_visible()
    assert phone.get_by_role("button", name="Дальше →").is_disabled()
    assert not has_horizontal_scroll(phone)


def test_slides_and_the_lesson_with_diagrams_have_no_serious_accessibility_violations(browser, live_server, learner):
    context, page = signed_in_page(browser, live_server, learner, bypass_csp=True)
    failures = []
    for path in ("/learn/block/5/slides", "/learn/block/5", "/learn/block/3", "/learn/calculator", "/learn/glossary",
                 "/learn/about", "/learn/block/5/case", "/learn/block/5/discuss?topic=1"):
        assert page.goto(path).status == 200, path
        failures += [f"{path}: {v}" for v in axe_violations(page)]
    page.goto("/learn/block/5/slides#slide-6")
    page.locator(".deck-counter", has_text="Слайд 6 из 14").wait_for()
    failures += [f"slide 6: {v}" for v in axe_violations(page)]
    context.close()
    assert not failures, "\n".join(failures)


def test_the_tables_left_in_lessons_fit_a_phone_without_scrolling_sideways(phone, learner):
    sign_in(phone, learner)
    seen = 0
    for number in (3, 4, 5, 6, 7):
        phone.goto(f"/learn/block/{number}")
        boxes = phone.locator(".lesson .table-scroll")
        assert boxes.count() >= 1, number
        for i in range(boxes.count()):
            overflow = boxes.nth(i).evaluate("el => el.scrollWidth - el.clientWidth")
            assert overflow <= 1, (number, i, overflow)
            seen += 1
        assert not has_horizontal_scroll(phone), number
    assert seen == 5
