"""«Стресс месяца» (item 3): the most stressful or anti-client thing of the month, posted anonymously.

Anonymous by construction (docs/engagement.md):
- :func:`post_item` is not even given the poster: the table has no author column, the identifier is random,
  the date is kept to the day; nothing is logged or audited when an item is posted;
- a «+1» stores HMAC-SHA256(month key, user id), the month key being HMAC(SECRET_KEY, the month's random salt);
  the salt is erased when the committee archives the month, after which no one (not even with the database and
  the secret key) can recompute who voted. While the month is open, matching a vote to a person needs both the
  database and the application's SECRET_KEY.
Committee members then record corrective measures with an owner and a status, and archive the month. A measure's
``text`` stays with staff; what clients may read of it is the ``public_text`` the committee writes on purpose."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import date, datetime

from flask import current_app
from sqlalchemy import Select, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from training.accounts.models import User
from training.audit import services as audit
from training.db import utcnow
from training.errors import DomainError, NotAllowed
from training.extensions import db
from training.gamification.committee import services as committee
from training.gamification.stress.models import (
    PUBLIC_TEXT_MAX,
    MeasureStatus,
    StressItem,
    StressMeasure,
    StressMonth,
    StressSource,
    StressVote,
)
from training.notifications.services import notify
from training.org.models import Centre
from training.signals import stress_measure_resolved
from training.templating import DISPLAY_TZ, MONTHS_NOMINATIVE
from training.web import path_for

MAX_TEXT = 1000


def local_now() -> datetime:
    return datetime.now(DISPLAY_TZ)


def current_month(now: datetime | None = None) -> str:
    return f"{(now or local_now()).astimezone(DISPLAY_TZ):%Y-%m}"


def previous_month(month: str) -> str:
    year, number = (int(part) for part in month.split("-"))
    return f"{year - 1}-12" if number == 1 else f"{year}-{number - 1:02d}"


def month_label(month: str) -> str:
    year, number = (int(part) for part in month.split("-"))
    return f"{MONTHS_NOMINATIVE[number - 1]} {year}"


def valid_month(month: str) -> bool:
    try:
        year, number = (int(part) for part in month.split("-"))
    except ValueError:
        return False
    return len(month) == 7 and 2000 <= year <= 2100 and 1 <= number <= 12


def find_month(service_id: int | None, month: str) -> StressMonth | None:
    if service_id is None:
        return None
    return db.session.scalar(select(StressMonth).where(StressMonth.regional_service_id == service_id,
                                                       StressMonth.month == month))


def get_month(service_id: int, month: str) -> StressMonth:
    """Get or create the board of a month (race-free: the unique (service, month) decides)."""
    row = find_month(service_id, month)
    if row is not None:
        return row
    row = StressMonth(regional_service_id=service_id, month=month, vote_salt=secrets.token_hex(32))
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        row = find_month(service_id, month)
    return row


def state(month_row: StressMonth | None, month: str) -> str:
    """open (the current month: posting and «+1»), review (past, awaiting the committee) or archived."""
    if month_row is not None and month_row.is_archived:
        return "archived"
    return "open" if month == current_month() else "review"


# --- posting and «+1» -------------------------------------------------------------------------------------------

def post_item(service_id: int, *, text: str, centre_id: int | None,
              source: StressSource = StressSource.STAFF) -> StressItem:
    """Add an item to the current month. Deliberately takes no user: there is nothing to link it to."""
    text = (text or "").strip()
    if len(text) < 5:
        raise DomainError("Опишите ситуацию хотя бы парой слов.")
    if len(text) > MAX_TEXT:
        raise DomainError(f"Не больше {MAX_TEXT} знаков.")
    if centre_id is not None:
        centre = db.session.get(Centre, centre_id)
        if centre is None or centre.regional_service_id != service_id:
            raise DomainError("ЦЗН не найден.")
    month_row = get_month(service_id, current_month())
    if month_row.is_archived:
        raise DomainError("Месяц уже закрыт комитетом.")
    item = StressItem(id=secrets.token_urlsafe(12), month_id=month_row.id, centre_id=centre_id, text=text,
                      source=source, posted_on=local_now().date(), plus_count=0, is_hidden=False)
    db.session.add(item)
    db.session.flush()
    return item


def _month_key(month_row: StressMonth) -> bytes:
    if not month_row.vote_salt:
        raise DomainError("Месяц в архиве: голосование закрыто.")
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"stress-vote:{month_row.vote_salt}".encode(), hashlib.sha256).digest()


def voter_hash(month_row: StressMonth, user: User) -> str:
    return hmac.new(_month_key(month_row), str(user.id).encode(), hashlib.sha256).hexdigest()


def plus_one(user: User, item: StressItem) -> bool:
    """Support an item once. Returns False when this person had already supported it."""
    month_row = item.month_row
    if month_row.regional_service_id != user.regional_service_id or item.is_hidden:
        raise DomainError("Запись не найдена.")
    if state(month_row, month_row.month) != "open":
        raise DomainError("«+1» ставится только в текущем месяце.")
    try:
        with db.session.begin_nested():
            db.session.add(StressVote(item_id=item.id, voter_hash=voter_hash(month_row, user)))
    except IntegrityError:
        return False
    db.session.execute(update(StressItem).where(StressItem.id == item.id)
                       .values(plus_count=StressItem.plus_count + 1).execution_options(synchronize_session=False))
    db.session.refresh(item)
    return True


def my_votes(user: User, month_row: StressMonth | None) -> set[str]:
    """Items this person supported (only they can compute it, and only while the month is open)."""
    if month_row is None or not month_row.vote_salt:
        return set()
    mine = voter_hash(month_row, user)
    return set(db.session.scalars(select(StressVote.item_id).join(StressItem, StressItem.id == StressVote.item_id)
                                  .where(StressItem.month_id == month_row.id, StressVote.voter_hash == mine)))


def items(month_row: StressMonth | None, *, order: str = "top", centre_id: int | None = None,
          include_hidden: bool = False) -> list[StressItem]:
    if month_row is None:
        return []
    query: Select = (select(StressItem).where(StressItem.month_id == month_row.id)
                     .options(selectinload(StressItem.centre)))
    if not include_hidden:
        query = query.where(StressItem.is_hidden.is_(False))
    if centre_id:
        query = query.where(StressItem.centre_id == centre_id)
    if order == "new":
        query = query.order_by(StressItem.posted_on.desc(), StressItem.id)
    else:
        query = query.order_by(StressItem.plus_count.desc(), StressItem.posted_on, StressItem.id)
    return list(db.session.scalars(query))


def months(service_id: int | None) -> list[StressMonth]:
    if service_id is None:
        return []
    return list(db.session.scalars(select(StressMonth).where(StressMonth.regional_service_id == service_id)
                                   .order_by(StressMonth.month.desc())))


# --- the committee ----------------------------------------------------------------------------------------------

def hide_item(actor: User, item: StressItem, hidden: bool = True) -> None:
    committee.ensure_can_act(actor, item.month_row.regional_service_id)
    if item.month_row.is_archived:
        raise DomainError("Месяц в архиве: изменить нельзя.")
    item.is_hidden = hidden
    audit.record(actor, "stress_item.hide" if hidden else "stress_item.show", "stress_item", item.id,
                 summary="Запись «Стресс месяца» скрыта комитетом" if hidden else "Запись возвращена на доску")


def _public_text(public_text: str | None) -> str | None:
    """The text for clients, whitespace tidied; None when empty (the measure is then never shown to clients)."""
    public_text = " ".join((public_text or "").split())
    if len(public_text) > PUBLIC_TEXT_MAX:
        raise DomainError(f"Текст для клиентов — не длиннее {PUBLIC_TEXT_MAX} символов.")
    return public_text or None


def add_measure(actor: User, month_row: StressMonth, *, text: str, owner: User, item: StressItem | None = None,
                due_on: date | None = None, status: str = MeasureStatus.PLANNED,
                public_text: str | None = None) -> StressMeasure:
    committee.ensure_can_act(actor, month_row.regional_service_id)
    if month_row.is_archived:
        raise DomainError("Месяц в архиве: новые меры не добавляются.")
    if item is not None and item.month_id != month_row.id:
        raise DomainError("Запись не из этого месяца.")
    if owner.regional_service_id != month_row.regional_service_id or not owner.is_active:
        raise DomainError("Ответственный должен быть сотрудником этой службы занятости.")
    text = (text or "").strip()
    if not text:
        raise DomainError("Опишите корректирующую меру.")
    status = MeasureStatus(status)
    public_text = _public_text(public_text)
    measure = StressMeasure(month_id=month_row.id, item_id=item.id if item else None, text=text, owner_id=owner.id,
                            public_text=public_text, status=status, due_on=due_on, created_by_id=actor.id,
                            done_at=utcnow() if status == MeasureStatus.DONE else None)
    db.session.add(measure)
    db.session.flush()
    audit.record(actor, "stress_measure.create", "stress_measure", measure.id,
                 after={"text": text, "public_text": public_text, "owner_id": owner.id, "status": status,
                        "due_on": due_on, "month": month_row.month},
                 summary=f"Корректирующая мера «Стресс месяца»: {text[:200]}")
    notify(owner, "stress-measure", f"Вы назначены ответственным за меру комитета: {text[:200]}",
           path_for("stress.index", month=month_row.month))
    if status == MeasureStatus.DONE:
        stress_measure_resolved.send(measure)
    return measure


def can_update_measure(user: User, measure: StressMeasure) -> bool:
    return measure.owner_id == user.id or committee.can_act(user, measure.month_row.regional_service_id)


def set_measure_status(actor: User, measure: StressMeasure, status: str) -> None:
    """Owners and the committee move a measure along; it stays trackable after the month is archived."""
    if not can_update_measure(actor, measure):
        raise NotAllowed("Статус меры меняет её ответственный или комитет.")
    status = MeasureStatus(status)
    before = measure.status
    if status == before:
        return
    changed = db.session.execute(
        update(StressMeasure).where(StressMeasure.id == measure.id, StressMeasure.status == before)
        .values(status=status, updated_at=utcnow(), done_at=utcnow() if status == MeasureStatus.DONE else None)
        .execution_options(synchronize_session=False)).rowcount
    if not changed:
        raise DomainError("Статус меры только что изменили: обновите страницу.")
    db.session.refresh(measure)
    audit.record(actor, "stress_measure.status", "stress_measure", measure.id, before={"status": before},
                 after={"status": status}, summary=f"Мера «Стресс месяца»: {MeasureStatus(status).label}")
    if status == MeasureStatus.DONE:
        stress_measure_resolved.send(measure)


def set_public_text(actor: User, measure: StressMeasure, public_text: str | None) -> None:
    """The committee writes (or clears) what clients read of a measure once it is done. Its owner alone may not:
    the committee answers for what leaves the team. Allowed after archiving, like the status."""
    committee.ensure_can_act(actor, measure.month_row.regional_service_id)
    public_text = _public_text(public_text)
    before = measure.public_text
    if public_text == before:
        return
    measure.public_text = public_text
    measure.updated_at = utcnow()
    audit.record(actor, "stress_measure.public_text", "stress_measure", measure.id, before={"public_text": before},
                 after={"public_text": public_text},
                 summary="Мера «Стресс месяца»: текст для клиентов " + ("изменён" if public_text else "убран"))


def archive_month(actor: User, month_row: StressMonth) -> None:
    """Close a past month for good: read-only, and the «+1» salt is erased."""
    committee.ensure_can_act(actor, month_row.regional_service_id)
    if month_row.month >= current_month():
        raise DomainError("Текущий месяц ещё идёт: архивировать можно после его окончания.")
    done = db.session.execute(
        update(StressMonth).where(StressMonth.id == month_row.id, StressMonth.archived_at.is_(None))
        .values(archived_at=utcnow(), archived_by_id=actor.id, vote_salt=None)
        .execution_options(synchronize_session=False)).rowcount
    if not done:
        raise DomainError("Месяц уже в архиве.")
    db.session.refresh(month_row)
    audit.record(actor, "stress_month.archive", "stress_month", month_row.id,
                 summary=f"«Стресс месяца» за {month_label(month_row.month)} отправлен в архив")
