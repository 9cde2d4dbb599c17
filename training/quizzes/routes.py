"""Views of the quizzes domain: learners take quizzes; teachers, HR and administrators keep the question banks,
set up quizzes, grade essays and read results and statistics. Views are thin: the rules are in services."""
from __future__ import annotations

from flask import abort, current_app, flash, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from training import web
from training.accounts.models import Role
from training.courses.services import block_state, enrolment_of
from training.db import utcnow
from training.extensions import db
from training.quizzes import bp, services
from training.quizzes.grading import format_number, parse_number
from training.quizzes.lookups import own_attempt_or_404
from training.quizzes.models import (
    Attempt,
    AttemptSlot,
    FinishReason,
    Quiz,
    ReviewWhen,
)
from training.quizzes.presenters import question_view, review_view
from training.quizzes.question_types import QuestionType
from training.quizzes.text import render_text, with_files
from training.templating import NavItem, add_nav_item
from training.web import redirect_to, render_view

add_nav_item(NavItem("quizzes.index", "Тесты", "star", on_phone=False, order=15))
add_nav_item(NavItem("quizzes.manage", "Банк вопросов", "chart", roles=Role.TEACHING, on_phone=False, order=25))


@bp.app_template_filter("qtext")
def qtext(text: str, fmt: str = "moodle"):
    """An answer or feedback text in its question's format, as safe inline HTML."""
    return render_text(text, fmt, inline=True)


@bp.app_template_filter("qfiles")
def qfiles(text: str, version_id: int | None) -> str:
    """A text with its ``@@PLUGINFILE@@/`` images pointing at the question version's files."""
    return with_files(text, version_id)


@bp.app_template_filter("qnum")
def qnum(value) -> str:
    """A score or percentage the Russian way: 92,86; 100."""
    return "—" if value is None else format_number(round(float(value), 2))


# --- loading objects ----------------------------------------------------------------------------------------


def _block_url(block) -> str | None:

    if block is not None and "courses.case" in current_app.view_functions:
        return url_for("courses.case", number=block.number)
    return None


# --- learner ------------------------------------------------------------------------------------------------

@bp.get("/")
@login_required
def index():
    block_quizzes, custom = services.quizzes_for(current_user)
    grades = {q.id: services.final_grade(q, current_user) for q in block_quizzes + custom}
    return render_view("quizzes/index.html", None, block_quizzes=block_quizzes, custom=custom, grades=grades)


@bp.get("/block/<int:block_id>")
@login_required
def block_quiz(block_id: int):
    quiz = db.session.scalar(select(Quiz).where(Quiz.block_id == block_id))
    if quiz is None:
        abort(404, "Тест этого блока ещё не настроен.")
    return redirect_to("quizzes.detail", quiz_id=quiz.id)


@bp.get("/<int:quiz_id>")
@login_required
def detail(quiz_id: int):
    quiz = db.get_or_404(Quiz, quiz_id)
    if quiz.block_id is None and not quiz.is_published and not services.can_manage_quiz(current_user, quiz):
        abort(404)
    attempts = services.attempts_of(quiz, current_user)
    grade = services.final_grade(quiz, current_user)
    return render_view("quizzes/detail.html", None, quiz=quiz, attempts=attempts, grade=grade,
                       passed=services.is_quiz_passed(quiz, grade), current=services.open_attempt(quiz, current_user),
                       refusal=services.start_refusal(quiz, current_user),
                       limits=services.effective_limits(quiz, current_user),
                       can_manage=services.can_manage_quiz(current_user, quiz), block_url=_block_url(quiz.block))


@bp.post("/<int:quiz_id>/start")
@login_required
def start(quiz_id: int):
    quiz = db.get_or_404(Quiz, quiz_id)
    if quiz.block_id is None and not quiz.is_published:
        abort(404)
    attempt = services.start_attempt(quiz, current_user)
    db.session.commit()
    return redirect_to("quizzes.attempt", attempt_id=attempt.id)


def _closed_response(exc: services.AttemptClosed):
    """The attempt ended (time out, or finished elsewhere): keep the grading, then show the result."""
    db.session.commit()
    flash(exc.message, "info")
    return redirect_to("quizzes.result", attempt_id=exc.attempt.id)


@bp.get("/attempts/<int:attempt_id>")
@login_required
def attempt(attempt_id: int):
    attempt = own_attempt_or_404(attempt_id)
    if attempt.is_finished or services.is_overdue(attempt):  # the result page closes an overdue attempt
        return redirect_to("quizzes.result", attempt_id=attempt.id)
    number = request.args.get("n", 1, type=int)
    slot = services.slot_of(attempt, number) or attempt.slots[0]
    return render_view("quizzes/attempt.html", "question", **_attempt_context(attempt, slot))


def _attempt_context(attempt: Attempt, slot: AttemptSlot, *, saved: bool = False, warning: str | None = None) -> dict:
    now = utcnow()
    seconds_left = max(0, int((attempt.deadline_at - now).total_seconds())) if attempt.deadline_at else None
    check_review = services.slot_review(slot)
    return dict(attempt=attempt, quiz=attempt.quiz, slot=slot, view=review_view(slot, check_review)
                if check_review.anything else question_view(slot), total=len(attempt.slots),
                steps=[(s.slot_no, s.is_answered) for s in attempt.slots], seconds_left=seconds_left,
                is_practice=attempt.quiz.review_when == ReviewWhen.IMMEDIATELY, saved=saved, warning=warning)


def _answer_warning(slot: AttemptSlot) -> str | None:
    response = slot.response
    if slot.version.type == QuestionType.NUMERICAL and response and parse_number(response.get("text")) is None:
        return "Это не число: введите число, например 3,5."
    return None


@bp.post("/attempts/<int:attempt_id>/save")
@login_required
def save(attempt_id: int):
    attempt = own_attempt_or_404(attempt_id)
    number = request.form.get("slot", type=int) or 0
    go = request.form.get("go", "")
    try:
        if go == "check":
            slot = services.check_response(attempt, number, request.form)
        else:
            slot = services.save_response(attempt, number, request.form)
    except services.AttemptClosed as exc:
        return _closed_response(exc)
    db.session.commit()
    if go not in ("prev", "next", "finish", "check") and request.headers.get("HX-Request"):
        return render_view("quizzes/attempt.html", "save_status",
                           **_attempt_context(attempt, slot, saved=True, warning=_answer_warning(slot)))
    if go == "prev":
        return redirect_to(url_for("quizzes.attempt", attempt_id=attempt.id, n=max(1, number - 1)))
    if go == "next":
        return redirect_to(url_for("quizzes.attempt", attempt_id=attempt.id, n=number + 1))
    if go == "finish":
        return redirect_to("quizzes.finish", attempt_id=attempt.id)
    return redirect_to(url_for("quizzes.attempt", attempt_id=attempt.id, n=number))


@bp.get("/attempts/<int:attempt_id>/finish")
@login_required
def finish(attempt_id: int):
    attempt = own_attempt_or_404(attempt_id)
    if attempt.is_finished or services.is_overdue(attempt):
        return redirect_to("quizzes.result", attempt_id=attempt.id)
    unanswered = [s.slot_no for s in attempt.slots if not s.is_answered]
    seconds_left = max(0, int((attempt.deadline_at - utcnow()).total_seconds())) if attempt.deadline_at else None
    return render_view("quizzes/finish.html", None, attempt=attempt, quiz=attempt.quiz, unanswered=unanswered,
                       total=len(attempt.slots), seconds_left=seconds_left)


@bp.post("/attempts/<int:attempt_id>/submit")
@login_required
def submit(attempt_id: int):
    attempt = own_attempt_or_404(attempt_id)
    services.finish_attempt(attempt, reason=FinishReason.LEARNER)  # False: already finished elsewhere — show the result
    db.session.commit()
    return redirect_to("quizzes.result", attempt_id=attempt.id)


@bp.post("/attempts/<int:attempt_id>/time-up")
@login_required
def time_up(attempt_id: int):
    """Close and grade the learner's attempts whose time is up, then show the result."""
    attempt = own_attempt_or_404(attempt_id)
    # the result page says «Время вышло: попытка завершена автоматически…» itself
    return web.submit(None, lambda: services.close_overdue(quiz=attempt.quiz, user=current_user),
                      on_success=lambda _: redirect_to("quizzes.result", attempt_id=attempt.id))


@bp.get("/attempts/<int:attempt_id>/result")
@login_required
def result(attempt_id: int):
    attempt = db.get_or_404(Attempt, attempt_id)
    if not services.can_view_attempt(current_user, attempt):
        abort(404)
    if not attempt.is_finished and attempt.user_id == current_user.id:
        if services.is_overdue(attempt):
            # the time is up: the page closes and grades the attempt with a POST (on load; a button without JS)
            return render_view("quizzes/time_up.html", None, attempt=attempt, quiz=attempt.quiz)
        return redirect_to("quizzes.attempt", attempt_id=attempt.id)
    quiz = attempt.quiz
    review = services.review_for(current_user, attempt)
    # «score» alone is the total only: per-question marks would give away true/false answers
    items = [review_view(slot, review) for slot in attempt.slots] if review.right_answers or review.feedback else []
    own = attempt.user_id == current_user.id
    grade = services.final_grade(quiz, attempt.user)
    state = course_done = None
    if own and quiz.block_id is not None and review.score:

        state = block_state(current_user, quiz.block)
        enrolment = enrolment_of(current_user, quiz.block.course)
        course_done = bool(enrolment and enrolment.completed_at)
    return render_view("quizzes/result.html", None, attempt=attempt, quiz=quiz, review=review, items=items, own=own,
                       grade=grade, passed=services.is_quiz_passed(quiz, grade),
                       band=services.feedback_band(quiz, attempt.percent) if review.feedback else None,
                       state=state, course_done=course_done, refusal=services.start_refusal(quiz, attempt.user)
                       if own else None, block_url=_block_url(quiz.block))


# --- staff: banks and questions -----------------------------------------------------------------------------


# --- staff: quiz settings, overrides, results, statistics ---------------------------------------------------


# --- staff: manual grading ----------------------------------------------------------------------------------
