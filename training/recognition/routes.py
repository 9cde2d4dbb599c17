"""Staff pages of recognition: contests and votes, thanks, the honour board, points, badges, flags, QR sheets."""
from __future__ import annotations

from flask import abort, current_app, flash, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from training.accounts.models import Role, User
from training.db import utcnow
from training.errors import DomainError
from training.extensions import db
from training.org.models import Centre, Department
from training.recognition import (
    bp,
    flags,
    listeners,  # noqa: F401  (connects the points listeners)
    services,
)
from training.recognition.codes import sheet_signature
from training.recognition.forms import BadgeForm, ContestForm, EmptyForm, FlagReviewForm, ThanksForm, VoteForm
from training.recognition.models import Badge, Contest, Flag
from training.recognition.pdf import SheetEntry, qr_svg_data_uri, vote_sheets_pdf
from training.templating import NavItem, add_home_panel, add_nav_item
from training.web import download, page_args, redirect_to, render_view, role_required

CONTEST_MANAGERS = (Role.MANAGER, Role.HR, Role.ADMIN)
FLAG_REVIEWERS = (Role.HR, Role.ADMIN)

add_nav_item(NavItem("recognition.index", "Признание", "star", order=60))
add_nav_item(NavItem("recognition.flags", "Проверка голосов", "log", roles=FLAG_REVIEWERS, on_phone=False, order=88))
add_home_panel("recognition/_home_panel.html", order=30)


@bp.app_template_global()
def recognition_open_contests_for(user) -> list[tuple[Contest, bool]]:
    """Open contests the user votes in, with whether they have voted (for the home panel)."""
    if not user.is_authenticated or not user.centre_id:
        return []
    contests = db.session.scalars(select(Contest).where(Contest.centre_id == user.centre_id,
                                                        Contest.status == "open"))
    return [(c, services.my_vote(c, user) is not None) for c in contests if services.is_member(user, c)]


@bp.app_template_filter("period_label")
def _period_label(period: str) -> str:
    return services.period_label(period)


def _public_url(endpoint: str, **values) -> str:
    base = current_app.config.get("PUBLIC_BASE_URL")
    if base:
        return base.rstrip("/") + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def _contest_or_404(contest_id: int) -> Contest:
    contest = db.get_or_404(Contest, contest_id)
    if not services.can_view_contest(current_user, contest):
        abort(404)
    return contest


def _person_or_404(user_id: int) -> User:
    person = db.get_or_404(User, user_id)
    if not services.can_view_person(current_user, person):
        abort(404)
    return person


# --- hub and contests -------------------------------------------------------------------------------------

@bp.get("/")
@login_required
def index():
    mine = recognition_open_contests_for(current_user)
    centre = current_user.centre
    return render_view("recognition/index.html", None, mine=mine, centre=centre,
                       cup=services.cup_holder(centre) if centre else None,
                       history=services.centre_history(centre, limit=3) if centre else [],
                       points_month=services.points_total(current_user, services.period_bounds(
                           services.current_period())[0]),
                       points_all=services.points_total(current_user),
                       can_open=bool(services.manageable_centres(current_user)),
                       can_review=flags.can_review(current_user),
                       has_window=services.client_vote_employee_ok(current_user))


@bp.get("/contests")
@login_required
def contests():
    page, per_page = page_args()
    query = services.visible_contests(current_user).options(selectinload(Contest.centre),
                                                             selectinload(Contest.department))
    items = db.paginate(query, page=page, per_page=per_page, error_out=False)
    return render_view("recognition/contests.html", None, items=items,
                       can_open=bool(services.manageable_centres(current_user)))


def _scope_choices(user: User) -> list[tuple[str, str]]:
    choices = []
    for centre in services.manageable_centres(user):
        choices.append((f"c:{centre.id}", f"{centre.name} — весь центр"))
        choices.extend((f"d:{d.id}", f"{centre.name} — {d.name}") for d in centre.departments)
    return choices


@bp.route("/contests/new", methods=["GET", "POST"])
@role_required(*CONTEST_MANAGERS)
def contest_new():
    form = ContestForm()
    form.scope.choices = _scope_choices(current_user)
    this_month = services.current_period()
    form.period.choices = [(p, services.period_label(p)) for p in (this_month, services.next_period(this_month))]
    if request.method == "GET":
        form.period.data = this_month
    error = None
    if form.validate_on_submit():
        kind, _, raw_id = form.scope.data.partition(":")
        department = db.session.get(Department, int(raw_id)) if kind == "d" else None
        centre = department.centre if department else db.session.get(Centre, int(raw_id))
        try:
            contest = services.open_contest(current_user, centre=centre, department=department,
                                            period=form.period.data)
        except DomainError as exc:
            db.session.rollback()
            error = exc.message
        else:
            db.session.commit()
            flash("Конкурс открыт. Сотрудники получили приглашение проголосовать.", "success")
            return redirect_to("recognition.contest", contest_id=contest.id)
    status = 422 if form.is_submitted() else 200
    return render_view("recognition/contest_new.html", None, status=status, form=form, error=error)


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
        return services.NO_CONSENT_LABEL

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
    return render_view("recognition/contest.html", None, status=status, contest=contest, form=form, vote=vote,
                       is_member=is_member, error=error, voters=voters, members=members,
                       can_manage=services.can_manage_contest(current_user, contest),
                       voting_started=services.period_bounds(contest.period)[0] <= utcnow(),
                       results=_results_view(contest), close_form=EmptyForm(),
                       tie_break_rule=services.TIE_BREAK_RULE, title_rule=services.TITLE_RULE)


@bp.get("/contests/<int:contest_id>")
@login_required
def contest(contest_id: int):
    return _render_contest(_contest_or_404(contest_id))


@bp.post("/contests/<int:contest_id>/vote")
@login_required
def vote(contest_id: int):
    contest = _contest_or_404(contest_id)
    form = VoteForm()
    form.nominee_id.choices = [("", "")] + [(u.id, u.full_name) for u in services.candidates(contest, current_user)]
    if not form.validate_on_submit():
        return _render_contest(contest, form, status=422)
    had_vote = services.my_vote(contest, current_user) is not None
    try:
        services.cast_vote(current_user, contest, db.session.get(User, form.nominee_id.data), form.reason.data or "")
    except DomainError as exc:
        db.session.rollback()
        return _render_contest(contest, form, error=exc.message, status=exc.status_code)
    db.session.commit()
    flash("Голос изменён. Изменить его можно до закрытия конкурса." if had_vote else
          "Голос учтён. Изменить его можно до закрытия конкурса.", "success")
    return redirect_to("recognition.contest", contest_id=contest.id)


@bp.post("/contests/<int:contest_id>/close")
@role_required(*CONTEST_MANAGERS)
def contest_close(contest_id: int):
    contest = _contest_or_404(contest_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.close_contest(current_user, contest)  # DomainError → error page, rolled back
    db.session.commit()
    flash("Итоги подведены: результаты закреплены и больше не меняются.", "success")
    return redirect_to("recognition.contest", contest_id=contest.id)


# --- thanks -----------------------------------------------------------------------------------------------

THANKS_TABS = {"showcase": "Витрина успеха", "received": "Мне", "given": "От меня"}


@bp.get("/thanks")
@login_required
def thanks():
    tab = request.args.get("tab", "showcase")
    if tab not in THANKS_TABS:
        tab = "showcase"
    page, per_page = page_args()
    items = awards = None
    notes = []
    if tab == "showcase":
        items = db.paginate(services.showcase(current_user), page=page, per_page=per_page, error_out=False)
        notes = items.items
        awards = services.showcase_awards(current_user) if page == 1 else []
    elif tab == "received":
        notes = services.thanks_received(current_user)
    else:
        notes = services.thanks_given_by(current_user)
    return render_view("recognition/thanks.html", "notes", tab=tab, tabs=THANKS_TABS, items=items, notes=notes,
                       awards=awards or [], public_label=services.public_label)


@bp.route("/thanks/new", methods=["GET", "POST"])
@login_required
def thanks_new():
    form = ThanksForm()
    people = services.thank_candidates(current_user)
    form.recipient_id.choices = [("", "— выберите коллегу —")] + [
        (u.id, f"{u.full_name}{' · ' + u.position if u.position else ''}") for u in people]
    if request.method == "GET":
        wanted = request.args.get("to", type=int)
        if wanted and any(u.id == wanted for u in people):
            form.recipient_id.data = wanted
    error = None
    if form.validate_on_submit():
        recipient = db.session.get(User, form.recipient_id.data)
        try:
            services.give_thanks(current_user, recipient, form.text.data)
        except DomainError as exc:
            db.session.rollback()
            error = exc.message
        else:
            db.session.commit()
            flash(f"Спасибо отправлено: {recipient.full_name} получит уведомление.", "success")
            return redirect_to("recognition.person", user_id=recipient.id)
    status = 422 if form.is_submitted() else 200
    return render_view("recognition/thanks_new.html", None, status=status, form=form, error=error)


# --- people, badges, boards -------------------------------------------------------------------------------

def _render_person(person: User, badge_form: BadgeForm | None = None, status: int = 200, error: str | None = None):
    is_self = person.id == current_user.id
    can_award = services.can_award_badges(current_user, person)
    sees_details = is_self or (person.centre is not None and services.can_manage_centre(current_user, person.centre))
    if can_award and badge_form is None:
        badge_form = BadgeForm()
    if badge_form is not None:
        badge_form.badge_id.choices = [("", "— выберите —")] + [
            (b.id, b.name) for b in services.catalogue() if b.is_manual]
    return render_view(
        "recognition/person.html", None, status=status, person=person, is_self=is_self,
        awards=services.person_awards(person), badges=services.badges_of(person),
        notes=services.thanks_received(person, limit=30),
        points_all=services.points_total(person),
        entries=services.point_entries(person) if sees_details else [],
        comments=services.client_comments(person) if sees_details else [],
        client_votes_month=services.client_votes_this_month(person) if sees_details else None,
        can_thank=services.can_thank(current_user, person), badge_form=badge_form if can_award else None,
        error=error, has_sheet=services.client_vote_employee_ok(person) and (is_self or can_award))


@bp.get("/people/<int:user_id>")
@login_required
def person(user_id: int):
    return _render_person(_person_or_404(user_id))


@bp.post("/people/<int:user_id>/badges")
@role_required(*CONTEST_MANAGERS)
def award_badge(user_id: int):
    person = _person_or_404(user_id)
    if not services.can_award_badges(current_user, person):
        abort(403)
    form = BadgeForm()
    form.badge_id.choices = [("", "")] + [(b.id, b.name) for b in services.catalogue() if b.is_manual]
    if not form.validate_on_submit():
        return _render_person(person, form, status=422)
    badge = db.session.get(Badge, form.badge_id.data)
    try:
        services.award_badge_by_hand(current_user, person, badge, form.reason.data)
    except DomainError as exc:
        db.session.rollback()
        return _render_person(person, form, status=exc.status_code, error=exc.message)
    db.session.commit()
    flash(f"Знак «{badge.name}» присвоен.", "success")
    return redirect_to("recognition.person", user_id=person.id)


@bp.get("/badges")
@login_required
def badges():
    if services.ensure_badge_catalogue():  # reference data normally comes from `flask seed reference`
        db.session.commit()
    return render_view("recognition/badges.html", None, badges=services.catalogue())


def _chosen_centre() -> Centre | None:
    centres = services.viewable_centres(current_user)
    wanted = request.args.get("centre_id", type=int)
    if wanted:
        centre = db.session.get(Centre, wanted)
        if centre is None or not services.can_view_centre(current_user, centre):
            abort(404)
        return centre
    return current_user.centre or (centres[0] if centres else None)


@bp.get("/board")
@login_required
def board():
    centre = _chosen_centre()
    ctx = {"centre": centre, "centres": services.viewable_centres(current_user), "public_label": services.public_label}
    if centre is not None:
        ctx.update(cup=services.cup_holder(centre), recent=services.recent_awards(centre),
                   holders=services.title_holders(centre), history=services.centre_history(centre))
    return render_view("recognition/board.html", None, **ctx)


@bp.get("/points")
@login_required
def points():
    centre = _chosen_centre()
    period = "all" if request.args.get("period") == "all" else "month"
    since = services.period_bounds(services.current_period())[0] if period == "month" else None
    rows = services.leaderboard(centre, current_user, since) if centre else []
    return render_view("recognition/points.html", "board", centre=centre, rows=rows, period=period,
                       centres=services.viewable_centres(current_user),
                       my_total=services.points_total(current_user, since),
                       entries=services.point_entries(current_user, limit=10))


# --- flags ------------------------------------------------------------------------------------------------

@bp.get("/flags", endpoint="flags")
@role_required(*FLAG_REVIEWERS)
def flags_index():
    state = request.args.get("state", "open")
    reviewed = {"open": False, "reviewed": True}.get(state)
    page, per_page = page_args()
    items = db.paginate(flags.visible_flags(current_user, reviewed=reviewed), page=page, per_page=per_page,
                        error_out=False)
    people_ids = {f.subject_user_id for f in items.items if f.subject_user_id}
    people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(people_ids)))} if people_ids else {}
    return render_view("recognition/flags.html", None, items=items, state=state, people=people,
                       form=FlagReviewForm(), rules={"burst_votes": flags.BURST_VOTES,
                                                     "burst_minutes": flags.BURST_MINUTES,
                                                     "bloc_share": int(flags.BLOC_SHARE * 100),
                                                     "bloc_min": flags.BLOC_MIN_VOTERS,
                                                     "mutual_min": flags.MUTUAL_MIN_CONTESTS})


@bp.post("/flags/<int:flag_id>/review")
@role_required(*FLAG_REVIEWERS)
def flag_review(flag_id: int):
    flag = db.get_or_404(Flag, flag_id)
    if not flags.can_see_flag(current_user, flag):
        abort(404)
    form = FlagReviewForm()
    if not form.validate_on_submit():
        flash(" ".join(form.note.errors) or "Запишите вывод проверки.", "error")
        return redirect_to("recognition.flags")
    flags.review_flag(current_user, flag, form.note.data)
    db.session.commit()
    flash("Отметка рассмотрена.", "success")
    return redirect_to("recognition.flags")


# --- client-vote sheets and the window code ---------------------------------------------------------------

def _sheet_entry(person: User) -> SheetEntry:
    place = person.centre.name if person.centre else ""
    return SheetEntry(name=person.full_name, position=person.position or "", place=place,
                      url=_public_url("client_vote.vote", employee_id=person.id, sig=sheet_signature(person.id)))


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
@role_required(*CONTEST_MANAGERS)
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
        url = _public_url("client_vote.vote", employee_id=current_user.id, sig=sheet_signature(current_user.id), k=code)
        ctx.update(code=code, valid_until=valid_until, url=url, qr=qr_svg_data_uri(url),
                   votes_month=services.client_votes_this_month(current_user))
    return render_view("recognition/window.html", "code_panel", **ctx)
