"""CSI of a centre (2.4, «Customer Satisfaction Index»): the importance weights of its five parameters over time
and the figure computed from clients' marks with ``formulas.csi``.

The weights are expert weights (the methodology allows a client survey or experts): defaults on
:data:`~training.metrics.feedback.aspects.CSI_PARAMETERS`, and HR of a service may publish its own dated sets
(``/metrics/csi-weights``) under the rules of the index's weights (never retroactive; a set in force is
immutable). Publishing lives in services.py, which marks the snapshots stale."""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from training.extensions import db
from training.measures import formulas
from training.measures.formulas import MetricValueError
from training.measures.scales import WeightSet, weights_in_force
from training.metrics.centre_index.models import CsiWeightSet
from training.metrics.feedback.aspects import CSI_PARAMETERS, CSI_SCALE_MAX

CSI_WEIGHTS_REFUSAL = "Веса CSI задаёт кадровая служба своей СЗН."
DEFAULT_CSI_WEIGHTS = WeightSet(date.min, {p.code: p.weight for p in CSI_PARAMETERS},
                                "Исходные веса CSI (по умолчанию)")


def csi_weight_rows(service_id: int) -> list[CsiWeightSet]:
    return list(db.session.scalars(select(CsiWeightSet).where(CsiWeightSet.regional_service_id == service_id)
                                   .order_by(CsiWeightSet.effective_from)))


def csi_weight_sets(service_id: int | None) -> list[WeightSet]:
    """The default set (from date.min) plus the service's published sets."""
    sets = [DEFAULT_CSI_WEIGHTS]
    if service_id is not None:
        sets += [WeightSet(row.effective_from, row.weights, row.label) for row in csi_weight_rows(service_id)]
    return sets


def csi_figure(service_aspects: dict[str, dict[str, Any]], weight_set: WeightSet) -> dict[str, Any] | None:
    """CSI from the mean 1–5 mark of each parameter (``service_aspects``: code → {value, n}) and the weights in
    force; a parameter nobody rated is left out and the others' weights re-normalised (``formulas.csi``
    normalises). n is the number of answers to the most-answered parameter, like the other pooled ratings."""
    present = [p for p in CSI_PARAMETERS if (service_aspects.get(p.code) or {}).get("n")]
    if not present:
        return None
    weights = [float(weight_set.weights.get(p.code, 0.0)) for p in present]
    try:
        value = formulas.csi(weights, [float(service_aspects[p.code]["value"]) for p in present], CSI_SCALE_MAX)
    except MetricValueError:  # every present parameter weighs 0
        return None
    total = sum(weights)
    return {"value": value, "n": max(int(service_aspects[p.code]["n"]) for p in present),
            "parameters": {p.code: {"value": service_aspects[p.code]["value"], "n": service_aspects[p.code]["n"],
                                    "weight": w / total} for p, w in zip(present, weights, strict=True)},
            "weights_label": weight_set.label}


def csi_weights_in_force(sets: list[WeightSet], day: date) -> WeightSet:
    return weights_in_force(sets, day)
