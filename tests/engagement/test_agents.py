"""«Агенты изменений»: the committee or HR nominates (the proactive ranking suggests names), the agent gets the
title once per nomination, a mark on the service's page and in the ranking, and own tasks with due dates."""
from __future__ import annotations

from datetime import timedelta

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
    agents.add_task(staff["hr"], agents.agents_of(org.service.id)[0],
                    "Провести встречу с командой", None)
    db.session.commit()
    page = client.get("/team/agents").text
    assert staff["anna"].full_name in page and "агент изменений" in page
    assert "Провести встречу с командой" not in page  # the tasks are the agent's and the committee's


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
    assert "Собрать предложения коллег" in client.get("/team/agents").text
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


def test_the_proactive_ranking_suggests_names_and_marks_agents(staff, org, client, login):
    from training.competence.models import CompetenceScore
    from training.measures.periods import MONTH, local_today, period_of

    # the last finished month: the month in progress moves with anonymous acts and never suggests anyone
    month = period_of(MONTH, local_today().replace(day=1) - timedelta(days=1))
    for key, proactive in (("anna", 4.1), ("boris", 2.0), ("vera", 4.8), ("gleb", None)):
        person = staff[key]
        db.session.add(CompetenceScore(user_id=person.id, period_start=month.start, period_end=month.end,
                                       regional_service_id=person.regional_service_id, centre_id=person.centre_id,
                                       department_id=person.department_id, data_version=1, computed_version=1,
                                       overall=proactive or 3.0, proactive=proactive))
    db.session.commit()
    assert [u.id for u in agents.candidates(org.service.id, limit=2)] == [staff["vera"].id, staff["anna"].id]
    agents.nominate(staff["hr"], org.service.id, staff["vera"])
    db.session.commit()
    login(staff["hr"])
    page = client.get(f"/metrics/competence/ranking?by=overall&month={month.key}").text
    assert page.count("Агент изменений") == 1 and staff["vera"].full_name in page
