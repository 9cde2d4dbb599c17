"""Access rules of recognition for tests/core/test_authorization_matrix.py."""
from tests.core.access import PUBLIC, SIGNED_IN
from training.accounts.models import Role
from training.extensions import db

CONTEST_MANAGERS = {Role.MANAGER, Role.HR, Role.ADMIN}
FLAG_REVIEWERS = {Role.HR, Role.ADMIN}

ACCESS: dict[str, object] = {
    "recognition.index": SIGNED_IN,
    "contests.index": SIGNED_IN,
    "contests.create": CONTEST_MANAGERS,
    "contests.detail": SIGNED_IN,
    "contests.vote": SIGNED_IN,
    "contests.close": CONTEST_MANAGERS,
    "recognition.thanks": SIGNED_IN,
    "recognition.thanks_new": SIGNED_IN,
    "recognition.person": SIGNED_IN,
    "recognition.award_badge": CONTEST_MANAGERS,
    "recognition.badges": SIGNED_IN,
    "recognition.board": SIGNED_IN,
    "recognition.points": SIGNED_IN,
    "contests.flags": FLAG_REVIEWERS,
    "contests.flag_review": FLAG_REVIEWERS,
    "contests.sheet": SIGNED_IN,
    "contests.centre_sheets": CONTEST_MANAGERS,
    "contests.window": SIGNED_IN,
    "client_vote.vote": PUBLIC,
    "client_vote.done": PUBLIC,
    "rewards.index": SIGNED_IN,
    "rewards.spend": SIGNED_IN,
    "rewards.manage": FLAG_REVIEWERS,
    "rewards.edit": FLAG_REVIEWERS,
    "rewards.register": FLAG_REVIEWERS,
    "rewards.grant": FLAG_REVIEWERS,
    "rewards.fulfil": FLAG_REVIEWERS,
    "rewards.letter": FLAG_REVIEWERS,
    "rewards.hall": PUBLIC,
    "rewards.poster": CONTEST_MANAGERS,
}


def url_arguments(ctx) -> dict[str, object]:
    """An open contest of centre A (every tested user sees it), a flag in the service, the colleague's
    signed client-vote link."""
    from training.gamification.contests import services
    from training.gamification.contests.codes import sheet_signature
    from training.gamification.contests.models import Flag, FlagKind

    org = ctx["org"]
    contest = services.open_contest(ctx["users"][Role.HR], centre=org.centre_a)
    flag = Flag(dedupe_key="matrix", kind=FlagKind.CLIENT_BURST, regional_service_id=org.service.id,
                centre_id=org.centre_a.id, explanation="Проверка матрицы доступа.", details={})
    db.session.add(flag)
    from training.gamification.rewards import services as rewards

    rewards.ensure_default_rewards([{"code": "coffee", "name": "Кофе с руководителем", "cost": 50}], [org.service.id])
    reward = rewards.catalogue(org.service.id)[0]
    reward_id = reward.id
    rewards.grant(ctx["users"][Role.HR], ctx["colleague"], reward, "За помощь коллегам")  # the register shows it
    db.session.commit()
    colleague = ctx["colleague"]
    return {"reward_id": reward_id, "contest_id": contest.id, "flag_id": flag.id, "employee_id": colleague.id,
            "sig": sheet_signature(colleague.id), "centre_id": org.centre_a.id}
