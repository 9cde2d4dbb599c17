"""«Сотрудник месяца» pages (/recognition/contests…), the vote sheets with QR codes, the code at the window and
the review of gaming flags."""
from __future__ import annotations

from flask import abort, flash, request
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from training.accounts import models as recognition
from training.accounts.models import Role, User
from training.db import utcnow
from training.extensions import db
from training.forms import EmptyForm
from training.gamification import periods
from training.gamification.contests import bp, flags, services
from training.gamification.contests.codes import sheet_signature
from training.gamification.contests.forms import ContestForm, FlagReviewForm, VoteForm
from training.gamification.contests.models import Contest, Flag
from training.gamification.contests.pdf import SheetEntry, qr_svg_data_uri, vote_sheets_pdf
from training.org.models import Centre, Department
from training.web import download, page_args, public_url, redirect_to, render_view, role_required, submit


@bp.app_template_global()
def recognition_open_contests_for(user) -> list[tuple[Contest, bool]]:
    """Open contests the user votes in, with whether they have voted (for the home panel)."""
    return services.open_contests_for(user)


@bp.app_template_filter("period_label")
def _period_label(period: str) -> str:
    return periods.period_label(period)


def _contest_or_404(contest_id: int) -> Contest:
    contest = db.get_or_404(Contest, contest_id, options=[joinedload(Contest.centre)])
    if not services.can_view_contest(current_user, contest):
        abort(404)
    return contest


@bp.get("/contests")
@login_required
def index():
    page, per_page = page_args()
    query = services.visible_contests(current_user).options(selectinload(Contest.centre),
                                                             selectinload(Contest.department))
    items = db.paginate(query, page=page, per_page=per_page, error_out=False)
    return render_view("gamification/contests/index.html", None, items=items,
                       can_open=bool(services.manageable_centres(current_user)))


def _scope_choices(user: User) -> list[tuple[str, str]]:
    choices = []
    for centre in services.manageable_centres(user):
        choices.append((f"c:{centre.id}", f"{centre.name} — весь центр"))
        choices.extend((f"d:{d.id}", f"{centre.name} — {d.name}") for d in centre.departments)
    return choices


@bp.route("/contests/new", methods=["GET", "POST"])
@role_required(*Role.SUPERVISORS)
def create():
    form = ContestForm()
    form.scope.choices = _scope_choices(current_user)
    this_month = periods.current_period()
    form.period.choices = [(p, periods.period_label(p)) for p in (this_month, periods.next_period(this_month))]
    if request.method == "GET":
        form.period.data = this_month

    def open_contest():
        kind, _, raw_id = form.scope.data.partition(":")
        department = db.session.get(Department, int(raw_id)) if kind == "d" else None
        centre = department.centre if department else db.session.get(Centre, int(raw_id))
        return services.open_contest(current_user, centre=centre, department=department, period=form.period.data)

    return submit(form, open_contest, message="Конкурс открыт. Сотрудники получили приглашение проголосовать.",
                  on_success=lambda contest: redirect_to("contests.detail", contest_id=contest.id),
                  template="gamification/contests/create.html")


def _results_view(contest: Contest) -> dict | None:
    """The frozen snapshot, with names hidden where the person has not consented (managers see all)."""
    results = contest.results
    if not results:
        return None
    sees_all = services.can_manage_contest(current_user, contest)
    ids = {r["user_id"] for track in ("colleagues", "clients") for r in results[track]}
    people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}

    def label(user_id: int, stored_name: str) -> str:
        person = people.get(user_id)
        if sees_all or user_id == current_user.id or (person is not None and person.is_public_consent):
            return stored_name
        return recognition.NO_CONSENT_LABEL

    view = {"tracks": {}, "winners": {}, "analysis": [], "raw": results}
    for track in ("colleagues", "clients"):
        view["tracks"][track] = [{**r, "label": label(r["user_id"], r["name"])} for r in results[track]]
    for kind, winner in results["winners"].items():
        view["winners"][kind] = {**winner, "label": label(winner["user_id"], winner["name"])} if winner else None
    view["analysis"] = [{**r, "label": label(r["user_id"], r["name"])} for r in results["analysis"]["table"]]
    view["can_see_names"] = sees_all
    return view


def _render_contest(contest: Contest, form: VoteForm | None = None, *, error: str | None = None, status: int = 200):
    is_member = services.is_member(current_user, contest)
    vote = services.my_vote(contest, current_user) if is_member else None
    if form is None and contest.is_open and is_member:
        form = VoteForm()
        if vote is not None:
            form.nominee_id.data = vote.nominee_id
            form.reason.data = vote.reason
    if form is not None:
        form.nominee_id.choices = [("", "— выберите коллегу —")] + [
            (u.id, f"{u.full_name}{' · ' + u.department.name if u.department and not contest.department_id else ''}")
            for u in services.candidates(contest, current_user)]
    voters, members = services.turnout(contest)
    return render_view("gamification/contests/detail.html", None, status=status, contest=contest, form=form, vote=vote,
                       is_member=is_member, error=error, voters=voters, members=members,
                       can_manage=services.can_manage_contest(current_user, contest),
                       voting_started=periods.period_bounds(contest.period)[0] <= utcnow(),
                       results=_results_view(contest), close_form=EmptyForm(),
                       tie_break_rule=services.TIE_BREAK_RULE, title_rule=services.TITLE_RULE)


@bp.get("/contests/<int:contest_id>")
@login_required
def detail(contest_id: int):
    return _render_contest(_contest_or_404(contest_id))


@bp.post("/contests/<int:contest_id>/vote")
@login_required
def vote(contest_id: int):
    contest = _contest_or_404(contest_id)
    form = VoteForm()
    people = services.candidates(contest, current_user)
    form.nominee_id.choices = [("", "")] + [(u.id, u.full_name) for u in people]
    # the vote as it stands, read once: for the message and for cast_vote, which does not read it again
    had_vote = services.my_vote(contest, current_user) if form.is_submitted() else None
    return submit(form, lambda: services.cast_vote(current_user, contest,
                                                   next((u for u in people if u.id == form.nominee_id.data), None),
                                                   form.reason.data or "", current=had_vote),
                  message="Голос изменён. Изменить его можно до закрытия конкурса." if had_vote is not None else
                          "Голос учтён. Изменить его можно до закрытия конкурса.",
                  on_success=lambda _: redirect_to("contests.detail", contest_id=contest_id), rule_status=True,
                  page=lambda error, status: _render_contest(contest, form, error=error, status=status))


@bp.post("/contests/<int:contest_id>/close")
@role_required(*Role.SUPERVISORS)
def close(contest_id: int):
    contest = _contest_or_404(contest_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.close_contest(current_user, contest)  # DomainError → error page, rolled back
    db.session.commit()
    flash("Итоги подведены: результаты закреплены и больше не меняются.", "success")
    return redirect_to("contests.detail", contest_id=contest.id)


@bp.get("/flags", endpoint="flags")
@role_required(*Role.SERVICE_ADMINS)
def flags_index():
    state = request.args.get("state", "open")
    reviewed = {"open": False, "reviewed": True}.get(state)
    page, per_page = page_args()
    items = db.paginate(flags.visible_flags(current_user, reviewed=reviewed), page=page, per_page=per_page,
                        error_out=False)
    people_ids = {f.subject_user_id for f in items.items if f.subject_user_id}
    people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(people_ids)))} if people_ids else {}
    return render_view("gamification/contests/flags.html", None, items=items, state=state, people=people,
                       form=FlagReviewForm(), rules={"burst_votes": flags.BURST_VOTES,
                                                     "burst_minutes": flags.BURST_MINUTES,
                                                     "bloc_share": int(flags.BLOC_SHARE * 100),
                                                     "bloc_min": flags.BLOC_MIN_VOTERS,
                                                     "mutual_min": flags.MUTUAL_MIN_CONTESTS})


@bp.post("/flags/<int:flag_id>/review")
@role_required(*Role.SERVICE_ADMINS)
def flag_review(flag_id: int):
    flag = db.get_or_404(Flag, flag_id)
    if not flags.can_see_flag(current_user, flag):
        abort(404)
    form = FlagReviewForm()
    if not form.validate_on_submit():
        flash(" ".join(form.note.errors) or "Запишите вывод проверки.", "error")
        return redirect_to("contests.flags")
    flags.review_flag(current_user, flag, form.note.data)
    released = services.release_held_results(current_user, db.session.get(Contest, flag.contest_id)
                                             if flag.contest_id else None)
    db.session.commit()
    flash("Отметка рассмотрена." + (" Итоги конкурса утверждены, победители награждены." if released else ""),
          "success")
    return redirect_to("contests.flags")


def _sheet_entry(person: User) -> SheetEntry:
    place = person.centre.name if person.centre else ""
    return SheetEntry(name=person.full_name, position=person.position or "", place=place,
                      url=public_url("client_vote.vote", employee_id=person.id, sig=sheet_signature(person.id)))


def _pdf_response(data: bytes, filename: str):
    return download(data, "application/pdf", filename, inline=True)


@bp.get("/sheets/<int:user_id>.pdf")
@login_required
def sheet(user_id: int):
    person = db.get_or_404(User, user_id)
    allowed = person.id == current_user.id or (person.centre is not None
                                               and services.can_manage_centre(current_user, person.centre))
    if not allowed or not services.client_vote_employee_ok(person):
        abort(404)
    return _pdf_response(vote_sheets_pdf([_sheet_entry(person)]), f"vote-sheet-{person.id}.pdf")


@bp.get("/centres/<int:centre_id>/sheets.pdf")
@role_required(*Role.SUPERVISORS)
def centre_sheets(centre_id: int):
    centre = db.get_or_404(Centre, centre_id)
    if not services.can_manage_centre(current_user, centre):
        abort(404)
    staff = list(db.session.scalars(select(User).where(User.centre_id == centre.id, User.is_active)
                                    .order_by(User.full_name)))
    if not staff:
        abort(404, "В центре нет сотрудников.")
    return _pdf_response(vote_sheets_pdf([_sheet_entry(p) for p in staff]), f"vote-sheets-centre-{centre.id}.pdf")


@bp.get("/window")
@login_required
def window():
    ctx = {"available": services.client_vote_employee_ok(current_user)}
    if ctx["available"]:
        code, valid_until = services.current_code(current_user)
        ctx.update(code=code, valid_until=valid_until, votes_month=services.client_votes_this_month(current_user))
        if code:
            url = public_url("client_vote.vote", employee_id=current_user.id, sig=sheet_signature(current_user.id),
                             k=code)
            ctx.update(url=url, qr=qr_svg_data_uri(url))
    return render_view("gamification/contests/window.html", "code_panel", **ctx)
