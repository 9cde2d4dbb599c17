"""The checklists of chapter 4 as index indicators. The regional checklist: its items, which group of the index each
belongs to (where the methodology lists it), HR's dated item weights, and the figures a service's answers give
every centre of the service (answering is regional_checklist.py). The comfort checklist: the quarter's audit of a
centre (recorded in metrics/operations/comfort.py) as ``comfort_checklist``. Reading only."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, literal, select

from training.extensions import db
from training.measures.scales import WeightSet, weights_in_force
from training.metrics.centre_index.models import RegionalChecklistAnswer, RegionalChecklistWeightSet
from training.metrics.operations.comfort import quarter_start
from training.metrics.operations.models import ComfortAudit


@dataclass(frozen=True)
class ChecklistItem:
    code: str
    title: str
    indicator: str  # the index indicator the item feeds (INDICATORS)
    lines: str  # where the methodology lists it (docs/metrics.md)


#: indicator key → the group of the index it sits in (measures/scales.py: INDEX_INDICATORS)
INDICATORS = {"regional_personalisation": "personalisation", "regional_channels": "effort"}

ITEMS: tuple[ChecklistItem, ...] = (
    ChecklistItem("trudvsem_account", "Клиенты пользуются личным кабинетом на портале «Работа в России»",
                  "regional_personalisation", "3258"),
    ChecklistItem("omnichannel", "Обратиться можно по любому каналу — лично, по телефону, через портал и "
                                 "мессенджер — и разговор продолжается с того места, где остановился",
                  "regional_channels", "3279, 3286"),
    ChecklistItem("online_assistant", "На сайте работает онлайн-помощник, который отвечает в любое время",
                  "regional_personalisation", "3261"),
    ChecklistItem("online_booking", "Записаться на приём и встать в очередь можно онлайн",
                  "regional_channels", "3280–3285, 3292"),
    ChecklistItem("feedback_channels", "Отзыв можно оставить в каждой точке контакта",
                  "regional_channels", "3280"),
)
ITEM_CODES = {item.code for item in ITEMS}

#: Every item counts the same until HR of a service publishes its own weights.
DEFAULT_ITEM_WEIGHTS = WeightSet(date.min, dict.fromkeys(ITEM_CODES, 1.0), "Равные веса (по умолчанию)")


def weight_set_rows(service_id: int) -> list[RegionalChecklistWeightSet]:
    return list(db.session.scalars(select(RegionalChecklistWeightSet)
                                   .where(RegionalChecklistWeightSet.regional_service_id == service_id)
                                   .order_by(RegionalChecklistWeightSet.effective_from)))


def _sets_by_service(service_ids: Iterable[int]) -> dict[int, list[WeightSet]]:
    sets: dict[int, list[WeightSet]] = defaultdict(lambda: [DEFAULT_ITEM_WEIGHTS])
    ids = sorted(set(service_ids))
    if ids:
        for row in db.session.scalars(select(RegionalChecklistWeightSet)
                                      .where(RegionalChecklistWeightSet.regional_service_id.in_(ids))):
            sets[row.regional_service_id].append(WeightSet(row.effective_from, row.weights, row.label))
    return sets


def item_weights_in_force(service_id: int, day: date) -> WeightSet:
    return weights_in_force(_sets_by_service([service_id])[service_id], day)


def score(answers: dict[str, bool], weights: WeightSet) -> dict[str, dict[str, Any]]:
    """Each indicator's share of «да», weighted per item (0…100), with n = the items of it that were answered.
    An indicator none of whose answered items weighs anything is left out (not collected, never 0)."""
    figures = {}
    for indicator in INDICATORS:
        answered = [item for item in ITEMS if item.indicator == indicator and item.code in answers]
        total = sum(weights.weights.get(item.code, 0.0) for item in answered)
        if answered and total > 0:
            met = sum(weights.weights.get(item.code, 0.0) for item in answered if answers[item.code])
            figures[indicator] = {"value": 100.0 * met / total, "n": len(answered), "month": None,
                                  "weights_from": None if weights.effective_from == date.min
                                  else weights.effective_from.isoformat()}
    return figures


def month_of(day: date) -> date:
    """A period uses the checklist of the month it starts in, with the item weights in force on that day."""
    return day.replace(day=1)


def regional_figures(service_ids: Iterable[int | None], period_start: date) -> dict[int, dict[str, Any]]:
    """``{service id: {indicator: figure}}`` for a period: two statements whatever the number of services."""
    ids = sorted({service_id for service_id in service_ids if service_id})
    if not ids:
        return {}
    month = month_of(period_start)
    answered: dict[int, dict[str, bool]] = defaultdict(dict)
    for service_id, item, is_met in db.session.execute(
            select(RegionalChecklistAnswer.regional_service_id, RegionalChecklistAnswer.item,
                   RegionalChecklistAnswer.is_met)
            .where(RegionalChecklistAnswer.regional_service_id.in_(ids),
                   RegionalChecklistAnswer.period_start == month)):
        if item in ITEM_CODES:
            answered[service_id][item] = is_met
    if not answered:
        return {}
    sets = _sets_by_service(answered)
    figures = {}
    for service_id, answers in answered.items():
        found = score(answers, weights_in_force(sets[service_id], period_start))
        for figure in found.values():
            figure["month"] = month.isoformat()
        figures[service_id] = found
    return figures


def comfort_figures(kind: str, scope_ids: list[int], period_start: date) -> dict[int, dict[str, Any]]:
    """``{scope id: {"comfort_checklist": figure}}``: the audit of the quarter a period starts in — a centre's own,
    the mean of the audited centres for a service (``"service"``) or the organisation (``"organisation"``, scope
    0); n = audits. One statement."""
    column = {"centre": ComfortAudit.centre_id, "service": ComfortAudit.regional_service_id}.get(kind)
    if kind not in ("centre", "service", "organisation") or not scope_ids:
        return {}
    scope = column if column is not None else literal(0)
    query = select(scope, func.avg(ComfortAudit.score), func.count()) \
        .where(ComfortAudit.quarter_start == quarter_start(period_start)).group_by(scope)
    if column is not None:
        query = query.where(column.in_(scope_ids))
    quarter = quarter_start(period_start).isoformat()
    return {int(scope_id): {"comfort_checklist": {"value": float(avg), "n": count, "quarter": quarter}}
            for scope_id, avg, count in db.session.execute(query) if count}
