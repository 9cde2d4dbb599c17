"""The live «викторина» on a phone: a host runs a two-question game from a laptop; a participant joins by the code
at 360 px, picks a team, answers both questions as the screen changes by itself, and sees the final board."""
import re

import pytest

from tests.factories import make_org, make_user
from tests.support.browser import LAPTOP, axe_violations, has_horizontal_scroll, new_page, sign_in
from training.accounts.models import Role
from training.extensions import db
from training.quizzes import bank, live, services

pytestmark = pytest.mark.browser

BANK = """::Впечатление::Первое впечатление о службе складывается в первые 40 секунд визита. {T}

::CES::Что измеряет индекс CES? {=Усилия клиента ~Лояльность клиента ~Скорость ответа}
"""


def test_a_participant_plays_a_live_quiz_on_a_phone(phone, browser, live_server, live_app):
    org = make_org()
    host = make_user(Role.TEACHER, department=org.back_a, full_name="Ведущая Ольга Николаевна")
    player = make_user(department=org.front_a, full_name="Игрокова Анна Петровна")
    bank.import_gift_bank(None, BANK)
    quiz = services.create_custom_quiz(host, "Викторина отдела")
    quiz.is_answers_shuffled = False
    session = live.create_session(host, quiz, title="Викторина отдела", seconds_per_question=120,
                                  team_names=["Альфа", "Бета"])
    db.session.commit()
    code, session_id = session.code, session.id

    laptop_context, laptop = new_page(browser, live_server, viewport=LAPTOP)
    laptop.on("dialog", lambda dialog: dialog.accept())
    sign_in(laptop, host)
    laptop.goto(f"/quizzes/live/{session_id}/host")
    assert code in laptop.locator(".live-code").inner_text()

    # the participant types the code and picks a team
    sign_in(phone, player)
    phone.goto("/quizzes/live")
    phone.get_by_label("Код игры с экрана ведущего").fill(code)
    phone.get_by_role("button", name="Войти в игру").click()
    phone.wait_for_url(f"**/quizzes/live/{session_id}")
    phone.get_by_role("button", name="Альфа").click()
    phone.get_by_text("Ваша команда:").wait_for()
    assert not has_horizontal_scroll(phone)

    laptop.get_by_role("button", name="Начать").click()
    laptop.wait_for_url(f"**/quizzes/live/{session_id}/host")

    # the phone's screen changes by itself (htmx polls every 2 s)
    phone.get_by_role("heading", name="Вопрос 1 из 2").wait_for(timeout=10000)
    assert re.search(r"\d:\d\d", phone.locator(".live-timer-value").inner_text())
    assert not has_horizontal_scroll(phone)
    assert axe_violations(phone) == []
    phone.get_by_label("Верно", exact=True).check()
    phone.get_by_role("button", name="Отправить ответ").click()
    phone.get_by_text("Ответ принят").wait_for()

    laptop.reload()
    laptop.get_by_text("ответила").wait_for()
    laptop.get_by_role("button", name="Показать ответ").click()
    phone.get_by_text("Верный ответ").wait_for(timeout=10000)
    laptop.get_by_role("button", name="Следующий вопрос").click()

    phone.get_by_role("heading", name="Вопрос 2 из 2").wait_for(timeout=10000)
    phone.get_by_label("Усилия клиента").check()
    phone.get_by_role("button", name="Отправить ответ").click()
    phone.get_by_text("Ответ принят").wait_for()
    laptop.get_by_role("button", name="Показать ответ").click()
    laptop.get_by_role("button", name="Завершить").click()
    laptop.get_by_text("Игра завершена, итоги заморожены").wait_for()

    phone.get_by_role("heading", name="Игра завершена").wait_for(timeout=10000)
    phone.get_by_role("link", name="Табло игры").click()
    phone.get_by_text("Итоги заморожены").wait_for()
    rows = phone.locator("#board tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.team + ':' + r.querySelector('.points').textContent.trim())")
    assert rows == ["Альфа:20", "Бета:0"]
    assert not has_horizontal_scroll(phone)
    laptop_context.close()
