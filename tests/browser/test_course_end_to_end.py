"""From enrolment to «course complete» through the UI: HR enrols a learner, the learner takes each block's
three stages on a phone, the teacher accepts the cases, and the course is complete."""
import re

import pytest

from tests.factories import make_course, make_org, make_user
from tests.support.browser import LAPTOP, signed_in_page
from training.accounts.models import Role
from training.extensions import db

pytestmark = pytest.mark.browser

BANK = """$CATEGORY: Блок/Понятия

::Истина::Клиентский опыт складывается из всех контактов человека со службой.{T}

::Ложь::Клиентоцентричность касается только сотрудников фронт-офиса.{F}
"""


def test_enrolment_to_course_complete_through_the_ui(browser, live_server, live_app):
    from training.quizzes import bank

    org = make_org()
    course = make_course(blocks=2)
    for block in course.blocks:
        bank.import_gift_bank(block, BANK)
        quiz = bank.ensure_block_quiz(block)
        quiz.questions_per_attempt = 2
    hr = make_user(Role.HR, service=org.service)
    teacher = make_user(Role.TEACHER, department=org.back_a, full_name="Учителева Ольга Павловна")
    learner = make_user(department=org.front_a, full_name="Выпускница Анна Сергеевна")
    db.session.commit()

    # HR creates a cohort with the teacher and enrols the learner
    _, hr_page = signed_in_page(browser, live_server, hr, viewport=LAPTOP)
    hr_page.goto("/learn/cohorts")
    hr_page.get_by_label("Название группы").fill("Пилотная группа")
    hr_page.get_by_label("Преподаватели").select_option(label="Учителева Ольга Павловна")
    hr_page.get_by_role("button", name="Создать и записать слушателей").click()
    hr_page.wait_for_url(re.compile(r"/learn/cohorts/\d+/enrol$"))
    hr_page.get_by_label("Поиск по ФИО, почте или табельному номеру").fill("Выпускница")
    hr_page.get_by_label("Выпускница Анна Сергеевна").check()
    hr_page.get_by_role("button", name="Записать выбранных").click()
    hr_page.get_by_text("Записано: 1").wait_for()

    _, learner_page = signed_in_page(browser, live_server, learner)
    _, teacher_page = signed_in_page(browser, live_server, teacher)
    for number in (1, 2):
        learner_page.goto(f"/learn/block/{number}")
        learner_page.get_by_role("button", name="Изучено").click()
        learner_page.get_by_text("Урок изучен").wait_for()
        learner_page.goto(f"/learn/block/{number}/case")
        learner_page.get_by_role("link", name="Открыть тест").click()
        learner_page.get_by_role("button", name="Начать тест").click()
        learner_page.wait_for_url(re.compile(r"/quizzes/attempts/\d+$"))
        for step in (1, 2):
            learner_page.get_by_role("heading", name=f"Вопрос {step} из 2").wait_for()
            learner_page.wait_for_load_state()  # htmx attached: a tap before it would not save at once
            text = learner_page.locator(".question-text").inner_text()
            learner_page.get_by_text("Верно" if "всех контактов" in text else "Неверно", exact=True).click()
            learner_page.locator("#save-status", has_text="Ответ сохранён").wait_for()
            learner_page.get_by_role("button", name="Дальше →" if step == 1 else "К завершению").click()
        learner_page.get_by_role("button", name="Завершить попытку").click()
        learner_page.wait_for_url(re.compile(r"/result$"))
        assert learner_page.get_by_text("тест сдан", exact=True).first.is_visible()
        learner_page.goto(f"/learn/block/{number}/case")
        learner_page.get_by_label("Ваш ответ").fill("1. Анализ ситуации заявителя и причин недовольства. " * 3)
        learner_page.get_by_role("button", name="Отправить на проверку").click()
        learner_page.get_by_text("Ответ отправлен на проверку преподавателю").wait_for()

        teacher_page.goto("/learn/teach")
        teacher_page.get_by_role("link", name=f"Блок {number}: Выпускница Анна Сергеевна").click()
        teacher_page.get_by_label("Анализ (0–5)").fill("4")
        teacher_page.get_by_label("Решение (0–5)").fill("4")
        teacher_page.get_by_label("Принять").check()
        teacher_page.get_by_role("button", name="Сохранить оценку").click()
        teacher_page.get_by_text("Оценка сохранена").wait_for()

    learner_page.goto("/learn/")
    assert learner_page.get_by_text(re.compile("курс завершён")).first.is_visible()
    assert learner_page.get_by_text("2 из 2").first.is_visible()
    assert learner_page.get_by_role("link", name="Оценить курс (анонимно, 3 минуты)").is_visible()
    for page in (hr_page, learner_page, teacher_page):
        page.context.close()
