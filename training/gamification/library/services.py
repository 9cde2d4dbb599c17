"""«Библиотека клиентоцентричности» (item 5): staff submit cases and life hacks, the committee moderates,
published cases are searchable and liked once per person; the author is credited by name."""
from __future__ import annotations

from sqlalchemy import Select, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from training.accounts import scopes
from training.accounts.models import User, search_key
from training.audit import services as audit
from training.db import seed_by_code, utcnow
from training.errors import DomainError, NotAllowed
from training.extensions import db
from training.gamification.committee import services as committee
from training.gamification.library.models import (
    CaseKind,
    CaseStatus,
    LibraryCase,
    LibraryClientGroup,
    LibraryLike,
    LibraryTouchpoint,
)
from training.notifications.services import notify
from training.signals import library_case_published
from training.templating import quoted
from training.web import path_for

CLIENT_GROUPS = [
    ("jobseekers", "Ищущие работу"),
    ("unemployed", "Безработные граждане"),
    ("youth", "Молодёжь и выпускники"),
    ("pre_retirement", "Граждане предпенсионного возраста"),
    ("disabled", "Граждане с инвалидностью"),
    ("parents", "Родители с детьми, в том числе многодетные"),
    ("svo", "Участники СВО и члены их семей"),
    ("migrants", "Иностранные граждане"),
    ("employers", "Работодатели"),
    ("other", "Другие"),
]
TOUCHPOINTS = [
    ("office_entry", "Вход и ожидание в ЦЗН"),
    ("window", "Приём у специалиста"),
    ("phone", "Телефон, колл-центр"),
    ("portal", "Портал «Работа России», Госуслуги"),
    ("website", "Сайт и соцсети"),
    ("documents", "Документы и письма"),
    ("events", "Ярмарки вакансий и мероприятия"),
    ("training", "Профобучение"),
    ("employer_visit", "Работа с работодателем"),
    ("other", "Другое"),
]


def seed_reference_lists() -> int:
    return sum(seed_by_code(db.session, model, ({"code": code, "name": name, "is_active": True} for code, name in rows))
               for model, rows in ((LibraryClientGroup, CLIENT_GROUPS), (LibraryTouchpoint, TOUCHPOINTS)))


def client_groups() -> list[LibraryClientGroup]:
    return list(db.session.scalars(select(LibraryClientGroup).where(LibraryClientGroup.is_active)
                                   .order_by(LibraryClientGroup.sort_order, LibraryClientGroup.name)))


def touchpoints() -> list[LibraryTouchpoint]:
    return list(db.session.scalars(select(LibraryTouchpoint).where(LibraryTouchpoint.is_active)
                                   .order_by(LibraryTouchpoint.sort_order, LibraryTouchpoint.name)))


# --- access ------------------------------------------------------------------------------------------------

def can_view(user: User, case: LibraryCase) -> bool:
    if case.author_id == user.id or committee.can_act(user, case.regional_service_id):
        return True
    # a published case is read by everyone of its regional service
    return case.status == CaseStatus.PUBLISHED and scopes.can_view(user, case, members=scopes.Level.SERVICE)


def _check_refs(client_group_id: int | None, touchpoint_id: int | None) -> None:
    if client_group_id is not None and db.session.get(LibraryClientGroup, client_group_id) is None:
        raise DomainError("Группа клиентов не найдена.")
    if touchpoint_id is not None and db.session.get(LibraryTouchpoint, touchpoint_id) is None:
        raise DomainError("Точка контакта не найдена.")


# --- authors ----------------------------------------------------------------------------------------------------

def submit_case(author: User, *, kind: str, title: str, situation: str, action: str, result: str,
                client_group_id: int | None, touchpoint_id: int | None) -> LibraryCase:
    if author.regional_service_id is None:
        raise DomainError("Кейсы собирает служба занятости: у вашей учётной записи она не указана.")
    _check_refs(client_group_id, touchpoint_id)
    case = LibraryCase(regional_service_id=author.regional_service_id, centre_id=author.centre_id,
                       author_id=author.id, kind=CaseKind(kind), title=title.strip(), situation=situation.strip(),
                       action=action.strip(), result=result.strip(), client_group_id=client_group_id,
                       touchpoint_id=touchpoint_id, status=CaseStatus.SUBMITTED)
    db.session.add(case)
    db.session.flush()
    _tell_committee(case)
    return case


def edit_case(author: User, case: LibraryCase, *, kind: str, title: str, situation: str, action: str, result: str,
              client_group_id: int | None, touchpoint_id: int | None) -> None:
    """The author revises a case under moderation or returned to them; it goes back to moderation."""
    if case.author_id != author.id:
        raise NotAllowed("Править кейс может только его автор.")
    if case.status == CaseStatus.PUBLISHED:
        raise DomainError("Кейс уже опубликован: чтобы поправить его, напишите в комитет.")
    _check_refs(client_group_id, touchpoint_id)
    was_returned = case.status == CaseStatus.RETURNED
    case.kind, case.title, case.situation = CaseKind(kind), title.strip(), situation.strip()
    case.action, case.result = action.strip(), result.strip()
    case.client_group_id, case.touchpoint_id = client_group_id, touchpoint_id
    case.status = CaseStatus.SUBMITTED
    db.session.flush()
    if was_returned:
        _tell_committee(case, again=True)


def _tell_committee(case: LibraryCase, again: bool = False) -> None:
    url = path_for("library.moderation")
    for member in committee.members(case.regional_service_id):
        if member.user_id == case.author_id:
            continue
        notify(member.user, "library-moderation",
               f"{'Доработанный' if again else 'Новый'} кейс в библиотеку на модерации: «{case.title}»", url)


def my_cases(author: User) -> list[LibraryCase]:
    return list(db.session.scalars(select(LibraryCase).where(LibraryCase.author_id == author.id)
                                   .order_by(LibraryCase.created_at.desc(), LibraryCase.id.desc())))


def _of_own_service(user: User):
    return scopes.viewable_condition(user, service=LibraryCase.regional_service_id, members=scopes.Level.SERVICE)


# --- moderation -------------------------------------------------------------------------------------------------

def moderation_queue(user: User) -> list[LibraryCase]:
    query = (select(LibraryCase).where(LibraryCase.status == CaseStatus.SUBMITTED).order_by(LibraryCase.created_at)
             .options(selectinload(LibraryCase.author), selectinload(LibraryCase.centre))
             .where(_of_own_service(user)))
    return list(db.session.scalars(query))


def moderate(actor: User, case: LibraryCase, *, publish: bool, comment: str = "") -> None:
    committee.ensure_can_act(actor, case.regional_service_id)
    if case.author_id == actor.id:
        raise NotAllowed("Свой кейс модерирует другой член комитета.")
    comment = (comment or "").strip()
    if not publish and not comment:
        raise DomainError("Напишите автору, что доработать.")
    now = utcnow()
    values = {"status": CaseStatus.PUBLISHED if publish else CaseStatus.RETURNED, "moderation_comment": comment,
              "moderated_by_id": actor.id, "moderated_at": now, "updated_at": now}
    if publish:
        values["published_at"] = now
    # only a case still under moderation changes: two members deciding at once leave one decision
    changed = db.session.execute(update(LibraryCase).where(LibraryCase.id == case.id,
                                                           LibraryCase.status == CaseStatus.SUBMITTED)
                                 .values(**values).execution_options(synchronize_session=False)).rowcount
    if not changed:
        raise DomainError("Кейс уже рассмотрен.")
    db.session.refresh(case)
    audit.record(actor, "library_case.publish" if publish else "library_case.return", "library_case", case.id,
                 before={"status": CaseStatus.SUBMITTED}, after={"status": case.status, "comment": comment},
                 summary=f"Библиотека: «{case.title}» {'опубликован' if publish else 'возвращён автору'}")
    url = path_for("library.detail", library_case_id=case.id)
    if publish:
        notify(case.author, "library-published",
               f"Ваш кейс {quoted(case.title)} опубликован в библиотеке. Спасибо!", url)
        library_case_published.send(case.author, case_id=case.id)
    else:
        notify(case.author, "library-returned",
               f"Кейс {quoted(case.title)} возвращён на доработку: {comment[:200]}", url)


# --- reading, search and likes ---------------------------------------------------------------------------------

def search(user: User, *, q: str = "", client_group_id: int | None = None, touchpoint_id: int | None = None,
           kind: str | None = None, order: str = "new") -> Select:
    likes = select(func.count(LibraryLike.id)).where(LibraryLike.case_id == LibraryCase.id).scalar_subquery()
    query = select(LibraryCase).where(LibraryCase.status == CaseStatus.PUBLISHED, _of_own_service(user))
    for term in search_key(q).split()[:8]:
        query = query.where(LibraryCase.search_text.contains(term, autoescape=True))
    if client_group_id:
        query = query.where(LibraryCase.client_group_id == client_group_id)
    if touchpoint_id:
        query = query.where(LibraryCase.touchpoint_id == touchpoint_id)
    if kind in (CaseKind.CASE, CaseKind.LIFEHACK):
        query = query.where(LibraryCase.kind == kind)
    if order == "liked":
        return query.order_by(likes.desc(), LibraryCase.published_at.desc(), LibraryCase.id.desc())
    return query.order_by(LibraryCase.published_at.desc(), LibraryCase.id.desc())


def like_counts(case_ids: list[int]) -> dict[int, int]:
    if not case_ids:
        return {}
    rows = db.session.execute(select(LibraryLike.case_id, func.count()).where(LibraryLike.case_id.in_(case_ids))
                              .group_by(LibraryLike.case_id)).all()
    counts = dict.fromkeys(case_ids, 0)
    counts.update({case_id: int(n) for case_id, n in rows})
    return counts


def like_count(case: LibraryCase) -> int:
    return db.session.scalar(select(func.count()).select_from(LibraryLike).where(LibraryLike.case_id == case.id)) or 0


def has_liked(user: User, case: LibraryCase) -> bool:
    return db.session.scalar(select(LibraryLike.id).where(LibraryLike.case_id == case.id,
                                                          LibraryLike.user_id == user.id)) is not None


def set_like(user: User, case: LibraryCase, liked: bool) -> None:
    """Like or unlike, idempotently: a person counts at most once (unique constraint)."""
    if case.status != CaseStatus.PUBLISHED or not can_view(user, case):
        raise DomainError("Кейс не найден.")
    if case.author_id == user.id:
        raise DomainError("Свой кейс отметить нельзя.")
    if not liked:
        db.session.execute(LibraryLike.__table__.delete().where(LibraryLike.case_id == case.id,
                                                                LibraryLike.user_id == user.id))
        return
    try:
        with db.session.begin_nested():
            db.session.add(LibraryLike(case_id=case.id, user_id=user.id))
    except IntegrityError:
        pass  # already liked: nothing to do


def authors_of_published(service_id: int) -> Select:
    """For other domains (proactivity evidence): published cases per author."""
    return (select(LibraryCase.author_id, func.count(LibraryCase.id)).where(
        LibraryCase.regional_service_id == service_id, LibraryCase.status == CaseStatus.PUBLISHED)
        .group_by(LibraryCase.author_id))

