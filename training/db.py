"""Declarative base with a naming convention, and small column helpers shared by all domains."""
from __future__ import annotations

import enum
import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, Self

from sqlalchemy import DateTime, Enum, MetaData, TypeDecorator, event, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, registry

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


def dialect_insert(session: Session):
    """The ``insert`` construct of the session's database (PostgreSQL's or SQLite's), for the statements that say
    ON CONFLICT … (both databases have it, RETURNING included)."""
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def seed_by_code(session: Session, model: type, rows: Iterable[dict[str, Any]], *, where=()) -> int:
    """Get-or-create reference rows (touchpoints, aspects, categories…) by their ``code``, in the listed order
    (``sort_order`` 10, 20, …). Rows already there stay as an administrator left them. Returns how many were
    created."""
    have = set(session.scalars(select(model.code).where(*where)))
    created = 0
    for order, fields in enumerate(rows, start=1):
        if fields["code"] not in have:
            session.add(model(sort_order=order * 10, **fields))
            created += 1
    session.flush()
    return created


class LabelledEnum(enum.StrEnum):
    """A string enum whose members carry their Russian label: ``OPEN = "open", "новая"``.

    A member is its value (``Status.OPEN == "open"``, JSON and templates see "open"); ``member.label`` is what
    people read. In the class body a member is still its ``(value, label)`` pair."""

    label: str

    def __new__(cls, value: str, label: str) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def labels(cls) -> dict[Self, str]:
        """Every member with its label, in declaration order (select options, import dictionaries)."""
        return {member: member.label for member in cls}


def _enum_values(enum_class: type[enum.StrEnum]) -> list[str]:
    return [member.value for member in enum_class]


def enum_type(enum_class: type[enum.StrEnum], *, column: str, length: int) -> Enum:
    """The type of a status or kind column: VARCHAR(length) holding the members' values, guarded by a CHECK
    constraint ``ck_<table>_<column>`` on SQLite and PostgreSQL alike (not PostgreSQL's native ENUM, so a new
    value is one constraint change on both backends). Rows come back as members.

    The database is the guard: writing a value outside the enum fails with IntegrityError. Strings are not
    validated in Python (validate_strings=False), so a filter taken from a request (``?role=nonsense``) still
    matches nothing instead of failing with LookupError."""
    return Enum(enum_class, name=column, length=length, native_enum=False, create_constraint=True,
                validate_strings=False, values_callable=_enum_values)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every backend.

    SQLite has no time zones: values are stored naive in UTC and come back aware, so code never
    compares naive and aware datetimes.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime passed to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    # One registry carries the naming convention and maps every ``Mapped[datetime]`` to UTC-aware columns.
    registry = registry(metadata=MetaData(naming_convention=NAMING_CONVENTION),
                        type_annotation_map={datetime: UTCDateTime()})


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """Foreign keys on and WAL for every SQLite connection (the embedded default)."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()


@event.listens_for(Engine, "savepoint")
def _sqlite_savepoint(connection, name) -> None:
    """pysqlite opens a transaction only before INSERT/UPDATE/DELETE, so a SAVEPOINT issued first would become
    the outermost transaction and its RELEASE would commit. Open the real transaction first, so a later
    rollback undoes what the savepoint did. (Reads before the first write stay outside a transaction and
    hold no snapshot, so a read-then-write request waits for the lock instead of failing.)"""
    if connection.dialect.name == "sqlite":
        dbapi_connection = connection.connection.dbapi_connection
        if not dbapi_connection.in_transaction:
            dbapi_connection.execute("BEGIN")
