"""The rules of «Сотрудник месяца»: opening a contest, one vote per colleague, client votes by a rotating
code, the frozen snapshot at the close and the awards."""
from __future__ import annotations

import hashlib
import secrets
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import Select, and_, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import lazyload

from training.accounts import scopes
from training.accounts.models import User
from training.audit import services as audit
from training.certificates.services import issue_document
from training.db import dialect_insert, utcnow
from training.errors import Conflict, DomainError, NotAllowed
from training.extensions import db
from training.gamification.contests import codes, flags
from training.gamification.contests.models import (
    Award,
    AwardKind,
    ClientVote,
    ClientVoteSalt,
    ColleagueVote,
    Contest,
    ContestStatus,
    VisitCodeUse,
)
from training.gamification.contests.queries import client_votes_query, members_query, scope_key
from training.gamification.periods import current_period, has_period_ended, next_period, period_bounds, period_label
from training.notifications.services import notify
from training.org.models import Centre, Department
from training.signals import contest_closed
from training.templating import plural
from training.web import path_for

REASON_MAX = 300


COMMENT_MAX = 300


RULE_VERSION = 1


TIE_BREAK_RULE = ("Побеждает больше голосов; при равенстве — больше разных голосовавших; затем тот, кто раньше "
                  "набрал итоговый результат (время последнего учтённого голоса); если совпало и оно — "
                  "меньший внутренний номер сотрудника.")


TITLE_RULE = ("Звание «Самый клиентоцентричный сотрудник месяца» и «переходящий кубок» получает победитель "
              "голосования клиентов; если клиенты не голосовали — победитель голосования коллег.")


class CodeRejected(DomainError):
    status_code = 422


def can_manage_centre(user: User, centre: Centre) -> bool:
    """Open and close contests, award badges: HR in their regional service, a manager in their centre."""
    return scopes.can_supervise(user, centre)


def can_view_centre(user: User, centre: Centre) -> bool:
    """The supervisors of the centre and everyone working in it."""
    return scopes.can_view(user, centre, members=scopes.Level.CENTRE)


def can_view_contest(user: User, contest: Contest) -> bool:
    return can_view_centre(user, contest.centre)


def can_manage_contest(user: User, contest: Contest) -> bool:
    return can_manage_centre(user, contest.centre)


def manageable_centres(user: User) -> list[Centre]:
    return scopes.visible_centres(user)


def viewable_centres(user: User) -> list[Centre]:
    centres = manageable_centres(user)
    if user.centre_id and all(c.id != user.centre_id for c in centres):
        centres.insert(0, db.session.get(Centre, user.centre_id))
    return centres


def visible_contests(user: User) -> Select:
    return (select(Contest).order_by(Contest.period.desc(), Contest.id.desc())
            .where(scopes.viewable_condition(user, service=Contest.regional_service_id, centre=Contest.centre_id,
                                             members=scopes.Level.CENTRE)))


def is_member(user: User, contest: Contest) -> bool:
    if not user.is_active or user.centre_id != contest.centre_id:
        return False
    return contest.department_id is None or user.department_id == contest.department_id


def candidates(contest: Contest, voter: User) -> list[User]:
    """The colleagues the voter may choose (names only: their roles are not loaded)."""
    return list(db.session.scalars(members_query(contest).where(User.id != voter.id).order_by(User.full_name)
                                   .options(lazyload(User.role_links))))


def open_contest(actor: User, *, centre: Centre, department: Department | None = None,
                 period: str | None = None, now: datetime | None = None) -> Contest:
    now = now or utcnow()
    if not can_manage_centre(actor, centre):
        raise NotAllowed("Открыть конкурс для этого центра может его руководитель или кадровая служба.")
    if department is not None and department.centre_id != centre.id:
        raise DomainError("Подразделение не относится к выбранному центру.")
    this_month = current_period(now)
    period = period or this_month
    if period not in (this_month, next_period(this_month)):
        raise DomainError("Конкурс открывается на текущий или на следующий месяц.")
    for clash in db.session.scalars(select(Contest).where(Contest.centre_id == centre.id, Contest.period == period)):
        if department is not None and clash.department_id is not None and clash.department_id != department.id:
            continue  # a contest of another department of the same centre: both may run
        raise DomainError(f"На {period_label(period)} уже есть конкурс: {clash.scope_label}. "
                          "Каждый сотрудник голосует в одном конкурсе за месяц.")
    contest = Contest(regional_service_id=centre.regional_service_id, centre_id=centre.id,
                      department_id=department.id if department else None,
                      scope_key=scope_key(centre, department), period=period, opened_by_id=actor.id, opened_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(contest)
    except IntegrityError:
        raise DomainError("Такой конкурс уже открыт.") from None
    audit.record(actor, "recognition.contest_open", "contest", contest.id,
                 after={"centre_id": centre.id, "department_id": contest.department_id, "period": period},
                 summary=f"Открыт конкурс «Сотрудник месяца» ({contest.scope_label}, {period_label(period)})")
    for member in db.session.scalars(members_query(contest)):
        notify(member, "recognition.contest_open",
               f"Открыт конкурс «Сотрудник месяца» за {period_label(period)}: отдайте голос коллеге.",
               path_for("contests.detail", contest_id=contest.id),
               dedupe_key=f"recognition-contest-open:{contest.id}:{member.id}")
    return contest


def _lock_open_contest(contest: Contest, now: datetime) -> None:
    """Read the status under a shared row lock (PostgreSQL): the close waits for votes in flight."""
    status = db.session.scalar(select(Contest.status).where(Contest.id == contest.id).with_for_update(read=True))
    if status != ContestStatus.OPEN:
        raise DomainError("Голосование закрыто: итоги уже подведены.")
    if has_period_ended(contest.period, now):
        raise DomainError("Месяц конкурса закончился: голосование закрыто, итоги подводятся.")
    if now < period_bounds(contest.period)[0]:
        raise DomainError(f"Голосование начнётся в первый день месяца ({period_label(contest.period)}).")


def open_contests_for(user: User) -> list[tuple[Contest, bool]]:
    """Open contests the user votes in, with whether they have voted."""
    if not user.is_authenticated or not user.centre_id:
        return []
    rows = db.session.execute(
        select(Contest, ColleagueVote.id)
        .outerjoin(ColleagueVote, and_(ColleagueVote.contest_id == Contest.id, ColleagueVote.voter_id == user.id))
        .where(Contest.centre_id == user.centre_id, Contest.status == ContestStatus.OPEN))
    return [(contest, vote_id is not None) for contest, vote_id in rows if is_member(user, contest)]


def my_vote(contest: Contest, voter: User) -> ColleagueVote | None:
    return db.session.scalar(select(ColleagueVote).where(ColleagueVote.contest_id == contest.id,
                                                         ColleagueVote.voter_id == voter.id))


_UNREAD = object()


def cast_vote(voter: User, contest: Contest, nominee: User | None, reason: str = "",
              now: datetime | None = None, *, current: ColleagueVote | None | object = _UNREAD) -> ColleagueVote:
    """Cast or change the voter's vote. One row per (contest, voter), whatever the concurrency.

    ``current``: the voter's vote as the caller has just read it with :func:`my_vote` (not read again)."""
    now = now or utcnow()
    if not is_member(voter, contest):
        raise DomainError("Вы не участвуете в этом конкурсе: голосуют сотрудники "
                          f"{'подразделения' if contest.department_id else 'центра'} «{contest.scope_label}».")
    if nominee is None:
        raise DomainError("Выберите коллегу.")
    if nominee.id == voter.id:
        raise DomainError("Голосовать за себя нельзя.")
    if not is_member(nominee, contest):
        raise DomainError("Этот сотрудник не участвует в конкурсе.")
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        raise DomainError(f"Причина — не длиннее {REASON_MAX} символов.")
    _lock_open_contest(contest, now)
    vote = my_vote(contest, voter) if current is _UNREAD else current
    if vote is None:
        vote = ColleagueVote(contest_id=contest.id, voter_id=voter.id, nominee_id=nominee.id, reason=reason,
                             created_at=now, updated_at=now)
        try:
            with db.session.begin_nested():
                db.session.add(vote)
            return vote
        except IntegrityError:  # the same voter's parallel request won: change that row instead
            vote = my_vote(contest, voter)
    if vote.nominee_id != nominee.id:
        vote.nominee_id = nominee.id
        vote.updated_at = now  # the tie-break counts when the vote took its final form
    vote.reason = reason  # one UPDATE of this row by its id at the flush
    return vote


def turnout(contest: Contest) -> tuple[int, int]:
    """(voters so far, staff in scope) — never per-candidate counts before the close."""
    voters = db.session.scalar(select(func.count()).select_from(ColleagueVote)
                               .where(ColleagueVote.contest_id == contest.id)) or 0
    members = db.session.scalar(select(func.count()).select_from(members_query(contest).subquery())) or 0
    return voters, members


@dataclass
class Tally:
    user_id: int
    votes: int
    voters: int
    last_vote_at: datetime
    rank: int = 0


def tally(entries: Iterable[tuple[int, str, datetime]]) -> list[Tally]:
    """Count (candidate, voter key, time) entries and order them by the declared rule.

    Order: more votes; then more distinct voters; then the earlier last vote (who reached the final count
    first); then the lower user id. ``rank`` is the standard competition rank on votes (1, 2, 2, 4): a tie on
    votes shows as a tie even though the tie-break decides the winner."""
    votes: dict[int, int] = defaultdict(int)
    voters: dict[int, set[str]] = defaultdict(set)
    last: dict[int, datetime] = {}
    for user_id, voter_key, at in entries:
        votes[user_id] += 1
        voters[user_id].add(voter_key)
        if user_id not in last or at > last[user_id]:
            last[user_id] = at
    rows = [Tally(uid, votes[uid], len(voters[uid]), last[uid]) for uid in votes]
    rows.sort(key=lambda r: (-r.votes, -r.voters, r.last_vote_at, r.user_id))
    for index, row in enumerate(rows):
        row.rank = rows[index - 1].rank if index and rows[index - 1].votes == row.votes else index + 1
    return rows


def tie_break_note(rows: list[Tally]) -> str | None:
    if len(rows) < 2 or rows[0].votes != rows[1].votes:
        return None
    first, second = rows[0], rows[1]
    if first.voters != second.voters:
        return "Равенство голосов: решило большее число разных голосовавших."
    if first.last_vote_at != second.last_vote_at:
        return "Равенство голосов и голосовавших: решило более раннее время последнего голоса."
    return ("Полное равенство: решил меньший внутренний номер сотрудника "
            "(комиссия вправе провести повторное голосование).")


def _colleague_entries(contest: Contest) -> list[tuple[int, str, datetime]]:
    rows = db.session.execute(select(ColleagueVote.nominee_id, ColleagueVote.voter_id, ColleagueVote.updated_at)
                              .where(ColleagueVote.contest_id == contest.id))
    return [(nominee, f"u{voter}", at) for nominee, voter, at in rows]


def _client_entries(contest: Contest, until: datetime) -> list[tuple[int, str, datetime]]:
    # a client is a (device, day) pair: device hashes are salted per day and cannot be linked across days
    return [(v.employee_id, f"{codes.window_day(v.window_index)}:{v.device_hash}", v.created_at)
            for v in db.session.scalars(client_votes_query(contest, until))]


def _rows_snapshot(rows: list[Tally], people: dict[int, User]) -> list[dict]:
    total = sum(r.votes for r in rows) or 1
    snapshot = []
    for position, row in enumerate(rows, start=1):
        person = people.get(row.user_id)
        snapshot.append({
            "position": position, "rank": row.rank, "user_id": row.user_id,
            "name": person.full_name if person else "—",
            "job_title": person.position if person else "",
            "department": person.department.name if person and person.department else "",
            "votes": row.votes, "voters": row.voters, "share": round(row.votes * 100 / total, 1),
            "last_vote_at": row.last_vote_at.isoformat(),
        })
    return snapshot


def _winner(rows: list[dict]) -> dict | None:
    return {k: rows[0][k] for k in ("user_id", "name", "votes", "voters")} if rows else None


def _analysis(colleagues: list[dict], clients: list[dict]) -> dict:
    """Who colleagues see and who clients see: top three of each track (ties included) and the overlap."""
    top_c = {r["user_id"] for r in colleagues if r["rank"] <= 3}
    top_k = {r["user_id"] for r in clients if r["rank"] <= 3}
    by_id: dict[int, dict] = {}
    for track, rows in (("colleagues", colleagues), ("clients", clients)):
        for r in rows:
            entry = by_id.setdefault(r["user_id"], {"user_id": r["user_id"], "name": r["name"],
                                                    "colleagues_votes": 0, "colleagues_rank": None,
                                                    "clients_votes": 0, "clients_rank": None})
            entry[f"{track}_votes"] = r["votes"]
            entry[f"{track}_rank"] = r["rank"]
    table = sorted(by_id.values(), key=lambda e: (-(e["colleagues_votes"] + e["clients_votes"]), e["name"]))
    names = {e["user_id"]: e["name"] for e in table}
    both = sorted(names[u] for u in top_c & top_k)
    if not colleagues or not clients:
        summary = "Сравнение невозможно: в одном из направлений нет голосов."
    elif both:
        summary = (f"Коллеги и клиенты сходятся: {len(both)} "
                   f"{plural(len(both), 'сотрудник', 'сотрудника', 'сотрудников')} в тройке лидеров обоих направлений.")
    else:
        summary = "Коллеги и клиенты видят разных лидеров: ни один сотрудник не вошёл в тройку обоих направлений."
    return {"table": table, "both": both, "colleagues_only": sorted(names[u] for u in top_c - top_k),
            "clients_only": sorted(names[u] for u in top_k - top_c), "summary": summary}


def build_results(contest: Contest, closed_at: datetime) -> dict:
    """The snapshot stored at the close: everything the results page shows, with names copied in."""
    colleague_rows = tally(_colleague_entries(contest))
    client_rows = tally(_client_entries(contest, closed_at))
    ids = {r.user_id for r in colleague_rows} | {r.user_id for r in client_rows}
    people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}
    colleagues = _rows_snapshot(colleague_rows, people)
    clients = _rows_snapshot(client_rows, people)
    winners = {"colleagues": _winner(colleagues), "clients": _winner(clients)}
    winners["title"] = winners["clients"] or winners["colleagues"]
    voters, members = turnout(contest)
    return {
        "rule_version": RULE_VERSION, "tie_break_rule": TIE_BREAK_RULE, "title_rule": TITLE_RULE,
        "scope": contest.scope_label, "centre": contest.centre.name,
        "department": contest.department.name if contest.department else None,
        "period": contest.period, "period_label": period_label(contest.period),
        "closed_at": closed_at.isoformat(),
        "eligible_voters": members, "colleague_voters": voters, "client_votes": sum(r.votes for r in client_rows),
        "colleagues": colleagues, "clients": clients, "winners": winners,
        "tie_breaks": {"colleagues": tie_break_note(colleague_rows), "clients": tie_break_note(client_rows)},
        "analysis": _analysis(colleagues, clients),
    }


def close_contest(actor: User | None, contest: Contest, now: datetime | None = None) -> Contest:
    """Close the contest (a manager, HR or the month-end job), freeze the snapshot and hand out the awards."""
    now = now or utcnow()
    if actor is not None and not can_manage_contest(actor, contest):
        raise NotAllowed("Закрыть конкурс может руководитель центра или кадровая служба.")
    claimed = db.session.execute(
        update(Contest).where(Contest.id == contest.id, Contest.status == ContestStatus.OPEN)
        .values(status=ContestStatus.CLOSED, closed_at=now, closed_by_id=actor.id if actor else None)
        .execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        raise Conflict("Конкурс уже закрыт.")
    db.session.refresh(contest)
    results = build_results(contest, now)
    contest.results = results
    flags.refresh_contest_flags(contest)
    held = flags.open_flags(contest)
    if held:
        # an open gaming flag holds the result: no title, award or points until HR has reviewed every flag
        contest.results = {**results, "held": True, "held_flags": len(held)}
    if actor is not None:
        audit.record(actor, "recognition.contest_close", "contest", contest.id,
                     after={"winners": {k: (w or {}).get("user_id") for k, w in results["winners"].items()},
                            "colleague_voters": results["colleague_voters"], "client_votes": results["client_votes"],
                            "held_for_review": bool(held)},
                     summary=f"Подведены итоги конкурса «Сотрудник месяца» ({contest.scope_label}, "
                             f"{period_label(contest.period)})" + (": итоги ждут проверки отметок" if held else ""))
    db.session.flush()
    if not held:
        _hand_out_awards(contest, actor)
    return contest


def _hand_out_awards(contest: Contest, actor: User | None) -> dict[str, int | None]:
    winners: dict[str, int | None] = {}
    for kind in (AwardKind.TITLE, AwardKind.COLLEAGUES, AwardKind.CLIENTS):
        winner = contest.results["winners"][kind.value]
        winners[kind.value] = winner["user_id"] if winner else None
        if winner:
            _record_award(contest, kind, winner["user_id"], actor)
    db.session.flush()
    contest_closed.send(contest, winners=winners)
    return winners


def release_held_results(actor: User, contest: Contest | None) -> bool:
    """After HR reviews a flag: when the contest's result was held and no open flag is left, the title and the
    awards are handed out now. Returns whether they were."""
    if contest is None or not (contest.results or {}).get("held") or flags.open_flags(contest):
        return False
    contest.results = {key: value for key, value in contest.results.items() if key not in ("held", "held_flags")}
    audit.record(actor, "recognition.contest_release", "contest", contest.id,
                 summary=f"Итоги конкурса «Сотрудник месяца» утверждены после проверки отметок "
                         f"({contest.scope_label}, {period_label(contest.period)})")
    _hand_out_awards(contest, actor)
    return True


def _record_award(contest: Contest, kind: AwardKind, user_id: int, actor: User | None) -> Award | None:
    user = db.session.get(User, user_id)
    if user is None:
        return None
    award = Award(contest_id=contest.id, user_id=user.id, centre_id=contest.centre_id, kind=kind,
                  title=kind.label, period=contest.period)
    try:
        with db.session.begin_nested():
            db.session.add(award)
    except IntegrityError:
        return None
    award.certificate_id = _issue_diploma(award, contest, actor)
    notify(user, "recognition.award",
           f"Поздравляем! {kind.label} — {period_label(contest.period)}, {contest.scope_label}.",
           path_for("contests.detail", contest_id=contest.id, _anchor="winners"),
           dedupe_key=f"recognition-award:{contest.id}:{kind.value}")
    return award


def _issue_diploma(award: Award, contest: Contest, actor: User | None) -> int | None:
    """A diploma from the certificates engine when it is installed; the award is recorded either way."""
    results = contest.results or {}
    track = {AwardKind.COLLEAGUES: "colleagues", AwardKind.CLIENTS: "clients"}.get(AwardKind(award.kind))
    row = (results.get("winners") or {}).get(track or "title") or {}
    try:
        with db.session.begin_nested():
            certificate = issue_document(
                "employee_of_month", award.user, title=award.title,
                subtitle=f"{period_label(contest.period)} · {contest.scope_label}",
                issued_by=actor,
                source_key=f"recognition:contest:{contest.id}:{award.kind}",
                details={"contest_id": contest.id, "period": contest.period, "kind": award.kind,
                         "centre": contest.centre.name, "votes": row.get("votes"), "voters": row.get("voters")})
    except Exception:  # the diploma can be issued later; the award itself must not be lost
        current_app.logger.exception("diploma for award %s/%s was not issued", contest.id, award.kind)
        return None
    return getattr(certificate, "id", None)


def close_finished_contests(today: date | None = None, now: datetime | None = None) -> int:
    """The month-end job: close every open contest whose month is over."""
    now = now or utcnow()
    this_month = f"{today:%Y-%m}" if today else current_period(now)
    closed = 0
    for contest in list(db.session.scalars(select(Contest).where(Contest.status == ContestStatus.OPEN))):
        if contest.period < this_month:
            try:
                close_contest(None, contest, now)
                closed += 1
            except Conflict:
                continue
    return closed


def centre_history(centre: Centre, limit: int = 24) -> list[Contest]:
    return list(db.session.scalars(select(Contest).where(Contest.centre_id == centre.id,
                                                         Contest.status == ContestStatus.CLOSED)
                                   .order_by(Contest.period.desc(), Contest.id.desc()).limit(limit)))


def person_awards(user: User) -> list[Award]:
    return list(db.session.scalars(select(Award).where(Award.user_id == user.id)
                                   .order_by(Award.period.desc(), Award.id.desc())))


def cup_holder(centre: Centre) -> Award | None:
    """The «переходящий кубок» stays with the last title winner of the centre until the next one."""
    return db.session.scalar(select(Award).where(Award.centre_id == centre.id, Award.kind == AwardKind.TITLE)
                             .join(Contest, Contest.id == Award.contest_id)
                             .order_by(Award.period.desc(), Contest.closed_at.desc(), Award.id.desc()).limit(1))


KIND_ORDER = {AwardKind.TITLE: 0, AwardKind.CLIENTS: 1, AwardKind.COLLEAGUES: 2}


def recent_awards(centre: Centre, limit: int = 12) -> list[Award]:
    """Latest awards of the centre: newest month first, the title before the track winners."""
    awards = db.session.scalars(select(Award).where(Award.centre_id == centre.id)
                                .order_by(Award.period.desc(), Award.id.desc()).limit(limit))
    return sorted(awards, key=lambda a: (-int(a.period.replace("-", "")), KIND_ORDER.get(AwardKind(a.kind), 9),
                                         -a.contest_id))


def day_salt(day: date) -> str:
    salt = db.session.scalar(select(ClientVoteSalt.salt).where(ClientVoteSalt.day == day))
    if salt:
        return salt
    try:
        with db.session.begin_nested():
            db.session.add(ClientVoteSalt(day=day, salt=secrets.token_hex(32)))
    except IntegrityError:
        pass
    return db.session.scalar(select(ClientVoteSalt.salt).where(ClientVoteSalt.day == day))


def salted_hash(day: date, value: str) -> str:
    return hashlib.sha256(f"{day_salt(day)}:{value}".encode()).hexdigest()


def purge_old_salts(today: date) -> int:
    result = db.session.execute(delete(ClientVoteSalt).where(ClientVoteSalt.day < today - timedelta(days=2)))
    return result.rowcount or 0


def client_vote_employee_ok(employee: User | None) -> bool:
    return employee is not None and employee.is_active and employee.centre_id is not None


# votes for one specialist from one network address in one day (its hash is salted with the day's salt)
CLIENT_VOTES_PER_ADDRESS_PER_DAY = 2
CODE_USED = "Этот код уже использован. Код одноразовый: попросите специалиста показать новый."
CODE_WRONG = ("Код не подходит. Введите 6 знаков, которые показывает или называет специалист; код действует "
              "два-четыре часа и только один раз.")


def claim_visit_code(employee_id: int, window: int, seq: int, use: str, now: datetime) -> bool:
    """Mark the visit code used for ``use`` ("voted_at" or "feedback_at"); False when it was already used for
    it. Exactly once under concurrency, in one statement: the code's unique row is inserted, or — when the other
    use created it — claimed only while the column is empty (INSERT … ON CONFLICT DO UPDATE … WHERE … RETURNING:
    a second claimer waits for the first one's row and then finds the column set)."""
    table = VisitCodeUse.__table__
    column = table.c[use]
    stmt = dialect_insert(db.session)(table).values(employee_id=employee_id, window_index=window, seq=seq,
                                                    **{use: now})
    stmt = stmt.on_conflict_do_update(index_elements=["employee_id", "window_index", "seq"], set_={use: now},
                                      where=column.is_(None)).returning(table.c.id)
    return db.session.execute(stmt).first() is not None


def use_code_for_feedback(employee_ids: list[int], code: str | None, now: datetime | None = None) -> int:
    """A client's feedback proves the visit with a visit code of one of ``employee_ids`` (the link's specialist,
    or anyone of the link's centre); the code then gives no second feedback. Returns the employee's id."""
    now = now or utcnow()
    for employee_id in employee_ids:
        found = codes.match_visit(employee_id, code, now)
        if found is None:
            continue
        if not claim_visit_code(employee_id, *found, "feedback_at", now):
            raise Conflict(CODE_USED)
        return employee_id
    raise CodeRejected(CODE_WRONG)


def cast_client_vote(employee: User, *, code: str, device_token: str | None, address: str | None,
                     comment: str = "", now: datetime | None = None) -> ClientVote:
    """A served client's vote, proved by a one-time visit code (one vote per code). Also one per (employee, code
    window, device) and CLIENT_VOTES_PER_ADDRESS_PER_DAY per (employee, address, day); the device is the vote
    cookie or, without cookies, the network address; both are stored only as hashes salted with the day's salt."""
    now = now or utcnow()
    if not client_vote_employee_ok(employee):
        raise DomainError("Голосование за этого специалиста сейчас недоступно.")
    found = codes.match_visit(employee.id, code, now)
    if found is None:
        raise CodeRejected(CODE_WRONG)
    window, seq = found
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise CodeRejected(f"Комментарий — не длиннее {COMMENT_MAX} символов.")
    day = codes.window_day(window)
    device_key = f"device:{device_token}" if device_token else f"address:{address or '-'}"
    device_hash = salted_hash(day, device_key)
    address_hash = salted_hash(now.date(), f"address:{address}") if address else None
    refused = Conflict("С этого телефона уже отдан голос по этому коду. Спасибо, ваш голос учтён!")
    exists = db.session.scalar(select(ClientVote.id).where(ClientVote.employee_id == employee.id,
                                                          ClientVote.window_index == window,
                                                          ClientVote.device_hash == device_hash))
    if exists:
        raise refused
    if address_hash is not None:
        day_start = datetime.combine(now.date(), datetime.min.time(), tzinfo=now.tzinfo)
        same_address = db.session.scalar(select(func.count()).select_from(ClientVote).where(
            ClientVote.employee_id == employee.id, ClientVote.address_hash == address_hash,
            ClientVote.created_at >= day_start)) or 0
        if same_address >= CLIENT_VOTES_PER_ADDRESS_PER_DAY:
            raise Conflict("Из этой сети за специалиста сегодня уже проголосовали. Спасибо, голоса учтены!")
    if not claim_visit_code(employee.id, window, seq, "voted_at", now):
        raise Conflict(CODE_USED)
    vote = ClientVote(employee_id=employee.id, centre_id=employee.centre_id, department_id=employee.department_id,
                      window_index=window, device_hash=device_hash, address_hash=address_hash, comment=comment,
                      created_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(vote)
    except IntegrityError:
        raise refused from None

    flags.check_client_burst(employee, now)
    return vote


def current_code(employee: User, now: datetime | None = None) -> tuple[str | None, datetime]:
    """The visit code to show at the window now (the first one of the window nobody has used), or None when the
    window's codes are all used, and when the window ends."""
    now = now or utcnow()
    window = codes.window_index(now)
    used = set(db.session.scalars(select(VisitCodeUse.seq).where(VisitCodeUse.employee_id == employee.id,
                                                                  VisitCodeUse.window_index == window)))
    seq = next((n for n in range(codes.visit_codes_per_window()) if n not in used), None)
    return (codes.client_code(employee.id, window, seq) if seq is not None else None), codes.window_end(window)


def client_comments(employee: User, limit: int = 20) -> list[ClientVote]:
    return list(db.session.scalars(select(ClientVote).where(ClientVote.employee_id == employee.id,
                                                            ClientVote.comment != "")
                                   .order_by(ClientVote.created_at.desc()).limit(limit)))


def client_votes_this_month(employee: User, now: datetime | None = None) -> int:
    start, end = period_bounds(current_period(now))
    return db.session.scalar(select(func.count()).select_from(ClientVote).where(
        ClientVote.employee_id == employee.id, ClientVote.created_at >= start, ClientVote.created_at < end)) or 0
