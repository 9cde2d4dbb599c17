"""Who may see, supervise and administer which person, centre, regional service and object — asked here, once.

The rule: an administrator reaches everything, HR their regional service, a centre manager their centre; a
person always sees their own record. Every object that belongs somewhere has a ``Place`` (regional service,
centre, department; a person also themselves), found by ``place_of``. Three questions are asked of a place:

- ``can_view``       see it (and its figures): the reach above, plus oneself; ``members=`` lets the people of
                     the place see it too (a centre's contests, a service's published cases);
- ``can_supervise``  act on it as a supervisor (review a conversation, award, follow up): the reach above, never
                     oneself;
- ``can_administer`` change how it is set up (staff, weights, certificates, committees): administrators, HR of
                     its service; HR never administers an administrator.

Lists filter in the database with the same rules: ``viewable_condition``, ``supervisable_condition`` and
``administrable_condition`` take the columns that hold the place of the rows and give a WHERE condition.
tests/accounts/test_scopes.py holds the table of every role × question × kind of object × position.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, false, func, or_, select, true
from sqlalchemy.orm import selectinload

from training.accounts.models import Role, User, UserRole
from training.errors import DomainError
from training.extensions import db
from training.org.models import Centre, Department, RegionalService


class Level(enum.StrEnum):
    """Who of the people working somewhere see what belongs there: the people of its centre, of its whole
    regional service, or of the narrowest place it names (its centre if it has one, else its service)."""
    CENTRE = "centre"
    SERVICE = "service"
    NARROWEST = "narrowest"


@dataclass(frozen=True)
class Place:
    """Where something belongs. ``person_id`` is set for a person (their own record is always theirs)."""
    service_id: int | None = None
    centre_id: int | None = None
    department_id: int | None = None
    person_id: int | None = None


def place_of(obj: Any) -> Place:
    """The place of a person, a department, a centre, a regional service or any object that carries
    ``regional_service_id`` / ``centre_id`` / ``department_id`` (the service found through ``centre`` when the
    object names only a centre)."""
    if isinstance(obj, Place):
        return obj
    if isinstance(obj, User):
        return Place(obj.regional_service_id, obj.centre_id, obj.department_id, person_id=obj.id)
    if isinstance(obj, RegionalService):
        return Place(obj.id)
    if isinstance(obj, Centre):
        return Place(obj.regional_service_id, obj.id)
    if isinstance(obj, Department):
        return Place(obj.centre.regional_service_id if obj.centre else None, obj.centre_id, obj.id)
    centre_id = getattr(obj, "centre_id", None)
    service_id = getattr(obj, "regional_service_id", None)
    if service_id is None and centre_id is not None:
        service_id = obj.centre.regional_service_id
    return Place(service_id, centre_id, getattr(obj, "department_id", None))


# --- the reach of a supervisor ------------------------------------------------------------------------------------

def is_supervisor(user: User) -> bool:
    return user.has_role(*Role.SUPERVISORS)


class Reach(enum.StrEnum):
    """How far a person's supervision reaches: everything, their regional service, their centre, or nothing."""
    ALL = "all"
    SERVICE = "service"
    CENTRE = "centre"
    NONE = "none"


def reach_of(viewer: User) -> Reach:
    """Administrators everything, HR their regional service, a manager their centre (the widest role wins)."""
    if viewer.has_role(Role.ADMIN):
        return Reach.ALL
    if viewer.has_role(Role.HR) and viewer.regional_service_id is not None:
        return Reach.SERVICE
    if viewer.has_role(Role.MANAGER) and viewer.centre_id is not None:
        return Reach.CENTRE
    return Reach.NONE


def _reaches(viewer: User, place: Place) -> bool:
    reach = reach_of(viewer)
    return (reach is Reach.ALL or (reach is Reach.SERVICE and viewer.regional_service_id == place.service_id)
            or (reach is Reach.CENTRE and viewer.centre_id == place.centre_id))


def _belongs(viewer: User, place: Place, level: Level | None) -> bool:
    if level is Level.NARROWEST:
        level = Level.SERVICE if place.centre_id is None else Level.CENTRE
    if level is Level.SERVICE:
        return viewer.regional_service_id is not None and viewer.regional_service_id == place.service_id
    if level is Level.CENTRE:
        return viewer.centre_id is not None and viewer.centre_id == place.centre_id
    return False


def can_view(viewer: User, obj: Any, *, members: Level | None = None) -> bool:
    """See a person, centre, service or object: one's own record, the supervisor's reach, and — with
    ``members`` — the people of its centre or service."""
    place = place_of(obj)
    return viewer.id == place.person_id or _reaches(viewer, place) or _belongs(viewer, place, members)


def can_supervise(viewer: User, obj: Any) -> bool:
    """Act as a supervisor on it (review a conversation, manage a contest, follow up a client): managers their
    centre, HR their service, administrators all; never oneself."""
    place = place_of(obj)
    return viewer.id != place.person_id and _reaches(viewer, place)


def can_administer(viewer: User, obj: Any) -> bool:
    """Set it up (people, weights, certificates, committees, aspects): HR within their regional service,
    administrators everywhere. HR never administers an administrator (no privilege escalation through HR)."""
    if viewer.has_role(Role.ADMIN):
        return True
    if isinstance(obj, User) and obj.has_role(Role.ADMIN):
        return False
    place = place_of(obj)
    return bool(viewer.has_role(Role.HR) and viewer.regional_service_id is not None
                and viewer.regional_service_id == place.service_id)


def open_to(viewer: User, obj: Any) -> bool:
    """Meant for every service (it names none), or seen by the people of its regional service (a custom quiz,
    a live game); administrators all."""
    place = place_of(obj)
    return place.service_id is None or can_view(viewer, place, members=Level.SERVICE)


def can_administer_service(viewer: User, service_id: int | None) -> bool:
    return can_administer(viewer, Place(service_id))


# the older names of the same question, kept for their many callers
can_view_service = can_view_centre = can_view_department = can_view_employee = can_view


# --- the same rules as SQL conditions, for lists ------------------------------------------------------------------

def viewable_condition(viewer: User, *, service=None, centre=None, person=None,
                       members: Level | None = None) -> ColumnElement[bool]:
    """WHERE condition for rows the viewer may see (``can_view``), given the columns holding the rows' regional
    service, centre and (for people) person. A column not given is a place the rows do not name."""
    if reach_of(viewer) is Reach.ALL:
        return true()
    conditions = _reach_conditions(viewer, service, centre)
    if person is not None:
        conditions.append(person == viewer.id)
    if members is Level.SERVICE and service is not None and viewer.regional_service_id is not None:
        conditions.append(service == viewer.regional_service_id)
    if members is Level.CENTRE and centre is not None and viewer.centre_id is not None:
        conditions.append(centre == viewer.centre_id)
    if members is Level.NARROWEST:
        if viewer.centre_id is not None:
            conditions.append(centre == viewer.centre_id)
        if viewer.regional_service_id is not None:
            conditions.append(centre.is_(None) & (service == viewer.regional_service_id))
    return or_(*conditions) if conditions else false()


def supervisable_condition(viewer: User, *, service=None, centre=None, person=None) -> ColumnElement[bool]:
    """WHERE condition for rows the viewer may supervise (``can_supervise``)."""
    conditions = [true()] if reach_of(viewer) is Reach.ALL else _reach_conditions(viewer, service, centre)
    reach = or_(*conditions) if conditions else false()
    return reach if person is None else (reach & (person != viewer.id))


def open_to_condition(viewer: User, *, service) -> ColumnElement[bool]:
    """WHERE condition of ``open_to``."""
    return service.is_(None) | viewable_condition(viewer, service=service, members=Level.SERVICE)


def administrable_condition(viewer: User, *, service) -> ColumnElement[bool]:
    """WHERE condition for rows of the regional services the viewer administers (``can_administer``)."""
    if viewer.has_role(Role.ADMIN):
        return true()
    if viewer.has_role(Role.HR) and viewer.regional_service_id is not None:
        return service == viewer.regional_service_id
    return false()


def _reach_conditions(viewer: User, service, centre) -> list:
    reach = reach_of(viewer)
    if reach is Reach.SERVICE and service is not None:
        return [service == viewer.regional_service_id]
    if reach is Reach.CENTRE and centre is not None:
        return [centre == viewer.centre_id]
    return []


# --- lists ---------------------------------------------------------------------------------------------------------

def visible_staff(viewer: User) -> Select:
    """Staff the viewer may see: administrators all, HR their regional service, a manager their centre, everyone
    themself."""
    return select(User).where(viewable_condition(viewer, service=User.regional_service_id, centre=User.centre_id,
                                                 person=User.id))


def visible_centres(viewer: User, *, with_departments: bool = False) -> list[Centre]:
    query = (select(Centre).where(viewable_condition(viewer, service=Centre.regional_service_id, centre=Centre.id))
             .order_by(Centre.name))
    if with_departments:  # pages listing every centre's departments: one query, not one per centre
        query = query.options(selectinload(Centre.departments))
    return list(db.session.scalars(query))


def visible_services(viewer: User) -> list[RegionalService]:
    return list(db.session.scalars(select(RegionalService).where(viewable_condition(viewer, service=RegionalService.id))
                                   .order_by(RegionalService.name)))


def chosen_service(viewer: User, asked: int | None) -> tuple[list[RegionalService], int | None,
                                                              RegionalService | None]:
    """The services a viewer sees, the id asked for (or else the first one's) and that service — None when the
    asked one is out of the viewer's sight (pages that set something per service: the weights of an index)."""
    service_list = visible_services(viewer)
    selected = asked or (service_list[0].id if service_list else None)
    return service_list, selected, next((s for s in service_list if s.id == selected), None)


def active_staff(service_id: int | None, *, centre_id: int | None = None) -> Select:
    """Active staff of a regional service (and of one centre of it), by name: whom to choose for a committee, a
    measure, a quest."""
    query = select(User).where(User.is_active, User.regional_service_id == service_id).order_by(User.full_name)
    return query if centre_id is None else query.where(User.centre_id == centre_id)


def colleague(viewer: User, text: str) -> User:
    """An active colleague in the viewer's service named by personnel number or e-mail (any case): a buddy, a
    project lead or member; else a DomainError saying none was found."""
    text = (text or "").strip()
    person = db.session.scalars(active_staff(viewer.regional_service_id).where(
        (User.personnel_number == text) | (func.lower(User.email) == text.lower())).limit(1)).first()
    if person is None:
        raise DomainError("Коллега с таким табельным номером или e-mail не найден в вашей службе занятости.")
    return person


def staff_with_role(role: Role, *, centre_id: int | None = None, service_id: int | None = None) -> list[User]:
    """Active holders of a role, in a centre or a service (anywhere when neither is given), by name."""
    query = (select(User).join(UserRole, UserRole.user_id == User.id)
             .where(UserRole.role == str(role), User.is_active).order_by(User.full_name))
    if centre_id is not None:
        query = query.where(User.centre_id == centre_id)
    if service_id is not None:
        query = query.where(User.regional_service_id == service_id)
    return list(db.session.scalars(query))


def responsible_for_centre(centre: Centre) -> list[User]:
    """Who handles the centre's client feedback: its managers, or HR of the service when it has none."""
    managers = staff_with_role(Role.MANAGER, centre_id=centre.id)
    return managers or staff_with_role(Role.HR, service_id=centre.regional_service_id)
