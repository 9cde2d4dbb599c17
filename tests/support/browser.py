"""Browser tests: the app served on a free local port, Debian's Chromium driven through Playwright, a phone's
viewport, signing in through the form as a person does, and axe-core (vendored: vendor/axe.min.js, MPL-2.0)."""
from __future__ import annotations

import contextlib
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from werkzeug.serving import make_server

from tests.factories import PASSWORD
from tests.support.app import app_with_tables

PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1280, "height": 800}
AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


_SHARED: dict = {}


def shared_browser(config: pytest.Config) -> Browser:
    """One Playwright and one Chromium for the whole run; skipped without Chromium (fails when REQUIRE_BROWSER
    is set)."""
    if chromium_path() is None:
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail("REQUIRE_BROWSER is set but Debian's chromium is not installed (make browser)")
        pytest.skip("chromium не установлен: браузерные тесты пропущены (make browser установит его)")
    if "browser" not in _SHARED:
        playwright = sync_playwright().start()
        _SHARED["playwright"] = playwright
        _SHARED["browser"] = playwright.chromium.launch(executable_path=chromium_path(), headless=True,
                                                         args=CHROMIUM_ARGS)

        def stop():
            _SHARED.pop("browser").close()
            _SHARED.pop("playwright").stop()

        config.add_cleanup(stop)
    return _SHARED["browser"]


class LiveServer:
    """The app served on a free local port by a thread, for as long as the ``with`` block lasts."""

    def __init__(self, app: Flask):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.thread.join(5)


def live_test_app(directory: Path, **overrides) -> contextlib.AbstractContextManager[Flask]:
    """The app a browser talks to: its own SQLite file in ``directory``, CSRF on, as in production."""
    return app_with_tables(SQLALCHEMY_DATABASE_URI=f"sqlite:///{directory / 'browser.sqlite3'}",
                           WTF_CSRF_ENABLED=True, **overrides)


def new_page(browser: Browser, live_server: LiveServer, *, viewport: dict | None = None,
             **options) -> tuple[BrowserContext, Page]:
    """A fresh browser (its own cookies) on the live server, in Russian, at a phone's viewport unless told."""
    context = browser.new_context(viewport=viewport or PHONE, locale="ru-RU", base_url=live_server.url, **options)
    return context, context.new_page()


@contextlib.contextmanager
def phone_page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A phone (360×740, touch, 2× pixels); afterwards the browser console must hold no errors."""
    context, page = new_page(browser, live_server, is_mobile=True, has_touch=True, device_scale_factor=2)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    try:
        yield page
    finally:
        context.close()
    assert not errors, f"errors in the browser console: {errors}"


def submit_sign_in(page: Page, email: str, password: str) -> None:
    """Fill the sign-in form on screen and press «Войти»."""
    page.get_by_label("Электронная почта").fill(email)
    page.get_by_label("Пароль").fill(password)
    page.get_by_role("button", name="Войти").click()


def sign_in(page: Page, user, password: str = PASSWORD, *, lands_on: str = "**/") -> None:
    """Open the sign-in page, sign in as ``user`` and wait for the page a person lands on (home by default)."""
    page.goto("/auth/login")
    submit_sign_in(page, user.email, password)
    page.wait_for_url(lands_on)


def signed_in_page(browser: Browser, live_server: LiveServer, user, **options) -> tuple[BrowserContext, Page]:
    """A fresh browser (see :func:`new_page`) already signed in as ``user``."""
    context, page = new_page(browser, live_server, **options)
    sign_in(page, user)
    return context, page


def has_horizontal_scroll(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")


def axe_violations(page: Page) -> list[str]:
    """axe-core's serious and critical WCAG 2.1 A/AA violations on the page, one line each."""
    page.evaluate(AXE)
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                       nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    return [f"{v['impact']}: {v['id']} — {v['help']} at {v['nodes']}" for v in result
            if v["impact"] in ("serious", "critical")]


BROKEN_WORDS_JS = """(selector) => {
    const broken = [];
    for (const root of document.querySelectorAll(selector)) {
        const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const re = /\\d+(?:[,.]\\d+)?[ \\u00a0]%|[^\\s\\u2010-\\u2014-]+/g;  // a hyphen or a dash is a fair place to break
            let match;
            while ((match = re.exec(node.data)) !== null) {
                const range = document.createRange();
                range.setStart(node, match.index);
                range.setEnd(node, match.index + match[0].length);
                const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
                if (tops.size > 1) { broken.push(match[0]); }
            }
        }
    }
    return broken;
}"""


def broken_words(page: Page, selector: str) -> list[str]:
    """Words (and «10 %»: a number with its unit) inside ``selector`` that the browser broke across lines; a break
    after a hyphen or a dash («Фронт-|офис») is fair."""
    return page.evaluate(BROKEN_WORDS_JS, selector)
