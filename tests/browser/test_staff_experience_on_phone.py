"""Staff experience on phones: a pulse survey answered by six colleagues shows the centre's eNPS, while four
answers show nothing; pages fit 360 px."""
from pathlib import Path

import pytest
import yaml

from tests.factories import make_org, make_user
from tests.support.browser import has_horizontal_scroll, new_page, sign_in
from training.accounts.models import Role
from training.extensions import db
from training.gamification.pulse import services as pulse

pytestmark = pytest.mark.browser

BANK = Path(__file__).resolve().parents[2] / "seeds" / "engagement" / "pulse_questions.yaml"


def _answer_on_a_phone(browser, live_server, person, round_id: int, score: int) -> None:
    context, page = new_page(browser, live_server, is_mobile=True, has_touch=True)
    sign_in(page, person)
    page.goto("/team/pulse")
    page.get_by_role("link", name="Пульс декабря").click()
    page.wait_for_url(f"**/team/pulse/rounds/{round_id}")
    page.get_by_label(f"{score} из 10", exact=True).check()
    page.get_by_role("button", name="Ответить анонимно").click()
    page.get_by_text("Ответ записан анонимно").wait_for()
    assert not has_horizontal_scroll(page)
    context.close()


def test_a_pulse_survey_shows_enps_from_six_answers_and_nothing_from_four(phone, browser, live_server, live_app):
    org = make_org()
    hr = make_user(Role.HR, service=org.service, full_name="Кадрова Наталья Викторовна")
    staff = [make_user(department=org.front_a, full_name=f"Сотрудников{n} Иван Петрович") for n in range(6)]
    pulse.ensure_questions(yaml.safe_load(BANK.read_text(encoding="utf-8")))
    survey = pulse.create_survey(hr, org.service.id, title="Пульс декабря", question_ids=[],
                                 schedule="once", centre_id=org.centre_a.id)
    db.session.commit()
    round_id = survey.rounds[0].id
    scores = [10, 9, 3, 8, 10, 10]  # promoters 4, detractors 1 of 6 → 50
    for person, score in zip(staff[:4], scores[:4], strict=True):
        _answer_on_a_phone(browser, live_server, person, round_id, score)

    sign_in(phone, hr)
    phone.goto(f"/team/pulse/surveys/{survey.id}")
    assert phone.locator(".respondents").inner_text() == "4"
    assert phone.locator("td.enps").inner_text() == "скрыто"
    assert not has_horizontal_scroll(phone)

    for person, score in zip(staff[4:], scores[4:], strict=True):
        _answer_on_a_phone(browser, live_server, person, round_id, score)
    phone.reload()
    assert phone.locator(".respondents").inner_text() == "6"
    assert phone.locator("td.enps").inner_text() == "50"
    assert not has_horizontal_scroll(phone)


def test_points_are_spent_on_a_reward_on_a_phone(phone, live_app):
    from training.gamification.recognition import services as recognition
    from training.gamification.rewards import services as rewards

    org = make_org()
    person = make_user(department=org.front_a, full_name="Баллова Ирина Петровна")
    rewards.ensure_default_rewards([{"code": "coffee", "name": "Кофе с руководителем", "cost": 150},
                                    {"code": "day_off", "name": "Дополнительный выходной", "cost": 600}],
                                   [org.service.id])
    recognition.award_points(person, 200, "test:start")
    db.session.commit()

    sign_in(phone, person)
    phone.goto("/recognition/rewards")
    assert phone.locator(".balance").inner_text() == "200"
    assert phone.get_by_role("button", name="Обменять на «Дополнительный выходной»").is_disabled()
    phone.get_by_role("button", name="Обменять на «Кофе с руководителем»").click()
    phone.get_by_text("Готово: «Кофе с руководителем» ваша.").wait_for()
    assert phone.locator(".balance").inner_text() == "50"
    assert phone.get_by_text("ожидает вручения").count() == 1
    assert not has_horizontal_scroll(phone)


def test_a_newcomers_buddy_agrees_and_logs_a_meeting_on_a_phone(phone, browser, live_server, live_app):
    from datetime import timedelta

    from training.gamification.onboarding import services as onboarding
    from training.measures.periods import local_today

    org = make_org()
    manager = make_user(Role.MANAGER, department=org.front_a, full_name="Руководов Игорь Павлович")
    buddy = make_user(department=org.front_a, full_name="Опытнова Анна Сергеевна")
    newcomer = make_user(department=org.front_a, full_name="Новикова Ольга Сергеевна",
                         hire_date=local_today() - timedelta(days=3))
    plan = onboarding.create_plan(manager, newcomer, buddy=buddy, rhythm="weekly")
    db.session.commit()

    sign_in(phone, buddy)
    phone.goto("/team/onboarding")
    phone.get_by_role("link", name="Новикова Ольга Сергеевна").click()
    phone.wait_for_url(f"**/team/onboarding/{plan.id}")
    phone.get_by_role("button", name="Согласен(на) стать наставником").click()
    phone.get_by_text("наставник согласился").wait_for()
    phone.get_by_label("О чём говорили, что договорились сделать").fill("Показала, как записывать клиента на приём")
    phone.get_by_role("button", name="Записать встречу").click()
    phone.get_by_text("Встреча записана в журнал.").wait_for()
    assert phone.locator(".log-entry").count() == 1
    assert "Показала, как записывать клиента" in phone.locator(".log-entry").inner_text()
    assert not has_horizontal_scroll(phone)

    context, manager_page = new_page(browser, live_server, is_mobile=True, has_touch=True)
    sign_in(manager_page, manager)
    manager_page.goto(f"/team/onboarding/{plan.id}")
    assert manager_page.get_by_text("Встреч записано: 1.").count() == 1
    assert manager_page.get_by_text("Показала, как записывать клиента").count() == 0  # the log is the pair's
    context.close()
