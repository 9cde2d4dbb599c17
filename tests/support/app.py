"""An app for tests, its database, and a test client signed in as a person."""
from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator

from flask import Flask, has_app_context
from flask.testing import FlaskClient

import training.models  # noqa: F401  (every mapper registered before test modules import models)
from tests.factories import PASSWORD
from training.app import create_app
from training.config import TestingConfig
from training.extensions import db


class FreshContextClient(FlaskClient):
    """Each request runs in its own application context, as in production: `g` (and Flask-Login's cached
    user) and the database session are not shared with the test body or with other requests. After the request
    the test body's rows are expired, so it reads what the request committed."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        # the test body reads what the request committed, as the next request would: the session does not expire
        # its rows on commit (expire_on_commit=False), so the rows it holds are read again once the request is done
        if has_app_context() and db.session.registry.has():
            db.session.expire_all()
        return response


def make_test_app(config=TestingConfig, **overrides) -> Flask:
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


@contextlib.contextmanager
def app_with_tables(*, config=TestingConfig, drop_tables: bool = False, **overrides) -> Iterator[Flask]:
    """A test app with every table created, its application context pushed for the test body; afterwards the
    session is removed and the connections closed (the tables dropped too when asked)."""
    app = make_test_app(config, **overrides)
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        if drop_tables:
            db.drop_all()
        db.engine.dispose()


def sign_in(client: FlaskClient, user, password: str = PASSWORD):
    """Sign ``client`` in as ``user`` through the sign-in form; the answer is the redirect a person follows."""
    response = client.post("/auth/login", data={"email": user.email, "password": password})
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return response
