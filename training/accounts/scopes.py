"""Who may see and manage whom: people, centres, regional services and their objects."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from training.accounts.models import Role, User, UserRole
from training.extensions import db
from training.org.models import Centre, Department, RegionalService


def is_supervisor(user: User) -> bool:
    return user.has_role(Role.ADMIN, Role.HR, Role.MANAGER)


def can_view_service(viewer: User, service: RegionalService) -> bool:
    if viewer.has_role(Role.ADMIN):
        return True
    return bool(viewer.has_role(Role.HR) and viewer.regional_service_id == service.id)


def can_view_centre(viewer: User, centre: Centre) -> bool:
    if viewer.has_role(Role.ADMIN):
        return True
    if viewer.has_role(Role.HR) and viewer.regional_service_id == centre.regional_service_id:
        return True
    return bool(viewer.has_role(Role.MANAGER) and viewer.centre_id == centre.id)


def can_view_department(viewer: User, department: Department) -> bool:
    return can_view_centre(viewer, department.centre)


def can_view_employee(viewer: User, user: User) -> bool:
    """A person's own figures, or a supervisor's within their scope."""
    if viewer.id == user.id or viewer.has_role(Role.ADMIN):
        return True
    if (viewer.has_role(Role.HR) and viewer.regional_service_id
            and viewer.regional_service_id == user.regional_service_id):
        return True
    return bool(viewer.has_role(Role.MANAGER) and viewer.centre_id and viewer.centre_id == user.centre_id)


def can_supervise(viewer: User, employee: User) -> bool:
    """Review an employee's conversation (IQS): managers their centre, HR their service, admins all; never
    oneself."""
    return viewer.id != employee.id and is_supervisor(viewer) and can_view_employee(viewer, employee)


def visible_centres(viewer: User, *, with_departments: bool = False) -> list[Centre]:
    query = select(Centre).order_by(Centre.name)
    if with_departments:  # pages listing every centre's departments: one query, not one per centre
        query = query.options(selectinload(Centre.departments))
    if viewer.has_role(Role.ADMIN):
        pass
    elif viewer.has_role(Role.HR) and viewer.regional_service_id:
        query = query.where(Centre.regional_service_id == viewer.regional_service_id)
    elif viewer.has_role(Role.MANAGER) and viewer.centre_id:
        query = query.where(Centre.id == viewer.centre_id)
    else:
        return []
    return list(db.session.scalars(query))


def visible_services(viewer: User) -> list[RegionalService]:
    query = select(RegionalService).order_by(RegionalService.name)
    if viewer.has_role(Role.ADMIN):
        return list(db.session.scalars(query))
    if viewer.has_role(Role.HR) and viewer.regional_service_id:
        return list(db.session.scalars(query.where(RegionalService.id == viewer.regional_service_id)))
    return []


def staff_with_role(role: Role, *, centre_id: int | None = None, service_id: int | None = None) -> list[User]:
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
