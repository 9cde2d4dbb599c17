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
        hire_date=fields.pop("hire_date", date(2020, 1, 15)),
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


def make_course(blocks: int = 14, *, with_cases: bool = True):
    """A course shaped like the real one: 3 modules (blocks 1–5, 6–11, 12–14 when there are 14 blocks)."""
    from training.content import render_markdown
    from training.courses.models import Block, Course, CourseModule, PracticalCase

    course = Course(code=f"course-{next(_counter)}", title="Формирование системы управления клиентским опытом",
                    short_title="Клиентский опыт в СЗН", content_version="1.0", content_date=date(2026, 11, 1),
                    duration_months=3)
    bounds = [(1, 5), (6, 11), (12, 14)] if blocks == 14 else [(1, blocks)]
    for module_number, (first, last) in enumerate(bounds, start=1):
        module = CourseModule(course=course, number=module_number, title=f"Модуль {module_number}")
        for number in range(first, last + 1):
            block = Block(course=course, module=module, number=number, title=f"Блок {number}",
                          summary="О чём блок.", lesson_markdown="## Раздел\n\nТекст урока.",
                          lesson_html=render_markdown("## Раздел\n\nТекст урока."), takeaways=["Вывод"],
                          word_count=900, reading_minutes=7)
            if with_cases:
                block.case = PracticalCase(title=f"Кейс {number}", body_markdown="Ситуация.",
                                           body_html="<p>Ситуация.</p>",
                                           rubric=[{"criterion": "Анализ", "points": 5, "description": "…"},
                                                   {"criterion": "Решение", "points": 5, "description": "…"}],
                                           max_points=10, pass_points=6)
            db.session.add(block)
    db.session.add(course)
    db.session.commit()
    return course


def make_cohort(course, service, *, start=None, sequential: bool = False, teachers=(), learners=()):
    from training.courses.models import Cohort, CohortTeacher, Enrolment
    from training.courses.services import add_months

    start = start or date.today()
    cohort = Cohort(course_id=course.id, regional_service_id=service.id, name=f"Группа {next(_counter)}",
                    start_date=start, deadline=add_months(start, 3), is_sequential=sequential)
    db.session.add(cohort)
    db.session.flush()
    for teacher in teachers:
        db.session.add(CohortTeacher(cohort_id=cohort.id, user_id=teacher.id))
    for learner in learners:
        db.session.add(Enrolment(course_id=course.id, cohort_id=cohort.id, user_id=learner.id))
    db.session.commit()
    return cohort
