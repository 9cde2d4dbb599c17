"""Staff pages of the quizzes blueprint: question banks and questions (import and export in GIFT, Moodle XML and
Aiken), quiz settings, overrides, results, statistics and manual grading. The learner's pages are in routes.py."""
from __future__ import annotations

from flask import abort, flash, make_response, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from training.accounts.models import Role, User, normalise_email
from training.courses.models import Block, Cohort, Course
from training.courses.services import visible_cohorts
from training.errors import DomainError
from training.extensions import db
from training.quizzes import bank, bp, live, services, stats
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
from training.quizzes.lookups import (
    block_or_404,
    editable_block_or_404,
    managed_quiz_or_404,
    overseen_quiz_or_404,
    question_or_404,
)
from training.quizzes.models import (
    AttemptSlot,
    Preset,
    Question,
    QuestionCategory,
    QuestionVersion,
    QuestionVersionFile,
    Quiz,
    QuizOverride,
)
from training.quizzes.presenters import preview_view, question_view
from training.quizzes.question_types import QuestionType
from training.tabular import table_download
from training.web import download, redirect_to, render_view, role_required, submit


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
    block = block_or_404(block_id)
    categories = bank.categories(block)
    questions = bank.bank_questions(block)
    quiz = db.session.scalar(select(Quiz).where(Quiz.block_id == block.id)) if block is not None else None
    return render_view("quizzes/bank.html", None, block=block, block_id=block_id, title=bank.bank_title(block),
                       categories=categories, questions=questions, quiz=quiz, types=list(QuestionType))


@bp.post("/bank/<int:block_id>/quiz")
@role_required(*Role.TEACHING)
def quiz_create(block_id: int):
    block = editable_block_or_404(block_id)
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
    block = editable_block_or_404(block_id)
    if qtype not in set(QuestionType):
        abort(404)
    return _question_form_view(block, block_id, qtype, None)


@bp.route("/questions/<int:bank_question_id>/edit", methods=["GET", "POST"])
@role_required(*Role.TEACHING)
def question_edit(bank_question_id: int):
    question = question_or_404(bank_question_id)
    block = editable_block_or_404(question.block_id or 0)
    return _question_form_view(block, question.block_id or 0, question.type, question)


@bp.get("/questions/<int:bank_question_id>")
@role_required(*Role.TEACHING)
def question_preview(bank_question_id: int):
    question = question_or_404(bank_question_id)
    return render_view("quizzes/question_preview.html", None, question=question, version=question.current,
                       view=preview_view(question.current), block_id=question.block_id or 0,
                       title=bank.bank_title(block_or_404(question.block_id or 0)))


@bp.post("/questions/<int:bank_question_id>/hide")
@role_required(*Role.TEACHING)
def question_hide(bank_question_id: int):
    question = question_or_404(bank_question_id)
    editable_block_or_404(question.block_id or 0)
    bank.set_hidden(question, not question.is_hidden, current_user)
    db.session.commit()
    if not request.headers.get("HX-Request"):
        return redirect_to(url_for("quizzes.bank_view", block_id=question.block_id or 0) + f"#question-{question.id}")
    return render_view("quizzes/bank.html", "question_row", question=question, block_id=question.block_id or 0)


@bp.route("/bank/<int:block_id>/import", methods=["GET", "POST"])
@role_required(*Role.TEACHING)
def bank_import(block_id: int):
    block = editable_block_or_404(block_id)
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
    block = block_or_404(block_id)
    return download(bank.export_block_bank(block).encode("utf-8"), "text/plain; charset=utf-8",
                    _bank_file_name(block, "gift"))


@bp.get("/bank/<int:block_id>/export.xml")
@role_required(*Role.TEACHING)
def bank_export_xml(block_id: int):
    block = block_or_404(block_id)
    return download(bank.export_block_xml(block).encode("utf-8"), "application/xml; charset=utf-8",
                    _bank_file_name(block, "xml"))


@bp.get("/files/<int:version_id>/<path:name>")
@login_required
def question_file(version_id: int, name: str):
    """An image of a question version; a 404 for anyone who may not see the question."""
    version = db.get_or_404(QuestionVersion, version_id)
    if not live.can_view_question_version(current_user, version):
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
    quiz = managed_quiz_or_404(quiz_id)
    block = quiz.block
    categories = bank.categories(block)

    def page(form: QuizSettingsForm, rules: dict, error: str | None, status: int):
        counts = dict(db.session.execute(select(Question.category_id, func.count()).where(
            Question.is_hidden.is_(False), Question.type != QuestionType.DESCRIPTION,
            Question.category_id.in_([c.id for c in categories])).group_by(Question.category_id)).all())
        return render_view("quizzes/settings.html", None, status=status, form=form, quiz=quiz,
                           categories=categories, rules=rules, counts=counts, error=error,
                           presets=services.PRESET_HINTS, block_id=quiz.block_id or 0)

    if request.method == "GET":
        form = QuizSettingsForm(formdata=None)
        _fill_settings(form, quiz)
        rules = {r["category_id"]: r["count"] for r in quiz.draw_rules or []}
    else:
        form = QuizSettingsForm()
        rules = {c.id: request.form.get(f"rule-{c.id}", type=int) or 0 for c in categories}
    if "apply_preset" in request.form:
        # show the preset's values in the form; nothing is saved until «Сохранить»
        preview = Quiz(**{k: getattr(quiz, k) for k in services.SETTINGS_FIELDS})
        preview.title, preview.description = form.title.data or quiz.title, form.description.data or ""
        error = None
        if form.preset.data in {p.value for p in Preset}:
            services.apply_preset(preview, form.preset.data)
        else:
            error = "Выберите набор настроек из списка."
        form = QuizSettingsForm(formdata=None)
        _fill_settings(form, preview)
        return page(form, rules, error, 422 if error else 200)
    return submit(form, lambda: services.update_settings(current_user, quiz, _settings_values(form, quiz, categories)),
                  message="Настройки теста сохранены.",
                  on_success=lambda _: redirect_to("quizzes.settings", quiz_id=quiz.id),
                  page=lambda error, status: page(form, rules, error, status))


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
    quiz = overseen_quiz_or_404(quiz_id)
    form = _override_form(quiz)

    def save():
        user = cohort = None
        if (form.email.data or "").strip():
            user = db.session.scalar(select(User).where(User.email == normalise_email(form.email.data),
                                                        services.learner_scope(current_user, quiz)))
            if user is None:
                raise DomainError("Сотрудник с такой почтой не найден среди ваших слушателей.")
        if form.cohort_id.data and form.cohort_id.data in dict(form.cohort_id.choices):
            cohort = db.session.get(Cohort, form.cohort_id.data)
        return services.save_override(current_user, quiz, user=user, cohort=cohort,
                                      close_at=to_utc(form.close_at.data),
                                      time_limit_minutes=form.time_limit_minutes.data,
                                      max_attempts=form.max_attempts.data)

    return submit(form, save, message="Особые условия сохранены.",
                  on_success=lambda _: redirect_to("quizzes.overrides", quiz_id=quiz.id),
                  template="quizzes/overrides.html", quiz=quiz, block_id=quiz.block_id or 0,
                  context=lambda: {"rows": services.visible_overrides(current_user, quiz)})


@bp.post("/overrides/<int:override_id>/delete")
@role_required(*Role.TEACHING)
def override_delete(override_id: int):
    override = db.get_or_404(QuizOverride, override_id)
    quiz = overseen_quiz_or_404(override.quiz_id)
    if not services.override_in_scope(current_user, override):
        abort(404)  # another service's override does not exist for this viewer
    services.delete_override(current_user, override)
    db.session.commit()
    return redirect_to("quizzes.overrides", quiz_id=quiz.id)


@bp.get("/<int:quiz_id>/results")
@role_required(*Role.TEACHING)
def results(quiz_id: int):
    quiz = overseen_quiz_or_404(quiz_id)
    return render_view("quizzes/results.html", None, quiz=quiz, rows=services.results(current_user, quiz),
                       block_id=quiz.block_id or 0)


@bp.get("/<int:quiz_id>/results.<fmt>")
@role_required(*Role.TEACHING)
def results_export(quiz_id: int, fmt: str):
    quiz = overseen_quiz_or_404(quiz_id)
    rows = services.results_rows(quiz, services.results(current_user, quiz))
    return table_download(fmt, services.RESULTS_HEADER, rows, filename=f"quiz-{quiz.id}-results",
                          sheet_title="Результаты")


@bp.get("/<int:quiz_id>/statistics")
@role_required(*Role.TEACHING)
def statistics(quiz_id: int):
    quiz = overseen_quiz_or_404(quiz_id)
    return render_view("quizzes/statistics.html", None, quiz=quiz,
                       stats=stats.quiz_statistics(quiz, services.statistics_scope(current_user, quiz)),
                       block_id=quiz.block_id or 0)


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
    return submit(form, lambda: services.grade_slot(current_user, slot, parse_number(form.mark.data),
                                                    form.comment.data or ""),
                  message="Оценка сохранена, слушатель получил уведомление.",
                  on_success=lambda _: redirect_to("quizzes.grading_queue"), template="quizzes/grade.html",
                  slot=slot, view=question_view(slot), version=slot.version)
