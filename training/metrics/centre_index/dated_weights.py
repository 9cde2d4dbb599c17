"""Publishing and withdrawing a dated weight set — the index's groups, the CSI parameters, the regional checklist's
items: the same steps for each (the rules of who and when are in weights.py): every key weighed, the weights
checked, stored once per service and date, audited, and the service's figures from that date recomputed."""
from __future__ import annotations

from datetime import date

from training.accounts.models import User
from training.audit import services as audit
from training.errors import DomainError
from training.extensions import db
from training.measures.formulas import MetricValueError
from training.measures.scales import WeightSet
from training.metrics.centre_index import snapshots
from training.metrics.centre_index.weights import ensure_weights_withdrawable, insert_weight_set
from training.org.models import RegionalService


def checked_weights(weights: dict[str, float], keys: tuple[str, ...] | list[str], effective_from: date, label: str,
                    *, incomplete: str, normalise: bool = True) -> dict[str, float]:
    """The weights of exactly ``keys`` (in that order), checked like every weight set and, with ``normalise``,
    summing to 1; ``incomplete`` is the refusal when a key is missing or unknown."""
    if set(weights) != set(keys):
        raise DomainError(incomplete)
    try:
        checked = WeightSet(effective_from, weights, label)
    except MetricValueError as exc:
        raise DomainError(f"Веса не приняты: {exc}") from exc
    total = sum(checked.weights.values()) if normalise else 1.0
    return {key: float(checked.weights[key]) / total for key in keys}


def store_weights(actor: User, service: RegionalService, row, *, action: str, object_kind: str, summary: str):
    """Add the new set (one per service and date), audit it and mark the service's figures from its date stale."""
    insert_weight_set(row)
    audit.record(actor, action, object_kind, row.id,
                 after={"service": service.id, "effective_from": row.effective_from, "weights": row.weights,
                        "label": row.label}, summary=summary)
    snapshots.mark_service_stale_from(service.id, row.effective_from)
    return row


def withdraw_weights(actor: User, row, *, today: date, refusal: str, action: str, object_kind: str,
                     summary: str) -> None:
    """Withdraw a future set (who and when: weights.ensure_weights_withdrawable), audited, figures recomputed."""
    service = ensure_weights_withdrawable(actor, row, today=today, refusal=refusal)
    audit.record(actor, action, object_kind, row.id,
                 before={"effective_from": row.effective_from, "weights": row.weights, "label": row.label},
                 summary=summary)
    effective_from = row.effective_from
    db.session.delete(row)
    snapshots.mark_service_stale_from(service.id, effective_from)
