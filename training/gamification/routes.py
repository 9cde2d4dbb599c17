"""Engagement pages (/team): peer ratings, quests, «Стресс месяца», the case library and the committee.

Views stay thin; rules live in ratings.py, quests.py, stress.py, library.py and committee.py.
Anonymity: no view here logs, flashes or redirects with anything that links a rater to the person rated or
an author to a stress item (rated ids and item ids travel in the POST body, never in the URL)."""
from __future__ import annotations

from flask_login import current_user, login_required

from training.accounts.models import Role
from training.gamification import bp
from training.gamification.committee import services as committee
from training.gamification.ratings import services as ratings
from training.templating import NavItem, add_nav_item
from training.web import render_view

add_nav_item(NavItem("gamification.index", "Команда", "star", order=50))


@bp.get("/")
@login_required
def index():
    service_id = current_user.regional_service_id
    return render_view("gamification/index.html", None,
                       is_committee=committee.can_act(current_user, service_id),
                       can_configure=ratings.can_configure(current_user, service_id),
                       can_organise=current_user.has_role(*Role.ORGANISERS))


# --- «Корпоративный тиндер» ---------------------------------------------------------------------------------------


# --- quests ----------------------------------------------------------------------------------------------------


# --- «Стресс месяца» ------------------------------------------------------------------------------------------


# --- «Библиотека клиентоцентричности» ---------------------------------------------------------------------------


# --- the committee -------------------------------------------------------------------------------------------
