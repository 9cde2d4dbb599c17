"""The small worlds the domains' fixtures stand on: who works where, which course they take. Each builder takes
the organisation of the ``org`` fixture (tests/factories.make_org) and commits what it makes."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from tests.certificates.helpers import enrol_completed
from tests.factories import make_cohort, make_course, make_user
from training.accounts.models import Role, User
from training.extensions import db
from training.gamification.ratings import services as ratings

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
    """A two-block course, a cohort with two learners of front office A and their teacher."""
    course = make_course(blocks=2)
    learner = make_user(department=org.front_a, full_name="Ученикова Анна Петровна")
    other = make_user(department=org.front_a, full_name="Соседов Пётр Ильич")
    teacher = make_user(Role.TEACHER, department=org.front_a, full_name="Учителева Ольга Николаевна")
    cohort = make_cohort(course, org.service, teachers=[teacher], learners=[learner, other])
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
