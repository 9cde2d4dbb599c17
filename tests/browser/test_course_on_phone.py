import pytest

from tests.factories import make_cohort, make_org, make_user
from tests.support.browser import has_horizontal_scroll, sign_in
from training.accounts.models import Role
from training.courses.models import CaseSubmission, TeacherQuestion
from training.extensions import db

pytestmark = pytest.mark.browser


def test_learner_reads_a_block_and_takes_the_stage_steps_on_a_phone(phone, live_app):
    from seeds.course_loader import load_course

    load_course()
    db.session.commit()
    from training.courses.models import Course

    course = db.session.scalar(db.select(Course))
    org = make_org()
    teacher = make_user(Role.TEACHER, department=org.back_a, full_name="Учителева Ольга Павловна")
    learner = make_user(department=org.front_a, full_name="Телефонова Анна Сергеевна")
    make_cohort(course, org.service, teachers=[teacher], learners=[learner])

    sign_in(phone, learner)
    phone.get_by_role("link", name="Дальше: блок 1. Клиентоцентричность СЗН").click()
    phone.wait_for_url("**/learn/block/1")
    assert phone.get_by_role("heading", name="Главные выводы").is_visible()
    assert not has_horizontal_scroll(phone)
    phone.get_by_role("button", name="Изучено").click()
    phone.get_by_text("Урок изучен").wait_for()

    phone.get_by_role("link", name="Этап 2: вопросы →").click()
    phone.get_by_label("Вопрос преподавателю").fill("Как объяснить заявителю, зачем нужен опрос после приёма?")
    phone.get_by_role("button", name="Задать вопрос").click()
    phone.get_by_text("Вопрос отправлен преподавателю").wait_for()
    assert not has_horizontal_scroll(phone)

    phone.get_by_role("link", name="Этап 3: проверка →").click()
    phone.get_by_label("Ваш ответ").fill("1. Причина недовольства — очередь и непонятные документы. " * 3)
    phone.get_by_role("button", name="Отправить на проверку").click()
    phone.get_by_text("Ответ отправлен на проверку преподавателю").wait_for()
    assert phone.get_by_text("на проверке").first.is_visible()
    assert not has_horizontal_scroll(phone)

    db.session.expire_all()
    assert db.session.scalar(db.select(TeacherQuestion.text)).startswith("Как объяснить заявителю")
    assert db.session.scalar(db.select(CaseSubmission.status)) == "submitted"

    # the teacher accepts the case from their phone; the learner sees it accepted
    phone.context.clear_cookies()
    sign_in(phone, teacher)
    phone.goto("/learn/teach")
    phone.get_by_role("link", name="Блок 1: Телефонова Анна Сергеевна").click()
    for criterion in phone.locator("fieldset.criterion-levels").all():  # the top level of every criterion
        criterion.get_by_role("radio").last.check()
    phone.get_by_label("Принять").check()
    phone.get_by_label("Комментарий для слушателя").fill("Хороший разбор.")
    phone.get_by_role("button", name="Сохранить оценку").click()
    phone.get_by_text("Оценка сохранена").wait_for()
    phone.context.clear_cookies()
    sign_in(phone, learner)
    phone.goto("/learn/block/1/case")
    assert phone.get_by_text("кейс принят").is_visible()
