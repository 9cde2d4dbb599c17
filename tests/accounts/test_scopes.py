"""Who sees, supervises and administers what: every role × question × kind of object × position, as a table.

Each row of the tables below reads «a <role> working in front office A of centre A may <question> an object that
is …» own (their own record / their department), in the same centre, in another centre of the same regional
service, or in another service. For every cell the test asks both the predicate (``can_view`` …) and the SQL
condition a list uses (``viewable_condition`` …): a person finds in a list exactly what they may open.
"""
from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from tests.factories import make_user
from training.accounts import scopes
from training.accounts.models import Role, User
from training.certificates.models import Certificate, CertificateKind
from training.extensions import db
from training.gamification.contests.models import Contest
from training.gamification.library.models import LibraryCase
from training.gamification.quests.models import Quest
from training.gamification.stress.models import StressItem, StressMonth
from training.metrics.operations.models import IqsAssessment
from training.org.models import Centre, Department, DepartmentKind, RegionalService

POSITIONS = ("own", "centre", "service", "other")
QUESTIONS = ("view", "supervise", "administer")

# «+» may, «-» may not. Columns: own, same centre, same service (another centre), another service.
OBJECTS = """
employee   view        - - - -
employee   supervise   - - - -
employee   administer  - - - -
teacher    view        - - - -
teacher    supervise   - - - -
teacher    administer  - - - -
manager    view        + + - -
manager    supervise   + + - -
manager    administer  - - - -
hr         view        + + + -
hr         supervise   + + + -
hr         administer  + + + -
admin      view        + + + +
admin      supervise   + + + +
admin      administer  + + + +
"""

# A person: everyone sees their own record and nobody supervises themself (the rest as for objects).
PERSONS = """
employee   view        + - - -
employee   supervise   - - - -
employee   administer  - - - -
teacher    view        + - - -
teacher    supervise   - - - -
teacher    administer  - - - -
manager    view        + + - -
manager    supervise   - + - -
manager    administer  - - - -
hr         view        + + + -
hr         supervise   - + + -
hr         administer  + + + -
admin      view        + + + +
admin      supervise   - + + +
admin      administer  + + + +
"""

# A regional service as a whole: a centre manager does not reach it.
SERVICES = """
employee   view        - - - -
employee   supervise   - - - -
employee   administer  - - - -
teacher    view        - - - -
teacher    supervise   - - - -
teacher    administer  - - - -
manager    view        - - - -
manager    supervise   - - - -
manager    administer  - - - -
hr         view        + + + -
hr         supervise   + + + -
hr         administer  + + + -
admin      view        + + + +
admin      supervise   + + + +
admin      administer  + + + +
"""


def parse(table: str) -> dict[tuple[str, str, str], bool]:
    cells = {}
    for line in table.strip().splitlines():
        role, question, *marks = line.split()
        for position, mark in zip(POSITIONS, marks, strict=True):
            cells[(role, question, position)] = mark == "+"
    return cells


@dataclass
class World:
    org: Any
    other_department: Department
    viewers: dict[str, User]
    kind: CertificateKind
    months: dict[int, StressMonth]


_n = itertools.count(1)


def _person(w: World, department: Department, viewer: User) -> User:
    return viewer if department is w.org.front_a else make_user(department=department)


def _contest(w: World, department: Department, viewer: User) -> Contest:
    centre = department.centre
    return Contest(regional_service_id=centre.regional_service_id, centre_id=centre.id, department_id=department.id,
                   scope_key=f"t{next(_n)}", period="2026-03")


def _stress_post(w: World, department: Department, viewer: User) -> StressItem:
    centre = department.centre
    month = w.months.get(centre.regional_service_id)
    if month is None:
        month = w.months[centre.regional_service_id] = StressMonth(regional_service_id=centre.regional_service_id,
                                                                   month="2026-03")
    return StressItem(id=f"s{next(_n)}", month_row=month, centre_id=centre.id, text="Очередь у входа",
                      posted_on=date(2026, 3, 2))


def _library_case(w: World, department: Department, viewer: User) -> LibraryCase:
    centre = department.centre
    return LibraryCase(regional_service_id=centre.regional_service_id, centre_id=centre.id, author_id=viewer.id,
                       title="Кейс", situation="Ситуация", action="Действие", result="Итог")


def _certificate(w: World, department: Department, viewer: User) -> Certificate:
    centre, n = department.centre, next(_n)
    return Certificate(kind=w.kind, number=f"Т-{n}", verification_code=f"v{n}", badge_code=f"b{n}",
                       source_key=f"test:{n}", holder_id=viewer.id, holder_name=viewer.full_name,
                       regional_service_id=centre.regional_service_id, centre_id=centre.id, title="Курс",
                       issuer_name="Служба", recipient_salt="s", recipient_hash="h")


def _iqs_review(w: World, department: Department, viewer: User) -> IqsAssessment:
    centre = department.centre
    return IqsAssessment(employee_id=viewer.id, reviewer_id=viewer.id, regional_service_id=centre.regional_service_id,
                         centre_id=centre.id, department_id=department.id, conversation_date=date(2026, 3, 2),
                         score=90.0)


def _quest(w: World, department: Department, viewer: User) -> Quest:
    centre = department.centre
    return Quest(regional_service_id=centre.regional_service_id, centre_id=centre.id, title="Квест",
                 organiser_id=viewer.id)


@dataclass(frozen=True)
class Kind:
    name: str
    table: str
    make: Callable[[World, Department, User], Any]
    rows: Callable[[], Any]  # select of the rows' ids, joined to where their place is named
    columns: Callable[[], dict]  # service, centre and person columns of those rows


KINDS = [
    Kind("person", PERSONS, _person, lambda: select(User.id),
         lambda: {"service": User.regional_service_id, "centre": User.centre_id, "person": User.id}),
    Kind("department", OBJECTS, lambda w, d, v: d, lambda: select(Department.id).join(Centre),
         lambda: {"service": Centre.regional_service_id, "centre": Department.centre_id}),
    Kind("centre", OBJECTS, lambda w, d, v: d.centre, lambda: select(Centre.id),
         lambda: {"service": Centre.regional_service_id, "centre": Centre.id}),
    Kind("regional service", SERVICES, lambda w, d, v: d.centre.service, lambda: select(RegionalService.id),
         lambda: {"service": RegionalService.id}),
    Kind("contest", OBJECTS, _contest, lambda: select(Contest.id),
         lambda: {"service": Contest.regional_service_id, "centre": Contest.centre_id}),
    Kind("stress post", OBJECTS, _stress_post, lambda: select(StressItem.id).join(StressMonth),
         lambda: {"service": StressMonth.regional_service_id, "centre": StressItem.centre_id}),
    Kind("library case", OBJECTS, _library_case, lambda: select(LibraryCase.id),
         lambda: {"service": LibraryCase.regional_service_id, "centre": LibraryCase.centre_id}),
    Kind("certificate", OBJECTS, _certificate, lambda: select(Certificate.id),
         lambda: {"service": Certificate.regional_service_id, "centre": Certificate.centre_id}),
    Kind("IQS review", OBJECTS, _iqs_review, lambda: select(IqsAssessment.id),
         lambda: {"service": IqsAssessment.regional_service_id, "centre": IqsAssessment.centre_id}),
    Kind("quest", OBJECTS, _quest, lambda: select(Quest.id),
         lambda: {"service": Quest.regional_service_id, "centre": Quest.centre_id}),
]


@pytest.fixture
def world(org) -> World:
    other_department = Department(name="Фронт-офис", kind=DepartmentKind.FRONT_OFFICE, centre=org.other_centre)
    kind = CertificateKind(code="course", name="Сертификат", heading="Сертификат", prefix="СЗН")
    db.session.add_all([other_department, kind])
    db.session.commit()
    viewers = {str(role): make_user(role, department=org.front_a) for role in Role}
    return World(org, other_department, viewers, kind, {})


def _departments(w: World) -> dict[str, Department]:
    return {"own": w.org.front_a, "centre": w.org.back_a, "service": w.org.front_b, "other": w.other_department}


def _predicate(question: str) -> Callable[[User, Any], bool]:
    return {"view": scopes.can_view, "supervise": scopes.can_supervise, "administer": scopes.can_administer}[question]


def _condition(question: str, viewer: User, columns: dict):
    if question == "view":
        return scopes.viewable_condition(viewer, **columns)
    if question == "supervise":
        return scopes.supervisable_condition(viewer, **columns)
    return scopes.administrable_condition(viewer, service=columns["service"])


@pytest.mark.parametrize("kind", KINDS, ids=[k.name for k in KINDS])
def test_every_role_question_and_position_follows_the_table(world, kind):
    expected = parse(kind.table)
    by_predicate, by_condition = {}, {}
    for role, viewer in world.viewers.items():
        objects = {position: kind.make(world, department, viewer)
                   for position, department in _departments(world).items()}
        db.session.add_all(objects.values())
        db.session.flush()
        for question in QUESTIONS:
            listed = set(db.session.scalars(kind.rows().where(_condition(question, viewer, kind.columns()))))
            for position, obj in objects.items():
                by_predicate[(role, question, position)] = _predicate(question)(viewer, obj)
                by_condition[(role, question, position)] = obj.id in listed
    assert by_predicate == expected
    assert by_condition == expected


def test_the_people_of_a_centre_see_its_objects_when_the_domain_says_so(world):
    """A contest is seen by everyone of its centre; a published case by everyone of its service."""
    employee = world.viewers["employee"]
    objects = {position: _contest(world, department, employee) for position, department in _departments(world).items()}
    db.session.add_all(objects.values())
    db.session.flush()
    for members, seen in ((scopes.Level.CENTRE, {"own", "centre"}), (scopes.Level.SERVICE, {"own", "centre", "service"})):
        listed = set(db.session.scalars(select(Contest.id).where(scopes.viewable_condition(
            employee, service=Contest.regional_service_id, centre=Contest.centre_id, members=members))))
        assert {p for p, c in objects.items() if scopes.can_view(employee, c, members=members)} == seen
        assert {p for p, c in objects.items() if c.id in listed} == seen


def test_hr_never_administers_an_administrator_of_their_own_service(world):
    hr = world.viewers["hr"]
    admin_here = make_user(Role.ADMIN, department=world.org.back_a)
    colleague = make_user(department=world.org.back_a)
    assert scopes.can_view(hr, admin_here) and not scopes.can_administer(hr, admin_here)
    assert scopes.can_administer(hr, colleague)
    assert scopes.can_administer(world.viewers["admin"], admin_here)


def test_a_place_names_service_centre_and_department(world):
    org = world.org
    assert scopes.place_of(org.front_a) == scopes.Place(org.service.id, org.centre_a.id, org.front_a.id)
    assert scopes.place_of(org.centre_b) == scopes.Place(org.service.id, org.centre_b.id)
    assert scopes.place_of(org.other_service) == scopes.Place(org.other_service.id)
    employee = world.viewers["employee"]
    assert scopes.place_of(employee) == scopes.Place(org.service.id, org.centre_a.id, org.front_a.id, employee.id)


def test_a_quest_is_seen_by_its_centre_or_when_it_names_none_by_its_whole_service(world):
    """members=NARROWEST: the people of the quest's centre; of the service when the quest is service-wide."""
    employee = world.viewers["employee"]
    org = world.org
    quests = {"own centre": _quest(world, org.front_a, employee), "other centre": _quest(world, org.front_b, employee),
              "whole service": Quest(regional_service_id=org.service.id, title="Квест", organiser_id=employee.id),
              "other service": Quest(regional_service_id=org.other_service.id, title="Квест",
                                     organiser_id=employee.id)}
    db.session.add_all(quests.values())
    db.session.flush()
    narrowest = scopes.Level.NARROWEST
    listed = set(db.session.scalars(select(Quest.id).where(scopes.viewable_condition(
        employee, service=Quest.regional_service_id, centre=Quest.centre_id, members=narrowest))))
    assert {name for name, q in quests.items() if scopes.can_view(employee, q, members=narrowest)} == \
        {"own centre", "whole service"}
    assert {name for name, q in quests.items() if q.id in listed} == {"own centre", "whole service"}


def test_what_names_no_service_is_open_to_everyone_and_the_rest_to_its_service(world):
    """A custom quiz or a live game without a service is for all; with one, for its people and administrators."""
    services = {"everyone": None, "own service": world.org.service.id, "other service": world.org.other_service.id}
    rows = {}  # any table whose service may be empty will do for the condition: certificates
    for name, service_id in services.items():
        rows[name] = _certificate(world, world.org.front_a, world.viewers["employee"])
        rows[name].regional_service_id = service_id
    db.session.add_all(rows.values())
    db.session.flush()
    for role, expected in (("employee", {"everyone", "own service"}), ("hr", {"everyone", "own service"}),
                           ("admin", set(services))):
        viewer = world.viewers[role]
        listed = set(db.session.scalars(select(Certificate.id).where(
            scopes.open_to_condition(viewer, service=Certificate.regional_service_id))))
        assert {name for name, service_id in services.items() if scopes.open_to(viewer, scopes.Place(service_id))} \
            == expected
        assert {name for name, row in rows.items() if row.id in listed} == expected
