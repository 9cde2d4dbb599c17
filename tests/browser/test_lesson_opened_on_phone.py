"""Opening a lesson writes nothing itself: the page records «урок открыт» with its own htmx POST on load."""
import pytest

from tests.factories import make_cohort, make_course, make_org, make_user
from tests.support.browser import sign_in
from training.courses.models import BlockProgress
from training.extensions import db

pytestmark = pytest.mark.browser


def test_the_lesson_page_records_its_opening_with_a_post(phone, live_app):
    course = make_course(blocks=2, with_cases=False)
    org = make_org()
    learner = make_user(department=org.front_a, full_name="Открытова Анна Сергеевна")
    make_cohort(course, org.service, learners=[learner])
    db.session.commit()

    sign_in(phone, learner)
    with phone.expect_response(lambda r: r.url.endswith("/learn/block/1/opened") and r.status == 200):
        phone.goto("/learn/block/1")
    db.session.expire_all()
    assert db.session.scalar(db.select(BlockProgress.lesson_opened_at)) is not None

    # once opened, the page does not post again
    posts = []
    phone.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    phone.goto("/learn/block/1")
    phone.wait_for_load_state("networkidle")
    assert not [url for url in posts if url.endswith("/opened")]
