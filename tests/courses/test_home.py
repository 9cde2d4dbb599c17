"""The home page says what to do next: a teacher's questions and cases, oldest first; a learner's stage ticks and
pace."""
from datetime import date, timedelta

import pytest

from tests.factories import make_cohort, make_course, make_user
from training.accounts.models import Role
from training.courses import services
from training.courses.models import Stage
from training.extensions import db


@pytest.fixture
def world(app, org):
    course = make_course()
    teacher = make_user(Role.TEACHER, department=org.back_a, full_name="Учителева Ольга Павловна")
    learners = [make_user(department=org.front_a, full_name=f"Ученикова{n} Анна Сергеевна") for n in range(3)]
    cohort = make_cohort(course, org.service, teachers=[teacher], learners=learners)
    return course, cohort, teacher, learners


def test_the_teacher_home_counts_questions_and_cases_and_opens_the_oldest(client, login, world):
    course, cohort, teacher, learners = world
    questions = [services.ask_teacher(e, course.blocks[0], f"Вопрос номер {n}: как объяснить заявителю опрос?")
                 for n, e in enumerate(cohort.enrolments)]
    cases = [services.submit_case(e, course.blocks[0], "Мой разбор ситуации клиента с расчётом метрик. " * 3)
             for e in cohort.enrolments[:2]]
    db.session.commit()
    login(teacher)
    home = client.get("/").get_data(as_text=True)
    assert "3 вопроса ждут ответа" in home and "2 кейса ждут проверки" in home
    assert f'href="/learn/teach/question/{questions[0].id}"' in home
    assert f'href="/learn/teach/case/{cases[0].id}"' in home
    assert ">Проверка</span>" in home.split('class="bottom-nav"', 1)[1]


def test_the_learner_home_ticks_stages_and_shows_the_case_in_review(client, login, world):
    course, cohort, teacher, learners = world
    enrolment = cohort.enrolments[0]
    services.complete_stage(enrolment, course.blocks[0], Stage.LESSON)
    services.submit_case(enrolment, course.blocks[0], "Мой разбор ситуации клиента с расчётом метрик. " * 3)
    db.session.commit()
    login(learners[0])
    home = client.get("/").get_data(as_text=True)
    assert "✓ урок" in home and "○ тест" in home and "… кейс на проверке" in home
    assert "этапов 1 из 42" in home and "отстаёте" not in home


def test_a_learner_behind_the_schedule_is_told_so(client, login, org):
    course = make_course()
    learner = make_user(department=org.front_a, full_name="Отстающая Вера Павловна")
    make_cohort(course, org.service, start=date.today() - timedelta(days=45), learners=[learner])
    login(learner)
    home = client.get("/").get_data(as_text=True)
    assert "Вы отстаёте от графика: к сегодняшнему дню по плану пройдено" in home


def test_a_manager_home_starts_with_learners_past_their_deadline_and_the_bar_holds_follow_ups(client, login, org):
    course = make_course()
    late = make_user(department=org.front_a, full_name="Опоздалова Вера Павловна")
    elsewhere = make_user(department=org.front_b, full_name="Чужой Пётр Ильич")
    make_cohort(course, org.service, start=date.today() - timedelta(days=120), learners=[late, elsewhere])
    manager = make_user(Role.MANAGER, department=org.front_a, full_name="Руководова Елена Павловна")
    login(manager)
    home = client.get("/").get_data(as_text=True)
    assert "1 слушатель не завершил курс в срок" in home and "Опоздалова Вера Павловна" in home
    assert "Чужой Пётр Ильич" not in home
    assert home.index("не завершил курс в срок") < home.index('class="tiles"')
    assert ">Отзывы</span>" in home.split('class="bottom-nav"', 1)[1]
