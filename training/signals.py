"""Facts announced across domains. Senders never import the listeners (see docs/ARCHITECTURE.md).

Receivers run inside the sender's transaction: what they write commits or rolls back with it."""
from blinker import Namespace

_signals = Namespace()

# sender: the learner (User); kwargs: block_id, attempt_id, percent — a block's quiz was passed
quiz_passed = _signals.signal("quiz-passed")
# sender: the learner; kwargs: enrolment — every block of the course is complete
course_completed = _signals.signal("course-completed")
# sender: the learner; kwargs: enrolment, block — all three stages of a block are done
block_completed = _signals.signal("block-completed")
# sender: the learner; kwargs: submission — a teacher accepted a practical case
case_accepted = _signals.signal("case-accepted")
# sender: a Block; receivers return a dict merged into `flask course outline` (e.g. {"questions": {...}})
course_outline_requested = _signals.signal("course-outline-requested")
# --- recognition and the other gamification domains (listeners in training/recognition/listeners.py) ---
# sender: the giver (User); kwargs: note (recognition.ThanksNote) — a colleague or manager said «Спасибо»
thanks_given = _signals.signal("thanks-given")
# sender: the Contest; kwargs: winners — {"title": user_id|None, "colleagues": user_id|None, "clients": user_id|None}
contest_closed = _signals.signal("contest-closed")
# sender: the author (User); kwargs: case_id — the committee published the author's case in the library
library_case_published = _signals.signal("library-case-published")
# sender: the quest; kwargs: team_member_ids_by_rank — [[user ids at 1st place], [2nd place], …] (ties share a rank)
quest_finished = _signals.signal("quest-finished")
# sender: the rater (User); kwargs: rated_id — a colleague's peer rating was recorded
peer_rating_given = _signals.signal("peer-rating-given")
# sender: the User credited; kwargs: event_id, role ("attended" | "spoke" | "organised"), title (the event's) — a
# person attended an event (checked in or marked by the organiser), spoke or moderated at one, or organised one
# that was held (gamification/events). Sent once per (person, event, role)
event_participation = _signals.signal("event-participation")
# --- engagement (training/engagement) ---
# sender: the StressMeasure; a corrective measure of «Стресс месяца» was marked done (sent once per measure)
stress_measure_resolved = _signals.signal("stress-measure-resolved")
# sender: a staff User; receivers return {aspect code: (average 1–5, number of client ratings)} for
# «как меня видят коллеги и клиенты» (engagement.ratings.client_aspect_averages pools the answers)
client_aspect_averages_requested = _signals.signal("client-aspect-averages-requested")
# sender: a regional service id; kwargs: limit — receivers return the ids of the service's strongest staff by the
# proactive competences of the latest scored month (the candidates for «агенты изменений»)
change_agent_candidates_requested = _signals.signal("change-agent-candidates-requested")
# sender: the ClientFeedback; kwargs: employee_id (or None), centre_id — a client left feedback from a QR code
client_feedback_received = _signals.signal("client-feedback-received")
# sender: the User who closed it; kwargs: task (FollowUpTask) — a low client score was followed up and resolved
follow_up_resolved = _signals.signal("follow-up-resolved")
# sender: the reviewed employee (User); kwargs: assessment (IqsAssessment) — a supervisor's quality check
iqs_assessed = _signals.signal("iqs-assessed")
# sender: the OperationalReport; kwargs: days (the dates it covers) — HR imported a centre's operational data
operational_data_imported = _signals.signal("operational-data-imported")
# sender: the ComfortAudit — an inspector recorded a centre's comfort walk-through for a quarter
comfort_audit_recorded = _signals.signal("comfort-audit-recorded")
# sender: the User; kwargs: reason, actor — the «Мастер клиентоцентричности» title was granted from competence scores.
# Receivers return True when they recorded the title's badge
master_title_granted = _signals.signal("master-title-granted")
# sender: the rater (User); kwargs: rated (User), scores ({aspect code: 1–5}), at (datetime) — the scores of one peer
# rating, inside the rating's transaction. Receivers must never store the rater next to a score (docs/metrics.md 12)
peer_scores_recorded = _signals.signal("peer-scores-recorded")
# sender: the finished quizzes.models.LiveSession; kwargs: source_key (the opaque key the game was created with, e.g.
# "quest-checkpoint:12"), max_points (questions × points per question, without the speed bonus), actor (the User who
# finished it), results ([{"team_key", "name", "points", "rank", "member_ids"}], team_key as given at creation).
# Receivers return a list of Russian notes for the host (what they recorded or could not record)
live_quiz_finished = _signals.signal("live-quiz-finished")
