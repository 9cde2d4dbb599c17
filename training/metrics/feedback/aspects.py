"""Touchpoints, the aspects of a specialist's work clients rate (shared with colleagues' ratings; they feed
«staff_rating»), and the aspects of the centre's service clients rate with the index indicator each feeds."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from training.db import seed_by_code
from training.extensions import db
from training.gamification.ratings.models import RatingAspect
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


@dataclass(frozen=True)
class ServiceAspect:
    """An aspect of the centre's service a client rates 1–5 (2.1 / 3.1), and the index indicator it feeds."""

    code: str
    name: str
    indicator: str


#: The centre's service aspects clients rate, in place from the first day (no set-up, no table to seed), so
#: «Комфортность» and «Индивидуализация» of the index have client marks by default. They are about the centre:
#: stored without a specialist (:class:`ClientServiceMark`), never in the colleagues' rating deck.
SERVICE_ASPECTS: tuple[ServiceAspect, ...] = (
    ServiceAspect("premises", "Помещение: удобно ждать, чисто, есть где присесть", "comfort_rating"),
    ServiceAspect("navigation", "Легко найти нужное окно или кабинет", "comfort_rating"),
    ServiceAspect("website", "Сайт и онлайн-услуги центра", "comfort_rating"),
    ServiceAspect("circumstances", "Учли ваши обстоятельства и предложили подходящее", "personalisation_rating"),
)
SERVICE_ASPECT_INDICATOR = {a.code: a.indicator for a in SERVICE_ASPECTS}
SERVICE_ASPECT_NAMES = {a.code: a.name for a in SERVICE_ASPECTS}


@dataclass(frozen=True)
class CsiParameter:
    """A parameter of the customer satisfaction index (2.4, «Customer Satisfaction Index»), rated 1–5, with
    its default importance weight (docs/metrics.md §6.7 says why these numbers)."""

    code: str
    name: str
    hint: str
    weight: float


#: The five key parameters of CSI the methodology lists, in its order. Clients rate them as the third rotating
#: module of the feedback form (``?m=csi``) and in the survey after employment; the marks are stored like the
#: centre's service marks (:class:`ClientServiceMark`, no specialist), by these codes.
CSI_PARAMETERS: tuple[CsiParameter, ...] = (
    CsiParameter("csi_reliability", "Надёжность", "центр делает то, что обещал, и в срок", 0.25),
    CsiParameter("csi_range", "Выбор услуг", "нашлась услуга или сервис под вашу задачу", 0.15),
    CsiParameter("csi_quality", "Качество услуг", "услуга помогла, документы и вакансии в порядке", 0.25),
    CsiParameter("csi_staff", "Работа сотрудников", "знают дело, объясняют, доводят до результата", 0.25),
    CsiParameter("csi_extras", "Дополнительные сервисы", "Wi-Fi, зарядка телефона, детский уголок, "
                 "напоминания", 0.10),
)
CSI_CODES = tuple(p.code for p in CSI_PARAMETERS)
CSI_NAMES = {p.code: p.name for p in CSI_PARAMETERS}
#: the methodology's five-point scale: P_max of formulas.csi
CSI_SCALE_MAX = 5


def aspect_indicator(code: str) -> str | None:
    """The index indicator a centre aspect feeds («comfort_rating» unless it names another); None for a CSI
    parameter, which feeds «csi» only through the weighted formula, never as a plain mean."""
    if code in CSI_NAMES:
        return None
    return SERVICE_ASPECT_INDICATOR.get(code, "comfort_rating")


#: Aspects colleagues rate that a client cannot judge from one visit.
NOT_FOR_CLIENTS = frozenset({"teamwork"})


def aspects_for(service_id: int | None) -> list[Aspect]:
    """The service's rating aspects that clients rate (the engagement domain's set: the service's own once HR
    set one up, else the shared one), without those a client cannot judge; the default list when the
    engagement domain's set is empty. (The rating aspects come with the one migration chain, so the read needs
    no savepoint: on PostgreSQL that was two more statements on every page that names aspects.)"""
    return clients_aspects(engagement_aspects(service_id))


def clients_aspects(active_rows: Iterable[RatingAspect]) -> list[Aspect]:
    """Of a service's active rating aspects, those a client rates; the default list when there are none."""
    aspects = [Aspect(r.code, r.name) for r in active_rows if r.code not in NOT_FOR_CLIENTS]
    return aspects or list(DEFAULT_ASPECTS)


def aspect_names(service_id: int | None = None) -> dict[str, str]:
    names = dict(SERVICE_ASPECT_NAMES)
    names.update({code: f"CSI: {name}" for code, name in CSI_NAMES.items()})
    names.update({a.code: a.name for a in DEFAULT_ASPECTS})
    names.update({a.code: a.name for a in aspects_for(service_id)})
    return names
