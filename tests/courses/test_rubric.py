"""Cases a teacher grades the same way twice (issue 18): level descriptors, must-pass criteria and the pass mark,
answer templates filled on a phone, a photo of a handwritten table attached."""
import io

import pytest
from PIL import Image
from sqlalchemy import select

from seeds.course_loader import load_course
from tests.factories import PASSWORD, make_cohort, make_user
from training.accounts.models import Role
from training.courses import services
from training.courses.attachments import Upload
from training.courses.models import CaseStatus, CaseSubmission, Course
from training.extensions import db


@pytest.fixture
def world(app, org):
    load_course()
    db.session.commit()
    course = db.session.scalar(select(Course))
    teacher = make_user(Role.TEACHER, department=org.back_a, full_name="Учителева Ольга Павловна")
    learner = make_user(department=org.front_a, full_name="Расчётова Анна Сергеевна")
    make_cohort(course, org.service, teachers=[teacher], learners=[learner])
    return course, teacher, learner


def _client(app, user):
    client = app.test_client()
    client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    return client


def _photo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def _template_form(case) -> dict:
    return {f"t-{i}": f"{item['label']}: ответ с расчётом и пояснением" for i, item in enumerate(case.answer_template)}


def _submit_case_05(app, learner, course, **extra):
    form = {**_template_form(course.blocks[4].case), **extra}
    return _client(app, learner).post("/learn/block/5/case", data=form, content_type="multipart/form-data")


def _levels(case, points: dict[str, int]) -> dict:
    return {f"criterion-{i}": str(points.get(c["criterion"], c["points"])) for i, c in enumerate(case.rubric)}


def test_the_learner_fills_the_answer_template_and_attaches_a_photo(app, world):
    course, teacher, learner = world
    case = course.blocks[4].case
    page = _client(app, learner).get("/learn/block/5/case").get_data(as_text=True)
    assert '<label for="t-0">FCR</label>' in page and "формула и результат" in page
    assert 'type="file"' in page and "JPG, PNG или PDF" in page and "обязательно: не меньше 2" in page
    response = _submit_case_05(app, learner, course, attachment=(io.BytesIO(_photo()), "таблица.png"))
    assert response.status_code == 303
    submission = db.session.scalar(select(CaseSubmission))
    assert [f["label"] for f in submission.template_answers] == [f["label"] for f in case.answer_template]
    assert submission.answer.startswith("FCR:\nFCR: ответ") and submission.attachment_mime == "image/png"
    grade_page = _client(app, teacher).get(f"/learn/teach/case/{submission.id}").get_data(as_text=True)
    assert "<dt>Net FCR</dt>" in grade_page and "Приложенный файл: таблица.png" in grade_page
    assert "обязательно не меньше 2" in grade_page and "Все восемь чисел верны" in grade_page  # the level descriptors


def test_an_empty_template_field_or_a_fake_photo_is_refused_and_nothing_is_stored(app, world):
    course, teacher, learner = world
    form = _template_form(course.blocks[4].case)
    form["t-2"] = "  "
    response = _client(app, learner).post("/learn/block/5/case", data=form)
    assert response.status_code == 422 and "Заполните поле «Escalation rate»." in response.get_data(as_text=True)
    fake = _submit_case_05(app, learner, course, attachment=(io.BytesIO(b"MZ not an image"), "photo.png"))
    assert fake.status_code == 422 and "не соответствует расширению .png" in fake.get_data(as_text=True)
    wrong_type = _submit_case_05(app, learner, course, attachment=(io.BytesIO(b"text"), "notes.txt"))
    assert "Приложить можно фото или скан: JPG, PNG или PDF." in wrong_type.get_data(as_text=True)
    assert db.session.scalar(select(CaseSubmission)) is None


def test_an_attachment_opens_for_the_learner_teacher_and_hr_only(app, world, org):
    course, teacher, learner = world
    _submit_case_05(app, learner, course, attachment=(io.BytesIO(_photo()), "таблица.png"))
    submission = db.session.scalar(select(CaseSubmission))
    url = f"/learn/case/{submission.id}/attachment"
    for user in (learner, teacher, make_user(Role.HR, service=org.service)):
        with _client(app, user).get(url) as response:
            assert response.status_code == 200 and response.data == _photo(), user.full_name
            assert response.headers["Content-Disposition"].startswith("attachment")
    assert _client(app, make_user(department=org.front_a)).get(url).status_code == 404
    assert _client(app, make_user(Role.TEACHER, department=org.back_a)).get(url).status_code == 404


def test_a_case_cannot_be_accepted_while_a_must_pass_criterion_is_below_its_minimum(app, world):
    course, teacher, learner = world
    case = course.blocks[4].case
    _submit_case_05(app, learner, course)
    submission = db.session.scalar(select(CaseSubmission))
    # 7 of 10 (above the pass mark of 6), but the calculation has only 1 of the required 2 points
    form = {"decision": "accept", "comment": "", **_levels(case, {"Расчёт метрик": 1})}
    response = _client(app, teacher).post(f"/learn/teach/case/{submission.id}", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "по обязательному критерию «Расчёт метрик» нужно не меньше 2 баллов, поставлено 1" in page
    assert 'value="1" checked' in page  # the teacher's choices stay on the form
    db.session.expire_all()
    submission = db.session.get(CaseSubmission, submission.id)
    assert submission.status == CaseStatus.SUBMITTED and submission.points is None
    assert not services.block_state(learner, course.blocks[4]).case_accepted


def test_a_case_at_the_pass_mark_with_must_pass_met_is_accepted(app, world):
    course, teacher, learner = world
    case = course.blocks[4].case
    _submit_case_05(app, learner, course)
    submission = db.session.scalar(select(CaseSubmission))
    exactly_six = {"Расчёт метрик": 2, "Интерпретация и связь с точкой контакта": 1, "Ответ на негативный отзыв": 1,
                   "Сбор обратной связи": 1, "Причины и меры": 1}
    assert sum(exactly_six.values()) == case.pass_points == 6
    response = _client(app, teacher).post(f"/learn/teach/case/{submission.id}",
                                          data={"decision": "accept", "comment": "Зачтено", **_levels(case, exactly_six)})
    assert response.status_code == 303
    db.session.expire_all()
    submission = db.session.get(CaseSubmission, submission.id)
    assert submission.status == CaseStatus.ACCEPTED and submission.points == 6
    assert services.block_state(learner, course.blocks[4]).case_accepted


def test_below_the_pass_mark_or_unrated_the_case_is_not_accepted_but_may_be_returned(app, world):
    course, teacher, learner = world
    case = course.blocks[4].case
    _submit_case_05(app, learner, course)
    submission = db.session.scalar(select(CaseSubmission))
    teacher_client = _client(app, teacher)
    low = {"Расчёт метрик": 2, "Интерпретация и связь с точкой контакта": 0, "Ответ на негативный отзыв": 1,
           "Сбор обратной связи": 1, "Причины и меры": 1}
    response = teacher_client.post(f"/learn/teach/case/{submission.id}",
                                   data={"decision": "accept", **_levels(case, low)})
    assert response.status_code == 422 and "5 из 10 баллов, а зачёт — от 6" in response.get_data(as_text=True)
    unrated = teacher_client.post(f"/learn/teach/case/{submission.id}", data={"decision": "accept"})
    assert unrated.status_code == 422 and "оцените каждый критерий" in unrated.get_data(as_text=True)
    returned = teacher_client.post(f"/learn/teach/case/{submission.id}",
                                   data={"decision": "return", "comment": "Пересчитайте Net FCR"})
    assert returned.status_code == 303
    db.session.expire_all()
    assert db.session.get(CaseSubmission, submission.id).status == CaseStatus.RETURNED


def test_the_service_refuses_acceptance_below_a_minimum_whoever_calls_it(app, world):
    course, teacher, learner = world
    enrolment = services.enrolment_of(learner)
    submission = services.submit_case(enrolment, course.blocks[4], "", template_values=[
        "ответ с расчётом и пояснением"] * len(course.blocks[4].case.answer_template),
        attachment=Upload("скан.png", _photo()))
    db.session.commit()
    with pytest.raises(services.CaseNotAcceptable, match="оцените каждый критерий"):
        services.grade_case(teacher, submission, accept=True, comment="")
    with pytest.raises(services.CaseNotAcceptable, match="«Расчёт метрик»"):
        services.grade_case(teacher, submission, accept=True, comment="", criteria_points={
            c["criterion"]: (0 if c["criterion"] == "Расчёт метрик" else c["points"]) for c in course.blocks[4].case.rubric})


def test_a_calculation_case_with_every_number_wrong_fails_though_the_rest_is_perfect(app, world):
    """Issue 18: case 05 used to pass at 7 of 10 with every number wrong; so could case 13. Every case with a
    must-pass criterion refuses acceptance when that criterion scores 0, even with full marks everywhere else."""
    course, teacher, learner = world
    enrolment = services.enrolment_of(learner)
    must_pass = {b.number: [c for c in b.case.rubric if c.get("min_points")] for b in course.blocks}
    assert must_pass[5] and must_pass[13]  # the two the issue names
    assert [c["criterion"] for c in must_pass[13]] == ["Расчёт показателей"]
    checked = 0
    for block in course.blocks:
        for criterion in must_pass[block.number]:
            case = block.case
            points = {c["criterion"]: (0 if c["criterion"] == criterion["criterion"] else c["points"]) for c in case.rubric}
            assert sum(points.values()) >= case.pass_points, block.number  # the sum alone would pass it
            wrong = "Все числа посчитаны неверно, но рассуждение подробное и аккуратное."
            submission = services.submit_case(enrolment, block, wrong, template_values=(
                [wrong] * len(case.answer_template) if case.answer_template else None))
            db.session.commit()
            with pytest.raises(services.CaseNotAcceptable, match=f"«{criterion['criterion']}»"):
                services.grade_case(teacher, submission, accept=True, comment="", criteria_points=points)
            db.session.rollback()
            assert db.session.get(CaseSubmission, submission.id).status == CaseStatus.SUBMITTED
            assert not services.block_state(learner, block).case_accepted
            services.grade_case(teacher, submission, accept=False, comment="Пересчитайте")  # returned, as a teacher would
            db.session.commit()
            checked += 1
    assert checked >= 2
