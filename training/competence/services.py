"""Staff competence scores (section 5.4): evidence → 0–100 indicators → competences → two blocks → overall.

The model (competences, evidence mixes, anchors, shrinkage, the «Мастер» rule) is in docs/metrics.md part 4; the
running system is in section 12. The maths comes from :mod:`training.measures.scales` (``bayesian_average``,
``normalise``, ``weighted_index``, ``pair_damping_weights``, ``weights_in_force``, ``held_above``).

* **Stored, never computed on a page view.** One :class:`CompetenceScore` per employee and month (window: that
  month and the two before). Evidence arriving from any domain (signals below) bumps the person's row in the
  same transaction and queues a background recompute (competence/tasks.py); the every-minute job catches the
  rest, and ``flask metrics recompute`` / the daily job recompute whole months.
* **Set-based.** :func:`compute_month` runs one GROUP BY query per kind of evidence for the whole population
  (or for the centres of a few people) and folds the results in Python; the number of queries does not depend
  on the number of staff.
* **Peer ratings** are normalised per rater and damped for mutual top marks when each rating is recorded
  (:func:`record_peer_scores`); the engagement domain keeps no per-rater rows and neither does this one: only
  sums per rated person, aspect and month, plus rater statistics under a monthly HMAC key that is deleted
  once the month leaves every window.
"""
from __future__ import annotations

import gc
import json
import math
from collections import defaultdict
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from flask import current_app
from sqlalchemy import (
    JSON,
    Column,
    MetaData,
    Table,
    Text,
    and_,
    case,
    cast,
    distinct,
    exists,
    func,
    literal,
    or_,
    select,
    text,
    union_all,
    update,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert

from training.accounts.models import User
from training.certificates.models import Certificate, CertificateKind
from training.competence.framework import (
    ACTION_SOURCES,
    ASPECT_COMPETENCES,
    COMPETENCES,
    MASTER_CODE,
    MASTER_MIN_CLIENT,
    PEER_MIN_RATINGS,
    PRIOR_WEIGHTS,
    QUIZ_BLOCKS,
    WINDOW_MONTHS,
)
from training.competence.models import CompetenceScore, CompetenceTitle, PeerEvidenceSum
from training.competence.weights import Weights, _sets_by_service, weights_for
from training.courses.models import Block, BlockProgress, CaseStatus, CaseSubmission, Enrolment, PracticalCase
from training.db import dialect_insert, utcnow
from training.extensions import db
from training.gamification.events.models import (
    Event,
    EventParticipant,
    EventStatus,
    ParticipantRole,
    ParticipantStatus,
)
from training.gamification.library.models import CaseKind, LibraryCase
from training.gamification.library.models import CaseStatus as LibraryCaseStatus
from training.gamification.quests.models import Quest, QuestStatus, QuestTeamMember
from training.gamification.ratings.models import PeerRatingPair
from training.gamification.recognition.models import Badge, ThanksNote, UserBadge
from training.gamification.stress.models import MeasureStatus, StressMeasure
from training.measures.periods import MONTH, Period, local_today, period_of
from training.measures.scales import (
    ANCHORS,
    COMPETENCE_BLOCKS,
    MASTER_BLOCK_MINIMUM,
    MASTER_THRESHOLD,
    weighted_index,
)
from training.metrics.feedback.models import ClientAspectScore, ClientFeedback, FollowUpTask
from training.metrics.operations.models import IqsAssessment, IqsCategory, IqsItem
from training.quizzes.models import Attempt, AttemptState, Quiz
from training.tasks import after_commit
from training.templating import DISPLAY_TZ

# --- the model as data (docs/metrics.md 4.2 and 12) ------------------------------------------------------------


# --- weights over time ----------------------------------------------------------------------------------------


# --- folding (the maths of scales.weighted_index, with the weights re-normalised once per pattern) ---------------

@lru_cache(maxsize=8192)
def _renormalised(weights: tuple[tuple[str, float], ...], present: tuple[str, ...]) -> dict[str, float]:
    result = weighted_index(dict.fromkeys(present, 50.0), dict(weights))
    return dict(result.weights)


def fold(scores: dict[str, float | None], weights: dict[str, float] | tuple[tuple[str, float], ...]
         ) -> tuple[float, dict[str, float]] | None:
    """``scales.weighted_index`` of ``scores`` (0–100, None = missing) with ``weights``: the weighted mean over
    the present parts with their weights re-normalised. Returns (value, weights used) or None when nothing is
    present. The re-normalised weights are computed by ``weighted_index`` once per pattern of present parts and
    cached (a batch folds 50,000 people with a handful of patterns)."""
    items = weights if isinstance(weights, tuple) else tuple(weights.items())
    present = tuple(key for key, weight in items if weight > 0 and scores.get(key) is not None)
    if not present:
        return None
    used = _renormalised(items, present)
    values = [scores[key] for key in present]
    value = math.fsum(used[key] * scores[key] for key in present)
    return min(max(value, min(values)), max(values)), dict(used)


# --- months and windows ---------------------------------------------------------------------------------------

def month_of(day: date) -> Period:
    return period_of(MONTH, day)


def window_of(month: Period) -> tuple[date, date]:
    start = month
    for _ in range(WINDOW_MONTHS - 1):
        start = start.previous()
    return start.start, month.end


def _utc_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, end + 1 day 00:00) Moscow time, in UTC."""
    low = datetime.combine(start, time.min, tzinfo=DISPLAY_TZ).astimezone(UTC)
    high = datetime.combine(end + timedelta(days=1), time.min, tzinfo=DISPLAY_TZ).astimezone(UTC)
    return low, high


def months_affected(day: date, today: date | None = None) -> list[Period]:
    """Closings whose window contains ``day``, up to the current month."""
    current = month_of(today or local_today())
    month = month_of(day)
    result = []
    for _ in range(WINDOW_MONTHS):
        if month.start > current.start:
            break
        result.append(month)
        month = month.next()
    return result


# --- marking stale and refreshing after the commit -------------------------------------------------------------

#: the background task (competence/tasks.py) that recomputes every stale score; one pending run covers everyone
REFRESH_SCORES = "competence.refresh"


def mark_stale(user_ids: Iterable[int | None], day: date | None = None) -> int:
    """Evidence arrived for these people on ``day``: bump their rows of every closing whose window holds the day
    (creating them), in the caller's transaction, and queue the recompute for after the commit (the background
    task :data:`REFRESH_SCORES`, coalesced: training/tasks.py). Atomic upserts: parallel arrivals never lose a
    bump."""
    ids = sorted({uid for uid in user_ids if uid})
    if not ids:
        return 0
    today = local_today()
    months = months_affected(day or today, today)
    if not months:
        return 0
    insert = dialect_insert(db.session)
    table = CompetenceScore.__table__
    stmt = insert(table)
    stmt = stmt.on_conflict_do_update(index_elements=["user_id", "period_start"],
                                      set_={"data_version": table.c.data_version + 1})
    db.session.execute(stmt, [{"user_id": uid, "period_start": m.start, "period_end": m.end, "data_version": 1,
                               "computed_version": 0} for uid in ids for m in months])
    after_commit(REFRESH_SCORES)
    return len(ids) * len(months)


def is_pending(user_id: int, month: Period) -> bool:
    """Whether the person's score of ``month`` waits for its recompute («обновляется»)."""
    return db.session.scalar(select(exists().where(
        CompetenceScore.user_id == user_id, CompetenceScore.period_start == month.start,
        CompetenceScore.computed_version < CompetenceScore.data_version))) or False


def stale_months() -> list[Period]:
    """The months that have stale rows (the partial index of stale rows answers)."""
    return [month_of(start) for start in db.session.scalars(
        select(CompetenceScore.period_start).where(CompetenceScore.computed_version < CompetenceScore.data_version)
        .distinct())]


def refresh_stale(limit: int | None = None, user_ids: Iterable[int] | None = None, *, ranks: bool = True) -> int:
    """Recompute stale rows, month by month, each month with one set-based computation; commits."""
    query = select(CompetenceScore.user_id, CompetenceScore.period_start) \
        .where(CompetenceScore.computed_version < CompetenceScore.data_version)
    if user_ids is not None:
        query = query.where(CompetenceScore.user_id.in_(sorted(set(user_ids))))
    query = query.order_by(CompetenceScore.period_start.desc(), CompetenceScore.id)
    if limit:
        query = query.limit(limit)
    by_month: dict[date, set[int]] = defaultdict(set)
    for user_id, start in db.session.execute(query):
        by_month[start].add(user_id)
    written = 0
    for start in sorted(by_month, reverse=True):
        written += recompute_month(month_of(start), by_month[start], ranks=ranks)
        db.session.commit()
    return written


# --- peer ratings at write time --------------------------------------------------------------------------------


# --- the set-based computation ----------------------------------------------------------------------------------

Group = tuple[int | None, int | None]  # (regional service, centre)


def _population(groups: set[Group] | None):
    """SQL condition on ``User`` for the people whose evidence is read: everyone, or the given centres."""
    base = [User.is_active.is_(True), User.regional_service_id.is_not(None)]
    if groups is None:
        return and_(*base)
    centres = sorted({c for _, c in groups if c is not None})
    services = sorted({s for s, c in groups if c is None and s is not None})
    parts = []
    if centres:
        parts.append(User.centre_id.in_(centres))
    if services:
        parts.append(and_(User.centre_id.is_(None), User.regional_service_id.in_(services)))
    return and_(*base, or_(*parts)) if parts else and_(*base, literal(False))


def _read_evidence(month: Period, groups: set[Group] | None) -> dict[str, Any]:
    """One GROUP BY query per kind of evidence over the population."""
    population = _population(groups)
    start, end = window_of(month)
    low, high = _utc_bounds(start, end)
    data: dict[str, Any] = {}
    data["staff"] = db.session.execute(
        select(User.id, User.regional_service_id, User.centre_id, User.department_id).where(population)).all()
    data["client"] = db.session.execute(
        select(ClientAspectScore.employee_id, ClientAspectScore.aspect_code, func.sum(ClientAspectScore.score),
               func.count())
        .join(ClientFeedback, ClientFeedback.id == ClientAspectScore.feedback_id)
        .join(User, User.id == ClientAspectScore.employee_id)
        .where(population, ClientFeedback.local_date >= start, ClientFeedback.local_date <= end)
        .group_by(ClientAspectScore.employee_id, ClientAspectScore.aspect_code)).all()
    data["peer"] = db.session.execute(
        select(PeerEvidenceSum.rated_id, PeerEvidenceSum.aspect_code, func.sum(PeerEvidenceSum.weight_sum),
               func.sum(PeerEvidenceSum.centred_sum), func.sum(PeerEvidenceSum.shrink_sum),
               func.sum(PeerEvidenceSum.raw_sum), func.sum(PeerEvidenceSum.rating_count))
        .join(User, User.id == PeerEvidenceSum.rated_id)
        .where(population, PeerEvidenceSum.month >= start, PeerEvidenceSum.month <= month.start)
        .group_by(PeerEvidenceSum.rated_id, PeerEvidenceSum.aspect_code)).all()
    data["raters"] = dict(db.session.execute(
        select(PeerRatingPair.rated_id, func.count()).join(User, User.id == PeerRatingPair.rated_id)
        .where(population).group_by(PeerRatingPair.rated_id)).all())
    passed = func.sum(case((IqsItem.is_passed.is_(True), IqsItem.weight), else_=0.0))
    data["iqs"] = db.session.execute(
        select(IqsAssessment.employee_id, IqsCategory.competence, passed, func.sum(IqsItem.weight),
               func.count(distinct(IqsAssessment.id)))
        .select_from(IqsAssessment).join(IqsItem, IqsItem.assessment_id == IqsAssessment.id)
        .join(IqsCategory, IqsCategory.id == IqsItem.category_id)
        .join(User, User.id == IqsAssessment.employee_id)
        .where(population, IqsCategory.competence.is_not(None), IqsAssessment.conversation_date >= start,
               IqsAssessment.conversation_date <= end)
        .group_by(IqsAssessment.employee_id, IqsCategory.competence)).all()
    data["quiz"] = db.session.execute(
        select(Attempt.user_id, Block.number, func.max(Attempt.percent)).select_from(Attempt)
        .join(Quiz, Quiz.id == Attempt.quiz_id).join(Block, Block.id == Quiz.block_id)
        .join(User, User.id == Attempt.user_id)
        .where(population, Attempt.state == AttemptState.FINISHED, Attempt.percent.is_not(None),
               Attempt.submitted_at < high)
        .group_by(Attempt.user_id, Block.number)).all()
    data["cases"] = db.session.execute(
        select(Enrolment.user_id, Block.number,
               func.max(CaseSubmission.points * 100.0 / PracticalCase.max_points))
        .select_from(CaseSubmission).join(Enrolment, Enrolment.id == CaseSubmission.enrolment_id)
        .join(PracticalCase, PracticalCase.block_id == CaseSubmission.block_id)
        .join(Block, Block.id == CaseSubmission.block_id)
        .join(User, User.id == Enrolment.user_id)
        .where(population, CaseSubmission.status == CaseStatus.ACCEPTED, CaseSubmission.points.is_not(None),
               PracticalCase.max_points > 0, CaseSubmission.graded_at < high)
        .group_by(Enrolment.user_id, Block.number)).all()
    in_window = lambda column: and_(column >= low, column < high)  # noqa: E731
    actions = [
        select(StressMeasure.owner_id.label("uid"), literal("stress_measures").label("source"),
               func.count().label("n")).join(User, User.id == StressMeasure.owner_id)
        .where(population, StressMeasure.status == MeasureStatus.DONE, in_window(StressMeasure.done_at))
        .group_by(StressMeasure.owner_id),
        select(LibraryCase.author_id, literal("library_lifehacks"), func.count())
        .join(User, User.id == LibraryCase.author_id)
        .where(population, LibraryCase.status == LibraryCaseStatus.PUBLISHED, LibraryCase.kind == CaseKind.LIFEHACK,
               in_window(LibraryCase.published_at)).group_by(LibraryCase.author_id),
        select(LibraryCase.author_id, literal("library_cases"), func.count())
        .join(User, User.id == LibraryCase.author_id)
        .where(population, LibraryCase.status == LibraryCaseStatus.PUBLISHED, LibraryCase.kind != CaseKind.LIFEHACK,
               in_window(LibraryCase.published_at)).group_by(LibraryCase.author_id),
        select(UserBadge.user_id, literal("mentoring"), func.count()).select_from(UserBadge)
        .join(Badge, Badge.id == UserBadge.badge_id).join(User, User.id == UserBadge.user_id)
        .where(population, Badge.code == "mentor", in_window(UserBadge.created_at)).group_by(UserBadge.user_id),
        select(QuestTeamMember.user_id, literal("quests"), func.count(distinct(Quest.id)))
        .select_from(QuestTeamMember).join(Quest, Quest.id == QuestTeamMember.quest_id)
        .join(User, User.id == QuestTeamMember.user_id)
        .where(population, Quest.status == QuestStatus.CLOSED, in_window(Quest.closed_at))
        .group_by(QuestTeamMember.user_id),
        select(ThanksNote.recipient_id, literal("thanks"), func.count(distinct(ThanksNote.giver_id)))
        .join(User, User.id == ThanksNote.recipient_id)
        .where(population, ThanksNote.giver_id != ThanksNote.recipient_id, in_window(ThanksNote.created_at))
        .group_by(ThanksNote.recipient_id),
        select(FollowUpTask.resolved_by_id, literal("follow_ups"), func.count())
        .join(User, User.id == FollowUpTask.resolved_by_id)
        .where(population, in_window(FollowUpTask.resolved_at)).group_by(FollowUpTask.resolved_by_id),
        select(Enrolment.user_id, literal("blocks"), func.count()).select_from(Enrolment)
        .join(BlockProgress, BlockProgress.enrolment_id == Enrolment.id).join(User, User.id == Enrolment.user_id)
        .where(population, in_window(BlockProgress.completed_at)).group_by(Enrolment.user_id),
    ]
    attendee = EventParticipant.__table__.alias("attendee")
    actions += [
        select(EventParticipant.user_id, literal("events_attended"), func.count(distinct(EventParticipant.event_id)))
        .join(Event, Event.id == EventParticipant.event_id).join(User, User.id == EventParticipant.user_id)
        .where(population, Event.status != EventStatus.CANCELLED, in_window(EventParticipant.attended_at))
        .group_by(EventParticipant.user_id),
        select(EventParticipant.user_id, literal("events_hosted"), func.count(distinct(EventParticipant.event_id)))
        .join(Event, Event.id == EventParticipant.event_id).join(User, User.id == EventParticipant.user_id)
        .where(population, Event.status == EventStatus.HELD, in_window(Event.held_at),
               EventParticipant.role.in_((ParticipantRole.SPEAKER, ParticipantRole.MODERATOR)),
               EventParticipant.status == ParticipantStatus.REGISTERED)
        .group_by(EventParticipant.user_id),
        select(Event.organiser_id, literal("events_organised"), func.count())
        .join(User, User.id == Event.organiser_id)
        .where(population, Event.status == EventStatus.HELD, in_window(Event.held_at),
               select(attendee.c.id).where(attendee.c.event_id == Event.id, attendee.c.attended_at.is_not(None),
                                           attendee.c.user_id != Event.organiser_id).exists())
        .group_by(Event.organiser_id),
    ]
    data["actions"] = db.session.execute(union_all(*actions)).all()
    course_done = union_all(
        select(Enrolment.user_id).join(User, User.id == Enrolment.user_id)
        .where(population, Enrolment.completed_at.is_not(None), Enrolment.completed_at < high),
        select(Certificate.holder_id).select_from(Certificate)
        .join(CertificateKind, CertificateKind.id == Certificate.kind_id)
        .join(User, User.id == Certificate.holder_id)
        .where(population, CertificateKind.code == "course", Certificate.revoked_at.is_(None),
               Certificate.issued_at < high))
    data["course"] = set(db.session.scalars(course_done))
    data["sets"] = _sets_by_service()
    return data


def compute_month(month: Period, user_ids: Iterable[int] | None = None) -> dict[int, dict[str, Any]]:
    """Every stored column of the month's rows for ``user_ids`` (None: every active person of a service).

    Priors are the means of each person's centre, so the evidence of the centres concerned is read whole."""
    wanted = None if user_ids is None else set(user_ids)
    groups: set[Group] | None = None
    if wanted is not None:
        if not wanted:
            return {}
        groups = {(s, c) for s, c in db.session.execute(
            select(User.regional_service_id, User.centre_id).where(User.id.in_(sorted(wanted)))).all()}
    data = _read_evidence(month, groups)
    with _without_cycle_collection():
        return _fold_month(month, data, wanted)


@contextmanager
def _without_cycle_collection():
    """The fold builds ~40 small dicts per person (the breakdown) and makes no reference cycles; Python's cycle
    collector would walk the growing results again and again (a third of the fold's time at 50,000 people).
    Reference counting still frees everything; the collector is switched back on afterwards (by the outermost
    use: :func:`recompute_month` keeps it off until the results are written and dropped, so it never walks
    them at all)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _fold_month(month: Period, data: dict[str, Any], wanted: set[int] | None) -> dict[int, dict[str, Any]]:
    """Turn the grouped evidence into every stored column (pure Python; no queries)."""
    min_raters = int(current_app.config.get("PEER_RATING_MIN_RATERS", 3))
    window_start = window_of(month)[0]
    group_of: dict[int, Group] = {}
    scope: dict[int, tuple[int | None, int | None, int | None]] = {}
    for uid, service_id, centre_id, department_id in data["staff"]:
        group_of[uid] = (service_id, centre_id)
        scope[uid] = (service_id, centre_id, department_id)

    # --- per person and competence: client, peer, iqs, quiz; with centre pools for the priors
    client: dict[int, dict[str, list[float]]] = defaultdict(dict)  # uid → key → [Σ, n]
    client_prior: dict[Group, dict[str, list[float]]] = defaultdict(dict)
    n_client: dict[int, int] = defaultdict(int)
    for uid, code, total, count in data["client"]:
        group = group_of.get(uid)
        if group is None:
            continue
        n_client[uid] = max(n_client[uid], int(count))
        for key in ASPECT_COMPETENCES.get(code, ()):
            for target in (client[uid].setdefault(key, [0.0, 0]), client_prior[group].setdefault(key, [0.0, 0])):
                target[0] += float(total)
                target[1] += int(count)

    peer_rows: dict[int, dict[str, list[tuple[str, float, float, float, float, int]]]] = defaultdict(dict)
    grand: dict[Group, dict[str, list[float]]] = defaultdict(dict)
    n_peer: dict[int, int] = defaultdict(int)
    for uid, code, weight, centred, shrink, raw, count in data["peer"]:
        group = group_of.get(uid)
        if group is None or not count:
            continue
        row = (code, float(weight or 0), float(centred or 0), float(shrink or 0), float(raw or 0), int(count))
        for key in ASPECT_COMPETENCES.get(code, ()):
            peer_rows[uid].setdefault(key, []).append(row)
        pool = grand[group].setdefault(code, [0.0, 0])
        pool[0] += row[4]
        pool[1] += row[5]
        n_peer[uid] = max(n_peer[uid], row[5])

    iqs: dict[int, dict[str, tuple[float, float, int]]] = defaultdict(dict)
    iqs_prior: dict[Group, dict[str, list[float]]] = defaultdict(dict)
    n_iqs: dict[int, int] = defaultdict(int)
    for uid, key, passed, total, checks in data["iqs"]:
        group = group_of.get(uid)
        if group is None or key not in COMPETENCES or not total:
            continue
        iqs[uid][key] = (float(passed or 0), float(total), int(checks))
        pool = iqs_prior[group].setdefault(key, [0.0, 0.0])
        pool[0] += float(passed or 0)
        pool[1] += float(total)
        n_iqs[uid] = max(n_iqs[uid], int(checks))

    results_by_block: dict[int, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    for rows in (data["quiz"], data["cases"]):
        for uid, number, percent in rows:
            if uid in group_of and percent is not None:
                results_by_block[uid][int(number)].append(min(100.0, max(0.0, float(percent))))
    quiz: dict[int, dict[str, list[Any]]] = defaultdict(dict)  # uid → key → [Σ, n, block numbers]
    quiz_prior: dict[Group, dict[str, list[float]]] = defaultdict(dict)
    n_quiz: dict[int, int] = {}
    for uid, blocks in results_by_block.items():
        n_quiz[uid] = sum(len(v) for v in blocks.values())
        for key, numbers in QUIZ_BLOCKS.items():
            for number, values in blocks.items():
                if numbers is None or number in numbers:
                    mine = quiz[uid].setdefault(key, [0.0, 0, []])
                    mine[0] += math.fsum(values)
                    mine[1] += len(values)
                    mine[2].append(number)
                    pool = quiz_prior[group_of[uid]].setdefault(key, [0.0, 0])
                    pool[0] += math.fsum(values)
                    pool[1] += len(values)

    actions: dict[int, dict[str, int]] = defaultdict(dict)
    for uid, source, count in data["actions"]:
        if uid in group_of:
            actions[uid][source] = actions[uid].get(source, 0) + int(count)

    results: dict[int, dict[str, Any]] = {}
    provisional = month.end >= local_today()
    window = [window_start.isoformat(), month.end.isoformat()]
    prepared: dict[int | None, tuple[Weights, dict[str, _Fold], dict[str, _Fold], _Fold]] = {}
    m_client, m_peer, m_iqs, m_quiz = (PRIOR_WEIGHTS[k] for k in ("client", "peer", "iqs", "quiz"))
    to_client, to_peer, to_iqs, to_quiz, to_actions = (
        _normaliser(name) for name in ("client_aspect_rating", "peer_aspect_rating", "iqs", "quiz_score",
                                       "proactive_actions"))
    # the centre means every prior is made of, computed once per centre (the same divisions as per person)
    client_means = {g: {k: pool[0] / pool[1] for k, pool in pools.items()} for g, pools in client_prior.items()}
    peer_means = {g: {k: pool[0] / pool[1] for k, pool in pools.items()} for g, pools in grand.items()}
    iqs_means = {g: {k: pool[0] / pool[1] * 100.0 for k, pool in pools.items()} for g, pools in iqs_prior.items()}
    quiz_means = {g: {k: pool[0] / pool[1] for k, pool in pools.items()} for g, pools in quiz_prior.items()}
    action_sources = {key: ACTION_SOURCES.get(key, ()) for key in COMPETENCES}
    competence_columns = [(key, f"c_{key}") for key in COMPETENCES]
    block_members = [(block, members, math.ceil(len(members) / 2)) for block, members in COMPETENCE_BLOCKS.items()]
    empty: dict = {}
    raters_of = data["raters"]
    course = data["course"]
    for uid in (group_of if wanted is None else [u for u in wanted if u in group_of]):
        group = group_of[uid]
        service_id, centre_id, department_id = scope[uid]
        if service_id not in prepared:
            w = weights_for(service_id, month.start, data["sets"])
            plan = [(key, "client" in mix, "peer" in mix, "iqs" in mix, "quiz" in mix, "actions" in mix,
                     action_sources[key], _Fold(tuple(mix.items())))
                    for key, mix in ((key, w.evidence[key]) for key in COMPETENCES)]
            prepared[service_id] = (w, plan, {b: _Fold(tuple(ws.items())) for b, ws in w.competences.items()},
                                    _Fold(tuple(w.blocks.items())))
        weights, plan, competence_folds, block_fold = prepared[service_id]
        raters = int(raters_of.get(uid, 0))
        my_client, my_peer, my_iqs, my_quiz = client.get(uid, empty), peer_rows.get(uid, empty), \
            iqs.get(uid, empty), quiz.get(uid, empty)
        my_actions = actions.get(uid, empty)
        c_means, p_means, i_means, q_means = client_means.get(group), peer_means.get(group), \
            iqs_means.get(group), quiz_means.get(group)
        competences: dict[str, dict[str, Any]] = {}
        comp_scores: dict[str, float | None] = {}
        peer_used = False
        for key, use_client, use_peer, use_iqs, use_quiz, use_actions, sources, fold_scores in plan:
            evidence: dict[str, dict[str, Any]] = {}
            scores: dict[str, float | None] = {}
            if use_client and key in my_client:
                total, count = my_client[key]
                prior = c_means[key]
                shrunk = (total + m_client * prior) / (count + m_client)  # scales.bayesian_average
                value = scores["client"] = to_client(shrunk)
                evidence["client"] = {"raw": round(total / count, 4), "n": count, "prior": round(prior, 4),
                                      "shrunk": round(shrunk, 4), "score": round(value, 6)}
            if use_peer and key in my_peer:
                rows = my_peer[key]
                weight = math.fsum(r[1] for r in rows)
                count = max(r[5] for r in rows)
                raw = math.fsum(r[4] for r in rows) / sum(r[5] for r in rows)
                entry: dict[str, Any] = {"raw": round(raw, 4), "n": count, "weight": round(weight, 4)}
                if count >= PEER_MIN_RATINGS and raters >= min_raters and weight > 0:
                    adjusted_sum = math.fsum(r[2] + p_means[r[0]] * r[3] for r in rows)
                    prior = math.fsum(p_means[r[0]] * r[1] for r in rows) / weight
                    shrunk = min(5.0, max(1.0, (adjusted_sum + m_peer * prior) / (weight + m_peer)))
                    value = scores["peer"] = to_peer(shrunk)
                    entry.update(adjusted=round(adjusted_sum / weight, 4), prior=round(prior, 4),
                                 shrunk=round(shrunk, 4), score=round(value, 6), status="used")
                    peer_used = True
                else:
                    entry["status"] = "insufficient"
                evidence["peer"] = entry
            if use_iqs and key in my_iqs:
                passed, total, checks = my_iqs[key]
                rate = passed / total * 100.0
                prior = i_means[key]
                shrunk = (rate * checks + m_iqs * prior) / (checks + m_iqs)
                value = scores["iqs"] = to_iqs(shrunk)
                evidence["iqs"] = {"raw": round(rate, 4), "n": checks, "prior": round(prior, 4),
                                   "shrunk": round(shrunk, 4), "score": round(value, 6)}
            if use_quiz and key in my_quiz:
                total, count, numbers = my_quiz[key]
                prior = q_means[key]
                shrunk = (total + m_quiz * prior) / (count + m_quiz)
                value = scores["quiz"] = to_quiz(shrunk)
                evidence["quiz"] = {"raw": round(total / count, 4), "n": count, "prior": round(prior, 4),
                                    "shrunk": round(shrunk, 4), "score": round(value, 6),
                                    "blocks": sorted(set(numbers))}
            if use_actions:  # the counts per source are kept once, in breakdown["actions"]
                count = sum(my_actions.get(source, 0) for source in sources)
                value = scores["actions"] = to_actions(count)
                evidence["actions"] = {"raw": count, "n": count, "score": round(value, 6)}
            folded = fold_scores(scores)
            if folded:
                comp_scores[key] = folded[0]
                competences[key] = {"score": folded[0], "weights": folded[1], "evidence": evidence}
            else:
                comp_scores[key] = None
                competences[key] = {"score": None, "evidence": evidence}
        blocks: dict[str, dict[str, Any]] = {}
        block_scores: dict[str, float | None] = {}
        for block, members, required in block_members:
            present = sum(1 for c in members if comp_scores[c] is not None)
            folded = competence_folds[block](comp_scores) if present >= required else None
            block_scores[block] = folded[0] if folded else None
            blocks[block] = {"score": block_scores[block],
                             "weights": folded[1] if folded else {},
                             "present": present, "required": required}
        overall = None
        overall_weights: dict[str, float] = {}
        if all(v is not None for v in block_scores.values()):
            folded = block_fold(block_scores)
            if folded:
                overall, overall_weights = folded[0], folded[1]
        course_done = uid in course
        qualifying = bool(overall is not None and overall >= MASTER_THRESHOLD
                          and all(v is not None and v >= MASTER_BLOCK_MINIMUM for v in block_scores.values())
                          and n_client[uid] >= MASTER_MIN_CLIENT and peer_used and course_done)
        result = {
            "regional_service_id": service_id, "centre_id": centre_id, "department_id": department_id,
            "window_start": window_start, "overall": overall,
            "communicative": block_scores["communicative"], "proactive": block_scores["proactive"]}
        for key, column in competence_columns:
            result[column] = comp_scores[key]
        result.update({
            "n_client": n_client[uid], "n_peer": n_peer[uid], "n_iqs": n_iqs[uid], "n_quiz": n_quiz.get(uid, 0),
            "n_actions": sum(my_actions.values()), "peer_raters": raters, "is_qualifying": qualifying,
            "weight_set_id": weights.set_id, "weights_label": weights.label, "weights_from": weights.effective_from,
            "breakdown": {
                "window": window, "provisional": provisional, "raters": raters,
                "competences": competences, "blocks": blocks,
                "overall": {"score": overall, "weights": overall_weights},
                "actions": dict(my_actions),
                "master": {"client_n": n_client[uid], "client_min": MASTER_MIN_CLIENT, "peer_used": peer_used,
                           "course": course_done, "qualifying": qualifying},
            },
        })
        results[uid] = result
    return results


class _Fold:
    """:func:`fold` for one tuple of weights, its positive keys found once and its re-normalised weights kept per
    pattern of present parts (a batch folds ~50,000 people × 14 times with a few dozen tuples)."""

    __slots__ = ("items", "positive", "used")

    def __init__(self, items: tuple[tuple[str, float], ...]):
        self.items = items
        self.positive = tuple(key for key, weight in items if weight > 0)
        self.used: dict[tuple[str, ...], dict[str, float]] = {}

    def __call__(self, scores: dict[str, float | None]) -> tuple[float, dict[str, float]] | None:
        present = tuple([key for key in self.positive if scores.get(key) is not None])
        if not present:
            return None
        used = self.used.get(present)
        if used is None:
            used = self.used[present] = _renormalised(self.items, present)
        if len(present) == 1:  # one part: its weight is 1 and the mean is its score, exactly
            return scores[present[0]], dict(used)
        values = [scores[key] for key in present]
        value = math.fsum(used[key] * scores[key] for key in present)
        return min(max(value, min(values)), max(values)), dict(used)


def _normaliser(anchor_name: str):
    """``scales.normalise`` with one anchor, as a closure (the same arithmetic, without the checks per call)."""
    anchor = ANCHORS[anchor_name]
    worst, span = anchor.worst, anchor.best - anchor.worst

    def apply(value: float) -> float:
        return min(100.0, max(0.0, (float(value) - worst) / span * 100.0))
    return apply


def _ensure_rows(month: Period) -> int:
    """Create (as not yet computed) the month's row of every active person of a service, in one statement."""
    insert = dialect_insert(db.session)
    source = select(User.id, literal(month.start), literal(month.end), literal(1), literal(0)) \
        .where(User.is_active.is_(True), User.regional_service_id.is_not(None))
    stmt = insert(CompetenceScore).from_select(
        ["user_id", "period_start", "period_end", "data_version", "computed_version"], source) \
        .on_conflict_do_nothing(index_elements=["user_id", "period_start"])
    return db.session.execute(stmt).rowcount or 0


def _write(month: Period, results: dict[int, dict[str, Any]], seen: dict[int, int]) -> int:
    """Store computed rows, never over a newer computation (``computed_version`` only moves forward). A row whose
    stored figures are those just computed and whose version is current is left as it is (the database compares
    them: a nightly recompute of an unchanged month rewrites nothing, so no table or index is touched; such a row
    keeps its ``computed_at``). Returns the number of rows computed.

    On PostgreSQL the rows are streamed with COPY into a temporary table and stored by one INSERT … SELECT … ON
    CONFLICT DO UPDATE (:func:`_write_copy`); elsewhere by one executemany of the same upsert per 1,000 rows."""
    if not results:
        return 0
    now = utcnow()
    value_names = list(next(iter(results.values())))
    names = ["user_id", "period_start", "period_end", "data_version", "computed_version", "computed_at",
             *value_names]
    if db.session.get_bind().dialect.name == "postgresql":
        return _write_copy(month, results, seen, names, value_names, now)
    insert = dialect_insert(db.session)
    written = 0
    items = list(results.items())
    table = CompetenceScore.__table__  # Core: one executemany per chunk (the ORM would group rows by shape)
    for chunk_start in range(0, len(items), 1000):
        rows = []
        for uid, values in items[chunk_start:chunk_start + 1000]:
            version = seen.get(uid, 1)
            rows.append({"user_id": uid, "period_start": month.start, "period_end": month.end,
                         "data_version": version, "computed_version": version, "computed_at": now, **values})
        db.session.execute(_upsert(insert(table), value_names), rows)
        written += len(rows)
    return written


def _upsert(stmt, value_names: list[str]):
    """The ON CONFLICT clause of :func:`_write`: newer computations only, and only rows whose figures changed."""
    table = CompetenceScore.__table__
    excluded = stmt.excluded
    changed = or_(table.c.computed_version < excluded.computed_version,
                  *(table.c[name].is_distinct_from(excluded[name]) for name in value_names if name != "breakdown"),
                  cast(table.c.breakdown, Text).is_distinct_from(cast(excluded.breakdown, Text)))
    return stmt.on_conflict_do_update(
        index_elements=["user_id", "period_start"],
        set_={name: getattr(excluded, name) for name in [*value_names, "computed_version", "computed_at"]},
        where=and_(table.c.computed_version <= excluded.computed_version, changed))


#: json.dumps without the check for circular references (the breakdowns are trees): the same text, ~190 MB of it
#: at 50,000 people
_JSON = json.JSONEncoder(check_circular=False)


def _write_copy(month: Period, results: dict[int, dict[str, Any]], seen: dict[int, int], names: list[str],
                value_names: list[str], now: datetime) -> int:
    """PostgreSQL: COPY the computed rows into a temporary table (dropped at the commit) and upsert them from it
    in one statement — at 50,000 people a third of the executemany's time (docs/PERFORMANCE.md)."""
    table = CompetenceScore.__table__
    connection = db.session.connection()
    staging = Table("tmp_competence_scores", MetaData(), *(Column(name, table.c[name].type) for name in names))
    quoted = ", ".join(f'"{name}"' for name in names)
    create = (f"CREATE TEMPORARY TABLE IF NOT EXISTS tmp_competence_scores ON COMMIT DROP AS "  # noqa: S608  # nosec B608
              f"SELECT {quoted} FROM competence_scores WITH NO DATA")  # the model's own column names
    connection.execute(text(create))
    connection.execute(text("TRUNCATE tmp_competence_scores"))
    serialise = connection.dialect._json_serializer or _JSON.encode
    json_names = {name for name in value_names if isinstance(table.c[name].type, JSON)}
    position = {name: index for index, name in enumerate(names)}
    json_positions = [position[name] for name in json_names]
    cursor = connection.connection.driver_connection.cursor()
    with cursor.copy(f"COPY tmp_competence_scores ({quoted}) FROM STDIN") as copy:
        for uid, values in results.items():
            version = seen.get(uid, 1)
            row = [uid, month.start, month.end, version, version, now, *values.values()]
            for index in json_positions:
                row[index] = serialise(row[index])
            copy.write_row(row)
    cursor.close()
    source = select(*(staging.c[name] for name in names))
    stmt = _upsert(postgresql_insert(table).from_select(names, source), value_names)
    connection.execute(stmt)
    return len(results)


def recompute_month(month: Period, user_ids: Iterable[int] | None = None, *, ranks: bool = True) -> int:
    """Compute and store the month for ``user_ids`` (None: everybody), then its places (``ranks``; a caller
    recomputing in passes stores them once at the end). Reads the versions first, so evidence arriving during the
    computation leaves its row stale for the next refresh."""
    wanted = None if user_ids is None else set(user_ids)
    if wanted is None:
        _ensure_rows(month)
    query = select(CompetenceScore.user_id, CompetenceScore.data_version) \
        .where(CompetenceScore.period_start == month.start)
    if wanted is not None:
        query = query.where(CompetenceScore.user_id.in_(sorted(wanted)))
    seen = dict(db.session.execute(query).all())
    with _without_cycle_collection():  # until the results are stored and freed (see the context manager)
        results = compute_month(month, wanted)
        if wanted is not None and wanted - results.keys():  # no longer scored (inactive, no service): settle them
            db.session.execute(update(CompetenceScore).where(
                CompetenceScore.period_start == month.start,
                CompetenceScore.user_id.in_(sorted(wanted - results.keys())))
                .values(computed_version=CompetenceScore.data_version).execution_options(synchronize_session=False))
        written = _write(month, results, seen)
        del results
    if ranks:
        store_ranks(month)
    return written


#: the scopes whose places are stored: (suffix of the rank_/pos_ columns, the column that partitions them)
RANK_LEVELS = (("all", None), ("service", CompetenceScore.regional_service_id), ("centre", CompetenceScore.centre_id),
               ("department", CompetenceScore.department_id))


def store_ranks(month: Period) -> int:
    """Store the places of the month by the overall score — rank() and the position in name order, in the
    country, each service, centre and department — for the rankings to read (ranking.py). One set-based UPDATE
    writes only the rows whose places moved; rows without an overall score lose theirs. Returns rows changed."""
    cs = CompetenceScore
    scored = and_(cs.period_start == month.start, cs.computed_version > 0, cs.overall.is_not(None))
    columns = [cs.id.label("id")]
    for level, partition in RANK_LEVELS:
        by = {} if partition is None else {"partition_by": partition}
        columns.append(func.rank().over(order_by=cs.overall.desc(), **by).label(f"rank_{level}"))
        columns.append(func.row_number().over(order_by=(cs.overall.desc(), User.full_name, cs.user_id), **by)
                       .label(f"pos_{level}"))
    places = select(*columns).join(User, User.id == cs.user_id).where(scored).subquery("places")
    names = [f"{kind}_{level}" for level, _ in RANK_LEVELS for kind in ("rank", "pos")]
    moved = or_(*(getattr(cs, name).is_distinct_from(places.c[name]) for name in names))
    changed = db.session.execute(
        update(cs).where(cs.id == places.c.id, moved).values({name: places.c[name] for name in names})
        .execution_options(synchronize_session=False)).rowcount
    changed += db.session.execute(
        update(cs).where(cs.period_start == month.start, ~scored, cs.pos_all.is_not(None))
        .values(dict.fromkeys(names)).execution_options(synchronize_session=False)).rowcount
    return changed


@dataclass
class BatchResult:
    months: list[str]
    people: int
    seconds: float


def recompute_batch(months: list[Period]) -> BatchResult:
    """``flask metrics recompute``: every person, the given months; one commit per month."""
    import time as clock

    started = clock.perf_counter()
    people = 0
    for month in months:
        people = max(people, recompute_month(month))
        db.session.commit()
    return BatchResult([m.key for m in months], people, clock.perf_counter() - started)


def recent_months(count: int, today: date | None = None) -> list[Period]:
    month = month_of(today or local_today())
    result = [month]
    while len(result) < count:
        result.append(result[-1].previous())
    return list(reversed(result))


# --- «Мастер клиентоцентричности» -------------------------------------------------------------------------------


def title_of(user_id: int) -> CompetenceTitle | None:
    return db.session.scalar(select(CompetenceTitle).where(CompetenceTitle.user_id == user_id,
                                                           CompetenceTitle.code == MASTER_CODE))


# --- reading ---------------------------------------------------------------------------------------------------

def score_of(user_id: int, month: Period) -> CompetenceScore | None:
    return db.session.scalar(select(CompetenceScore).where(CompetenceScore.user_id == user_id,
                                                           CompetenceScore.period_start == month.start))


def history(user_id: int, months: list[Period]) -> list[tuple[Period, CompetenceScore | None]]:
    rows = {s.period_start: s for s in db.session.scalars(select(CompetenceScore).where(
        CompetenceScore.user_id == user_id, CompetenceScore.period_start.in_([m.start for m in months])))}
    return [(m, rows.get(m.start)) for m in months]


# --- evidence arriving from other domains (signal receivers) ------------------------------------------------------



