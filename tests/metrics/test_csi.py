"""Issue 17: CSI (2.4) — clients rate its five parameters in the third rotating module of the feedback form
(``?m=csi``), ``formulas.csi`` weighs them with the service's dated importance weights, and the figure feeds
«Результативность» of the centre's index, «Пульс» and the comparison of centres."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.factories import make_user
from tests.metrics.helpers import answers, refresh, seed_reference
from tests.support import app as support_app
from tests.support.visits import feedback_code
from training.accounts.models import Role
from training.errors import DomainError
from training.extensions import db
from training.measures import formulas
from training.measures.periods import MONTH, local_today, period_of
from training.metrics.centre_index import services as index_services
from training.metrics.centre_index import snapshots
from training.metrics.centre_index.models import CsiWeightSet
from training.metrics.feedback import services as feedback
from training.metrics.feedback.models import ClientFeedback, ClientServiceMark

DAY = date(2026, 3, 10)
MONTH_OF_DAY = period_of(MONTH, DAY)
MARKS = {"csi_reliability": 5, "csi_range": 3, "csi_quality": 4, "csi_staff": 5, "csi_extras": 1}


def _snap(kind, scope_id, period=MONTH_OF_DAY):
    db.session.expire_all()
    return snapshots.snapshot(kind, scope_id, period)


def test_the_csi_module_asks_the_five_parameters_as_the_fourth_of_five_questions(app, client, org):
    seed_reference()
    link = feedback.link_for(org.centre_a, None, make_user(department=org.front_a))
    db.session.commit()
    page = client.get(f"/f/{link.token}?m=csi").get_data(as_text=True)
    assert re.findall(r"<legend[^>]*>(\d)\.", page) == ["1", "2", "3", "4", "5"]
    for name in ("Надёжность", "Выбор услуг", "Качество услуг", "Работа сотрудников", "Дополнительные сервисы"):
        assert name in page
    assert "Довольны ли вы работой" not in page and "Довольны ли вы обслуживанием" not in page


def test_a_clients_csi_answers_are_stored_without_the_specialist_and_arrive_in_the_centres_index(app, client, org):
    seed_reference()
    specialist = make_user(department=org.front_a)
    link = feedback.link_for(org.centre_a, None, specialist)
    db.session.commit()
    response = client.post(f"/f/{link.token}", data={
        "code": feedback_code(link.token), "module": "csi", "ces": "5",
        **{f"csi-{code}": str(mark) for code, mark in MARKS.items()}})
    assert response.status_code == 303
    stored = db.session.scalar(select(ClientFeedback))
    assert {(m.aspect_code, m.score) for m in stored.service_marks} == set(MARKS.items())
    assert stored.aspects == [] and stored.employee_id == specialist.id  # the answer, not the marks, names them
    answers(link, stored.local_date, 29, csi_marks=MARKS)
    refresh()
    centre = _snap("centre", org.centre_a.id, period_of(MONTH, stored.local_date))
    expected = formulas.csi([0.25, 0.15, 0.25, 0.25, 0.10], [5, 3, 4, 5, 1], 5)  # 81.0 % with default weights
    assert expected == pytest.approx(81.0)
    indicator = centre.indicators["csi"]
    assert (indicator["group"], indicator["status"], indicator["n"]) == ("effectiveness", "used", 30)
    assert indicator["value"] == pytest.approx(expected)
    assert indicator["score"] == pytest.approx((81.0 - 20) / 80 * 100)
    assert centre.groups["effectiveness"]["value"] == pytest.approx(76.25)  # the only indicator of the group
    # CSI parameters are weighed into CSI, never pooled into «Комфортность»
    assert centre.indicators["comfort_rating"]["status"] == "missing"
    # about the centre: the specialist's own figures have no CSI
    assert "csi" not in _snap("employee", specialist.id, period_of(MONTH, stored.local_date)).figures


def test_csi_shows_in_the_pulse_and_in_the_comparison_of_centres(app, client, login, org):
    seed_reference()
    link = feedback.link_for(org.centre_a)
    db.session.commit()
    today = local_today()
    answers(link, today, 30, csi_marks=MARKS)
    refresh()
    login(make_user(Role.HR, service=org.service))
    pulse = client.get(f"/metrics/pulse/centre/{org.centre_a.id}").get_data(as_text=True)
    assert "CSI — индекс удовлетворённости" in pulse and "81,0 %" in pulse
    assert "Индекс удовлетворённости клиентов (CSI)" in pulse  # the indicator in «из чего складывается»
    compare = client.get("/metrics/compare").get_data(as_text=True)
    row = re.search(r"ЦЗН г\. Дзержинска.*?</tr>", compare, re.S).group(0)
    assert "81,0 % (30)" in row


def test_hr_weights_change_csi_from_their_date_on_and_never_before(app, client, login, org):
    seed_reference()
    link = feedback.link_for(org.centre_a)
    db.session.commit()
    today = local_today()
    start = period_of(MONTH, today).next().start
    answers(link, today, 30, csi_marks=MARKS)
    answers(link, start, 30, csi_marks=MARKS)
    hr = make_user(Role.HR, service=org.service)
    login(hr)
    response = client.post("/metrics/csi-weights", data={
        "service_id": org.service.id, "effective_from": start.isoformat(), "label": "Опрос о важности",
        "w_csi_reliability": "0", "w_csi_range": "0", "w_csi_quality": "0", "w_csi_staff": "0",
        "w_csi_extras": "100"})
    assert response.status_code == 303
    refresh()
    assert _snap("centre", org.centre_a.id, period_of(MONTH, today)).figures["csi"]["value"] == pytest.approx(81.0)
    later = _snap("centre", org.centre_a.id, period_of(MONTH, start)).figures["csi"]
    assert later["value"] == pytest.approx(20.0)  # only «Дополнительные сервисы» (rated 1) weighs now
    assert later["weights_label"] == "Опрос о важности"
    page = client.get(f"/metrics/csi-weights?service_id={org.service.id}").get_data(as_text=True)
    assert "Опрос о важности" in page


def test_csi_weights_are_never_retroactive_and_only_hr_sets_them(app, client, login, org):
    hr = make_user(Role.HR, service=org.service)
    login(hr)
    yesterday = local_today() - timedelta(days=1)
    response = client.post("/metrics/csi-weights", data={
        "service_id": org.service.id, "effective_from": yesterday.isoformat(),
        **{f"w_{code}": "20" for code in MARKS}})
    assert response.status_code == 422
    assert "задним числом" in response.get_data(as_text=True)
    assert db.session.scalar(select(CsiWeightSet)) is None
    with pytest.raises(DomainError, match="каждого из пяти"):
        index_services.publish_csi_weights(hr, org.service, local_today(), {"csi_reliability": 1},
                                           today=local_today())
    other = app.test_client()
    support_app.sign_in(other, make_user(Role.MANAGER, department=org.front_a))
    assert other.get("/metrics/csi-weights").status_code == 403


def test_a_csi_mark_off_the_scale_is_refused_in_russian_and_nothing_is_stored(app, client, org):
    seed_reference()
    link = feedback.link_for(org.centre_a)
    db.session.commit()
    response = client.post(f"/f/{link.token}", data={"code": feedback_code(link.token), "module": "csi",
                                                      "csi-csi_quality": "9"})
    assert response.status_code == 422
    assert "Оценка «Качество услуг»: выберите один из вариантов." in response.get_data(as_text=True)
    with pytest.raises(DomainError, match="неизвестному параметру"):
        feedback.submit_feedback(link, csi_marks={"premises": 5})
    assert db.session.scalar(select(ClientServiceMark)) is None


def test_the_weekly_report_has_csi_with_its_n(app, org):
    from training.measures.periods import WEEK
    from training.metrics.dashboards import reports

    seed_reference()
    today = local_today()
    answers(feedback.link_for(org.centre_a), today, 3, csi_marks=MARKS)
    refresh()
    _, rows = reports.rows_for("centre", org.centre_a.id, period_of(WEEK, today))
    header, body = reports.table(rows)
    at = header.index("CSI — индекс удовлетворённости")
    assert (body[0][at], body[0][at + 1]) == (81.0, 3)
