"""The live «викторина / брейн-ринг» (training/quizzes/live.py): scoring per format, deadlines, the first press,
answers hidden before the host shows them, ranking ties, the board's 304, and a quest checkpoint's scores."""
from __future__ import annotations

import random
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import MultiDict

from tests.factories import make_org, make_user
from tests.support.concurrency import run_in_parallel
from tests.support.quiz_bank import BANK, form_for
from training.accounts.models import Role, User
from training.audit.models import AuditEntry
from training.errors import Conflict, DomainError, NotAllowed
from training.extensions import db
from training.gamification.quests import services as quests
from training.gamification.quests.models import QuestScore, QuestScoreRevision
from training.quizzes import bank, live, services
from training.quizzes.models import LiveAnswer, LiveSession, LiveStatus, LiveTeamMember

RNG = random.Random(7)


def _game(world, quiz, *, format="quiz", teams=("Альфа", "Бета"), seconds=30, points=10, **kw):
    session = live.create_session(world.teacher, quiz, title="Игра", format=format, seconds_per_question=seconds,
                                  points_per_question=points, team_names=list(teams), rng=RNG, **kw)
    db.session.commit()
    return session


def _players(world, session, count=2):
    """One player per team: the two learners of the world, then new colleagues."""
    people = [world.learner, world.other_learner]
    while len(people) < count:
        people.append(make_user(department=world.org.front_a))
    for person, team in zip(people, session.teams, strict=False):
        live.join_team(person, session, team)
    db.session.commit()
    return people[:count]


def _at(session, name):
    """Open questions until the one named ``name``; returns it (the host reveals each one on the way)."""
    while True:
        question = live.next_question(session.host, session, session.current_position)
        if question.version.question.name == name:
            db.session.commit()
            return question
        live.reveal(session.host, session, question.position)


# --- creating ------------------------------------------------------------------------------------------------

def test_only_auto_marked_questions_are_used_in_bank_order(world, quiz):
    session = _game(world, quiz)
    names = [q.version.question.name for q in session.questions]
    assert names == ["CES", "Группы KPI", "Первое впечатление", "FCR", "Оператор", "Соответствие"]
    assert session.skipped_count == 2  # the essay and the description
    assert re.fullmatch(r"\d{6}", session.code) and session.regional_service_id == world.teacher.regional_service_id
    assert [t.name for t in session.teams] == ["Альфа", "Бета"]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "quiz.live_create"))
    assert entry.actor_id == world.teacher.id


def test_shuffled_and_limited_games_and_bad_settings(world, quiz):
    session = _game(world, quiz, question_count=3, is_shuffled=True)
    assert len(session.questions) == 3
    for kwargs, message in (({"seconds": 5}, "от 10 до 600"), ({"points": 0}, "от 1 до 100"),
                            ({"format": "poker"}, "формат")):
        with pytest.raises(DomainError, match=message):
            _game(world, quiz, **kwargs)
        db.session.rollback()
    learner_cannot = pytest.raises(NotAllowed)
    with learner_cannot:
        live.create_session(world.learner, quiz)


def test_a_person_plays_in_one_team_and_changes_it_only_in_the_lobby(world, quiz):
    session = _game(world, quiz)
    alpha, beta = session.teams
    live.join_team(world.learner, session, alpha)
    live.join_team(world.learner, session, beta)  # in the lobby: moves
    db.session.commit()
    assert live.team_of(world.learner, session).id == beta.id
    assert db.session.scalar(select(func.count()).select_from(LiveTeamMember)) == 1
    with pytest.raises(DomainError, match="Ведущий"):
        live.join_team(world.teacher, session, alpha)
    live.join_team(world.other_learner, session, alpha)
    live.next_question(world.teacher, session, 0)
    db.session.commit()
    with pytest.raises(DomainError, match="до начала"):
        live.join_team(world.learner, session, alpha)
    db.session.rollback()
    db.session.add(LiveTeamMember(session_id=session.id, team_id=alpha.id, user_id=world.learner.id))
    with pytest.raises(IntegrityError):  # the schema says it too
        db.session.flush()
    db.session.rollback()


# --- викторина -----------------------------------------------------------------------------------------------

def test_quiz_points_are_the_fraction_times_the_points_and_the_first_answer_counts(world, quiz):
    session = _game(world, quiz)
    alice, bob = _players(world, session)
    ces = live.next_question(world.teacher, session, 0)
    db.session.commit()
    answer = live.submit_answer(alice, session, 1, form_for(live._slot(ces), right=True))
    assert (answer.fraction, answer.points, answer.bonus) == (1.0, 10, 0)
    live.submit_answer(bob, session, 1, form_for(live._slot(ces), right=False))
    db.session.commit()
    with pytest.raises(Conflict, match="уже ответила"):
        live.submit_answer(alice, session, 1, form_for(live._slot(ces), right=False))
    db.session.rollback()
    # nothing shows on the board before the answer is revealed
    assert [r["points"] for r in live.standings(session)] == [0, 0]
    live.reveal(world.teacher, session, 1)
    db.session.commit()
    assert {r["name"]: r["points"] for r in live.standings(session)} == {"Альфа": 10, "Бета": 0}
    # a partly right answer earns its part: one of the two right options of «Группы KPI» → 50 % → 5
    kpi = live.next_question(world.teacher, session, 1)
    form = form_for(live._slot(kpi), right=True)
    form.setlist("answer", form.getlist("answer")[:1])
    assert live.submit_answer(alice, session, 2, form).points == 5
    with pytest.raises(DomainError, match="Выберите или введите"):
        live.submit_answer(bob, session, 2, MultiDict())


def test_the_speed_bonus_adds_up_to_half_the_points_for_a_fully_right_answer(world, quiz):
    session = _game(world, quiz, is_speed_bonus=True)
    alice, bob = _players(world, session)
    question = live.next_question(world.teacher, session, 0)
    db.session.commit()
    halfway = question.opened_at + timedelta(seconds=15)
    answer = live.submit_answer(alice, session, 1, form_for(live._slot(question)), now=halfway)
    assert (answer.points, answer.bonus) == (13, 3)  # 10 + 5 × 15/30 = 2.5, rounded half up
    wrong = live.submit_answer(bob, session, 1, form_for(live._slot(question), right=False), now=halfway)
    assert (wrong.points, wrong.bonus) == (0, 0)


def test_answers_after_the_deadline_or_the_reveal_do_not_count(world, quiz):
    session = _game(world, quiz, seconds=20)
    alice, bob = _players(world, session)
    question = live.next_question(world.teacher, session, 0)
    db.session.commit()
    assert question.deadline_at == question.opened_at + timedelta(seconds=20)
    with pytest.raises(DomainError, match="Время вышло"):
        live.submit_answer(alice, session, 1, form_for(live._slot(question)),
                           now=question.deadline_at + timedelta(seconds=1))
    db.session.rollback()
    live.reveal(world.teacher, session, 1)
    db.session.commit()
    with pytest.raises(DomainError, match="закрыт"):
        live.submit_answer(bob, session, 1, form_for(live._slot(question)))
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(LiveAnswer)) == 0


def test_a_double_tap_on_next_moves_one_question(world, quiz):
    session = _game(world, quiz)
    _players(world, session)
    with pytest.raises(DomainError, match="две команды"):
        live.next_question(world.teacher, _game(world, quiz, teams=("Одна",)), 0)
    db.session.rollback()
    live.next_question(world.teacher, session, 0)
    db.session.commit()
    with pytest.raises(Conflict, match="уже сменился"):
        live.next_question(world.teacher, session, 0)  # a double tap on «Начать»
    db.session.rollback()
    with pytest.raises(DomainError, match="покажите ответ"):
        live.next_question(world.teacher, session, 1)
    db.session.rollback()
    live.reveal(world.teacher, session, 1)
    live.reveal(world.teacher, session, 1)  # a double tap on «Показать ответ» is harmless
    live.next_question(world.teacher, session, 1)
    db.session.commit()
    with pytest.raises(Conflict):
        live.reveal(world.teacher, session, 1)  # the host's screen was stale
    db.session.rollback()
    assert session.current_position == 2


# --- брейн-ринг ----------------------------------------------------------------------------------------------

def test_brain_ring_first_press_takes_the_turn_and_a_wrong_answer_locks_the_team_out(world, quiz):
    session = _game(world, quiz, format="brain_ring", seconds=0, teams=("Альфа", "Бета", "Гамма"))
    alice, bob, carl = _players(world, session, 3)
    question = live.next_question(world.teacher, session, 0)
    db.session.commit()
    assert question.deadline_at is None  # 0: no limit in a brain-ring
    live.buzz(alice, session, 1)
    db.session.commit()
    with pytest.raises(Conflict, match="Альфа"):
        live.buzz(bob, session, 1)
    db.session.rollback()
    with pytest.raises(DomainError, match="устно"):
        live.submit_answer(bob, session, 1, {"answer": "0"})
    db.session.rollback()
    alpha, beta, _ = session.teams
    live.judge(world.teacher, session, 1, alpha.id, False)
    db.session.commit()
    with pytest.raises(DomainError, match="уже отвечала"):
        live.buzz(alice, session, 1)
    db.session.rollback()
    with pytest.raises(Conflict):
        live.judge(world.teacher, session, 1, alpha.id, True)  # no longer holds the turn
    db.session.rollback()
    live.buzz(bob, session, 1)
    live.judge(world.teacher, session, 1, beta.id, True)
    db.session.commit()
    assert session.status == LiveStatus.REVEALED
    assert {r["name"]: r["points"] for r in live.standings(session)} == {"Бета": 10, "Альфа": 0, "Гамма": 0}
    with pytest.raises(DomainError, match="закрыт"):
        live.buzz(carl, session, 1)


# --- ranking and finishing -----------------------------------------------------------------------------------

def test_standard_competition_ranking_with_ties(world, quiz):
    assert live.competition_ranks([10, 10, 7, 7, 3]) == [1, 1, 3, 3, 5]
    session = _game(world, quiz, teams=("Альфа", "Бета", "Гамма"))
    alice, bob, carl = _players(world, session, 3)
    question = live.next_question(world.teacher, session, 0)
    for person, right in ((alice, True), (bob, True), (carl, False)):
        live.submit_answer(person, session, 1, form_for(live._slot(question), right=right))
    live.reveal(world.teacher, session, 1)
    db.session.commit()
    rows = [(r["name"], r["points"], r["rank"], r["is_tie"]) for r in live.standings(session)]
    assert rows == [("Альфа", 10, 1, True), ("Бета", 10, 1, True), ("Гамма", 0, 3, False)]


def test_finishing_counts_the_open_question_and_freezes_the_ranking(world, quiz):
    session = _game(world, quiz)
    alice, _ = _players(world, session)
    question = live.next_question(world.teacher, session, 0)
    live.submit_answer(alice, session, 1, form_for(live._slot(question)))
    db.session.commit()
    ranking, notes = live.finish(world.teacher, session)
    db.session.commit()
    assert notes == [] and ranking[0]["name"] == "Альфа" and ranking[0]["points"] == 10
    assert session.final_ranking[0]["member_names"] == [alice.full_name]
    session.teams[0].name = "Переименована"
    db.session.commit()
    assert live.standings(session)[0]["name"] == "Альфа"  # frozen
    with pytest.raises(DomainError, match="уже завершена"):
        live.finish(world.teacher, session)
    db.session.rollback()
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "quiz.live_finish")) is not None


def test_a_question_shown_in_a_game_is_versioned_on_edit(world, quiz):
    session = _game(world, quiz)
    version = session.questions[0].version
    assert bank.is_version_used(version)


# --- a quest's checkpoint run live ---------------------------------------------------------------------------

@pytest.fixture
def quest_world(app, org):

    organiser = make_user(Role.TEACHER, department=org.back_a, full_name="Организаторова Ольга")
    players = [make_user(department=org.front_a) for _ in range(3)]
    bank.import_gift_bank(None, BANK)
    quiz = services.create_custom_quiz(organiser, "Викторина квеста")
    quiz.is_answers_shuffled = False
    quest = quests.create_quest(organiser, title="Квест", format="brain_ring")
    teams = [quests.save_team(organiser, quest, None, name=name, member_ids=[p.id])
             for name, p in zip(("Альфа", "Бета", "Гамма"), players, strict=True)]
    checkpoint = quests.add_checkpoint(organiser, quest, title="Викторина", kind="quiz", task="", max_points=20,
                                       quiz_id=quiz.id, instructor_ids=[])
    quests.start_quest(organiser, quest)
    db.session.commit()
    return organiser, players, quiz, quest, teams, checkpoint


def _quest_game(organiser, quiz, checkpoint, quest):

    source_key, teams = quests.live_source(checkpoint)
    session = live.create_session(organiser, quiz, teams=teams, source_key=source_key, source_label="Квест",
                                  regional_service_id=quest.regional_service_id, seconds_per_question=30, rng=RNG)
    db.session.commit()
    return session


def test_a_checkpoint_game_records_scaled_quest_scores_at_the_finish(quest_world):

    organiser, players, quiz, quest, teams, checkpoint = quest_world
    session = _quest_game(organiser, quiz, checkpoint, quest)
    assert not session.is_join_open and [len(t.members) for t in session.teams] == [1, 1, 1]
    with pytest.raises(DomainError, match="задал организатор"):
        live.join_team(players[0], session, session.teams[1])
    db.session.rollback()
    for _ in range(2):  # two questions: Альфа right twice, Бета once, Гамма never
        question = live.next_question(organiser, session, session.current_position)
        for index, player in enumerate(players):
            right = index == 0 or (index == 1 and question.position == 1)
            live.submit_answer(player, session, question.position, form_for(live._slot(question), right=right))
        live.reveal(organiser, session, question.position)
    db.session.commit()
    _, notes = live.finish(organiser, session)
    db.session.commit()
    assert "Баллы записаны" in notes[0]
    scores = {s.team_id: s.points for s in db.session.scalars(select(QuestScore))}
    # 20 of 20 game points → 20 of 20 checkpoint points; 10 of 20 → 10; scaled to the checkpoint's maximum
    assert scores == {teams[0].id: 20, teams[1].id: 10, teams[2].id: 0}
    assert quests.live_points(25, 20, 20) == 20  # a speed bonus cannot pass the checkpoint's maximum
    # running the checkpoint again corrects the scores and keeps the previous ones as revisions
    again = _quest_game(organiser, quiz, checkpoint, quest)
    question = live.next_question(organiser, again, 0)
    live.submit_answer(players[2], again, 1, form_for(live._slot(question)))
    live.finish(organiser, again)
    db.session.commit()
    scores = {s.team_id: (s.points, s.revision) for s in db.session.scalars(select(QuestScore))}
    assert scores[teams[2].id] == (20, 2) and scores[teams[0].id] == (0, 2)
    assert db.session.scalar(select(func.count()).select_from(QuestScoreRevision)) == 3


def test_a_checkpoint_game_respects_the_quest_rules(quest_world):

    organiser, players, quiz, quest, teams, checkpoint = quest_world
    with pytest.raises(NotAllowed, match="ведущий"):
        source_key, specs = quests.live_source(checkpoint)
        live.create_session(players[0], quiz, teams=specs, source_key=source_key)
    db.session.rollback()
    session = _quest_game(organiser, quiz, checkpoint, quest)
    live.next_question(organiser, session, 0)
    quests.close_quest(organiser, quest)
    db.session.commit()
    _, notes = live.finish(organiser, session)
    db.session.commit()
    assert notes == ["Квест «Квест» не идёт: баллы игры в квест не записаны."]
    assert db.session.scalar(select(func.count()).select_from(QuestScore)) == 0


# --- through the pages ---------------------------------------------------------------------------------------

SECRETS = ["Верно: Customer Effort Score", "CES — индекс усилий клиента", "Это NPS", "Нет, это внутренний процесс",
           "Верно: 150 / 200", "Разделите 150 на 200", "оператор", "Почти", "Нет, именно за 40 секунд",
           "is-right", "Верный ответ", "tag-ok\">верный", "готовность рекомендовать</strong>"]


def _leaks(html: str) -> list[str]:
    return [s for s in SECRETS if s.lower() in html.lower()]


def test_participants_never_see_answers_before_the_host_shows_them(app, world, quiz, client, login):
    session = _game(world, quiz)
    alice, bob = _players(world, session)
    session_id = session.id
    login(alice)
    for position in range(1, len(session.questions) + 1):
        question = live.next_question(world.teacher, session, position - 1)
        db.session.commit()
        before = [client.get(f"/quizzes/live/{session_id}").get_data(as_text=True),
                 client.get(f"/quizzes/live/{session_id}", headers={"HX-Request": "true"}).get_data(as_text=True),
                 client.get(f"/quizzes/live/{session_id}/board").get_data(as_text=True),
                 client.get(f"/quizzes/live/{session_id}/board?screen=1").get_data(as_text=True)]
        for html in before:
            assert not _leaks(html), (question.version.question.name, _leaks(html))
        form = form_for(live._slot(question))
        answered = client.post(f"/quizzes/live/{session_id}/answer", data={**form.to_dict(flat=False),
                                                                            "position": position},
                               headers={"HX-Request": "true"})
        assert answered.status_code == 200, answered.get_data(as_text=True)
        after = [answered.get_data(as_text=True), client.get(f"/quizzes/live/{session_id}").get_data(as_text=True)]
        for html in after:  # the team's own answer is echoed («Оператор»), nothing else
            assert "принят" in html or "ответила" in html
            assert not [s for s in _leaks(html) if s != "оператор"], (question.version.question.name, _leaks(html))
        live.reveal(world.teacher, session, position)
        db.session.commit()
        shown = client.get(f"/quizzes/live/{session_id}").get_data(as_text=True)
        assert "Верный ответ" in shown or "верно: " in shown or "tag-ok" in shown
    assert {r["name"]: r["points"] for r in live.standings(session)} == {"Альфа": 60, "Бета": 0}


def test_the_board_and_the_phone_poll_cheaply(app, world, quiz, client, login):
    session = _game(world, quiz)
    alice, bob = _players(world, session)
    question = live.next_question(world.teacher, session, 0)
    db.session.commit()
    login(alice)
    board = client.get(f"/quizzes/live/{session.id}/board")
    tag = board.headers["ETag"]
    assert board.status_code == 200 and tag.startswith("W/")
    assert client.get(f"/quizzes/live/{session.id}/board", headers={"If-None-Match": tag}).status_code == 304
    bare = tag[3:-1]
    poll = client.get(f"/quizzes/live/{session.id}/board?v={bare}", headers={"HX-Request": "true"})
    assert poll.status_code == 204
    phone = client.get(f"/quizzes/live/{session.id}")
    phone_tag = phone.headers["ETag"][3:-1]
    # another team's answer changes the board but not Alice's phone (a half-typed answer survives the poll)
    live.submit_answer(bob, session, 1, form_for(live._slot(question)))
    db.session.commit()
    assert client.get(f"/quizzes/live/{session.id}/board", headers={"If-None-Match": tag}).status_code == 200
    assert client.get(f"/quizzes/live/{session.id}?v={phone_tag}", headers={"HX-Request": "true"}).status_code == 204
    live.reveal(world.teacher, session, 1)
    db.session.commit()
    changed = client.get(f"/quizzes/live/{session.id}?v={phone_tag}", headers={"HX-Request": "true"})
    assert changed.status_code == 200 and "<html" not in changed.get_data(as_text=True)


def test_the_host_runs_a_game_through_the_pages(app, world, quiz, client, login):
    login(world.teacher)
    page = client.get(f"/quizzes/{quiz.id}/live/new")
    assert page.status_code == 200 and "Не войдут в игру: 2" in page.get_data(as_text=True)
    bad = client.post(f"/quizzes/{quiz.id}/live/new", data={"format": "quiz", "seconds_per_question": "3",
                                                          "points_per_question": "10"})
    assert bad.status_code == 422 and "от 10 до 600" in bad.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(LiveSession)) == 0
    created = client.post(f"/quizzes/{quiz.id}/live/new", data={
        "title": "Брейн-ринг отдела", "format": "brain_ring", "seconds_per_question": "0",
        "points_per_question": "5", "question_count": "2", "teams": "Альфа\nБета\n\nАльфа"})
    assert created.status_code == 303
    session = db.session.scalar(select(LiveSession))
    host = client.get(created.headers["Location"]).get_data(as_text=True)
    assert session.code in host and "data:image/svg+xml" in host and "Начать" in host
    assert [t.name for t in session.teams] == ["Альфа", "Бета"]
    assert client.post(f"/quizzes/live/{session.id}/next", data={"position": "0"}).status_code == 303
    # a learner joins by the code and presses first
    client.post("/auth/logout")
    login(world.learner)
    joined = client.get(f"/quizzes/live?code={session.code}")
    assert joined.status_code == 303 and joined.headers["Location"].endswith(f"/quizzes/live/{session.id}")
    unknown = client.get(f"/quizzes/live?code={'000000' if session.code != '000000' else '111111'}")
    assert unknown.status_code == 404 and "Игра с таким кодом не найдена" in unknown.get_data(as_text=True)
    assert client.get(f"/quizzes/live/{session.id}/host").status_code == 404
    assert client.post(f"/quizzes/live/{session.id}/finish").status_code == 404
    refused = client.post(f"/quizzes/live/{session.id}/buzz", data={"position": "1"})
    assert refused.status_code == 422 and "не в команде" in refused.get_data(as_text=True)
    alpha = session.teams[0]
    # joining after the start is allowed (changing teams is not)
    assert client.post(f"/quizzes/live/{session.id}/team", data={"team_id": alpha.id}).status_code == 303
    moved = client.post(f"/quizzes/live/{session.id}/team", data={"team_id": session.teams[1].id})
    assert moved.status_code == 422 and "до начала игры" in moved.get_data(as_text=True)
    pressed = client.post(f"/quizzes/live/{session.id}/buzz", data={"position": "1"}, headers={"HX-Request": "true"})
    assert pressed.status_code == 200 and "Ваша команда отвечает" in pressed.get_data(as_text=True)
    client.post("/auth/logout")
    login(world.teacher)
    assert "Отвечает команда «Альфа»" in client.get(f"/quizzes/live/{session.id}/host").get_data(as_text=True)
    assert client.post(f"/quizzes/live/{session.id}/judge", data={"position": "1", "team_id": alpha.id,
                                                                  "verdict": "right"}).status_code == 303
    assert client.post(f"/quizzes/live/{session.id}/finish").status_code == 303
    board = client.get(f"/quizzes/live/{session.id}/board").get_data(as_text=True)
    assert "Итоги заморожены" in board and 'data-team="Альфа"' in board and "hx-get" not in board


def test_games_of_another_service_do_not_exist_for_its_staff(app, world, quiz, client, login):
    session = _game(world, quiz)
    stranger = make_user(centre=world.org.other_centre)
    login(stranger)
    assert client.get(f"/quizzes/live/{session.id}").status_code == 404
    assert client.get(f"/quizzes/live?code={session.code}").status_code == 404
    assert client.post(f"/quizzes/live/{session.id}/team", data={"team_id": session.teams[0].id}).status_code == 404


def test_running_a_checkpoint_live_from_the_quest_page(quest_world, client, login):
    organiser, players, quiz, quest, teams, checkpoint = quest_world
    login(organiser)
    detail = client.get(f"/team/quests/{quest.id}").get_data(as_text=True)
    url = f"/team/quests/{quest.id}/checkpoints/{checkpoint.id}/live"
    assert url in detail and "Провести вживую" in detail
    form = client.get(url).get_data(as_text=True)
    assert "Альфа" in form and re.search(r'<input[^>]*checked[^>]*value="brain_ring"', form)
    created = client.post(url, data={"format": "quiz", "seconds_per_question": "30", "points_per_question": "10"})
    assert created.status_code == 303
    session = db.session.scalar(select(LiveSession))
    assert session.source_key == f"quest-checkpoint:{checkpoint.id}" and not session.is_join_open
    client.post("/auth/logout")
    login(players[0])
    assert client.get(url).status_code == 403


# --- PostgreSQL: real threads ----------------------------------------------------------------------------------



def _pg_game(format: str, teams: int, per_team: int):
    org = make_org()
    host = make_user(Role.TEACHER, department=org.front_a)
    bank.import_gift_bank(None, "::Да::Верно? {T}\n\n::Нет::Неверно? {F}\n")
    quiz = services.create_custom_quiz(host, "Параллельная")
    session = live.create_session(host, quiz, format=format, seconds_per_question=60,
                                  team_names=[f"Команда {i}" for i in range(teams)])
    people = []
    for team in session.teams:
        for _ in range(per_team):
            person = make_user(department=org.front_a)
            live.join_team(person, session, team)
            people.append(person.id)
    live.next_question(host, session, 0)
    db.session.commit()
    return session.id, people


@pytest.mark.postgres
def test_eight_teams_pressing_at_once_give_the_turn_to_exactly_one(pg_app):

    session_id, people = _pg_game("brain_ring", 8, 1)

    def press(i):
        return live.buzz(db.session.get(User, people[i]), db.session.get(LiveSession, session_id), 1).id

    results = run_in_parallel(pg_app, 8, press)
    winners = [r for r in results if isinstance(r, int)]
    assert len(winners) == 1, results
    assert all(isinstance(r, Conflict) for r in results if not isinstance(r, int)), results
    session = db.session.get(LiveSession, session_id)
    assert session.current.buzz_team_id == winners[0]


@pytest.mark.postgres
def test_teammates_answering_at_once_leave_one_answer(pg_app):

    session_id, people = _pg_game("quiz", 2, 6)

    def answer(i):
        return live.submit_answer(db.session.get(User, people[i]), db.session.get(LiveSession, session_id), 1,
                                  {"answer": "true" if i % 2 else "false"}).id

    results = run_in_parallel(pg_app, 6, answer)  # the six members of the first team
    assert len([r for r in results if isinstance(r, int)]) == 1, results
    assert db.session.scalar(select(func.count()).select_from(LiveAnswer)) == 1


def test_hr_of_the_service_co_hosts_and_other_teachers_do_not(app, world, quiz, client, login):
    session = _game(world, quiz)
    hr = make_user(Role.HR, service=world.org.service)
    colleague_teacher = make_user(Role.TEACHER, department=world.org.front_a)
    with pytest.raises(DomainError, match="Ведущий не играет"):
        live.join_team(hr, session, session.teams[0])  # a co-host sees the answers: does not play
    db.session.rollback()
    login(colleague_teacher)
    assert client.get(f"/quizzes/live/{session.id}/host").status_code == 404
    assert client.get(f"/quizzes/live/{session.id}").status_code == 200
    client.post("/auth/logout")
    login(hr)
    assert "Верный ответ (только для ведущего)" not in client.get(f"/quizzes/live/{session.id}/host").get_data(
        as_text=True)  # the lobby: no question yet
    assert client.post(f"/quizzes/live/{session.id}/teams", data={"name": "Гамма"}).status_code == 303
    assert [t.name for t in db.session.get(LiveSession, session.id).teams] == ["Альфа", "Бета", "Гамма"]


def test_an_hr_officer_playing_in_a_quest_team_is_not_a_co_host(app, org, client, login):
    """HR of the service co-hosts other games, but once a quest brings them into a team they play: the host page
    (which shows the right answer before the reveal) is closed to them."""

    organiser = make_user(Role.TEACHER, department=org.back_a)
    hr_player = make_user(Role.HR, service=org.service, full_name="Кадрова Играющая")
    other = make_user(department=org.front_a)
    bank.import_gift_bank(None, BANK)
    quiz = services.create_custom_quiz(organiser, "Викторина квеста")
    quest = quests.create_quest(organiser, title="Квест", format="quiz")
    quests.save_team(organiser, quest, None, name="Кадры", member_ids=[hr_player.id])
    quests.save_team(organiser, quest, None, name="Окна", member_ids=[other.id])
    checkpoint = quests.add_checkpoint(organiser, quest, title="Викторина", kind="quiz", task="", max_points=20,
                                       quiz_id=quiz.id, instructor_ids=[])
    quests.start_quest(organiser, quest)
    db.session.commit()
    session = _quest_game(organiser, quiz, checkpoint, quest)
    assert not live.can_host(hr_player, session)
    live.next_question(organiser, session, 0)
    db.session.commit()
    login(hr_player)
    assert client.get(f"/quizzes/live/{session.id}/host").status_code == 404
    page = client.get(f"/quizzes/live/{session.id}").get_data(as_text=True)
    assert "Верный ответ" not in page
