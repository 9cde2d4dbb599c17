"""Staff members as users, and their roles."""
from __future__ import annotations

import enum
from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import Date, ForeignKey, Index, String, UniqueConstraint, event, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.db import LabelledEnum, enum_type, utcnow
from training.extensions import db
from training.org.models import Centre, Department, RegionalService

__all__ = ["Role", "User", "UserRole"]


class Role(LabelledEnum):
    EMPLOYEE = "employee", "сотрудник"
    TEACHER = "teacher", "преподаватель"
    MANAGER = "manager", "руководитель ЦЗН"
    HR = "hr", "кадровая служба"
    ADMIN = "admin", "администратор"

    # Named role sets: who may do what, declared once. Each view's role_required(*Role.X) and the
    # authorization matrix (tests/core) read them; scopes (accounts/scopes.py) narrow them to objects.
    # (Values, not members: in the class body a member is still its (value, label) pair.)
    # Administration of a regional service: staff, imports, weights, certificates, flags (HR and administrators)
    SERVICE_ADMINS = enum.nonmember(frozenset({"hr", "admin"}))
    # see the people, centres and figures of their scope: a centre manager, HR, administrators
    SUPERVISORS = enum.nonmember(frozenset({"manager", "hr", "admin"}))
    # teach the course: question banks, grading, materials
    TEACHING = enum.nonmember(frozenset({"teacher", "hr", "admin"}))
    # organise team events: quests, live games
    ORGANISERS = enum.nonmember(frozenset({"teacher", "manager", "hr", "admin"}))
    # follow a cohort's progress: its teachers, managers of its learners' centres, HR, administrators
    COHORT_VIEWERS = enum.nonmember(frozenset({"teacher", "manager", "hr", "admin"}))
    # confirm what a trained employee does after the course (aftercare): the head of their centre, administrators
    CENTRE_HEADS = enum.nonmember(frozenset({"manager", "admin"}))


class UserRole(db.Model):
    __tablename__ = "user_roles"
    __table_args__ = (UniqueConstraint("user_id", "role"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(enum_type(Role, column="role", length=20))


class User(UserMixin, db.Model):
    """A staff member of the employment service who can sign in.

    Scope: ``regional_service_id`` is always set for staff (an administrator of the whole platform may
    have none); ``centre_id`` and ``department_id`` are empty for staff of the regional service itself.
    """

    __tablename__ = "users"
    __table_args__ = (
        UniqueConstraint("regional_service_id", "personnel_number"),
        Index("ix_users_centre_id_full_name", "centre_id", "full_name"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    personnel_number: Mapped[str | None] = mapped_column(String(40))
    full_name: Mapped[str] = mapped_column(String(200))
    position: Mapped[str] = mapped_column(String(200), default="")
    hire_date: Mapped[date | None] = mapped_column(Date)
    regional_service_id: Mapped[int | None] = mapped_column(ForeignKey("regional_services.id"), index=True)
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centres.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    must_change_password: Mapped[bool] = mapped_column(default=True)
    one_time_password_expires_at: Mapped[datetime | None]
    session_version: Mapped[int] = mapped_column(default=1)
    is_active: Mapped[bool] = mapped_column(default=True)
    is_public_consent: Mapped[bool] = mapped_column(default=False)
    consent_updated_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    last_login_at: Mapped[datetime | None]
    # the bell's badge, kept on write (notifications/models.py): no count query on every page
    unread_notifications: Mapped[int] = mapped_column(default=0)
    # lower-cased «ФИО email табельный» for search: SQLite's lower() does not fold Cyrillic
    search_text: Mapped[str] = mapped_column(String(500), default="")

    role_links: Mapped[list[UserRole]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    service: Mapped[RegionalService | None] = relationship()
    centre: Mapped[Centre | None] = relationship()
    department: Mapped[Department | None] = relationship()

    def __init__(self, **kwargs):
        # Column defaults apply only at INSERT; services read these before the first flush.
        for name, value in (("session_version", 1), ("must_change_password", True), ("is_active", True),
                            ("is_public_consent", False), ("position", ""),
                            ("unread_notifications", 0)):
            kwargs.setdefault(name, value)
        super().__init__(**kwargs)

    # Flask-Login: the id carries the session version (a password change signs out every other session) and the
    # token of this sign-in's server-side record (UserSession), so logging out or ending a session from another
    # device makes both the session cookie and the remember-me cookie worthless.
    session_token = None  # str: set at sign-in and by the user loader, never stored in this table

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}:{self.session_token or ''}"

    @property
    def roles(self) -> set[Role]:
        return {Role(link.role) for link in self.role_links}

    def has_role(self, *roles: str) -> bool:
        mine = {link.role for link in self.role_links}
        return any(str(r) in mine for r in roles)

    def set_roles(self, roles: set[Role] | set[str]) -> None:
        wanted = {str(r) for r in roles} or {Role.EMPLOYEE.value}
        self.role_links = [link for link in self.role_links if link.role in wanted]
        have = {link.role for link in self.role_links}
        for role in sorted(wanted - have):
            self.role_links.append(UserRole(role=role))

    @property
    def role_labels(self) -> list[str]:
        return [Role(r).label for r in Role if r in self.roles]

    @property
    def first_name(self) -> str:
        parts = self.full_name.split()
        return parts[1] if len(parts) > 1 else self.full_name

    @property
    def public_name(self) -> str | None:
        """The name shown on public boards, or None when the person has not consented."""
        return self.full_name if self.is_public_consent else None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class UserSession(db.Model):
    """One sign-in of a person on one device, until logout, ending it from another device, or a password
    change. Only a hash of the token in the cookie is kept; no address and no activity times (a «last seen»
    next to an anonymous post's time would tell who wrote it)."""

    __tablename__ = "user_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    device: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]


def search_key(*parts: str | None) -> str:
    return " ".join(p for p in parts if p).lower().replace("ё", "е")


@event.listens_for(User, "before_insert")
@event.listens_for(User, "before_update")
def _fill_search_text(mapper, connection, user: User) -> None:
    user.search_text = search_key(user.full_name, user.email, user.personnel_number)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def lower_email(column):
    return func.lower(column)


NO_CONSENT_LABEL = "сотрудник, не давший согласия на публикацию"


def public_label(user: User | None) -> str:
    """The name for public boards: only with the person's consent."""
    return user.full_name if user is not None and user.is_public_consent else NO_CONSENT_LABEL
