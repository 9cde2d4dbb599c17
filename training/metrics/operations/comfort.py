"""The comfort checklist of a centre (chapter 4, «комфортность»): an inspector walks through the premises and the
website with the checklist HR keeps, one audit per centre and quarter, scored with the IQS maths (a failed
critical item such as step-free access zeroes it). It feeds the index's ``comfort_checklist``."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError

from training.accounts.models import Role, User
from training.accounts.scopes import can_supervise, supervisable_condition
from training.audit import services as audit
from training.db import seed_by_code
from training.errors import DomainError, NotAllowed
from training.extensions import db
from training.metrics.operations.iqs import checklist_score
from training.metrics.operations.models import ComfortArea, ComfortAudit, ComfortAuditItem, ComfortItem
from training.org.models import Centre
from training.signals import comfort_audit_recorded

P, W = ComfortArea.PREMISES, ComfortArea.WEBSITE
#: Reference checklist (code, name, area, weight, critical), from the comfort indicators of chapter 4 (3296–3303)
#: and what clients ask about a centre in the journeys of 2.1 (step-free entrance and parking 991–997, stands and
#: navigation 965–971, 843; extras 684; the book of comments 885; the website for people with disabilities 953–958).
DEFAULT_ITEMS = (
    ("step_free", "Вход без ступеней или с пандусом, кнопка вызова помощи работает", P, 1.5, True),
    ("navigation", "Указатели и схема помещения помогают найти нужное окно без расспросов", P, 1.0, False),
    ("stands", "Стенды актуальны, шрифт крупный, читается с расстояния", P, 1.0, False),
    ("waiting_area", "В зоне ожидания чисто, хватает мест, чтобы сесть", P, 1.0, False),
    ("parking", "Есть парковочные места для людей с инвалидностью", P, 0.75, False),
    ("extras", "Для посетителей есть вода, зарядка телефона, детский уголок", P, 0.5, False),
    ("brand", "Помещение оформлено в фирменном стиле службы", P, 0.5, False),
    ("comments_book", "Книгу отзывов и предложений видно и можно взять без просьбы", P, 0.5, False),
    ("site_contacts", "На сайте указаны адрес, часы работы, телефон и как добраться", W, 1.0, True),
    ("site_accessible", "У сайта есть версия для слабовидящих", W, 1.0, False),
    ("site_apply", "С сайта можно сразу перейти к заявлению на портале «Работа в России»", W, 1.0, False),
    ("site_callback", "На сайте можно заказать обратный звонок или задать вопрос", W, 0.5, False),
)


def seed_items() -> int:
    return seed_by_code(db.session, ComfortItem, (
        {"code": code, "name": name, "area": area, "weight": weight, "is_critical": critical}
        for code, name, area, weight, critical in DEFAULT_ITEMS))


def quarter_start(day: date) -> date:
    return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def quarter_end(start: date) -> date:
    month = start.month + 3
    following = date(start.year + (month > 12), (month - 1) % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def active_items() -> list[ComfortItem]:
    return list(db.session.scalars(select(ComfortItem).where(ComfortItem.is_active)
                                   .order_by(ComfortItem.area, ComfortItem.sort_order, ComfortItem.name)))


def all_items() -> list[ComfortItem]:
    return list(db.session.scalars(select(ComfortItem).order_by(ComfortItem.area, ComfortItem.sort_order,
                                                                ComfortItem.name)))


def _item_state(item: ComfortItem) -> dict:
    return {"code": item.code, "name": item.name, "area": str(item.area), "weight": item.weight,
            "is_critical": item.is_critical, "is_active": item.is_active, "sort_order": item.sort_order}


def save_item(actor: User, item: ComfortItem | None, *, code: str, name: str, area: str, weight: float,
              is_critical: bool, is_active: bool, sort_order: int) -> ComfortItem:
    """Create or change an item (HR / admin). Past audits keep their own weights."""
    if not actor.has_role(*Role.SERVICE_ADMINS):
        raise NotAllowed("Чек-лист комфортности настраивает кадровая служба.")
    if weight < 0 or weight > 10:
        raise DomainError("Вес пункта — число от 0 до 10.")
    if area not in set(ComfortArea):
        raise DomainError("Выберите, где проверяется пункт: помещение или сайт.")
    before = _item_state(item) if item else None
    if item is None:
        item = ComfortItem(code=code.strip().lower())
        db.session.add(item)
    item.name, item.area, item.weight, item.is_critical = name.strip(), ComfortArea(area), float(weight), is_critical
    item.is_active, item.sort_order = is_active, sort_order
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:
        raise DomainError("Пункт с таким кодом уже есть.") from exc
    if sum(i.weight for i in active_items()) <= 0:
        raise DomainError("Хотя бы один действующий пункт должен иметь положительный вес.")
    audit.record_changes(actor, "metrics.comfort_item_saved", "comfort_item", item.id, before=before,
                         after=_item_state(item), summary=f"Пункт чек-листа комфортности «{item.name}»")
    return item


def record_audit(inspector: User, centre: Centre, *, marks: dict[int, bool], visited_on: date, comment: str = "",
                 today: date) -> ComfortAudit:
    """Record a walk-through: ``marks`` maps each active item id to met / not met. One audit per centre and
    quarter (the quarter of the visit)."""
    if not can_supervise(inspector, centre):
        raise NotAllowed("Обход проводит руководитель ЦЗН или кадровая служба своей СЗН.")
    if visited_on > today:
        raise DomainError("Дата обхода не может быть в будущем.")
    items = active_items()
    score = checklist_score(items, marks, not_set_up="Не настроен чек-лист комфортности.",
                            mark_each="Отметьте каждый пункт")
    rows = [ComfortAuditItem(item_id=i.id, item_name=i.name, weight=i.weight, is_critical=i.is_critical,
                             is_passed=bool(marks[i.id])) for i in items]
    quarter = quarter_start(visited_on)
    found = ComfortAudit(regional_service_id=centre.regional_service_id, centre_id=centre.id, quarter_start=quarter,
                         visited_on=visited_on, inspector_id=inspector.id, score=score,
                         is_critical_failed=any(r.is_critical and not r.is_passed for r in rows),
                         comment=comment.strip()[:4000], items=rows)
    try:
        with db.session.begin_nested():
            db.session.add(found)
            db.session.flush()
    except IntegrityError as exc:
        raise DomainError(f"Обход ЦЗН за {(quarter.month - 1) // 3 + 1} квартал {quarter.year} года уже "
                          "записан: один обход в квартал.") from exc
    audit.record(inspector, "metrics.comfort_audit", "comfort_audit", found.id,
                 after={"centre": centre.id, "score": round(score, 1), "visited_on": visited_on},
                 summary=f"Чек-лист комфортности {score:.1f} %: {centre.name}")
    comfort_audit_recorded.send(found)
    return found


def audits_visible(viewer: User) -> Select:
    return select(ComfortAudit).where(supervisable_condition(viewer, service=ComfortAudit.regional_service_id,
                                                             centre=ComfortAudit.centre_id)) \
        .order_by(ComfortAudit.quarter_start.desc(), ComfortAudit.visited_on.desc(), ComfortAudit.id.desc())
