"""Publishing and withdrawing the index's dated weight sets (HR of the service): the snapshots they touch go
stale."""
from __future__ import annotations

from datetime import date

from training.accounts.models import User
from training.audit import services as audit
from training.errors import DomainError
from training.extensions import db
from training.measures.formulas import MetricValueError
from training.measures.scales import GROUPS, WeightSet
from training.metrics.centre_index import snapshots
from training.metrics.centre_index.models import IndexWeightSet
from training.metrics.centre_index.weights import (
    INDEX_WEIGHTS_REFUSAL,
    ensure_weights_editable,
    ensure_weights_withdrawable,
    insert_weight_set,
)
from training.org.models import RegionalService


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

    snapshots.mark_service_stale_from(service.id, effective_from)
    return row


def withdraw_weight_set(actor: User, row: IndexWeightSet, *, today: date) -> None:
    service = ensure_weights_withdrawable(actor, row, today=today, refusal=INDEX_WEIGHTS_REFUSAL)
    audit.record(actor, "metrics.weights_withdrawn", "index_weight_set", row.id,
                 before={"effective_from": row.effective_from, "weights": row.weights, "label": row.label},
                 summary=f"Отозван набор весов с {row.effective_from:%d.%m.%Y}")
    db.session.delete(row)

    snapshots.mark_service_stale_from(service.id, row.effective_from)
