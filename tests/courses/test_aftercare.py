from datetime import date, timedelta

import pytest
from sqlalchemy import inspect, select

from tests.factories import make_cohort, make_course, make_user
from training.accounts.models import Role
from training.courses import aftercare
from training.courses.models import CourseFeedback, FollowUp
from training.db import utcnow
from training.errors import DomainError
from training.extensions import db
from training.notifications.models import Notification

RATINGS = {code: 4 for code, _, _ in aftercare.FEEDBACK_ELEMENTS}


@pytest.fixture
def finished(app, org):
    course = make_course(blocks=1)
    learners = [make_user(department=org.front_a, full_name=f"Выпускница{n} Анна Ивановна".replace(str(n), ""))
                for n in range(4)]
    cohort = make_cohort(course, org.service, learners=learners)
    for enrolment in cohort.enrolments:
        enrolment.completed_at = utcnow() - timedelta(days=35)
    db.session.commit()
    return cohort


def test_feedback_is_anonymous_and_given_once(finished):
    enrolment = finished.enrolments[0]
    aftercare.submit_feedback(enrolment, RATINGS, "Кейсы", "Больше видео")
    with pytest.raises(DomainError, match="уже заполнили"):
        aftercare.submit_feedback(enrolment, RATINGS, "", "")
    columns = {c["name"] for c in inspect(db.engine).get_columns("course_feedback")}
    assert not any("user" in c or "enrolment" in c for c in columns)


def test_feedback_report_opens_only_with_enough_answers(finished):
    first, second, third, _ = finished.enrolments
    aftercare.submit_feedback(first, RATINGS | {"content_cases": 2}, "Б-ответ", "")
    aftercare.submit_feedback(second, RATINGS | {"content_cases": 5}, "А-ответ", "Меньше теории")
    assert not aftercare.feedback_report(finished).is_open
    aftercare.submit_feedback(third, RATINGS | {"content_cases": 5}, "", "")
    report = aftercare.feedback_report(finished)
    assert report.is_open and report.answers == 3
    averages = {code: avg for code, _, _, avg in report.averages}
    assert averages["content_cases"] == pytest.approx(4.0) and averages["org_phone"] == 4
    assert report.liked == ["А-ответ", "Б-ответ"]  # alphabetical, not by time


def test_feedback_requires_every_rating(finished):
    with pytest.raises(DomainError, match="каждый пункт"):
        aftercare.submit_feedback(finished.enrolments[0], {"org_phone": 5}, "", "")
    assert db.session.scalar(select(CourseFeedback.id)) is None


def test_follow_up_opens_a_month_after_completion_and_manager_confirms(finished, org):
    manager = make_user(Role.MANAGER, department=org.front_a)
    assert aftercare.open_follow_ups(date.today()) == 4
    assert aftercare.open_follow_ups(date.today()) == 0
    learner = finished.enrolments[0].user
    item = aftercare.my_follow_up(learner)
    assert item.due_on == finished.enrolments[0].completed_at.date() + timedelta(days=90)
    scores = {code: 4 for code, _ in aftercare.FOLLOW_UP_SKILLS}
    with pytest.raises(DomainError, match="пример"):
        aftercare.submit_self_assessment(item, scores, "мало")
    aftercare.submit_self_assessment(item, scores, "Провела разговор с работодателем по скрипту.")
    assert [f.id for f in aftercare.follow_ups_for_confirmation(manager)] == [item.id]
    assert db.session.scalar(select(Notification.kind).where(Notification.user_id == manager.id)) == \
        "course.follow_up_confirm"
    with pytest.raises(DomainError, match="поясните"):
        aftercare.confirm(manager, item, False, "")
    aftercare.confirm(manager, item, True, "Вижу это в работе")
    assert item.manager_agrees and item.confirmed_at


def test_recently_finished_learners_get_no_follow_up_yet(app, org):
    course = make_course(blocks=1)
    cohort = make_cohort(course, org.service, learners=[make_user(department=org.front_a)])
    cohort.enrolments[0].completed_at = utcnow() - timedelta(days=5)
    db.session.commit()
    assert aftercare.open_follow_ups(date.today()) == 0
    assert db.session.scalar(select(FollowUp.id)) is None


def test_deadline_reminders_are_sent_once_per_threshold(app, org):
    course = make_course(blocks=2)
    learner = make_user(department=org.front_a)
    cohort = make_cohort(course, org.service, start=date(2026, 9, 1), learners=[learner])
    assert aftercare.remind_deadlines(cohort.deadline - timedelta(days=20)) == 0
    assert aftercare.remind_deadlines(cohort.deadline - timedelta(days=14)) == 1
    assert aftercare.remind_deadlines(cohort.deadline - timedelta(days=13)) == 0
    assert aftercare.remind_deadlines(cohort.deadline - timedelta(days=3)) == 1
    assert aftercare.remind_deadlines(cohort.deadline + timedelta(days=1)) == 1
    texts = list(db.session.scalars(select(Notification.text).where(Notification.user_id == learner.id)
                                    .order_by(Notification.id)))
    assert texts[0].startswith("До окончания срока курса 14 дн.") and texts[-1].startswith("Срок курса истёк")


def test_feedback_page_for_a_finished_learner(client, login, finished):
    login(finished.enrolments[0].user)
    assert "Оценить курс" in client.get("/learn/").get_data(as_text=True)
    bad = client.post("/learn/feedback", data={"liked": "всё"})
    assert bad.status_code == 422 and "Оцените каждый пункт" in bad.get_data(as_text=True)
    ok = client.post("/learn/feedback", data={**{k: str(v) for k, v in RATINGS.items()}, "liked": "всё"})
    assert ok.status_code == 303
    assert "Оценить курс" not in client.get("/learn/").get_data(as_text=True)
