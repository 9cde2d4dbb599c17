"""«Агенты изменений» (the preamble of 5.4): the committee (or HR) nominates colleagues of the service — the proactive
competence ranking suggests candidates through a signal — who get the title «Агент изменений» (a recognition badge
once per nomination), a mark on the service's page and in the competence ranking, and a checklist of their own tasks
with due dates that they and the committee see."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from training.accounts.models import Role, User
from training.audit import services as audit
from training.db import utcnow
from training.errors import DomainError, NotAllowed
from training.extensions import db
from training.gamification.committee import services as committee
from training.gamification.ideas.models import AgentTask, ChangeAgent
from training.gamification.recognition import services as recognition
from training.notifications.services import notify
from training.signals import change_agent_candidates_requested
from training.web import path_for

BADGE = "change_agent"


def can_nominate(user: User, service_id: int | None) -> bool:
    """Committee members and administrators; HR of the service."""
    if service_id is None:
        return False
    return committee.can_act(user, service_id) or (user.has_role(Role.HR) and user.regional_service_id == service_id)


def agents_of(service_id: int | None) -> list[ChangeAgent]:
    return list(db.session.scalars(select(ChangeAgent).where(ChangeAgent.regional_service_id == service_id)
                                   .options(selectinload(ChangeAgent.user), selectinload(ChangeAgent.tasks))
                                   .order_by(ChangeAgent.id)))


def agent_user_ids(user_ids: list[int]) -> set[int]:
    """Which of these people are change agents (the competence ranking's mark)."""
    if not user_ids:
        return set()
    return set(db.session.scalars(select(ChangeAgent.user_id).where(ChangeAgent.user_id.in_(user_ids))))


def candidates(service_id: int | None, limit: int = 5) -> list[User]:
    """The proactive ranking's top names of the service who are not agents yet."""
    if service_id is None:
        return []
    ids: list[int] = []
    for _receiver, answer in change_agent_candidates_requested.send(service_id, limit=limit + 10):
        ids.extend(i for i in (answer or []) if i not in ids)
    taken = agent_user_ids(ids)
    people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}
    return [people[i] for i in ids if i in people and i not in taken][:limit]


def nominate(actor: User, service_id: int, person: User, reason: str = "") -> ChangeAgent:
    if not can_nominate(actor, service_id):
        raise NotAllowed("Агентов изменений выдвигает комитет клиентоцентричности или кадровая служба.")
    if person.regional_service_id != service_id or not person.is_active:
        raise DomainError("Агент изменений — сотрудник этой службы занятости.")
    agent = ChangeAgent(regional_service_id=service_id, user_id=person.id, nominated_by_id=actor.id,
                        reason=(reason or "").strip()[:300])
    try:
        with db.session.begin_nested():
            db.session.add(agent)
    except IntegrityError:
        raise DomainError(f"{person.full_name} уже агент изменений.") from None
    recognition.award_badge(person, BADGE, reason=agent.reason or "Выдвинут(а) агентом изменений", actor=actor,
                            source=f"agent:{agent.id}")
    notify(person, "agents", "Вас выдвинули агентом изменений: посмотрите свои задачи.", path_for("ideas.agents_index"))
    audit.record(actor, "agent.nominate", "change_agent", agent.id, after={"user_id": person.id},
                 summary=f"Агент изменений: {person.full_name}")
    return agent


def add_task(actor: User, agent: ChangeAgent, text: str, due_on: date | None) -> AgentTask:
    if not can_nominate(actor, agent.regional_service_id):
        raise NotAllowed("Задачи агентам ставит комитет или кадровая служба.")
    text = (text or "").strip()
    if not text:
        raise DomainError("Опишите задачу.")
    task = AgentTask(agent_id=agent.id, text=text[:300], due_on=due_on)
    db.session.add(task)
    db.session.flush()
    notify(agent.user, "agents", f"Новая задача агента изменений: {task.text}", path_for("ideas.agents_index"))
    return task


def toggle_task(actor: User, agent: ChangeAgent, task: AgentTask) -> None:
    if actor.id != agent.user_id and not can_nominate(actor, agent.regional_service_id):
        raise DomainError("Отмечает задачу сам агент или комитет.")
    task.done_at = None if task.done_at else utcnow()
    db.session.flush()
