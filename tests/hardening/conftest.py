"""Fixtures of the hardening tests: the populated world (built once per run) and apps working on copies of it."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.hardening.world import World, WorldApp, build_world, open_quiz_attempt, url_for_rule
from training.extensions import limiter

# everyone whose pages the walks visit: anonymous visitors, one person per role, and «the colleague»
PEOPLE = [None, "employee", "teacher", "manager", "hr", "admin", "colleague"]


@pytest.fixture(scope="session")
def world(tmp_path_factory) -> World:
    return build_world(tmp_path_factory.mktemp("world"), extra=open_quiz_attempt)


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
