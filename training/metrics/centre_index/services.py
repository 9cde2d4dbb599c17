"""Publishing and withdrawing the index's dated weight sets (HR of the service): the snapshots they touch go
stale."""
from __future__ import annotations

from datetime import date

from training.accounts.models import User
from training.measures.scales import GROUPS
from training.metrics.centre_index.csi import CSI_WEIGHTS_REFUSAL
from training.metrics.centre_index.dated_weights import checked_weights, store_weights, withdraw_weights
from training.metrics.centre_index.models import CsiWeightSet, IndexWeightSet
from training.metrics.centre_index.weights import (
    INDEX_WEIGHTS_REFUSAL,
    ensure_weights_editable,
)
from training.metrics.feedback.aspects import CSI_CODES, CSI_NAMES
from training.org.models import RegionalService


def publish_weight_set(actor: User, service: RegionalService, effective_from: date, weights: dict[str, float],
                       label: str = "", *, today: date) -> IndexWeightSet:
    """Publish group weights for a service from ``effective_from`` on (never in the past: a closed period keeps
    the weights that were in force on its first day)."""
    ensure_weights_editable(actor, service, effective_from, today=today, refusal=INDEX_WEIGHTS_REFUSAL)
    normalised = checked_weights(weights, GROUPS, effective_from, label,
                                 incomplete="Укажите вес каждой из пяти групп индекса.")
    row = IndexWeightSet(regional_service_id=service.id, effective_from=effective_from, weights=normalised,
                         label=label.strip()[:200], created_by_id=actor.id)
    return store_weights(actor, service, row, action="metrics.weights_published", object_kind="index_weight_set",
                         summary=f"Веса индекса с {effective_from:%d.%m.%Y}: {service.name}")


def withdraw_weight_set(actor: User, row: IndexWeightSet, *, today: date) -> None:
    withdraw_weights(actor, row, today=today, refusal=INDEX_WEIGHTS_REFUSAL, action="metrics.weights_withdrawn",
                     object_kind="index_weight_set", summary=f"Отозван набор весов с {row.effective_from:%d.%m.%Y}")


def publish_csi_weights(actor: User, service: RegionalService, effective_from: date, weights: dict[str, float],
                        label: str = "", *, today: date) -> CsiWeightSet:
    """Publish the importance weights of the CSI parameters for a service from ``effective_from`` on (the rules
    of the index's weights: never in the past, one set per date); the snapshots from that date go stale."""
    ensure_weights_editable(actor, service, effective_from, today=today, refusal=CSI_WEIGHTS_REFUSAL)
    normalised = checked_weights(weights, CSI_CODES, effective_from, label,
                                 incomplete="Укажите вес каждого из пяти параметров CSI.")
    row = CsiWeightSet(regional_service_id=service.id, effective_from=effective_from, weights=normalised,
                       label=label.strip()[:200], created_by_id=actor.id)
    return store_weights(actor, service, row, action="metrics.csi_weights_published", object_kind="csi_weight_set",
                         summary=f"Веса CSI с {effective_from:%d.%m.%Y}: {service.name} — "
                                 + ", ".join(f"{CSI_NAMES[c]} {normalised[c] * 100:.0f} %" for c in CSI_CODES))


def withdraw_csi_weights(actor: User, row: CsiWeightSet, *, today: date) -> None:
    withdraw_weights(actor, row, today=today, refusal=CSI_WEIGHTS_REFUSAL, action="metrics.csi_weights_withdrawn",
                     object_kind="csi_weight_set",
                     summary=f"Отозван набор весов CSI с {row.effective_from:%d.%m.%Y}")
