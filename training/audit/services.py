"""Write and read the audit log. Every HR/administrator change goes through :func:`record`."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from flask import has_request_context, request
from sqlalchemy import Select, select

from training.audit.models import AuditEntry
from training.extensions import db


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, (set, frozenset)) else items
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def record(actor, action: str, object_type: str, object_id: Any = None, *, before: dict | None = None,
           after: dict | None = None, summary: str = "") -> AuditEntry:
    """Add an audit entry to the current transaction (it commits or rolls back with the change)."""
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        summary=summary[:500],
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        remote_addr=request.remote_addr if has_request_context() else None,
    )
    db.session.add(entry)
    return entry


def changed_fields(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the keys whose values differ, for compact before/after records."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def record_changes(actor, action: str, object_type: str, object_id: Any, *, before: dict | None, after: dict,
                   summary: str = "") -> bool:
    """Record an edit with only the fields it changed, if it changed any (``before`` None: a new object, recorded
    whole). Returns whether anything was recorded."""
    if before is not None:
        before, after = changed_fields(before, after)
    if not after:
        return False
    record(actor, action, object_type, object_id, before=before, after=after, summary=summary)
    return True


def filtered_entries(*, actor_id: int | None = None, action: str | None = None, object_type: str | None = None,
                     object_id: str | None = None, date_from: date | None = None,
                     date_to: date | None = None) -> Select:
    query = select(AuditEntry).order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    if actor_id:
        query = query.where(AuditEntry.actor_id == actor_id)
    if action:
        query = query.where(AuditEntry.action == action)
    if object_type:
        query = query.where(AuditEntry.object_type == object_type)
    if object_id:
        query = query.where(AuditEntry.object_id == object_id)
    if date_from:
        query = query.where(AuditEntry.created_at >= datetime.combine(date_from, time.min).astimezone())
    if date_to:
        query = query.where(AuditEntry.created_at < datetime.combine(date_to + timedelta(days=1), time.min)
                            .astimezone())
    return query


def known_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)))


def actors() -> list:
    """The people who appear in the log as actors, by name. The class comes from the log's own relationship,
    so the audit layer needs no import of accounts (which sits above it and records through it)."""
    user = AuditEntry.actor.property.mapper.class_
    return list(db.session.scalars(select(user).where(user.id.in_(select(AuditEntry.actor_id).distinct()))
                                   .order_by(user.full_name)))
