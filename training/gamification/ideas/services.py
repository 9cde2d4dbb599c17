"""Ideas and joint projects: proposing (linked to what prompted it), supporting once per person, the committee's
decision, the project's team and milestones, and the finish that sends the project to the library as a case and
credits the team (points, once per project)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from training.accounts.models import Role, User
from training.audit import services as audit
from training.db import utcnow
from training.errors import DomainError, NotAllowed
from training.extensions import db
from training.gamification.committee import services as committee
from training.gamification.events.models import Event, EventOutcome, OutcomeKind
from training.gamification.ideas.models import Idea, IdeaStatus, IdeaSupport, Milestone, Project, ProjectMember
from training.gamification.library import services as library
from training.gamification.library.models import CaseStatus, LibraryCase
from training.gamification.recognition import services as recognition
from training.gamification.stress.models import StressItem, StressMonth
from training.notifications.services import notify
from training.web import path_for

PROJECT_POINTS = 40  # each member of a finished project (source «project:<id>»)


def visible_ideas(user: User) -> list[Idea]:
    query = select(Idea).options(selectinload(Idea.author)).order_by(Idea.support_count.desc(), Idea.id.desc())
    if not user.has_role(Role.ADMIN):
        query = query.where(Idea.regional_service_id == user.regional_service_id)
    return list(db.session.scalars(query.limit(200)))


def can_view(user: User, idea: Idea) -> bool:
    return user.has_role(Role.ADMIN) or user.regional_service_id == idea.regional_service_id


def can_run(user: User, idea: Idea) -> bool:
    """The project's lead and the committee move the project along."""
    return committee.can_act(user, idea.regional_service_id) or bool(idea.project and idea.project.lead_id == user.id)


# --- what an idea can be linked to --------------------------------------------------------------------------------

def stress_choices(service_id: int | None) -> list[StressItem]:
    return list(db.session.scalars(select(StressItem).join(StressMonth).where(
        StressMonth.regional_service_id == service_id, StressItem.is_hidden.is_(False))
        .order_by(StressMonth.month.desc(), StressItem.plus_count.desc()).limit(30)))


def case_choices(service_id: int | None) -> list[LibraryCase]:
    return list(db.session.scalars(select(LibraryCase).where(LibraryCase.regional_service_id == service_id,
                                                             LibraryCase.status == CaseStatus.PUBLISHED)
                                   .order_by(LibraryCase.id.desc()).limit(30)))


def outcome_choices(service_id: int | None) -> list[EventOutcome]:
    return list(db.session.scalars(select(EventOutcome).join(Event).where(
        Event.regional_service_id == service_id, EventOutcome.kind == OutcomeKind.IDEA)
        .order_by(EventOutcome.id.desc()).limit(30)))


# --- proposing and supporting -------------------------------------------------------------------------------------

def propose(author: User, *, title: str, text: str, stress_item_id: str | None = None,
            library_case_id: int | None = None, event_outcome_id: int | None = None) -> Idea:
    service_id = author.regional_service_id
    if service_id is None:
        raise DomainError("Идеи собирает служба занятости: у вашей учётной записи она не указана.")
    title, text = (title or "").strip(), (text or "").strip()
    if not title or len(text) < 10:
        raise DomainError("Назовите идею и опишите её хотя бы парой предложений.")
    if stress_item_id and stress_item_id not in {i.id for i in stress_choices(service_id)}:
        raise DomainError("Запись «Стресс месяца» не найдена.")
    if library_case_id and library_case_id not in {c.id for c in case_choices(service_id)}:
        raise DomainError("Кейс библиотеки не найден.")
    if event_outcome_id and event_outcome_id not in {o.id for o in outcome_choices(service_id)}:
        raise DomainError("Идея с мероприятия не найдена.")
    idea = Idea(regional_service_id=service_id, author_id=author.id, title=title[:200], text=text[:8000],
                stress_item_id=stress_item_id or None, library_case_id=library_case_id or None,
                event_outcome_id=event_outcome_id or None, support_count=0, status=IdeaStatus.PROPOSED)
    db.session.add(idea)
    db.session.flush()
    for member in committee.members(service_id):
        notify(member.user, "ideas", f"Новая идея: «{idea.title}»", path_for("ideas.detail", idea_id=idea.id))
    return idea


def support(user: User, idea: Idea) -> bool:
    """Support once (unique per person); returns False when already supported."""
    if not can_view(user, idea) or idea.author_id == user.id:
        raise DomainError("Свою идею поддержать нельзя.")
    if idea.status != IdeaStatus.PROPOSED:
        raise DomainError("Идея уже рассмотрена комитетом.")
    try:
        with db.session.begin_nested():
            db.session.add(IdeaSupport(idea_id=idea.id, user_id=user.id))
    except IntegrityError:
        return False
    db.session.execute(update(Idea).where(Idea.id == idea.id).values(support_count=Idea.support_count + 1)
                       .execution_options(synchronize_session=False))
    db.session.refresh(idea)
    return True


def has_supported(user: User, idea: Idea) -> bool:
    return db.session.scalar(select(IdeaSupport.id).where(IdeaSupport.idea_id == idea.id,
                                                          IdeaSupport.user_id == user.id)) is not None


# --- the committee ------------------------------------------------------------------------------------------------

def _decide(actor: User, idea: Idea, status: IdeaStatus, note: str) -> None:
    committee.ensure_can_act(actor, idea.regional_service_id)
    done = db.session.execute(update(Idea).where(Idea.id == idea.id, Idea.status == IdeaStatus.PROPOSED)
                              .values(status=status, decision_note=(note or "").strip(), decided_by_id=actor.id)
                              .execution_options(synchronize_session=False)).rowcount
    if not done:
        raise DomainError("Комитет уже рассмотрел эту идею.")
    db.session.refresh(idea)


def accept(actor: User, idea: Idea, *, lead: User, members: list[User], note: str = "") -> Project:
    if lead.regional_service_id != idea.regional_service_id or not lead.is_active:
        raise DomainError("Руководитель проекта — сотрудник этой службы занятости.")
    _decide(actor, idea, IdeaStatus.PROJECT, note)
    project = Project(idea_id=idea.id, lead_id=lead.id)
    db.session.add(project)
    db.session.flush()
    for person in {lead.id: lead, idea.author_id: idea.author, **{m.id: m for m in members}}.values():
        if person.regional_service_id == idea.regional_service_id:
            db.session.add(ProjectMember(project_id=project.id, user_id=person.id))
            notify(person, "ideas", f"Идея «{idea.title}» стала проектом, вы в команде.",
                   path_for("ideas.detail", idea_id=idea.id))
    audit.record(actor, "idea.accept", "idea", idea.id, after={"lead_id": lead.id},
                 summary=f"Идея принята в проект: «{idea.title}»")
    db.session.flush()
    return project


def decline(actor: User, idea: Idea, note: str) -> None:
    if not (note or "").strip():
        raise DomainError("Объясните автору, почему идея отклонена.")
    _decide(actor, idea, IdeaStatus.DECLINED, note)
    audit.record(actor, "idea.decline", "idea", idea.id, summary=f"Идея отклонена: «{idea.title}»")
    notify(idea.author, "ideas", f"Комитет рассмотрел идею «{idea.title}»: {note[:200]}",
           path_for("ideas.detail", idea_id=idea.id))


# --- the project --------------------------------------------------------------------------------------------------

def add_milestone(actor: User, idea: Idea, text: str, due_on: date | None) -> Milestone:
    if idea.project is None or idea.status != IdeaStatus.PROJECT:
        raise DomainError("Этапы есть только у идущего проекта.")
    if not can_run(actor, idea):
        raise NotAllowed("Этапы ведёт руководитель проекта или комитет.")
    text = (text or "").strip()
    if not text:
        raise DomainError("Опишите этап.")
    milestone = Milestone(project_id=idea.project.id, text=text[:300], due_on=due_on)
    db.session.add(milestone)
    db.session.flush()
    return milestone


def toggle_milestone(actor: User, milestone: Milestone, idea: Idea) -> None:
    if not can_run(actor, idea):
        raise NotAllowed("Этапы ведёт руководитель проекта или комитет.")
    milestone.done_at = None if milestone.done_at else utcnow()
    db.session.flush()


def finish(actor: User, idea: Idea, result: str) -> LibraryCase:
    """Record the result; the project goes to the library as a case (awaiting the committee's moderation) and
    every member is credited once."""
    project = idea.project
    if project is None or idea.status != IdeaStatus.PROJECT:
        raise DomainError("Завершить можно только идущий проект.")
    if not can_run(actor, idea):
        raise NotAllowed("Завершает проект его руководитель или комитет.")
    result = (result or "").strip()
    if len(result) < 10:
        raise DomainError("Опишите результат проекта: что изменилось для клиентов.")
    done = [m.text for m in project.milestones if m.done_at]
    case = library.submit_case(project.lead, kind="case", title=idea.title, situation=idea.text,
                               action="Проект команды: " + ("; ".join(done) if done else "см. описание идеи"),
                               result=result, client_group_id=None, touchpoint_id=None)
    project.result, project.case_id, project.finished_at = result, case.id, utcnow()
    idea.status = IdeaStatus.DONE
    for user_id in db.session.scalars(select(ProjectMember.user_id).where(ProjectMember.project_id == project.id)):
        recognition.award_points(user_id, PROJECT_POINTS, f"project:{project.id}",
                                 f"Проект «{idea.title[:200]}» завершён")
    audit.record(actor, "idea.finish", "idea", idea.id, summary=f"Проект завершён: «{idea.title}»")
    db.session.flush()
    return case


def members_of(idea: Idea) -> list[User]:
    return [m.user for m in idea.project.members] if idea.project else []


def add_member(actor: User, idea: Idea, person: User) -> None:
    if idea.project is None or idea.status != IdeaStatus.PROJECT:
        raise DomainError("Команда есть только у идущего проекта.")
    if not can_run(actor, idea):
        raise NotAllowed("Команду собирает руководитель проекта или комитет.")
    if person.regional_service_id != idea.regional_service_id:
        raise DomainError("В команде — сотрудники этой службы занятости.")
    if any(m.user_id == person.id for m in idea.project.members):
        raise DomainError("Этот сотрудник уже в команде.")
    idea.project.members.append(ProjectMember(project_id=idea.project.id, user_id=person.id))
    db.session.flush()
