"""Who may open each quizzes endpoint (see tests/core/access.py). Learners' pages are open to every signed-in
person — a quiz checks enrolment itself, and another person's attempt is a 404; banks, settings, results,
statistics and grading are for teachers, HR and administrators."""
from sqlalchemy import select

from tests.core.access import SIGNED_IN
from tests.factories import make_cohort, make_course
from training.accounts.models import Role
from training.courses.models import Course, Enrolment
from training.extensions import db
from training.quizzes import bank, live, services
from training.quizzes.models import QuizOverride

MANAGERS = {Role.TEACHER, Role.HR, Role.ADMIN}

ACCESS = {
    "quizzes.index": SIGNED_IN,
    "quizzes.block_quiz": SIGNED_IN,
    "quizzes.detail": SIGNED_IN,
    "quizzes.start": SIGNED_IN,
    "quizzes.attempt": SIGNED_IN,
    "quizzes.save": SIGNED_IN,
    "quizzes.finish": SIGNED_IN,
    "quizzes.submit": SIGNED_IN,
    "quizzes.time_up": SIGNED_IN,
    "quizzes.result": SIGNED_IN,
    "quizzes.manage": MANAGERS,
    "quizzes.custom_new": MANAGERS,
    "quizzes.bank_view": MANAGERS,
    "quizzes.bank_import": MANAGERS,
    "quizzes.bank_export": MANAGERS,
    "quizzes.bank_export_xml": MANAGERS,
    # a question's image: banks' keepers, a learner whose attempt showed the question, a live game's players once
    # the question is open; anyone else gets a 404 (checked in test_question_files.py)
    "quizzes.question_file": SIGNED_IN,
    "quizzes.quiz_create": MANAGERS,
    "quizzes.question_new": MANAGERS,
    "quizzes.question_edit": MANAGERS,
    "quizzes.question_preview": MANAGERS,
    "quizzes.question_hide": MANAGERS,
    "quizzes.settings": MANAGERS,
    "quizzes.overrides": MANAGERS,
    "quizzes.override_delete": MANAGERS,
    "quizzes.results": MANAGERS,
    "quizzes.results_export": MANAGERS,
    "quizzes.statistics": MANAGERS,
    "quizzes.grading_queue": MANAGERS,
    "quizzes.grade": MANAGERS,
    # the live game: creating one is for quiz managers; host pages check the object (the host, an administrator,
    # HR of the game's service; a quest's instructor hosts its checkpoint's game): others get a 404
    "quizzes.live_new": MANAGERS,
    "quizzes.live_join": SIGNED_IN,
    "quizzes.live_play": SIGNED_IN,
    "quizzes.live_join_team": SIGNED_IN,
    "quizzes.live_answer": SIGNED_IN,
    "quizzes.live_buzz": SIGNED_IN,
    "quizzes.live_board": SIGNED_IN,
    "quizzes.live_host": SIGNED_IN,
    "quizzes.live_team_add": SIGNED_IN,
    "quizzes.live_team_delete": SIGNED_IN,
    "quizzes.live_next": SIGNED_IN,
    "quizzes.live_reveal": SIGNED_IN,
    "quizzes.live_judge": SIGNED_IN,
    "quizzes.live_finish": SIGNED_IN,
}

BANK = """$CATEGORY: Блок 01/Проверка

::Эссе::Опишите, как вы встречаете посетителя. {####Критерии: приветствие, имя, вопрос о цели визита.}

::Выбор::Что измеряет CES? {=Усилия клиента ~Лояльность ~Скорость ответа}
"""


def url_arguments(ctx):

    users = ctx["users"]
    course = db.session.scalar(select(Course).order_by(Course.id)) or make_course(blocks=2)
    enrolled = set(db.session.scalars(select(Enrolment.user_id).where(Enrolment.course_id == course.id)))
    learners = [u for u in [ctx["colleague"], *users.values()] if u.id not in enrolled]
    if learners:
        make_cohort(course, ctx["org"].service, teachers=[users[Role.TEACHER]], learners=learners)
    block = course.blocks[0]
    bank.import_gift_bank(block, BANK)
    quiz = bank.ensure_block_quiz(block)
    quiz.questions_per_attempt = 0
    db.session.flush()
    attempt = services.start_attempt(quiz, ctx["colleague"])
    essay = next(s for s in attempt.slots if s.version.type == "essay")
    services.save_response(attempt, essay.slot_no, {"answer": "Здороваюсь, называю себя и спрашиваю о цели визита."})
    services.finish_attempt(attempt)
    override = QuizOverride(quiz_id=quiz.id, user_id=ctx["colleague"].id, max_attempts=5)
    db.session.add(override)
    db.session.commit()
    question = essay.version.question
    # a live game of the service in its lobby, hosted by the employee (as a quest's instructor would host their
    # checkpoint's game), so the least privileged person reaches the host's forms; the colleague plays for «Альфа»

    game = live.create_session(users[Role.TEACHER], quiz, title="Викторина", team_names=["Альфа", "Бета"])
    game.host_id = users[Role.EMPLOYEE].id
    live.join_team(ctx["colleague"], game, game.teams[0])
    db.session.commit()
    return {"quiz_id": quiz.id, "attempt_id": attempt.id, "block_id": block.id, "slot_id": essay.id,
            "override_id": override.id, "bank_question_id": question.id, "qtype": "multichoice",
            "live_id": game.id, "live_team_id": game.teams[1].id, "version_id": essay.version.id, "name": "x.png"}
