"""A learner passes a block's quiz on a phone (360×740) in a real browser: one question per screen, each
answer saved at once, «Завершить» shows what is unanswered, the result page shows the block complete."""
from __future__ import annotations

import re

import pytest

from tests.factories import make_cohort, make_course, make_org, make_user
from tests.support.browser import has_horizontal_scroll, sign_in
from training.courses.models import Stage
from training.courses.services import complete_stage, enrolment_of
from training.extensions import db
from training.quizzes import bank

pytestmark = pytest.mark.browser

BANK = """$CATEGORY: Блок 01/Метрики

::CES::Что измеряет индекс CES? {=Усилия клиента ~Лояльность клиента ~Скорость ответа}

::KPI::Какие показатели клиентские? {~%50%Опыт клиента ~%50%Качество обслуживания ~%-100%Закупки}

$CATEGORY: Блок 01/Расчёты

::FCR::Из 200 обращений 150 решены с первого раза. Каков FCR, %? {#75:0.5}

::Впечатление::Первое впечатление складывается за 40 секунд.{T}

::Оператор::Служба занятости — не поставщик, а ... опыта клиента. {=оператор}

::Пары::Сопоставьте метрику и её смысл. {=NPS -> готовность рекомендовать =CES -> усилия клиента}
"""


def _answer(page, text: str) -> None:
    """Answer the question on screen the way a person does, by what it asks."""
    if "CES?" in text:
        page.get_by_text("Усилия клиента", exact=True).click()
    elif "клиентские" in text:
        page.get_by_text("Опыт клиента", exact=True).click()
        page.locator("#save-status", has_text="Ответ сохранён").wait_for()
        page.get_by_text("Качество обслуживания", exact=True).click()
    elif "FCR" in text:
        page.get_by_label("Ваш ответ (число)").fill("75,0")
        page.get_by_label("Ваш ответ (число)").press("Tab")
    elif "40 секунд" in text:
        page.get_by_text("Верно", exact=True).click()
    elif "опыта клиента" in text:
        page.get_by_label("Ваш ответ").fill("Оператор")
        page.get_by_label("Ваш ответ").press("Tab")
    elif "Сопоставьте" in text:
        page.get_by_label("NPS").select_option(label="готовность рекомендовать")
        page.locator("#save-status", has_text="Ответ сохранён").wait_for()
        page.get_by_label("CES").select_option(label="усилия клиента")
    else:
        raise AssertionError(f"unexpected question: {text}")


def test_learner_passes_a_block_quiz_on_a_phone(phone, live_app):

    org = make_org()
    course = make_course(blocks=2)
    learner = make_user(department=org.front_a, full_name="Телефонова Анна Сергеевна")
    make_cohort(course, org.service, learners=[learner])
    block = course.blocks[0]
    bank.import_gift_bank(block, BANK)
    quiz = bank.ensure_block_quiz(block)
    quiz.time_limit_minutes = 30
    enrolment = enrolment_of(learner, course)
    with live_app.test_request_context():
        complete_stage(enrolment, block, Stage.LESSON)
        complete_stage(enrolment, block, Stage.CASE)
    db.session.commit()

    sign_in(phone, learner)
    phone.goto(f"/quizzes/block/{block.id}")
    assert phone.get_by_role("heading", name="Тест по блоку 1").is_visible()
    phone.get_by_role("button", name="Начать тест").click()
    phone.wait_for_url(re.compile(r"/quizzes/attempts/\d+$"))

    timer = phone.locator(".quiz-timer-value")
    assert timer.is_visible() and re.fullmatch(r"(29:5\d|30:00)", timer.inner_text())
    for number in range(1, 7):
        heading = phone.get_by_role("heading", name=f"Вопрос {number} из 6")
        heading.wait_for()
        assert not has_horizontal_scroll(phone)
        _answer(phone, phone.locator(".question-text").inner_text())
        phone.locator("#save-status", has_text="Ответ сохранён").wait_for()  # saved at once, by htmx
        if number == 3:  # a reload keeps the answers: the attempt lives on the server
            phone.reload()
            phone.get_by_role("heading", name=f"Вопрос {number} из 6").wait_for()
            assert phone.locator(".quiz-steps .step.answered").count() == 3
        if number < 6:
            phone.get_by_role("button", name="Дальше →").click()
        else:
            phone.get_by_role("button", name="К завершению").click()

    phone.wait_for_url(re.compile(r"/finish$"))
    assert phone.get_by_text("На все 6 вопросов есть ответы.").is_visible()
    assert not has_horizontal_scroll(phone)
    phone.get_by_role("button", name="Завершить попытку").click()
    phone.wait_for_url(re.compile(r"/result$"))
    assert phone.locator(".result-score .big").inner_text() == "100 %"
    assert phone.get_by_text("тест сдан", exact=True).first.is_visible()
    assert phone.get_by_text("Блок завершён.").is_visible()
    assert not has_horizontal_scroll(phone)
