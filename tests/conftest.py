"""Fixtures: a fresh app and database per test, factories, signed-in clients, and PostgreSQL scratch
databases for the tests that must run on the production database."""
from __future__ import annotations

import contextlib
import os
import tempfile
import uuid
from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient
from sqlalchemy.engine import make_url

import training.models  # noqa: F401  (every mapper registered before test modules import models)
from tests import factories
from training.app import create_app
from training.config import TestingConfig
from training.extensions import db


class FreshContextClient(FlaskClient):
    """Each request runs in its own application context, as in production: `g` (and Flask-Login's cached
    user) and the database session are not shared with the test body or with other requests."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def make_test_app(config=TestingConfig, **overrides):
    """An app for tests. Without an explicit database it gets its own SQLite file (not ":memory:": every
    request and the test body get their own connection, as in production)."""
    if "SQLALCHEMY_DATABASE_URI" not in overrides:
        overrides["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tempfile.mkdtemp(prefix='szn-test-')}/test.sqlite3"
    # files a test stores (the course kit, case attachments) never land in the real instance folder
    files = tempfile.mkdtemp(prefix="szn-files-")
    overrides.setdefault("MATERIALS_ROOT", f"{files}/materials")
    overrides.setdefault("CASE_ATTACHMENTS_ROOT", f"{files}/case-attachments")
    app = create_app(config, **overrides)
    app.test_client_class = FreshContextClient
    return app


@pytest.fixture
def app(tmp_path):
    app = make_test_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'test.sqlite3'}")
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.drop_all()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def org(app):
    """A region with two centres (A and B) of one regional service, and a second service elsewhere."""
    return factories.make_org()


@pytest.fixture
def login(client):
    def sign_in(user, password: str = factories.PASSWORD):
        response = client.post("/auth/login", data={"email": user.email, "password": password})
        assert response.status_code in (302, 303, 204), response.get_data(as_text=True)[:500]
        return response

    return sign_in


# --- PostgreSQL ------------------------------------------------------------------------------------------

def _postgres_base_url() -> str | None:
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
    import psycopg

    base = _postgres_base_url()
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


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A scratch PostgreSQL database, created for the test and dropped after it."""
    with scratch_postgres_database() as url:
        yield url


@pytest.fixture
def pg_app(pg_url):
    app = make_test_app(SQLALCHEMY_DATABASE_URI=pg_url)
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db_url(request, tmp_path) -> Iterator[str]:
    """Run a test once on an SQLite file and once on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.sqlite3'}"
    else:
        yield request.getfixturevalue("pg_url")
