"""Staff pages of recognition: contests and votes, thanks, the honour board, points, badges, flags, QR sheets."""
from __future__ import annotations

from flask import abort, request
from flask_login import current_user, login_required

from training.accounts import models as accounts_models
from training.accounts.models import Role, User
from training.extensions import db
from training.gamification import periods
from training.gamification.contests import flags
from training.gamification.contests import services as contests
from training.gamification.recognition import bp, services
from training.gamification.recognition.forms import BadgeForm, ThanksForm
from training.gamification.recognition.models import Badge
from training.org.models import Centre
from training.templating import NavItem, add_home_panel, add_nav_item
from training.web import page_args, redirect_to, render_view, role_required, submit

add_nav_item(NavItem("recognition.index", "Признание", "star", order=60))
add_nav_item(NavItem("contests.flags", "Проверка голосов", "log", roles=Role.SERVICE_ADMINS, on_phone=False, order=88))
add_home_panel("gamification/recognition/_home_panel.html", order=30)


def _person_or_404(user_id: int) -> User:
    person = db.get_or_404(User, user_id)
    if not services.can_view_person(current_user, person):
        abort(404)
    return person


# --- hub and contests -------------------------------------------------------------------------------------

@bp.get("/")
@login_required
def index():
    mine = contests.open_contests_for(current_user)
    centre = current_user.centre
    return render_view("gamification/recognition/index.html", None, mine=mine, centre=centre,
                       cup=contests.cup_holder(centre) if centre else None,
                       history=contests.centre_history(centre, limit=3) if centre else [],
                       points_month=services.points_total(current_user, periods.period_bounds(
                           periods.current_period())[0]),
                       points_all=services.points_total(current_user),
                       can_open=bool(contests.manageable_centres(current_user)),
                       can_review=flags.can_review(current_user),
                       has_window=contests.client_vote_employee_ok(current_user))


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
    return render_view("gamification/recognition/thanks.html", "notes", tab=tab, tabs=THANKS_TABS, items=items,
                       notes=notes, awards=awards or [], public_label=accounts_models.public_label)


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

    def thank() -> User:
        recipient = db.session.get(User, form.recipient_id.data)
        services.give_thanks(current_user, recipient, form.text.data)
        return recipient

    return submit(form, thank,
                  message=lambda recipient: f"Спасибо отправлено: {recipient.full_name} получит уведомление.",
                  on_success=lambda recipient: redirect_to("recognition.person", user_id=recipient.id),
                  template="gamification/recognition/thanks_new.html")


# --- people, badges, boards -------------------------------------------------------------------------------

def _render_person(person: User, badge_form: BadgeForm | None = None, status: int = 200, error: str | None = None):
    is_self = person.id == current_user.id
    can_award = services.can_award_badges(current_user, person)
    sees_details = is_self or (person.centre is not None and contests.can_manage_centre(current_user, person.centre))
    if can_award and badge_form is None:
        badge_form = BadgeForm()
    if badge_form is not None:
        badge_form.badge_id.choices = [("", "— выберите —")] + [
            (b.id, b.name) for b in services.grantable_badges(current_user)]
    return render_view(
        "gamification/recognition/person.html", None, status=status, person=person, is_self=is_self,
        awards=contests.person_awards(person), badges=services.badges_of(person),
        notes=services.thanks_received(person, limit=30),
        points_all=services.points_total(person),
        entries=services.point_entries(person) if sees_details else [],
        comments=contests.client_comments(person) if sees_details else [],
        client_votes_month=contests.client_votes_this_month(person) if sees_details else None,
        can_thank=services.can_thank(current_user, person), badge_form=badge_form if can_award else None,
        error=error, has_sheet=contests.client_vote_employee_ok(person) and (is_self or can_award))


@bp.get("/people/<int:user_id>")
@login_required
def person(user_id: int):
    return _render_person(_person_or_404(user_id))


@bp.post("/people/<int:user_id>/badges")
@role_required(*Role.SUPERVISORS)
def award_badge(user_id: int):
    person = _person_or_404(user_id)
    if not services.can_award_badges(current_user, person):
        abort(403)
    form = BadgeForm()
    form.badge_id.choices = [("", "")] + [(b.id, b.name) for b in services.catalogue() if b.is_manual]
    def award() -> Badge:
        badge = db.session.get(Badge, form.badge_id.data)
        services.award_badge_by_hand(current_user, person, badge, form.reason.data)
        return badge

    return submit(form, award, message=lambda badge: f"Знак «{badge.name}» присвоен.",
                  on_success=lambda _: redirect_to("recognition.person", user_id=person.id),
                  rule_status=True,  # «уже есть знак» answers 400
                  page=lambda error, status: _render_person(person, form, status=status, error=error))


@bp.get("/badges")
@login_required
def badges():
    # the catalogue is reference data: `flask seed reference` writes it (a GET writes nothing)
    return render_view("gamification/recognition/badges.html", None, badges=services.catalogue())


def _chosen_centre() -> Centre | None:
    centres = contests.viewable_centres(current_user)
    wanted = request.args.get("centre_id", type=int)
    if wanted:
        centre = db.session.get(Centre, wanted)
        if centre is None or not contests.can_view_centre(current_user, centre):
            abort(404)
        return centre
    return current_user.centre or (centres[0] if centres else None)


@bp.get("/board")
@login_required
def board():
    centre = _chosen_centre()
    ctx = {"centre": centre, "centres": contests.viewable_centres(current_user),
           "public_label": accounts_models.public_label}
    if centre is not None:
        ctx.update(cup=contests.cup_holder(centre), recent=contests.recent_awards(centre),
                   holders=services.title_holders(centre), history=contests.centre_history(centre))
    return render_view("gamification/recognition/board.html", None, **ctx)


@bp.get("/points")
@login_required
def points():
    centre = _chosen_centre()
    period = "all" if request.args.get("period") == "all" else "month"
    since = periods.period_bounds(periods.current_period())[0] if period == "month" else None
    rows = services.leaderboard(centre, current_user, since) if centre else []
    return render_view("gamification/recognition/points.html", "board", centre=centre, rows=rows, period=period,
                       centres=contests.viewable_centres(current_user),
                       my_total=services.points_total(current_user, since),
                       entries=services.point_entries(current_user, limit=10))


# --- flags ------------------------------------------------------------------------------------------------


# --- client-vote sheets and the window code ---------------------------------------------------------------
