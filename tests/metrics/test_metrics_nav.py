"""«Пульс» pages share one sub-navigation: a short row of pills with the current page marked; data and settings
tools sit behind «Данные и настройки»."""
import re

from tests.factories import make_user
from training.accounts.models import Role
from training.extensions import db
from training.metrics.centre_index import snapshots
from training.metrics.feedback import aspects
from training.metrics.feedback import services as feedback


def _subnav(html: str) -> str:
    return re.search(r'<nav class="subnav"[^>]*>(.*?)</nav>', html, re.S).group(1)


def test_the_pulse_subnav_is_a_short_row_of_pills_with_the_current_page(app, client, login, org):
    hr = make_user(Role.HR, service=org.service)
    login(hr)
    page = client.get(f"/metrics/pulse/centre/{org.centre_a.id}").get_data(as_text=True)
    nav = _subnav(page)
    assert nav.count("<a ") == 6 and 'aria-current="page">Пульс</a>' in nav
    assert "Веса индекса" not in nav and "Данные и настройки" in page and "Веса индекса" in page
    compare = _subnav(client.get("/metrics/compare").get_data(as_text=True))
    assert 'aria-current="page">Сравнение ЦЗН</a>' in compare and compare.count("aria-current") == 1


def test_a_pulse_page_leads_with_one_plain_sentence_and_folds_the_weights(app, client, login, org):
    aspects.seed_touchpoints()
    hr = make_user(Role.HR, service=org.service)
    feedback.submit_feedback(feedback.link_for(org.centre_a), recommend=9, ces=2, expectations=1)
    db.session.commit()
    snapshots.refresh_stale()
    login(hr)
    page = client.get(f"/metrics/pulse/centre/{org.centre_a.id}").get_data(as_text=True)
    assert 'id="pulse-sentence"' in page and "<summary>Как считается</summary>" in page
    assert page.index('id="pulse-sentence"') < page.index("<summary>Как считается</summary>")
