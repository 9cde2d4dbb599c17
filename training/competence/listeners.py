"""Evidence arriving from other domains marks the person's score stale; peer scores become anonymous evidence.

Receivers run inside the sender's transaction (training/signals.py); the app factory connects RECEIVERS."""
from __future__ import annotations

from sqlalchemy import func, select

from training import signals
from training.accounts.models import User
from training.competence.models import CompetenceScore
from training.competence.peer_evidence import record_peer_scores
from training.competence.services import mark_stale
from training.extensions import db
from training.measures.periods import local_today


def on_user(user, **_):
    mark_stale([getattr(user, "id", None)])


def on_peer_scores(rater, rated=None, scores=None, at=None, **_):
    if rated is not None and scores:
        record_peer_scores(rater, rated, scores, at)


def on_peer_rating(rater, rated_id=None, **_):
    mark_stale([rated_id])


def on_client_feedback(feedback, employee_id=None, **_):
    mark_stale([employee_id], getattr(feedback, "local_date", None))


def on_iqs(employee, assessment=None, **_):
    mark_stale([employee.id], getattr(assessment, "conversation_date", None))


def on_thanks(giver, note=None, **_):
    mark_stale([getattr(note, "recipient_id", None)])


def on_quest(quest, team_member_ids_by_rank=(), **_):
    mark_stale([uid for rank in team_member_ids_by_rank or () for uid in rank])


def on_stress(measure, **_):
    mark_stale([getattr(measure, "owner_id", None)])


def on_follow_up(user, task=None, **_):
    mark_stale([getattr(task, "resolved_by_id", None) or getattr(user, "id", None)])


def on_event(user, **_):
    mark_stale([getattr(user, "id", None)])


def on_change_agent_candidates(service_id, limit=5, **_):
    """The service's top names by the proactive competences of its latest finished month (active staff only).
    The month in progress never counts: its scores move with each anonymous act (a rating given, a «Стресс месяца»
    post), and a name appearing among the candidates right after one would tell who did it."""
    this_month = local_today().replace(day=1)
    latest = db.session.scalar(select(func.max(CompetenceScore.period_start)).where(
        CompetenceScore.regional_service_id == service_id, CompetenceScore.proactive.is_not(None),
        CompetenceScore.period_start < this_month))
    if latest is None:
        return []
    return list(db.session.scalars(
        select(CompetenceScore.user_id).join(User, User.id == CompetenceScore.user_id)
        .where(CompetenceScore.regional_service_id == service_id, CompetenceScore.period_start == latest,
               CompetenceScore.proactive.is_not(None), User.is_active)
        .order_by(CompetenceScore.proactive.desc(), CompetenceScore.user_id).limit(limit)))


RECEIVERS = (
    (signals.quiz_passed, on_user), (signals.case_accepted, on_user), (signals.block_completed, on_user),
    (signals.course_completed, on_user), (signals.library_case_published, on_user),
    (signals.peer_scores_recorded, on_peer_scores), (signals.peer_rating_given, on_peer_rating),
    (signals.client_feedback_received, on_client_feedback), (signals.iqs_assessed, on_iqs),
    (signals.thanks_given, on_thanks), (signals.quest_finished, on_quest),
    (signals.stress_measure_resolved, on_stress), (signals.follow_up_resolved, on_follow_up),
    (signals.event_participation, on_event),
    (signals.change_agent_candidates_requested, on_change_agent_candidates),
)

