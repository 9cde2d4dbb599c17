from tests.core.access import SIGNED_IN
from tests.factories import make_cohort, make_course
from training.accounts.models import Role
from training.courses.models import CaseSubmission, TeacherQuestion
from training.extensions import db

TEACHING = {Role.TEACHER, Role.HR, Role.ADMIN}
ORGANISERS = {Role.HR, Role.ADMIN}

ACCESS = {
    "courses.index": SIGNED_IN,
    "courses.block": SIGNED_IN,
    "courses.mark_studied": SIGNED_IN,
    "courses.discuss": SIGNED_IN,
    "courses.case": SIGNED_IN,
    "courses.teacher_queue": TEACHING,
    "courses.answer_question": TEACHING,
    "courses.grade_case": TEACHING,
    "courses.cohorts": ORGANISERS | {Role.MANAGER},
    "courses.cohort_detail": ORGANISERS | {Role.MANAGER, Role.TEACHER},
    "courses.cohort_export": ORGANISERS | {Role.MANAGER, Role.TEACHER},
    "courses.cohort_edit": ORGANISERS,
    "courses.cohort_enrol": ORGANISERS,
    "notifications.index": SIGNED_IN,
    "notifications.mark_read": SIGNED_IN,
}


def url_arguments(ctx):
    users = ctx["users"]
    course = make_course(blocks=2)
    learners = [ctx["colleague"], *users.values()]  # every role is also a learner here
    cohort = make_cohort(course, ctx["org"].service, teachers=[users[Role.TEACHER]], learners=learners)
    enrolment = cohort.enrolments[0]
    question = TeacherQuestion(block_id=course.blocks[0].id, cohort_id=cohort.id, author_id=ctx["colleague"].id,
                               text="Как считать CES?")
    submission = CaseSubmission(enrolment_id=enrolment.id, block_id=course.blocks[0].id, attempt_no=1,
                                answer="Ответ " * 20)
    db.session.add_all([question, submission])
    db.session.commit()
    return {"number": 1, "question_id": question.id, "submission_id": submission.id, "cohort_id": cohort.id}
