"""Queries over the organisation, always within the viewer's scope."""
from __future__ import annotations

from sqlalchemy import Select, func, select

from training.accounts.models import User, UserRole, search_key
from training.extensions import db


def staff_counts_by_department(centre_ids: list[int]) -> dict[int, int]:
    rows = db.session.execute(
        select(User.department_id, func.count()).where(User.centre_id.in_(centre_ids), User.is_active)
        .group_by(User.department_id)
    )
    return {department_id: count for department_id, count in rows if department_id}


def search_staff(base: Select, *, q: str = "", centre_id: int | None = None, department_id: int | None = None,
                 role: str | None = None, active: str = "1") -> Select:
    query = base
    if q:
        for word in search_key(q[:200]).split()[:10]:  # SQLite refuses LIKE patterns beyond 50 000 bytes
            query = query.where(User.search_text.contains(word, autoescape=True))
    if centre_id:
        query = query.where(User.centre_id == centre_id)
    if department_id:
        query = query.where(User.department_id == department_id)
    if role:
        query = query.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == role)))
    if active == "1":
        query = query.where(User.is_active)
    elif active == "0":
        query = query.where(User.is_active.is_(False))
    return query.order_by(User.full_name, User.id)
