"""The small worlds the domains' fixtures stand on: who works where, which course they take. Each builder takes
the organisation of the ``org`` fixture (tests/factories.make_org) and commits what it makes."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select, update

from tests.certificates.helpers import complete, enrol_completed
from tests.factories import make_cohort, make_course, make_user
from tests.support.quiz_bank import BANK
from training.accounts.models import Role, User
from training.certificates import services as certificates
from training.competence import services as competence
from training.competence.models import CompetenceScore
from training.courses.models import CourseOwner, Enrolment
from training.extensions import db
from training.gamification.contests import services as contests
from training.gamification.ratings import services as ratings
from training.metrics.feedback import aspects
from training.metrics.feedback import services as feedback
from training.org.models import Centre
from training.quizzes import bank
from training.quizzes import services as quizzes

# recognition: contests run at fixed moments; the middle of March is inside every period the tests open
MID_MARCH = datetime(2026, 3, 15, 9, 0, tzinfo=UTC)


@dataclass
class CertificateWorld:
    org: object
    course: object
    hr: object
    other_hr: object
    admin: object
    learners: list
    cohort: object


def certificate_world(org) -> CertificateWorld:
    """The real course shape (14 blocks), two learners of the service who finished it, its HR, another
    service's HR and an administrator."""
    course = make_course(blocks=14)
    learners = [make_user(department=org.front_a, full_name="Смирнова Анна Сергеевна"),
                make_user(department=org.front_b, full_name="Кузнецов Пётр Андреевич")]
    cohort = enrol_completed(course, org.service, learners)
    return CertificateWorld(org=org, course=course, hr=make_user(Role.HR, service=org.service),
                            other_hr=make_user(Role.HR, service=org.other_service), admin=make_user(Role.ADMIN),
                            learners=learners, cohort=cohort)


@dataclass
class QuizWorld:
    org: object
    course: object
    block: object
    cohort: object
    learner: object
    other_learner: object
    teacher: object


def quiz_world(org) -> QuizWorld:
    """A two-block course, a cohort with two learners of front office A and their teacher, who also owns the
    course (an administrator named her: she sets its block quizzes)."""
    course = make_course(blocks=2)
    learner = make_user(department=org.front_a, full_name="Ученикова Анна Петровна")
    other = make_user(department=org.front_a, full_name="Соседов Пётр Ильич")
    teacher = make_user(Role.TEACHER, department=org.front_a, full_name="Учителева Ольга Николаевна")
    cohort = make_cohort(course, org.service, teachers=[teacher], learners=[learner, other])
    db.session.add(CourseOwner(course_id=course.id, user_id=teacher.id))
    db.session.commit()
    return QuizWorld(org, course, course.blocks[0], cohort, learner, other, teacher)


@dataclass
class RecognitionStaff:
    manager: User
    hr: User
    anna: User  # front office A
    boris: User  # front office A
    vera: User  # back office A
    gleb: User  # back office A
    dina: User  # centre B
    other_hr: User  # another regional service


def recognition_staff(org) -> RecognitionStaff:
    """Staff of two centres (Анна and Вера agreed to be named in public), HR of the service and of another."""
    return RecognitionStaff(
        manager=make_user(Role.MANAGER, department=org.front_a, full_name="Руководова Ольга Петровна"),
        hr=make_user(Role.HR, service=org.service, full_name="Кадрова Нина Львовна"),
        anna=make_user(department=org.front_a, full_name="Антонова Анна Сергеевна", is_public_consent=True),
        boris=make_user(department=org.front_a, full_name="Борисов Борис Ильич"),
        vera=make_user(department=org.back_a, full_name="Волкова Вера Андреевна", is_public_consent=True),
        gleb=make_user(department=org.back_a, full_name="Глебов Глеб Олегович"),
        dina=make_user(department=org.front_b, full_name="Денисова Дина Юрьевна"),
        other_hr=make_user(Role.HR, service=org.other_service, full_name="Чужова Ирина Марковна"),
    )


def engagement_staff(org) -> dict[str, User]:
    """The default rating aspects, and by first name: front office of centre A (Анна, Борис, Вера), its back
    office (Глеб), centre B (Дина), HR, a manager and a teacher."""
    ratings.seed_default_aspects()
    db.session.commit()
    return {
        "anna": make_user(department=org.front_a, full_name="Антонова Анна Андреевна"),
        "boris": make_user(department=org.front_a, full_name="Борисов Борис Борисович"),
        "vera": make_user(department=org.front_a, full_name="Волкова Вера Викторовна"),
        "gleb": make_user(department=org.back_a, full_name="Глебов Глеб Геннадьевич"),
        "dina": make_user(department=org.front_b, full_name="Динова Дина Денисовна"),
        "hr": make_user(Role.HR, service=org.service, full_name="Кадрова Наталья Викторовна"),
        "manager": make_user(Role.MANAGER, department=org.front_a, full_name="Руководов Игорь Павлович"),
        "teacher": make_user(Role.TEACHER, department=org.back_a, full_name="Учителева Ольга Николаевна"),
    }


@dataclass
class BusyWorld:
    """A service with a few centres and dozens of staff who learn, vote and hear from clients: what the
    statement budgets of tests/core/test_statement_budgets.py are counted on."""
    users: dict[str, int]  # "employee", "teacher", "manager", "hr", "admin" → id
    emails: dict[str, str]
    urls: dict[str, str]  # page → URL
    attempt_id: int
    contest_id: int
    nominee_ids: tuple[int, int]  # two colleagues of the employee in the contest
    feedback_token: str
    centre_id: int
    service_id: int


def busy_world(org, *, staff_per_centre: int = 12) -> BusyWorld:
    """Centres A and B plus a third, each with ``staff_per_centre`` specialists; everybody enrolled on a
    two-block course with quiz attempts; client answers for every specialist; an open «Сотрудник месяца» of
    centre A with colleagues' votes; competence scores computed; a certificate of a finished learner."""
    centre_c = Centre(name="ЦЗН г. Выксы", service=org.service)
    db.session.add(centre_c)
    db.session.commit()
    aspects.seed_touchpoints()
    ratings.seed_default_aspects()
    db.session.commit()
    employee = make_user(department=org.front_a, full_name="Работникова Ирина Сергеевна")
    teacher = make_user(Role.TEACHER, department=org.back_a, full_name="Учителева Ольга Николаевна")
    manager = make_user(Role.MANAGER, department=org.front_a, full_name="Руководова Ольга Петровна")
    hr = make_user(Role.HR, service=org.service, full_name="Кадрова Нина Львовна")
    admin = make_user(Role.ADMIN, full_name="Админова Анна Павловна")
    places = [(org.centre_a, org.front_a), (org.centre_a, org.back_a), (org.centre_b, org.front_b),
              (centre_c, None)]
    staff = [make_user(department=department, centre=centre, full_name=f"Сотрудникова{n} Мария Ивановна")
             for n in range(staff_per_centre * 3) for centre, department in [places[n % len(places)]]]
    course = make_course(blocks=2)
    block = course.blocks[0]
    bank.import_gift_bank(block, BANK)
    quiz = bank.ensure_block_quiz(block)
    quiz.questions_per_attempt = 0
    db.session.commit()
    learners = [employee, manager, *staff]
    make_cohort(course, org.service, teachers=[teacher], learners=learners)
    for person in staff[:12]:  # finished attempts the statistics and scores read
        attempt = quizzes.start_attempt(quiz, person)
        quizzes.finish_attempt(attempt)
    db.session.commit()
    attempt = quizzes.start_attempt(quiz, employee)
    db.session.commit()
    for n, person in enumerate(staff):
        if person.centre_id is None:
            continue
        link = feedback.link_for(db.session.get(Centre, person.centre_id), employee=person)
        for score in (9, 7 + n % 3, 4):
            feedback.submit_feedback(link, recommend=score, ces=5, expectations=4, comment="")
    employee_link = feedback.link_for(org.centre_a, employee=employee)
    db.session.commit()
    contest = contests.open_contest(hr, centre=org.centre_a)
    colleagues = [p for p in staff if p.centre_id == org.centre_a.id]
    for voter, nominee in zip(colleagues, colleagues[1:] + colleagues[:1], strict=True):
        contests.cast_vote(voter, contest, nominee, "За помощь клиентам")
    db.session.commit()
    month = competence.month_of(date.today())
    competence.recompute_month(month)
    # a month's closing as it looks once evidence is enough (this world has too few colleagues' ratings for a real
    # score): most people scored and placed, a few without a score, so a ranking page lists people and counts both
    scored = [person.id for person in staff[:-4]]
    db.session.execute(update(CompetenceScore).where(CompetenceScore.period_start == month.start,
                                                     CompetenceScore.user_id.in_(scored))
                       .values(overall=50 + (CompetenceScore.user_id * 7) % 40))
    competence.store_ranks(month)
    db.session.commit()
    finished = db.session.scalar(select(Enrolment).where(Enrolment.user_id == staff[0].id))
    certificate = certificates.issue_course_certificates(None, [complete(finished)])[0][0]
    db.session.commit()
    people = {"employee": employee, "teacher": teacher, "manager": manager, "hr": hr, "admin": admin}
    urls = {
        "lesson": f"/learn/block/{block.number}",
        "quiz question": f"/quizzes/attempts/{attempt.id}",
        "answer save": f"/quizzes/attempts/{attempt.id}/save",
        "colleague vote": f"/recognition/contests/{contest.id}/vote",
        "client feedback": f"/f/{employee_link.token}",
        "ranking": f"/metrics/competence/ranking?by=overall&top=50&service_id={org.service.id}",
        "pulse": f"/metrics/pulse/centre/{org.centre_a.id}",
        "verification": f"/certificates/verify/{certificate.verification_code}",
        "home": "/",
    }
    return BusyWorld(users={k: u.id for k, u in people.items()}, emails={k: u.email for k, u in people.items()},
                     urls=urls, attempt_id=attempt.id, contest_id=contest.id, nominee_ids=(colleagues[0].id, colleagues[1].id),
                     feedback_token=employee_link.token, centre_id=org.centre_a.id, service_id=org.service.id)

