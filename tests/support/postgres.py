"""Scratch PostgreSQL databases for the tests that must run on the production database."""
from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy.engine import make_url


def postgres_base_url() -> str:
    """TEST_DATABASE_URL; without it the test is skipped (fails when REQUIRE_POSTGRES is set)."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        if os.environ.get("REQUIRE_POSTGRES"):
            pytest.fail("REQUIRE_POSTGRES is set but TEST_DATABASE_URL is not")
        pytest.skip("TEST_DATABASE_URL не задан: тест PostgreSQL пропущен (в CI он обязателен)")
    return url


@contextlib.contextmanager
def scratch_postgres_database() -> Iterator[str]:
    """Create a scratch PostgreSQL database, give its URL, drop it afterwards (skips when PostgreSQL is absent,
    unless REQUIRE_POSTGRES is set)."""
    base = postgres_base_url()
    name = f"szn_test_{uuid.uuid4().hex[:12]}"
    admin_url = make_url(base).set(drivername="postgresql")
    conninfo = admin_url.render_as_string(hide_password=False)
    try:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        if os.environ.get("REQUIRE_POSTGRES"):
            raise
        pytest.skip(f"PostgreSQL недоступен: {exc}")
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
