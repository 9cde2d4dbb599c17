"""axe-core (vendored: tests/browser/vendor/axe.min.js, MPL-2.0) on the main pages at a phone viewport:
no serious or critical violations of WCAG 2.1 A/AA."""
from pathlib import Path

import pytest

from tests.browser.conftest import PHONE
from tests.factories import PASSWORD, make_cohort, make_org, make_user
from training.accounts.models import Role
from training.extensions import db

pytestmark = pytest.mark.browser
AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")

# (who signs in, path) — every main page of each role; domains add theirs here
PAGES = [
    (None, "/auth/login"),
    ("learner", "/"),
    ("learner", "/learn/"),
    ("learner", "/learn/block/1"),
    ("learner", "/learn/block/1/discuss"),
    ("learner", "/learn/block/1/case"),
    ("learner", "/auth/profile"),
    ("learner", "/auth/password"),
    ("learner", "/notifications/"),
    ("teacher", "/learn/teach"),
    ("hr", "/org/staff"),
    ("hr", "/org/import"),
    ("hr", "/org/"),
    ("hr", "/learn/cohorts"),
    ("admin", "/audit/"),
]


def _violations(page) -> list[str]:
    page.evaluate(AXE)
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                       nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    return [f"{v['impact']}: {v['id']} — {v['help']} at {v['nodes']}" for v in result
            if v["impact"] in ("serious", "critical")]


def test_main_pages_have_no_serious_accessibility_violations(browser, live_server, live_app):
    from seeds.course_loader import load_course
    from training.courses.models import Course

    load_course()
    db.session.commit()
    org = make_org()
    users = {
        "learner": make_user(department=org.front_a),
        "teacher": make_user(Role.TEACHER, department=org.back_a),
        "hr": make_user(Role.HR, service=org.service),
        "admin": make_user(Role.ADMIN, service=org.service),
    }
    course = db.session.scalar(db.select(Course))
    make_cohort(course, org.service, teachers=[users["teacher"]], learners=[users["learner"]])
    failures = []
    for who in [None, "learner", "teacher", "hr", "admin"]:
        context = browser.new_context(viewport=PHONE, base_url=live_server.url, bypass_csp=True, locale="ru-RU")
        page = context.new_page()
        if who:
            page.goto("/auth/login")
            page.get_by_label("Электронная почта").fill(users[who].email)
            page.get_by_label("Пароль").fill(PASSWORD)
            page.get_by_role("button", name="Войти").click()
            page.wait_for_url("**/")
        for owner, path in PAGES:
            if owner != who:
                continue
            response = page.goto(path)
            assert response.status == 200, path
            failures += [f"{path}: {v}" for v in _violations(page)]
        context.close()
    assert not failures, "\n".join(failures)
