"""Security headers on every kind of answer, no inline code anywhere, secure cookies in production, and the rate
limits of the public and sign-in endpoints.

The walk visits every GET route of the authorization matrix as an anonymous visitor, as each role and as «the
colleague», both as a whole page and as an htmx fragment (see conftest.page_walk): pages, fragments, redirects,
refusals, downloads (CSV, XLSX, PDF, ZIP, JSON-LD, PNG) and static files."""
from __future__ import annotations

import re

import pytest
from limits import parse_many

from tests.hardening.pages import forms_in, inline_code
from tests.hardening.world import PASSWORD
from tests.support.app import make_test_app
from training.extensions import db, limiter

REFERRER_POLICIES = {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}


def _csp(value: str) -> dict[str, list[str]]:
    directives = {}
    for part in value.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def header_problems(headers: dict[str, str]) -> list[str]:
    problems = []
    policy = headers.get("Content-Security-Policy")
    if not policy:
        return ["no Content-Security-Policy"]
    csp = _csp(policy)
    for directive in ("default-src", "script-src", "style-src"):
        sources = csp.get(directive, csp.get("default-src"))
        if sources is None:
            problems.append(f"CSP without {directive}")
            continue
        bad = [s for s in sources if s.strip("'") in ("unsafe-inline", "unsafe-eval", "unsafe-hashes", "*")
               or s in ("data:", "http:", "https:")]
        if bad:
            problems.append(f"CSP {directive} allows {bad}")
    if csp.get("frame-ancestors") != ["'none'"]:
        problems.append(f"CSP frame-ancestors is {csp.get('frame-ancestors')}")
    if csp.get("object-src") != ["'none'"]:
        problems.append("CSP object-src is not 'none'")
    if "base-uri" not in csp:
        problems.append("CSP without base-uri")
    if headers.get("X-Frame-Options", "").upper() != "DENY":
        problems.append(f"X-Frame-Options: {headers.get('X-Frame-Options')}")
    if headers.get("X-Content-Type-Options", "").lower() != "nosniff":
        problems.append(f"X-Content-Type-Options: {headers.get('X-Content-Type-Options')}")
    if headers.get("Referrer-Policy", "").lower() not in REFERRER_POLICIES:
        problems.append(f"Referrer-Policy: {headers.get('Referrer-Policy')}")
    return problems


def test_the_checks_can_fail():
    """The scanners below find what they look for (a check that cannot fail proves nothing)."""
    page = ('<div style="color:red" onclick="go()"><script>alert(1)</script><script src="/s.js"></script>'
            '<a href="javascript:void(0)">x</a><style>p{}</style><button hx-on:click="x()">b</button></div>')
    assert len(inline_code(page)) == 6, inline_code(page)
    assert not inline_code('<script src="/static/js/app.js" defer></script><p class="x">ok</p>')
    weak = {"Content-Security-Policy": "default-src 'self'; script-src 'self' 'unsafe-inline'",
            "X-Frame-Options": "SAMEORIGIN"}
    assert len(header_problems(weak)) >= 5


def test_every_answer_carries_the_security_headers(page_walk):
    failures = [f"{visit}: {', '.join(problems)}" for visit in page_walk
                if (problems := header_problems(visit.headers))]
    assert len(page_walk) > 500
    assert not failures, "\n".join(failures[:40])


def test_no_rendered_page_or_fragment_holds_inline_code(page_walk):
    """What the CSP would block in a browser: <script> without src, <style>, style="", on*="", javascript:."""
    html = [v for v in page_walk if v.is_html and v.body]
    assert len(html) > 300
    failures = []
    for visit in html:
        problems = inline_code(visit.body.decode(errors="replace"))
        if problems:
            failures.append(f"{visit}: {problems[:3]}")
    assert not failures, "\n".join(failures[:40])


def test_signed_in_pages_are_not_cached(page_walk):
    failures = [str(v) for v in page_walk if v.who and v.is_html and v.status == 200
                and not re.search(r"no-store|private", v.headers.get("Cache-Control", ""))]
    assert not failures, "\n".join(failures[:20])


def test_error_pages_carry_the_headers_and_no_inline_code(tmp_path):
    app = make_test_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'errors.sqlite3'}",
                        PROPAGATE_EXCEPTIONS=False, WTF_CSRF_ENABLED=True, MAX_CONTENT_LENGTH=1000)

    def boom():
        raise RuntimeError("the page broke")

    app.add_url_rule("/__boom", "boom", boom)
    with app.app_context():
        db.create_all()
    client = app.test_client()
    answers = {
        404: client.get("/no-such-page"),
        405: client.put("/auth/login"),
        400: client.post("/auth/login", data={"email": "a@b.c", "password": "x"}),  # no CSRF token
        413: client.post("/auth/login", data={"email": "x" * 5000}),
        500: client.get("/__boom"),
        "htmx 404": client.get("/no-such-page", headers={"HX-Request": "true"}),
    }
    for what, response in answers.items():
        if isinstance(what, int):
            assert response.status_code == what, (what, response.status_code)
        assert not header_problems(dict(response.headers)), (what, header_problems(dict(response.headers)))
        assert not inline_code(response.get_data(as_text=True)), (what, inline_code(response.get_data(as_text=True)))
    assert "the page broke" not in answers[500].get_data(as_text=True)


# --- cookies in production ----------------------------------------------------------------------------------------

def _cookies(response) -> dict[str, str]:
    return {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}


def test_production_cookies_are_secure(world, tmp_path, monkeypatch):
    from training.config import ProductionConfig

    monkeypatch.setenv("SECRET_KEY", "p" * 48)
    monkeypatch.setenv("DATABASE_URL", "postgresql://unused/never")
    copy = world.copy_to(tmp_path / "production.sqlite3")
    app = make_test_app(ProductionConfig(), SQLALCHEMY_DATABASE_URI=f"sqlite:///{copy}", **world.config)
    assert not app.testing and app.config["WTF_CSRF_ENABLED"] is not False
    client = app.test_client()
    https = {"base_url": "https://localhost"}
    page = client.get("/auth/login", **https)
    token = forms_in(page.get_data(as_text=True), "/auth/login")[0].fields["csrf_token"].value
    response = client.post("/auth/login", data={"csrf_token": token, "email": world.emails["employee"],
                                                "password": "correct-horse-battery-42", "remember": "y"},
                           headers={"Referer": "https://localhost/auth/login"}, **https)  # CSRF over HTTPS
    assert response.status_code == 303
    cookies = _cookies(response)
    assert {"session", "remember_token"} <= cookies.keys(), cookies.keys()
    for header in cookies.values():
        flags = {part.strip().split("=")[0].lower() for part in header.split(";")[1:]}
        assert {"secure", "httponly"} <= flags, header
        assert "samesite=lax" in header.lower() or "samesite=strict" in header.lower(), header
    assert response.headers.get("Strict-Transport-Security", "").startswith("max-age=")
    # the public pages' device cookies (rate limiting of clients) are secure too
    from training.gamification.contests.codes import sheet_signature

    with app.app_context():
        sig = sheet_signature(world.arguments["employee_id"])  # signed with the production key
    phone = app.test_client()
    vote = phone.get(f"/v/{world.arguments['employee_id']}/{sig}", **https)
    feedback = phone.get(f"/f/{world.arguments['token']}", **https)
    for response in (vote, feedback):
        assert response.status_code == 200
        for header in _cookies(response).values():
            assert "secure" in header.lower() and "httponly" in header.lower(), header


# --- rate limits ---------------------------------------------------------------------------------------------------

def _allowed(app, limit_function) -> int:
    """The smallest number of requests the configured limit string allows (e.g. «5 per minute;30 per hour»)."""
    with app.test_request_context():
        return min(item.amount for item in parse_many(limit_function()))


def _flood(client, url, allowed: int, data=None, **kwargs) -> list[int]:
    statuses = []
    for i in range(allowed + 1):
        payload = data(i) if callable(data) else data
        response = client.post(url, data=payload, **kwargs)
        statuses.append(response.status_code)
        response.close()
    return statuses


def _assert_limited(statuses: list[int], allowed: int, what: str) -> None:
    assert 429 not in statuses[:allowed], f"{what}: refused before the configured {allowed}: {statuses}"
    assert statuses[allowed] == 429, f"{what}: request {allowed + 1} was not refused: {statuses}"


def test_sign_in_is_rate_limited_per_account_and_address_and_per_address(world_app, world):
    from training.accounts.routes import _login_limit_per_address

    app = world_app.app
    free = app.config["LOGIN_FREE_FAILURES"]
    statuses = _flood(app.test_client(), "/auth/login", free,
                      data={"email": world.emails["employee"], "password": "wrong-password-123"})
    _assert_limited(statuses, free, "sign-in per account and address")
    # the right password waits from this address, and passes from another one
    right = {"email": world.emails["employee"], "password": PASSWORD}
    assert app.test_client().post("/auth/login", data=right).status_code == 429
    elsewhere = app.test_client().post("/auth/login", data=right, environ_base={"REMOTE_ADDR": "192.0.2.44"})
    assert elsewhere.status_code == 303
    limiter.reset()
    per_address = _allowed(app, _login_limit_per_address)
    statuses = _flood(app.test_client(), "/auth/login", per_address,
                      data=lambda i: {"email": f"nobody{i}@szn.example.ru", "password": "wrong-password-123"})
    _assert_limited(statuses, per_address, "sign-in per address")


def _assert_limited_per_device_and_address(app, url, limits, cookie: str, device_id, data: dict, what: str) -> None:
    """One phone flooding a public form is stopped by the per-device limit; after a reset, a different phone for
    every request behind one address is stopped by the per-address limit."""
    per_device_limit, per_address_limit = limits
    client = app.test_client()
    client.get(url)  # the page gives the phone its device cookie
    per_device = _allowed(app, per_device_limit)
    _assert_limited(_flood(client, url, per_device, data=data), per_device, f"{what} per device")
    limiter.reset()
    per_address = _allowed(app, per_address_limit)
    statuses = []
    for i in range(per_address + 1):
        phone = app.test_client()
        phone.set_cookie(cookie, device_id(i))
        statuses.append(phone.post(url, data=data).status_code)
    _assert_limited(statuses, per_address, f"{what} per address")


def test_client_feedback_is_rate_limited_per_device_and_per_address(world_app, world):
    from training.metrics.feedback.client_routes import _per_address, _per_device

    _assert_limited_per_device_and_address(
        world_app.app, f"/f/{world.arguments['token']}", (_per_device, _per_address), "fb_device",
        lambda i: f"{i:022d}", {"recommend": "9", "ces": "5"}, "feedback")


def test_client_votes_are_rate_limited_per_device_and_per_address(world_app, world):
    from training.gamification.contests.client_routes import _limit_per_address, _limit_per_device

    _assert_limited_per_device_and_address(
        world_app.app, f"/v/{world.arguments['employee_id']}/{world.arguments['sig']}",
        (_limit_per_device, _limit_per_address), "szn_vote_device", lambda i: f"device{i:016d}",
        {"code": "ABC123"}, "client votes")


def test_public_stress_posts_are_rate_limited(world_app, world):
    from training.gamification.stress.routes import _public_limit

    app = world_app.app
    allowed = _allowed(app, _public_limit)
    statuses = _flood(app.test_client(), f"/team/stress/from-clients/{world.arguments['centre_id']}", allowed,
                      data=lambda i: {"text": f"Долго ждали в очереди, случай {i}"})
    _assert_limited(statuses, allowed, "public stress posts")


@pytest.mark.parametrize("path", ["/certificates/verify/{verification_code}", "/certificates/verify/no-such-code"])
def test_certificate_verification_is_rate_limited(world_app, world, path):
    from training.certificates.routes import _public_limit

    app = world_app.app
    allowed = _allowed(app, _public_limit)
    client = app.test_client()
    url = path.format(**world.arguments)
    statuses = [client.get(url).status_code for _ in range(allowed + 1)]
    assert statuses[0] == (404 if path.endswith("no-such-code") else 200)  # the certificate's page, or none
    _assert_limited(statuses, allowed, f"verification {path}")
