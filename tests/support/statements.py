"""Counting the SQL statements a request sends (the statement budgets, tests/core/test_statement_budgets.py)."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Engine


@contextmanager
def statements_sent(engine: Engine) -> Iterator[list[str]]:
    """Every statement sent to ``engine`` while the block runs (savepoints included), in order."""
    sent: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        sent.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)


def listing(statements: list[str], width: int = 220) -> str:
    """The statements, numbered and shortened, for an assertion message."""
    return "\n".join(f"  {n}. {s[:width]}" for n, s in enumerate(statements, start=1))
