"""The live «викторина / брейн-ринг» for teams: the rules (docs/quizzes.md, «Живая викторина и брейн-ринг»).

A host (teacher, HR, administrator; or a quest's organiser or instructor, through engagement) runs a game over the
auto-marked questions of a quiz. Teams answer from their phones; a shared leaderboard follows the game.

- **викторина**: every team answers each question before its deadline; the first answer of a team counts
  (unique (question, team)); points = round(fraction × points per question), plus an optional speed bonus.
- **брейн-ринг**: teams press «Ответить»; the first press takes the turn (a conditional UPDATE: exactly one team
  wins); the host marks the oral answer right (full points, the question closes) or wrong (the team is locked out
  of this question, the others may press).

Concurrency: every change first runs ``UPDATE live_sessions SET version = version + 1 WHERE id = … AND status …
AND current_position = …``. On PostgreSQL that row lock serialises answers, presses and the host's buttons; the
condition refuses an answer to a question that is no longer open, and a double tap on «Следующий вопрос» moves
one question, not two. The leaderboard counts only questions whose answer has been shown, so neither the board
nor a team's score gives an answer away early.

The quizzes domain does not know who asked for a game: a quest passes an opaque ``source_key`` and team keys, and
hears back through ``signals.live_quiz_finished``."""
from __future__ import annotations

import random
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, exists, func, select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import MultiDict

from training.accounts import scopes
from training.accounts.models import User
from training.audit import services as audit
from training.db import utcnow
from training.errors import Conflict, DomainError, NotAllowed
from training.extensions import db
from training.quizzes import grading, presenters, services
from training.quizzes.models import (
    Attempt,
    AttemptSlot,
    LiveAnswer,
    LiveFormat,
    LiveQuestion,
    LiveSession,
    LiveStatus,
    LiveTeam,
    LiveTeamMember,
    Question,
    QuestionVersion,
    Quiz,
)
from training.quizzes.presenters import QuestionView, question_view, review_view
from training.quizzes.question_types import QuestionType
from training.signals import live_quiz_finished

AUTO_TYPES = (QuestionType.MULTICHOICE, QuestionType.TRUEFALSE, QuestionType.SHORTANSWER, QuestionType.NUMERICAL,
              QuestionType.MATCHING)
MAX_QUESTIONS = 100
MAX_TEAMS = 30
CODE_LENGTH = 6
OPEN = (LiveStatus.LOBBY, LiveStatus.QUESTION, LiveStatus.REVEALED)


@dataclass
class TeamSpec:
    """A team given at creation (by a quest): its name, an opaque key told back at the finish, its members."""

    name: str
    key: str | None = None
    member_ids: list[int] = field(default_factory=list)


# --- who may do what ----------------------------------------------------------------------------------------

def can_create(user: User) -> bool:
    return services.can_manage(user)


def can_host(user: User, session: LiveSession) -> bool:
    """The host, an administrator, or an HR officer of the game's service (a co-host). They see the answers
    before the reveal, so they do not play."""
    if session.host_id == user.id:
        return True
    if not scopes.can_administer(user, session):
        return False
    # an HR officer or administrator who plays (a quest's team brought them in) is a player, not a co-host
    return team_of(user, session) is None


def can_view(user: User, session: LiveSession) -> bool:
    """Staff of the game's service (everyone for an administrator's game without a service)."""
    return can_host(user, session) or scopes.open_to(user, session)


def visible_sessions(user: User) -> Select:
    return (select(LiveSession).where(scopes.open_to_condition(user, service=LiveSession.regional_service_id))
            .order_by(LiveSession.created_at.desc(), LiveSession.id.desc()))


def open_sessions(user: User) -> list[LiveSession]:
    """Games the user could join now (for the join page)."""
    return list(db.session.scalars(visible_sessions(user).where(LiveSession.status != LiveStatus.FINISHED).limit(20)))


def find_by_code(code: str) -> LiveSession | None:
    code = "".join(ch for ch in (code or "") if ch.isdigit())[:CODE_LENGTH]
    if len(code) != CODE_LENGTH:
        return None
    return db.session.scalar(select(LiveSession).where(LiveSession.code == code))


def team_of(user: User, session: LiveSession) -> LiveTeam | None:
    return db.session.scalar(select(LiveTeam).join(LiveTeamMember, LiveTeamMember.team_id == LiveTeam.id)
                             .where(LiveTeamMember.session_id == session.id, LiveTeamMember.user_id == user.id))


def _ensure_host(user: User, session: LiveSession) -> None:
    if not can_host(user, session):
        raise NotAllowed("Игрой управляет ведущий.")


# --- creating a game ----------------------------------------------------------------------------------------

def eligible_questions(quiz: Quiz) -> tuple[list[Question], int]:
    """The quiz's visible questions that mark themselves, in bank order, and how many others (essays,
    descriptions) are left out."""
    bank = services.bank_for(quiz)
    auto = [q for q in bank if q.type in AUTO_TYPES]
    return auto, len(bank) - len(auto)


def _check_settings(format: str, seconds: int, points: int, count: int) -> None:
    if format not in set(LiveFormat):
        raise DomainError("Выберите формат: викторина или брейн-ринг.")
    if format == LiveFormat.QUIZ and not 10 <= seconds <= 600:
        raise DomainError("Время на вопрос в викторине — от 10 до 600 секунд.")
    if format == LiveFormat.BRAIN_RING and seconds and not 10 <= seconds <= 600:
        raise DomainError("Время на вопрос — от 10 до 600 секунд (0 — без ограничения).")
    if not 1 <= points <= 100:
        raise DomainError("Баллов за вопрос — от 1 до 100.")
    if not 0 <= count <= MAX_QUESTIONS:
        raise DomainError(f"Вопросов — от 1 до {MAX_QUESTIONS} (0 — все подходящие).")


def _team_names(names: list[str]) -> list[str]:
    cleaned = list(dict.fromkeys(" ".join(n.split())[:100] for n in names if n and n.strip()))
    if len(cleaned) > MAX_TEAMS:
        raise DomainError(f"Команд — не больше {MAX_TEAMS}.")
    return cleaned


def _new_code() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(CODE_LENGTH))


def create_session(actor: User, quiz: Quiz, *, title: str = "", format: str = LiveFormat.QUIZ,
                   seconds_per_question: int = 30, points_per_question: int = 10, question_count: int = 0,
                   is_shuffled: bool = False, is_speed_bonus: bool = False, team_names: list[str] | None = None,
                   teams: list[TeamSpec] | None = None, source_key: str | None = None, source_label: str = "",
                   source_url: str | None = None, regional_service_id: int | None = None,
                   rng: random.Random | None = None) -> LiveSession:
    """A game in the lobby. ``teams`` (with members) come from a quest, which also passes ``source_key``; then
    participants do not pick teams themselves. Otherwise ``team_names`` are empty teams people join."""
    rng = rng or random.SystemRandom()
    if teams is None and not can_create(actor):
        raise NotAllowed("Викторины проводят преподаватели, кадровая служба и администраторы.")
    _check_settings(format, seconds_per_question, points_per_question, question_count)
    questions, skipped = eligible_questions(quiz)
    if not questions:
        raise DomainError("В банке этого теста нет вопросов с автоматической проверкой (эссе и описания "
                          "в живой викторине не используются).")
    if is_shuffled:
        rng.shuffle(questions)
    if question_count:
        questions = questions[:question_count]
    specs = teams if teams is not None else [TeamSpec(name) for name in _team_names(team_names or [])]
    if teams is not None and any(actor.id in spec.member_ids for spec in specs):
        raise NotAllowed("Вы играете в одной из команд: ведущий не может оценивать свою команду.")
    title = " ".join((title or "").split())[:200] or quiz.title[:200]
    session = LiveSession(quiz_id=quiz.id, title=title, format=LiveFormat(format), host_id=actor.id,
                          seconds_per_question=seconds_per_question, points_per_question=points_per_question,
                          is_speed_bonus=bool(is_speed_bonus) and format == LiveFormat.QUIZ,
                          is_join_open=teams is None, skipped_count=skipped, source_key=source_key,
                          source_label=(source_label or "")[:300], source_url=source_url,
                          regional_service_id=regional_service_id if teams is not None
                          else actor.regional_service_id)
    for _ in range(20):  # a six-digit code: retry the rare collision with another game
        session.code = _new_code()
        try:
            with db.session.begin_nested():
                db.session.add(session)
                db.session.flush()
        except IntegrityError:  # the savepoint's rollback leaves the object transient: try another code
            continue
        break
    else:  # pragma: no cover - a million codes taken
        raise Conflict("Не удалось выдать код игры: попробуйте ещё раз.")
    for spec in specs:
        team = LiveTeam(session_id=session.id, name=spec.name[:100], source_key=spec.key)
        team.members = [LiveTeamMember(session_id=session.id, user_id=uid) for uid in dict.fromkeys(spec.member_ids)]
        db.session.add(team)
    for position, question in enumerate(questions, start=1):
        version = question.current
        db.session.add(LiveQuestion(session_id=session.id, position=position, question_version_id=version.id,
                                    answer_order=services._answer_order(version, quiz.is_answers_shuffled, rng)))
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise DomainError("Названия команд повторяются.") from None
    db.session.refresh(session)
    audit.record(actor, "quiz.live_create", "quiz", quiz.id,
                 after={"session_id": session.id, "format": session.format, "questions": len(questions),
                        "teams": [s.name for s in specs], "source": source_key},
                 summary=f"Создана живая игра «{title}» ({session.format_label}) по тесту «{quiz.title}»")
    return session


# --- the state lock -------------------------------------------------------------------------------------------

def _lock(session: LiveSession, statuses, *, position: int | None = None, stage: bool = True,
          values: dict[str, Any] | None = None) -> bool:
    """Bump the versions when the game is in one of ``statuses`` (and at ``position``): the row lock every change
    takes first. Returns False when the condition no longer holds (nothing changed)."""
    query = update(LiveSession).where(LiveSession.id == session.id, LiveSession.status.in_(list(statuses)))
    if position is not None:
        query = query.where(LiveSession.current_position == position)
    changes = {"version": LiveSession.version + 1}
    if stage:
        changes["stage_version"] = LiveSession.stage_version + 1
    changes.update(values or {})
    moved = db.session.execute(query.values(**changes).execution_options(synchronize_session=False)).rowcount
    db.session.refresh(session)
    return bool(moved)


def _closed_message(session: LiveSession) -> str:
    if session.status == LiveStatus.FINISHED:
        return "Игра завершена."
    if session.status == LiveStatus.LOBBY:
        return "Игра ещё не началась."
    return "Этот вопрос уже закрыт: ответ не засчитан."


# --- teams --------------------------------------------------------------------------------------------------

def add_team(actor: User, session: LiveSession, name: str) -> LiveTeam:
    _ensure_host(actor, session)
    if not session.is_join_open:
        raise DomainError("Команды этой игры взяты из квеста: меняйте их в квесте.")
    names = _team_names([name])
    if not names or len(names[0]) < 2:
        raise DomainError("Назовите команду (не короче двух символов).")
    if len(session.teams) >= MAX_TEAMS:
        raise DomainError(f"Команд — не больше {MAX_TEAMS}.")
    if not _lock(session, OPEN):
        raise DomainError(_closed_message(session))
    team = LiveTeam(session_id=session.id, name=names[0])
    try:
        with db.session.begin_nested():
            db.session.add(team)
            db.session.flush()
    except IntegrityError:
        raise DomainError("Команда с таким названием уже есть.") from None
    db.session.refresh(session)
    return team


def remove_team(actor: User, session: LiveSession, team: LiveTeam) -> None:
    _ensure_host(actor, session)
    if team.session_id != session.id:
        raise DomainError("Команда не из этой игры.")
    if not session.is_join_open:
        raise DomainError("Команды этой игры взяты из квеста: меняйте их в квесте.")
    if not _lock(session, (LiveStatus.LOBBY,)):
        raise DomainError("Убрать команду можно только до начала игры.")
    db.session.delete(team)
    db.session.flush()
    db.session.refresh(session)


def join_team(user: User, session: LiveSession, team: LiveTeam) -> LiveTeam:
    """Pick (or, in the lobby, change) one's team. One team per person per game: unique (session, user)."""
    if team.session_id != session.id:
        raise DomainError("Команда не из этой игры.")
    if not session.is_join_open:
        raise DomainError("Составы команд этой игры задал организатор.")
    if can_host(user, session):
        raise DomainError("Ведущий не играет за команду: он видит ответы.")
    current = team_of(user, session)
    if current is not None and current.id == team.id:
        return team
    if current is not None and session.status != LiveStatus.LOBBY:
        raise DomainError("Команду можно сменить только до начала игры.")
    if not _lock(session, OPEN):
        raise DomainError(_closed_message(session))
    if current is not None:
        db.session.execute(update(LiveTeamMember).where(LiveTeamMember.session_id == session.id,
                                                        LiveTeamMember.user_id == user.id)
                           .values(team_id=team.id).execution_options(synchronize_session=False))
    else:
        try:
            with db.session.begin_nested():
                db.session.add(LiveTeamMember(session_id=session.id, team_id=team.id, user_id=user.id))
                db.session.flush()
        except IntegrityError:  # a double tap: the other request has just put the person in a team
            raise Conflict("Вы уже в команде этой игры.") from None
    db.session.expire_all()
    return team


# --- the host's buttons ---------------------------------------------------------------------------------------

def next_question(actor: User, session: LiveSession, expected_position: int, *, now: datetime | None = None
                  ) -> LiveQuestion:
    """«Начать» / «Следующий вопрос»: open question ``expected_position + 1``. The position the host saw makes a
    double tap (or two hosts) move one question, not two."""
    now = now or utcnow()
    _ensure_host(actor, session)
    if session.status == LiveStatus.LOBBY and len(session.teams) < 2:
        raise DomainError("Чтобы начать, нужны хотя бы две команды.")
    if expected_position >= len(session.questions):
        raise DomainError("Вопросы закончились: завершите игру.")
    moved = _lock(session, (LiveStatus.LOBBY, LiveStatus.REVEALED), position=expected_position,
                  values={"status": LiveStatus.QUESTION, "current_position": expected_position + 1,
                          "started_at": func.coalesce(LiveSession.started_at, now)})
    if not moved:
        if session.status == LiveStatus.QUESTION and session.current_position == expected_position:
            raise DomainError("Сначала покажите ответ на текущий вопрос.")
        if session.status == LiveStatus.FINISHED:
            raise DomainError("Игра завершена.")
        raise Conflict("Вопрос уже сменился: обновите страницу.")
    question = session.current
    question.opened_at = now
    question.deadline_at = now + timedelta(seconds=session.seconds_per_question) \
        if session.seconds_per_question else None
    db.session.flush()
    return question


def _reveal_current(session: LiveSession, now: datetime) -> None:
    question = session.current
    if question is not None and question.opened_at is not None and question.revealed_at is None:
        question.revealed_at = now
        question.buzz_team_id = None
        db.session.flush()


def reveal(actor: User, session: LiveSession, position: int, *, now: datetime | None = None) -> None:
    """«Показать ответ»: closes the question (later answers are refused) and counts its points on the board."""
    now = now or utcnow()
    _ensure_host(actor, session)
    if not _lock(session, (LiveStatus.QUESTION,), position=position, values={"status": LiveStatus.REVEALED}):
        if session.status == LiveStatus.REVEALED and session.current_position == position:
            return  # a double tap
        raise Conflict("Вопрос уже сменился: обновите страницу.")
    _reveal_current(session, now)


def finish(actor: User, session: LiveSession, *, now: datetime | None = None) -> tuple[list[dict], list[str]]:
    """«Завершить»: answers already given to an open question count; the ranking is frozen; a game with a source
    announces ``live_quiz_finished``. Returns the ranking and the notes of the source's listeners."""
    now = now or utcnow()
    _ensure_host(actor, session)
    if not _lock(session, OPEN, values={"status": LiveStatus.FINISHED, "finished_at": now,
                                        "finished_by_id": actor.id}):
        raise DomainError("Игра уже завершена.")
    _reveal_current(session, now)
    ranking = live_standings(session)
    members = db.session.execute(
        select(LiveTeamMember.team_id, User.id, User.full_name).join(User, User.id == LiveTeamMember.user_id)
        .where(LiveTeamMember.session_id == session.id).order_by(User.full_name)).all()
    for row in ranking:
        row["member_ids"] = [uid for team_id, uid, _ in members if team_id == row["team_id"]]
        row["member_names"] = [name for team_id, _, name in members if team_id == row["team_id"]]
    session.final_ranking = [{k: v for k, v in row.items() if k != "member_ids"} for row in ranking]
    db.session.flush()
    audit.record(actor, "quiz.live_finish", "quiz", session.quiz_id,
                 after={"session_id": session.id,
                        "ranking": [{k: r[k] for k in ("name", "points", "rank")} for r in ranking]},
                 summary=f"Завершена живая игра «{session.title}»")
    notes: list[str] = []
    played = any(q.opened_at is not None for q in session.questions)
    if session.source_key and played:
        keys = {t.id: t.source_key for t in session.teams}
        results = [{"team_key": keys.get(r["team_id"]), "name": r["name"], "points": r["points"], "rank": r["rank"],
                    "member_ids": r["member_ids"]} for r in ranking]
        max_points = sum(1 for q in session.questions if q.opened_at is not None) * session.points_per_question
        for _receiver, answer in live_quiz_finished.send(session, source_key=session.source_key, results=results,
                                                         max_points=max_points, actor=actor):
            notes.extend(answer or [])
    return ranking, notes


# --- answering ----------------------------------------------------------------------------------------------

def _round(value: float) -> int:
    """Half up (Python's round() rounds 2.5 to 2)."""
    return int(value + 0.5)


def points_for(session: LiveSession, question: LiveQuestion, fraction: float, at: datetime) -> tuple[int, int]:
    """(points with the bonus, the bonus). A fully right answer in a game with the speed bonus earns up to half
    the question's points more, in proportion to the time that was left."""
    points = _round(fraction * session.points_per_question)
    bonus = 0
    if session.is_speed_bonus and fraction >= 1 and question.deadline_at and question.opened_at:
        total = (question.deadline_at - question.opened_at).total_seconds()
        left = max(0.0, (question.deadline_at - at).total_seconds())
        if total > 0:
            bonus = _round(session.points_per_question / 2 * left / total)
    return points + bonus, bonus


@dataclass
class _LiveSlot:
    """What the presenters and ``parse_response`` read of an attempt slot, for a live question."""

    version: Any
    answer_order: dict
    slot_no: int
    response: dict | None = None
    fraction: float | None = None
    max_mark: float = 1.0
    is_awaiting_grading: bool = False
    manual_comment: str | None = None
    checked_at: None = None

    @property
    def is_answered(self) -> bool:
        return grading.is_answered(self.version.type, self.response)


def _slot(question: LiveQuestion, response: dict | None = None) -> _LiveSlot:
    return _LiveSlot(question.version, question.answer_order or {}, question.position, response)


def _open_question(session: LiveSession, position: int, now: datetime) -> LiveQuestion:
    question = session.current
    if question is None or question.deadline_at is not None and now > question.deadline_at:
        raise DomainError("Время вышло: ответ не засчитан.")
    return question


def _team_or_refuse(user: User, session: LiveSession) -> LiveTeam:
    team = team_of(user, session)
    if team is None:
        raise DomainError("Вы не в команде этой игры: выберите команду." if session.is_join_open
                          else "Вы не в команде этой игры: составы задал организатор.")
    return team


def submit_answer(user: User, session: LiveSession, position: int, form: MultiDict, *,
                  now: datetime | None = None) -> LiveAnswer:
    """A team's answer in a викторина. The first answer of a team counts; one after the deadline does not."""
    now = now or utcnow()
    if session.is_brain_ring:
        raise DomainError("В брейн-ринге отвечают устно: нажмите «Ответить».")
    team = _team_or_refuse(user, session)
    if not _lock(session, (LiveStatus.QUESTION,), position=position, stage=False):
        raise DomainError(_closed_message(session))
    question = _open_question(session, position, now)
    if answer_of(question, team) is not None:
        raise Conflict("Ваша команда уже ответила: засчитывается первый ответ.")
    response = services.parse_response(_slot(question), form)  # type: ignore[arg-type]
    if response is None:
        raise DomainError("Выберите или введите ответ.")
    fraction = grading.grade(question.version.type, question.version.data, response) or 0.0
    points, bonus = points_for(session, question, fraction, now)
    answer = LiveAnswer(session_id=session.id, question_id=question.id, team_id=team.id, user_id=user.id,
                        response=response, fraction=fraction, points=points, bonus=bonus, answered_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(answer)
            db.session.flush()
    except IntegrityError:  # a teammate's answer got in first
        raise Conflict("Ваша команда уже ответила: засчитывается первый ответ.") from None
    return answer


def answer_of(question: LiveQuestion, team: LiveTeam) -> LiveAnswer | None:
    return db.session.scalar(select(LiveAnswer).where(LiveAnswer.question_id == question.id,
                                                      LiveAnswer.team_id == team.id))


def buzz(user: User, session: LiveSession, position: int, *, now: datetime | None = None) -> LiveTeam:
    """A brain-ring press. Exactly one team takes the turn: ``UPDATE … SET buzz_team_id … WHERE buzz_team_id IS
    NULL`` moves one row for the first press and none for the others."""
    now = now or utcnow()
    if not session.is_brain_ring:
        raise DomainError("Кнопка «Ответить» есть только в брейн-ринге.")
    team = _team_or_refuse(user, session)
    if not _lock(session, (LiveStatus.QUESTION,), position=position):
        raise DomainError(_closed_message(session))
    question = _open_question(session, position, now)
    if answer_of(question, team) is not None:
        raise DomainError("Ваша команда уже отвечала на этот вопрос.")
    won = db.session.execute(
        update(LiveQuestion).where(LiveQuestion.id == question.id, LiveQuestion.buzz_team_id.is_(None),
                                   LiveQuestion.revealed_at.is_(None))
        .values(buzz_team_id=team.id, buzz_user_id=user.id, buzzed_at=now)
        .execution_options(synchronize_session=False)).rowcount
    db.session.refresh(question)
    if not won:
        holder = question.buzz_team.name if question.buzz_team is not None else "другая команда"
        raise Conflict(f"Первой нажала команда «{holder}».")
    return team


def judge(actor: User, session: LiveSession, position: int, team_id: int, is_right: bool, *,
          now: datetime | None = None) -> LiveAnswer:
    """The host's verdict on the oral answer of the team holding the turn. Right: full points and the question
    closes. Wrong: no points, the team is locked out of this question, the others may press."""
    now = now or utcnow()
    _ensure_host(actor, session)
    if not session.is_brain_ring:
        raise DomainError("Ответы оценивает ведущий только в брейн-ринге.")
    if not _lock(session, (LiveStatus.QUESTION,), position=position,
                 values={"status": LiveStatus.REVEALED} if is_right else None):
        raise Conflict("Вопрос уже сменился: обновите страницу.")
    question = session.current
    if question is None or question.buzz_team_id != team_id:
        raise Conflict("Сейчас отвечает другая команда: обновите страницу.")
    fraction = 1.0 if is_right else 0.0
    answer = LiveAnswer(session_id=session.id, question_id=question.id, team_id=team_id,
                        user_id=question.buzz_user_id, fraction=fraction,
                        points=session.points_per_question if is_right else 0, judged_by_id=actor.id,
                        answered_at=question.buzzed_at or now)
    db.session.add(answer)
    question.buzz_team_id = question.buzz_user_id = question.buzzed_at = None
    if is_right:
        question.revealed_at = now
    db.session.flush()
    return answer


# --- what the screens show ------------------------------------------------------------------------------------

def competition_ranks(points: list[int]) -> list[int]:
    """Standard competition ranking of scores sorted high to low: 10, 10, 7 → 1, 1, 3."""
    ranks: list[int] = []
    for index, value in enumerate(points):
        ranks.append(ranks[-1] if index and value == points[index - 1] else index + 1)
    return ranks


def live_standings(session: LiveSession) -> list[dict]:
    """Points per team over the questions whose answer has been shown (so the board never gives one away)."""
    shown = select(LiveQuestion.id).where(LiveQuestion.session_id == session.id,
                                          LiveQuestion.revealed_at.is_not(None))
    rows = db.session.execute(
        select(LiveTeam.id, LiveTeam.name, func.coalesce(func.sum(LiveAnswer.points), 0),
               func.count(LiveAnswer.id).filter(LiveAnswer.fraction >= 1))
        .outerjoin(LiveAnswer, (LiveAnswer.team_id == LiveTeam.id) & LiveAnswer.question_id.in_(shown))
        .where(LiveTeam.session_id == session.id)
        .group_by(LiveTeam.id, LiveTeam.name)).all()
    rows = sorted(rows, key=lambda r: (-int(r[2]), r[1].lower(), r[0]))
    ranks = competition_ranks([int(r[2]) for r in rows])
    tied = {rank for rank in ranks if ranks.count(rank) > 1}
    return [{"team_id": r[0], "name": r[1], "points": int(r[2]), "right": int(r[3]), "rank": rank,
             "is_tie": rank in tied} for r, rank in zip(rows, ranks, strict=True)]


def standings(session: LiveSession) -> list[dict]:
    """The frozen ranking once finished; live otherwise."""
    if session.status == LiveStatus.FINISHED and session.final_ranking is not None:
        return session.final_ranking
    return live_standings(session)


def etag(session_id: int) -> str | None:
    """The host's and the board's fingerprint: one primary-key read, changes with everything."""
    row = db.session.execute(select(LiveSession.version, LiveSession.status)
                             .where(LiveSession.id == session_id)).first()
    return None if row is None else f"lq{session_id}-v{row[0]}-{row[1]}"


def play_tag(session: LiveSession, user: User, now: datetime | None = None) -> str:
    """A participant's fingerprint: the stage, their team, whether it has answered, and whether time is up.
    Another team's answer does not change it, so a poll never replaces a half-typed answer."""
    now = now or utcnow()
    row = db.session.execute(select(LiveSession.stage_version, LiveSession.status, LiveSession.current_position)
                             .where(LiveSession.id == session.id)).one()
    team_id = db.session.scalar(select(LiveTeamMember.team_id).where(LiveTeamMember.session_id == session.id,
                                                                      LiveTeamMember.user_id == user.id)) or 0
    answered = late = 0
    if row[1] == LiveStatus.QUESTION:
        question_id, deadline = db.session.execute(
            select(LiveQuestion.id, LiveQuestion.deadline_at).where(LiveQuestion.session_id == session.id,
                                                                    LiveQuestion.position == row[2])).one()
        late = int(deadline is not None and now > deadline)
        if team_id:
            answered = int(bool(db.session.scalar(select(exists().where(LiveAnswer.question_id == question_id,
                                                                        LiveAnswer.team_id == team_id)))))
    return f"lp{session.id}-s{row[0]}-{row[1]}-t{team_id}-a{answered}-d{late}"


def seconds_left(question: LiveQuestion | None, now: datetime | None = None) -> int | None:
    if question is None or question.deadline_at is None:
        return None
    return max(0, int((question.deadline_at - (now or utcnow())).total_seconds() + 0.999))


def question_view_for(question: LiveQuestion, *, response: dict | None = None, revealed: bool = False
                      ) -> QuestionView:
    """Participants, the board and the projector: option texts only, until the host shows the answer."""
    slot = _slot(question, response)
    if not revealed:
        return question_view(slot)  # type: ignore[arg-type]
    return review_view(slot, presenters.Review(score=False, right_answers=True, feedback=True))  # type: ignore[arg-type]


def host_answer_view(question: LiveQuestion) -> QuestionView:
    """The right answer for the host's own screen (a brain-ring host judges oral answers)."""
    return review_view(_slot(question), presenters.Review(score=False, right_answers=True, feedback=True))  # type: ignore[arg-type]


def answers_at(question: LiveQuestion) -> dict[int, LiveAnswer]:
    return {a.team_id: a for a in db.session.scalars(select(LiveAnswer).where(LiveAnswer.question_id == question.id))}


def locked_teams(question: LiveQuestion) -> set[int]:
    return set(db.session.scalars(select(LiveAnswer.team_id).where(LiveAnswer.question_id == question.id)))


def can_view_question_version(viewer: User, version: QuestionVersion) -> bool:
    """Who may load a question version's images: those who keep the banks; a learner whose attempt showed it; a
    participant (or the host) of a live game that has opened it. Anyone else gets a 404."""
    if services.can_manage(viewer):
        return True
    shown = select(AttemptSlot.id).join(Attempt).where(AttemptSlot.question_version_id == version.id,
                                                       Attempt.user_id == viewer.id)
    if db.session.scalar(shown.limit(1)) is not None:
        return True

    games = db.session.scalars(select(LiveQuestion).where(LiveQuestion.question_version_id == version.id,
                                                          LiveQuestion.opened_at.is_not(None)))
    return any(can_view(viewer, question.session) for question in games)
