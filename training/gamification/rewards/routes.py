"""Rewards (/recognition/rewards): the catalogue and the balance, spending points, HR's catalogue, grants,
register and letters; the hall page of the month's winners (public, rate-limited) and its printable poster."""
from __future__ import annotations

from flask import abort, current_app, request
from flask_login import current_user, login_required

from training.accounts import scopes
from training.accounts.models import Role
from training.extensions import db, limiter
from training.gamification.rewards import bp
from training.gamification.rewards import services as rewards
from training.gamification.rewards.forms import FulfilForm, GrantForm, LetterForm, RewardForm, SpendForm
from training.gamification.rewards.models import Reward, RewardGrant
from training.org.models import Centre
from training.web import download, public, public_url, redirect_to, render_view, role_required, submit


def _index_page(*, status: int = 200, error: str | None = None):
    return render_view("gamification/rewards/index.html", None, status=status, error=error,
                       balance=rewards.balance(current_user), items=rewards.catalogue(current_user.regional_service_id),
                       grants=rewards.my_grants(current_user), form=SpendForm(formdata=None),
                       can_manage=rewards.can_manage(current_user, current_user.regional_service_id),
                       hall_centre=current_user.centre)


@bp.get("/rewards")
@login_required
def index():
    return _index_page()


@bp.post("/rewards/spend")
@login_required
def spend():
    form = SpendForm()
    reward = db.session.get(Reward, int(form.reward_id.data)) \
        if form.validate_on_submit() and str(form.reward_id.data).isdigit() else None
    if reward is None or reward.regional_service_id != current_user.regional_service_id:
        abort(404)
    return submit(None, lambda: rewards.spend(current_user, reward),
                  message=f"Готово: «{reward.name}» ваша. Кадровая служба свяжется с вами, чтобы вручить её.",
                  on_success=lambda _: redirect_to("rewards.index"),
                  page=lambda error, status: _index_page(status=status, error=error))


# --- HR: the catalogue ----------------------------------------------------------------------------------------------

def _manage_page(form: RewardForm, reward: Reward | None = None, *, status: int = 200, error: str | None = None):
    return render_view("gamification/rewards/manage.html", None, status=status, form=form, reward=reward, error=error,
                       items=rewards.catalogue(current_user.regional_service_id, include_inactive=True))


def _save(form: RewardForm, reward: Reward | None):
    return submit(form, lambda: rewards.save_reward(
                      current_user, current_user.regional_service_id, reward, name=form.name.data,
                      description=form.description.data or "", cost=form.cost.data, stock=form.stock.data,
                      is_active=form.is_active.data),
                  message=lambda saved: f"Награда «{saved.name}» сохранена.",
                  on_success=lambda _: redirect_to("rewards.manage"),
                  page=lambda error, status: _manage_page(form, reward, status=status, error=error))


@bp.route("/rewards/manage", methods=["GET", "POST"])
@role_required(*Role.SERVICE_ADMINS)
def manage():
    return _save(RewardForm(formdata=request.form if request.method == "POST" else None), None)


@bp.route("/rewards/manage/<int:reward_id>", methods=["GET", "POST"])
@role_required(*Role.SERVICE_ADMINS)
def edit(reward_id: int):
    reward = db.get_or_404(Reward, reward_id)
    if not rewards.can_manage(current_user, reward.regional_service_id) or \
            reward.regional_service_id != current_user.regional_service_id:
        abort(404)
    return _save(RewardForm(formdata=request.form if request.method == "POST" else None, obj=reward), reward)


# --- HR: grants, the register, letters ------------------------------------------------------------------------------

def _grant_form(formdata=None) -> GrantForm:
    form = GrantForm(formdata=formdata)
    form.reward_id.choices = [(r.id, r.name) for r in rewards.catalogue(current_user.regional_service_id)]
    return form


def _register_page(*, grant_form=None, letter_form=None, status: int = 200, error: str | None = None):
    return render_view("gamification/rewards/register.html", None, status=status, error=error,
                       grants=rewards.register(current_user), grant_form=grant_form or _grant_form(),
                       letter_form=letter_form or LetterForm(formdata=None), fulfil_form=FulfilForm(formdata=None))


@bp.get("/rewards/register")
@role_required(*Role.SERVICE_ADMINS)
def register():
    return _register_page()


@bp.post("/rewards/grant")
@role_required(*Role.SERVICE_ADMINS)
def grant():
    form = _grant_form(request.form)

    def give():
        person = rewards.find_person(current_user, form.person.data)
        return rewards.grant(current_user, person, db.session.get(Reward, form.reward_id.data), form.reason.data)

    return submit(form, give, message="Награда записана в реестр, сотрудник получил уведомление.",
                  on_success=lambda _: redirect_to("rewards.register"),
                  page=lambda error, status: _register_page(grant_form=form, status=status, error=error))


@bp.post("/rewards/fulfil")
@role_required(*Role.SERVICE_ADMINS)
def fulfil():
    form = FulfilForm()
    row = db.session.get(RewardGrant, int(form.grant_id.data)) \
        if form.validate_on_submit() and str(form.grant_id.data).isdigit() else None
    if row is None or not rewards.can_manage(current_user, row.regional_service_id):
        abort(404)
    return submit(None, lambda: rewards.fulfil(current_user, row), message="Отмечено: награда вручена.",
                  on_success=lambda _: redirect_to("rewards.register"),
                  page=lambda error, status: _register_page(status=status, error=error))


@bp.post("/rewards/letter")
@role_required(*Role.SERVICE_ADMINS)
def letter():
    form = LetterForm()

    def issue():
        person = rewards.find_person(current_user, form.person.data)
        return rewards.issue_letter(current_user, person, form.kind.data, form.text.data)

    return submit(form, issue, message="Документ оформлен: его можно скачать и распечатать.",
                  on_success=lambda document: redirect_to("certificates.detail", certificate_id=document.id),
                  page=lambda error, status: _register_page(letter_form=form, status=status, error=error))


# --- the hall -------------------------------------------------------------------------------------------------------

def _hall_limit() -> str:
    return current_app.config.get("HALL_PUBLIC_RATE_LIMIT", "120 per hour")


@bp.get("/hall/<int:centre_id>")
@public
@limiter.limit(_hall_limit)
def hall(centre_id: int):
    """The month's winners for the screen in the centre's hall: names only of those who consented."""
    centre = db.get_or_404(Centre, centre_id)
    period = rewards.hall_period(request.args.get("month"))
    return render_view("gamification/rewards/hall.html", None, centre=centre, period=period,
                       winners=rewards.hall_winners(centre, period))


@bp.get("/hall/<int:centre_id>/poster")
@role_required(*Role.SUPERVISORS)
def poster(centre_id: int):
    centre = db.get_or_404(Centre, centre_id)
    if not scopes.can_view_centre(current_user, centre):
        abort(404)
    period = rewards.hall_period(request.args.get("month"))
    data = rewards.poster_pdf(centre, period, rewards.hall_winners(centre, period),
                              public_url("rewards.hall", centre_id=centre.id, month=period.key))
    return download(data, "application/pdf", f"winners-{centre.id}-{period.key}.pdf", inline=True)

