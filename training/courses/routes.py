from datetime import date

from flask import abort, current_app, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from training.accounts import scopes
from training.accounts.models import Role, User
from training.accounts.scopes import visible_staff
from training.accounts.staff import services as staff_services
from training.courses import attachments, bp, services
from training.courses.forms import (
    AnswerForm,
    CaseAnswerForm,
    CaseGradeForm,
    CaseTemplateForm,
    CohortEditForm,
    CohortForm,
    DiscussionForm,
    EnrolForm,
    QuestionForm,
)
from training.courses.lookups import LESSON, cohort_or_404, learning_context, lesson_context
from training.courses.models import Block, CaseSubmission, Cohort, Enrolment, Stage, TeacherQuestion
from training.errors import DomainError
from training.extensions import db, htmx
from training.materials import storage
from training.org import services as org_services
from training.tabular import table_download
from training.templating import NavItem, add_home_panel, add_nav_item
from training.web import page_args, redirect_to, render_view, role_required, submit

add_nav_item(NavItem("courses.index", "Обучение", "book", order=10))
add_nav_item(NavItem("courses.teacher_queue", "Проверка", "log", roles=(Role.TEACHER,), order=20))
add_nav_item(NavItem("courses.cohorts", "Группы", "people", roles=Role.SUPERVISORS, on_phone=False,
                     order=30))
add_home_panel("courses/_next_step.html", order=10)
add_home_panel("courses/_teacher_todo.html", roles=(Role.TEACHER,), order=5)
add_home_panel("courses/_overdue_learners.html", roles=Role.SUPERVISORS, order=6)


@bp.app_template_global()
def course_overview_for(user):
    """For the home-page panel: the learner's overview, or None when they are not enrolled."""
    return services.overview_of(user)


@bp.app_template_global()
def teacher_todo_for(user):
    """For the teacher's home page: (questions without an answer, cases waiting for grading), oldest first."""
    return services.teacher_queue(user)


@bp.app_template_global()
def overdue_learners_for(user):
    """For a supervisor's home page: learners past their cohort's deadline."""
    return services.overdue_learners(user)


# --- learner ----------------------------------------------------------------------------------------------

@bp.get("/")
@login_required
def index():
    enrolment = services.enrolment_of(current_user)
    course = enrolment.cohort.course if enrolment else services.the_course()
    overview = services.learner_overview(enrolment) if enrolment else None
    return render_view("courses/index.html", None, course=course, overview=overview)


@bp.get("/block/<int:number>")
@login_required
def block(number: int):
    block, enrolment, state = lesson_context(number, content=LESSON)
    return render_view("courses/lesson.html", None, block=block, enrolment=enrolment, state=state)


@bp.post("/block/<int:number>/opened")
@login_required
def lesson_opened(number: int):
    """«Урок открыт»: the lesson page posts it on load, once (the GET of the page writes nothing); htmx swaps
    nothing, a plain POST goes back to the lesson."""
    block, enrolment = learning_context(number)
    if enrolment is None:
        abort(403)
    return submit(None, lambda: services.is_block_open(enrolment, block) and services.open_lesson(enrolment, block),
                  on_success=lambda _: ("", 200) if htmx else redirect_to("courses.block", number=number))


@bp.post("/block/<int:number>/studied")
@login_required
def mark_studied(number: int):
    block, enrolment = learning_context(number)
    if enrolment is None:
        abort(403)
    services.complete_stage(enrolment, block, Stage.LESSON)
    db.session.commit()
    return render_view("courses/lesson.html", "studied", block=block, enrolment=enrolment,
                       state=services.block_state(current_user, block))


@bp.route("/block/<int:number>/discuss", methods=["GET", "POST"])
@login_required
def discuss(number: int):
    block, enrolment = learning_context(number)
    question_form, post_form = QuestionForm(prefix="q"), DiscussionForm(prefix="d")

    def send() -> str:
        if enrolment is None:
            abort(403)
        if "q-text" in request.form and question_form.validate():
            services.ask_teacher(enrolment, block, question_form.text.data)
            return "questions"
        if "d-text" in request.form and post_form.validate():
            services.post_discussion(enrolment, block, post_form.text.data, topic=_topic_number())
            return "discussion"
        raise DomainError("Сообщение пустое.")

    def page() -> dict:
        topic = _topic_number()
        if topic is not None and not 1 <= topic <= len(block.discussion_prompts):
            topic = None
        return {"questions": services.my_questions(enrolment, block) if enrolment else [],
                "posts": services.discussion(block, enrolment.cohort_id) if enrolment else [], "topic": topic,
                "state": services.block_state(current_user, block)}

    return submit(None, send, on_success=lambda anchor: redirect_to(
                      url_for("courses.discuss", number=number) + f"#{anchor}"),
                  message=lambda anchor: ("Вопрос отправлен преподавателю. Ответ придёт в уведомления."
                                          if anchor == "questions" else None),
                  template="courses/discuss.html", block=block, enrolment=enrolment, question_form=question_form,
                  post_form=post_form, context=page)


def _topic_number() -> int | None:
    """The discussion prompt a message answers: ``?topic=N`` on the page, ``d-topic`` in the form."""
    raw = request.form.get("d-topic") or request.args.get("topic") or ""
    return int(raw) if raw.isdecimal() and len(raw) < 3 else None


@bp.route("/block/<int:number>/case", methods=["GET", "POST"])
@login_required
def case(number: int):
    block, enrolment = learning_context(number)
    template = block.case.answer_template if block.case else []
    form = CaseTemplateForm() if template else CaseAnswerForm()

    def send():
        if enrolment is None:
            abort(403)
        values = [request.form.get(f"t-{i}", "") for i in range(len(template))] if template else None
        return services.submit_case(enrolment, block, "" if template else form.answer.data, template_values=values,
                                    attachment=_uploaded_attachment())

    return submit(form, send, message="Ответ отправлен на проверку преподавателю.",
                  on_success=lambda _: redirect_to(url_for("courses.case", number=number)),
                  template="courses/case.html", block=block, enrolment=enrolment, quiz_url=_quiz_url(block),
                  values=request.form, max_attachment=storage.megabytes(attachments.max_bytes()),
                  context=lambda: {"submissions": services.case_submissions(enrolment, block) if enrolment else [],
                                   "state": services.block_state(current_user, block)})


def _uploaded_attachment() -> attachments.Upload | None:
    """The photo or scan from the form, read up to one byte past the limit (so an oversize file is refused)."""
    file = request.files.get("attachment")
    if file is None or not file.filename:
        return None
    return attachments.Upload(file.filename, file.stream.read(attachments.max_bytes() + 1))


def _quiz_url(block: Block) -> str | None:
    """The block's quiz page, when the quizzes domain provides one."""

    if "quizzes.block_quiz" in current_app.view_functions:
        return url_for("quizzes.block_quiz", block_id=block.id)
    return None


# --- teacher ----------------------------------------------------------------------------------------------

@bp.get("/teach")
@role_required(*Role.TEACHING)
def teacher_queue():
    questions, cases = services.teacher_queue(current_user)
    return render_view("courses/teacher_queue.html", None, questions=questions, cases=cases)


@bp.route("/teach/question/<int:question_id>", methods=["GET", "POST"])
@role_required(*Role.TEACHING)
def answer_question(question_id: int):
    question = db.get_or_404(TeacherQuestion, question_id)
    if not services.can_teach_cohort(current_user, question.cohort):
        abort(404)
    form = AnswerForm(obj=question)
    return submit(form, lambda: services.answer_question(current_user, question, form.answer.data),
                  message="Ответ отправлен.", on_success=lambda _: redirect_to("courses.teacher_queue"),
                  template="courses/answer_question.html", question=question)


@bp.route("/teach/case/<int:submission_id>", methods=["GET", "POST"])
@role_required(*Role.TEACHING)
def grade_case(submission_id: int):
    submission = db.get_or_404(CaseSubmission, submission_id)
    if not services.can_teach_cohort(current_user, submission.enrolment.cohort):
        abort(404)
    form = CaseGradeForm()
    case = submission.block.case

    def grade():
        values = [request.form.get(f"criterion-{i}", "") for i in range(len(case.rubric) if case else 0)]
        return services.grade_case(current_user, submission, accept=form.decision.data == "accept",
                                   comment=form.comment.data or "",
                                   criteria_points=services.read_criteria(case, values))

    return submit(form, grade, message="Оценка сохранена, слушатель получил уведомление.",
                  on_success=lambda _: redirect_to("courses.teacher_queue"), template="courses/grade_case.html",
                  submission=submission, case=case, values=request.form,
                  context=lambda: {"history": services.case_submissions(submission.enrolment, submission.block)})


# --- HR: cohorts, enrolment, progress --------------------------------------------------------------------

def _teacher_choices() -> list[tuple[int, str]]:
    query = (select(User).where(User.is_active, scopes.viewable_condition(
        current_user, service=User.regional_service_id, members=scopes.Level.SERVICE)).order_by(User.full_name))
    return [(u.id, u.full_name) for u in db.session.scalars(query) if u.has_role(Role.TEACHER)]


@bp.route("/cohorts", methods=["GET", "POST"])
@role_required(*Role.SERVICE_ADMINS, Role.MANAGER)
def cohorts():
    form = CohortForm()
    form.teacher_ids.choices = _teacher_choices()
    if request.method == "POST" and not current_user.has_role(*Role.SERVICE_ADMINS):
        abort(403)
    if not form.is_submitted() and not form.start_date.data:
        form.start_date.data = date.today()

    def page() -> dict:
        page, per_page = page_args()
        listing = db.paginate(services.visible_cohorts(current_user), page=page, per_page=per_page, error_out=False)
        # one grouped count for the page, not one load of every cohort's enrolments
        learner_counts = dict(db.session.execute(
            select(Enrolment.cohort_id, func.count()).where(Enrolment.cohort_id.in_([c.id for c in listing.items]))
            .group_by(Enrolment.cohort_id)).all())
        return {"cohorts": listing, "learner_counts": learner_counts}

    return submit(form, lambda: services.create_cohort(
                      current_user, services.the_course(), name=form.name.data, start_date=form.start_date.data,
                      months=form.months.data, is_sequential=form.is_sequential.data,
                      teacher_ids=form.teacher_ids.data),
                  on_success=lambda cohort: redirect_to("courses.cohort_enrol", cohort_id=cohort.id),
                  template="courses/cohorts.html", context=page)


def _scoped_report(cohort: Cohort):
    rows = services.cohort_report(cohort)
    if not current_user.has_role(*Role.SERVICE_ADMINS):  # a centre manager sees only their centre's learners
        rows = [r for r in rows if r.user.centre_id == current_user.centre_id]
    status = request.args.get("status")
    if status in {"отстаёт", "просрочено", "не начал", "завершил", "по графику"}:
        rows = [r for r in rows if r.status == status]
    elif status == "problem":
        rows = [r for r in rows if r.status in {"отстаёт", "просрочено", "не начал"}]
    return rows


@bp.get("/cohorts/<int:cohort_id>")
@role_required(*Role.COHORT_VIEWERS)
def cohort_detail(cohort_id: int):
    cohort = cohort_or_404(cohort_id)
    rows = _scoped_report(cohort)
    counts = {}
    for row in services.cohort_report(cohort):
        counts[row.status] = counts.get(row.status, 0) + 1
    return render_view("courses/cohort_detail.html", "learners", cohort=cohort, rows=rows, counts=counts,
                       can_manage=services.can_manage_cohort(current_user, cohort),
                       status_filter=request.args.get("status"))


@bp.get("/cohorts/<int:cohort_id>/export.<fmt>")
@role_required(*Role.COHORT_VIEWERS)
def cohort_export(cohort_id: int, fmt: str):
    cohort = cohort_or_404(cohort_id)
    return table_download(fmt, services.REPORT_HEADER, services.report_rows(_scoped_report(cohort)),
                          filename=f"cohort-{cohort.id}-progress", sheet_title="Прогресс")


@bp.route("/cohorts/<int:cohort_id>/edit", methods=["GET", "POST"])
@role_required(*Role.SERVICE_ADMINS)
def cohort_edit(cohort_id: int):
    cohort = cohort_or_404(cohort_id, manage=True)
    form = CohortEditForm(obj=cohort)
    form.teacher_ids.choices = _teacher_choices()
    if request.method == "GET" or form.teacher_ids.data is None:
        # an empty POST carries no form data: WTForms then reads the cohort, which has no teacher_ids
        form.teacher_ids.data = [t.id for t in cohort.teachers]
    return submit(form, lambda: services.update_cohort(
                      current_user, cohort, name=form.name.data, is_sequential=form.is_sequential.data,
                      is_auto_certificate=form.is_auto_certificate.data, teacher_ids=form.teacher_ids.data),
                  on_success=lambda _: redirect_to("courses.cohort_detail", cohort_id=cohort.id),
                  template="courses/cohort_edit.html", cohort=cohort)


@bp.route("/cohorts/<int:cohort_id>/enrol", methods=["GET", "POST"])
@role_required(*Role.SERVICE_ADMINS)
def cohort_enrol(cohort_id: int):
    cohort = cohort_or_404(cohort_id, manage=True)
    form = EnrolForm()
    centres = [c for c in scopes.visible_centres(current_user)
               if c.regional_service_id == cohort.regional_service_id]
    form.centre_id.choices = [(c.id, c.name) for c in centres]
    form.department_id.choices = [(d.id, f"{d.centre.name} / {d.name}")
                                  for d in org_services.departments_for_service(cohort.regional_service_id)]
    q = request.args.get("q", "")
    candidates = []
    if q:

        candidates = list(db.session.scalars(staff_services.search_staff(
            visible_staff(current_user).where(User.regional_service_id == cohort.regional_service_id), q=q).limit(30)))
    form.user_ids.choices = [(u.id, u.full_name) for u in candidates] or [
        (int(v), "") for v in request.form.getlist("user_ids") if v.isdecimal()]

    def enrol():
        people = services.people_for_enrolment(
            current_user, user_ids=form.user_ids.data if form.mode.data == "people" else None,
            department_id=form.department_id.data if form.mode.data == "department" else None,
            centre_id=form.centre_id.data if form.mode.data == "centre" else None)
        people = [p for p in people if p.regional_service_id == cohort.regional_service_id]
        if not people:
            raise DomainError("Никого не выбрано.")
        return services.enrol(current_user, cohort, people)

    ctx = {"cohort": cohort, "candidates": candidates, "q": q}
    return submit(form, enrol, on_success=lambda result: render_view(
                      "courses/enrol.html", "candidates", form=form, result=result, error=None, **ctx),
                  template="courses/enrol.html", partial="candidates", result=None, **ctx)
