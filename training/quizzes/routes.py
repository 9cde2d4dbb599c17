"""Views of the quizzes domain: learners take quizzes; teachers, HR and administrators keep the question banks,
set up quizzes, grade essays and read results and statistics. Views are thin: the rules are in services."""
from __future__ import annotations

from flask import abort, current_app, flash, make_response, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from training.accounts.models import Role, User, normalise_email
from training.courses.models import Block, Cohort, Course
from training.courses.services import block_state, enrolment_of, visible_cohorts
from training.db import utcnow
from training.errors import DomainError
from training.extensions import db
from training.quizzes import bank, bp, services, stats
from training.quizzes.forms import (
    BankUploadForm,
    CustomQuizForm,
    GradeForm,
    OverrideForm,
    QuestionForm,
    QuizSettingsForm,
    bands_text,
    parse_bands,
    to_local,
    to_utc,
)
from training.quizzes.grading import format_number, parse_number
from training.quizzes.models import (
    Attempt,
    AttemptSlot,
    FinishReason,
    Preset,
    Question,
    QuestionCategory,
    QuestionVersion,
    QuestionVersionFile,
    Quiz,
    QuizOverride,
    ReviewWhen,
)
from training.quizzes.presenters import preview_view, question_view, review_view
from training.quizzes.question_types import QuestionType
from training.quizzes.text import render_text, with_files
from training.tabular import table_download
from training.templating import NavItem, add_nav_item
from training.web import download, redirect_to, render_view, role_required

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

def _block_or_404(block_id: int):
    """0 is the shared bank of custom quizzes (None); otherwise a block of the course."""
    if block_id == 0:
        return None

    return db.get_or_404(Block, block_id)


def _own_attempt_or_404(attempt_id: int) -> Attempt:
    # every attempt page shows the step bar (each slot answered or not): slots and their question versions in two
    # queries, not one per slot
    attempt = db.get_or_404(Attempt, attempt_id, options=[
        selectinload(Attempt.slots).selectinload(AttemptSlot.version)])
    if attempt.user_id != current_user.id:
        abort(404)  # another person's attempt does not exist for the learner
    return attempt


def _managed_quiz_or_404(quiz_id: int) -> Quiz:
    quiz = db.get_or_404(Quiz, quiz_id)
    if not services.can_manage_quiz(current_user, quiz):
        abort(404)
    return quiz


def _question_or_404(question_id: int) -> Question:
    return db.get_or_404(Question, question_id)


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
    if services.close_overdue(quiz=quiz, user=current_user):
        db.session.commit()
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
    attempt = _own_attempt_or_404(attempt_id)
    if services.close_overdue(quiz=attempt.quiz, user=current_user):
        db.session.commit()
        flash("Время вышло: попытка завершена автоматически, засчитаны ответы, сохранённые до срока.", "info")
    if attempt.is_finished:
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
    attempt = _own_attempt_or_404(attempt_id)
    number = request.form.get("slot", type=int) or 0
    go = request.form.get("go", "")
    try:
        if go == "check":
            slot = services.check_response(attempt, number, request.form)
        else:
            slot = services.save_response(attempt, number, request.form)
    except services.AttemptClosed as exc:
        return _closed_response(exc)
    if go in ("prev", "next", "finish", "check") or not request.headers.get("HX-Request"):
        db.session.commit()
    else:  # the htmx save: render the status before committing, which would expire the attempt and its slots
        response = render_view("quizzes/attempt.html", "save_status",
                               **_attempt_context(attempt, slot, saved=True, warning=_answer_warning(slot)))
        db.session.commit()
        return response
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
    attempt = _own_attempt_or_404(attempt_id)
    if services.close_overdue(quiz=attempt.quiz, user=current_user):
        db.session.commit()
    if attempt.is_finished:
        return redirect_to("quizzes.result", attempt_id=attempt.id)
    unanswered = [s.slot_no for s in attempt.slots if not s.is_answered]
    seconds_left = max(0, int((attempt.deadline_at - utcnow()).total_seconds())) if attempt.deadline_at else None
    return render_view("quizzes/finish.html", None, attempt=attempt, quiz=attempt.quiz, unanswered=unanswered,
                       total=len(attempt.slots), seconds_left=seconds_left)


@bp.post("/attempts/<int:attempt_id>/submit")
@login_required
def submit(attempt_id: int):
    attempt = _own_attempt_or_404(attempt_id)
    services.finish_attempt(attempt, reason=FinishReason.LEARNER)  # False: already finished elsewhere — show the result
    db.session.commit()
    return redirect_to("quizzes.result", attempt_id=attempt.id)


@bp.get("/attempts/<int:attempt_id>/result")
@login_required
def result(attempt_id: int):
    attempt = db.get_or_404(Attempt, attempt_id)
    if not services.can_view_attempt(current_user, attempt):
        abort(404)
    if services.close_overdue(quiz=attempt.quiz, user=attempt.user):
        db.session.commit()
    if not attempt.is_finished:
        if attempt.user_id == current_user.id:
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

@bp.get("/manage")
@role_required(*Role.TEACHING)
def manage():

    blocks = list(db.session.scalars(select(Block).join(Course).order_by(Course.id, Block.number)))
    counts = dict(db.session.execute(select(Question.block_id, func.count()).where(Question.is_hidden.is_(False))
                                     .group_by(Question.block_id)).all())
    quizzes = {q.block_id: q for q in db.session.scalars(select(Quiz).where(Quiz.block_id.is_not(None)))}
    return render_view("quizzes/manage.html", None, blocks=blocks, counts=counts, quizzes=quizzes,
                       custom=services.managed_quizzes(current_user), form=CustomQuizForm(),
                       awaiting=len(services.grading_queue(current_user)))


@bp.post("/new")
@role_required(*Role.TEACHING)
def custom_new():
    form = CustomQuizForm()
    if not form.validate_on_submit():
        flash("Назовите тест (не короче трёх символов).", "error")
        return redirect_to("quizzes.manage")
    quiz = services.create_custom_quiz(current_user, form.title.data)
    db.session.commit()
    return redirect_to("quizzes.settings", quiz_id=quiz.id)


@bp.get("/bank/<int:block_id>")
@role_required(*Role.TEACHING)
def bank_view(block_id: int):
    block = _block_or_404(block_id)
    categories = bank.categories(block)
    questions = bank.bank_questions(block)
    quiz = db.session.scalar(select(Quiz).where(Quiz.block_id == block.id)) if block is not None else None
    return render_view("quizzes/bank.html", None, block=block, block_id=block_id, title=bank.bank_title(block),
                       categories=categories, questions=questions, quiz=quiz, types=list(QuestionType))


@bp.post("/bank/<int:block_id>/quiz")
@role_required(*Role.TEACHING)
def quiz_create(block_id: int):
    block = _block_or_404(block_id)
    if block is None:
        abort(404)
    quiz = bank.ensure_block_quiz(block)
    db.session.commit()
    return redirect_to("quizzes.settings", quiz_id=quiz.id)


def _category_choices(block) -> list[tuple[int, str]]:
    choices = [(c.id, c.name) for c in bank.categories(block)]
    return choices or [(0, bank.default_category_name(block))]


def _category_from_form(block, form: QuestionForm) -> QuestionCategory:
    if (form.new_category.data or "").strip():
        return bank.get_or_create_category(block, form.new_category.data)[0]
    category = db.session.get(QuestionCategory, form.category_id.data or 0)
    block_id = block.id if block is not None else None
    if category is None or category.block_id != block_id:
        return bank.get_or_create_category(block, None)[0]
    return category


def _question_form_view(block, block_id: int, qtype: str, question: Question | None):
    form = QuestionForm()
    form.category_id.choices = _category_choices(block)
    error = problems = None
    if request.method == "GET" and question is not None:
        form = QuestionForm(formdata=None)
        form.category_id.choices = _category_choices(block)
        form.fill(bank.gift_question(question), question.category_id)
    if form.validate_on_submit():
        category = _category_from_form(block, form)
        gift, problems = form.to_gift(qtype, category.name)
        if not problems:
            try:
                question = bank.save_question(block, question, gift, category=category, actor=current_user)
            except bank.QuestionInvalid as exc:
                db.session.rollback()
                problems = exc.messages
            else:
                db.session.commit()
                flash(f"Вопрос «{question.name}» сохранён.", "success")
                return redirect_to(url_for("quizzes.bank_view", block_id=block_id) + f"#question-{question.id}")
        if problems:
            db.session.rollback()
            error = "Вопрос не сохранён."
    form.pad(qtype)
    status = 422 if form.is_submitted() else 200
    return render_view("quizzes/question_form.html", None, status=status, form=form, block=block, block_id=block_id,
                       qtype=QuestionType(qtype), question=question, error=error, problems=problems,
                       title=bank.bank_title(block))


@bp.route("/bank/<int:block_id>/new/<qtype>", methods=["GET", "POST"])
@role_required(*Role.TEACHING)
def question_new(block_id: int, qtype: str):
    block = _block_or_404(block_id)
    if qtype not in set(QuestionType):
        abort(404)
    return _question_form_view(block, block_id, qtype, None)


@bp.route("/questions/<int:bank_question_id>/edit", methods=["GET", "POST"])
@role_required(*Role.TEACHING)
def question_edit(bank_question_id: int):
    question = _question_or_404(bank_question_id)
    block = _block_or_404(question.block_id or 0)
    return _question_form_view(block, question.block_id or 0, question.type, question)


@bp.get("/questions/<int:bank_question_id>")
@role_required(*Role.TEACHING)
def question_preview(bank_question_id: int):
    question = _question_or_404(bank_question_id)
    return render_view("quizzes/question_preview.html", None, question=question, version=question.current,
                       view=preview_view(question.current), block_id=question.block_id or 0,
                       title=bank.bank_title(_block_or_404(question.block_id or 0)))


@bp.post("/questions/<int:bank_question_id>/hide")
@role_required(*Role.TEACHING)
def question_hide(bank_question_id: int):
    question = _question_or_404(bank_question_id)
    bank.set_hidden(question, not question.is_hidden, current_user)
    db.session.commit()
    if not request.headers.get("HX-Request"):
        return redirect_to(url_for("quizzes.bank_view", block_id=question.block_id or 0) + f"#question-{question.id}")
    return render_view("quizzes/bank.html", "question_row", question=question, block_id=question.block_id or 0)


@bp.route("/bank/<int:block_id>/import", methods=["GET", "POST"])
@role_required(*Role.TEACHING)
def bank_import(block_id: int):
    block = _block_or_404(block_id)
    form = BankUploadForm()
    summary = problems = warnings = error = unsupported = None
    if form.validate_on_submit():
        try:
            summary = bank.import_bank(block, form.file.data.read(), actor=current_user,
                                       skip_unsupported=form.skip_unsupported.data)
        except bank.UnsupportedTypes as exc:
            db.session.rollback()
            unsupported, warnings = exc.message, exc.warnings
        except bank.GiftBankRejected as exc:
            db.session.rollback()
            error, problems, warnings = exc.message, exc.problems, exc.warnings
        else:
            db.session.commit()
            warnings = summary.warnings
    status = 422 if form.is_submitted() and (problems or unsupported or form.errors) else 200
    return render_view("quizzes/import.html", None, status=status, form=form, block=block, block_id=block_id,
                       title=bank.bank_title(block), summary=summary, problems=problems, warnings=warnings,
                       error=error, unsupported=unsupported)


def _bank_file_name(block, suffix: str) -> str:
    name = f"block-{block.number:02d}" if block is not None else "shared"
    return f"questions-{name}.{suffix}"


@bp.get("/bank/<int:block_id>/export.gift")
@role_required(*Role.TEACHING)
def bank_export(block_id: int):
    block = _block_or_404(block_id)
    return download(bank.export_block_bank(block).encode("utf-8"), "text/plain; charset=utf-8",
                    _bank_file_name(block, "gift"))


@bp.get("/bank/<int:block_id>/export.xml")
@role_required(*Role.TEACHING)
def bank_export_xml(block_id: int):
    block = _block_or_404(block_id)
    return download(bank.export_block_xml(block).encode("utf-8"), "application/xml; charset=utf-8",
                    _bank_file_name(block, "xml"))


@bp.get("/files/<int:version_id>/<path:name>")
@login_required
def question_file(version_id: int, name: str):
    """An image of a question version; a 404 for anyone who may not see the question."""
    version = db.get_or_404(QuestionVersion, version_id)
    if not services.can_view_question_version(current_user, version):
        abort(404)
    file = db.session.scalar(select(QuestionVersionFile).where(QuestionVersionFile.version_id == version.id,
                                                               QuestionVersionFile.name == name))
    if file is None:
        abort(404)
    response = make_response(file.blob.content)
    response.headers["Content-Type"] = file.blob.mime_type  # sniffed from the bytes when imported
    response.headers["Content-Disposition"] = "inline"
    response.headers["Cache-Control"] = "private, max-age=86400"  # a version's file never changes
    return response


# --- staff: quiz settings, overrides, results, statistics ---------------------------------------------------

def _settings_values(form: QuizSettingsForm, quiz: Quiz, categories: list[QuestionCategory]) -> dict:
    rules = []
    for category in categories:
        count = request.form.get(f"rule-{category.id}", type=int)
        if count and count > 0:
            rules.append({"category_id": category.id, "count": min(count, 200)})
    values = {
        "title": form.title.data.strip(), "description": (form.description.data or "").strip(),
        "preset": form.preset.data, "questions_per_attempt": form.questions_per_attempt.data or 0,
        "draw_rules": rules, "is_answers_shuffled": form.is_answers_shuffled.data,
        "time_limit_minutes": form.time_limit_minutes.data or None, "max_attempts": form.max_attempts.data or None,
        "grading_method": form.grading_method.data, "pass_percent": form.pass_percent.data,
        "feedback_bands": parse_bands(form.feedback_bands.data or ""), "review_when": form.review_when.data,
        "is_score_shown": form.is_score_shown.data, "is_right_answers_shown": form.is_right_answers_shown.data,
        "is_feedback_shown": form.is_feedback_shown.data, "open_at": to_utc(form.open_at.data),
        "close_at": to_utc(form.close_at.data)}
    if quiz.block_id is None:
        values["is_published"] = form.is_published.data
    return values


def _fill_settings(form: QuizSettingsForm, source) -> None:
    for name in ("title", "description", "preset", "questions_per_attempt", "is_answers_shuffled",
                 "time_limit_minutes", "max_attempts", "grading_method", "pass_percent", "review_when",
                 "is_score_shown", "is_right_answers_shown", "is_feedback_shown", "is_published"):
        getattr(form, name).data = getattr(source, name)
    form.feedback_bands.data = bands_text(source.feedback_bands)
    form.open_at.data, form.close_at.data = to_local(source.open_at), to_local(source.close_at)


@bp.route("/<int:quiz_id>/settings", methods=["GET", "POST"])
@role_required(*Role.TEACHING)
def settings(quiz_id: int):
    quiz = _managed_quiz_or_404(quiz_id)
    block = quiz.block
    categories = bank.categories(block)
    form = QuizSettingsForm()
    error = None
    rules = {r["category_id"]: r["count"] for r in quiz.draw_rules or []}
    if request.method == "GET":
        form = QuizSettingsForm(formdata=None)
        _fill_settings(form, quiz)
    elif "apply_preset" in request.form:
        # show the preset's values in the form; nothing is saved until «Сохранить»
        preview = Quiz(**{k: getattr(quiz, k) for k in services.SETTINGS_FIELDS})
        preview.title, preview.description = form.title.data or quiz.title, form.description.data or ""
        if form.preset.data in {p.value for p in Preset}:
            services.apply_preset(preview, form.preset.data)
        else:
            error = "Выберите набор настроек из списка."
        form = QuizSettingsForm(formdata=None)
        _fill_settings(form, preview)
        rules = {c.id: request.form.get(f"rule-{c.id}", type=int) or 0 for c in categories}
    elif form.validate_on_submit():
        try:
            services.update_settings(current_user, quiz, _settings_values(form, quiz, categories))
        except DomainError as exc:
            db.session.rollback()
            error = exc.message
        else:
            db.session.commit()
            flash("Настройки теста сохранены.", "success")
            return redirect_to("quizzes.settings", quiz_id=quiz.id)
    if request.method == "POST" and "apply_preset" not in request.form:
        rules = {c.id: request.form.get(f"rule-{c.id}", type=int) or 0 for c in categories}
    status = 422 if request.method == "POST" and ("apply_preset" not in request.form or error) else 200
    counts = dict(db.session.execute(select(Question.category_id, func.count()).where(
        Question.is_hidden.is_(False), Question.type != QuestionType.DESCRIPTION,
        Question.category_id.in_([c.id for c in categories])).group_by(Question.category_id)).all())
    return render_view("quizzes/settings.html", None, status=status, form=form, quiz=quiz, categories=categories,
                       rules=rules, counts=counts, error=error, presets=services.PRESET_HINTS,
                       block_id=quiz.block_id or 0)


def _override_form(quiz: Quiz) -> OverrideForm:

    form = OverrideForm()
    cohorts = list(db.session.scalars(visible_cohorts(current_user)))
    if quiz.block_id is not None:
        cohorts = [c for c in cohorts if c.course_id == quiz.block.course_id]
    form.cohort_id.choices = [(0, "— не выбрана —")] + [(c.id, c.name) for c in cohorts]
    return form


@bp.route("/<int:quiz_id>/overrides", methods=["GET", "POST"])
@role_required(*Role.TEACHING)
def overrides(quiz_id: int):
    quiz = _managed_quiz_or_404(quiz_id)
    form = _override_form(quiz)
    error = None
    if form.validate_on_submit():
        user = cohort = None
        if (form.email.data or "").strip():
            user = db.session.scalar(select(User).where(User.email == normalise_email(form.email.data),
                                                        services.learner_scope(current_user, quiz)))
            if user is None:
                error = "Сотрудник с такой почтой не найден среди ваших слушателей."
        if form.cohort_id.data and form.cohort_id.data in dict(form.cohort_id.choices):

            cohort = db.session.get(Cohort, form.cohort_id.data)
        if error is None:
            try:
                services.save_override(current_user, quiz, user=user, cohort=cohort,
                                       close_at=to_utc(form.close_at.data),
                                       time_limit_minutes=form.time_limit_minutes.data,
                                       max_attempts=form.max_attempts.data)
            except DomainError as exc:
                db.session.rollback()
                error = exc.message
            else:
                db.session.commit()
                flash("Особые условия сохранены.", "success")
                return redirect_to("quizzes.overrides", quiz_id=quiz.id)
    status = 422 if form.is_submitted() else 200
    rows = list(db.session.scalars(select(QuizOverride).where(QuizOverride.quiz_id == quiz.id)
                                   .order_by(QuizOverride.id)))
    return render_view("quizzes/overrides.html", None, status=status, quiz=quiz, form=form, rows=rows, error=error,
                       block_id=quiz.block_id or 0)


@bp.post("/overrides/<int:override_id>/delete")
@role_required(*Role.TEACHING)
def override_delete(override_id: int):
    override = db.get_or_404(QuizOverride, override_id)
    quiz = _managed_quiz_or_404(override.quiz_id)
    services.delete_override(current_user, override)
    db.session.commit()
    return redirect_to("quizzes.overrides", quiz_id=quiz.id)


@bp.get("/<int:quiz_id>/results")
@role_required(*Role.TEACHING)
def results(quiz_id: int):
    quiz = _managed_quiz_or_404(quiz_id)
    rows = services.results(current_user, quiz)
    # render before committing the attempts closed on the way: a commit expires every loaded row
    response = render_view("quizzes/results.html", None, quiz=quiz, rows=rows, block_id=quiz.block_id or 0)
    db.session.commit()
    return response


@bp.get("/<int:quiz_id>/results.<fmt>")
@role_required(*Role.TEACHING)
def results_export(quiz_id: int, fmt: str):
    quiz = _managed_quiz_or_404(quiz_id)
    rows = services.results_rows(quiz, services.results(current_user, quiz))
    db.session.commit()
    return table_download(fmt, services.RESULTS_HEADER, rows, filename=f"quiz-{quiz.id}-results",
                          sheet_title="Результаты")


@bp.get("/<int:quiz_id>/statistics")
@role_required(*Role.TEACHING)
def statistics(quiz_id: int):
    quiz = _managed_quiz_or_404(quiz_id)
    return render_view("quizzes/statistics.html", None, quiz=quiz, stats=stats.quiz_statistics(quiz),
                       block_id=quiz.block_id or 0)


# --- staff: manual grading ----------------------------------------------------------------------------------

@bp.get("/grading")
@role_required(*Role.TEACHING)
def grading_queue():
    return render_view("quizzes/grading_queue.html", None, slots=services.grading_queue(current_user))


@bp.route("/grading/<int:slot_id>", methods=["GET", "POST"])
@role_required(*Role.TEACHING)
def grade(slot_id: int):
    slot = db.get_or_404(AttemptSlot, slot_id)
    if not services.can_review(current_user, slot.attempt) or slot.version.type != QuestionType.ESSAY:
        abort(404)
    form = GradeForm()
    if request.method == "GET" and slot.manual_mark is not None:
        form.mark.data, form.comment.data = format_number(slot.manual_mark), slot.manual_comment
    error = None
    if form.validate_on_submit():
        try:
            services.grade_slot(current_user, slot, parse_number(form.mark.data), form.comment.data or "")
        except DomainError as exc:
            db.session.rollback()
            error = exc.message
        else:
            db.session.commit()
            flash("Оценка сохранена, слушатель получил уведомление.", "success")
            return redirect_to("quizzes.grading_queue")
    status = 422 if form.is_submitted() else 200
    return render_view("quizzes/grade.html", None, status=status, slot=slot, form=form, error=error,
                       view=question_view(slot), version=slot.version)
