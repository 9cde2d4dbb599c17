"""The quizzes pages, as learners and teachers use them."""
from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from tests.factories import make_cohort, make_course, make_user
from tests.support.quiz_bank import BANK, form_for
from training.accounts.models import Role
from training.courses.models import Stage
from training.courses.services import block_state, complete_stage, enrolment_of, submit_case
from training.db import utcnow
from training.extensions import db
from training.notifications.models import Notification
from training.quizzes import bank, services
from training.quizzes.models import Attempt, AttemptState, Question, Quiz, QuizOverride

HX = {"HX-Request": "true"}

# What must never be in an attempt page before the review allows it: answer feedback, general feedback,
# accepted short answers, credit markers.
SECRETS = ["Верно: Customer Effort Score", "Это NPS", "CES — индекс усилий клиента", "Это внутренний процесс",
           "Нет, именно за 40 секунд", "Верно: 150 / 200", "Разделите 150 на 200", "Это доля, а нужен процент",
           "оператор", "организатор", "Почти.", "Критерии: приветствие", "fraction", "is-right", "is-wrong",
           "tag-ok", "верный", "Верный ответ"]


def _leaks(html: str) -> list[str]:
    html = re.sub(r'name="csrf_token" value="[^"]*"', "", html)
    return [s for s in SECRETS if s.lower() in html.lower()]


def _start(client, quiz) -> Attempt:
    response = client.post(f"/quizzes/{quiz.id}/start")
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    attempt_id = int(response.headers["Location"].rsplit("/", 1)[-1])
    return db.session.get(Attempt, attempt_id)


def _pages(client, attempt) -> list[str]:
    pages = [client.get(f"/quizzes/attempts/{attempt.id}?n={n}").get_data(as_text=True)
             for n in range(1, len(attempt.slots) + 1)]
    pages.append(client.get(f"/quizzes/attempts/{attempt.id}/finish").get_data(as_text=True))
    pages.append(client.get(f"/quizzes/{attempt.quiz_id}").get_data(as_text=True))
    return pages


def _answer_everything(client, attempt, *, right: bool = True) -> list[str]:
    """Answer each question the way a phone does (htmx save on change); returns the fragments."""
    fragments = []
    for slot in attempt.slots:
        if slot.version.type == "description":
            continue
        data = form_for(slot, right)
        data.add("slot", str(slot.slot_no))
        response = client.post(f"/quizzes/attempts/{attempt.id}/save", data=data, headers=HX)
        assert response.status_code == 200
        fragments.append(response.get_data(as_text=True))
    return fragments


# --- correct answers never reach the browser early ----------------------------------------------------------

@pytest.mark.parametrize("preset", ["exam", "certification", "practice"])
def test_attempt_pages_hold_no_correct_answers(world, quiz, client, login, preset):
    services.apply_preset(quiz, preset)
    quiz.is_answers_shuffled = True
    db.session.commit()
    login(world.learner)
    attempt = _start(client, quiz)
    for html in _pages(client, attempt):
        assert not _leaks(html)
    fragments = _answer_everything(client, attempt, right=False)  # (a right answer would show the learner's own text)
    for html in fragments + _pages(client, attempt):  # answered pages and save fragments too
        assert not _leaks(html)


def test_exam_result_shows_the_score_but_not_the_answers(world, quiz, client, login):
    services.apply_preset(quiz, "exam")
    db.session.commit()
    login(world.learner)
    attempt = _start(client, quiz)
    _answer_everything(client, attempt, right=False)
    result = client.post(f"/quizzes/attempts/{attempt.id}/submit")
    assert result.status_code == 303
    html = client.get(result.headers["Location"]).get_data(as_text=True)
    assert "Часть ответов проверяет преподаватель" in html  # the essay
    assert "Разбор ответов" not in html and not _leaks(html)


def test_certification_result_shows_nothing_until_the_quiz_closes(world, quiz, client, login):
    services.apply_preset(quiz, "certification")
    quiz.close_at = utcnow() + timedelta(days=3)
    db.session.commit()
    login(world.learner)
    attempt = _start(client, quiz)
    _answer_everything(client, attempt)
    client.post(f"/quizzes/attempts/{attempt.id}/submit")
    html = client.get(f"/quizzes/attempts/{attempt.id}/result").get_data(as_text=True)
    assert "будут доступны после закрытия теста" in html and "%" not in html.split("Разбор")[0].split("<main")[1]
    assert not _leaks(html)


def test_practice_shows_feedback_once_an_answer_is_checked(world, quiz, client, login):
    services.apply_preset(quiz, "practice")
    db.session.commit()
    login(world.learner)
    attempt = _start(client, quiz)
    ces = next(s for s in attempt.slots if s.version.question.name == "CES")
    data = form_for(ces)
    data.add("slot", str(ces.slot_no))
    data.add("go", "check")
    response = client.post(f"/quizzes/attempts/{attempt.id}/save", data=data)
    assert response.status_code == 303
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Верно: Customer Effort Score" in html and "CES — индекс усилий клиента" in html
    assert 'type="radio" name="answer" value="0" checked disabled' in html.replace("  ", " ")


def test_practice_review_after_submit_shows_right_answers_and_feedback(world, quiz, client, login):
    services.apply_preset(quiz, "practice")
    db.session.commit()
    login(world.learner)
    attempt = _start(client, quiz)
    _answer_everything(client, attempt, right=False)
    client.post(f"/quizzes/attempts/{attempt.id}/submit")
    html = client.get(f"/quizzes/attempts/{attempt.id}/result").get_data(as_text=True)
    assert "Разбор ответов" in html and "Верный ответ" in html and "Разделите 150 на 200" in html


def test_review_feedback_sits_next_to_its_option_in_the_order_the_learner_saw_them(world, quiz, client, login):
    services.apply_preset(quiz, "practice")
    db.session.commit()
    login(world.learner)
    attempt = _start(client, quiz)
    slot = next(s for s in attempt.slots if s.version.question.name == "Группы KPI")
    shown = [slot.version.answers[i]["text"] for i in slot.answer_order["answers"]]
    client.post(f"/quizzes/attempts/{attempt.id}/save", headers=HX,
                data=MultiDict([("slot", str(slot.slot_no)), *[("answer", str(n)) for n in range(len(shown))]]))
    client.post(f"/quizzes/attempts/{attempt.id}/submit")
    html = client.get(f"/quizzes/attempts/{attempt.id}/result").get_data(as_text=True)
    feedback = {"Показатели опыта клиента": "Да.", "Показатели качества обслуживания": "Да.",
                "Показатели закупок": "Нет, это внутренний процесс."}
    items = re.findall(r"<li[^>]*>(.*?)</li>", html.split("Какие из групп показателей")[1], re.S)[:3]
    assert [next(text for text in shown if text in item) for item in items] == shown
    for item, text in zip(items, shown, strict=True):
        assert feedback[text] in item


# --- saving, finishing ----------------------------------------------------------------------------------------

def test_htmx_save_answers_with_a_small_fragment(world, quiz, client, login):
    login(world.learner)
    attempt = _start(client, quiz)
    response = client.post(f"/quizzes/attempts/{attempt.id}/save", data={"slot": "5", "answer": "оператор"},
                           headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html and "Ответ сохранён" in html
    assert "HX-Request" in response.headers["Vary"]
    db.session.expire_all()
    assert attempt.slots[4].response == {"text": "оператор"}


def test_a_number_that_is_not_a_number_is_saved_with_a_warning(world, quiz, client, login):
    login(world.learner)
    attempt = _start(client, quiz)
    fcr = next(s for s in attempt.slots if s.version.type == "numerical")
    html = client.post(f"/quizzes/attempts/{attempt.id}/save", data={"slot": fcr.slot_no, "answer": "семьдесят"},
                       headers=HX).get_data(as_text=True)
    assert "Это не число" in html


def test_without_javascript_the_buttons_save_and_move(world, quiz, client, login):
    login(world.learner)
    attempt = _start(client, quiz)
    response = client.post(f"/quizzes/attempts/{attempt.id}/save", data={"slot": "1", "answer": "0", "go": "next"})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/attempts/{attempt.id}?n=2")
    response = client.post(f"/quizzes/attempts/{attempt.id}/save", data={"slot": "8", "go": "finish"})
    assert response.headers["Location"].endswith(f"/attempts/{attempt.id}/finish")


def test_finish_page_lists_the_unanswered_questions_first(world, quiz, client, login):
    login(world.learner)
    attempt = _start(client, quiz)
    client.post(f"/quizzes/attempts/{attempt.id}/save", data={"slot": "1", "answer": "0"}, headers=HX)
    html = client.get(f"/quizzes/attempts/{attempt.id}/finish").get_data(as_text=True)
    assert "Без ответа: 6 вопросов из 8" in html
    assert f"/quizzes/attempts/{attempt.id}?n=2" in html and f"/quizzes/attempts/{attempt.id}?n=8" not in html
    assert "Завершить попытку" in html


def test_submitting_twice_grades_once(world, quiz, client, login):
    login(world.learner)
    attempt = _start(client, quiz)
    first = client.post(f"/quizzes/attempts/{attempt.id}/submit")
    db.session.expire_all()
    submitted_at = attempt.submitted_at
    second = client.post(f"/quizzes/attempts/{attempt.id}/submit")
    assert first.status_code == second.status_code == 303
    db.session.expire_all()
    assert attempt.submitted_at == submitted_at
    response = client.post(f"/quizzes/attempts/{attempt.id}/save", data={"slot": "1", "answer": "0"}, headers=HX)
    assert response.status_code == 204 and response.headers["HX-Redirect"].endswith("/result")


def test_an_attempt_survives_a_reload(world, quiz, client, login):
    login(world.learner)
    attempt = _start(client, quiz)
    client.post(f"/quizzes/attempts/{attempt.id}/save", data={"slot": "5", "answer": "оператор"}, headers=HX)
    again = client.post(f"/quizzes/{quiz.id}/start")  # «Начать» again, or another device: the same attempt
    assert again.headers["Location"].endswith(f"/attempts/{attempt.id}")
    html = client.get(f"/quizzes/attempts/{attempt.id}?n=5").get_data(as_text=True)
    assert 'value="оператор"' in html


def test_the_timer_shows_the_server_deadline(world, quiz, client, login):
    quiz.time_limit_minutes = 20
    db.session.commit()
    login(world.learner)
    attempt = _start(client, quiz)
    html = client.get(f"/quizzes/attempts/{attempt.id}").get_data(as_text=True)
    seconds = int(re.search(r'data-remaining="(\d+)"', html).group(1))
    assert 1190 <= seconds <= 1200 and re.search(r"/static/js/quiz\.[0-9a-f]{12}\.js", html) and "Осталось:" in html


# --- privacy ------------------------------------------------------------------------------------------------

def test_a_learner_cannot_see_another_persons_attempt(world, quiz, client, login):
    attempt = services.start_attempt(quiz, world.other_learner)
    services.finish_attempt(attempt)
    db.session.commit()
    login(world.learner)
    for url in (f"/quizzes/attempts/{attempt.id}", f"/quizzes/attempts/{attempt.id}/finish",
                f"/quizzes/attempts/{attempt.id}/result"):
        assert client.get(url).status_code == 404
    for url in (f"/quizzes/attempts/{attempt.id}/save", f"/quizzes/attempts/{attempt.id}/submit"):
        assert client.post(url, data={"slot": "1"}).status_code == 404


def test_a_teacher_sees_only_the_attempts_of_their_cohorts(world, quiz, client, login, org):
    stranger = make_user(department=org.front_b)
    make_cohort(world.course, org.service, learners=[stranger])
    theirs = services.start_attempt(quiz, stranger)
    services.finish_attempt(theirs)
    mine = services.start_attempt(quiz, world.learner)
    services.finish_attempt(mine)
    db.session.commit()
    login(world.teacher)
    assert client.get(f"/quizzes/attempts/{mine.id}/result").status_code == 200
    assert client.get(f"/quizzes/attempts/{theirs.id}/result").status_code == 404
    html = client.get(f"/quizzes/{quiz.id}/results").get_data(as_text=True)
    assert world.learner.full_name in html and stranger.full_name not in html


def test_learners_cannot_open_teacher_pages(world, quiz, client, login):
    login(world.learner)
    for url in ("/quizzes/manage", f"/quizzes/bank/{world.block.id}", f"/quizzes/{quiz.id}/settings",
                f"/quizzes/{quiz.id}/results", "/quizzes/grading"):
        assert client.get(url).status_code == 403


# --- completion in the same request -------------------------------------------------------------------------

def _pass_through_pages(client, quiz) -> str:
    attempt = _start(client, quiz)
    _answer_everything(client, attempt)
    response = client.post(f"/quizzes/attempts/{attempt.id}/submit")
    return client.get(response.headers["Location"]).get_data(as_text=True)


def _done_lesson_and_case(app, learner, block):

    enrolment = enrolment_of(learner, block.course)
    with app.test_request_context():
        complete_stage(enrolment, block, Stage.LESSON)
        complete_stage(enrolment, block, Stage.CASE)
    db.session.commit()


def test_result_page_shows_the_block_complete_when_lesson_and_case_were_done(app, world, quiz, client, login):
    db.session.scalar(select(Question).where(Question.name == "Эссе")).is_hidden = True
    db.session.commit()
    _done_lesson_and_case(app, world.learner, world.block)
    login(world.learner)
    html = _pass_through_pages(client, quiz)
    assert "тест сдан" in html and "Блок завершён" in html and "Курс завершён" not in html


def test_result_page_says_what_is_still_missing(world, quiz, client, login):
    db.session.scalar(select(Question).where(Question.name == "Эссе")).is_hidden = True
    db.session.commit()
    login(world.learner)
    html = _pass_through_pages(client, quiz)
    assert "Осталось изучить урок" in html and "Осталось выполнить практический кейс" in html
    assert "✓ Тест сдан" in html


def test_result_page_says_the_case_is_in_review_while_the_teacher_has_not_graded_it(app, world, quiz, client, login):
    db.session.scalar(select(Question).where(Question.name == "Эссе")).is_hidden = True
    submit_case(enrolment_of(world.learner, world.block.course), world.block, "Мой разбор ситуации клиента. " * 3)
    db.session.commit()
    login(world.learner)
    html = _pass_through_pages(client, quiz)
    assert "Практический кейс на проверке у преподавателя" in html
    assert "Осталось выполнить практический кейс" not in html


def test_the_last_block_completes_the_course_on_the_result_page(app, org, client, login):
    course = make_course(blocks=1)
    learner = make_user(department=org.front_a)
    make_cohort(course, org.service, learners=[learner])
    bank.import_gift_bank(course.blocks[0], "::Да::Верно? {T}\n\n::Нет::Неверно? {F}\n")
    quiz = bank.ensure_block_quiz(course.blocks[0])
    db.session.commit()
    _done_lesson_and_case(app, learner, course.blocks[0])
    login(learner)
    attempt = _start(client, quiz)
    for slot in attempt.slots:
        answer = "true" if slot.version.question.name == "Да" else "false"
        client.post(f"/quizzes/attempts/{attempt.id}/save", data={"slot": slot.slot_no, "answer": answer}, headers=HX)
    html = client.get(client.post(f"/quizzes/attempts/{attempt.id}/submit").headers["Location"]).get_data(as_text=True)
    assert "Блок завершён" in html and "Курс завершён" in html


# --- teachers: questions ------------------------------------------------------------------------------------

def test_teacher_creates_a_multiple_choice_question_in_the_editor(world, quiz, client, login):
    login(world.teacher)
    url = f"/quizzes/bank/{world.block.id}/new/multichoice"
    assert "Новый вопрос: выбор ответа" in client.get(url).get_data(as_text=True)
    data = {"name": "NPS шкала", "category_id": "0", "new_category": "Блок 01/Шкалы", "format": "moodle",
            "text": "Какие оценки NPS — промоутеры?", "general_feedback": "9–10 по шкале 0–10.",
            "answers-0-text": "9–10", "answers-0-percent": "100", "answers-0-feedback": "Верно",
            "answers-1-text": "7–8", "answers-1-percent": "0", "answers-2-text": "", "answers-2-percent": ""}
    response = client.post(url, data=data)
    assert response.status_code == 303
    question = db.session.scalar(select(Question).where(Question.name == "NPS шкала"))
    assert question.category.name == "Блок 01/Шкалы" and question.current.data["single"] is True
    assert [a["text"] for a in question.current.answers] == ["9–10", "7–8"]


def test_the_editor_refuses_a_question_without_a_right_answer_in_russian(world, quiz, client, login):
    login(world.teacher)
    response = client.post(f"/quizzes/bank/{world.block.id}/new/multichoice", data={
        "name": "Плохой", "category_id": "0", "format": "moodle", "text": "Вопрос?",
        "answers-0-text": "a", "answers-0-percent": "0", "answers-1-text": "b", "answers-1-percent": "0"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "нет ни одного верного варианта" in html
    assert db.session.scalar(select(Question).where(Question.name == "Плохой")) is None


@pytest.mark.parametrize("qtype,fields,check", [
    ("truefalse", {"tf_right": "false", "tf_feedback_true": "Нет", "tf_feedback_false": "Да"},
     lambda v: v.data["answers"][1] == {"text": "false", "fraction": 1.0, "feedback": "Да"}),
    ("shortanswer", {"answers-0-text": "оператор", "answers-1-text": "организатор", "answers-1-percent": "50"},
     lambda v: [a["fraction"] for a in v.data["answers"]] == [1.0, 0.5]),
    ("matching", {"pairs-0-question": "NPS", "pairs-0-answer": "рекомендация", "pairs-1-question": "CES",
                  "pairs-1-answer": "усилия"}, lambda v: len(v.data["pairs"]) == 2),
    ("numerical", {"numbers-0-value": "3,5", "numbers-0-tolerance": "0,1"},
     lambda v: v.data["numerical"][0]["value"] == 3.5 and v.data["numerical"][0]["tolerance"] == 0.1),
    ("essay", {"general_feedback": "Критерии"}, lambda v: v.general_feedback == "Критерии"),
    ("description", {}, lambda v: v.data == {}),
])
def test_teacher_creates_every_type(world, quiz, client, login, qtype, fields, check):
    login(world.teacher)
    data = {"name": f"Новый {qtype}", "category_id": "0", "format": "moodle", "text": "Текст вопроса", **fields}
    response = client.post(f"/quizzes/bank/{world.block.id}/new/{qtype}", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)
    question = db.session.scalar(select(Question).where(Question.name == f"Новый {qtype}"))
    assert question.type == qtype and check(question.current)


def test_editing_a_used_question_in_the_editor_makes_a_new_version(world, quiz, client, login):
    attempt = services.start_attempt(quiz, world.learner)
    services.finish_attempt(attempt)
    db.session.commit()
    question = db.session.scalar(select(Question).where(Question.name == "Первое впечатление"))
    login(world.teacher)
    form = client.get(f"/quizzes/questions/{question.id}/edit").get_data(as_text=True)
    assert 'value="Первое впечатление"' in form
    response = client.post(f"/quizzes/questions/{question.id}/edit", data={
        "name": "Первое впечатление", "category_id": str(question.category_id), "format": "moodle",
        "text": "Первое впечатление складывается примерно за 40 секунд.", "tf_right": "true"})
    assert response.status_code == 303
    db.session.expire_all()
    assert [v.version_no for v in question.versions] == [1, 2]
    assert question.versions[0].text == "Первое впечатление складывается за 40 секунд."


def test_hiding_a_question_swaps_its_row(world, quiz, client, login):
    question = db.session.scalar(select(Question).where(Question.name == "CES"))
    login(world.teacher)
    response = client.post(f"/quizzes/questions/{question.id}/hide", headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html and "скрыт" in html and "Вернуть в тесты" in html
    db.session.expire_all()
    assert question.is_hidden


def test_question_preview_shows_the_answers_to_the_teacher(world, quiz, client, login):
    question = db.session.scalar(select(Question).where(Question.name == "FCR"))
    login(world.teacher)
    html = client.get(f"/quizzes/questions/{question.id}").get_data(as_text=True)
    assert "Верно: 150 / 200." in html and "Верный ответ" in html


# --- teachers: GIFT upload and download ---------------------------------------------------------------------

def test_gift_upload_lists_errors_by_line(world, client, login):
    login(world.teacher)
    broken = "::Хороший::Вопрос {T}\n\n::Плохой::Сколько? {#abc}\n".encode()
    response = client.post(f"/quizzes/bank/{world.block.id}/import",
                           data={"file": (io.BytesIO(broken), "bank.gift")}, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Строка 3:" in html and "не число" in html
    assert "Ничего не изменено" in html
    assert db.session.scalar(select(func.count()).select_from(Question)) == 0


def test_gift_upload_and_download(world, client, login):
    login(world.teacher)
    response = client.post(f"/quizzes/bank/{world.block.id}/import",
                           data={"file": (io.BytesIO(BANK.encode()), "bank.gift")}, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Файл GIFT загружен" in html and "Новых вопросов: <strong>8</strong>" in html
    download = client.get(f"/quizzes/bank/{world.block.id}/export.gift")
    assert download.headers["Content-Disposition"] == 'attachment; filename="questions-block-01.gift"'
    assert download.get_data(as_text=True).startswith("$CATEGORY: Блок 01/Метрики")


# --- teachers: settings, overrides, results -----------------------------------------------------------------

def _settings_form(quiz, **changes) -> dict:
    data = {"title": quiz.title, "description": "", "preset": "exam", "questions_per_attempt": "10",
            "is_answers_shuffled": "y", "time_limit_minutes": "", "max_attempts": "3", "grading_method": "highest",
            "pass_percent": "70", "feedback_bands": "", "review_when": "after_submit", "is_score_shown": "y",
            "open_at": "", "close_at": ""}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_settings_presets_fill_the_form_without_saving(world, quiz, client, login):
    login(world.teacher)
    response = client.post(f"/quizzes/{quiz.id}/settings",
                           data=_settings_form(quiz, preset="certification", apply_preset="1"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'name="time_limit_minutes" type="number" value="30"' in html
    db.session.expire_all()
    assert quiz.preset == "exam"


def test_settings_are_saved(world, quiz, client, login):
    category = bank.categories(world.block)[0]
    login(world.teacher)
    response = client.post(f"/quizzes/{quiz.id}/settings", data={
        **_settings_form(quiz, pass_percent="80", time_limit_minutes="15", close_at="2030-05-01T18:00",
                         feedback_bands="80: Отлично\n0: Повторите урок"), f"rule-{category.id}": "2"})
    assert response.status_code == 303
    db.session.expire_all()
    assert (quiz.pass_percent, quiz.time_limit_minutes) == (80, 15)
    assert quiz.close_at.isoformat() == "2030-05-01T15:00:00+00:00"  # Moscow time typed, UTC stored
    assert quiz.feedback_bands == [{"min_percent": 80, "text": "Отлично"}, {"min_percent": 0, "text": "Повторите урок"}]
    assert quiz.draw_rules == [{"category_id": category.id, "count": 2}]


def test_invalid_settings_are_shown_again_with_422(world, quiz, client, login):
    login(world.teacher)
    response = client.post(f"/quizzes/{quiz.id}/settings",
                           data=_settings_form(quiz, pass_percent="120", feedback_bands="отлично"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "От 0 до 100." in html and "пишите «80: текст отзыва»" in html


def test_overrides_for_a_learner_and_a_cohort(world, quiz, client, login):
    login(world.teacher)
    response = client.post(f"/quizzes/{quiz.id}/overrides", data={
        "email": world.learner.email, "cohort_id": "0", "max_attempts": "5"})
    assert response.status_code == 303
    response = client.post(f"/quizzes/{quiz.id}/overrides", data={
        "email": "", "cohort_id": str(world.cohort.id), "time_limit_minutes": "45"})
    assert response.status_code == 303
    html = client.get(f"/quizzes/{quiz.id}/overrides").get_data(as_text=True)
    assert world.learner.full_name in html and world.cohort.name in html and "45 мин." in html
    override = db.session.scalar(select(QuizOverride).where(QuizOverride.user_id == world.learner.id))
    assert client.post(f"/quizzes/overrides/{override.id}/delete").status_code == 303
    assert db.session.scalar(select(func.count()).select_from(QuizOverride)) == 1


def test_unknown_email_in_an_override_is_refused(world, quiz, client, login):
    login(world.teacher)
    response = client.post(f"/quizzes/{quiz.id}/overrides", data={"email": "nobody@example.ru", "max_attempts": "2"})
    assert response.status_code == 422 and "не найден" in response.get_data(as_text=True)


def test_results_table_and_exports(world, quiz, client, login):
    attempt = services.start_attempt(quiz, world.learner)
    services.finish_attempt(attempt)
    db.session.commit()
    login(world.teacher)
    assert world.learner.full_name in client.get(f"/quizzes/{quiz.id}/results").get_data(as_text=True)
    csv = client.get(f"/quizzes/{quiz.id}/results.csv")
    text = csv.get_data().decode("utf-8-sig")
    assert csv.headers["Content-Type"].startswith("text/csv") and "ФИО" in text and world.learner.full_name in text
    xlsx = client.get(f"/quizzes/{quiz.id}/results.xlsx")
    assert xlsx.status_code == 200 and xlsx.get_data()[:2] == b"PK"
    assert client.get(f"/quizzes/{quiz.id}/results.pdf").status_code == 404


# --- manual grading -----------------------------------------------------------------------------------------

def test_essay_grading_updates_the_grade_and_notifies_the_learner(world, quiz, client, login):

    attempt = services.start_attempt(quiz, world.learner)
    for slot in attempt.slots:
        if slot.version.type != "description":
            services.save_response(attempt, slot.slot_no, form_for(slot))
    services.finish_attempt(attempt)
    db.session.commit()
    essay = next(s for s in attempt.slots if s.version.type == "essay")
    login(world.teacher)
    queue = client.get("/quizzes/grading").get_data(as_text=True)
    assert world.learner.full_name in queue
    page = client.get(f"/quizzes/grading/{essay.id}").get_data(as_text=True)
    assert "Критерии: приветствие, имя, цель визита." in page and "Здороваюсь, представляюсь" in page
    assert client.post(f"/quizzes/grading/{essay.id}", data={"mark": "2", "comment": ""}).status_code == 422
    response = client.post(f"/quizzes/grading/{essay.id}", data={"mark": "0,5", "comment": "Не назвали себя."})
    assert response.status_code == 303
    db.session.expire_all()
    assert attempt.percent == pytest.approx(92.86) and attempt.is_passed and not attempt.is_awaiting_grading
    note = db.session.scalar(select(Notification).where(Notification.user_id == world.learner.id,
                                                        Notification.kind == "quiz.graded"))
    assert "92,86 %" in note.text and note.url == f"/quizzes/attempts/{attempt.id}/result"

    assert block_state(world.learner, world.block).quiz_passed  # passing after grading completes the stage
    assert world.learner.full_name not in client.get("/quizzes/grading").get_data(as_text=True)


# --- custom quizzes -----------------------------------------------------------------------------------------

def test_custom_quiz_for_an_event(world, client, login, org):
    bank.import_gift_bank(None, "::Викторина 1::Сколько блоков в курсе? {#14}\n")
    db.session.commit()
    login(world.teacher)
    response = client.post("/quizzes/new", data={"title": "Брейн-ринг ко Дню службы занятости"})
    quiz = db.session.scalar(select(Quiz).where(Quiz.block_id.is_(None)))
    assert response.headers["Location"].endswith(f"/quizzes/{quiz.id}/settings") and not quiz.is_published
    client.post(f"/quizzes/{quiz.id}/settings", data=_settings_form(quiz, preset="practice", is_published="y",
                                                                       questions_per_attempt="0", max_attempts=""))
    colleague = make_user(department=org.front_b)
    outsider = make_user(service=org.other_service, centre=org.other_centre)
    client.post("/auth/logout")
    login(colleague)
    assert "Брейн-ринг" in client.get("/quizzes/").get_data(as_text=True)
    attempt = _start(client, quiz)
    client.post(f"/quizzes/attempts/{attempt.id}/save", data={"slot": "1", "answer": "14"}, headers=HX)
    client.post(f"/quizzes/attempts/{attempt.id}/submit")
    db.session.expire_all()
    assert attempt.state == AttemptState.FINISHED and attempt.percent == 100
    client.post("/auth/logout")
    login(outsider)
    assert client.post(f"/quizzes/{quiz.id}/start").status_code == 400  # another regional service


def test_block_quiz_link_from_the_course(world, quiz, client, login):
    login(world.learner)
    response = client.get(f"/quizzes/block/{world.block.id}")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/quizzes/{quiz.id}")
    html = client.get(f"/quizzes/{quiz.id}").get_data(as_text=True)
    assert "Начать тест" in html and "Проходной балл" in html


def test_not_enrolled_staff_see_why_they_cannot_start(world, quiz, client, login, org):
    outsider = make_user(Role.MANAGER, department=org.front_b)
    login(outsider)
    html = client.get(f"/quizzes/{quiz.id}").get_data(as_text=True)
    assert "Тест доступен слушателям курса" in html and "Начать тест" not in html


@pytest.mark.parametrize("name", ["CES", "Группы KPI", "Первое впечатление", "FCR", "Оператор", "Соответствие",
                                  "Эссе", "Справка"])
def test_every_type_has_a_preview_and_an_editor(world, quiz, client, login, name):
    question = db.session.scalar(select(Question).where(Question.name == name))
    login(world.teacher)
    assert client.get(f"/quizzes/questions/{question.id}").status_code == 200
    editor = client.get(f"/quizzes/questions/{question.id}/edit")
    assert editor.status_code == 200 and f'value="{name}"' in editor.get_data(as_text=True)
