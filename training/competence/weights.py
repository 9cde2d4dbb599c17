"""Dated weight sets of the competence scores: defaults, validation, publishing and withdrawing (HR of the
service; never retroactive)."""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, update

from training.accounts.models import User
from training.audit import services as audit
from training.competence.framework import BLOCK_TITLES, COMPETENCES
from training.competence.models import CompetenceScore, CompetenceWeightSet
from training.errors import DomainError
from training.extensions import db
from training.measures.formulas import MetricValueError
from training.measures.scales import (
    COMPETENCE_BLOCKS,
    COMPETENCE_EVIDENCE,
    DEFAULT_BLOCK_WEIGHTS,
    WeightSet,
    weights_in_force,
)
from training.metrics.centre_index.weights import (
    ensure_weights_editable,
    ensure_weights_withdrawable,
    insert_weight_set,
)
from training.org.models import RegionalService


def default_weights() -> dict[str, float]:
    """The flat default set: block weights, equal competence weights, the evidence mixes of scales."""
    flat = {f"block:{block}": weight for block, weight in DEFAULT_BLOCK_WEIGHTS.weights.items()}
    for members in COMPETENCE_BLOCKS.values():
        for key in members:
            flat[f"competence:{key}"] = 1.0
    for key, mix in COMPETENCE_EVIDENCE.items():
        for kind, weight in mix.items():
            flat[f"evidence:{key}:{kind}"] = weight
    return flat


DEFAULT_WEIGHTS = WeightSet(date.min, default_weights(), "Исходные веса (по умолчанию)")


WEIGHT_KEYS = tuple(DEFAULT_WEIGHTS.weights)


@dataclass(frozen=True)
class Weights:
    """A flat weight set split into its three levels (each group normalised to sum 1)."""

    blocks: dict[str, float]
    competences: dict[str, dict[str, float]]  # block → competence → weight
    evidence: dict[str, dict[str, float]]  # competence → kind → weight
    label: str
    effective_from: date | None
    set_id: int | None


def _normalised(weights: dict[str, float]) -> dict[str, float]:
    total = math.fsum(weights.values())
    return {key: value / total for key, value in weights.items()} if total > 0 else dict(weights)


def split_weights(flat: dict[str, float], label: str = "", effective_from: date | None = None,
                  set_id: int | None = None) -> Weights:
    merged = dict(DEFAULT_WEIGHTS.weights)
    merged.update({k: float(v) for k, v in flat.items() if k in merged})
    blocks = _normalised({b: merged[f"block:{b}"] for b in COMPETENCE_BLOCKS})
    competences = {b: _normalised({c: merged[f"competence:{c}"] for c in members})
                   for b, members in COMPETENCE_BLOCKS.items()}
    evidence = {c: _normalised({kind: merged[f"evidence:{c}:{kind}"] for kind in mix})
                for c, mix in COMPETENCE_EVIDENCE.items()}
    return Weights(blocks, competences, evidence, label, effective_from, set_id)


def validate_weights(flat: dict[str, float]) -> dict[str, float]:
    """Every key of the model present, none negative, and each group with a positive sum."""
    unknown = set(flat) - set(WEIGHT_KEYS)
    if unknown or set(WEIGHT_KEYS) - set(flat):
        raise DomainError("Укажите все веса: блоков, компетенций и источников каждой компетенции.")
    try:
        WeightSet(date.min, flat)
    except MetricValueError as exc:
        raise DomainError(f"Веса не приняты: {exc}") from exc
    if sum(flat[f"block:{b}"] for b in COMPETENCE_BLOCKS) <= 0:
        raise DomainError("Хотя бы один блок должен иметь положительный вес.")
    for block, members in COMPETENCE_BLOCKS.items():
        if sum(flat[f"competence:{c}"] for c in members) <= 0:
            raise DomainError(f"В блоке «{BLOCK_TITLES[block]}» хотя бы одна компетенция должна иметь вес.")
    for key, mix in COMPETENCE_EVIDENCE.items():
        if sum(flat[f"evidence:{key}:{kind}"] for kind in mix) <= 0:
            raise DomainError(f"У компетенции «{COMPETENCES[key][1]}» хотя бы один источник должен иметь вес.")
    return {key: float(flat[key]) for key in WEIGHT_KEYS}


def weight_set_rows(service_id: int) -> list[CompetenceWeightSet]:
    return list(db.session.scalars(select(CompetenceWeightSet)
                                   .where(CompetenceWeightSet.regional_service_id == service_id)
                                   .order_by(CompetenceWeightSet.effective_from)))


def _sets_by_service() -> dict[int, list[tuple[WeightSet, int]]]:
    result: dict[int, list[tuple[WeightSet, int]]] = defaultdict(list)
    for row in db.session.scalars(select(CompetenceWeightSet)):
        result[row.regional_service_id].append((WeightSet(row.effective_from, row.weights, row.label), row.id))
    return result


def weights_for(service_id: int | None, day: date, sets: dict[int, list[tuple[WeightSet, int]]] | None = None
                ) -> Weights:
    """The weights in force on ``day`` for a service: the latest set with ``effective_from <= day``."""
    sets = _sets_by_service() if sets is None else sets
    own = sets.get(service_id, []) if service_id is not None else []
    ids = {id(ws): set_id for ws, set_id in own}
    chosen = weights_in_force([DEFAULT_WEIGHTS, *(ws for ws, _ in own)], day)
    set_id = ids.get(id(chosen))
    return split_weights(dict(chosen.weights), chosen.label,
                         None if chosen.effective_from == date.min else chosen.effective_from, set_id)


WEIGHTS_REFUSAL = "Веса оценки компетенций задаёт кадровая служба своей СЗН."


def publish_weight_set(actor: User, service: RegionalService, effective_from: date, weights: dict[str, float],
                       label: str = "", *, today: date) -> CompetenceWeightSet:
    """Publish competence weights for a service from ``effective_from`` on; never retroactive (audited)."""

    ensure_weights_editable(actor, service, effective_from, today=today, refusal=WEIGHTS_REFUSAL)
    checked = validate_weights(weights)
    row = CompetenceWeightSet(regional_service_id=service.id, effective_from=effective_from, weights=checked,
                              label=label.strip()[:200], created_by_id=actor.id)
    insert_weight_set(row)
    audit.record(actor, "metrics.competence_weights_published", "competence_weight_set", row.id,
                 after={"service": service.id, "effective_from": effective_from, "weights": checked,
                        "label": row.label},
                 summary=f"Веса оценки компетенций с {effective_from:%d.%m.%Y}: {service.name}")
    _mark_service_stale_from(service.id, effective_from)
    return row


def withdraw_weight_set(actor: User, row: CompetenceWeightSet, *, today: date) -> None:

    service = ensure_weights_withdrawable(actor, row, today=today, refusal=WEIGHTS_REFUSAL)
    audit.record(actor, "metrics.competence_weights_withdrawn", "competence_weight_set", row.id,
                 before={"effective_from": row.effective_from, "weights": row.weights, "label": row.label},
                 summary=f"Отозван набор весов оценки компетенций с {row.effective_from:%d.%m.%Y}")
    db.session.delete(row)
    _mark_service_stale_from(service.id, row.effective_from)


def _mark_service_stale_from(service_id: int, since: date) -> int:
    """Months whose first day is on or after ``since`` are computed with other weights now."""
    stmt = update(CompetenceScore).where(CompetenceScore.regional_service_id == service_id,
                                         CompetenceScore.period_start >= since) \
        .values(data_version=CompetenceScore.data_version + 1).execution_options(synchronize_session=False)
    return db.session.execute(stmt).rowcount
