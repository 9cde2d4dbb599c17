"""The rules of recognition: monthly contests in two tracks, the frozen snapshot at the close, «Спасибо»,
badges, the points ledger and the public boards (which respect consent)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from training.accounts import scopes
from training.accounts.models import NO_CONSENT_LABEL, Role, User
from training.audit import services as audit
from training.certificates.services import issue_document
from training.db import utcnow
from training.errors import DomainError, NotAllowed
from training.extensions import db
from training.gamification.contests.models import Award, AwardKind
from training.gamification.recognition.catalogue import BADGES, BADGES_BY_CODE
from training.gamification.recognition.models import Badge, PointEntry, ThanksNote, UserBadge
from training.notifications.services import notify
from training.org.models import Centre
from training.signals import thanks_given
from training.templating import quoted
from training.web import path_for

THANKS_MAX = 500
THANKS_PER_DAY = 10


# --- periods (calendar months in Moscow time) -------------------------------------------------------------


# --- names on boards --------------------------------------------------------------------------------------


# --- scope ------------------------------------------------------------------------------------------------


def can_view_person(viewer: User, person: User) -> bool:
    """The awards page: the person, staff of the same centre, managers and HR in scope."""
    return scopes.can_view(viewer, person, members=scopes.Level.CENTRE)


def can_award_badges(viewer: User, person: User) -> bool:
    """The manager of the person's centre, HR of their service, administrators; never oneself."""
    return person.centre_id is not None and scopes.can_supervise(viewer, person)


def may_grant(actor: User, badge: Badge) -> bool:
    """Whether the actor's role may give this badge by hand (scope is ``can_award_badges``): «Магистр» is HR's."""
    spec = BADGES_BY_CODE.get(badge.code)
    return badge.is_manual and (spec is None or not spec.hr_only or actor.has_role(*Role.SERVICE_ADMINS))


def grantable_badges(actor: User) -> list[Badge]:
    return [b for b in catalogue() if may_grant(actor, b)]


# --- contests ---------------------------------------------------------------------------------------------


def issue_quest_diploma(user: User, quest) -> int | None:
    """A winner's diploma for a corporate quest, once per person and quest (source key)."""
    quest_id = getattr(quest, "id", quest)
    title = getattr(quest, "title", None) or "Корпоративный квест"
    try:
        with db.session.begin_nested():
            certificate = issue_document("quest_winner", user, title=f"Победитель квеста «{title}»",
                                         subtitle="Первое место", issued_by=None,
                                         source_key=f"recognition:quest:{quest_id}:{user.id}",
                                         details={"quest_id": quest_id})
    except Exception:  # the diploma can be issued later; the points and badge must not be lost
        current_app.logger.exception("quest diploma for quest %s / user %s was not issued", quest_id, user.id)
        return None
    return getattr(certificate, "id", None)


def title_holders(centre: Centre) -> list[tuple[User, Badge]]:
    """Staff of the centre holding a title badge, consenting ones only (the honour board is public)."""
    rows = db.session.execute(
        select(User, Badge).join(UserBadge, UserBadge.user_id == User.id).join(Badge, Badge.id == UserBadge.badge_id)
        .where(User.centre_id == centre.id, User.is_active, User.is_public_consent, Badge.is_title)
        .order_by(Badge.sort_order, User.full_name))
    return [(u, b) for u, b in rows]


# --- client votes -----------------------------------------------------------------------------------------


# --- «Спасибо» --------------------------------------------------------------------------------------------

def can_thank(giver: User, recipient: User) -> bool:
    """An active colleague of one's regional service (administrators: anyone), never oneself."""
    return (giver.id != recipient.id and recipient.is_active
            and scopes.can_view(giver, recipient, members=scopes.Level.SERVICE))


def thank_candidates(giver: User) -> list[User]:
    query = select(User).where(User.is_active, User.id != giver.id).order_by(User.full_name)
    if giver.centre_id and not giver.has_role(*Role.SERVICE_ADMINS):
        query = query.where(User.centre_id == giver.centre_id)
    elif giver.regional_service_id:
        query = query.where(User.regional_service_id == giver.regional_service_id)
    return list(db.session.scalars(query.limit(500)))


def give_thanks(giver: User, recipient: User, text: str, now: datetime | None = None) -> ThanksNote:
    now = now or utcnow()
    text = (text or "").strip()
    if giver.id == recipient.id:
        raise DomainError("Себя поблагодарить нельзя — попросите коллегу.")
    if not can_thank(giver, recipient):
        raise DomainError("Поблагодарить можно коллегу из своей службы занятости.")
    if len(text) < 3:
        raise DomainError("Напишите, за что спасибо.")
    if len(text) > THANKS_MAX:
        raise DomainError(f"Не длиннее {THANKS_MAX} символов.")
    # the giver's row is locked until the request commits, so parallel posts count one after another
    db.session.execute(select(User.id).where(User.id == giver.id).with_for_update())
    sent_today = db.session.scalar(select(func.count()).select_from(ThanksNote).where(
        ThanksNote.giver_id == giver.id, ThanksNote.created_at >= now - timedelta(days=1))) or 0
    if sent_today >= THANKS_PER_DAY:
        raise DomainError(f"Не больше {THANKS_PER_DAY} «Спасибо» в сутки. Продолжите завтра.")
    note = ThanksNote(giver_id=giver.id, recipient_id=recipient.id, regional_service_id=recipient.regional_service_id,
                      text=text, is_from_manager=giver.has_role(*Role.SUPERVISORS), created_at=now)
    db.session.add(note)
    db.session.flush()
    notify(recipient, "recognition.thanks", f"{giver.full_name} говорит вам «Спасибо»: {text[:120]}",
           path_for("recognition.person", user_id=recipient.id))
    thanks_given.send(giver, note=note)
    return note


# lists of notes show the giver and the recipient: load them with the notes, not one query per note
_NOTE_PEOPLE = (selectinload(ThanksNote.giver), selectinload(ThanksNote.recipient))


def thanks_received(user: User, limit: int = 50) -> list[ThanksNote]:
    return list(db.session.scalars(select(ThanksNote).where(ThanksNote.recipient_id == user.id)
                                   .options(*_NOTE_PEOPLE)
                                   .order_by(ThanksNote.created_at.desc(), ThanksNote.id.desc()).limit(limit)))


def thanks_given_by(user: User, limit: int = 50) -> list[ThanksNote]:
    return list(db.session.scalars(select(ThanksNote).where(ThanksNote.giver_id == user.id)
                                   .options(*_NOTE_PEOPLE)
                                   .order_by(ThanksNote.created_at.desc(), ThanksNote.id.desc()).limit(limit)))


def showcase(viewer: User) -> Select:
    """«Витрина успеха»: thanks to people who consented to publication, within the viewer's regional service."""
    query = (select(ThanksNote).join(User, User.id == ThanksNote.recipient_id)
             .where(User.is_public_consent, User.is_active).options(*_NOTE_PEOPLE)
             .order_by(ThanksNote.created_at.desc(), ThanksNote.id.desc()))
    return query.where(scopes.viewable_condition(viewer, service=ThanksNote.regional_service_id,
                                                 members=scopes.Level.SERVICE))


def showcase_awards(viewer: User, limit: int = 6) -> list[Award]:
    query = (select(Award).join(User, User.id == Award.user_id).join(Centre, Centre.id == Award.centre_id)
             .where(User.is_public_consent, Award.kind == AwardKind.TITLE)
             .where(scopes.viewable_condition(viewer, service=Centre.regional_service_id,
                                              members=scopes.Level.SERVICE))
             .order_by(Award.period.desc(), Award.id.desc()).limit(limit))
    return list(db.session.scalars(query))


# --- badges -----------------------------------------------------------------------------------------------

def ensure_badge_catalogue() -> int:
    """Create missing badges of the catalogue (the reference seed); returns how many were created."""
    created = 0
    existing = {b.code: b for b in db.session.scalars(select(Badge))}
    for spec in BADGES:
        badge = existing.get(spec.code)
        if badge is None:
            db.session.add(Badge(code=spec.code, name=spec.name, description=spec.description,
                                 criteria=spec.criteria, is_title=spec.is_title, is_manual=spec.is_manual,
                                 points=spec.points, sort_order=spec.sort_order))
            created += 1
    db.session.flush()
    return created


def badge_by_code(code: str) -> Badge | None:
    badge = db.session.scalar(select(Badge).where(Badge.code == code))
    if badge is None and code in BADGES_BY_CODE:
        spec = BADGES_BY_CODE[code]
        try:
            with db.session.begin_nested():
                db.session.add(Badge(code=spec.code, name=spec.name, description=spec.description,
                                     criteria=spec.criteria, is_title=spec.is_title, is_manual=spec.is_manual,
                                     points=spec.points, sort_order=spec.sort_order))
        except IntegrityError:
            pass
        badge = db.session.scalar(select(Badge).where(Badge.code == code))
    return badge


def award_badge(user: User, code: str, *, reason: str = "", actor: User | None = None,
                source: str = "") -> UserBadge | None:
    """Give a badge once per person and ``source``; returns None when that award was already given.

    Most badges are held once (no source). A badge earned per occasion names it: «Наставник» per newcomer
    accompanied (``onboarding:<plan id>``), «Лучший рост» per month. Other domains call this too, e.g. metrics for
    «Мастер клиентоцентричности» from competence scores."""
    badge = badge_by_code(code)
    if badge is None:
        raise DomainError("Такого знака отличия нет в каталоге.")
    source = (source or "")[:120]
    if db.session.scalar(select(UserBadge.id).where(UserBadge.user_id == user.id, UserBadge.badge_id == badge.id,
                                                    UserBadge.source == source)):
        return None
    link = UserBadge(user_id=user.id, badge_id=badge.id, awarded_by_id=actor.id if actor else None,
                     reason=(reason or "")[:300], source=source)
    try:
        with db.session.begin_nested():
            db.session.add(link)
    except IntegrityError:
        return None
    suffix = f":{source}" if source else ""
    if badge.points:
        award_points(user, badge.points, f"badge:{badge.code}{suffix}", f"Знак отличия «{badge.name}»")
    notify(user, "recognition.badge", f"Вам присвоен знак отличия {quoted(badge.name)}.",
           path_for("recognition.person", user_id=user.id),
           dedupe_key=f"recognition-badge:{user.id}:{badge.code}{suffix}")
    return link


def award_badge_by_hand(actor: User, person: User, badge: Badge, reason: str) -> UserBadge:
    if not can_award_badges(actor, person):
        raise NotAllowed("Присвоить знак отличия может руководитель центра или кадровая служба.")
    if not badge.is_manual:
        raise DomainError("Этот знак присваивается автоматически.")
    if not may_grant(actor, badge):
        raise NotAllowed(f"«{badge.name}» присваивает кадровая служба.")
    spec = BADGES_BY_CODE.get(badge.code)
    if spec is not None and spec.requires and not db.session.scalar(
            select(UserBadge.id).join(Badge).where(UserBadge.user_id == person.id, Badge.code == spec.requires)):
        raise DomainError(f"«{badge.name}» присваивается только обладателю знака "
                          f"«{BADGES_BY_CODE[spec.requires].name}».")
    link = award_badge(person, badge.code, reason=reason, actor=actor)
    if link is None:
        raise DomainError(f"У сотрудника уже есть знак «{badge.name}».")
    audit.record(actor, "recognition.badge_award", "user", person.id, after={"badge": badge.code, "reason": reason},
                 summary=f"Присвоен знак «{badge.name}»: {person.full_name}")
    return link


def badges_of(user: User) -> list[UserBadge]:
    return list(db.session.scalars(select(UserBadge).join(Badge).where(UserBadge.user_id == user.id)
                                   .order_by(Badge.sort_order, UserBadge.created_at)))


def catalogue() -> list[Badge]:
    return list(db.session.scalars(select(Badge).order_by(Badge.sort_order, Badge.name)))


# --- points -----------------------------------------------------------------------------------------------

def award_points(user: User | int, amount: int, source: str, reason: str = "") -> PointEntry | None:
    """Add a ledger entry once per (person, source). Returns None when that source already paid."""
    user_id = user if isinstance(user, int) else user.id
    if db.session.scalar(select(PointEntry.id).where(PointEntry.user_id == user_id, PointEntry.source == source)):
        return None
    entry = PointEntry(user_id=user_id, amount=int(amount), source=source[:120], reason=(reason or "")[:300])
    try:
        with db.session.begin_nested():
            db.session.add(entry)
    except IntegrityError:
        return None
    return entry


def points_total(user: User, since: datetime | None = None) -> int:
    query = select(func.coalesce(func.sum(PointEntry.amount), 0)).where(PointEntry.user_id == user.id)
    if since is not None:
        query = query.where(PointEntry.created_at >= since)
    return int(db.session.scalar(query) or 0)


def point_entries(user: User, limit: int = 30) -> list[PointEntry]:
    return list(db.session.scalars(select(PointEntry).where(PointEntry.user_id == user.id)
                                   .order_by(PointEntry.created_at.desc(), PointEntry.id.desc()).limit(limit)))


@dataclass
class LeaderRow:
    rank: int
    user_id: int
    label: str
    total: int
    is_me: bool


def leaderboard(centre: Centre, viewer: User, since: datetime | None = None, limit: int = 100) -> list[LeaderRow]:
    """Points per person of the centre. Order: total, then who reached it first (CTFd's rule), then id.
    Names only with consent; the viewer always recognises their own row."""
    total = func.sum(PointEntry.amount)
    reached = func.max(PointEntry.created_at)
    query = (select(User.id, User.full_name, User.is_public_consent, total, reached)
             .join(PointEntry, PointEntry.user_id == User.id)
             .where(User.centre_id == centre.id, User.is_active)
             .group_by(User.id, User.full_name, User.is_public_consent)
             .having(total != 0)
             .order_by(total.desc(), reached.asc(), User.id.asc()).limit(limit))
    if since is not None:
        query = query.where(PointEntry.created_at >= since)  # WHERE is added before GROUP BY in the SQL
    rows: list[LeaderRow] = []
    for index, (user_id, name, consent, points, _) in enumerate(db.session.execute(query)):
        rank = rows[-1].rank if rows and rows[-1].total == points else index + 1
        label = name if consent else NO_CONSENT_LABEL
        if user_id == viewer.id:
            label = f"{name} (вы)"
        rows.append(LeaderRow(rank, user_id, label, int(points), user_id == viewer.id))
    return rows
