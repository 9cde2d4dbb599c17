"""A live game run for a quest's checkpoint scores the quest (receivers run inside the sender's transaction)."""
from __future__ import annotations

from training.accounts.models import User
from training.errors import DomainError
from training.extensions import db
from training.gamification.quests.models import QuestCheckpoint, QuestStatus, QuestTeam
from training.gamification.quests.services import LIVE_SOURCE, LIVE_TEAM, live_points, record_score, score_of
from training.signals import live_quiz_finished


def on_live_quiz_finished(session, *, source_key: str | None = None, results: list[dict] | None = None,
                          max_points: int = 0, actor: User | None = None, **_: object) -> list[str]:
    """Record a finished live game as the checkpoint's scores, through ``record_score`` and so under its rules
    (quest running, the host may score the checkpoint, one score per team — a team already scored gets a
    correction, which leaves a revision). Returns notes for the host."""
    if not source_key or not source_key.startswith(LIVE_SOURCE) or actor is None:
        return []
    try:
        checkpoint = db.session.get(QuestCheckpoint, int(source_key[len(LIVE_SOURCE):]))
    except ValueError:
        return []
    if checkpoint is None:
        return ["Контрольная точка квеста удалена: баллы в квест не записаны."]
    quest = checkpoint.quest
    if quest.status != QuestStatus.RUNNING:
        return [f"Квест «{quest.title}» не идёт: баллы игры в квест не записаны."]
    notes, recorded = [], 0
    for row in results or []:
        key = row.get("team_key") or ""
        team = db.session.get(QuestTeam, int(key[len(LIVE_TEAM):])) if key.startswith(LIVE_TEAM) \
            and key[len(LIVE_TEAM):].isdigit() else None
        if team is None or team.quest_id != quest.id:
            notes.append(f"Команды «{row.get('name')}» в квесте больше нет: её баллы не записаны.")
            continue
        points = live_points(int(row.get("points") or 0), max_points, checkpoint.max_points)
        existing = score_of(checkpoint, team)
        try:
            with db.session.begin_nested():
                record_score(actor, checkpoint, team, points=points,
                             comment=f"Живая игра «{session.title}»: {row.get('points')} из {max_points} б.",
                             replaces_revision=existing.revision if existing else 0)
        except DomainError as exc:
            notes.append(f"«{team.name}»: {exc.message}")
        else:
            recorded += 1
    if recorded:
        notes.insert(0, f"Баллы записаны в квест «{quest.title}», точка {checkpoint.number}: команд — {recorded}.")
    return notes


RECEIVERS = ((live_quiz_finished, on_live_quiz_finished),)
