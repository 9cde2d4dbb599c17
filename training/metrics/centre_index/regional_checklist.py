"""The regional checklist of chapter 4: yes/no facts about a regional service (a personal account on «Работа в
России», omnichannel access, an online assistant, …) that are the same for all its centres. HR of the service
answers it per month, each «да» with a link to the evidence; the answers are audited and feed the index of every
centre of the service (checklists.py) with the item weights HR publishes by date."""
from __future__ import annotations

import calendar
from datetime import date
from urllib.parse import urlsplit

from sqlalchemy import select

from training.accounts.models import User
from training.accounts.scopes import can_administer_service
from training.audit import services as audit
from training.db import utcnow
from training.errors import DomainError, NotAllowed
from training.extensions import db
from training.measures.periods import local_today
from training.metrics.centre_index import snapshots
from training.metrics.centre_index.checklists import ITEM_CODES, ITEMS, ChecklistItem
from training.metrics.centre_index.dated_weights import checked_weights, store_weights, withdraw_weights
from training.metrics.centre_index.models import RegionalChecklistAnswer, RegionalChecklistWeightSet
from training.metrics.centre_index.weights import (
    ensure_weights_editable,
)
from training.org.models import Centre, RegionalService

__all__ = ["ITEMS", "ITEM_CODES", "ChecklistItem", "answers_for", "save", "share_met", "publish_item_weights",
           "withdraw_item_weights"]

WEIGHTS_REFUSAL = "Веса пунктов чек-листа задаёт кадровая служба своей СЗН."


def answers_for(service_id: int, period_start: date) -> dict[str, RegionalChecklistAnswer]:
    return {a.item: a for a in db.session.scalars(select(RegionalChecklistAnswer).where(
        RegionalChecklistAnswer.regional_service_id == service_id,
        RegionalChecklistAnswer.period_start == period_start))}


def _evidence(value: str | None, title: str) -> str | None:
    url = (value or "").strip()
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 500:
        raise DomainError(f"«{title}»: ссылка на подтверждение должна начинаться с http:// или https://.")
    return url


def save(actor: User, service: RegionalService, period_start: date,
         answers: dict[str, tuple[bool, str | None]]) -> int:
    """Store the month's answers (item code → (met, evidence link)); a «да» needs its evidence link. Returns
    how many items changed. All or nothing: one refused item changes nothing."""
    if not can_administer_service(actor, service.id):
        raise NotAllowed("Чек-лист заполняет HR своей службы.")
    if period_start.day != 1:
        raise DomainError("Выберите месяц.")
    unknown = set(answers) - ITEM_CODES
    if unknown:
        raise DomainError("В чек-листе нет такого пункта.")
    cleaned = {}
    for item in ITEMS:
        met, link = answers.get(item.code, (False, None))
        link = _evidence(link, item.title)
        if met and not link:
            raise DomainError(f"«{item.title}»: для ответа «да» приложите ссылку на подтверждение.")
        cleaned[item.code] = (bool(met), link)
    stored = answers_for(service.id, period_start)
    changed = 0
    for code, (met, link) in cleaned.items():
        row = stored.get(code)
        if row is None:
            row = RegionalChecklistAnswer(regional_service_id=service.id, period_start=period_start,
                                          item=code, is_met=False)
            db.session.add(row)
        elif (row.is_met, row.evidence_url) == (met, link):
            continue
        before = {"is_met": row.is_met, "evidence_url": row.evidence_url} if row.id else None
        row.is_met, row.evidence_url, row.updated_by_id, row.updated_at = met, link, actor.id, utcnow()
        db.session.flush()
        audit.record_changes(actor, "metrics.regional_checklist", "regional_checklist_answer", row.id,
                             before=before,
                             after={"is_met": met, "evidence_url": link},
                             summary=f"Региональный чек-лист {period_start:%m.%Y}, {service.name}: {code}")
        changed += 1
    if changed:
        _mark_stale(service.id, period_start)
    return changed


def _mark_stale(service_id: int, month: date, today: date | None = None) -> None:
    """The month's answers changed: the figures of the service and of each of its centres for the month and its
    weeks (up to today) go stale; the centres are recomputed after the commit."""
    today = today or local_today()
    last = min(month.replace(day=calendar.monthrange(month.year, month.month)[1]), today)
    days = [month.replace(day=d) for d in range(1, last.day + 1)] if last >= month else []
    centre_ids = db.session.scalars(select(Centre.id).where(Centre.regional_service_id == service_id)).all()
    snapshots.bump([(snapshots.SERVICE, service_id), *((snapshots.CENTRE, c) for c in centre_ids)], days)


def publish_item_weights(actor: User, service: RegionalService, effective_from: date, weights: dict[str, float],
                         label: str = "", *, today: date) -> RegionalChecklistWeightSet:
    """Item weights from ``effective_from`` on (never in the past: an earlier period keeps the weights in force
    on its first day); the periods from that date are recomputed."""
    ensure_weights_editable(actor, service, effective_from, today=today, refusal=WEIGHTS_REFUSAL)
    checked = checked_weights(weights, sorted(ITEM_CODES), effective_from, label,
                              incomplete="Укажите вес каждого пункта чек-листа.", normalise=False)
    row = RegionalChecklistWeightSet(regional_service_id=service.id, effective_from=effective_from, weights=checked,
                                     label=label.strip()[:200], created_by_id=actor.id)
    return store_weights(actor, service, row, action="metrics.checklist_weights_published",
                         object_kind="regional_checklist_weight_set",
                         summary=f"Веса регионального чек-листа с {effective_from:%d.%m.%Y}: {service.name}")


def withdraw_item_weights(actor: User, row: RegionalChecklistWeightSet, *, today: date) -> None:
    withdraw_weights(actor, row, today=today, refusal=WEIGHTS_REFUSAL, action="metrics.checklist_weights_withdrawn",
                     object_kind="regional_checklist_weight_set",
                     summary=f"Отозваны веса регионального чек-листа с {row.effective_from:%d.%m.%Y}")


def share_met(service_id: int, period_start: date) -> tuple[float, int] | None:
    """The share of checklist items met in the month, 0…100, and the number of items answered."""
    answered = answers_for(service_id, period_start)
    if not answered:
        return None
    return 100.0 * sum(a.is_met for a in answered.values()) / len(ITEMS), len(answered)
