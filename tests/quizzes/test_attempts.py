"""Attempts: drawing questions, saving answers, time limits, attempt limits, grading methods, overrides,
review rules and manual grading."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from tests.factories import make_user
from tests.support.quiz_bank import BANK, answer_all, form_for
from training import jobs
from training.courses.services import block_state
from training.db import utcnow
from training.errors import DomainError
from training.extensions import db
from training.quizzes import bank, services
from training.quizzes.models import Attempt, AttemptState, Question, QuizOverride
from training.signals import quiz_passed


def _slot(attempt, name):
    return next(s for s in attempt.slots if s.version.question.name == name)


def _hide(*names):
    for question in db.session.scalars(select(Question).where(Question.name.in_(names))):
        question.is_hidden = True
    db.session.commit()


@pytest.fixture
def passed_signals():
    received = []

    def receiver(sender, **kwargs):
        received.append((sender, kwargs))

    quiz_passed.connect(receiver)
    yield received
    quiz_passed.disconnect(receiver)


# --- a full attempt ------------------------------------------------------------------------------------------

def test_all_right_answers_score_full_marks_essay_waits_for_the_teacher(world, quiz):
    attempt = services.start_attempt(quiz, world.learner)
    assert len(attempt.slots) == 8 and attempt.slots[-1].max_mark == 0  # the description carries no mark
    answer_all(attempt)
    assert services.finish_attempt(attempt)
    assert attempt.state == AttemptState.FINISHED
    assert attempt.score == 6 and attempt.max_score == 7
    assert attempt.is_awaiting_grading and attempt.percent is None and not attempt.is_passed
    assert _slot(attempt, "Эссе").is_awaiting_grading


def test_wrong_and_partial_answers(world, quiz):
    _hide("Эссе")
    attempt = services.start_attempt(quiz, world.learner)
    answer_all(attempt, right=False)
    services.save_response(attempt, _slot(attempt, "FCR").slot_no, MultiDict({"answer": "0,75"}))  # a share: 50 %
    services.finish_attempt(attempt)
    assert attempt.score == 0.5 and attempt.max_score == 6
    assert attempt.percent == pytest.approx(8.33) and not attempt.is_passed


def test_unanswered_questions_score_zero_and_an_empty_essay_needs_no_grading(world, quiz):
    attempt = services.start_attempt(quiz, world.learner)
    services.finish_attempt(attempt)
    assert attempt.score == 0 and attempt.percent == 0 and not attempt.is_awaiting_grading


def test_answers_are_saved_in_the_bank_terms_whatever_order_they_were_shown_in(world, quiz, rng):
    quiz.is_answers_shuffled = True
    db.session.commit()
    attempt = services.start_attempt(quiz, world.learner, rng=rng)
    ces = _slot(attempt, "CES")
    assert sorted(ces.answer_order["answers"]) == [0, 1, 2]
    shown_position_of_right = ces.answer_order["answers"].index(0)
    services.save_response(attempt, ces.slot_no, MultiDict({"answer": str(shown_position_of_right)}))
    assert ces.response == {"choice": 0}
    matching = _slot(attempt, "Соответствие")
    assert sorted(matching.answer_order["choices"]) == sorted(["готовность рекомендовать", "усилия клиента",
                                                               "удовлетворённость"])
    services.save_response(attempt, matching.slot_no, form_for(matching))
    services.finish_attempt(attempt)
    assert ces.fraction == 1.0 and matching.fraction == 1.0


def test_a_saved_answer_survives_and_can_be_changed_until_the_end(world, quiz):
    attempt = services.start_attempt(quiz, world.learner)
    slot = _slot(attempt, "Оператор")
    services.save_response(attempt, slot.slot_no, MultiDict({"answer": "поставщик"}))
    db.session.commit()
    again = services.start_attempt(quiz, world.learner)  # reload / another device: the same attempt continues
    assert again.id == attempt.id and _slot(again, "Оператор").response == {"text": "поставщик"}
    services.save_response(attempt, slot.slot_no, MultiDict({"answer": "оператор"}))
    services.finish_attempt(attempt)
    assert slot.fraction == 1.0
    with pytest.raises(services.AttemptClosed):
        services.save_response(attempt, slot.slot_no, MultiDict({"answer": "другое"}))


# --- drawing questions ---------------------------------------------------------------------------------------

def _bank_of(block, per_category: dict[str, int]) -> None:
    parts = []
    for category, count in per_category.items():
        parts.append(f"$CATEGORY: {category}\n")
        parts += [f"::{category} {n}::Вопрос {n} категории {category}? {{T}}\n" for n in range(1, count + 1)]
    bank.import_gift_bank(block, "\n".join(parts))


def test_questions_are_drawn_evenly_across_categories(world, rng):
    _bank_of(world.block, {"A": 6, "B": 6, "C": 6})
    quiz = bank.ensure_block_quiz(world.block)
    quiz.questions_per_attempt = 9
    attempt = services.start_attempt(quiz, world.learner, rng=rng)
    drawn = [s.version.question.category.name for s in attempt.slots]
    assert len(drawn) == 9 and {c: drawn.count(c) for c in "ABC"} == {"A": 3, "B": 3, "C": 3}


def test_next_attempt_avoids_the_previous_questions_where_the_bank_allows(world, rng):
    _bank_of(world.block, {"A": 4, "B": 4})
    quiz = bank.ensure_block_quiz(world.block)
    quiz.questions_per_attempt, quiz.max_attempts = 4, None
    first = services.start_attempt(quiz, world.learner, rng=rng)
    services.finish_attempt(first)
    second = services.start_attempt(quiz, world.learner, rng=rng)
    services.finish_attempt(second)
    ids = lambda a: {s.version.question_id for s in a.slots}  # noqa: E731
    assert not ids(first) & ids(second)  # 8 questions, 4 per attempt: no repeats
    quiz.questions_per_attempt = 6
    third = services.start_attempt(quiz, world.learner, rng=rng)
    assert len(ids(third)) == 6 and len(ids(third) - ids(second)) == 4  # only as many repeats as needed


def test_draw_rules_take_the_given_number_from_each_category(world, rng):
    _bank_of(world.block, {"A": 5, "B": 5})
    quiz = bank.ensure_block_quiz(world.block)
    categories = {c.name: c.id for c in bank.categories(world.block)}
    quiz.draw_rules = [{"category_id": categories["A"], "count": 1}, {"category_id": categories["B"], "count": 3}]
    attempt = services.start_attempt(quiz, world.learner, rng=rng)
    drawn = [s.version.question.category.name for s in attempt.slots]
    assert sorted(drawn) == ["A", "B", "B", "B"]


def test_hidden_questions_are_not_drawn(world, quiz):
    _hide("CES", "FCR")
    attempt = services.start_attempt(quiz, world.learner)
    assert {"CES", "FCR"}.isdisjoint(s.version.question.name for s in attempt.slots)


def test_an_empty_bank_refuses_to_start_without_using_an_attempt(world):
    quiz = bank.ensure_block_quiz(world.block)
    with pytest.raises(DomainError, match="нет вопросов"):
        services.start_attempt(quiz, world.learner)
    assert db.session.scalar(select(func.count()).select_from(Attempt)) == 0


# --- who may take it -----------------------------------------------------------------------------------------

def test_only_enrolled_learners_take_a_block_quiz(world, quiz, org):

    stranger = make_user(department=org.front_b)
    with pytest.raises(DomainError, match="слушателям курса"):
        services.start_attempt(quiz, stranger)


def test_sequential_cohort_keeps_later_blocks_closed(world):
    world.cohort.is_sequential = True
    block2 = world.course.blocks[1]
    bank.import_gift_bank(block2, BANK)
    quiz = bank.ensure_block_quiz(block2)
    db.session.commit()
    with pytest.raises(DomainError, match="по порядку"):
        services.start_attempt(quiz, world.learner)


# --- time limit ----------------------------------------------------------------------------------------------

def test_answers_after_the_deadline_are_refused_and_do_not_count(world, quiz):
    _hide("Эссе")
    quiz.time_limit_minutes = 10
    db.session.commit()
    start = utcnow() - timedelta(minutes=30)
    attempt = services.start_attempt(quiz, world.learner, now=start)
    assert attempt.deadline_at == start + timedelta(minutes=10)
    ces = _slot(attempt, "CES")
    services.save_response(attempt, ces.slot_no, form_for(ces), now=start + timedelta(minutes=9))
    fcr = _slot(attempt, "FCR")
    with pytest.raises(services.AttemptClosed, match="Время вышло"):
        services.save_response(attempt, fcr.slot_no, form_for(fcr), now=start + timedelta(minutes=11))
    db.session.commit()  # the view commits the closing before answering
    assert attempt.state == AttemptState.FINISHED and attempt.finish_reason == "timeout"
    assert attempt.submitted_at == attempt.deadline_at
    assert fcr.response is None and attempt.score == 1  # only the answer saved in time counts


def test_an_overdue_attempt_is_closed_and_graded_when_the_learner_comes_back(world, quiz, client, login):
    _hide("Эссе")
    quiz.time_limit_minutes = 5
    db.session.commit()
    attempt = services.start_attempt(quiz, world.learner, now=utcnow() - timedelta(minutes=20))
    ces = _slot(attempt, "CES")  # answered a minute after the start, in time
    ces.response, ces.saved_at = {"choice": 0}, attempt.started_at + timedelta(minutes=1)
    db.session.commit()
    login(world.learner)
    response = client.get(f"/quizzes/attempts/{attempt.id}")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/attempts/{attempt.id}/result")
    page = client.get(f"/quizzes/attempts/{attempt.id}/result").get_data(as_text=True)
    assert "Время вышло" in page  # the page posts the closing itself on load (a GET writes nothing)
    closed = client.post(f"/quizzes/attempts/{attempt.id}/time-up")
    assert closed.status_code == 303 and closed.headers["Location"].endswith(f"/attempts/{attempt.id}/result")
    db.session.expire_all()
    assert attempt.state == AttemptState.FINISHED and attempt.finish_reason == "timeout"
    assert attempt.score == 1 and attempt.percent == pytest.approx(16.67)


def test_the_periodic_job_closes_overdue_attempts(world, quiz):

    quiz.time_limit_minutes = 5
    db.session.commit()
    late = services.start_attempt(quiz, world.learner, now=utcnow() - timedelta(minutes=6))
    running = services.start_attempt(quiz, world.other_learner)
    db.session.commit()
    outcome = dict(jobs.run_due(date.today()))
    assert outcome["quizzes.close-overdue-attempts"] == "закрыто просроченных попыток: 1"
    db.session.expire_all()
    assert late.state == AttemptState.FINISHED and running.state == AttemptState.IN_PROGRESS


def test_a_quiz_closing_before_the_time_limit_ends_the_attempt_at_the_close(world, quiz):
    now = utcnow()
    quiz.time_limit_minutes, quiz.close_at = 60, now + timedelta(minutes=15)
    attempt = services.start_attempt(quiz, world.learner, now=now)
    assert attempt.deadline_at == quiz.close_at


# --- attempt limit and grading methods -----------------------------------------------------------------------

def test_attempt_limit(world, quiz):
    quiz.max_attempts = 2
    for _ in range(2):
        services.finish_attempt(services.start_attempt(quiz, world.learner))
    with pytest.raises(DomainError, match="Попытки закончились: использовано 2 из 2"):
        services.start_attempt(quiz, world.learner)


def _attempts_with(quiz, learner, percents_right: list[int]):
    """One attempt per item: how many of the six auto-graded questions to answer right."""
    for right in percents_right:
        attempt = services.start_attempt(quiz, learner)
        names = ["CES", "Группы KPI", "Первое впечатление", "FCR", "Оператор", "Соответствие"]
        for slot in attempt.slots:
            if slot.version.question.name in names:
                is_right = names.index(slot.version.question.name) < right
                services.save_response(attempt, slot.slot_no, form_for(slot, is_right))
        services.finish_attempt(attempt)


@pytest.mark.parametrize("method,expected", [("highest", 100.0), ("last", 50.0), ("first", 66.67),
                                             ("average", 72.22)])
def test_grading_methods(world, quiz, method, expected):
    _hide("Эссе")
    quiz.grading_method, quiz.max_attempts = method, None
    _attempts_with(quiz, world.learner, [4, 6, 3])  # 66.67 %, 100 %, 50 %
    assert services.final_grade(quiz, world.learner) == pytest.approx(expected)


def test_passing_is_judged_by_the_grading_method(world, quiz, passed_signals):
    _hide("Эссе")
    quiz.grading_method, quiz.max_attempts, quiz.pass_percent = "average", None, 70
    _attempts_with(quiz, world.learner, [6])  # 100 %: the average passes
    assert len(passed_signals) == 1
    sender, kwargs = passed_signals[0]
    assert sender == world.learner and kwargs["block_id"] == world.block.id and kwargs["percent"] == 100
    quiz2_learner = world.other_learner
    _attempts_with(quiz, quiz2_learner, [6, 0])  # 100 % then 0 %: average 50 % — the second does not pass
    assert len(passed_signals) == 2  # only the first attempt of the other learner announced a pass


def test_a_pass_completes_the_quiz_stage_in_the_same_transaction(world, quiz):

    _hide("Эссе")
    _attempts_with(quiz, world.learner, [6])
    state = block_state(world.learner, world.block)
    assert state.quiz_passed  # recorded before any commit


# --- overrides -----------------------------------------------------------------------------------------------

def test_a_learner_override_beats_the_cohort_override_and_the_quiz(world, quiz):
    quiz.max_attempts, quiz.time_limit_minutes = 1, 10
    db.session.add(QuizOverride(quiz_id=quiz.id, cohort_id=world.cohort.id, max_attempts=2, time_limit_minutes=20))
    db.session.add(QuizOverride(quiz_id=quiz.id, user_id=world.learner.id, time_limit_minutes=0))
    db.session.commit()
    mine = services.effective_limits(quiz, world.learner)
    assert (mine.max_attempts, mine.time_limit_minutes) == (2, None)  # cohort's attempts, own «no time limit»
    neighbour = services.effective_limits(quiz, world.other_learner)
    assert (neighbour.max_attempts, neighbour.time_limit_minutes) == (2, 20)
    attempt = services.start_attempt(quiz, world.learner)
    assert attempt.deadline_at is None


def test_an_override_reopens_a_closed_quiz_for_one_learner(world, quiz):
    quiz.close_at = utcnow() - timedelta(days=1)
    db.session.add(QuizOverride(quiz_id=quiz.id, user_id=world.learner.id, close_at=utcnow() + timedelta(days=2)))
    db.session.commit()
    assert services.start_attempt(quiz, world.learner).deadline_at is not None
    with pytest.raises(DomainError, match="Тест закрыт"):
        services.start_attempt(quiz, world.other_learner)


def test_save_override_needs_a_target_and_a_condition(world, quiz):
    with pytest.raises(DomainError, match="сотрудника или группу"):
        services.save_override(world.teacher, quiz, close_at=None, time_limit_minutes=5, max_attempts=None)
    with pytest.raises(DomainError, match="хотя бы одно"):
        services.save_override(world.teacher, quiz, user=world.learner, close_at=None, time_limit_minutes=None,
                               max_attempts=None)


# --- review rules --------------------------------------------------------------------------------------------

def _finished(quiz, learner):
    attempt = services.start_attempt(quiz, learner)
    answer_all(attempt)
    services.finish_attempt(attempt)
    return attempt


@pytest.mark.parametrize("preset,score,right,feedback", [
    ("practice", True, True, True), ("exam", True, False, False), ("certification", False, False, False)])
def test_presets_decide_what_the_learner_sees_after_an_attempt(world, quiz, preset, score, right, feedback):
    services.apply_preset(quiz, preset)
    quiz.close_at = utcnow() + timedelta(days=1)
    attempt = _finished(quiz, world.learner)
    review = services.review_for(world.learner, attempt)
    assert (review.score, review.right_answers, review.feedback) == (score, right, feedback)


def test_certification_opens_the_full_review_once_the_quiz_has_closed(world, quiz):
    services.apply_preset(quiz, "certification")
    quiz.close_at = utcnow() + timedelta(hours=1)
    attempt = _finished(quiz, world.learner)
    assert services.review_for(world.learner, attempt).opens_at == quiz.close_at
    later = services.review_for(world.learner, attempt, now=quiz.close_at + timedelta(minutes=1))
    assert later.score and later.right_answers and later.feedback


def test_staff_reviewing_see_everything(world, quiz):
    services.apply_preset(quiz, "certification")
    attempt = _finished(quiz, world.learner)
    review = services.review_for(world.teacher, attempt)
    assert review.score and review.right_answers and review.feedback


def test_practice_mode_checks_an_answer_at_once_and_locks_it(world, quiz):
    services.apply_preset(quiz, "practice")
    attempt = services.start_attempt(quiz, world.learner)
    ces = _slot(attempt, "CES")
    services.check_response(attempt, ces.slot_no, form_for(ces, right=False))
    assert ces.checked_at is not None and ces.fraction == 0
    assert services.slot_review(ces).feedback
    with pytest.raises(DomainError, match="уже проверен"):
        services.save_response(attempt, ces.slot_no, form_for(ces))


def test_exam_mode_has_no_checking_during_the_attempt(world, quiz):
    attempt = services.start_attempt(quiz, world.learner)
    with pytest.raises(DomainError, match="после завершения"):
        services.check_response(attempt, 1, form_for(attempt.slots[0]))


def test_feedback_bands(world, quiz):
    quiz.feedback_bands = [{"min_percent": 80, "text": "Отлично"}, {"min_percent": 0, "text": "Повторите урок"}]
    assert services.feedback_band(quiz, 85) == "Отлично"
    assert services.feedback_band(quiz, 80) == "Отлично"
    assert services.feedback_band(quiz, 79.9) == "Повторите урок"
    assert services.feedback_band(quiz, None) is None


# --- versions ------------------------------------------------------------------------------------------------

def test_editing_a_question_used_in_an_attempt_keeps_that_attempt_as_it_was(world, quiz):
    attempt = services.start_attempt(quiz, world.learner)
    ces = _slot(attempt, "CES")
    services.save_response(attempt, ces.slot_no, MultiDict({"answer": "0"}))
    services.finish_attempt(attempt)
    db.session.commit()
    changed = BANK.replace("=Усилия клиента для решения задачи", "~Усилия клиента для решения задачи") \
                  .replace("~Удовлетворённость#Это CSI.", "=Удовлетворённость#Теперь верно это.")
    summary = bank.import_gift_bank(world.block, changed)
    assert summary.versioned == ["CES"] and summary.updated == []
    question = ces.version.question
    assert [v.version_no for v in question.versions] == [1, 2]
    db.session.expire_all()
    assert ces.version.version_no == 1 and ces.fraction == 1.0  # the old attempt is untouched
    fresh = services.start_attempt(quiz, world.other_learner)
    assert _slot(fresh, "CES").version.version_no == 2


def test_a_pass_is_announced_once_not_on_every_later_attempt(world, quiz, passed_signals):
    _hide("Эссе")
    quiz.max_attempts = None
    _attempts_with(quiz, world.learner, [6, 2, 6])  # highest: passing from the first attempt on
    assert [kwargs["attempt_id"] for _, kwargs in passed_signals] == [services.attempts_of(quiz, world.learner)[0].id]
