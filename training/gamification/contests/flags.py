"""Flags for patterns that look like gaming. They are for HR to review, never an automatic penalty: a flag
changes no vote. A flag still open when a contest closes holds the contest's result (services.close_contest): no
title and no award until HR has reviewed every open flag of the contest (services.release_held_results).

- a burst of client votes for one person: at least BURST_VOTES within BURST_MINUTES, SMALL_CENTRE_BURST_VOTES in
  a centre of fewer than SMALL_CENTRE_STAFF people, where three votes can decide a contest (checked at every
  client vote and again at the close);
- a department voting as a bloc (centre contests): at least BLOC_SHARE of a department's voters, and at least
  BLOC_MIN_VOTERS people, chose the same colleague from their own department;
- pairs who always vote for each other: A chose B and B chose A in this contest and in every earlier contest of
  the centre where both voted, at least MUTUAL_MIN_CONTESTS contests in a row.
Department blocs and pairs are computed only at the close, so flags never reveal running counts."""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError

from training.accounts import scopes
from training.accounts.models import Role, User
from training.audit import services as audit
from training.db import utcnow
from training.errors import NotAllowed
from training.extensions import db
from training.gamification.contests.models import ClientVote, ColleagueVote, Contest, ContestStatus, Flag, FlagKind
from training.gamification.contests.queries import client_votes_query
from training.org.models import Centre, Department
from training.templating import plural, ru_datetime

BURST_VOTES = 5
BURST_MINUTES = 10
SMALL_CENTRE_STAFF = 15
SMALL_CENTRE_BURST_VOTES = 3
BLOC_MIN_VOTERS = 3
BLOC_SHARE = 0.8
MUTUAL_MIN_CONTESTS = 2


# --- pure detection ---------------------------------------------------------------------------------------

def find_bursts(times: list[datetime], *, threshold: int = BURST_VOTES,
                minutes: int = BURST_MINUTES) -> list[tuple[datetime, datetime, int]]:
    """Maximal stretches where some ``minutes``-long window holds at least ``threshold`` votes.
    Returns (first vote, last vote, votes in the stretch)."""
    times = sorted(times)
    span = timedelta(minutes=minutes)
    clusters: list[list] = []
    start = 0
    for end in range(len(times)):
        while times[end] - times[start] > span:
            start += 1
        if end - start + 1 >= threshold:
            if clusters and times[start] <= clusters[-1][1]:
                clusters[-1][1] = times[end]
            else:
                clusters.append([times[start], times[end]])
    return [(a, b, sum(1 for t in times if a <= t <= b)) for a, b in clusters]


def department_blocs(votes: list[tuple[int | None, int, int | None]], *, min_voters: int = BLOC_MIN_VOTERS,
                     share: float = BLOC_SHARE) -> list[tuple[int, int, int, int]]:
    """``votes``: (voter's department, nominee, nominee's department). Returns
    (department, nominee, votes for the nominee, voters of the department) for blocs."""
    by_department: dict[int, Counter] = defaultdict(Counter)
    nominee_department: dict[int, int | None] = {}
    for voter_department, nominee, nominee_dept in votes:
        if voter_department is None:
            continue
        by_department[voter_department][nominee] += 1
        nominee_department[nominee] = nominee_dept
    blocs = []
    for department, counter in sorted(by_department.items()):
        voters = sum(counter.values())
        nominee, count = max(counter.items(), key=lambda item: (item[1], -item[0]))
        if voters >= min_voters and count / voters >= share and nominee_department.get(nominee) == department:
            blocs.append((department, nominee, count, voters))
    return blocs


def mutual_pairs(history: list[dict[int, int]], *,
                 min_contests: int = MUTUAL_MIN_CONTESTS) -> list[tuple[int, int, int]]:
    """``history``: voter → nominee per contest, the current contest last. Returns (a, b, contests) for
    pairs who chose each other now and in every earlier contest where both voted, ``min_contests`` or more."""
    current = history[-1]
    pairs = []
    for a, b in sorted(current.items()):
        if a < b and current.get(b) == a:
            together = [votes for votes in history if a in votes and b in votes]
            if len(together) >= min_contests and all(v[a] == b and v[b] == a for v in together):
                pairs.append((a, b, len(together)))
    return pairs


# --- storing flags ----------------------------------------------------------------------------------------

def raise_flag(dedupe_key: str, kind: FlagKind, *, centre: Centre | None, contest: Contest | None,
               subject: User | None, explanation: str, details: dict) -> Flag:
    """Create the flag once; while unreviewed, a repeated detection refreshes its explanation."""
    flag = db.session.scalar(select(Flag).where(Flag.dedupe_key == dedupe_key))
    if flag is None:
        flag = Flag(dedupe_key=dedupe_key, kind=kind.value, centre_id=centre.id if centre else None,
                    regional_service_id=centre.regional_service_id if centre else None,
                    contest_id=contest.id if contest else None, subject_user_id=subject.id if subject else None,
                    explanation=explanation, details=details)
        try:
            with db.session.begin_nested():
                db.session.add(flag)
            return flag
        except IntegrityError:
            flag = db.session.scalar(select(Flag).where(Flag.dedupe_key == dedupe_key))
    if not flag.is_reviewed:
        flag.explanation = explanation
        flag.details = details
        if flag.contest_id is None and contest is not None:  # a burst seen live belongs to the contest at the close
            flag.contest_id = contest.id
    return flag


def burst_threshold(centre_id: int | None) -> int:
    """Votes within BURST_MINUTES that make a burst: fewer in a small centre."""
    if centre_id is None:
        return BURST_VOTES
    staff = db.session.scalar(select(func.count()).select_from(User).where(User.centre_id == centre_id,
                                                                          User.is_active)) or 0
    return SMALL_CENTRE_BURST_VOTES if staff < SMALL_CENTRE_STAFF else BURST_VOTES


def open_flags(contest: Contest) -> list[Flag]:
    """The contest's flags HR has not reviewed yet."""
    return list(db.session.scalars(select(Flag).where(Flag.contest_id == contest.id, Flag.is_reviewed.is_(False))))


def _burst_flag(employee: User, bursts: list[tuple[datetime, datetime, int]], contest: Contest | None) -> None:
    by_day: dict[str, list] = defaultdict(list)
    for first, last, count in bursts:
        by_day[first.date().isoformat()].append((first, last, count))
    centre = db.session.get(Centre, employee.centre_id) if employee.centre_id else None
    for day, items in by_day.items():
        parts = [f"{count} {plural(count, 'голос', 'голоса', 'голосов')} с {ru_datetime(first)} по "
                 f"{ru_datetime(last)[-5:]}" for first, last, count in items]
        threshold = burst_threshold(employee.centre_id)
        explanation = (f"За {employee.full_name} клиенты проголосовали {'; '.join(parts)}: не меньше "
                       f"{threshold} голосов за {BURST_MINUTES} минут. "
                       "Проверьте, не голосовал ли один человек "
                       "с разных устройств и не раздавался ли код вне приёма.")
        raise_flag(f"client_burst:{employee.id}:{day}", FlagKind.CLIENT_BURST, centre=centre, contest=contest,
                   subject=employee, explanation=explanation,
                   details={"bursts": [{"from": f.isoformat(), "to": t.isoformat(), "votes": c} for f, t, c in items]})


def check_client_burst(employee: User, now: datetime | None = None) -> None:
    """Called after each client vote: looks at the last two hours of the employee's client votes."""
    now = now or utcnow()
    times = list(db.session.scalars(select(ClientVote.created_at).where(
        ClientVote.employee_id == employee.id, ClientVote.created_at >= now - timedelta(hours=2))))
    threshold = burst_threshold(employee.centre_id)
    if len(times) < threshold:
        return
    bursts = find_bursts(times, threshold=threshold)
    if bursts:
        _burst_flag(employee, bursts, None)


def refresh_contest_flags(contest: Contest) -> int:
    """Run every detection over a closed contest; returns the number of flags raised or refreshed."""

    raised = 0
    times_by_employee: dict[int, list[datetime]] = defaultdict(list)
    for vote in db.session.scalars(client_votes_query(contest, contest.closed_at)):
        times_by_employee[vote.employee_id].append(vote.created_at)
    threshold = burst_threshold(contest.centre_id)
    for employee_id, times in times_by_employee.items():
        bursts = find_bursts(times, threshold=threshold)
        employee = db.session.get(User, employee_id)
        if bursts and employee is not None:
            _burst_flag(employee, bursts, contest)
            raised += 1

    rows = db.session.execute(select(ColleagueVote.voter_id, ColleagueVote.nominee_id)
                              .where(ColleagueVote.contest_id == contest.id)).all()
    ids = {r.voter_id for r in rows} | {r.nominee_id for r in rows}
    people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}
    if contest.department_id is None:
        votes = [(people[v].department_id, n, people[n].department_id) for v, n in rows if v in people and n in people]
        for department_id, nominee_id, count, voters in department_blocs(votes):
            department = db.session.get(Department, department_id)
            nominee = people[nominee_id]
            raise_flag(f"department_bloc:{contest.id}:{department_id}", FlagKind.DEPARTMENT_BLOC,
                       centre=contest.centre, contest=contest, subject=nominee,
                       explanation=(f"{count} из {voters} проголосовавших сотрудников подразделения "
                                    f"«{department.name if department else department_id}» выбрали одного коллегу "
                                    f"из своего подразделения — {nominee.full_name}. Так бывает при заслуженном "
                                    "лидерстве, но и при договорённости голосовать вместе."),
                       details={"department_id": department_id, "nominee_id": nominee_id, "votes": count,
                                "voters": voters})
            raised += 1

    current = {r.voter_id: r.nominee_id for r in rows}
    earlier = db.session.scalars(select(Contest).where(
        Contest.centre_id == contest.centre_id, Contest.status == ContestStatus.CLOSED, Contest.id != contest.id,
        Contest.period <= contest.period).order_by(Contest.period, Contest.id)).all()
    history: list[dict[int, int]] = []
    if earlier:
        votes_by_contest: dict[int, dict[int, int]] = defaultdict(dict)
        for contest_id, voter_id, nominee_id in db.session.execute(
                select(ColleagueVote.contest_id, ColleagueVote.voter_id, ColleagueVote.nominee_id)
                .where(ColleagueVote.contest_id.in_([c.id for c in earlier]))):
            votes_by_contest[contest_id][voter_id] = nominee_id
        history = [votes_by_contest[c.id] for c in earlier]
    for a, b, together in mutual_pairs([*history, current]):
        first, second = people.get(a), people.get(b)
        if first is None or second is None:
            continue
        raise_flag(f"mutual_pair:{contest.id}:{a}:{b}", FlagKind.MUTUAL_PAIR, centre=contest.centre,
                   contest=contest, subject=first,
                   explanation=(f"{first.full_name} и {second.full_name} голосуют друг за друга во всех "
                                f"{together} конкурсах, где голосовали оба. Возможна договорённость «голос за голос»."),
                   details={"user_ids": [a, b], "contests": together})
        raised += 1
    return raised


# --- review -----------------------------------------------------------------------------------------------

def can_review(user: User) -> bool:
    return user.has_role(*Role.SERVICE_ADMINS)


def visible_flags(viewer: User, *, reviewed: bool | None = None) -> Select:
    query = (select(Flag).order_by(Flag.is_reviewed, Flag.created_at.desc(), Flag.id.desc())
             .where(scopes.administrable_condition(viewer, service=Flag.regional_service_id)))
    if reviewed is not None:
        query = query.where(Flag.is_reviewed.is_(reviewed))
    return query


def can_see_flag(viewer: User, flag: Flag) -> bool:
    return scopes.can_administer(viewer, flag)


def review_flag(actor: User, flag: Flag, note: str) -> None:
    if not can_see_flag(actor, flag):
        raise NotAllowed("Отметку может рассмотреть кадровая служба своей службы занятости.")
    before = {"is_reviewed": flag.is_reviewed, "review_note": flag.review_note}
    flag.is_reviewed = True
    flag.reviewed_by_id = actor.id
    flag.reviewed_at = utcnow()
    flag.review_note = (note or "").strip()[:500]
    audit.record(actor, "recognition.flag_review", "recognition_flag", flag.id, before=before,
                 after={"is_reviewed": True, "review_note": flag.review_note},
                 summary=f"Рассмотрена отметка: {flag.kind_label}")
