from tests.core.access import PUBLIC, SIGNED_IN
from training.accounts.models import Role
from training.extensions import db

ORGANISERS = {Role.TEACHER, Role.MANAGER, Role.HR, Role.ADMIN}
CONFIGURERS = {Role.HR, Role.ADMIN}
# url_arguments makes the HR officer and the centre manager committee members; administrators act everywhere
COMMITTEE = {Role.HR, Role.MANAGER, Role.ADMIN}

ACCESS = {
    "engagement.index": SIGNED_IN,
    "engagement.ratings_deck": SIGNED_IN,
    "engagement.rate": SIGNED_IN,
    "engagement.ratings_me": SIGNED_IN,
    "engagement.aspects": CONFIGURERS,
    "engagement.aspects_customise": CONFIGURERS,
    "engagement.aspect_edit": CONFIGURERS,
    "engagement.quests_index": SIGNED_IN,
    "engagement.quest_new": ORGANISERS,
    "engagement.quest_detail": SIGNED_IN,
    "engagement.quest_team_add": ORGANISERS,
    "engagement.quest_team_edit": ORGANISERS,
    "engagement.quest_team_delete": ORGANISERS,
    "engagement.quest_checkpoint_add": ORGANISERS,
    "engagement.quest_checkpoint_delete": ORGANISERS,
    "engagement.quest_start": ORGANISERS,
    "engagement.quest_close": ORGANISERS,
    # the employee is the checkpoint's instructor; organisers may score too
    "engagement.quest_score": SIGNED_IN,
    "engagement.quest_board": SIGNED_IN,
    # «Провести вживую»: the checkpoint's instructors and the quest's managers (others 403, or 404 without a quiz)
    "engagement.quest_checkpoint_live": SIGNED_IN,
    "engagement.stress_board": SIGNED_IN,
    "engagement.stress_post": SIGNED_IN,
    "engagement.stress_plus": SIGNED_IN,
    "engagement.stress_months": SIGNED_IN,
    "engagement.stress_review": COMMITTEE,
    "engagement.stress_measure_add": COMMITTEE,
    # the measure's owner is the colleague; the committee may update it too
    "engagement.stress_measure_status": COMMITTEE,
    "engagement.stress_hide": COMMITTEE,
    "engagement.stress_archive": COMMITTEE,
    "engagement.stress_public": PUBLIC,
    "engagement.library_index": SIGNED_IN,
    "engagement.library_new": SIGNED_IN,
    # the case's author is the employee
    "engagement.library_edit": {Role.EMPLOYEE},
    "engagement.library_case": SIGNED_IN,
    "engagement.library_like": SIGNED_IN,
    "engagement.library_mine": SIGNED_IN,
    "engagement.library_moderation": COMMITTEE,
    "engagement.library_moderate": COMMITTEE,
    "engagement.committee_index": SIGNED_IN,
    "engagement.committee_add": CONFIGURERS,
    "engagement.committee_remove": CONFIGURERS,
}


def url_arguments(ctx):
    from training.engagement import committee, library, quests, ratings, stress
    from training.engagement.models import CommitteeMember, RatingAspect

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
    db.session.commit()
    return {"rating_aspect_id": aspect.id, "quest_id": quest.id, "quest_team_id": team.id,
            "quest_checkpoint_id": checkpoint.id, "stress_month": month.month, "stress_measure_id": measure.id,
            "centre_id": org.centre_a.id, "library_case_id": case.id, "committee_member_id": removable.id}
