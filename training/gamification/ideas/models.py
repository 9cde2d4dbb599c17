"""Ideas, their supporters, and the projects the committee makes of them."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.accounts.models import User
from training.db import LabelledEnum, enum_type, utcnow
from training.extensions import db
from training.gamification.events.models import Event, EventOutcome
from training.gamification.library.models import LibraryCase
from training.gamification.stress.models import StressItem


class IdeaStatus(LabelledEnum):
    PROPOSED = "proposed", "предложена"
    PROJECT = "project", "принята в проект"
    DECLINED = "declined", "отклонена комитетом"
    DONE = "done", "проект завершён"


class Idea(db.Model):
    __tablename__ = "ideas"
    id: Mapped[int] = mapped_column(primary_key=True)
    regional_service_id: Mapped[int] = mapped_column(ForeignKey("regional_services.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    stress_item_id: Mapped[str | None] = mapped_column(ForeignKey("stress_items.id", ondelete="SET NULL"))
    library_case_id: Mapped[int | None] = mapped_column(ForeignKey("library_cases.id", ondelete="SET NULL"))
    event_outcome_id: Mapped[int | None] = mapped_column(ForeignKey("event_outcomes.id", ondelete="SET NULL"))
    support_count: Mapped[int] = mapped_column(default=0)
    status: Mapped[IdeaStatus] = mapped_column(enum_type(IdeaStatus, column="status", length=20),
                                               default=IdeaStatus.PROPOSED)
    decision_note: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    stress_item: Mapped[StressItem | None] = relationship()
    library_case: Mapped[LibraryCase | None] = relationship(foreign_keys=[library_case_id])
    event_outcome: Mapped[EventOutcome | None] = relationship()
    project: Mapped[Project | None] = relationship(back_populates="idea", uselist=False)

    @property
    def status_label(self) -> str:
        return IdeaStatus(self.status).label


class IdeaSupport(db.Model):
    __tablename__ = "idea_supports"
    __table_args__ = (UniqueConstraint("idea_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)


class Project(db.Model):
    __tablename__ = "idea_projects"
    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), unique=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    result: Mapped[str] = mapped_column(Text, default="")
    case_id: Mapped[int | None] = mapped_column(ForeignKey("library_cases.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    idea: Mapped[Idea] = relationship(back_populates="project")
    lead: Mapped[User] = relationship()
    members: Mapped[list[ProjectMember]] = relationship(cascade="all, delete-orphan", order_by="ProjectMember.id")
    milestones: Mapped[list[Milestone]] = relationship(cascade="all, delete-orphan",
                                                       order_by="Milestone.due_on, Milestone.id")


class ProjectMember(db.Model):
    __tablename__ = "idea_project_members"
    __table_args__ = (UniqueConstraint("project_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("idea_projects.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    user: Mapped[User] = relationship()


class Milestone(db.Model):
    __tablename__ = "idea_milestones"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("idea_projects.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(String(300))
    due_on: Mapped[date | None] = mapped_column(Date)
    done_at: Mapped[datetime | None]


# --- Peer Assist (item 8 of 5.4) -----------------------------------------------------------------------------------

class AssistStatus(LabelledEnum):
    OPEN = "open", "ждёт помощи"
    SCHEDULED = "scheduled", "встреча назначена"
    CLOSED = "closed", "закрыт"


class AssistRequest(db.Model):
    """A request for help on a client problem; colleagues of other departments or centres offer experience. The
    asker's centre and department are kept as they were when asking (who counts as «another department»)."""
    __tablename__ = "assist_requests"
    id: Mapped[int] = mapped_column(primary_key=True)
    regional_service_id: Mapped[int] = mapped_column(ForeignKey("regional_services.id"), index=True)
    asker_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centres.id", ondelete="SET NULL"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    stress_item_id: Mapped[str | None] = mapped_column(ForeignKey("stress_items.id", ondelete="SET NULL"))
    library_case_id: Mapped[int | None] = mapped_column(ForeignKey("library_cases.id", ondelete="SET NULL"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"))
    status: Mapped[AssistStatus] = mapped_column(enum_type(AssistStatus, column="status", length=20),
                                                 default=AssistStatus.OPEN)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]
    asker: Mapped[User] = relationship()
    stress_item: Mapped[StressItem | None] = relationship()
    library_case: Mapped[LibraryCase | None] = relationship()
    event: Mapped[Event | None] = relationship()
    offers: Mapped[list[AssistOffer]] = relationship(cascade="all, delete-orphan", order_by="AssistOffer.id")

    @property
    def status_label(self) -> str:
        return AssistStatus(self.status).label

    @property
    def accepted_offers(self) -> list[AssistOffer]:
        return [o for o in self.offers if o.accepted]


class AssistOffer(db.Model):
    """A colleague's offer of experience: one per person and request; the asker accepts it."""
    __tablename__ = "assist_offers"
    __table_args__ = (UniqueConstraint("request_id", "helper_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("assist_requests.id", ondelete="CASCADE"), index=True)
    helper_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(String(1000))
    accepted: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    helper: Mapped[User] = relationship()


# --- «Агенты изменений» (the preamble of 5.4) --------------------------------------------------------------------

class ChangeAgent(db.Model):
    """A colleague the committee (or HR) nominated as a change agent of the service: once per person and service."""
    __tablename__ = "change_agents"
    __table_args__ = (UniqueConstraint("regional_service_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    regional_service_id: Mapped[int] = mapped_column(ForeignKey("regional_services.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    nominated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    tasks: Mapped[list[AgentTask]] = relationship(cascade="all, delete-orphan",
                                                  order_by="AgentTask.due_on, AgentTask.id")


class AgentTask(db.Model):
    """A change agent's own task: a checklist line with a due date, seen by the agent and the committee."""
    __tablename__ = "change_agent_tasks"
    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("change_agents.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(String(300))
    due_on: Mapped[date | None] = mapped_column(Date)
    done_at: Mapped[datetime | None]
