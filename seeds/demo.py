"""Demo organisation: one region, its employment service, 3 centres and ~60 staff in every role.

For development and demonstrations only. The staff go through the real importer (training.org.importer),
so the demo also exercises it. Idempotent: matched by personnel number."""
from __future__ import annotations

import random
from datetime import date

from sqlalchemy import func, select

from training.accounts.models import Role, User
from training.accounts.passwords import hash_password
from training.accounts.staff.importer import TEMPLATE_HEADER, import_staff
from training.extensions import db
from training.org.models import Region, RegionalService
from training.tabular import csv_bytes

DEMO_PASSWORD = "demo-szn-2026"  # noqa: S105  (published in the README: demo data only)
REGION_CODE, REGION_NAME = "52", "Нижегородская область"
SERVICE = "Управление занятости населения Нижегородской области"
CENTRES = ["ЦЗН г. Нижнего Новгорода", "ЦЗН г. Дзержинска", "ЦЗН г. Арзамаса"]
DEPARTMENTS = [("Руководство", "руководство"), ("Фронт-офис", "фронт-офис"), ("Бэк-офис", "бэк-офис"),
               ("Колл-центр", "колл-центр")]
# (e-mail, personnel number, full name, position, centre index or None, department, roles)
DEMO_LOGINS = [
    ("admin@demo.szn.local", "D0001", "Администраторов Алексей Сергеевич", "Системный администратор", None, "",
     "администратор, сотрудник"),
    ("hr@demo.szn.local", "D0002", "Кадрова Наталья Викторовна", "Начальник отдела кадров", None, "",
     "кадровая служба, сотрудник"),
    ("manager@demo.szn.local", "D0003", "Руководов Игорь Павлович", "Директор ЦЗН", 0, "Руководство",
     "руководитель ЦЗН, сотрудник"),
    ("teacher@demo.szn.local", "D0004", "Учителева Ольга Николаевна", "Методист-преподаватель", 0, "Бэк-офис",
     "преподаватель, сотрудник"),
    ("employee@demo.szn.local", "D0005", "Сотрудникова Анна Игоревна", "Ведущий инспектор", 0, "Фронт-офис",
     "сотрудник"),
]
SURNAMES = ["Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Новиков",
            "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов", "Козлов",
            "Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин", "Захаров"]
MALE = [("Александр", "Александрович"), ("Дмитрий", "Дмитриевич"), ("Сергей", "Сергеевич"), ("Андрей", "Андреевич"),
        ("Михаил", "Михайлович"), ("Павел", "Павлович"), ("Илья", "Ильич"), ("Никита", "Никитич")]
FEMALE = ["Елена", "Ольга", "Татьяна", "Наталья", "Ирина", "Светлана", "Мария", "Анна", "Юлия", "Екатерина"]
FEMALE_PATRONYMICS = ["Александровна", "Дмитриевна", "Сергеевна", "Андреевна", "Михайловна", "Павловна",
                      "Игоревна", "Викторовна"]
POSITIONS = {"Фронт-офис": ["Ведущий инспектор", "Инспектор", "Специалист по работе с работодателями"],
             "Бэк-офис": ["Главный специалист", "Ведущий специалист", "Аналитик"],
             "Колл-центр": ["Оператор колл-центра", "Старший оператор"],
             "Руководство": ["Заместитель директора"]}


def _people() -> list[list[str]]:
    rnd = random.Random(2026)
    rows: list[list[str]] = []
    for email, number, name, position, centre_index, department, roles in DEMO_LOGINS:
        rows.append(_row(centre_index, department, number, name, position, email, date(2018, 3, 1), roles))
    number = 100
    for centre_index in range(len(CENTRES)):
        for i in range(19 if centre_index else 15):
            number += 1
            surname = rnd.choice(SURNAMES)
            if rnd.random() < 0.7:
                name = f"{surname}а {rnd.choice(FEMALE)} {rnd.choice(FEMALE_PATRONYMICS)}"
            else:
                first, patronymic = rnd.choice(MALE)
                name = f"{surname} {first} {patronymic}"
            department = "Руководство" if i == 0 else rnd.choice(["Фронт-офис", "Фронт-офис", "Бэк-офис", "Колл-центр"])
            roles = "руководитель ЦЗН, сотрудник" if (i == 0 and centre_index) else "сотрудник"
            if i == 1:
                roles = "преподаватель, сотрудник"
            position = "Директор ЦЗН" if roles.startswith("руководитель") else rnd.choice(POSITIONS[department])
            hired = date(rnd.randint(2008, 2025), rnd.randint(1, 12), rnd.randint(1, 28))
            rows.append(_row(centre_index, department, f"D{number:04d}", name, position,
                             f"staff{number}@demo.szn.local", hired, roles))
    return rows


def _row(centre_index, department, number, name, position, email, hired, roles) -> list[str]:
    kinds = dict(DEPARTMENTS)
    centre = CENTRES[centre_index] if centre_index is not None else ""
    return [REGION_CODE, REGION_NAME, SERVICE, centre, department, kinds.get(department, ""), number, name,
            position, email, hired.strftime("%d.%m.%Y"), roles]


def run(only_if_empty: bool = False) -> list[tuple[str, str]] | None:
    if only_if_empty and db.session.scalar(select(func.count()).select_from(User)):
        return None
    admin = db.session.scalar(select(User).where(User.email == DEMO_LOGINS[0][0]))
    if admin is None:
        # The importer needs an acting administrator: create the region, its service and the administrator
        # first; the file then matches the administrator by personnel number and changes nothing.
        region = db.session.scalar(select(Region).where(Region.code == REGION_CODE)) or Region(
            code=REGION_CODE, name=REGION_NAME)
        service = db.session.scalar(select(RegionalService).where(RegionalService.name == SERVICE)) or \
            RegionalService(name=SERVICE, region=region)
        db.session.add(service)
        db.session.flush()
        email, number, name, position, *_ = DEMO_LOGINS[0]
        admin = User(email=email, personnel_number=number, full_name=name, position=position,
                     regional_service_id=service.id, hire_date=date(2018, 3, 1))
        admin.set_roles({Role.ADMIN, Role.EMPLOYEE})
        db.session.add(admin)
        db.session.flush()
    import_staff(admin, "demo.csv", csv_bytes(TEMPLATE_HEADER, _people()))
    for email, *_ in DEMO_LOGINS:
        user = db.session.scalar(select(User).where(User.email == email))
        if user.must_change_password or user.password_hash is None:
            user.password_hash = hash_password(DEMO_PASSWORD)
            user.must_change_password = False
            user.one_time_password_expires_at = None
    db.session.flush()
    _demo_cohort(admin)
    _demo_week()
    return demo_logins_if_present()


def _demo_cohort(admin: User) -> None:
    """A cohort of the first centre's staff with the demo teacher, when the course is loaded."""
    from datetime import timedelta

    from training.courses.models import Cohort, Course
    from training.courses.services import create_cohort, enrol

    course = db.session.scalar(select(Course).order_by(Course.id))
    if course is None or db.session.scalar(select(Cohort.id).where(Cohort.name == "Демо-группа")):
        return
    teacher = db.session.scalar(select(User).where(User.email == DEMO_LOGINS[3][0]))
    cohort = create_cohort(admin, course, name="Демо-группа", start_date=date.today() - timedelta(days=20),
                           teacher_ids=[teacher.id])
    learners = list(db.session.scalars(select(User).where(User.centre_id.is_not(None)).order_by(User.id).limit(20)))
    enrol(admin, cohort, [u for u in learners if u.id != teacher.id])


def _demo_week() -> None:
    """«Неделя клиентоцентричности» next week in the manager's centre: a knowledge cafe, a fireside chat with the
    centre's head and a pecha kucha, each from the catalogue (needs `flask seed reference` first)."""
    from datetime import UTC, datetime, time, timedelta

    from training.gamification.events import services as events
    from training.gamification.events.models import EventFormat, EventProgramme
    from training.templating import DISPLAY_TZ

    title = "Неделя клиентоцентричности"
    manager = db.session.scalar(select(User).where(User.email == DEMO_LOGINS[2][0]))
    if manager is None or db.session.scalar(select(EventProgramme.id).where(EventProgramme.title == title)):
        return
    formats = {f.code: f for f in db.session.scalars(select(EventFormat))}
    if not {"knowledge_cafe", "fireside_chat", "pecha_kucha"} <= formats.keys():
        return
    monday = date.today() + timedelta(days=7 - date.today().weekday())
    programme = events.create_programme(manager, title=title, starts_on=monday, ends_on=monday + timedelta(days=4),
                                        centre_id=manager.centre_id,
                                        description="Лекции, разговоры и короткие доклады о том, что мешает клиенту.")
    plan = [("knowledge_cafe", 0, time(9, 0), "Кафе знаний: почему клиент приходит второй раз", 15),
            ("fireside_chat", 2, time(16, 0), "Беседа у камина с руководителем центра", 40),
            ("pecha_kucha", 4, time(15, 0), "Печа-куча: наши лучшие изменения за год", None)]
    for code, day, at, name, capacity in plan:
        starts = datetime.combine(monday + timedelta(days=day), at, DISPLAY_TZ).astimezone(UTC)
        events.schedule_event(manager, formats[code], title=name, starts_at=starts,
                              duration_minutes=formats[code].duration_minutes, place="Зал совещаний",
                              centre_id=manager.centre_id, capacity=capacity, programme=programme)


def demo_logins_if_present() -> list[tuple[str, str]]:
    present = set(db.session.scalars(select(User.email).where(User.email.in_([e for e, *_ in DEMO_LOGINS]))))
    labels = ["администратор", "кадровая служба", "руководитель ЦЗН", "преподаватель", "сотрудник"]
    return [(label, email) for label, (email, *_) in zip(labels, DEMO_LOGINS, strict=True) if email in present]
