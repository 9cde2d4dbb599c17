"""Fixtures: a fresh app and database per test, factories, signed-in clients, PostgreSQL scratch databases for
the tests that must run on the production database, and the live server and phone of the browser tests. The
building blocks live in tests/support/."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests import factories
from tests.support import app as support_app
from tests.support import browser as support_browser
from tests.support.app import app_with_tables
from tests.support.postgres import scratch_postgres_database


@pytest.fixture
def app(tmp_path):
    with app_with_tables(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'test.sqlite3'}", drop_tables=True) as app:
        yield app


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
        return support_app.sign_in(client, user, password)

    return sign_in


# --- PostgreSQL ------------------------------------------------------------------------------------------

@pytest.fixture
def pg_url() -> Iterator[str]:
    """A scratch PostgreSQL database, created for the test and dropped after it."""
    with scratch_postgres_database() as url:
        yield url


@pytest.fixture
def pg_app(pg_url):
    with app_with_tables(SQLALCHEMY_DATABASE_URI=pg_url) as app:
        yield app


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db_url(request, tmp_path) -> Iterator[str]:
    """Run a test once on an SQLite file and once on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.sqlite3'}"
    else:
        yield request.getfixturevalue("pg_url")


# --- browser ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def browser(request):
    """Debian's Chromium, one for the whole run (skipped without it unless REQUIRE_BROWSER is set)."""
    return support_browser.shared_browser(request.config)


@pytest.fixture
def live_app(tmp_path):
    with support_browser.live_test_app(tmp_path) as app:
        yield app


@pytest.fixture
def live_server(live_app):
    with support_browser.LiveServer(live_app) as server:
        yield server


@pytest.fixture
def phone(browser, live_server):
    """A phone's browser on the live server; the test fails if its console shows an error."""
    with support_browser.phone_page(browser, live_server) as page:
        yield page
