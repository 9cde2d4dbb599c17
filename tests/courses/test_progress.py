from datetime import date

import pytest
from sqlalchemy import func, select

from tests.factories import make_cohort, make_course, make_user
from tests.support.statements import listing, statements_sent
from training.accounts.models import Role
from training.courses import services
from training.courses.models import BlockProgress, CaseStatus, Stage
from training.errors import DomainError
from training.extensions import db
from training.notifications.models import Notification
from training.signals import quiz_passed

FULL_MARKS = {"Анализ": 5, "Решение": 5}


@pytest.fixture
def setup(app, org):
    course = make_course()
    teacher = make_user(Role.TEACHER, department=org.back_a)
    learner = make_user(department=org.front_a)
    cohort = make_cohort(course, org.service, teachers=[teacher], learners=[learner])
    return course, cohort, cohort.enrolments[0], teacher, learner


def _finish_block(enrolment, block, teacher):
    services.complete_stage(enrolment, block, Stage.LESSON)
    quiz_passed.send(enrolment.user, block_id=block.id, attempt_id=1, percent=90.0)
    submission = services.submit_case(enrolment, block, "Мой ответ на кейс: " + "анализ ситуации " * 5)
    services.grade_case(teacher, submission, accept=True, comment="Хорошо", criteria_points=FULL_MARKS)


def test_add_months_respects_calendar():
    assert services.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert services.add_months(date(2026, 11, 26), 3) == date(2027, 2, 26)


def test_cohort_deadline_is_start_plus_three_months_never_longer(app, org):
    course = make_course(blocks=1)
    hr = make_user(Role.HR, service=org.service)
    cohort = services.create_cohort(hr, course, name="Весна", start_date=date(2026, 3, 1))
    assert cohort.deadline == date(2026, 6, 1)
    with pytest.raises(DomainError, match="от 1 до 3"):
        services.create_cohort(hr, course, name="Долго", start_date=date(2026, 3, 1), months=4)


def test_a_block_completes_only_with_lesson_quiz_and_case(setup):
    course, cohort, enrolment, teacher, learner = setup
    block = course.blocks[0]
    services.complete_stage(enrolment, block, Stage.LESSON)
    quiz_passed.send(learner, block_id=block.id, attempt_id=1, percent=80.0)
    state = services.block_state(learner, block)
    assert state.lesson_done and state.quiz_passed and not state.completed
    submission = services.submit_case(enrolment, block, "Подробный ответ " * 10)
    services.grade_case(teacher, submission, accept=False, comment="Раскройте пункт 2")
    assert not services.block_state(learner, block).completed
    second = services.submit_case(enrolment, block, "Доработанный ответ " * 10)
    services.grade_case(teacher, second, accept=True, comment="", criteria_points=FULL_MARKS)
    state = services.block_state(learner, block)
    assert state.completed and enrolment.blocks_completed == 1
    kinds = set(db.session.scalars(select(Notification.kind).where(Notification.user_id == learner.id)))
    assert {"course.case_returned", "course.case_accepted"} <= kinds


def test_completing_the_same_stage_twice_records_it_once(setup):
    course, cohort, enrolment, teacher, learner = setup
    block = course.blocks[0]
    assert services.complete_stage(enrolment, block, Stage.LESSON) is True
    first = services.block_state(learner, block).row.lesson_done_at
    assert services.complete_stage(enrolment, block, Stage.LESSON) is False
    assert services.block_state(learner, block).row.lesson_done_at == first
    assert db.session.scalar(select(func.count()).select_from(BlockProgress)) == 1


def test_course_completes_with_the_last_block_and_notifies(setup):
    course, cohort, enrolment, teacher, learner = setup
    received = []
    from training.signals import course_completed

    def receiver(sender, **kw):
        received.append(sender)

    course_completed.connect(receiver)
    try:
        for block in course.blocks:
            _finish_block(enrolment, block, teacher)
    finally:
        course_completed.disconnect(receiver)
    assert enrolment.completed_at is not None and enrolment.blocks_completed == 14
    assert received == [learner]
    overview = services.learner_overview(enrolment)
    assert overview.percent == 100 and overview.next_state is None


def test_sequential_cohort_opens_blocks_in_order(app, org):
    course = make_course(blocks=3)
    teacher = make_user(Role.TEACHER, department=org.back_a)
    learner = make_user(department=org.front_a)
    cohort = make_cohort(course, org.service, sequential=True, teachers=[teacher], learners=[learner])
    enrolment = cohort.enrolments[0]
    second = course.blocks[1]
    with pytest.raises(DomainError, match="по порядку"):
        services.complete_stage(enrolment, second, Stage.LESSON)
    _finish_block(enrolment, course.blocks[0], teacher)
    assert services.complete_stage(enrolment, second, Stage.LESSON)


def test_a_sequential_cohorts_lesson_page_says_which_blocks_are_open_in_two_statements(app, org, client, login):
    """The lesson page of a block not open yet says so instead of offering «Изучено», and opens once the earlier
    blocks are complete; for a learner it is the signed-in person and one statement, sequential or not."""
    course = make_course(blocks=3)
    teacher = make_user(Role.TEACHER, department=org.back_a)
    learner = make_user(department=org.front_a)
    cohort = make_cohort(course, org.service, sequential=True, teachers=[teacher], learners=[learner])
    enrolment = cohort.enrolments[0]
    db.session.commit()
    login(learner)
    with statements_sent(db.engine) as sent:
        page = client.get("/learn/block/2").get_data(as_text=True)
    assert "сначала завершите предыдущие" in page and ">Изучено</button>" not in page
    assert len(sent) == 2, listing(sent)
    first = client.get("/learn/block/1").get_data(as_text=True)
    assert ">Изучено</button>" in first and "сначала завершите предыдущие" not in first
    _finish_block(enrolment, course.blocks[0], teacher)
    db.session.commit()
    with statements_sent(db.engine) as sent:
        page = client.get("/learn/block/2").get_data(as_text=True)
    assert ">Изучено</button>" in page and "сначала завершите предыдущие" not in page
    assert len(sent) == 2, listing(sent)
    assert "сначала завершите предыдущие" in client.get("/learn/block/3").get_data(as_text=True)


def test_case_cannot_be_resubmitted_while_under_review_or_after_acceptance(setup):
    course, cohort, enrolment, teacher, learner = setup
    block = course.blocks[0]
    with pytest.raises(DomainError, match="слишком короткий"):
        services.submit_case(enrolment, block, "Коротко")
    submission = services.submit_case(enrolment, block, "Ответ " * 20)
    with pytest.raises(DomainError, match="на проверке"):
        services.submit_case(enrolment, block, "Ещё ответ " * 20)
    services.grade_case(teacher, submission, accept=True, comment="", criteria_points={"Анализ": 4, "Решение": 5})
    assert submission.points == 9 and submission.status == CaseStatus.ACCEPTED
    with pytest.raises(DomainError, match="уже принят"):
        services.submit_case(enrolment, block, "Ещё ответ " * 20)
    with pytest.raises(DomainError, match="уже проверен"):
        services.grade_case(teacher, submission, accept=False, comment="передумал")


def test_rubric_points_are_bounded(setup):
    course, cohort, enrolment, teacher, learner = setup
    submission = services.submit_case(enrolment, course.blocks[0], "Ответ " * 20)
    with pytest.raises(DomainError, match="от 0 до 5"):
        services.grade_case(teacher, submission, accept=True, comment="", criteria_points={"Анализ": 7})


def test_only_the_cohorts_teacher_grades(setup, org):
    course, cohort, enrolment, teacher, learner = setup
    stranger = make_user(Role.TEACHER, department=org.front_b)
    submission = services.submit_case(enrolment, course.blocks[0], "Ответ " * 20)
    from training.errors import NotAllowed

    with pytest.raises(NotAllowed):
        services.grade_case(stranger, submission, accept=True, comment="")


def test_enrolment_never_duplicates_and_refuses_other_services(app, org):
    course = make_course(blocks=1)
    hr = make_user(Role.HR, service=org.service)
    cohort = services.create_cohort(hr, course, name="Осень", start_date=date.today())
    a, b = make_user(department=org.front_a), make_user(department=org.front_b)
    foreign = make_user(centre=org.other_centre)
    first = services.enrol(hr, cohort, [a, b, foreign])
    assert [p.id for p in first.enrolled] == [a.id, b.id]
    assert first.refused[0][0].id == foreign.id
    again = services.enrol(hr, cohort, [a])
    assert not again.enrolled and again.already[0].id == a.id


def test_cohort_report_flags_behind_and_overdue(app, org):
    course = make_course()
    teacher = make_user(Role.TEACHER, department=org.back_a)
    fast, slow = make_user(department=org.front_a, full_name="Быстрова Анна Ивановна"), \
        make_user(department=org.front_a, full_name="Медленнова Вера Ивановна")
    cohort = make_cohort(course, org.service, start=date(2026, 9, 1), teachers=[teacher], learners=[fast, slow])
    fast_enrolment = next(e for e in cohort.enrolments if e.user_id == fast.id)
    for block in course.blocks[:8]:
        _finish_block(fast_enrolment, block, teacher)
    mid = {r.user.id: r for r in services.cohort_report(cohort, today=date(2026, 10, 20))}
    assert mid[fast.id].status == "по графику" and mid[slow.id].status == "отстаёт"
    assert mid[slow.id].expected == 14 * 49 // 91
    late = {r.user.id: r.status for r in services.cohort_report(cohort, today=date(2026, 12, 2))}
    assert late == {fast.id: "просрочено", slow.id: "просрочено"}


def test_a_case_below_the_pass_mark_or_unrated_is_not_accepted_and_the_block_stays_open(setup):
    course, cohort, enrolment, teacher, learner = setup
    block = course.blocks[0]
    submission = services.submit_case(enrolment, block, "Ответ " * 20)
    with pytest.raises(services.CaseNotAcceptable, match="4 из 10 баллов, а зачёт — от 6"):
        services.grade_case(teacher, submission, accept=True, comment="Почти",
                            criteria_points={"Анализ": 2, "Решение": 2})
    with pytest.raises(services.CaseNotAcceptable, match="оцените каждый критерий: зачёт — от 6 из 10"):
        services.grade_case(teacher, submission, accept=True, comment="Хорошо")
    assert submission.status == CaseStatus.SUBMITTED
    assert not services.block_state(learner, block).case_accepted
