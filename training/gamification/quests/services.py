"""Corporate quests (item 24), brain-rings and team quizzes (items 26–27).

An organiser sets up teams and checkpoints with instructors; instructors score teams from their phones; the
leaderboard is derived from the scores (one per team per checkpoint) with standard competition ranking
(1, 1, 3); closing freezes the ranking into an immutable snapshot and announces ``quest_finished``.

Concurrency (docs/engagement.md): every score change first runs
``UPDATE quests SET version = version + 1 WHERE id = … AND status = 'running'``. That row lock serialises
scoring and closing on PostgreSQL, refuses scores after the close, and gives the leaderboard a cheap ETag.
The unique (checkpoint, team) constraint and a revision number on each score keep two instructors from
scoring the same team twice; a correction names the revision it replaces."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Select, func, select, update
from sqlalchemy.exc import IntegrityError

from training.accounts import scopes
from training.accounts.models import Role, User
from training.audit import services as audit
from training.db import utcnow
from training.errors import Conflict, DomainError, NotAllowed
from training.extensions import db
from training.gamification.quests.models import (
    CheckpointKind,
    Quest,
    QuestCheckpoint,
    QuestFormat,
    QuestInstructor,
    QuestScore,
    QuestScoreRevision,
    QuestStatus,
    QuestTeam,
    QuestTeamMember,
)
from training.notifications.services import notify
from training.org.models import Centre
from training.quizzes.live import TeamSpec
from training.quizzes.models import Quiz
from training.signals import quest_finished
from training.templating import DISPLAY_TZ, gendered, quoted
from training.web import path_for

# --- who may do what -----------------------------------------------------------------------------------------

def visible_quests(user: User) -> Select:
    """The quests of one's centre and the service-wide ones, one's own, and those in one's supervision."""
    return (select(Quest).order_by(Quest.created_at.desc(), Quest.id.desc())
            .where(scopes.viewable_condition(user, service=Quest.regional_service_id, centre=Quest.centre_id,
                                             members=scopes.Level.NARROWEST) | (Quest.organiser_id == user.id)))


def can_manage(user: User, quest: Quest) -> bool:
    """Its organiser, HR of its service, the manager of its centre, administrators."""
    return quest.organiser_id == user.id or scopes.can_supervise(user, quest)


def is_instructor(user: User, checkpoint: QuestCheckpoint) -> bool:
    return any(i.user_id == user.id for i in checkpoint.instructors)


def can_view(user: User, quest: Quest) -> bool:
    if can_manage(user, quest) or scopes.can_view(user, quest, members=scopes.Level.NARROWEST):
        return True
    return team_of(user, quest) is not None or any(is_instructor(user, c) for c in quest.checkpoints)


def can_score(user: User, checkpoint: QuestCheckpoint) -> bool:
    return is_instructor(user, checkpoint) or can_manage(user, checkpoint.quest)


def team_of(user: User, quest: Quest) -> QuestTeam | None:
    return db.session.scalar(select(QuestTeam).join(QuestTeamMember, QuestTeamMember.team_id == QuestTeam.id)
                             .where(QuestTeamMember.quest_id == quest.id, QuestTeamMember.user_id == user.id))


def my_checkpoints(user: User, quest: Quest) -> list[QuestCheckpoint]:
    if can_manage(user, quest):
        return list(quest.checkpoints)
    return [c for c in quest.checkpoints if is_instructor(user, c)]


def ensure_can_manage(user: User, quest: Quest) -> None:
    if not can_manage(user, quest):
        raise NotAllowed("Изменять квест может организатор, кадровая служба или руководитель ЦЗН.")


def _ensure_not_closed(quest: Quest) -> None:
    if quest.status == QuestStatus.CLOSED:
        raise DomainError("Квест завершён: итоги заморожены, изменить ничего нельзя.")


def eligible_staff(quest: Quest) -> Select:
    """Who can play or instruct: active staff of the quest's service (and centre, when it has one)."""
    return scopes.active_staff(quest.regional_service_id, centre_id=quest.centre_id)


def _staff(quest: Quest, user_ids: list[int]) -> list[User]:
    if not user_ids:
        return []
    people = list(db.session.scalars(eligible_staff(quest).where(User.id.in_(set(user_ids)))))
    if len(people) != len(set(user_ids)):
        raise DomainError("Среди выбранных есть сотрудники не из подразделений этого квеста.")
    return people


def _bump(quest: Quest) -> None:
    quest.version = (quest.version or 0) + 1


# --- setting up ------------------------------------------------------------------------------------------------

def create_quest(actor: User, *, title: str, description: str = "", format: str = QuestFormat.QUEST,
                 held_on: date | None = None, centre_id: int | None = None) -> Quest:
    if not actor.has_role(*Role.ORGANISERS):
        raise NotAllowed("Квесты организуют преподаватели, руководители ЦЗН и кадровая служба.")
    if actor.regional_service_id is None:
        raise DomainError("Квест проводится в службе занятости: у вашей учётной записи она не указана.")
    if actor.has_role(Role.MANAGER) and not actor.has_role(*Role.TEACHING):
        centre_id = actor.centre_id  # a centre manager organises for their centre
    if centre_id is not None:

        centre = db.session.get(Centre, centre_id)
        if centre is None or centre.regional_service_id != actor.regional_service_id:
            raise DomainError("ЦЗН не найден в вашей службе занятости.")
    quest = Quest(regional_service_id=actor.regional_service_id, centre_id=centre_id, title=title.strip(),
                  description=(description or "").strip(), format=QuestFormat(format), held_on=held_on,
                  organiser_id=actor.id)
    db.session.add(quest)
    db.session.flush()
    audit.record(actor, "quest.create", "quest", quest.id,
                 after={"title": quest.title, "format": quest.format, "centre_id": centre_id,
                        "held_on": held_on}, summary=f"Создан квест «{quest.title}»")
    return quest


def save_team(actor: User, quest: Quest, team: QuestTeam | None, *, name: str, member_ids: list[int]) -> QuestTeam:
    ensure_can_manage(actor, quest)
    _ensure_not_closed(quest)
    name = name.strip()
    people = _staff(quest, member_ids)
    taken = db.session.execute(
        select(User.full_name, QuestTeam.name).join(QuestTeamMember, QuestTeamMember.user_id == User.id)
        .join(QuestTeam, QuestTeam.id == QuestTeamMember.team_id)
        .where(QuestTeamMember.quest_id == quest.id, User.id.in_([p.id for p in people]),
               QuestTeam.id != (team.id if team else -1))).all()
    if taken:
        raise DomainError("Уже в другой команде: " + "; ".join(f"{n} («{t}»)" for n, t in taken) + ".")
    if team is None:
        team = QuestTeam(quest_id=quest.id, name=name)
        db.session.add(team)
    else:
        team.name = name
    try:
        with db.session.begin_nested():
            db.session.flush()
            wanted = {p.id for p in people}
            for member in list(team.members):
                if member.user_id not in wanted:
                    team.members.remove(member)
            db.session.flush()
            have = {m.user_id for m in team.members}
            for person in people:
                if person.id not in have:
                    team.members.append(QuestTeamMember(quest_id=quest.id, user_id=person.id))
            db.session.flush()
    except IntegrityError:
        raise DomainError("Команда с таким названием уже есть, или участника только что добавили в другую "
                          "команду. Обновите страницу.") from None
    _bump(quest)
    return team


def delete_team(actor: User, quest: Quest, team: QuestTeam) -> None:
    _delete_unscored(actor, quest, team, QuestScore.team_id == team.id,
                     "У команды уже есть баллы: удалить её нельзя.")


def _delete_unscored(actor: User, quest: Quest, thing, scored, refusal: str) -> None:
    """A team or a checkpoint of an open quest goes while no score names it (``scored``: the condition on
    QuestScore); once scored it stays, so the results never lose a row."""
    ensure_can_manage(actor, quest)
    _ensure_not_closed(quest)
    if db.session.scalar(select(QuestScore.id).where(scored).limit(1)):
        raise DomainError(refusal)
    db.session.delete(thing)
    _bump(quest)


def add_checkpoint(actor: User, quest: Quest, *, title: str, kind: str, task: str, max_points: int,
                   quiz_id: int | None, instructor_ids: list[int]) -> QuestCheckpoint:
    ensure_can_manage(actor, quest)
    _ensure_not_closed(quest)
    if max_points < 1 or max_points > 1000:
        raise DomainError("Максимум баллов — от 1 до 1000.")
    kind = CheckpointKind(kind)
    if quiz_id is not None:

        quiz = db.session.get(Quiz, quiz_id)
        if quiz is None or (quiz.regional_service_id not in (None, quest.regional_service_id)):
            raise DomainError("Тест не найден.")
    instructors = _instructors(quest, instructor_ids)
    number = (db.session.scalar(select(func.max(QuestCheckpoint.number))
                                .where(QuestCheckpoint.quest_id == quest.id)) or 0) + 1
    checkpoint = QuestCheckpoint(quest_id=quest.id, number=number, title=title.strip(), kind=kind,
                                 task=(task or "").strip(), max_points=max_points, quiz_id=quiz_id)
    checkpoint.instructors = [QuestInstructor(user_id=p.id) for p in instructors]
    try:
        with db.session.begin_nested():
            db.session.add(checkpoint)
            db.session.flush()
    except IntegrityError:
        raise DomainError("Точку только что добавили: обновите страницу и повторите.") from None
    _bump(quest)
    return checkpoint


def _instructors(quest: Quest, user_ids: list[int]) -> list[User]:
    """Instructors of a centre's quest may come from anywhere in the service (methodologists, HR)."""
    if not user_ids:
        return []
    people = list(db.session.scalars(scopes.active_staff(quest.regional_service_id)
                                     .where(User.id.in_(set(user_ids)))))
    if len(people) != len(set(user_ids)):
        raise DomainError("Инструктор должен быть сотрудником этой службы занятости.")
    return people


def delete_checkpoint(actor: User, quest: Quest, checkpoint: QuestCheckpoint) -> None:
    _delete_unscored(actor, quest, checkpoint, QuestScore.checkpoint_id == checkpoint.id,
                     "На точке уже выставлены баллы: удалить её нельзя.")


def start_quest(actor: User, quest: Quest) -> None:
    ensure_can_manage(actor, quest)
    if len(quest.teams) < 2 or not quest.checkpoints:
        raise DomainError("Чтобы начать, нужны хотя бы две команды и одна контрольная точка.")
    started = db.session.execute(update(Quest).where(Quest.id == quest.id, Quest.status == QuestStatus.DRAFT)
                                 .values(status=QuestStatus.RUNNING, started_at=utcnow(), version=Quest.version + 1)
                                 .execution_options(synchronize_session=False)).rowcount
    if not started:
        raise DomainError("Квест уже идёт или завершён.")
    db.session.refresh(quest)
    audit.record(actor, "quest.start", "quest", quest.id, summary=f"Начат квест «{quest.title}»")


# --- scoring -----------------------------------------------------------------------------------------------------

def score_of(checkpoint: QuestCheckpoint, team: QuestTeam) -> QuestScore | None:
    return db.session.scalar(select(QuestScore).where(QuestScore.checkpoint_id == checkpoint.id,
                                                      QuestScore.team_id == team.id))


def scores_at(checkpoint: QuestCheckpoint) -> dict[int, QuestScore]:
    return {s.team_id: s for s in db.session.scalars(select(QuestScore)
                                                     .where(QuestScore.checkpoint_id == checkpoint.id))}


def record_score(instructor: User, checkpoint: QuestCheckpoint, team: QuestTeam, *, points: int, comment: str,
                 replaces_revision: int = 0) -> QuestScore:
    """Score a team at a checkpoint. ``replaces_revision`` is 0 for a first score, or the revision of the
    score the instructor saw and now corrects; anything else is a conflict (someone scored meanwhile)."""
    quest = checkpoint.quest
    if team.quest_id != quest.id:
        raise DomainError("Команда не из этого квеста.")
    if not can_score(instructor, checkpoint):
        raise NotAllowed("Баллы на этой точке ставят её инструкторы.")
    if any(m.user_id == instructor.id for m in team.members):
        raise NotAllowed("Свою команду оценивать нельзя: попросите другого инструктора.")
    if not 0 <= points <= checkpoint.max_points:
        raise DomainError(f"Баллы — от 0 до {checkpoint.max_points}.")
    comment = (comment or "").strip()[:1000]
    running = db.session.execute(update(Quest).where(Quest.id == quest.id, Quest.status == QuestStatus.RUNNING)
                                 .values(version=Quest.version + 1)
                                 .execution_options(synchronize_session=False)).rowcount
    if not running:
        raise DomainError("Баллы ставятся, пока квест идёт." if quest.status != QuestStatus.CLOSED
                          else "Квест завершён: итоги заморожены.")
    existing = score_of(checkpoint, team)
    if replaces_revision == 0:
        if existing is not None:
            raise _already_scored(existing)
        score = QuestScore(quest_id=quest.id, checkpoint_id=checkpoint.id, team_id=team.id, points=points,
                           comment=comment, instructor_id=instructor.id, revision=1)
        try:
            with db.session.begin_nested():
                db.session.add(score)
        except IntegrityError:
            raise _already_scored(score_of(checkpoint, team)) from None
        return score
    if existing is None or existing.revision != replaces_revision:
        raise _already_scored(existing) if existing else Conflict("Оценка изменилась: обновите страницу.")
    previous = (existing.points, existing.comment, existing.instructor_id)
    changed = db.session.execute(
        update(QuestScore).where(QuestScore.id == existing.id, QuestScore.revision == replaces_revision)
        .values(points=points, comment=comment, instructor_id=instructor.id, revision=QuestScore.revision + 1,
                updated_at=utcnow()).execution_options(synchronize_session=False)).rowcount
    if not changed:
        raise Conflict("Оценку только что исправил другой инструктор: обновите страницу.")
    db.session.add(QuestScoreRevision(score_id=existing.id, previous_points=previous[0], previous_comment=previous[1],
                                      previous_instructor_id=previous[2], changed_by_id=instructor.id))
    db.session.flush()
    db.session.refresh(existing)
    return existing


def _already_scored(score: QuestScore | None) -> Conflict:
    if score is None:
        return Conflict("Команду уже оценили: обновите страницу.")
    return Conflict(f"Команду на этой точке уже {gendered('оценил(а)', score.instructor.full_name)} "
                    f"{score.instructor.full_name}: {score.points} б. "
                    "Чтобы исправить, откройте оценку заново.")


# --- leaderboard ---------------------------------------------------------------------------------------------

def competition_ranks(points: list[int]) -> list[int]:
    """Standard competition ranking of scores sorted high to low: 10, 10, 7 → 1, 1, 3."""
    ranks: list[int] = []
    for index, value in enumerate(points):
        ranks.append(ranks[-1] if index and value == points[index - 1] else index + 1)
    return ranks


def live_standings(quest: Quest) -> list[dict]:
    rows = db.session.execute(
        select(QuestTeam.id, QuestTeam.name, func.coalesce(func.sum(QuestScore.points), 0),
               func.count(QuestScore.id))
        .outerjoin(QuestScore, QuestScore.team_id == QuestTeam.id)
        .where(QuestTeam.quest_id == quest.id)
        .group_by(QuestTeam.id, QuestTeam.name)).all()
    rows = sorted(rows, key=lambda r: (-int(r[2]), r[1].lower(), r[0]))
    ranks = competition_ranks([int(r[2]) for r in rows])
    tied = {rank for rank in ranks if ranks.count(rank) > 1}
    return [{"team_id": r[0], "name": r[1], "points": int(r[2]), "done": int(r[3]), "rank": rank,
             "is_tie": rank in tied} for r, rank in zip(rows, ranks, strict=True)]


def standings(quest: Quest) -> list[dict]:
    """The frozen snapshot once closed; live otherwise."""
    if quest.status == QuestStatus.CLOSED and quest.final_ranking is not None:
        return quest.final_ranking
    return live_standings(quest)


def etag(quest_id: int) -> str | None:
    """A cheap fingerprint of the leaderboard (one indexed row): changes with every score and at the close."""
    row = db.session.execute(select(Quest.version, Quest.status).where(Quest.id == quest_id)).first()
    return None if row is None else f"q{quest_id}-v{row[0]}-{row[1]}"


# --- closing ------------------------------------------------------------------------------------------------

def close_quest(actor: User, quest: Quest) -> list[dict]:
    ensure_can_manage(actor, quest)
    closed = db.session.execute(update(Quest).where(Quest.id == quest.id, Quest.status == QuestStatus.RUNNING)
                                .values(status=QuestStatus.CLOSED, closed_at=utcnow(), version=Quest.version + 1)
                                .execution_options(synchronize_session=False)).rowcount
    if not closed:
        raise DomainError("Завершить можно только идущий квест.")
    db.session.refresh(quest)
    ranking = live_standings(quest)
    members = db.session.execute(
        select(QuestTeamMember.team_id, User.id, User.full_name).join(User, User.id == QuestTeamMember.user_id)
        .where(QuestTeamMember.quest_id == quest.id).order_by(User.full_name)).all()
    for row in ranking:
        row["member_ids"] = [uid for team_id, uid, _ in members if team_id == row["team_id"]]
        row["member_names"] = [name for team_id, _, name in members if team_id == row["team_id"]]
    quest.final_ranking = ranking
    by_rank: list[list[int]] = [[] for _ in ranking]
    for row in ranking:
        by_rank[row["rank"] - 1].extend(row["member_ids"])
    audit.record(actor, "quest.close", "quest", quest.id,
                 after={"ranking": [{k: r[k] for k in ("name", "points", "rank")} for r in ranking]},
                 summary=f"Завершён квест «{quest.title}»")
    url = path_for("quests.board", quest_id=quest.id)
    for row in ranking:
        for uid in row["member_ids"]:
            user = db.session.get(User, uid)
            notify(user, "quest-finished",
                   f"Квест {quoted(quest.title)} завершён: ваша команда {quoted(row['name'])} — "
                   f"{row['rank']}-е место, {row['points']} б.", url, dedupe_key=f"quest-finished:{quest.id}:{uid}")
    quest_finished.send(quest, team_member_ids_by_rank=by_rank)
    return ranking


# --- the quarterly reminder ---------------------------------------------------------------------------------

def quarter_bounds(today: date) -> tuple[date, date, str]:
    """The quarter before the one ``today`` is in: (first day, first day of the next quarter, «I квартал 2026»)."""
    first_month = ((today.month - 1) // 3) * 3 + 1
    end = date(today.year, first_month, 1)
    start = date(end.year - 1, 10, 1) if first_month == 1 else date(end.year, first_month - 3, 1)
    number = (start.month - 1) // 3
    return start, end, f"{('I', 'II', 'III', 'IV')[number]} квартал {start.year} г."


def quests_held(service_id: int, start: date, end: date) -> list[Quest]:
    begin = datetime(start.year, start.month, start.day, tzinfo=DISPLAY_TZ)
    finish = datetime(end.year, end.month, end.day, tzinfo=DISPLAY_TZ)
    return list(db.session.scalars(select(Quest).where(Quest.regional_service_id == service_id,
                                                       Quest.started_at >= begin, Quest.started_at < finish)))


# --- a checkpoint's quiz run live (training/quizzes/live.py) --------------------------------------------------

LIVE_SOURCE = "quest-checkpoint:"
LIVE_TEAM = "quest-team:"


def live_points(points: int, max_points: int, checkpoint_max: int) -> int:
    """A live game's points → the checkpoint's scale: scaled so the game's maximum (questions × points per
    question, without the speed bonus) is the checkpoint's maximum, rounded half up, then capped at it (the
    bonus cannot push a team past the checkpoint's maximum)."""
    if max_points <= 0 or points <= 0:
        return 0
    return min(checkpoint_max, int(points * checkpoint_max / max_points + 0.5))


def live_source(checkpoint: QuestCheckpoint) -> tuple[str, list]:
    """What the quiz engine needs to run the checkpoint's quiz live: the opaque key and the teams with members."""

    return (f"{LIVE_SOURCE}{checkpoint.id}",
            [TeamSpec(team.name, f"{LIVE_TEAM}{team.id}", [m.user_id for m in team.members])
             for team in checkpoint.quest.teams])
