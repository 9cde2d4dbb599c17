"""Corporate quests and team quizzes: setup, scoring with corrections, the live leaderboard, freezing."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tests.factories import PASSWORD, make_org, make_user
from tests.support.concurrency import run_in_parallel
from training.accounts.models import Role, User
from training.audit.models import AuditEntry
from training.db import utcnow
from training.errors import Conflict, DomainError, NotAllowed
from training.extensions import db
from training.gamification.quests import services as quests
from training.gamification.quests.jobs import remind_quarter_without_quest
from training.gamification.quests.models import Quest, QuestScore, QuestScoreRevision, QuestStatus
from training.notifications.models import Notification
from training.signals import quest_finished


def _quest(staff, *, teams=("Альфа", "Бета", "Гамма"), running=True):
    """Teams: Альфа = Анна+Борис, Бета = Вера, Гамма = Глеб. Checkpoints: 1 (teacher), 2 (manager)."""
    teacher = staff["teacher"]
    quest = quests.create_quest(staff["hr"], title="Квест клиентоцентричности", held_on=date.today())
    members = {"Альфа": [staff["anna"].id, staff["boris"].id], "Бета": [staff["vera"].id], "Гамма": [staff["gleb"].id]}
    made = {name: quests.save_team(staff["hr"], quest, None, name=name, member_ids=members[name]) for name in teams}
    first = quests.add_checkpoint(staff["hr"], quest, title="Трудный клиент", kind="case", task="Разберите кейс",
                                  max_points=10, quiz_id=None, instructor_ids=[teacher.id])
    second = quests.add_checkpoint(staff["hr"], quest, title="Вопрос", kind="question", task="?", max_points=5,
                                   quiz_id=None, instructor_ids=[staff["manager"].id])
    if running:
        quests.start_quest(staff["hr"], quest)
    db.session.commit()
    return quest, made, first, second


def test_competition_ranking_shows_ties_as_ties():
    assert quests.competition_ranks([10, 10, 7]) == [1, 1, 3]
    assert quests.competition_ranks([9, 5, 5, 5, 1]) == [1, 2, 2, 2, 5]
    assert quests.competition_ranks([]) == []


def test_a_quest_needs_two_teams_and_a_checkpoint_to_start(app, staff):
    quest, teams, *_ = _quest(staff, teams=("Альфа",), running=False)
    with pytest.raises(DomainError, match="две команды"):
        quests.start_quest(staff["hr"], quest)


def test_a_person_plays_in_one_team_only(app, staff):
    quest, teams, *_ = _quest(staff, running=False)
    with pytest.raises(DomainError, match="Уже в другой команде"):
        quests.save_team(staff["hr"], quest, None, name="Дельта", member_ids=[staff["anna"].id])


def test_only_staff_of_the_quest_scope_can_be_added(app, staff, org):
    quest, *_ = _quest(staff, running=False)
    stranger = make_user(service=org.other_service, centre=org.other_centre)
    with pytest.raises(DomainError, match="не из подразделений"):
        quests.save_team(staff["hr"], quest, None, name="Чужие", member_ids=[stranger.id])


def test_a_team_is_scored_once_per_checkpoint_and_corrections_keep_the_previous_value(app, staff):
    quest, teams, first, _ = _quest(staff)
    teacher, alpha = staff["teacher"], teams["Альфа"]
    score = quests.record_score(teacher, first, alpha, points=7, comment="хорошо")
    db.session.commit()
    with pytest.raises(Conflict, match="уже оценил"):
        quests.record_score(staff["hr"], first, alpha, points=9, comment="", replaces_revision=0)
    db.session.rollback()
    corrected = quests.record_score(staff["hr"], first, alpha, points=9, comment="пересчитали", replaces_revision=1)
    db.session.commit()
    assert (corrected.id, corrected.points, corrected.revision) == (score.id, 9, 2)
    revision = db.session.scalar(select(QuestScoreRevision))
    assert (revision.previous_points, revision.previous_comment, revision.previous_instructor_id,
            revision.changed_by_id) == (7, "хорошо", teacher.id, staff["hr"].id)
    with pytest.raises(Conflict):  # a stale correction (revision 1 is gone)
        quests.record_score(teacher, first, alpha, points=1, comment="", replaces_revision=1)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(QuestScore)) == 1


def test_instructors_score_only_their_checkpoints_and_never_their_own_team(app, staff):
    quest, teams, first, second = _quest(staff)
    with pytest.raises(NotAllowed):
        quests.record_score(staff["manager"], first, teams["Бета"], points=3, comment="")
    db.session.rollback()
    quests.save_team(staff["hr"], quest, teams["Бета"], name="Бета", member_ids=[staff["vera"].id, staff["teacher"].id])
    db.session.commit()
    with pytest.raises(NotAllowed, match="Свою команду"):
        quests.record_score(staff["teacher"], first, teams["Бета"], points=3, comment="")
    db.session.rollback()
    with pytest.raises(DomainError, match="от 0 до 5"):
        quests.record_score(staff["manager"], second, teams["Бета"], points=6, comment="")


def test_scores_only_while_running(app, staff):
    quest, teams, first, _ = _quest(staff, running=False)
    with pytest.raises(DomainError, match="пока квест идёт"):
        quests.record_score(staff["teacher"], first, teams["Альфа"], points=3, comment="")


def test_closing_freezes_the_ranking_and_announces_places_with_ties(app, staff):
    quest, teams, first, second = _quest(staff)
    quests.record_score(staff["teacher"], first, teams["Альфа"], points=8, comment="")
    quests.record_score(staff["teacher"], first, teams["Бета"], points=5, comment="")
    quests.record_score(staff["manager"], second, teams["Бета"], points=3, comment="")
    quests.record_score(staff["teacher"], first, teams["Гамма"], points=2, comment="")
    db.session.commit()
    announced = []

    def listener(sender, **kwargs):
        announced.append((sender.id, kwargs["team_member_ids_by_rank"]))

    quest_finished.connect(listener)
    try:
        ranking = quests.close_quest(staff["hr"], quest)
        db.session.commit()
    finally:
        quest_finished.disconnect(listener)
    assert [(r["name"], r["points"], r["rank"], r["is_tie"]) for r in ranking] == [
        ("Альфа", 8, 1, True), ("Бета", 8, 1, True), ("Гамма", 2, 3, False)]
    by_rank = announced[0][1]
    assert announced[0][0] == quest.id
    assert sorted(by_rank[0]) == sorted([staff["anna"].id, staff["boris"].id, staff["vera"].id])
    assert by_rank[1] == [] and by_rank[2] == [staff["gleb"].id]
    # frozen: no more scores, and later changes to people do not alter the snapshot
    with pytest.raises(DomainError, match="заморожены"):
        quests.record_score(staff["manager"], second, teams["Гамма"], points=1, comment="")
    db.session.rollback()
    staff["anna"].full_name = "Антонова-Петрова Анна Андреевна"
    db.session.commit()
    frozen = quests.standings(db.session.get(Quest, quest.id))
    assert "Антонова Анна Андреевна" in frozen[0]["member_names"] + frozen[1]["member_names"]
    with pytest.raises(DomainError):
        quests.close_quest(staff["hr"], quest)
    db.session.rollback()
    notes = db.session.scalars(select(Notification.text).where(Notification.user_id == staff["gleb"].id)).all()
    assert any("3-е место" in text for text in notes)
    assert db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == "quest.close")) is not None


def test_instructor_scores_from_the_phone_page(app, staff, client, login):
    quest, teams, first, _ = _quest(staff)
    login(staff["teacher"])
    url = f"/team/quests/{quest.id}/points/{first.id}"
    page = client.get(url).get_data(as_text=True)
    assert "Альфа" in page and "Разберите кейс" in page
    response = client.post(url, data={"team_id": teams["Альфа"].id, "revision": 0, "points": 6, "comment": "молодцы"},
                           headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body and "Баллы сохранены" in body
    again = client.post(url, data={"team_id": teams["Альфа"].id, "revision": 0, "points": 9, "comment": ""},
                        headers={"HX-Request": "true"})
    assert again.status_code == 422 and "уже оценил" in again.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(QuestScore.points)) == 6


def test_someone_who_is_not_an_instructor_cannot_score(app, staff, client, login):
    quest, teams, first, _ = _quest(staff)
    login(staff["anna"])
    response = client.post(f"/team/quests/{quest.id}/points/{first.id}",
                           data={"team_id": teams["Бета"].id, "revision": 0, "points": 10})
    assert response.status_code == 403
    assert db.session.scalar(select(func.count()).select_from(QuestScore)) == 0


def test_quest_of_another_service_does_not_exist_for_its_staff(app, staff, client, login, org):
    quest, *_ = _quest(staff)
    login(make_user(service=org.other_service, centre=org.other_centre))
    assert client.get(f"/team/quests/{quest.id}").status_code == 404
    assert client.get(f"/team/quests/{quest.id}/board").status_code == 404


def test_leaderboard_polling_is_light(app, staff, client, login):
    quest, teams, first, _ = _quest(staff)
    login(staff["anna"])
    url = f"/team/quests/{quest.id}/board"
    page = client.get(url)
    body = page.get_data(as_text=True)
    assert 'hx-trigger="every 3s"' in body and "<html" in body
    tag = page.headers["ETag"]
    assert client.get(url, headers={"If-None-Match": tag}).status_code == 304
    version = quests.etag(quest.id)
    poll = client.get(f"{url}?v={version}", headers={"HX-Request": "true"})
    assert poll.status_code == 204 and poll.get_data() == b""
    quests.record_score(staff["teacher"], first, teams["Бета"], points=4, comment="")
    db.session.commit()
    poll = client.get(f"{url}?v={version}", headers={"HX-Request": "true"})
    fragment = poll.get_data(as_text=True)
    assert poll.status_code == 200 and "<html" not in fragment and 'id="board"' in fragment
    assert poll.headers["ETag"] != tag and "HX-Request" in poll.headers["Vary"]
    assert fragment.index("Бета") < fragment.index("Альфа")  # Бета leads with 4 points
    assert f"v={quests.etag(quest.id)}" in fragment


def test_closed_leaderboard_stops_polling(app, staff, client, login):
    quest, *_ = _quest(staff)
    quests.close_quest(staff["hr"], quest)
    db.session.commit()
    login(staff["anna"])
    body = client.get(f"/team/quests/{quest.id}/board").get_data(as_text=True)
    assert "every 3s" not in body and "Итоги заморожены" in body


def test_organiser_sets_up_a_quest_through_the_pages(app, staff, client, login):
    login(staff["teacher"])
    response = client.post("/team/quests/new", data={"title": "Брейн-ринг", "format": "brain_ring", "centre_id": 0})
    assert response.status_code == 303
    quest = db.session.scalar(select(Quest).where(Quest.title == "Брейн-ринг"))
    base = f"/team/quests/{quest.id}"
    assert client.post(f"{base}/teams", data={"team-name": "Знатоки", "team-member_ids": [staff["anna"].id]}).status_code == 303
    assert client.post(f"{base}/teams", data={"team-name": "Эрудиты", "team-member_ids": [staff["vera"].id]}).status_code == 303
    dup = client.post(f"{base}/teams", data={"team-name": "Ещё", "team-member_ids": [staff["anna"].id]})
    assert dup.status_code == 422 and "Уже в другой команде" in dup.get_data(as_text=True)
    assert client.post(f"{base}/checkpoints", data={"cp-title": "Раунд 1", "cp-kind": "question", "cp-max_points": 3,
                                                    "cp-quiz_id": 0, "cp-instructor_ids": [staff["manager"].id]}).status_code == 303
    assert client.post(f"{base}/start").status_code == 303
    db.session.expire_all()
    assert db.session.get(Quest, quest.id).status == QuestStatus.RUNNING
    assert client.get(base).status_code == 200
    other = app.test_client()
    other.post("/auth/login", data={"email": staff["anna"].email, "password": PASSWORD})
    assert other.post(f"{base}/close").status_code == 403


def test_hr_is_reminded_when_a_quarter_passes_without_a_quest(app, staff, org):
    hr = staff["hr"]
    today = date(2026, 4, 2)  # reminds about I квартал 2026
    assert quests.quarter_bounds(today) == (date(2026, 1, 1), date(2026, 4, 1), "I квартал 2026 г.")
    assert quests.quarter_bounds(date(2026, 1, 5))[:2] == (date(2025, 10, 1), date(2026, 1, 1))
    quest = quests.create_quest(staff["manager"], title="Квест ЦЗН А")  # a manager's quest is for their centre
    quest.status, quest.started_at = QuestStatus.CLOSED, utcnow().replace(year=2026, month=2, day=10)
    db.session.commit()
    remind_quarter_without_quest(today)
    remind_quarter_without_quest(today)  # dedupe: a second run adds nothing
    db.session.commit()
    notes = db.session.scalars(select(Notification).where(Notification.user_id == hr.id,
                                                          Notification.kind == "quest-reminder")).all()
    assert len(notes) == 1
    assert org.centre_b.name in notes[0].text and org.centre_a.name not in notes[0].text
    assert not db.session.scalars(select(Notification).where(Notification.user_id == staff["anna"].id)).all()


def test_a_service_wide_quest_covers_every_centre(app, staff):
    quest = quests.create_quest(staff["hr"], title="Общий квест")
    quest.status, quest.started_at = QuestStatus.CLOSED, utcnow().replace(year=2026, month=3, day=1)
    db.session.commit()
    assert remind_quarter_without_quest(date(2026, 4, 1)) == "напоминаний: 0"


@pytest.mark.postgres
def test_two_instructors_scoring_the_same_team_at_once_leave_one_score(pg_app):
    org = make_org()
    people = {
        "organiser": make_user(Role.HR, service=org.service),
        "one": make_user(Role.TEACHER, department=org.front_a),
        "two": make_user(Role.TEACHER, department=org.front_a),
        "a": make_user(department=org.front_a), "b": make_user(department=org.front_a),
    }
    quest = quests.create_quest(people["organiser"], title="Параллельный квест")
    team = quests.save_team(people["organiser"], quest, None, name="Альфа", member_ids=[people["a"].id])
    quests.save_team(people["organiser"], quest, None, name="Бета", member_ids=[people["b"].id])
    checkpoint = quests.add_checkpoint(people["organiser"], quest, title="Точка", kind="question", task="", max_points=10,
                                       quiz_id=None, instructor_ids=[people["one"].id, people["two"].id])
    quests.start_quest(people["organiser"], quest)
    db.session.commit()
    ids = {"quest": quest.id, "team": team.id, "checkpoint": checkpoint.id,
           "instructors": [people["one"].id, people["two"].id]}

    def score(i):
        from training.gamification.quests.models import QuestCheckpoint, QuestTeam

        instructor = db.session.get(User, ids["instructors"][i % 2])
        return quests.record_score(instructor, db.session.get(QuestCheckpoint, ids["checkpoint"]),
                                   db.session.get(QuestTeam, ids["team"]), points=i % 10, comment=f"#{i}").id

    results = run_in_parallel(pg_app, 10, score)
    winners = [r for r in results if isinstance(r, int)]
    assert len(winners) == 1
    assert all(isinstance(r, Conflict) for r in results if not isinstance(r, int)), results
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(QuestScore)) == 1
    assert db.session.scalar(select(func.count()).select_from(QuestScoreRevision)) == 0
    assert db.session.get(Quest, quest.id).version >= 1


@pytest.mark.postgres
def test_closing_while_scoring_never_loses_or_adds_a_score_to_the_snapshot(pg_app):
    org = make_org()
    hr = make_user(Role.HR, service=org.service)
    instructor = make_user(Role.TEACHER, department=org.back_a)
    players = [make_user(department=org.front_a) for _ in range(8)]
    quest = quests.create_quest(hr, title="Гонка")
    teams = [quests.save_team(hr, quest, None, name=f"Команда {i}", member_ids=[p.id]) for i, p in enumerate(players)]
    checkpoint = quests.add_checkpoint(hr, quest, title="Точка", kind="question", task="", max_points=10, quiz_id=None,
                                       instructor_ids=[instructor.id])
    quests.start_quest(hr, quest)
    db.session.commit()
    team_ids, quest_id, cp_id, hr_id, instr_id = [t.id for t in teams], quest.id, checkpoint.id, hr.id, instructor.id

    def work(i):
        from training.gamification.quests.models import QuestCheckpoint, QuestTeam

        if i == len(team_ids):
            return quests.close_quest(db.session.get(User, hr_id), db.session.get(Quest, quest_id))
        return quests.record_score(db.session.get(User, instr_id), db.session.get(QuestCheckpoint, cp_id),
                                   db.session.get(QuestTeam, team_ids[i]), points=5, comment="").id

    run_in_parallel(pg_app, len(team_ids) + 1, work)
    db.session.expire_all()
    stored = db.session.scalar(select(func.count()).select_from(QuestScore))
    frozen = db.session.get(Quest, quest_id).final_ranking
    assert sum(row["points"] for row in frozen) == 5 * stored
