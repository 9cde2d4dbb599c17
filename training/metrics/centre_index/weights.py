"""Scope rules, reference data (touchpoints, service aspects) and the index weights over time.

Sub-modules hold the rest of the domain: ``feedback`` (client answers and follow-up tasks), ``operational``
(АИС data import), ``iqs`` (quality checks), ``snapshots`` (the index and the stored figures), ``reports``
(weekly XLSX/PDF), ``training_effect`` (the course next to service quality), ``pdf`` (QR sheets)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from training.accounts.models import User
from training.accounts.scopes import can_administer
from training.errors import DomainError, NotAllowed
from training.extensions import db
from training.measures.scales import DEFAULT_GROUP_WEIGHTS, GROUPS, WeightSet, weights_in_force
from training.metrics.centre_index.models import IndexWeightSet
from training.org.models import RegionalService

# --- scope ---------------------------------------------------------------------------------------------------


# --- touchpoints and service aspects -----------------------------------------------------------------------


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

    chosen = weights_in_force(weight_sets(service_id), day)
    total = sum(chosen.weights.values())
    return {key: chosen.weights.get(key, 0.0) / total for key in GROUPS}


INDEX_WEIGHTS_REFUSAL = "Веса индекса задаёт кадровая служба своей СЗН."


# --- dated weight sets (the index's here, the competence scores' in competence.py): the same rules --------------

def ensure_weights_editable(actor: User, service: RegionalService, effective_from: date, *, today: date,
                            refusal: str) -> None:
    """HR of the service (or an administrator) sets weights, never retroactively."""
    if not can_administer(actor, service):
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
    if service is None or not can_administer(actor, service):
        raise NotAllowed(refusal)
    if row.effective_from <= today:
        raise DomainError("Набор весов уже действует: его нельзя отозвать, можно опубликовать новый.")
    return service
