from tests.core.access import SIGNED_IN
from tests.factories import make_cohort, make_course
from training.accounts.models import Role
from training.courses.models import CaseSubmission, TeacherQuestion
from training.extensions import db
from training.notifications.models import Notification

TEACHING = {Role.TEACHER, Role.HR, Role.ADMIN}
ORGANISERS = {Role.HR, Role.ADMIN}

ACCESS = {
    "courses.owners": {Role.ADMIN},
    "courses.owner_remove": {Role.ADMIN},
    "courses.index": SIGNED_IN,
    "courses.block": SIGNED_IN,
    "courses.mark_studied": SIGNED_IN,
    "courses.lesson_opened": SIGNED_IN,
    "courses.discuss": SIGNED_IN,
    "courses.case": SIGNED_IN,
    "courses.slides": SIGNED_IN,
    "courses.slides_pdf": SIGNED_IN,
    "courses.cheatsheet_pdf": SIGNED_IN,
    "courses.self_check": SIGNED_IN,
    "courses.about": SIGNED_IN,
    "courses.glossary": SIGNED_IN,
    "courses.literature": SIGNED_IN,
    "courses.calculator": SIGNED_IN,
    "courses.case_attachment": SIGNED_IN,  # a 404 for everyone but the learner, the cohort's teachers and HR
    "courses.teacher_queue": TEACHING,
    "courses.answer_question": TEACHING,
    "courses.grade_case": TEACHING,
    "courses.cohorts": ORGANISERS | {Role.MANAGER},
    "courses.cohort_detail": ORGANISERS | {Role.MANAGER, Role.TEACHER},
    "courses.cohort_export": ORGANISERS | {Role.MANAGER, Role.TEACHER},
    "courses.cohort_edit": ORGANISERS,
    "courses.cohort_enrol": ORGANISERS,
    "courses.feedback": SIGNED_IN,
    "courses.cohort_feedback": ORGANISERS | {Role.TEACHER},
    "courses.cohort_follow_ups": ORGANISERS,
    "courses.follow_up": SIGNED_IN,
    "courses.follow_ups": {Role.MANAGER, Role.ADMIN},
    "courses.follow_up_confirm": {Role.MANAGER, Role.ADMIN},
    "notifications.index": SIGNED_IN,
    "notifications.mark_read": SIGNED_IN,
    "notifications.open_one": SIGNED_IN,  # a 404 for everyone but the person notified
}


def url_arguments(ctx):
    users = ctx["users"]
    course = make_course(blocks=2)
    first = course.blocks[0]  # the extras of issue 18, so their pages and forms are walked and fuzzed too
    first.self_check = [{"question": "Что показывает CES?", "options": [
        {"text": "Усилия клиента", "correct": True, "feedback": "Да: насколько легко было решить задачу."},
        {"text": "Готовность рекомендовать", "correct": False, "feedback": "Это NPS."}]}]
    first.discussion_prompts = ["С какой метрики вы бы начали в своём центре?"]
    first.cheatsheet = ["CES = % «легко» − % «сложно»"]
    first.slides = [{"kind": "title", "title": first.title, "subtitle": "Блок 1", "points": []},
                    {"kind": "section", "title": "Раздел", "points": ["Текст урока."]},
                    {"kind": "takeaways", "title": "Главные выводы", "points": ["Вывод"]}]
    learners = [ctx["colleague"], *users.values()]  # every role is also a learner here
    cohort = make_cohort(course, ctx["org"].service, teachers=[users[Role.TEACHER]], learners=learners)
    enrolment = cohort.enrolments[0]
    question = TeacherQuestion(block_id=course.blocks[0].id, cohort_id=cohort.id, author_id=ctx["colleague"].id,
                               text="Как считать CES?")
    submission = CaseSubmission(enrolment_id=enrolment.id, block_id=course.blocks[0].id, attempt_no=1,
                                answer="Ответ " * 20)
    notification = Notification(user_id=ctx["colleague"].id, kind="course.answer", text="Преподаватель ответил.",
                                url="/learn/")
    db.session.add_all([question, submission, notification])
    # every learner has finished the course and has a follow-up waiting, so learner pages answer 200
    from datetime import date, timedelta

    from training.courses.models import FollowUp
    from training.db import utcnow

    for e in cohort.enrolments:
        e.completed_at = utcnow()
        db.session.add(FollowUp(enrolment_id=e.id, opens_on=date.today(), due_on=date.today() + timedelta(days=60)))
    db.session.flush()
    colleague_follow_up = next(f for f in db.session.scalars(db.select(FollowUp))
                               if f.enrolment.user_id == ctx["colleague"].id)
    colleague_follow_up.submitted_at = utcnow()
    colleague_follow_up.self_assessment = {"communication": 4}
    db.session.commit()
    return {"course_id": course.id, "owner_id": 999_999, "number": 1, "index": 0, "question_id": question.id,
            "submission_id": submission.id, "cohort_id": cohort.id,
            "follow_up_id": colleague_follow_up.id, "notification_id": notification.id}
