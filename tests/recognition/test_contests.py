"""«Сотрудник месяца» by colleagues: opening, voting, changing the vote, hidden counts, the close and its rules."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.support.world import MID_MARCH
from training.audit.models import AuditEntry
from training.errors import Conflict, DomainError, NotAllowed
from training.extensions import db
from training.gamification.contests import services
from training.gamification.contests.models import Award, ColleagueVote, Contest
from training.gamification.recognition.models import PointEntry, UserBadge
from training.notifications.models import Notification


def _open(staff, org, *, department=None, now=MID_MARCH):
    contest = services.open_contest(staff.manager, centre=org.centre_a, department=department, now=now)
    db.session.commit()
    return contest


def _vote(voter, contest, nominee, minutes=0, reason=""):
    services.cast_vote(voter, contest, nominee, reason, now=MID_MARCH + timedelta(minutes=minutes))
    db.session.commit()


def test_opening_is_limited_to_the_managers_centre_and_hr_service(org, staff):
    with pytest.raises(NotAllowed):
        services.open_contest(staff.manager, centre=org.centre_b, now=MID_MARCH)
    with pytest.raises(NotAllowed):
        services.open_contest(staff.other_hr, centre=org.centre_a, now=MID_MARCH)
    with pytest.raises(NotAllowed):
        services.open_contest(staff.anna, centre=org.centre_a, now=MID_MARCH)
    contest = services.open_contest(staff.hr, centre=org.centre_b, now=MID_MARCH)
    assert contest.period == "2026-03"
    with pytest.raises(DomainError, match="текущий или на следующий месяц"):
        services.open_contest(staff.manager, centre=org.centre_a, period="2026-06", now=MID_MARCH)


def test_one_contest_per_person_and_month(org, staff):
    _open(staff, org, department=org.front_a)
    back = _open(staff, org, department=org.back_a)  # another department of the same centre may run
    assert back.scope_key == f"d{org.back_a.id}"
    with pytest.raises(DomainError, match="уже есть конкурс"):
        services.open_contest(staff.manager, centre=org.centre_a, now=MID_MARCH)
    with pytest.raises(DomainError, match="уже есть конкурс"):
        services.open_contest(staff.hr, centre=org.centre_a, department=org.front_a, now=MID_MARCH)


def test_opening_invites_every_member_and_is_audited(org, staff):
    contest = _open(staff, org)
    invited = set(db.session.scalars(select(Notification.user_id).where(Notification.kind == "recognition.contest_open")))
    assert invited == {staff.manager.id, staff.anna.id, staff.boris.id, staff.vera.id, staff.gleb.id}
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "recognition.contest_open",
                                                      AuditEntry.object_id == str(contest.id)))


def test_a_colleague_votes_once_and_can_change_the_vote(org, staff):
    contest = _open(staff, org)
    _vote(staff.anna, contest, staff.boris, reason="Помог клиенту с заявлением")
    _vote(staff.anna, contest, staff.vera, minutes=5, reason="Лучше — Вера")
    votes = db.session.scalars(select(ColleagueVote).where(ColleagueVote.voter_id == staff.anna.id)).all()
    assert len(votes) == 1
    assert votes[0].nominee_id == staff.vera.id and votes[0].reason == "Лучше — Вера"
    assert votes[0].updated_at == MID_MARCH + timedelta(minutes=5)


def test_resubmitting_the_same_vote_keeps_its_time(org, staff):
    contest = _open(staff, org)
    _vote(staff.anna, contest, staff.boris)
    _vote(staff.anna, contest, staff.boris, minutes=30, reason="ещё раз")
    vote = db.session.scalar(select(ColleagueVote))
    assert vote.updated_at == MID_MARCH and vote.reason == "ещё раз"


def test_no_self_vote_no_outsiders(org, staff):
    contest = _open(staff, org, department=org.front_a)
    with pytest.raises(DomainError, match="за себя"):
        services.cast_vote(staff.anna, contest, staff.anna, now=MID_MARCH)
    with pytest.raises(DomainError, match="не участвует"):
        services.cast_vote(staff.anna, contest, staff.vera, now=MID_MARCH)  # back office: outside the scope
    with pytest.raises(DomainError, match="не участвуете"):
        services.cast_vote(staff.vera, contest, staff.anna, now=MID_MARCH)
    with pytest.raises(DomainError, match="не участвуете"):
        services.cast_vote(staff.hr, contest, staff.anna, now=MID_MARCH)


def test_voting_stops_when_the_month_is_over_or_the_contest_closed(org, staff):
    contest = _open(staff, org)
    with pytest.raises(DomainError, match="Месяц конкурса закончился"):
        services.cast_vote(staff.anna, contest, staff.boris, now=MID_MARCH + timedelta(days=20))
    services.close_contest(staff.manager, contest, now=MID_MARCH + timedelta(days=1))
    db.session.commit()
    with pytest.raises(DomainError, match="Голосование закрыто"):
        services.cast_vote(staff.anna, contest, staff.boris, now=MID_MARCH + timedelta(days=2))


def test_tally_orders_by_votes_then_distinct_voters_then_earlier_last_vote():
    t = MID_MARCH
    rows = services.tally([
        (1, "a", t), (1, "a", t + timedelta(minutes=1)),                 # 2 votes, 1 voter
        (2, "b", t), (2, "c", t + timedelta(minutes=9)),                 # 2 votes, 2 voters, later
        (3, "d", t), (3, "e", t + timedelta(minutes=3)),                 # 2 votes, 2 voters, earlier
        (4, "f", t),
    ])
    assert [r.user_id for r in rows] == [3, 2, 1, 4]
    assert [r.rank for r in rows] == [1, 1, 1, 4]  # a tie on votes is shown as a tie
    assert "раннее время" in services.tie_break_note(rows)
    assert "разных голосовавших" in services.tie_break_note([rows[1], rows[2]])


def _client_vote(employee, *, minutes, device):
    from training.gamification.contests import codes

    now = MID_MARCH + timedelta(minutes=minutes)
    code = codes.client_code(employee.id, codes.window_index(now))
    services.cast_client_vote(employee, code=code, device_token=device, address="10.0.0.1", now=now)
    db.session.commit()


def test_close_decides_winners_by_the_declared_rule_and_awards_them(org, staff):
    contest = _open(staff, org)
    _vote(staff.anna, contest, staff.boris, minutes=1)
    _vote(staff.vera, contest, staff.boris, minutes=50)  # Boris reaches 2 at +50 min
    _vote(staff.gleb, contest, staff.anna, minutes=2)
    _vote(staff.boris, contest, staff.anna, minutes=3)   # Anna reaches 2 at +3 min: she wins the tie
    _vote(staff.manager, contest, staff.vera, minutes=4)
    _client_vote(staff.gleb, minutes=10, device="d1")
    _client_vote(staff.gleb, minutes=130, device="d2")
    _client_vote(staff.vera, minutes=11, device="d3")
    services.close_contest(staff.manager, contest, now=MID_MARCH + timedelta(days=3))
    db.session.commit()

    results = db.session.get(Contest, contest.id).results
    assert [(r["name"], r["votes"], r["rank"]) for r in results["colleagues"]] == [
        ("Антонова Анна Сергеевна", 2, 1), ("Борисов Борис Ильич", 2, 1), ("Волкова Вера Андреевна", 1, 3)]
    assert "раннее время" in results["tie_breaks"]["colleagues"]
    assert results["winners"]["colleagues"]["user_id"] == staff.anna.id
    assert results["winners"]["clients"]["user_id"] == staff.gleb.id
    assert results["winners"]["title"]["user_id"] == staff.gleb.id  # the clients' winner holds the title
    assert results["eligible_voters"] == 5 and results["colleague_voters"] == 5 and results["client_votes"] == 3

    awards = {a.kind: a.user_id for a in db.session.scalars(select(Award))}
    assert awards == {"title": staff.gleb.id, "colleagues": staff.anna.id, "clients": staff.gleb.id}
    badges = {(b.user_id, b.badge.code) for b in db.session.scalars(select(UserBadge))}
    assert {(staff.gleb.id, "employee_of_month"), (staff.gleb.id, "clients_choice"),
            (staff.anna.id, "colleagues_choice")} <= badges
    points = dict(db.session.execute(select(PointEntry.source, PointEntry.amount)
                                     .where(PointEntry.user_id == staff.gleb.id)).all())
    assert points[f"contest:{contest.id}:title"] == 100 and points[f"contest:{contest.id}:clients"] == 50
    assert points[f"contest:{contest.id}:voted"] == 2
    assert db.session.scalar(select(func.count()).select_from(Notification)
                             .where(Notification.kind == "recognition.award")) == 3
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "recognition.contest_close"))


def test_title_goes_to_the_colleagues_winner_when_clients_did_not_vote(org, staff):
    contest = _open(staff, org)
    _vote(staff.anna, contest, staff.boris)
    services.close_contest(staff.manager, contest, now=MID_MARCH + timedelta(days=1))
    db.session.commit()
    assert contest.results["winners"]["title"]["user_id"] == staff.boris.id
    assert contest.results["winners"]["clients"] is None


def test_a_contest_closes_once(org, staff):
    contest = _open(staff, org)
    services.close_contest(staff.hr, contest, now=MID_MARCH + timedelta(days=1))
    db.session.commit()
    with pytest.raises(Conflict):
        services.close_contest(staff.manager, contest, now=MID_MARCH + timedelta(days=2))
    with pytest.raises(NotAllowed):
        services.close_contest(staff.other_hr, _open(staff, org, now=MID_MARCH + timedelta(days=20)))


def test_closed_contest_is_a_frozen_snapshot(org, staff):
    contest = _open(staff, org)
    _vote(staff.anna, contest, staff.boris, minutes=1)
    _vote(staff.gleb, contest, staff.boris, minutes=2)
    _vote(staff.boris, contest, staff.vera, minutes=3)
    services.close_contest(staff.manager, contest, now=MID_MARCH + timedelta(days=1))
    db.session.commit()
    frozen = db.session.get(Contest, contest.id).results

    staff.boris.full_name = "Переименованный Борис"
    staff.boris.department_id, staff.boris.centre_id = org.front_b.id, org.centre_b.id
    staff.vera.position = "Другая должность"
    db.session.delete(staff.gleb)  # a voter leaves: the vote row goes, the result stays
    db.session.commit()
    db.session.expire_all()

    again = db.session.get(Contest, contest.id)
    assert again.results == frozen
    assert again.results["colleagues"][0]["name"] == "Борисов Борис Ильич"
    assert again.results["colleagues"][0]["votes"] == 2
    assert db.session.scalar(select(func.count()).select_from(ColleagueVote)) == 2


def test_month_end_job_closes_contests_of_past_months_only(org, staff):
    march = _open(staff, org)
    _vote(staff.anna, march, staff.boris)
    april = services.open_contest(staff.hr, centre=org.centre_b, period="2026-04", now=MID_MARCH)
    db.session.commit()
    from datetime import date

    assert services.close_finished_contests(date(2026, 4, 1)) == 1
    db.session.commit()
    assert db.session.get(Contest, march.id).results["winners"]["title"]["user_id"] == staff.boris.id
    assert db.session.get(Contest, april.id).is_open


def test_month_end_job_runs_through_the_jobs_entry_point(org, staff, monkeypatch):
    from datetime import date

    from training.jobs import run_due

    contest = _open(staff, org)
    outcomes = dict(run_due(date(2026, 4, 1)))
    assert outcomes["recognition-close-contests"] == "закрыто конкурсов: 1"
    assert not db.session.get(Contest, contest.id).is_open


def test_diploma_is_issued_through_the_certificates_engine(org, staff, monkeypatch):
    calls = []

    class Issued:
        id = 77

    def issue_document(kind_code, holder, *, title, subtitle, issued_by, source_key, details):
        calls.append((kind_code, holder.id, title, source_key, issued_by))
        return Issued()

    monkeypatch.setattr(services, "issue_document", issue_document)
    contest = _open(staff, org)
    _vote(staff.anna, contest, staff.boris)
    services.close_contest(staff.manager, contest, now=MID_MARCH + timedelta(days=1))
    db.session.commit()
    assert ("employee_of_month", staff.boris.id, "Самый клиентоцентричный сотрудник месяца",
            f"recognition:contest:{contest.id}:title", staff.manager) in calls
    assert {a.certificate_id for a in db.session.scalars(select(Award))} == {77}


def test_award_is_recorded_when_the_diploma_cannot_be_issued(org, staff, monkeypatch):
    def broken_engine(*args, **kwargs):
        raise RuntimeError("certificates engine unavailable")

    monkeypatch.setattr(services, "issue_document", broken_engine)
    contest = _open(staff, org)
    _vote(staff.anna, contest, staff.boris)
    services.close_contest(staff.manager, contest, now=MID_MARCH + timedelta(days=1))
    db.session.commit()
    award = db.session.scalar(select(Award).where(Award.kind == "title"))
    assert award.user_id == staff.boris.id and award.certificate_id is None


def test_winner_gets_a_real_diploma_when_the_certificates_engine_is_installed(org, staff):
    certificates = pytest.importorskip("training.certificates.models")
    contest = _open(staff, org)
    _vote(staff.anna, contest, staff.boris)
    services.close_contest(staff.manager, contest, now=MID_MARCH + timedelta(days=1))
    db.session.commit()
    award = db.session.scalar(select(Award).where(Award.kind == "title"))
    assert award.certificate_id is not None
    certificate = db.session.get(certificates.Certificate, award.certificate_id)
    assert certificate.holder_id == staff.boris.id
    assert certificate.source_key == f"recognition:contest:{contest.id}:title"
