"""The pages people open on a phone, often on a slow mobile or closed network, stay light: the lesson, a quiz
question, the colleague and client votes and the client feedback form each transfer under 100 KB without images
(HTML, CSS, JS and fonts, as the browser receives them). The same pages, and the quiz result, the learner's
certificates, the public verification page and the materials list, pass axe-core at a phone viewport."""
from __future__ import annotations

import pytest

from tests.certificates.helpers import complete
from tests.factories import make_cohort, make_org, make_user
from tests.support.browser import axe_violations, has_horizontal_scroll, signed_in_page
from training.accounts.models import Role
from training.extensions import db

pytestmark = pytest.mark.browser
BUDGET = 100 * 1024


def _transferred(context, page, path: str) -> tuple[int, dict[str, int]]:
    """Bytes the browser received for ``path`` (encoded, as on the wire), images excluded, by resource."""
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    kinds: dict[str, tuple[str, str]] = {}
    sizes: dict[str, int] = {}
    cdp.on("Network.responseReceived",
           lambda e: kinds.__setitem__(e["requestId"], (e["type"], e["response"]["url"])))
    cdp.on("Network.loadingFinished",
           lambda e: sizes.__setitem__(e["requestId"], int(e["encodedDataLength"])))
    page.goto(path, wait_until="networkidle")
    cdp.detach()
    by_url = {url: sizes.get(rid, 0) for rid, (kind, url) in kinds.items() if kind != "Image"}
    return sum(by_url.values()), by_url


def test_phone_pages_stay_under_100_kb_and_pass_axe(browser, live_server, live_app):
    from seeds.course_loader import load_course
    from training.certificates.services import issue_course_certificates
    from training.courses.models import Course, Enrolment
    from training.gamification.contests import codes
    from training.gamification.contests import services as recognition
    from training.metrics.feedback import aspects as metrics
    from training.metrics.feedback import services as feedback
    from training.metrics.feedback.models import Touchpoint
    from training.quizzes import services as quizzes
    from training.quizzes.models import Quiz

    load_course()
    db.session.commit()
    org = make_org()
    learner = make_user(department=org.front_a, full_name="Легкова Анна Сергеевна")
    colleague = make_user(department=org.front_a, full_name="Борисов Борис Ильич")
    manager = make_user(Role.MANAGER, department=org.front_a)
    hr = make_user(Role.HR, service=org.service)
    course = db.session.scalar(db.select(Course))
    make_cohort(course, org.service, learners=[learner])
    quiz = db.session.scalar(db.select(Quiz).where(Quiz.block_id == course.blocks[0].id))
    attempt = quizzes.start_attempt(quiz, learner)
    finished = quizzes.start_attempt(db.session.scalar(db.select(Quiz).where(Quiz.block_id == course.blocks[1].id)),
                                     learner)
    quizzes.finish_attempt(finished)
    recognition.open_contest(manager, centre=org.centre_a)
    metrics.seed_touchpoints()
    touchpoint = db.session.scalar(db.select(Touchpoint).where(Touchpoint.code == "reception"))
    link = feedback.link_for(org.centre_a, touchpoint, colleague)
    enrolment = db.session.scalar(db.select(Enrolment).where(Enrolment.user_id == learner.id))
    complete(enrolment)
    certificates, _ = issue_course_certificates(hr, [enrolment])
    db.session.commit()
    vote_link = f"/v/{colleague.id}/{codes.sheet_signature(colleague.id)}"
    light = {  # page → what it is, for the messages
        f"/learn/block/{course.blocks[0].number}": "урок",
        f"/quizzes/attempts/{attempt.id}": "вопрос теста",
        "/recognition/": "голосование коллег",
        vote_link: "голос клиента",
        f"/f/{link.token}": "отзыв клиента",
    }
    also_accessible = [f"/quizzes/attempts/{finished.id}/result", "/certificates/",
                       f"/certificates/verify/{certificates[0].verification_code}", "/materials/"]

    context, page = signed_in_page(browser, live_server, learner, is_mobile=True, has_touch=True, bypass_csp=True)
    heavy, failures = [], []
    for path, what in light.items():
        total, by_url = _transferred(context, page, path)
        assert page.url.endswith(path.split("?")[0]), f"{what}: ended at {page.url}"
        if total > BUDGET:
            biggest = sorted(by_url.items(), key=lambda kv: -kv[1])[:5]
            heavy.append(f"{what} ({path}): {total / 1024:.1f} KB — {biggest}")
        assert not has_horizontal_scroll(page), what
        failures += [f"{path}: {v}" for v in axe_violations(page)]
    for path in also_accessible:
        response = page.goto(path)
        assert response.status == 200, path
        assert not has_horizontal_scroll(page), path
        failures += [f"{path}: {v}" for v in axe_violations(page)]
    context.close()
    assert not heavy, "pages over 100 KB:\n" + "\n".join(heavy)
    assert not failures, "\n".join(failures)
