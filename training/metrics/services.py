"""Scope rules, reference data (touchpoints, service aspects) and the index weights over time.

Sub-modules hold the rest of the domain: ``feedback`` (client answers and follow-up tasks), ``operational``
(АИС data import), ``iqs`` (quality checks), ``snapshots`` (the index and the stored figures), ``reports``
(weekly XLSX/PDF), ``training_effect`` (the course next to service quality), ``pdf`` (QR sheets)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from training.accounts.models import Role, User, UserRole
from training.audit import services as audit
from training.errors import DomainError, NotAllowed
from training.extensions import db
from training.metrics.formulas import MetricValueError
from training.metrics.models import IndexWeightSet, Touchpoint
from training.metrics.scales import DEFAULT_GROUP_WEIGHTS, GROUPS, WeightSet
from training.org.models import Centre, Department, RegionalService

# --- scope ---------------------------------------------------------------------------------------------------


def is_supervisor(user: User) -> bool:
    return user.has_role(Role.ADMIN, Role.HR, Role.MANAGER)


def can_view_service(viewer: User, service: RegionalService) -> bool:
    if viewer.has_role(Role.ADMIN):
        return True
    return bool(viewer.has_role(Role.HR) and viewer.regional_service_id == service.id)


def can_view_centre(viewer: User, centre: Centre) -> bool:
    if viewer.has_role(Role.ADMIN):
        return True
    if viewer.has_role(Role.HR) and viewer.regional_service_id == centre.regional_service_id:
        return True
    return bool(viewer.has_role(Role.MANAGER) and viewer.centre_id == centre.id)


def can_view_department(viewer: User, department: Department) -> bool:
    return can_view_centre(viewer, department.centre)


def can_view_employee(viewer: User, user: User) -> bool:
    """A person's own figures, or a supervisor's within their scope."""
    if viewer.id == user.id or viewer.has_role(Role.ADMIN):
        return True
    if (viewer.has_role(Role.HR) and viewer.regional_service_id
            and viewer.regional_service_id == user.regional_service_id):
        return True
    return bool(viewer.has_role(Role.MANAGER) and viewer.centre_id and viewer.centre_id == user.centre_id)


def can_supervise(viewer: User, employee: User) -> bool:
    """Review an employee's conversation (IQS): managers their centre, HR their service, admins all; never
    oneself."""
    return viewer.id != employee.id and is_supervisor(viewer) and can_view_employee(viewer, employee)


def visible_centres(viewer: User) -> list[Centre]:
    query = select(Centre).order_by(Centre.name)
    if viewer.has_role(Role.ADMIN):
        pass
    elif viewer.has_role(Role.HR) and viewer.regional_service_id:
        query = query.where(Centre.regional_service_id == viewer.regional_service_id)
    elif viewer.has_role(Role.MANAGER) and viewer.centre_id:
        query = query.where(Centre.id == viewer.centre_id)
    else:
        return []
    return list(db.session.scalars(query))


def visible_services(viewer: User) -> list[RegionalService]:
    query = select(RegionalService).order_by(RegionalService.name)
    if viewer.has_role(Role.ADMIN):
        return list(db.session.scalars(query))
    if viewer.has_role(Role.HR) and viewer.regional_service_id:
        return list(db.session.scalars(query.where(RegionalService.id == viewer.regional_service_id)))
    return []


def staff_with_role(role: Role, *, centre_id: int | None = None, service_id: int | None = None) -> list[User]:
    query = (select(User).join(UserRole, UserRole.user_id == User.id)
             .where(UserRole.role == str(role), User.is_active).order_by(User.full_name))
    if centre_id is not None:
        query = query.where(User.centre_id == centre_id)
    if service_id is not None:
        query = query.where(User.regional_service_id == service_id)
    return list(db.session.scalars(query))


def responsible_for_centre(centre: Centre) -> list[User]:
    """Who handles the centre's client feedback: its managers, or HR of the service when it has none."""
    managers = staff_with_role(Role.MANAGER, centre_id=centre.id)
    return managers or staff_with_role(Role.HR, service_id=centre.regional_service_id)


# --- touchpoints and service aspects -----------------------------------------------------------------------

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
    created = 0
    have = set(db.session.scalars(select(Touchpoint.code)))
    for order, (code, name) in enumerate(TOUCHPOINTS, start=1):
        if code not in have:
            db.session.add(Touchpoint(code=code, name=name, sort_order=order * 10))
            created += 1
    db.session.flush()
    return created


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
    engagement domain is absent or empty."""
    try:
        from training.gamification.ratings.services import aspects_for as engagement_aspects
    except ImportError:
        return list(DEFAULT_ASPECTS)
    try:
        if db.session.get_bind().dialect.name == "sqlite":
            # No savepoint on SQLite (a failed read does not spoil its transaction there): the savepoint would open
            # the transaction before the feedback form's INSERT, and with that read snapshot the INSERT fails at
            # once with «database is locked» whenever another answer was written meanwhile (docs/PERFORMANCE.md).
            rows = engagement_aspects(service_id)
        else:
            with db.session.begin_nested():
                rows = engagement_aspects(service_id)
    except SQLAlchemyError:  # the table is not there yet (engagement not migrated)
        return list(DEFAULT_ASPECTS)
    aspects = [Aspect(r.code, r.name) for r in rows if r.code not in NOT_FOR_CLIENTS]
    return aspects or list(DEFAULT_ASPECTS)


def aspect_names(service_id: int | None = None) -> dict[str, str]:
    names = {a.code: a.name for a in DEFAULT_ASPECTS}
    names.update({a.code: a.name for a in aspects_for(service_id)})
    return names


# --- index weights over time -----------------------------------------------------------------------------


def weight_set_rows(service_id: int) -> list[IndexWeightSet]:
    return list(db.session.scalars(select(IndexWeightSet).where(IndexWeightSet.regional_service_id == service_id)
                                   .order_by(IndexWeightSet.effective_from)))


def weight_sets(service_id: int | None) -> list[WeightSet]:
    """The default set (from date.min) plus the service's published sets."""
    sets = [DEFAULT_GROUP_WEIGHTS]
    if service_id is not None:
        sets += [WeightSet(row.effective_from, row.weights, row.label) for row in weight_set_rows(service_id)]
    return sets


def weights_in_force_for(service_id: int | None, day: date) -> dict[str, float]:
    """Normalised group weights in force on ``day`` for the service."""
    from training.metrics.scales import weights_in_force

    chosen = weights_in_force(weight_sets(service_id), day)
    total = sum(chosen.weights.values())
    return {key: chosen.weights.get(key, 0.0) / total for key in GROUPS}


INDEX_WEIGHTS_REFUSAL = "Веса индекса задаёт кадровая служба своей СЗН."


# --- dated weight sets (the index's here, the competence scores' in competence.py): the same rules --------------

def ensure_weights_editable(actor: User, service: RegionalService, effective_from: date, *, today: date,
                            refusal: str) -> None:
    """HR of the service (or an administrator) sets weights, never retroactively."""
    if not can_view_service(actor, service) or not actor.has_role(Role.HR, Role.ADMIN):
        raise NotAllowed(refusal)
    if effective_from < today:
        raise DomainError("Веса не меняются задним числом: дата вступления в силу не может быть раньше сегодняшней.")


def insert_weight_set(row) -> None:
    """Add a weight set; one per service and date (unique constraint, also under concurrency)."""
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError as exc:
        raise DomainError("На эту дату веса уже опубликованы: выберите другую дату или отзовите прежний набор.") \
            from exc


def ensure_weights_withdrawable(actor: User, row, *, today: date, refusal: str) -> RegionalService:
    """Only a future set may be withdrawn, by HR of its service or an administrator; returns the service."""
    service = db.session.get(RegionalService, row.regional_service_id)
    if service is None or not can_view_service(actor, service) or not actor.has_role(Role.HR, Role.ADMIN):
        raise NotAllowed(refusal)
    if row.effective_from <= today:
        raise DomainError("Набор весов уже действует: его нельзя отозвать, можно опубликовать новый.")
    return service


def publish_weight_set(actor: User, service: RegionalService, effective_from: date, weights: dict[str, float],
                       label: str = "", *, today: date) -> IndexWeightSet:
    """Publish group weights for a service from ``effective_from`` on (never in the past: a closed period keeps
    the weights that were in force on its first day)."""
    ensure_weights_editable(actor, service, effective_from, today=today, refusal=INDEX_WEIGHTS_REFUSAL)
    unknown = set(weights) - set(GROUPS)
    if unknown or set(GROUPS) - set(weights):
        raise DomainError("Укажите вес каждой из пяти групп индекса.")
    try:
        checked = WeightSet(effective_from, weights, label)
    except MetricValueError as exc:
        raise DomainError(f"Веса не приняты: {exc}") from exc
    total = sum(checked.weights.values())
    normalised = {key: checked.weights[key] / total for key in GROUPS}
    row = IndexWeightSet(regional_service_id=service.id, effective_from=effective_from, weights=normalised,
                         label=label.strip()[:200], created_by_id=actor.id)
    insert_weight_set(row)
    audit.record(actor, "metrics.weights_published", "index_weight_set", row.id,
                 after={"service": service.id, "effective_from": effective_from, "weights": normalised,
                        "label": row.label}, summary=f"Веса индекса с {effective_from:%d.%m.%Y}: {service.name}")
    from training.metrics import snapshots

    snapshots.mark_service_stale_from(service.id, effective_from)
    return row


def withdraw_weight_set(actor: User, row: IndexWeightSet, *, today: date) -> None:
    service = ensure_weights_withdrawable(actor, row, today=today, refusal=INDEX_WEIGHTS_REFUSAL)
    audit.record(actor, "metrics.weights_withdrawn", "index_weight_set", row.id,
                 before={"effective_from": row.effective_from, "weights": row.weights, "label": row.label},
                 summary=f"Отозван набор весов с {row.effective_from:%d.%m.%Y}")
    db.session.delete(row)
    from training.metrics import snapshots

    snapshots.mark_service_stale_from(service.id, row.effective_from)
