"""Peer ratings (/team/ratings): the deck of colleagues, «как меня видят», the aspects HR configures.
Anonymity: rated ids travel in the POST body, never in the URL, and nothing here logs who rated whom."""
from __future__ import annotations

from flask import abort, flash, request, url_for
from flask_login import current_user, login_required

from training.accounts.models import Role, User
from training.errors import DomainError
from training.extensions import db
from training.gamification.ratings import bp
from training.gamification.ratings import services as ratings
from training.gamification.ratings.forms import AspectForm, RatingForm
from training.gamification.ratings.models import RatingAspect
from training.web import int_or, redirect_to, render_view, role_required, submit


def _card_context(offset: int, *, error: str | None = None, saved: bool = False) -> dict:
    cards = ratings.deck(current_user)
    offset = max(0, offset)
    card = cards[offset] if offset < len(cards) else None
    return {"card": card, "offset": offset, "remaining": max(0, len(cards) - offset), "total": len(cards),
            "aspects": ratings.aspects_for(current_user.regional_service_id),
            "error": error, "saved": saved, "interval_days": ratings.interval_days()}


@bp.get("/ratings")
@login_required
def deck():
    return render_view("gamification/ratings/deck.html", "card", **_card_context(int_or(request.args.get("skip"))))


@bp.post("/ratings")
@login_required
def rate():
    offset = int_or(request.form.get("skip"))
    if request.form.get("action") == "skip":
        if request.headers.get("HX-Request"):
            return render_view("gamification/ratings/deck.html", "card", **_card_context(offset + 1))
        return redirect_to(url_for("ratings.deck", skip=offset + 1))
    form = RatingForm()

    def rate_colleague():
        rated = db.session.get(User, form.rated_id.data)
        if rated is None:
            raise DomainError("Коллега не найден.")
        scores = {aspect.id: int_or(request.form.get(f"aspect-{aspect.id}"))
                  for aspect in ratings.aspects_for(current_user.regional_service_id)}
        return ratings.submit_rating(current_user, rated, scores)

    def rated(_):
        if request.headers.get("HX-Request"):
            # the rated colleague left the deck, so the same offset shows the next card
            return render_view("gamification/ratings/deck.html", "card", **_card_context(offset, saved=True))
        flash("Оценка сохранена анонимно.", "success")
        return redirect_to(url_for("ratings.deck", skip=offset))

    return submit(form, rate_colleague, on_success=rated,
                  page=lambda error, status: render_view(
                      "gamification/ratings/deck.html", "card", status=status,
                      **_card_context(offset, error=error or "Карточка устарела: обновите страницу.")))


@bp.get("/ratings/me")
@login_required
def me():
    return render_view("gamification/ratings/me.html", None, seen=ratings.how_seen(current_user))


def _aspect_page(form: AspectForm, *, status: int = 200, error: str | None = None):
    service_id = current_user.regional_service_id
    own = ratings.has_own_aspects(service_id)
    return render_view("gamification/ratings/aspects.html", None, status=status, form=form, error=error, own=own,
                       aspects=ratings.all_aspects(service_id),
                       can_edit=own or current_user.has_role(Role.ADMIN))


@bp.route("/ratings/aspects", methods=["GET", "POST"])
@role_required(*Role.SERVICE_ADMINS)
def aspects():
    form = AspectForm()

    def add_aspect():
        service_id = current_user.regional_service_id
        owner = service_id if ratings.has_own_aspects(service_id) else None
        return ratings.save_aspect(current_user, None, service_id=owner, code=form.code.data, name=form.name.data,
                                   description=form.description.data or "", is_active=form.is_active.data,
                                   sort_order=form.sort_order.data or 0)

    return submit(form, add_aspect, message="Аспект добавлен.", on_success=lambda _: redirect_to("ratings.aspects"),
                  page=lambda error, status: _aspect_page(form, status=status, error=error))


@bp.post("/ratings/aspects/customise")
@role_required(*Role.SERVICE_ADMINS)
def aspects_customise():
    if current_user.regional_service_id is None:
        raise DomainError("У вашей учётной записи не указана служба занятости.")
    created = ratings.customise_aspects(current_user, current_user.regional_service_id)
    db.session.commit()
    if created:
        flash("Теперь у службы свой набор аспектов: его можно менять.", "success")
    return redirect_to("ratings.aspects")


@bp.route("/ratings/aspects/<int:rating_aspect_id>", methods=["GET", "POST"])
@role_required(*Role.SERVICE_ADMINS)
def aspect_edit(rating_aspect_id: int):
    aspect = db.get_or_404(RatingAspect, rating_aspect_id)
    if not ratings.can_configure(current_user, aspect.regional_service_id) or \
            (aspect.regional_service_id is None and not current_user.has_role(Role.ADMIN)):
        abort(403, "Общий набор аспектов меняет администратор; настройте собственный набор службы.")
    form = AspectForm(obj=aspect)
    return submit(form, lambda: ratings.save_aspect(
                      current_user, aspect, service_id=aspect.regional_service_id, code=form.code.data,
                      name=form.name.data, description=form.description.data or "", is_active=form.is_active.data,
                      sort_order=form.sort_order.data or 0),
                  message="Аспект сохранён.", on_success=lambda _: redirect_to("ratings.aspects"),
                  template="gamification/ratings/aspect_edit.html", aspect=aspect)
