"""The Комитет клиентоцентричности of a regional service: HR appoints members; members moderate the case
library and review «Стресс месяца»."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from training.accounts.models import Role, User
from training.accounts.scopes import can_administer_service
from training.audit import services as audit
from training.errors import DomainError, NotAllowed
from training.extensions import db
from training.gamification.committee.models import CommitteeMember
from training.templating import gendered


def members(service_id: int | None) -> list[CommitteeMember]:
    if service_id is None:
        return []
    return list(db.session.scalars(
        select(CommitteeMember).join(User, User.id == CommitteeMember.user_id)
        .where(CommitteeMember.regional_service_id == service_id)
        .order_by(CommitteeMember.is_chair.desc(), User.full_name)))


def is_member(user: User, service_id: int | None) -> bool:
    if service_id is None:
        return False
    return db.session.scalar(select(CommitteeMember.id).where(
        CommitteeMember.regional_service_id == service_id, CommitteeMember.user_id == user.id)) is not None


def can_act(user: User, service_id: int | None) -> bool:
    """Committee work in a service: its members, and administrators (platform-wide support)."""
    return user.has_role(Role.ADMIN) or is_member(user, service_id)


def ensure_can_act(user: User, service_id: int | None) -> None:
    if not can_act(user, service_id):
        raise NotAllowed("Это могут делать только члены комитета клиентоцентричности.")


def can_appoint(user: User, service_id: int | None) -> bool:
    """HR of the service, administrators."""
    return can_administer_service(user, service_id)


def add_member(actor: User, service_id: int, user: User, *, is_chair: bool = False) -> CommitteeMember:
    if not can_appoint(actor, service_id):
        raise NotAllowed("Состав комитета определяет кадровая служба.")
    if user.regional_service_id != service_id or not user.is_active:
        raise DomainError("Сотрудник не найден в этой службе занятости.")
    member = CommitteeMember(regional_service_id=service_id, user_id=user.id, is_chair=is_chair)
    try:
        with db.session.begin_nested():
            db.session.add(member)
    except IntegrityError:
        raise DomainError(f"{user.full_name} уже в комитете.") from None
    audit.record(actor, "committee.add", "committee_member", member.id, after={"user_id": user.id,
                 "regional_service_id": service_id, "is_chair": is_chair},
                 summary=gendered(f"В комитет клиентоцентричности включён(а) {user.full_name}", user.full_name))
    return member


def remove_member(actor: User, member: CommitteeMember) -> None:
    if not can_appoint(actor, member.regional_service_id):
        raise NotAllowed("Состав комитета определяет кадровая служба.")
    audit.record(actor, "committee.remove", "committee_member", member.id,
                 before={"user_id": member.user_id, "regional_service_id": member.regional_service_id,
                         "is_chair": member.is_chair},
                 summary=gendered(f"Из комитета клиентоцентричности исключён(а) {member.user.full_name}",
                                  member.user.full_name))
    db.session.delete(member)
