"""No N+1 queries: the main list page of every domain issues as many SQL statements for 50 listed things as
for 5.

Each case adds «things» to a fresh copy of the world (with their own people, departments or centres where the
real data would have them, so a per-row lazy load cannot hide behind SQLAlchemy's identity map), opens the
page as the person who normally reads it, counts statements with ``before_cursor_execute`` on the engine,
adds 45 more and counts again. The page must show the things (so the count measures the list, not an empty
page), and the count may grow by at most SLACK statements (a pager appearing, one batch query split in two)."""
from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import event, select

from tests import factories
from training.accounts.models import Role, User
from training.extensions import db
from training.gamification.contests import services as contests
from training.org.models import Centre, Department, DepartmentKind, RegionalService

SLACK = 2
SMALL, LARGE = 5, 50
_serial = itertools.count(1)


@dataclass
class Case:
    name: str
    viewer: str  # a world person: employee, teacher, manager, hr, admin, colleague
    url: Callable[[dict], str]  # world arguments → URL
    add: Callable[[dict, int], list[str]]  # (world arguments, how many) → texts the page must show


class Ids:
    """World objects by id, inside an app context."""

    def __init__(self, world):
        self.world = world
        self.args = world.arguments

    def user(self, who: str) -> User:
        return db.session.get(User, self.world.user_ids[who])

    @property
    def service(self) -> RegionalService:
        return db.session.get(RegionalService, self.args["service_id"])

    @property
    def centre(self) -> Centre:
        return db.session.get(Centre, self.args["centre_id"])

    def new_department(self, centre: Centre | None = None) -> Department:
        n = next(_serial)
        department = Department(name=f"Отдел N{n}", kind=DepartmentKind.FRONT_OFFICE, centre=centre or self.centre)
        db.session.add(department)
        db.session.flush()
        return department

    def new_centre(self) -> Centre:
        n = next(_serial)
        centre = Centre(name=f"ЦЗН Тестовый N{n}", service=self.service)
        db.session.add(centre)
        db.session.flush()
        return centre

    def new_person(self, *roles: Role, own_department: bool = True, centre: Centre | None = None) -> User:
        """A colleague of centre A (or ``centre``) in a department of their own."""
        n = next(_serial)
        department = self.new_department(centre) if own_department else None
        return factories.make_user(*roles, department=department, centre=None if department else self.centre,
                                   full_name=f"Листова N{n} Ивановна", is_public_consent=True)


# --- builders ----------------------------------------------------------------------------------------------------

def add_staff(ids: Ids, n: int) -> list[str]:
    return [ids.new_person().full_name for _ in range(n)]


def _cohort(ids: Ids):
    from training.courses.models import Cohort

    return db.session.get(Cohort, ids.args["cohort_id"])


def _enrol(ids: Ids, person: User, cohort=None):
    from training.courses.models import Enrolment

    cohort = cohort or _cohort(ids)
    enrolment = Enrolment(course_id=cohort.course_id, cohort_id=cohort.id, user_id=person.id)
    db.session.add(enrolment)
    db.session.flush()
    return enrolment


def add_learners(ids: Ids, n: int) -> list[str]:
    names = []
    for _ in range(n):
        person = ids.new_person()
        enrolment = _enrol(ids, person)
        enrolment.blocks_completed = 1
        names.append(person.full_name)
    return names


def add_teacher_work(ids: Ids, n: int) -> list[str]:
    from training.courses.models import CaseSubmission, TeacherQuestion

    cohort = _cohort(ids)
    block = cohort.course.blocks[0]
    texts = []
    for _ in range(n):
        person = ids.new_person()
        enrolment = _enrol(ids, person)
        text = f"Вопрос N{next(_serial)} преподавателю"
        db.session.add(TeacherQuestion(block_id=block.id, cohort_id=cohort.id, author_id=person.id, text=text))
        db.session.add(CaseSubmission(enrolment_id=enrolment.id, block_id=block.id, attempt_no=1,
                                      answer="Решение кейса " * 10))
        texts.append(text)
    return texts


def add_materials(ids: Ids, n: int) -> list[str]:
    from training.materials import services
    from training.materials.models import MaterialCategory

    titles = []
    for _ in range(n):
        uploader = ids.new_person(Role.TEACHER)
        category = services.create_category(uploader, f"Категория N{next(_serial)}")
        title = f"Буклет N{next(_serial)}"
        services.create_material(uploader, category=category, title=title, description="", kind="file",
                                 filename="памятка.txt", data=title.encode())
        titles.append(title)
    assert db.session.scalar(select(db.func.count()).select_from(MaterialCategory))
    return titles


def add_certificates(ids: Ids, n: int) -> list[str]:
    from tests.certificates.helpers import complete
    from training.certificates import services

    names = []
    for _ in range(n):
        person = ids.new_person()
        enrolment = complete(_enrol(ids, person))
        services.issue_course_certificates(None, [enrolment])
        names.append(person.full_name)
    return names


def add_contests(ids: Ids, n: int) -> list[str]:

    hr = ids.user("hr")
    labels = []
    for _ in range(n):
        centre = ids.new_centre()
        voter, nominee = ids.new_person(centre=centre), ids.new_person(centre=centre)
        contest = contests.open_contest(hr, centre=centre)
        contests.cast_vote(voter, contest, nominee, "За помощь")
        labels.append(centre.name)
    return labels


def add_honour_board(ids: Ids, n: int) -> list[str]:
    from training.gamification.recognition import services
    from training.gamification.recognition.models import Badge

    services.ensure_badge_catalogue()
    manager = ids.user("manager")
    badges = list(db.session.scalars(select(Badge).where(Badge.is_title)))
    names = []
    for i in range(n):
        person = ids.new_person()
        services.award_badge(person, badges[i % len(badges)].code, reason="За клиентоцентричность", actor=manager)
        names.append(person.full_name)
    return names


def add_quests(ids: Ids, n: int) -> list[str]:
    from training.gamification.quests import services as quests

    titles = []
    for _ in range(n):
        organiser = ids.new_person(Role.TEACHER)
        title = f"Квест N{next(_serial)}"
        quests.create_quest(organiser, title=title, centre_id=ids.args["centre_id"])
        titles.append(title)
    return titles


def _running_quest(ids: Ids):
    from training.gamification.quests import services as quests
    from training.gamification.quests.models import Quest

    quest = db.session.get(Quest, ids.args["quest_id"])
    if quest.status == "draft":
        quests.start_quest(ids.user("teacher"), quest)
    return quest


def add_quest_teams(ids: Ids, n: int) -> list[str]:
    from training.gamification.quests import services as quests
    from training.gamification.quests.models import QuestCheckpoint

    quest = _running_quest(ids)
    checkpoint = db.session.get(QuestCheckpoint, ids.args["quest_checkpoint_id"])
    names = []
    for _ in range(n):
        member = ids.new_person()
        name = f"Команда N{next(_serial)}"
        db.session.refresh(quest)
        team = quests.save_team(ids.user("teacher"), quest, None, name=name, member_ids=[member.id])
        quests.record_score(ids.user("employee"), checkpoint, team, points=5, comment="")
        names.append(name)
    return names


def add_library(ids: Ids, n: int) -> list[str]:
    from training.gamification.library import services as library

    hr = ids.user("hr")
    titles = []
    for _ in range(n):
        author = ids.new_person()
        title = f"Кейс библиотеки N{next(_serial)}"
        case = library.submit_case(author, kind="case", title=title, situation="Ситуация", action="Действие",
                                   result="Итог", client_group_id=None, touchpoint_id=None)
        library.moderate(hr, case, publish=True)
        titles.append(title)
    return titles


def add_stress_items(ids: Ids, n: int) -> list[str]:
    from training.gamification.stress import services as stress

    texts = []
    for _ in range(n):
        centre = ids.new_centre()
        text = f"Стресс N{next(_serial)}: очередь у окна"
        item = stress.post_item(ids.args["service_id"], text=text, centre_id=centre.id)
        stress.plus_one(ids.new_person(), item)
        texts.append(text)
    return texts


def add_feedback(ids: Ids, n: int, *, new_centres: bool = False) -> list[str]:
    """Low scores with a request to be contacted (so each opens a follow-up task), about different people
    (of different centres with ``new_centres``: the task list shows the centre)."""
    from training.metrics.feedback import services as feedback

    shown = []
    for _ in range(n):
        employee = ids.new_person(centre=ids.new_centre() if new_centres else None)
        comment = f"Отзыв N{next(_serial)}"
        feedback.submit_feedback(feedback.link_for(employee.centre, employee=employee), recommend=2, ces=2,
                                 comment=comment, contact_requested=True, contact_name="Клиент",
                                 contact_phone="+7 900 000-00-00")
        shown.append(employee.centre.name if new_centres else comment)
    return shown


def add_follow_ups(ids: Ids, n: int) -> list[str]:
    return add_feedback(ids, n, new_centres=True)


def add_iqs(ids: Ids, n: int) -> list[str]:
    from training.metrics.operations import iqs

    manager = ids.user("manager")
    marks = {c.id: True for c in iqs.active_categories()}
    names = []
    for _ in range(n):
        person = ids.new_person()
        iqs.assess(manager, person, marks=marks, conversation_date=date.today() - timedelta(days=1),
                   today=date.today())
        names.append(person.full_name)
    return names


def add_centres(ids: Ids, n: int) -> list[str]:
    from training.metrics.centre_index import snapshots
    from training.metrics.feedback import services as feedback

    names = []
    for _ in range(n):
        centre = ids.new_centre()
        ids.new_department(centre)
        feedback.submit_feedback(feedback.link_for(centre), recommend=9, ces=5)
        names.append(centre.name)
    db.session.commit()
    snapshots.refresh_stale()
    return names


def add_departments(ids: Ids, n: int) -> list[str]:
    names = []
    for _ in range(n):
        department = ids.new_department()
        factories.make_user(department=department, full_name=f"Пульсова N{next(_serial)}")
        names.append(department.name)
    return names


def _finished_attempts_of_new_learners(ids: Ids, n: int, answer=None) -> list[str]:
    """``n`` new learners enrolled in the world's quiz course, each with one finished attempt; ``answer(attempt)``
    fills it in before it is finished."""
    from training.courses.models import Cohort
    from training.quizzes import services
    from training.quizzes.models import Quiz

    quiz = db.session.get(Quiz, ids.args["quiz_id"])
    cohort = db.session.scalar(select(Cohort).where(Cohort.course_id == quiz.block.course_id).limit(1))
    names = []
    for _ in range(n):
        person = ids.new_person()
        _enrol(ids, person, cohort)
        attempt = services.start_attempt(quiz, person)
        if answer is not None:
            answer(attempt)
        services.finish_attempt(attempt)
        names.append(person.full_name)
    return names


def add_quiz_attempts(ids: Ids, n: int) -> list[str]:
    return _finished_attempts_of_new_learners(ids, n)


def add_audit(ids: Ids, n: int) -> list[str]:
    from training.audit import services as audit

    summaries = []
    for _ in range(n):
        actor = ids.new_person(Role.HR)
        summary = f"Проверка аудита N{next(_serial)}"
        audit.record(actor, "test.action", "user", actor.id, summary=summary)
        summaries.append(summary)
    return summaries


def add_thanks(ids: Ids, n: int) -> list[str]:
    from training.gamification.recognition import services

    texts = []
    for _ in range(n):
        giver, recipient = ids.new_person(), ids.new_person()
        text = f"Спасибо N{next(_serial)} за помощь"
        services.give_thanks(giver, recipient, text)
        texts.append(text)
    return texts


def add_cohorts(ids: Ids, n: int) -> list[str]:
    from training.courses.models import Cohort, CohortTeacher

    base = _cohort(ids)
    names = []
    for _ in range(n):
        teacher = ids.new_person(Role.TEACHER)
        cohort = Cohort(course_id=base.course_id, regional_service_id=base.regional_service_id,
                        name=f"Группа N{next(_serial)}", start_date=base.start_date, deadline=base.deadline)
        db.session.add(cohort)
        db.session.flush()
        db.session.add(CohortTeacher(cohort_id=cohort.id, user_id=teacher.id))
        _enrol_in(cohort, ids.new_person())
        names.append(cohort.name)
    return names


def _enrol_in(cohort, person):
    from training.courses.models import Enrolment

    db.session.add(Enrolment(course_id=cohort.course_id, cohort_id=cohort.id, user_id=person.id))


def add_notifications(ids: Ids, n: int) -> list[str]:
    from training.notifications.services import notify

    texts = []
    for _ in range(n):
        text = f"Уведомление N{next(_serial)}"
        notify(ids.user("employee"), "test", text, "/")
        texts.append(text)
    return texts


def add_points(ids: Ids, n: int) -> list[str]:
    from training.gamification.recognition import services

    names = []
    for _ in range(n):
        person = ids.new_person()
        services.award_points(person, 10 + next(_serial) % 7, f"test:{person.id}", "Проверка")
        names.append(person.full_name)
    return names


def add_flags(ids: Ids, n: int) -> list[str]:
    from training.gamification.contests.models import Flag, FlagKind

    texts = []
    for _ in range(n):
        centre, person = ids.new_centre(), ids.new_person()
        text = f"Подозрительно N{next(_serial)}"
        db.session.add(Flag(dedupe_key=text, kind=FlagKind.CLIENT_BURST, regional_service_id=ids.args["service_id"],
                            centre_id=centre.id, subject_user_id=person.id, explanation=text, details={}))
        texts.append(text)
    return texts


def add_submitted_cases(ids: Ids, n: int) -> list[str]:
    from training.gamification.library import services as library

    titles = []
    for _ in range(n):
        title = f"Кейс на модерации N{next(_serial)}"
        library.submit_case(ids.new_person(), kind="case", title=title, situation="Ситуация", action="Действие",
                            result="Итог", client_group_id=None, touchpoint_id=None)
        titles.append(title)
    return titles


def add_org_centres(ids: Ids, n: int) -> list[str]:
    names = []
    for _ in range(n):
        centre = ids.new_centre()
        ids.new_person(centre=centre)
        names.append(centre.name)
    return names


def add_due_learners(ids: Ids, n: int) -> list[str]:
    from tests.certificates.helpers import complete

    names = []
    for _ in range(n):
        person = ids.new_person()
        complete(_enrol(ids, person))
        names.append(person.full_name)
    return names


def add_essays(ids: Ids, n: int) -> list[str]:
    from training.quizzes import services

    def write_essay(attempt) -> None:
        essay = next(s for s in attempt.slots if s.version.type == "essay")
        services.save_response(attempt, essay.slot_no, {"answer": "Здороваюсь и спрашиваю о цели визита."})

    return _finished_attempts_of_new_learners(ids, n, write_essay)


def _this_month(_args) -> str:
    from training.gamification.stress import services as stress

    return f"/team/stress/review/{stress.current_month()}"


CASES = [
    Case("staff list", "hr", lambda a: "/org/staff?active=all&q=Листова", add_staff),
    Case("cohort report", "hr", lambda a: f"/learn/cohorts/{a['cohort_id']}", add_learners),
    Case("cohort list", "hr", lambda a: "/learn/cohorts", add_cohorts),
    Case("teacher queue", "teacher", lambda a: "/learn/teach", add_teacher_work),
    Case("materials list", "employee", lambda a: "/materials/?q=Буклет", add_materials),
    Case("certificates registry", "hr", lambda a: "/certificates/registry", add_certificates),
    Case("contests", "hr", lambda a: "/recognition/contests", add_contests),
    Case("honour board", "employee", lambda a: "/recognition/board", add_honour_board),
    Case("thanks", "employee", lambda a: "/recognition/thanks", add_thanks),
    Case("quests", "employee", lambda a: "/team/quests", add_quests),
    Case("quest leaderboard", "employee", lambda a: f"/team/quests/{a['quest_id']}/board", add_quest_teams),
    Case("quest page", "teacher", lambda a: f"/team/quests/{a['quest_id']}", add_quest_teams),
    Case("library", "employee", lambda a: "/team/library", add_library),
    Case("stress board", "employee", lambda a: "/team/stress", add_stress_items),
    Case("client feedback", "manager", lambda a: "/metrics/feedback", add_feedback),
    Case("follow-ups", "hr", lambda a: "/metrics/follow-ups?state=all", add_follow_ups),
    Case("IQS reviews", "manager", lambda a: "/metrics/iqs", add_iqs),
    Case("metrics compare", "hr", lambda a: "/metrics/compare", add_centres),
    Case("pulse of the service", "hr", lambda a: f"/metrics/pulse/service/{a['service_id']}", add_centres),
    Case("pulse of a centre", "manager", lambda a: f"/metrics/pulse/centre/{a['centre_id']}", add_departments),
    Case("training dashboard", "hr", lambda a: "/metrics/courses", add_centres),
    Case("quiz results", "hr", lambda a: f"/quizzes/{a['quiz_id']}/results", add_quiz_attempts),
    Case("audit log", "admin", lambda a: "/audit/", add_audit),
    Case("notifications", "employee", lambda a: "/notifications/", add_notifications),
    Case("points leaderboard", "employee", lambda a: "/recognition/points?period=all", add_points),
    Case("vote flags", "hr", lambda a: "/recognition/flags", add_flags),
    Case("library moderation", "hr", lambda a: "/team/library/moderation", add_submitted_cases),
    Case("stress review", "hr", _this_month, add_stress_items),
    Case("organisation structure", "hr", lambda a: "/org/", add_org_centres),
    Case("certificates due", "hr", lambda a: "/certificates/due", add_due_learners),
    Case("grading queue", "hr", lambda a: "/quizzes/grading", add_essays),
]


class StatementCounter:
    def __init__(self, engine):
        self.engine = engine
        self.statements: list[str] = []

    def _record(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append(statement)

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._record)


def _count(world_app, client, url: str) -> tuple[int, list[str], str]:
    with world_app.app.app_context():
        engine = db.engine
    with StatementCounter(engine) as counter:
        response = client.get(url)
    body = response.get_data(as_text=True)
    assert response.status_code == 200, f"{url}: {response.status_code}\n{body[-500:]}"
    return len(counter.statements), counter.statements, body


def _repeated(statements: list[str]) -> str:
    top = Counter(" ".join(s.split())[:160] for s in statements).most_common(3)
    return "\n".join(f"  ×{n}: {s}" for n, s in top)


_PARAMS = [pytest.param(c, id=c.name) for c in CASES]


@pytest.mark.parametrize("case", _PARAMS)
def test_statements_do_not_grow_with_the_list(world_app, world, case):
    ids = Ids(world)
    with world_app.app.app_context():
        shown = case.add(ids, SMALL)
        db.session.commit()
    client = world_app.client(case.viewer)
    url = case.url(world.arguments)
    client.get(url)  # warm-up: reference data, compiled templates
    small, small_statements, body = _count(world_app, client, url)
    missing = [text for text in shown if text not in body]
    assert not missing, f"{case.name}: the page does not show what was added: {missing[:3]}"
    with world_app.app.app_context():
        shown = case.add(ids, LARGE - SMALL)
        db.session.commit()
    large, large_statements, body = _count(world_app, client, url)
    missing = [text for text in shown if text not in body]
    assert not missing, f"{case.name}: the page does not show what was added: {missing[:3]}"
    assert large <= small + SLACK, (
        f"{case.name} ({url}): {small} statements for {SMALL} items, {large} for {LARGE} — an N+1 query.\n"
        f"Most repeated with {LARGE}:\n{_repeated(large_statements)}")
