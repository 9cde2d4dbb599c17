"""Views of what a lesson carries besides its text (issue 18): the slide deck (page and PDF), «Проверь себя», the
block's cheat sheet, and the course's introduction, glossary and literature. None of them writes anything."""
from __future__ import annotations

from flask import abort, request, send_file
from flask_login import current_user, login_required

from training.courses import attachments, bp, services
from training.courses.calculator import METRICS, ROWS, calculate
from training.courses.kit import cheatsheet_pdf
from training.courses.lesson_extras import check_self_answer
from training.courses.lookups import ALL_CONTENT, LESSON, learning_context, lesson_context
from training.courses.models import CaseSubmission
from training.courses.slides import deck_pdf
from training.errors import DomainError
from training.extensions import db
from training.web import download, render_view, submit


def _course():
    enrolment = services.enrolment_of(current_user)
    return enrolment.cohort.course if enrolment else services.the_course()


@bp.get("/block/<int:number>/slides")
@login_required
def slides(number: int):
    block, _ = learning_context(number, content=ALL_CONTENT)
    if not block.slides:
        abort(404)
    return render_view("courses/slides.html", None, block=block, diagrams={d["slug"]: d for d in block.diagrams})


@bp.get("/block/<int:number>/slides.pdf")
@login_required
def slides_pdf(number: int):
    block, _ = learning_context(number, content=ALL_CONTENT)
    if not block.slides:
        abort(404)
    data = deck_pdf(course_title=block.course.short_title, number=block.number, slides=block.slides,
                    diagrams={d["slug"]: d for d in block.diagrams})
    return download(data, "application/pdf", f"blok-{block.number:02d}-prezentatsiya.pdf")


@bp.get("/block/<int:number>/cheatsheet.pdf", endpoint="cheatsheet_pdf")
@login_required
def cheatsheet_pdf_view(number: int):
    block, _ = learning_context(number, content=ALL_CONTENT)
    if not block.cheatsheet:
        abort(404)
    data = cheatsheet_pdf(course_title=block.course.short_title, number=block.number, title=block.title,
                          takeaways=block.takeaways, lines=block.cheatsheet)
    return download(data, "application/pdf", f"shpargalka-blok-{block.number:02d}.pdf")


@bp.post("/block/<int:number>/self-check/<int:index>")
@login_required
def self_check(number: int, index: int):
    """One «Проверь себя» answer: feedback for the chosen options. Ungraded: nothing is stored or counted."""
    block, enrolment, state = lesson_context(number, content=LESSON)
    if not 0 <= index < len(block.self_check):
        abort(404)
    chosen = [int(v) for v in request.form.getlist("option") if v.isdecimal() and len(v) < 4]
    ctx = {"block": block, "enrolment": enrolment, "item": block.self_check[index], "index": index,
           "answer_index": index, "state": state}
    return submit(None, lambda: check_self_answer(block.self_check, index, chosen),
                  on_success=lambda answer: render_view("courses/lesson.html", "self_check_item", answer=answer,
                                                        error=None, **ctx),
                  template="courses/lesson.html", partial="self_check_item", answer=None, **ctx)


@bp.get("/about")
@login_required
def about():
    return render_view("courses/about.html", None, course=_course())


@bp.get("/glossary")
@login_required
def glossary():
    return render_view("courses/glossary.html", None, course=_course())


@bp.get("/literature")
@login_required
def literature():
    return render_view("courses/literature.html", None, course=_course())


@bp.get("/calculator")
@login_required
def calculator():
    """CES, CSI, NPS, FCR / Net FCR, IQS, eNPS with the working shown; a form's htmx request gets only its result."""
    code = request.args.get("metric", "")
    working = error = None
    if code in METRICS:
        try:  # a GET that writes nothing: a refused value is only a message beside the form
            working = calculate(code, request.args)
        except DomainError as exc:
            error = exc.message
    return render_view("courses/calculator.html", "result" if code in METRICS else None,
                       status=422 if error else 200, metrics=METRICS, rows=ROWS, active=code, working=working,
                       error=error, values=request.args)


@bp.get("/case/<int:submission_id>/attachment")
@login_required
def case_attachment(submission_id: int):
    """A case answer's photo or scan: for the learner, the cohort's teachers and HR in scope; a 404 for others."""
    submission = db.get_or_404(CaseSubmission, submission_id)
    if not submission.attachment_sha256 or not services.can_download_attachment(current_user, submission):
        abort(404)
    path = attachments.path_for(submission.attachment_sha256)
    if not path.is_file():
        abort(404)
    extension = submission.attachment_name.rsplit(".", 1)[-1].lower() if submission.attachment_name else "bin"
    return send_file(path, mimetype=submission.attachment_mime, as_attachment=True,
                     download_name=f"case-{submission.id}.{extension}", etag=submission.attachment_sha256)
