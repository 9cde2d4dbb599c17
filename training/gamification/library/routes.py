"""«Библиотека клиентоцентричности» (/team/library): search, cases, likes, the committee's moderation."""
from __future__ import annotations

from flask import abort, request
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from training.extensions import db
from training.gamification.committee import services as committee
from training.gamification.library import bp
from training.gamification.library import services as library
from training.gamification.library.forms import CaseForm, ModerationForm
from training.gamification.library.models import CaseStatus, LibraryCase
from training.web import int_or, page_args, redirect_to, render_view, submit


def _case_or_404(case_id: int) -> LibraryCase:
    case = db.get_or_404(LibraryCase, case_id)
    if not library.can_view(current_user, case):
        abort(404)
    return case


@bp.get("/library")
@login_required
def index():
    q = (request.args.get("q") or "").strip()[:200]
    group_id, touchpoint_id = int_or(request.args.get("group")) or None, int_or(request.args.get("touchpoint")) or None
    kind = request.args.get("kind") or None
    order = "liked" if request.args.get("order") == "liked" else "new"
    page, per_page = page_args()
    query = library.search(current_user, q=q, client_group_id=group_id, touchpoint_id=touchpoint_id, kind=kind,
                           order=order).options(selectinload(LibraryCase.author), selectinload(LibraryCase.centre))
    listing = db.paginate(query, page=page, per_page=per_page, error_out=False)
    filters = {"q": q, "group": group_id or "", "touchpoint": touchpoint_id or "", "kind": kind or "",
               "order": order}
    return render_view("gamification/library/index.html", "results", listing=listing, filters=filters,
                       likes=library.like_counts([case.id for case in listing.items]),
                       groups=library.client_groups(), touchpoints=library.touchpoints(),
                       is_committee=committee.can_act(current_user, current_user.regional_service_id))


def _case_form(formdata=None, obj=None) -> CaseForm:
    form = CaseForm(formdata=formdata, obj=obj)
    form.client_group_id.choices = [(0, "—")] + [(g.id, g.name) for g in library.client_groups()]
    form.touchpoint_id.choices = [(0, "—")] + [(t.id, t.name) for t in library.touchpoints()]
    if obj is not None and formdata is None:
        form.client_group_id.data = obj.client_group_id or 0
        form.touchpoint_id.data = obj.touchpoint_id or 0
    return form


def _case_values(form: CaseForm) -> dict:
    return {"kind": form.kind.data, "title": form.title.data, "situation": form.situation.data,
            "action": form.action.data, "result": form.result.data,
            "client_group_id": form.client_group_id.data or None, "touchpoint_id": form.touchpoint_id.data or None}


@bp.route("/library/new", methods=["GET", "POST"])
@login_required
def create():
    form = _case_form(formdata=request.form if request.method == "POST" else None)
    return submit(form, lambda: library.submit_case(current_user, **_case_values(form)),
                  message="Кейс отправлен в комитет клиентоцентричности на модерацию.",
                  on_success=lambda case: redirect_to("library.detail", library_case_id=case.id),
                  template="gamification/library/form.html", case=None)


@bp.route("/library/<int:library_case_id>/edit", methods=["GET", "POST"])
@login_required
def edit(library_case_id: int):
    case = _case_or_404(library_case_id)
    if case.author_id != current_user.id:
        abort(403, "Править кейс может только его автор.")
    form = _case_form(formdata=request.form if request.method == "POST" else None, obj=case)
    return submit(form, lambda: library.edit_case(current_user, case, **_case_values(form)),
                  message="Кейс снова на модерации.",
                  on_success=lambda _: redirect_to("library.detail", library_case_id=case.id),
                  template="gamification/library/form.html", case=case)


@bp.get("/library/<int:library_case_id>")
@login_required
def detail(library_case_id: int):
    case = _case_or_404(library_case_id)
    return render_view("gamification/library/detail.html", None, case=case, likes=library.like_count(case),
                       liked=library.has_liked(current_user, case),
                       can_moderate=case.status == CaseStatus.SUBMITTED and case.author_id != current_user.id
                       and committee.can_act(current_user, case.regional_service_id),
                       moderation_form=ModerationForm(formdata=None))


@bp.post("/library/<int:library_case_id>/like")
@login_required
def like(library_case_id: int):
    case = _case_or_404(library_case_id)

    def liked(_):
        if request.headers.get("HX-Request"):
            return render_view("gamification/library/_like.html", None, case=case, likes=library.like_count(case),
                               liked=library.has_liked(current_user, case))
        return redirect_to("library.detail", library_case_id=case.id)

    return submit(None, lambda: library.set_like(current_user, case, request.form.get("liked", "1") != "0"),
                  on_success=liked, page=lambda error, status: abort(status, error))


@bp.get("/library/mine")
@login_required
def mine():
    return render_view("gamification/library/mine.html", None, cases=library.my_cases(current_user))


@bp.get("/library/moderation")
@login_required
def moderation():
    committee.ensure_can_act(current_user, current_user.regional_service_id)
    return render_view("gamification/library/moderation.html", None, cases=library.moderation_queue(current_user))


@bp.post("/library/<int:library_case_id>/moderate")
@login_required
def moderate(library_case_id: int):
    case = _case_or_404(library_case_id)
    committee.ensure_can_act(current_user, case.regional_service_id)
    form = ModerationForm()

    def refused(error: str | None, status: int):
        if error:
            form.comment.errors = [error]
        return render_view("gamification/library/detail.html", None, status=status, case=case,
                           likes=library.like_count(case), liked=False,
                           can_moderate=error is None or case.status == CaseStatus.SUBMITTED, moderation_form=form)

    return submit(form, lambda: library.moderate(current_user, case, publish=form.decision.data == "publish",
                                                 comment=form.comment.data),
                  message=lambda _: "Кейс опубликован." if case.status == CaseStatus.PUBLISHED
                  else "Кейс возвращён автору.",
                  on_success=lambda _: redirect_to("library.moderation"), page=refused)
