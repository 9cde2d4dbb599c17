import io

import pytest
from openpyxl import load_workbook

from tests.factories import make_cohort, make_course, make_user
from training.accounts.models import Role
from training.content import render_markdown
from training.courses import services
from training.courses.models import CaseSubmission, TeacherQuestion
from training.extensions import db


@pytest.fixture
def world(app, org):
    course = make_course()
    teacher = make_user(Role.TEACHER, department=org.back_a, full_name="Учителева Ольга Павловна")
    learner = make_user(department=org.front_a, full_name="Учащаяся Анна Сергеевна")
    cohort = make_cohort(course, org.service, teachers=[teacher], learners=[learner])
    return course, cohort, teacher, learner


def test_learner_sees_what_next_progress_and_days_left(client, login, world):
    course, cohort, teacher, learner = world
    login(learner)
    page = client.get("/learn/").get_data(as_text=True)
    assert "0 из 14" in page and "Продолжить: блок 1" in page and "осталось" in page
    home = client.get("/").get_data(as_text=True)
    assert "Дальше: блок 1. Блок 1" in home


def test_studied_marks_the_lesson_once_via_htmx(client, login, world):
    course, cohort, teacher, learner = world
    login(learner)
    page = client.get("/learn/block/1").get_data(as_text=True)
    assert "Текст урока." in page and "Главные выводы" in page and ">Изучено<" in page
    for _ in range(2):
        response = client.post("/learn/block/1/studied", headers={"HX-Request": "true"})
        fragment = response.get_data(as_text=True)
        assert "<html" not in fragment and "Урок изучен" in fragment
    state = services.block_state(learner, course.blocks[0])
    assert state.lesson_done


def test_question_to_teacher_and_answer_flow(app, login, world):
    course, cohort, teacher, learner = world
    learner_client, teacher_client = app.test_client(), app.test_client()
    learner_client.post("/auth/login", data={"email": learner.email, "password": "correct-horse-battery-42"})
    teacher_client.post("/auth/login", data={"email": teacher.email, "password": "correct-horse-battery-42"})
    learner_client.post("/learn/block/2/discuss", data={"q-text": "Чем CES отличается от CSI?"})
    queue = teacher_client.get("/learn/teach").get_data(as_text=True)
    assert "Чем CES отличается от CSI?" in queue
    question = db.session.scalar(db.select(TeacherQuestion))
    teacher_client.post(f"/learn/teach/question/{question.id}", data={"answer": "CES — про усилия, CSI — про удовлетворённость."})
    page = learner_client.get("/learn/block/2/discuss").get_data(as_text=True)
    assert "CES — про усилия" in page and "Учителева Ольга Павловна" in page
    assert "Чем CES отличается от CSI?" not in teacher_client.get("/learn/teach").get_data(as_text=True)


def test_case_submission_and_grading_through_pages(app, world):
    course, cohort, teacher, learner = world
    learner_client, teacher_client = app.test_client(), app.test_client()
    learner_client.post("/auth/login", data={"email": learner.email, "password": "correct-horse-battery-42"})
    teacher_client.post("/auth/login", data={"email": teacher.email, "password": "correct-horse-battery-42"})
    short = learner_client.post("/learn/block/1/case", data={"answer": "мало"})
    assert short.status_code == 422 and "слишком короткий" in short.get_data(as_text=True)
    learner_client.post("/learn/block/1/case", data={"answer": "Разбор ситуации: " + "аргумент " * 20})
    submission = db.session.scalar(db.select(CaseSubmission))
    grade_page = teacher_client.get(f"/learn/teach/case/{submission.id}").get_data(as_text=True)
    assert "Анализ (0–5)" in grade_page
    response = teacher_client.post(f"/learn/teach/case/{submission.id}", data={
        "decision": "return", "comment": "Добавьте расчёт", "criterion-0": "2", "criterion-1": "1"})
    assert response.status_code == 303
    page = learner_client.get("/learn/block/1/case").get_data(as_text=True)
    assert "возвращён на доработку" in page and "Добавьте расчёт" in page and "3 из 10" in page
    badge = learner_client.get("/notifications/").get_data(as_text=True)
    assert "Кейс блока 1 возвращён на доработку" in badge


def test_teacher_of_another_cohort_cannot_open_the_submission(app, org, world):
    course, cohort, teacher, learner = world
    stranger = make_user(Role.TEACHER, department=org.front_b)
    enrolment = cohort.enrolments[0]
    submission = services.submit_case(enrolment, course.blocks[0], "Ответ " * 20)
    db.session.commit()
    client = app.test_client()
    client.post("/auth/login", data={"email": stranger.email, "password": "correct-horse-battery-42"})
    assert client.get(f"/learn/teach/case/{submission.id}").status_code == 404


def test_not_enrolled_employee_is_told_to_ask_hr(client, login, org, world):
    login(make_user(department=org.front_a))
    assert "Вы пока не записаны на курс" in client.get("/learn/").get_data(as_text=True)
    assert client.get("/learn/block/1").status_code == 403


def test_hr_creates_cohort_enrols_a_department_and_exports_progress(client, login, org, world):
    course, *_ = world
    hr = make_user(Role.HR, service=org.service)
    make_user(department=org.back_a, full_name="Бэкова Инна Сергеевна")
    login(hr)
    response = client.post("/learn/cohorts", data={"name": "Зима-2026", "start_date": "2026-12-01", "months": "3"})
    assert response.status_code == 303
    cohort_url = response.headers["Location"]
    page = client.post(cohort_url, data={"mode": "department", "department_id": str(org.back_a.id)})
    assert "Записано: <strong>" in page.get_data(as_text=True)
    cohort_id = int(cohort_url.split("/")[-2])
    xlsx = client.get(f"/learn/cohorts/{cohort_id}/export.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.get_data())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "ФИО" and any(r[0] == "Бэкова Инна Сергеевна" for r in rows[1:])
    csv = client.get(f"/learn/cohorts/{cohort_id}/export.csv").get_data().decode("utf-8-sig")
    assert "Бэкова Инна Сергеевна" in csv


def test_manager_sees_only_own_centre_in_cohort_report(client, login, org, world):
    course, cohort, teacher, learner = world
    other = make_user(department=org.front_b, full_name="Чужая Ирина Ильинична")
    services.enrol(make_user(Role.HR, service=org.service), cohort, [other])
    db.session.commit()
    login(make_user(Role.MANAGER, department=org.front_a))
    page = client.get(f"/learn/cohorts/{cohort.id}").get_data(as_text=True)
    assert "Учащаяся Анна Сергеевна" in page and "Чужая Ирина Ильинична" not in page


def test_markdown_is_sanitised():
    html = render_markdown("# Заголовок\n\n<script>alert(1)</script>\n\n[ссылка](javascript:alert(1)) **жирно**\n\n"
                           '<img src=x onerror="alert(1)">')
    # raw HTML in content comes out as visible text, never as tags or live links
    assert "<script" not in html and "<img" not in html and 'href="javascript' not in html
    assert "&lt;script&gt;" in html
    assert "<h2>Заголовок</h2>" in html and "<strong>жирно</strong>" in html


def test_script_in_lesson_content_never_reaches_the_page(client, login, world):
    course, cohort, teacher, learner = world
    block = course.blocks[0]
    block.lesson_html = render_markdown("Текст <script>alert('x')</script> и <b onclick=alert(1)>кнопка</b>")
    db.session.commit()
    login(learner)
    page = client.get("/learn/block/1").get_data(as_text=True)
    assert "<script>alert" not in page and "<b onclick" not in page
    assert "&lt;script&gt;alert" in page  # shown as text, harmless
