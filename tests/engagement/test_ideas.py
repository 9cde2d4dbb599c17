"""Ideas and joint projects: an employee proposes (linked to a stress item, a case or an event's idea), colleagues
support once, the committee accepts it into a project with a team and milestones, and the finished project goes to
the library for moderation while its team is credited."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from training.errors import DomainError, NotAllowed
from training.extensions import db
from training.gamification.committee import services as committee
from training.gamification.ideas import services as ideas
from training.gamification.ideas.models import Idea, IdeaStatus, IdeaSupport
from training.gamification.library.models import CaseStatus, LibraryCase
from training.gamification.recognition import services as recognition
from training.gamification.stress import services as stress


@pytest.fixture
def committee_member(staff, org):
    committee.add_member(staff["hr"], org.service.id, staff["manager"], is_chair=True)
    db.session.commit()
    return staff["manager"]


@pytest.fixture
def idea(staff, org):
    item = stress.post_item(org.service.id, text="Клиенты путают окна приёма", centre_id=org.centre_a.id)
    idea = ideas.propose(staff["anna"], title="Таблички над окнами",
                         text="Повесить над каждым окном табличку, какие вопросы там решают.", stress_item_id=item.id)
    db.session.commit()
    return idea


def test_an_idea_links_to_the_stress_item_that_prompted_it(idea):
    assert idea.stress_item.text == "Клиенты путают окна приёма"
    assert idea.status == IdeaStatus.PROPOSED


def test_a_link_from_another_service_is_refused(staff):
    with pytest.raises(DomainError, match="не найдена"):
        ideas.propose(staff["anna"], title="Идея", text="Достаточно длинное описание идеи.", stress_item_id="nope")


def test_colleagues_support_once_and_not_their_own(staff, idea, client, login):
    login(staff["boris"])
    assert client.post(f"/team/ideas/{idea.id}/support").status_code == 303
    assert ideas.support(staff["boris"], idea) is False
    assert idea.support_count == 1
    with pytest.raises(DomainError, match="Свою идею"):
        ideas.support(staff["anna"], idea)
    assert db.session.scalar(select(func.count()).select_from(IdeaSupport)) == 1


def test_only_the_committee_decides(staff, idea, client, login):
    login(staff["boris"])
    response = client.post(f"/team/ideas/{idea.id}/decide", data={"decision": "accept",
                                                                  "lead": staff["anna"].email})
    assert response.status_code == 403
    assert db.session.get(Idea, idea.id).status == IdeaStatus.PROPOSED


def test_a_declined_idea_needs_a_reason(staff, idea, committee_member):
    with pytest.raises(DomainError, match="Объясните"):
        ideas.decline(committee_member, idea, "")
    ideas.decline(committee_member, idea, "Таблички уже заказаны")
    assert idea.status == IdeaStatus.DECLINED
    with pytest.raises(DomainError, match="уже рассмотрел"):
        ideas.decline(committee_member, idea, "Ещё раз")


def test_a_project_runs_to_the_library_and_credits_its_team(staff, idea, committee_member, client, login):
    login(committee_member)
    response = client.post(f"/team/ideas/{idea.id}/decide", data={"decision": "accept", "lead": staff["anna"].email,
                                                                  "note": "Берём в работу"})
    assert response.status_code == 303
    db.session.expire_all()
    idea = db.session.get(Idea, idea.id)
    assert idea.status == IdeaStatus.PROJECT and idea.project.lead_id == staff["anna"].id
    ideas.add_member(staff["anna"], idea, staff["boris"])
    milestone = ideas.add_milestone(staff["anna"], idea, "Согласовать тексты табличек", None)
    ideas.toggle_milestone(staff["anna"], milestone, idea)
    with pytest.raises(NotAllowed):
        ideas.add_milestone(staff["dina"], idea, "Чужой этап", None)
    case = ideas.finish(staff["anna"], idea, "Клиенты реже ошибаются окном, очередь у стойки короче.")
    db.session.commit()
    assert idea.status == IdeaStatus.DONE
    assert case.status == CaseStatus.SUBMITTED and "Согласовать тексты табличек" in case.action
    assert db.session.scalar(select(func.count()).select_from(LibraryCase)) == 1
    assert recognition.points_total(staff["boris"]) == ideas.PROJECT_POINTS
    with pytest.raises(DomainError, match="только идущий"):
        ideas.finish(staff["anna"], idea, "Ещё один результат проекта")


def test_the_pages_show_the_idea_and_its_project(staff, idea, client, login):
    login(staff["boris"])
    page = client.get("/team/ideas").get_data(as_text=True)
    assert "Таблички над окнами" in page
    detail = client.get(f"/team/ideas/{idea.id}").get_data(as_text=True)
    assert "Клиенты путают окна приёма" in detail and "Поддержать" in detail
    bad = client.post("/team/ideas", data={"title": "", "text": "коротко"})
    assert bad.status_code == 422
