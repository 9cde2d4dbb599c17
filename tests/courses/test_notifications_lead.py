"""A notification opens exactly what it is about, is marked read when opened, and similar ones are grouped."""
import pytest
from sqlalchemy import select

from tests.factories import make_cohort, make_course, make_user
from training.accounts.models import Role
from training.courses import services
from training.extensions import db
from training.notifications.models import Notification

FULL_MARKS = {"Анализ": 5, "Решение": 5}


@pytest.fixture
def world(app, org):
    course = make_course()
    teacher = make_user(Role.TEACHER, department=org.back_a, full_name="Учителева Ольга Павловна")
    learner = make_user(department=org.front_a, full_name="Ученикова Анна Сергеевна")
    cohort = make_cohort(course, org.service, teachers=[teacher], learners=[learner])
    return course, cohort.enrolments[0], teacher, learner


def test_the_teachers_answer_opens_at_the_answer_and_is_marked_read(client, login, world):
    course, enrolment, teacher, learner = world
    question = services.ask_teacher(enrolment, course.blocks[0], "Как объяснить заявителю, зачем нужен опрос?")
    services.answer_question(teacher, question, "Скажите, что опрос помогает сократить очередь.")
    db.session.commit()
    notification = db.session.scalar(select(Notification).where(Notification.user_id == learner.id,
                                                                Notification.kind == "course.answer"))
    assert notification.url == f"/learn/block/1/discuss#question-{question.id}"
    login(learner)
    assert f'id="question-{question.id}"' in client.get("/learn/block/1/discuss").get_data(as_text=True)
    response = client.post(f"/notifications/{notification.id}/open")
    assert response.status_code == 303 and response.headers["Location"] == notification.url
    db.session.expire_all()
    assert db.session.get(Notification, notification.id).read_at is not None


def test_accepted_cases_open_the_graded_case_and_group_into_one_line(client, login, world):
    course, enrolment, teacher, learner = world
    for block in course.blocks[:3]:
        submission = services.submit_case(enrolment, block, "Мой разбор ситуации клиента с расчётом метрик. " * 3)
        services.grade_case(teacher, submission, accept=True, comment="Хорошо", criteria_points=FULL_MARKS)
    db.session.commit()
    urls = db.session.scalars(select(Notification.url).where(Notification.kind == "course.case_accepted")).all()
    assert sorted(urls) == ["/learn/block/1/case#case", "/learn/block/2/case#case", "/learn/block/3/case#case"]
    login(learner)
    page = client.get("/notifications/").get_data(as_text=True)
    assert "3 кейса принято" in page and page.count("Кейс блока 1 принят.") == 1
    newest = db.session.scalar(select(Notification).where(Notification.kind == "course.case_accepted")
                               .order_by(Notification.id.desc()))
    client.post(f"/notifications/{newest.id}/open")
    db.session.expire_all()
    assert db.session.scalars(select(Notification.read_at).where(
        Notification.kind == "course.case_accepted")).all().count(None) == 0


def test_nobody_opens_someone_elses_notification(client, login, world):
    course, enrolment, teacher, learner = world
    question = services.ask_teacher(enrolment, course.blocks[0], "Как объяснить заявителю, зачем нужен опрос?")
    db.session.commit()
    notification = db.session.scalar(select(Notification).where(Notification.user_id == teacher.id))
    login(learner)
    assert client.post(f"/notifications/{notification.id}/open").status_code == 404
    assert question.id
