"""Fixtures of the hardening tests: the populated world (built once per run) and apps working on copies of it."""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import make_test_app
from tests.hardening.world import World, build_world, url_for_rule
from training.extensions import db, limiter

# everyone whose pages the walks visit: anonymous visitors, one person per role, and «the colleague»
PEOPLE = [None, "employee", "teacher", "manager", "hr", "admin", "colleague"]


def _open_quiz_attempt(ctx, arguments) -> dict:
    """The colleague's quiz attempt of tests/quizzes/access.py is finished; an open one shows the answer form,
    so the walk learns the fields of quizzes.save and the fuzzing can post answers."""
    from training.quizzes import services
    from training.quizzes.models import Quiz

    attempt = services.start_attempt(db.session.get(Quiz, arguments["quiz_id"]), ctx["colleague"])
    return {"attempt_id": attempt.id}


@pytest.fixture(scope="session")
def world(tmp_path_factory) -> World:
    return build_world(tmp_path_factory.mktemp("world"), extra=_open_quiz_attempt)


class WorldApp:
    """An app on a private copy of the world; :meth:`reset` brings the database back to the world's state."""

    _numbers = itertools.count(1)

    def __init__(self, world: World, directory: Path, **overrides):
        self.world = world
        self.path = directory / f"copy-{next(self._numbers)}.sqlite3"
        world.copy_to(self.path)
        self.app = make_test_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{self.path}", **world.config, **overrides)

    def reset(self) -> None:
        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()
            limiter.reset()
        self.world.copy_to(self.path)

    def client(self, who: str | None = None):
        from tests.hardening.world import sign_in

        client = self.app.test_client()
        sign_in(client, self.world, who)
        return client

    def close(self) -> None:
        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def world_app(world, tmp_path):
    """The world, fresh for this test, rate limits on (as in production)."""
    instance = WorldApp(world, tmp_path)
    limiter.reset()
    yield instance
    instance.close()


@dataclass
class Visit:
    who: str | None
    endpoint: str
    url: str
    htmx: bool
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "")

    @property
    def is_html(self) -> bool:
        return "text/html" in self.content_type

    def __str__(self) -> str:
        return f"GET {self.url} as {self.who or 'anonymous'}{' (htmx)' if self.htmx else ''} → {self.status}"


@pytest.fixture(scope="session")
def page_walk(world, tmp_path_factory) -> list[Visit]:
    """Every GET route of the matrix, as everyone, as a whole page and as an htmx request: what came back."""
    app = WorldApp(world, tmp_path_factory.mktemp("walk"), RATELIMIT_ENABLED=False)
    visits: list[Visit] = []
    rules = sorted((r for r in app.app.url_map.iter_rules() if "GET" in r.methods), key=lambda r: r.rule)
    try:
        for who in PEOPLE:
            client = app.client(who)
            for rule in rules:
                url = url_for_rule(app.app, rule, world.arguments)
                for htmx in (False, True):
                    response = client.get(url, headers={"HX-Request": "true"} if htmx else {})
                    kind = response.headers.get("Content-Type", "")
                    body = response.get_data() if "text/" in kind else b""  # PDFs, ZIPs: headers only
                    visits.append(Visit(who, rule.endpoint, url, htmx, response.status_code,
                                        dict(response.headers), body))
                    response.close()
    finally:
        app.close()
    return visits
