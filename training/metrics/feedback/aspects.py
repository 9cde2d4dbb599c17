"""Touchpoints and the aspects of service clients rate (shared with colleagues' ratings) and the index
indicator each aspect feeds."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from training.db import seed_by_code
from training.extensions import db
from training.gamification.ratings.services import aspects_for as engagement_aspects
from training.metrics.feedback.models import Touchpoint

TOUCHPOINTS = (
    ("reception", "Окно приёма"),
    ("call_centre", "Колл-центр"),
    ("portal", "Портал"),
    ("trudvsem", "«Работа в России»"),
    ("email", "E-mail"),
    ("messenger", "Мессенджер"),
    ("outreach", "Выездное мероприятие"),
)


def seed_touchpoints() -> int:
    return seed_by_code(db.session, Touchpoint, ({"code": code, "name": name} for code, name in TOUCHPOINTS))


def active_touchpoints() -> list[Touchpoint]:
    return list(db.session.scalars(select(Touchpoint).where(Touchpoint.is_active)
                                   .order_by(Touchpoint.sort_order, Touchpoint.name)))


@dataclass(frozen=True)
class Aspect:
    code: str
    name: str


#: Used when the engagement domain (training.engagement.models.RatingAspect) is absent or has no aspects.
DEFAULT_ASPECTS: tuple[Aspect, ...] = (
    Aspect("politeness", "Вежливость"),
    Aspect("empathy", "Эмпатия"),
    Aspect("clarity", "Понятность объяснений"),
    Aspect("helpfulness", "Готовность помочь"),
)


#: Which index indicator a client aspect feeds (docs/metrics.md 6.3); any other code feeds «staff_rating».
ASPECT_INDICATOR = {
    "circumstances": "personalisation_rating",
    "personal_approach": "personalisation_rating",
    "personalisation": "personalisation_rating",
    "comfort": "comfort_rating",
    "premises": "comfort_rating",
    "navigation": "comfort_rating",
    "cleanliness": "comfort_rating",
    "website": "comfort_rating",
}


def aspect_indicator(code: str) -> str:
    return ASPECT_INDICATOR.get(code, "staff_rating")


#: Aspects colleagues rate that a client cannot judge from one visit.
NOT_FOR_CLIENTS = frozenset({"teamwork"})


def aspects_for(service_id: int | None) -> list[Aspect]:
    """The service's rating aspects that clients rate (the engagement domain's set: the service's own once HR
    set one up, else the shared one), without those a client cannot judge; the default list when the
    engagement domain's set is empty. (The rating aspects come with the one migration chain, so the read needs
    no savepoint: on PostgreSQL that was two more statements on every page that names aspects.)"""
    rows = engagement_aspects(service_id)
    aspects = [Aspect(r.code, r.name) for r in rows if r.code not in NOT_FOR_CLIENTS]
    return aspects or list(DEFAULT_ASPECTS)


def aspect_names(service_id: int | None = None) -> dict[str, str]:
    names = {a.code: a.name for a in DEFAULT_ASPECTS}
    names.update({a.code: a.name for a in aspects_for(service_id)})
    return names
