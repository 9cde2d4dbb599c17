"""Rewards: the catalogue HR maintains, spending points, HR's grants, the register, the hall of the month's
winners and free-form грамоты / благодарственные письма.

The balance can't go negative, even with two taps at once: :func:`spend` takes the person's row lock
(``SELECT … FOR UPDATE`` on ``users``) before it reads the balance, so a second purchase waits for the first to
commit and then sees the lower balance. A limited reward's stock is taken by a conditional UPDATE."""
from __future__ import annotations

import io
import secrets
from dataclasses import dataclass
from datetime import datetime

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas as pdf_canvas
from sqlalchemy import func, select, update

from training.accounts import scopes
from training.accounts.models import NO_CONSENT_LABEL, Role, User
from training.audit import services as audit
from training.certificates import services as certificates
from training.certificates.models import Certificate
from training.db import utcnow
from training.errors import DomainError, NotAllowed
from training.extensions import db
from training.gamification.contests.models import Award
from training.gamification.recognition import services as recognition
from training.gamification.recognition.models import Badge, UserBadge
from training.gamification.rewards.models import GrantKind, GrantStatus, Reward, RewardGrant
from training.measures.periods import MONTH, Period, parse_period
from training.notifications.services import notify
from training.org.models import Centre, RegionalService
from training.pdf import draw_qr, register_fonts
from training.templating import DISPLAY_TZ
from training.web import path_for

#: badges the hall shows when they were earned in the month
HALL_BADGES = ("most_improved", "mentor", "master", "magister", "quest_winner")
#: free-form documents HR issues through the certificates engine
LETTER_KINDS = {"gramota": "Почётная грамота", "thanks_letter": "Благодарственное письмо"}


# --- the catalogue ------------------------------------------------------------------------------------------------

def ensure_default_rewards(rows: list[dict], service_ids: list[int] | None = None) -> int:
    """Get-or-create the default catalogue (``seeds/engagement/rewards.yaml``) in every regional service."""
    if service_ids is None:
        service_ids = list(db.session.scalars(select(RegionalService.id)))
    created = 0
    for service_id in service_ids:
        have = set(db.session.scalars(select(Reward.code).where(Reward.regional_service_id == service_id)))
        for order, row in enumerate(rows, start=1):
            if row["code"] in have:
                continue
            db.session.add(Reward(regional_service_id=service_id, code=row["code"], name=row["name"],
                                  description=row.get("description", ""), cost=row.get("cost"),
                                  stock=row.get("stock"), is_active=True, sort_order=order * 10))
            created += 1
    db.session.flush()
    return created


def catalogue(service_id: int | None, *, include_inactive: bool = False) -> list[Reward]:
    if service_id is None:
        return []
    query = select(Reward).where(Reward.regional_service_id == service_id)
    if not include_inactive:
        query = query.where(Reward.is_active)
    return list(db.session.scalars(query.order_by(Reward.sort_order, Reward.name)))


def can_manage(user: User, service_id: int | None) -> bool:
    """HR of the service and administrators keep the catalogue and grant rewards."""
    return scopes.can_administer_service(user, service_id)


def save_reward(actor: User, service_id: int, reward: Reward | None, *, name: str, description: str,
                cost: int | None, stock: int | None, is_active: bool) -> Reward:
    if not can_manage(actor, service_id):
        raise NotAllowed("Каталог наград ведёт кадровая служба.")
    name = (name or "").strip()
    if not name:
        raise DomainError("Назовите награду.")
    if cost is not None and cost <= 0:
        raise DomainError("Цена в баллах — больше нуля (или пусто: только по решению кадровой службы).")
    if stock is not None and stock < 0:
        raise DomainError("Остаток не может быть меньше нуля.")
    before = None
    if reward is None:
        reward = Reward(regional_service_id=service_id, name=name)
        db.session.add(reward)
    else:
        if reward.regional_service_id != service_id:
            raise DomainError("Награда не найдена.")
        before = {"name": reward.name, "cost": reward.cost, "stock": reward.stock, "is_active": reward.is_active}
    reward.name, reward.description = name[:120], (description or "").strip()[:500]
    reward.cost, reward.stock, reward.is_active = cost, stock, bool(is_active)
    db.session.flush()
    audit.record(actor, "reward.save", "reward", reward.id, before=before,
                 after={"name": reward.name, "cost": cost, "stock": stock, "is_active": reward.is_active},
                 summary=f"Каталог наград: «{reward.name}»")
    return reward


# --- points ---------------------------------------------------------------------------------------------------------

def spent(user: User) -> int:
    return int(db.session.scalar(select(func.coalesce(func.sum(RewardGrant.points), 0))
                                 .where(RewardGrant.user_id == user.id)) or 0)


def balance(user: User) -> int:
    """Points earned (the ledger) minus points spent on rewards."""
    return recognition.points_total(user) - spent(user)


def _lock_person(user: User) -> None:
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())


def _take_stock(reward: Reward) -> None:
    if reward.stock is None:
        return
    taken = db.session.execute(update(Reward).where(Reward.id == reward.id, Reward.stock > 0)
                               .values(stock=Reward.stock - 1).execution_options(synchronize_session=False)).rowcount
    if not taken:
        raise DomainError(f"«{reward.name}» закончилась: загляните позже.")
    db.session.refresh(reward)


def spend(user: User, reward: Reward) -> RewardGrant:
    """Exchange points for a reward of the person's service (never below zero; see the module docstring)."""
    if not reward.is_active or reward.regional_service_id != user.regional_service_id:
        raise DomainError("Награда не найдена.")
    if reward.cost is None:
        raise DomainError("Эту награду вручает кадровая служба: за баллы её не получить.")
    _lock_person(user)
    available = balance(user)
    if available < reward.cost:
        raise DomainError(f"Не хватает баллов: нужно {reward.cost}, у вас {available}.")
    _take_stock(reward)
    grant = RewardGrant(reward_id=reward.id, user_id=user.id, regional_service_id=reward.regional_service_id,
                        kind=GrantKind.SPENT, points=reward.cost, reason="Обмен баллов",
                        status=GrantStatus.REQUESTED)
    db.session.add(grant)
    db.session.flush()
    for person in scopes.staff_with_role(Role.HR, service_id=reward.regional_service_id):
        notify(person, "rewards", f"{user.full_name} выбрал(а) награду «{reward.name}» за баллы: вручите её.",
               path_for("rewards.register"))
    return grant


def grant(actor: User, person: User, reward: Reward, reason: str) -> RewardGrant:
    """HR gives a reward by decision (no points spent), with a reason."""
    if not can_manage(actor, reward.regional_service_id) or person.regional_service_id != reward.regional_service_id:
        raise NotAllowed("Вручать награды может кадровая служба своей службы занятости.")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Напишите, за что.")
    if not reward.is_active:
        raise DomainError("Награда снята с каталога.")
    _take_stock(reward)
    row = RewardGrant(reward_id=reward.id, user_id=person.id, regional_service_id=reward.regional_service_id,
                      kind=GrantKind.GRANTED, points=0, reason=reason[:300], granted_by_id=actor.id,
                      status=GrantStatus.REQUESTED)
    db.session.add(row)
    db.session.flush()
    audit.record(actor, "reward.grant", "reward_grant", row.id, after={"reward": reward.name, "user_id": person.id,
                 "reason": reason}, summary=f"Награда «{reward.name}»: {person.full_name}")
    notify(person, "rewards", f"Вам вручается награда «{reward.name}»: {reason[:200]}", path_for("rewards.index"))
    return row


def fulfil(actor: User, row: RewardGrant) -> None:
    if not can_manage(actor, row.regional_service_id):
        raise NotAllowed("Отмечает вручение кадровая служба.")
    done = db.session.execute(update(RewardGrant).where(RewardGrant.id == row.id,
                                                        RewardGrant.status == GrantStatus.REQUESTED)
                              .values(status=GrantStatus.FULFILLED, fulfilled_at=utcnow())
                              .execution_options(synchronize_session=False)).rowcount
    if not done:
        raise DomainError("Награда уже отмечена как врученная.")
    db.session.refresh(row)
    audit.record(actor, "reward.fulfil", "reward_grant", row.id, summary=f"Награда «{row.reward.name}» вручена")


def my_grants(user: User) -> list[RewardGrant]:
    return list(db.session.scalars(select(RewardGrant).where(RewardGrant.user_id == user.id)
                                   .order_by(RewardGrant.created_at.desc(), RewardGrant.id.desc())))


def register(actor: User, limit: int = 500) -> list[RewardGrant]:
    """Every grant of the actor's service (administrators: all), newest first."""
    query = (select(RewardGrant).where(scopes.viewable_condition(
        actor, service=RewardGrant.regional_service_id, members=scopes.Level.SERVICE))
        .order_by(RewardGrant.created_at.desc(), RewardGrant.id.desc()).limit(limit))
    return list(db.session.scalars(query))


# --- грамоты and благодарственные письма ---------------------------------------------------------------------------

def issue_letter(actor: User, person: User, kind: str, text: str) -> Certificate:
    """A free-form грамота or благодарственное письмо, numbered, verifiable and printable like every document."""
    if kind not in LETTER_KINDS:
        raise DomainError("Выберите вид документа.")
    if not can_manage(actor, person.regional_service_id):
        raise NotAllowed("Грамоты и благодарственные письма оформляет кадровая служба.")
    text = (text or "").strip()
    if len(text) < 5:
        raise DomainError("Напишите, за что.")
    if len(text) > 300:
        raise DomainError("Не больше 300 знаков.")
    return certificates.issue_document(kind, person, title=text, issued_by=actor,
                                       source_key=f"letter:{kind}:{secrets.token_hex(8)}")


# --- the hall: the month's winners -----------------------------------------------------------------------------------

@dataclass
class Winner:
    title: str
    name: str  # the name only with consent
    detail: str = ""


def _month_bounds(period: Period) -> tuple[datetime, datetime]:
    start = datetime.combine(period.start, datetime.min.time(), DISPLAY_TZ)
    end = datetime.combine(period.next().start, datetime.min.time(), DISPLAY_TZ)
    return start, end


def _public(user: User) -> str:
    return user.full_name if user.is_public_consent else NO_CONSENT_LABEL


def hall_winners(centre: Centre, period: Period) -> list[Winner]:
    """Contest winners of the month and badges earned in it («Лучший рост», «Наставник», titles), for the hall.
    People who did not consent are shown without their name."""
    winners = [Winner(a.title, _public(a.user)) for a in db.session.scalars(
        select(Award).where(Award.centre_id == centre.id, Award.period == period.key).order_by(Award.kind, Award.id))]
    start, end = _month_bounds(period)
    rows = db.session.execute(select(UserBadge, Badge, User).join(Badge, Badge.id == UserBadge.badge_id)
                              .join(User, User.id == UserBadge.user_id)
                              .where(User.centre_id == centre.id, User.is_active, Badge.code.in_(HALL_BADGES),
                                     UserBadge.created_at >= start, UserBadge.created_at < end)
                              .order_by(Badge.sort_order, UserBadge.id))
    winners += [Winner(badge.name, _public(user)) for _link, badge, user in rows]
    return winners


def hall_period(key: str | None) -> Period:
    return parse_period(MONTH, key)


def poster_pdf(centre: Centre, period: Period, winners: list[Winner], page_url: str) -> bytes:
    """An A4 poster of the month's winners for the centre's hall, with a QR code of the public page."""
    regular, bold = register_fonts()
    buffer = io.BytesIO()
    c = pdf_canvas.Canvas(buffer, pagesize=A4)
    width, height = A4
    c.setTitle(f"Лучшие сотрудники: {centre.name}, {period.label}")
    c.setFont(bold, 26)
    c.drawCentredString(width / 2, height - 90, "Ими гордится наш центр")
    c.setFont(regular, 15)
    c.drawCentredString(width / 2, height - 120, f"{centre.name} · {period.label}")
    y = height - 180
    for winner in winners[:14]:
        c.setFont(bold, 15)
        c.drawString(70, y, winner.name[:60])
        c.setFont(regular, 12)
        c.drawString(70, y - 18, winner.title[:80])
        y -= 46
    if not winners:
        c.setFont(regular, 14)
        c.drawCentredString(width / 2, y, "Итоги месяца ещё подводятся.")
    draw_qr(c, page_url, width - 170, 50, 110)
    c.setFont(regular, 9)
    c.drawRightString(width - 60, 40, "Страница победителей")
    c.showPage()
    c.save()
    return buffer.getvalue()


def find_person(actor: User, text: str) -> User:
    """A colleague of the actor's service by personnel number or e-mail (administrators: anyone)."""
    text = (text or "").strip()
    query = select(User).where(User.is_active,
                               (User.personnel_number == text) | (func.lower(User.email) == text.lower()),
                               scopes.viewable_condition(actor, service=User.regional_service_id,
                                                         members=scopes.Level.SERVICE))
    person = db.session.scalars(query.limit(2)).first()
    if person is None:
        raise DomainError("Сотрудник с таким табельным номером или e-mail не найден в вашей службе занятости.")
    return person
