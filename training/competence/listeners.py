"""Evidence arriving from other domains marks the person's score stale; peer scores become anonymous evidence.

Receivers run inside the sender's transaction (training/signals.py); the app factory connects RECEIVERS."""
from __future__ import annotations

from training import signals
from training.competence.peer_evidence import record_peer_scores
from training.competence.services import mark_stale


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


RECEIVERS = (
    (signals.quiz_passed, on_user), (signals.case_accepted, on_user), (signals.block_completed, on_user),
    (signals.course_completed, on_user), (signals.library_case_published, on_user),
    (signals.peer_scores_recorded, on_peer_scores), (signals.peer_rating_given, on_peer_rating),
    (signals.client_feedback_received, on_client_feedback), (signals.iqs_assessed, on_iqs),
    (signals.thanks_given, on_thanks), (signals.quest_finished, on_quest),
    (signals.stress_measure_resolved, on_stress), (signals.follow_up_resolved, on_follow_up),
    (signals.event_participation, on_event),
)

