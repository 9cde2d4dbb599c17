"""Sign-in, passwords, consent and staff scope: the rules of the accounts domain."""
from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from training.accounts import scopes
from training.accounts.models import Role, User, UserSession, normalise_email
from training.accounts.passwords import (
    generate_one_time_password,
    hash_password,
    needs_rehash,
    password_problems,
    verify_password,
)
from training.audit import services as audit
from training.db import utcnow
from training.errors import DomainError, NotAllowed
from training.extensions import db
from training.org.models import Department


class SignInFailed(DomainError):
    pass


GENERIC_SIGN_IN_ERROR = "Неверный адрес почты или пароль."


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def authenticate(email: str, password: str) -> User:
    """Return the user for a correct e-mail and password, else raise :class:`SignInFailed`.

    The message never tells whether the account exists."""
    user = find_by_email(email)
    if user is None or not user.is_active:
        verify_password(None, password)
        raise SignInFailed(GENERIC_SIGN_IN_ERROR)
    if not verify_password(user.password_hash, password):
        raise SignInFailed(GENERIC_SIGN_IN_ERROR)
    if user.must_change_password and user.one_time_password_expires_at and \
            user.one_time_password_expires_at < utcnow():
        raise SignInFailed("Срок действия одноразового пароля истёк. Обратитесь в кадровую службу за новым.")
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user


def change_password(user: User, current_password: str | None, new_password: str) -> None:
    """Set a new password. ``current_password`` is required unless the user signed in with a one-time one."""
    if current_password is not None and not verify_password(user.password_hash, current_password):
        raise DomainError("Текущий пароль указан неверно.")
    if verify_password(user.password_hash, new_password):
        raise DomainError("Новый пароль должен отличаться от прежнего.")
    problems = password_problems(new_password, email=user.email, full_name=user.full_name)
    if problems:
        raise DomainError(" ".join(problems))
    user.password_hash = hash_password(new_password)
    user.must_change_password = False
    user.one_time_password_expires_at = None
    end_all_sessions(user)


# --- sessions ----------------------------------------------------------------------------------------------

def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


_BROWSERS = (("Edg/", "Edge"), ("YaBrowser", "Яндекс Браузер"), ("OPR/", "Opera"), ("Firefox/", "Firefox"),
             ("Chrome/", "Chrome"), ("Safari/", "Safari"))
_SYSTEMS = (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows"),
            ("Mac OS X", "macOS"), ("Linux", "Linux"))


def describe_device(user_agent: str | None) -> str:
    """«Chrome, Android» from a User-Agent header: enough for a person to recognise their device."""
    agent = user_agent or ""
    browser = next((name for mark, name in _BROWSERS if mark in agent), None)
    system = next((name for mark, name in _SYSTEMS if mark in agent), None)
    found = ", ".join(p for p in (browser, system) if p)
    return found or re.sub(r"[^\w ./-]", "", agent)[:60] or "неизвестное устройство"


def start_session(user: User, user_agent: str | None = None) -> str:
    """A new server-side session record for this sign-in; returns its token (the cookie's part)."""
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(user_id=user.id, token_hash=token_hash(token),
                               device=describe_device(user_agent)[:120], created_at=utcnow()))
    db.session.flush()
    user.session_token = token
    return token


def end_session(user: User, token: str | None) -> None:
    """Logout: this session's record is revoked, so a copied session or remember-me cookie no longer works."""
    if token:
        db.session.execute(update(UserSession).where(UserSession.user_id == user.id,
                                                     UserSession.token_hash == token_hash(token),
                                                     UserSession.revoked_at.is_(None)).values(revoked_at=utcnow()))


def end_other_session(user: User, session_id: int, current_token: str | None) -> None:
    record = db.session.get(UserSession, session_id)
    if record is None or record.user_id != user.id or record.revoked_at is not None:
        raise DomainError("Этот сеанс уже завершён.")
    if current_token and record.token_hash == token_hash(current_token):
        raise DomainError("Это текущий сеанс: чтобы завершить его, нажмите «Выйти».")
    record.revoked_at = utcnow()


def end_other_sessions(user: User, current_token: str | None) -> int:
    query = update(UserSession).where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
    if current_token:
        query = query.where(UserSession.token_hash != token_hash(current_token))
    return db.session.execute(query.values(revoked_at=utcnow())).rowcount


def end_all_sessions(user: User) -> None:
    """Password change, reset or deactivation: every device signs in again (the version in the cookie changes
    too, so even a session begun before the records existed ends)."""
    user.session_version += 1
    if user.id is not None:
        db.session.execute(update(UserSession).where(UserSession.user_id == user.id,
                                                     UserSession.revoked_at.is_(None)).values(revoked_at=utcnow()))


def active_sessions(user: User) -> list[UserSession]:
    return list(db.session.scalars(select(UserSession).where(UserSession.user_id == user.id,
                                                             UserSession.revoked_at.is_(None))
                                   .order_by(UserSession.created_at.desc(), UserSession.id.desc())))


def issue_one_time_password(user: User) -> str:
    """Give the user a fresh one-time password; they must choose their own at the next sign-in."""
    password = generate_one_time_password()
    user.password_hash = hash_password(password)
    user.must_change_password = True
    user.one_time_password_expires_at = utcnow() + timedelta(days=current_app.config["ONE_TIME_PASSWORD_DAYS"])
    end_all_sessions(user)
    return password


def reset_password(actor: User, user: User) -> str:
    ensure_can_manage(actor, user)
    password = issue_one_time_password(user)
    audit.record(actor, "user.password_reset", "user", user.id, summary=f"Выдан одноразовый пароль: {user.full_name}")
    return password


def set_public_consent(user: User, consent: bool) -> None:
    if user.is_public_consent != consent:
        user.is_public_consent = consent
        user.consent_updated_at = utcnow()


# --- scope (accounts.scopes: who sees and who administers whom) ------------------------------------------

def ensure_can_manage(viewer: User, user: User) -> None:
    """Edit people, reset passwords: HR within their regional service (never an administrator), administrators
    everywhere."""
    if not scopes.can_administer(viewer, user):
        raise NotAllowed("У вас нет прав на изменение данных этого сотрудника.")


def assignable_roles(viewer: User) -> list[Role]:
    roles = [Role.EMPLOYEE, Role.TEACHER, Role.MANAGER, Role.HR]
    return roles + [Role.ADMIN] if viewer.has_role(Role.ADMIN) else roles


def user_snapshot(user: User) -> dict:
    return {
        "email": user.email,
        "personnel_number": user.personnel_number,
        "full_name": user.full_name,
        "position": user.position,
        "hire_date": user.hire_date,
        "regional_service_id": user.regional_service_id,
        "centre_id": user.centre_id,
        "department_id": user.department_id,
        "roles": sorted(user.roles),
        "is_active": user.is_active,
    }


def update_staff_member(actor: User, user: User, *, position: str, department_id: int | None,
                        roles: set[str], is_active: bool) -> None:

    ensure_can_manage(actor, user)
    if Role.ADMIN in roles and not actor.has_role(Role.ADMIN):
        raise NotAllowed("Роль «администратор» может назначить только администратор.")
    if actor.id == user.id and not is_active:
        raise DomainError("Нельзя отключить собственную учётную запись.")
    before = user_snapshot(user)
    if department_id:
        department = db.session.get(Department, department_id)
        if department is None or department.centre.regional_service_id != user.regional_service_id:
            raise DomainError("Подразделение не найдено в службе занятости сотрудника.")
        user.department_id, user.centre_id = department.id, department.centre_id
    user.position = position.strip()
    user.set_roles(roles)
    if user.is_active != is_active:
        user.is_active = is_active
        end_all_sessions(user)
    audit.record_changes(actor, "user.update", "user", user.id, before=before, after=user_snapshot(user),
                         summary=f"Изменены данные сотрудника: {user.full_name}")
