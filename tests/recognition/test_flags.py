"""Flags for patterns that look like gaming: detection rules, storage, the HR review page."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from tests.support.world import MID_MARCH
from training.audit.models import AuditEntry
from training.extensions import db
from training.gamification.contests import codes, flags, services
from training.gamification.contests.models import Award, ClientVote, Flag, FlagKind


def test_find_bursts_needs_enough_votes_inside_the_window():
    t = MID_MARCH
    spread = [t + timedelta(minutes=15 * i) for i in range(6)]
    assert flags.find_bursts(spread) == []
    burst = [t + timedelta(minutes=i) for i in range(6)] + [t + timedelta(hours=3)]
    assert flags.find_bursts(burst) == [(t, t + timedelta(minutes=5), 6)]
    four = [t + timedelta(minutes=i) for i in range(4)]
    assert flags.find_bursts(four) == []


def test_department_bloc_needs_a_big_share_of_enough_voters_for_one_of_their_own():
    # (voter department, nominee, nominee department)
    bloc = [(1, 10, 1), (1, 10, 1), (1, 10, 1), (1, 11, 1), (1, 10, 1)]
    assert flags.department_blocs(bloc) == [(1, 10, 4, 5)]
    assert flags.department_blocs(bloc[:2]) == []  # two voters are too few to call a bloc
    for_outsider = [(1, 20, 2)] * 4
    assert flags.department_blocs(for_outsider) == []
    split = [(1, 10, 1), (1, 10, 1), (1, 11, 1), (1, 12, 1)]
    assert flags.department_blocs(split) == []


def test_mutual_pairs_must_always_vote_for_each_other():
    always = [{1: 2, 2: 1, 3: 1}, {1: 2, 2: 1}, {1: 2, 2: 1, 3: 2}]
    assert flags.mutual_pairs(always) == [(1, 2, 3)]
    once = [{1: 2, 2: 1}]
    assert flags.mutual_pairs(once) == []  # a single month of mutual votes is common and innocent
    broke = [{1: 3, 2: 1}, {1: 2, 2: 1}]
    assert flags.mutual_pairs(broke) == []


def _client_votes(employee, count, *, start=MID_MARCH, step_minutes=1, first_device=0):
    for i in range(first_device, first_device + count):
        now = start + timedelta(minutes=(i - first_device) * step_minutes)
        services.cast_client_vote(employee, code=codes.client_code(employee.id, codes.window_index(now), seq=i),
                                  device_token=f"device-{i:012d}", address=f"10.0.0.{i + 1}", now=now)
    db.session.commit()


def test_a_burst_of_client_votes_raises_one_flag_for_review(staff, monkeypatch):
    monkeypatch.setattr(flags, "SMALL_CENTRE_STAFF", 0)  # a large centre: five votes in ten minutes
    _client_votes(staff.anna, 4)
    assert db.session.scalar(select(Flag)) is None
    _client_votes(staff.anna, 3, start=MID_MARCH + timedelta(minutes=4), first_device=4)
    found = db.session.scalars(select(Flag)).all()
    assert len(found) == 1
    assert found[0].kind == FlagKind.CLIENT_BURST and found[0].subject_user_id == staff.anna.id
    assert "Антонова Анна Сергеевна" in found[0].explanation and "7 голосов" in found[0].explanation
    assert db.session.scalar(select(ClientVote.id).limit(1))  # the votes themselves stay


def test_close_flags_a_department_bloc_and_a_pair_voting_for_each_other(org, staff):
    from tests.factories import make_user

    ira = make_user(department=org.back_a, full_name="Иванова Ира")
    feb = services.open_contest(staff.manager, centre=org.centre_a, now=MID_MARCH - timedelta(days=30))
    for voter, nominee in ((staff.anna, staff.boris), (staff.boris, staff.anna)):
        services.cast_vote(voter, feb, nominee, now=MID_MARCH - timedelta(days=30))
    services.close_contest(staff.manager, feb, now=MID_MARCH - timedelta(days=20))
    march = services.open_contest(staff.manager, centre=org.centre_a, now=MID_MARCH)
    for voter, nominee in ((staff.anna, staff.boris), (staff.boris, staff.anna), (staff.vera, staff.gleb),
                           (ira, staff.gleb), (staff.gleb, staff.vera)):
        services.cast_vote(voter, march, nominee, now=MID_MARCH)
    services.close_contest(staff.manager, march, now=MID_MARCH + timedelta(days=1))
    db.session.commit()
    raised = {(f.kind, f.contest_id) for f in db.session.scalars(select(Flag))}
    assert (FlagKind.MUTUAL_PAIR, march.id) in raised
    assert (FlagKind.MUTUAL_PAIR, feb.id) not in raised  # one month alone is not a pattern
    bloc = db.session.scalar(select(Flag).where(Flag.kind == FlagKind.DEPARTMENT_BLOC))
    # back office: Vera, Ira and Gleb voted; 2 of 3 chose Gleb = 67 % < 80 %: no bloc there;
    # front office: Anna and Boris — only two voters: no bloc either
    assert bloc is None
    ira_vote_for_gleb_again = make_user(department=org.back_a, full_name="Третий Голос")
    april = services.open_contest(staff.manager, centre=org.centre_a, period="2026-04", now=MID_MARCH)
    start = MID_MARCH + timedelta(days=20)
    for voter in (staff.vera, ira, ira_vote_for_gleb_again):
        services.cast_vote(voter, april, staff.gleb, now=start)
    services.close_contest(staff.manager, april, now=start + timedelta(days=1))
    db.session.commit()
    bloc = db.session.scalar(select(Flag).where(Flag.kind == FlagKind.DEPARTMENT_BLOC))
    assert bloc is not None and bloc.subject_user_id == staff.gleb.id
    assert "3 из 3" in bloc.explanation and "Бэк-офис" in bloc.explanation


def test_hr_reviews_flags_of_their_service_on_the_review_page(client, login, staff):
    _client_votes(staff.anna, 5)
    flag = db.session.scalar(select(Flag))
    login(staff.manager)
    assert client.get("/recognition/flags").status_code == 403
    client.post("/auth/logout")
    login(staff.other_hr)
    assert "Антонова" not in client.get("/recognition/flags").get_data(as_text=True)
    assert client.post(f"/recognition/flags/{flag.id}/review", data={"note": "x"}).status_code == 404
    client.post("/auth/logout")
    login(staff.hr)
    page = client.get("/recognition/flags").get_data(as_text=True)
    assert "Всплеск голосов клиентов" in page and "Антонова Анна Сергеевна" in page
    response = client.post(f"/recognition/flags/{flag.id}/review",
                           data={"note": "Очередь из группы клиентов после семинара, всё в порядке."})
    assert response.status_code == 303
    db.session.expire_all()
    flag = db.session.get(Flag, flag.id)
    assert flag.is_reviewed and flag.reviewed_by_id == staff.hr.id
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "recognition.flag_review"))
    assert "Всплеск" not in client.get("/recognition/flags").get_data(as_text=True)
    assert "семинара" in client.get("/recognition/flags?state=reviewed").get_data(as_text=True)


# --- issue 15, finding 4: a flag holds the result; small centres -------------------------------------------

def test_three_quick_client_votes_in_a_small_centre_raise_a_flag(staff):
    """Three fresh-browser votes decided the demo contest and raised no flag (the threshold was 5)."""
    _client_votes(staff.anna, 3)
    found = db.session.scalar(select(Flag))
    assert found is not None and found.kind == FlagKind.CLIENT_BURST and "3 голос" in found.explanation


def test_an_open_flag_holds_the_title_until_hr_reviews_it(client, login, staff):
    contest = services.open_contest(staff.manager, centre=staff.anna.centre, now=MID_MARCH)
    db.session.commit()
    _client_votes(staff.anna, 3)  # a burst: flagged
    services.close_contest(staff.manager, contest, now=MID_MARCH + timedelta(days=1))
    db.session.commit()
    assert contest.results["held"] is True
    assert db.session.scalar(select(func.count()).select_from(Award)) == 0
    login(staff.vera)
    page = client.get(f"/recognition/contests/{contest.id}").get_data(as_text=True)
    assert "Итоги ждут проверки кадровой службы" in page
    client.post("/auth/logout")
    login(staff.hr)
    flag = db.session.scalar(select(Flag).where(Flag.contest_id == contest.id))
    response = client.post(f"/recognition/flags/{flag.id}/review", data={"note": "Проверили: очередь была"})
    assert response.status_code == 303
    db.session.expire_all()
    awards = db.session.scalars(select(Award).where(Award.contest_id == contest.id)).all()
    assert {a.user_id for a in awards} == {staff.anna.id} and not contest.results.get("held")
