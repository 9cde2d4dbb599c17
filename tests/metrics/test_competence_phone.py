"""On a 360 px phone: HR opens the competence ranking, filters it and opens a breakdown; an employee reads their
own «из чего складывается». No horizontal scroll, no console errors, no serious accessibility violations."""
from __future__ import annotations

import pytest

from tests.factories import make_org, make_user
from tests.metrics.helpers import seed_reference
from tests.metrics.test_competence_scores import rate_by_clients, this_month
from tests.support.browser import axe_violations, has_horizontal_scroll, sign_in
from training.accounts.models import Role
from training.competence import services as competence
from training.extensions import db
from training.measures.periods import local_today
from training.metrics.operations import iqs

pytestmark = pytest.mark.browser


def test_hr_ranks_staff_and_an_employee_reads_their_breakdown_on_a_phone(phone, live_app):
    org = make_org()
    seed_reference()
    hr = make_user(Role.HR, service=org.service, full_name="Кадрова Наталья Викторовна")
    manager = make_user(Role.MANAGER, department=org.front_a)
    anna = make_user(department=org.front_a, full_name="Образцова Анна Сергеевна")
    boris = make_user(department=org.back_a, full_name="Борисов Борис Борисович")
    vera = make_user(department=org.front_b, full_name="Верова Вера Викторовна")
    for person, mark in ((anna, 5), (boris, 4), (vera, 3)):
        rate_by_clients(person, mark, count=12)
    iqs.assess(manager, anna, marks={c.id: True for c in iqs.active_categories()}, conversation_date=local_today(),
               today=local_today())
    db.session.commit()
    competence.recompute_month(this_month())
    db.session.commit()

    sign_in(phone, hr)
    phone.goto("/metrics/competence/ranking")
    rows = phone.locator("#ranking-table tbody tr")
    assert rows.count() == 3
    assert rows.first.inner_text().startswith("1")
    assert "Образцова Анна Сергеевна" in rows.first.inner_text()
    assert not has_horizontal_scroll(phone)
    assert axe_violations(phone) == []
    phone.get_by_label("Показатель").select_option("politeness")
    phone.get_by_label("ЦЗН").select_option(str(org.centre_a.id))
    phone.get_by_role("button", name="Показать").click()
    phone.wait_for_url("**by=politeness**")
    assert phone.locator("#ranking-table tbody tr").count() == 2  # centre B's Вера is filtered out
    phone.get_by_role("link", name="Образцова Анна Сергеевна").click()
    phone.wait_for_url(f"**/metrics/competence/employee/{anna.id}**")
    assert phone.locator("#overall-value").inner_text() != "—"
    phone.locator("#c-politeness summary").click()
    assert "Проверки качества (IQS)" in phone.locator("#c-politeness").inner_text()
    assert not has_horizontal_scroll(phone)

    phone.context.clear_cookies()  # signed out
    sign_in(phone, boris)
    phone.goto("/metrics/competence/me")
    assert "Борисов Борис Борисович" in phone.locator("h1").inner_text()
    assert "Образцова" not in phone.content()
    assert not has_horizontal_scroll(phone)
    assert axe_violations(phone) == []
