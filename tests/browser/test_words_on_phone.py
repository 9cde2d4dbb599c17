"""On a 360 px phone no word is cut in two: the «Пульс» tiles keep «удовлетворённость» whole and the weight tables
keep «10 %» on one line."""
import pytest

from tests.factories import make_org, make_user
from tests.support.browser import broken_words, signed_in_page
from training.accounts.models import Role
from training.extensions import db
from training.metrics.centre_index import snapshots
from training.metrics.feedback import aspects
from training.metrics.feedback import services as feedback

pytestmark = pytest.mark.browser


def test_metric_tiles_and_weight_tables_break_no_word_on_a_phone(browser, live_server, live_app):
    org = make_org()
    aspects.seed_touchpoints()
    hr = make_user(Role.HR, service=org.service)
    link = feedback.link_for(org.centre_a)
    feedback.submit_feedback(link, recommend=9, ces=2, expectations=1, comment="Хорошо")
    db.session.commit()
    snapshots.refresh_stale()
    context, page = signed_in_page(browser, live_server, hr, is_mobile=True, has_touch=True)
    page.goto(f"/metrics/pulse/centre/{org.centre_a.id}")
    assert page.locator(".metric-card").count() >= 4
    assert broken_words(page, ".metric-card") == []
    assert broken_words(page, "table td") == [], broken_words(page, "table td")
    for path in ("/metrics/weights", "/metrics/competence/weights"):
        page.goto(path)
        assert page.locator("table td").count() > 0, path
        assert broken_words(page, "table td") == [], path
    context.close()
