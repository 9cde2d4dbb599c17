from tests.core.access import PUBLIC, SIGNED_IN
from training.accounts.models import Role
from training.extensions import db

ORGANISERS = {Role.TEACHER, Role.MANAGER, Role.HR, Role.ADMIN}
CONFIGURERS = {Role.HR, Role.ADMIN}
# url_arguments makes the HR officer and the centre manager committee members; administrators act everywhere
COMMITTEE = {Role.HR, Role.MANAGER, Role.ADMIN}

ACCESS = {
    "gamification.index": SIGNED_IN,
    "ratings.deck": SIGNED_IN,
    "ratings.rate": SIGNED_IN,
    "ratings.me": SIGNED_IN,
    "ratings.aspects": CONFIGURERS,
    "ratings.aspects_customise": CONFIGURERS,
    "ratings.aspect_edit": CONFIGURERS,
    "quests.index": SIGNED_IN,
    "quests.create": ORGANISERS,
    "quests.detail": SIGNED_IN,
    "quests.team_add": ORGANISERS,
    "quests.team_edit": ORGANISERS,
    "quests.team_delete": ORGANISERS,
    "quests.checkpoint_add": ORGANISERS,
    "quests.checkpoint_delete": ORGANISERS,
    "quests.start": ORGANISERS,
    "quests.close": ORGANISERS,
    # the employee is the checkpoint's instructor; organisers may score too
    "quests.score": SIGNED_IN,
    "quests.board": SIGNED_IN,
    # «Провести вживую»: the checkpoint's instructors and the quest's managers (others 403, or 404 without a quiz)
    "quests.checkpoint_live": SIGNED_IN,
    "stress.index": SIGNED_IN,
    "stress.post": SIGNED_IN,
    "stress.plus": SIGNED_IN,
    "stress.months": SIGNED_IN,
    "stress.review": COMMITTEE,
    "stress.measure_add": COMMITTEE,
    # the measure's owner is the colleague; the committee may update it too
    "stress.measure_status": COMMITTEE,
    # what clients read of a measure: the committee only, never its owner alone
    "stress.measure_public": COMMITTEE,
    "stress.hide": COMMITTEE,
    "stress.archive": COMMITTEE,
    "stress.from_clients": PUBLIC,
    "library.index": SIGNED_IN,
    "library.create": SIGNED_IN,
    # the case's author is the employee
    "library.edit": {Role.EMPLOYEE},
    "library.detail": SIGNED_IN,
    "library.like": SIGNED_IN,
    "library.mine": SIGNED_IN,
    "library.moderation": COMMITTEE,
    "library.moderate": COMMITTEE,
    "committee.index": SIGNED_IN,
    "committee.add": CONFIGURERS,
    "committee.remove": CONFIGURERS,
    "pulse.index": SIGNED_IN,
    "pulse.create": CONFIGURERS,
    # every signed-in person of the service is asked (others get 404)
    "pulse.answer": SIGNED_IN,
    # HR and administrators; a centre manager sees only their centre's surveys (404 for a service-wide one)
    "pulse.results": {Role.MANAGER, Role.HR, Role.ADMIN},
    "pulse.stop": CONFIGURERS,
    "pulse.proposals": SIGNED_IN,
    "pulse.reply": {Role.MANAGER, Role.HR, Role.ADMIN},
    "onboarding.index": SIGNED_IN,
    "onboarding.create": {Role.MANAGER, Role.HR, Role.ADMIN},
    # the plan's newcomer, buddy (the colleague) and supervisors see it; anyone else gets 404
    "onboarding.detail": SIGNED_IN,
    "onboarding.respond": SIGNED_IN,
    "onboarding.buddy": SIGNED_IN,
    "onboarding.task_add": SIGNED_IN,
    "onboarding.task_toggle": SIGNED_IN,
    "onboarding.task_remove": SIGNED_IN,
    "onboarding.log": SIGNED_IN,
    "onboarding.checkin": SIGNED_IN,
    "onboarding.finish": SIGNED_IN,
    "ideas.index": SIGNED_IN,
    "ideas.create": SIGNED_IN,
    "ideas.detail": SIGNED_IN,
    "ideas.support": SIGNED_IN,
    # committee members (HR, the manager) and administrators; others 403
    "ideas.decide": COMMITTEE,
    # the project's lead (the colleague) and the committee move it along; the rule refuses others (422, not 403)
    "ideas.member_add": SIGNED_IN,
    "ideas.milestone_add": SIGNED_IN,
    "ideas.milestone_toggle": SIGNED_IN,
    "ideas.finish": SIGNED_IN,
    # Peer Assist: everyone of the service asks and offers; the asker (the employee) or the committee accepts,
    # schedules and closes — the rule refuses others (422, not 403)
    "ideas.assist_index": SIGNED_IN,
    "ideas.assist_create": SIGNED_IN,
    "ideas.assist_detail": SIGNED_IN,
    "ideas.assist_offer": SIGNED_IN,
    "ideas.assist_accept": SIGNED_IN,
    "ideas.assist_schedule": SIGNED_IN,
    "ideas.assist_close": SIGNED_IN,
    # change agents: everyone of the service sees them; the committee or HR nominates and sets tasks (others 403);
    # the agent (the colleague) or the committee ticks a task — the rule refuses others (422)
    "ideas.agents_index": SIGNED_IN,
    "ideas.agents_nominate": COMMITTEE,
    "ideas.agents_task_add": COMMITTEE,
    "ideas.agents_task_toggle": SIGNED_IN,
}


def url_arguments(ctx):
    from training.gamification.committee import services as committee
    from training.gamification.committee.models import CommitteeMember
    from training.gamification.library import services as library
    from training.gamification.quests import services as quests
    from training.gamification.ratings import services as ratings
    from training.gamification.ratings.models import RatingAspect
    from training.gamification.stress import services as stress

    org, users, colleague = ctx["org"], ctx["users"], ctx["colleague"]
    hr = users[Role.HR]
    ratings.seed_default_aspects()
    library.seed_reference_lists()
    ratings.customise_aspects(hr, org.service.id)
    aspect = db.session.scalars(db.select(RatingAspect).where(RatingAspect.regional_service_id == org.service.id)).first()
    committee.add_member(hr, org.service.id, hr)
    committee.add_member(hr, org.service.id, users[Role.MANAGER])
    committee.add_member(hr, org.service.id, colleague)
    removable = db.session.scalar(db.select(CommitteeMember).where(CommitteeMember.user_id == colleague.id))

    quest = quests.create_quest(users[Role.TEACHER], title="Квест", centre_id=org.centre_a.id)
    team = quests.save_team(users[Role.TEACHER], quest, None, name="Альфа", member_ids=[colleague.id])
    quests.save_team(users[Role.TEACHER], quest, None, name="Бета", member_ids=[])
    from training.quizzes.services import create_custom_quiz

    quiz = create_custom_quiz(users[Role.TEACHER], "Викторина квеста")  # «Провести вживую» shows its form
    checkpoint = quests.add_checkpoint(users[Role.TEACHER], quest, title="Точка", kind="quiz", task="?",
                                       max_points=10, quiz_id=quiz.id, instructor_ids=[users[Role.EMPLOYEE].id])

    item = stress.post_item(org.service.id, text="Очередь у окна 3", centre_id=org.centre_a.id)
    month = stress.get_month(org.service.id, stress.current_month())
    measure = stress.add_measure(hr, month, text="Открыть второе окно", owner=colleague, item=item)

    case = library.submit_case(users[Role.EMPLOYEE], kind="case", title="Кейс", situation="Ситуация", action="Сделали",
                               result="Итог", client_group_id=None, touchpoint_id=None)
    library.moderate(hr, case, publish=True)
    from training.gamification.pulse import services as pulse

    pulse.ensure_questions([{"code": "team_help", "topic": "team", "text": "Коллеги помогают со сложным случаем."}])
    survey = pulse.create_survey(hr, org.service.id, title="Пульс команды",
                                 question_ids=[q.id for q in pulse.question_bank()], schedule="monthly")
    from training.gamification.pulse.models import PulseProposal

    db.session.add(PulseProposal(id="proposal-world-1", regional_service_id=org.service.id, centre_id=org.centre_a.id,
                                 round_id=survey.rounds[0].id, text="Поставить кулер в зоне отдыха", reply=""))
    from datetime import timedelta

    from tests.factories import make_user
    from training.gamification.onboarding import services as onboarding
    from training.measures.periods import local_today

    newcomer = make_user(department=org.front_a, full_name="Новикова Ольга Сергеевна",
                         hire_date=local_today() - timedelta(days=10))
    plan = onboarding.create_plan(users[Role.MANAGER], newcomer, buddy=colleague, rhythm="weekly")
    onboarding.respond(colleague, plan, agree=True)
    onboarding.log_entry(colleague, plan, met_on=local_today(), text="Первая встреча: показала, где что лежит.")
    from training.gamification.ideas import services as ideas

    proposed = ideas.propose(users[Role.EMPLOYEE], title="Табличка с часами работы окон",
                             text="Повесить у входа табличку, какие окна что принимают.", stress_item_id=item.id)
    project_idea = ideas.propose(colleague, title="Электронная очередь", text="Записывать клиентов на время заранее.")
    ideas.accept(hr, project_idea, lead=colleague, members=[users[Role.EMPLOYEE]])
    ideas.add_milestone(colleague, project_idea, "Выбрать терминал", None)
    from training.gamification.ideas import assist

    help_request = assist.ask(users[Role.EMPLOYEE], title="Клиент без документов о стаже",
                              text="Архив работодателя закрыт, клиенту нужна выплата.")
    from training.gamification.ideas import agents

    agent = agents.nominate(hr, org.service.id, colleague, "Ведёт проект электронной очереди")
    agents.add_task(hr, agent, "Провести встречу с командой", None)
    db.session.commit()
    return {"agent_id": agent.id, "assist_id": help_request.id, "idea_id": proposed.id, "plan_id": plan.id, "pulse_survey_id": survey.id, "pulse_round_id": survey.rounds[0].id, "rating_aspect_id": aspect.id, "quest_id": quest.id, "quest_team_id": team.id,
            "quest_checkpoint_id": checkpoint.id, "stress_month": month.month, "stress_measure_id": measure.id,
            "centre_id": org.centre_a.id, "library_case_id": case.id, "committee_member_id": removable.id}
