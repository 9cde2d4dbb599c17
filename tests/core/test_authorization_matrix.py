"""Every route of the app, for every role and for anonymous visitors, gets the expected outcome.

The expected access of each endpoint lives in tests/<domain>/access.py (see tests/core/access.py). An endpoint
missing from every table fails the test: no route ships without a decision on who may open it."""
from __future__ import annotations

import pytest

from tests.core.access import PUBLIC, ROLES, SIGNED_IN
from tests.support.access_tables import ACCESS, matrix_world, route_requests


def test_every_endpoint_is_in_the_matrix(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = sorted(endpoints - ACCESS.keys())
    assert not missing, f"add these endpoints to tests/<domain>/access.py with their expected access: {missing}"
    stale = sorted(ACCESS.keys() - endpoints)
    assert not stale, f"access tables list endpoints that no longer exist: {stale}"


@pytest.fixture
def ctx(org):
    return matrix_world(org)


def _outcome(response) -> str:
    # Flask-Login answers 302 to the sign-in page (views themselves redirect with 303 after a POST)
    if response.status_code == 302 and "/auth/login" in response.headers.get("Location", ""):
        return "login"
    if response.status_code == 401:
        return "login"
    if response.status_code == 403:
        return "forbidden"
    return "allowed"


@pytest.mark.parametrize("who", ["anonymous", *ROLES])
def test_access_matrix(app, ctx, who):
    failures = []
    client = app.test_client()
    if who != "anonymous":
        user = ctx["users"][who]
        client.post("/auth/login", data={"email": user.email, "password": "correct-horse-battery-42"})
    for endpoint, method, url in route_requests(app, ctx["arguments"]):
        response = client.open(url, method=method)
        response.close()
        rule = ACCESS[endpoint]
        if rule == PUBLIC:
            expected = "allowed"
        elif who == "anonymous":
            expected = "login"
        elif rule == SIGNED_IN or who in rule:
            expected = "allowed"
        else:
            expected = "forbidden"
        got = _outcome(response)
        if got != expected or response.status_code >= 500:
            failures.append(f"{method} {url} as {who}: expected {expected}, got {got} ({response.status_code})")
    assert not failures, "\n".join(failures)
