"""axe-core (vendored: tests/support/vendor/axe.min.js, MPL-2.0) on the main pages at a phone viewport:
no serious or critical violations of WCAG 2.1 A/AA."""
import pytest

from tests.factories import make_cohort, make_org, make_user
from tests.support.browser import axe_violations, new_page, sign_in
from training.accounts.models import Role
from training.extensions import db

pytestmark = pytest.mark.browser

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
    ("learner", "/team/events"),
    ("learner", "/team/events?view=week"),
    ("learner", "/team/events/formats"),
    ("hr", "/team/events/weeks"),
    ("hr", "/team/events/weeks/new"),
    ("hr", "/team/events/settings"),
    ("admin", "/audit/"),
]


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
        context, page = new_page(browser, live_server, bypass_csp=True)
        if who:
            sign_in(page, users[who])
        for owner, path in PAGES:
            if owner != who:
                continue
            response = page.goto(path)
            assert response.status == 200, path
            failures += [f"{path}: {v}" for v in axe_violations(page)]
        context.close()
    assert not failures, "\n".join(failures)
