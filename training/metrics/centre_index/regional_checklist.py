"""The regional checklist of chapter 4: yes/no facts about a regional service (a personal account on «Работа в
России», omnichannel access, an online assistant, …) that are the same for all its centres. HR of the service
answers it per month, each «да» with a link to the evidence; the answers are audited."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from sqlalchemy import select

from training.accounts.models import User
from training.accounts.scopes import can_administer_service
from training.audit import services as audit
from training.db import utcnow
from training.errors import DomainError, NotAllowed
from training.extensions import db
from training.metrics.centre_index.models import RegionalChecklistAnswer
from training.org.models import RegionalService


@dataclass(frozen=True)
class ChecklistItem:
    code: str
    title: str


ITEMS: tuple[ChecklistItem, ...] = (
    ChecklistItem("trudvsem_account", "Клиенты пользуются личным кабинетом на портале «Работа в России»"),
    ChecklistItem("omnichannel", "Обратиться можно по любому каналу — лично, по телефону, через портал и "
                                 "мессенджер — и разговор продолжается с того места, где остановился"),
    ChecklistItem("online_assistant", "На сайте работает онлайн-помощник, который отвечает в любое время"),
    ChecklistItem("online_booking", "Записаться на приём и встать в очередь можно онлайн"),
    ChecklistItem("feedback_channels", "Отзыв можно оставить в каждой точке контакта"),
)
ITEM_CODES = {item.code for item in ITEMS}


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
    return changed


def share_met(service_id: int, period_start: date) -> tuple[float, int] | None:
    """The share of checklist items met in the month, 0…100, and the number of items answered."""
    answered = answers_for(service_id, period_start)
    if not answered:
        return None
    return 100.0 * sum(a.is_met for a in answered.values()) / len(ITEMS), len(answered)
