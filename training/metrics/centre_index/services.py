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
from training.metrics.centre_index.csi import CSI_WEIGHTS_REFUSAL
from training.metrics.centre_index.models import CsiWeightSet, IndexWeightSet
from training.metrics.centre_index.weights import (
    INDEX_WEIGHTS_REFUSAL,
    ensure_weights_editable,
    ensure_weights_withdrawable,
    insert_weight_set,
)
from training.metrics.feedback.aspects import CSI_CODES, CSI_NAMES
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


def publish_csi_weights(actor: User, service: RegionalService, effective_from: date, weights: dict[str, float],
                        label: str = "", *, today: date) -> CsiWeightSet:
    """Publish the importance weights of the CSI parameters for a service from ``effective_from`` on (the rules
    of the index's weights: never in the past, one set per date); the snapshots from that date go stale."""
    ensure_weights_editable(actor, service, effective_from, today=today, refusal=CSI_WEIGHTS_REFUSAL)
    if set(weights) != set(CSI_CODES):
        raise DomainError("Укажите вес каждого из пяти параметров CSI.")
    try:
        checked = WeightSet(effective_from, weights, label)
    except MetricValueError as exc:
        raise DomainError(f"Веса не приняты: {exc}") from exc
    total = sum(checked.weights.values())
    normalised = {code: checked.weights[code] / total for code in CSI_CODES}
    row = CsiWeightSet(regional_service_id=service.id, effective_from=effective_from, weights=normalised,
                       label=label.strip()[:200], created_by_id=actor.id)
    insert_weight_set(row)
    audit.record(actor, "metrics.csi_weights_published", "csi_weight_set", row.id,
                 after={"service": service.id, "effective_from": effective_from, "weights": normalised,
                        "label": row.label},
                 summary=f"Веса CSI с {effective_from:%d.%m.%Y}: {service.name} — "
                         + ", ".join(f"{CSI_NAMES[c]} {normalised[c] * 100:.0f} %" for c in CSI_CODES))
    snapshots.mark_service_stale_from(service.id, effective_from)
    return row


def withdraw_csi_weights(actor: User, row: CsiWeightSet, *, today: date) -> None:
    service = ensure_weights_withdrawable(actor, row, today=today, refusal=CSI_WEIGHTS_REFUSAL)
    audit.record(actor, "metrics.csi_weights_withdrawn", "csi_weight_set", row.id,
                 before={"effective_from": row.effective_from, "weights": row.weights, "label": row.label},
                 summary=f"Отозван набор весов CSI с {row.effective_from:%d.%m.%Y}")
    db.session.delete(row)
    snapshots.mark_service_stale_from(service.id, row.effective_from)
