"""«Агенты изменений»: the committee or HR nominates (the proactive ranking suggests names), the agent gets the
title once per nomination, a mark on the service's page and in the ranking, and own tasks with due dates."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from training.errors import DomainError, NotAllowed
from training.extensions import db
from training.gamification.ideas import agents
from training.gamification.ideas.models import AgentTask, ChangeAgent
from training.gamification.recognition import services as recognition
from training.signals import change_agent_candidates_requested


def test_only_the_committee_or_hr_nominates(staff, org, client, login):
    with pytest.raises(NotAllowed):
        agents.nominate(staff["boris"], org.service.id, staff["anna"])
    login(staff["boris"])
    assert client.post("/team/agents", data={"person": staff["anna"].email}).status_code == 403
    assert db.session.scalar(select(func.count()).select_from(ChangeAgent)) == 0
    agents.nominate(staff["hr"], org.service.id, staff["anna"], "Ведёт запись на приём")
    db.session.commit()
    page = client.get("/team/agents").text
    assert staff["anna"].full_name in page and "агент изменений" in page


def test_the_title_is_given_once_per_nomination(staff, org):
    agents.nominate(staff["hr"], org.service.id, staff["anna"])
    with pytest.raises(DomainError, match="уже агент"):
        agents.nominate(staff["hr"], org.service.id, staff["anna"])
    titles = [b.badge.code for b in recognition.badges_of(staff["anna"])]
    assert titles.count("change_agent") == 1


def test_the_agent_ticks_own_tasks_and_others_cannot(staff, org, client, login):
    agent = agents.nominate(staff["hr"], org.service.id, staff["anna"])
    task = agents.add_task(staff["hr"], agent, "Собрать предложения коллег", None)
    db.session.commit()
    with pytest.raises(DomainError, match="сам агент"):
        agents.toggle_task(staff["boris"], agent, task)
    login(staff["anna"])
    assert client.post(f"/team/agents/{agent.id}/tasks/toggle", data={"task_id": task.id}).status_code == 303
    db.session.expire_all()
    assert db.session.get(AgentTask, task.id).done_at is not None


def test_candidates_come_from_the_ranking_and_skip_agents(staff, org):
    def top(service_id, **_):
        return [staff["vera"].id, staff["anna"].id]

    change_agent_candidates_requested.connect(top)
    try:
        agents.nominate(staff["hr"], org.service.id, staff["anna"])
        assert [u.id for u in agents.candidates(org.service.id)] == [staff["vera"].id]
    finally:
        change_agent_candidates_requested.disconnect(top)
