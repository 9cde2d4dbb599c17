"""Factories for tests: organisations and staff in any role."""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date

from training.accounts.models import Role, User
from training.accounts.passwords import hash_password
from training.extensions import db
from training.org.models import Centre, Department, DepartmentKind, Region, RegionalService

PASSWORD = "correct-horse-battery-42"
_counter = itertools.count(1)


@dataclass
class Org:
    region: Region
    service: RegionalService
    centre_a: Centre
    centre_b: Centre
    front_a: Department
    back_a: Department
    front_b: Department
    other_service: RegionalService
    other_centre: Centre


def make_org() -> Org:
    region = Region(code="52", name="Нижегородская область")
    service = RegionalService(name="Управление занятости Нижегородской области", region=region)
    centre_a = Centre(name="ЦЗН г. Дзержинска", service=service)
    centre_b = Centre(name="ЦЗН г. Арзамаса", service=service)
    front_a = Department(name="Фронт-офис", kind=DepartmentKind.FRONT_OFFICE, centre=centre_a)
    back_a = Department(name="Бэк-офис", kind=DepartmentKind.BACK_OFFICE, centre=centre_a)
    front_b = Department(name="Фронт-офис", kind=DepartmentKind.FRONT_OFFICE, centre=centre_b)
    other_region = Region(code="16", name="Республика Татарстан")
    other_service = RegionalService(name="Управление занятости Республики Татарстан", region=other_region)
    other_centre = Centre(name="ЦЗН г. Казани", service=other_service)
    db.session.add_all([front_a, back_a, front_b, other_centre])
    db.session.commit()
    return Org(region, service, centre_a, centre_b, front_a, back_a, front_b, other_service, other_centre)


def make_user(*roles: Role, department: Department | None = None, centre: Centre | None = None,
              service: RegionalService | None = None, password: str = PASSWORD, full_name: str | None = None,
              email: str | None = None, must_change_password: bool = False, **fields) -> User:
    n = next(_counter)
    if department is not None:
        centre = department.centre
    if centre is not None:
        service = centre.service
    user = User(
        email=email or f"user{n}@szn.example.ru",
        personnel_number=f"T{n:05d}",
        full_name=full_name or f"Тестова Мария{'' if n < 2 else ''} Ивановна",
        position="Ведущий инспектор",
        hire_date=date(2020, 1, 15),
        regional_service_id=service.id if service else None,
        centre_id=centre.id if centre else None,
        department_id=department.id if department else None,
        password_hash=hash_password(password),
        must_change_password=must_change_password,
        **fields,
    )
    user.set_roles(set(roles) or {Role.EMPLOYEE})
    db.session.add(user)
    db.session.commit()
    return user
