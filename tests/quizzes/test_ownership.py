"""Issue 15, finding 1: the course and its block quizzes belong to the course's owners (administrators and the
teachers they name); a regional service holds overrides for its own people only; statistics are scoped."""
from __future__ import annotations

from sqlalchemy import func, select

from tests.factories import make_user
from training.accounts.models import Role
from training.courses.models import CourseOwner
from training.extensions import db
from training.quizzes import services
from training.quizzes.models import QuizOverride


def _settings(quiz, **changes) -> dict:
    data = {"title": quiz.title, "description": "", "preset": "exam", "questions_per_attempt": "10",
            "is_answers_shuffled": "y", "time_limit_minutes": "", "max_attempts": "3", "grading_method": "highest",
            "pass_percent": "70", "feedback_bands": "", "review_when": "after_submit", "is_score_shown": "y",
            "open_at": "", "close_at": ""}
    return data | changes


def _regional_staff(world):
    """HR and a teacher of another regional service, and that service's learner."""
    org = world.org
    hr = make_user(Role.HR, service=org.other_service, full_name="Чужова Ирина Марковна")
    teacher = make_user(Role.TEACHER, centre=org.other_centre, full_name="Далёкова Вера Ивановна")
    learner = make_user(centre=org.other_centre, full_name="Казанова Лилия Рустемовна")
    return hr, teacher, learner


def test_hr_or_a_teacher_of_a_region_cannot_change_the_course_quiz_for_every_region(world, quiz, client, login):
    """HR or a teacher of any service changed the pass mark 70 % → 1 % and attempts 3 → 99 for every region."""
    hr, teacher, _ = _regional_staff(world)
    for person in (hr, teacher, make_user(Role.HR, service=world.org.service)):
        login(person)
        assert client.get(f"/quizzes/{quiz.id}/settings").status_code == 404
        response = client.post(f"/quizzes/{quiz.id}/settings", data=_settings(quiz, pass_percent="1",
                                                                                max_attempts="99"))
        assert response.status_code == 404
        client.post("/auth/logout")
    db.session.expire_all()
    assert (quiz.pass_percent, quiz.max_attempts) != (1, 99)


def test_the_administrator_names_a_teacher_owner_who_then_sets_the_quiz(world, quiz, client, login):
    _, teacher, _ = _regional_staff(world)
    admin = make_user(Role.ADMIN, service=world.org.service)
    login(admin)
    page = client.get(f"/learn/courses/{world.course.id}/owners").get_data(as_text=True)
    assert "Учителева Ольга Николаевна" in page and "Далёкова Вера Ивановна" in page
    assert client.post(f"/learn/courses/{world.course.id}/owners", data={"item_id": teacher.id}).status_code == 303
    client.post("/auth/logout")
    login(teacher)
    response = client.post(f"/quizzes/{quiz.id}/settings", data=_settings(quiz, pass_percent="75"))
    assert response.status_code == 303
    db.session.expire_all()
    assert quiz.pass_percent == 75


def test_only_an_administrator_names_owners(world, client, login):
    hr, teacher, _ = _regional_staff(world)
    login(hr)
    assert client.post(f"/learn/courses/{world.course.id}/owners", data={"item_id": teacher.id}).status_code == 403
    assert db.session.scalar(select(func.count()).select_from(CourseOwner)) == 1  # the world's teacher


def test_a_region_sees_and_removes_only_its_own_overrides(world, quiz, client, login):
    hr, _, other_learner = _regional_staff(world)
    own = services.save_override(world.teacher, quiz, user=world.learner, close_at=None, time_limit_minutes=None,
                                 max_attempts=5)
    db.session.commit()
    login(hr)
    page = client.get(f"/quizzes/{quiz.id}/overrides").get_data(as_text=True)
    assert "Ученикова Анна Петровна" not in page  # another service's learner
    assert client.post(f"/quizzes/overrides/{own.id}/delete").status_code == 404
    assert db.session.get(QuizOverride, own.id) is not None
    refused = client.post(f"/quizzes/{quiz.id}/overrides", data={"email": world.learner.email, "cohort_id": "0",
                                                                  "max_attempts": "99"})
    assert refused.status_code == 422 and "не найден среди ваших слушателей" in refused.get_data(as_text=True)
    ok = client.post(f"/quizzes/{quiz.id}/overrides", data={"email": other_learner.email, "cohort_id": "0",
                                                             "max_attempts": "4"})
    assert ok.status_code == 303
    assert "Казанова Лилия Рустемовна" in client.get(f"/quizzes/{quiz.id}/overrides").get_data(as_text=True)
