"""Issue 17: the regional checklist feeds the index of every centre of the service with its dated item weights;
a weight change dated later never rewrites an earlier period."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests.factories import make_user
from tests.metrics.helpers import refresh
from training.accounts.models import Role
from training.errors import DomainError
from training.extensions import db
from training.measures.periods import MONTH, WEEK, local_today, period_of
from training.metrics.centre_index import regional_checklist as checklist
from training.metrics.centre_index import snapshots
from training.metrics.centre_index.models import RegionalChecklistWeightSet

URL = "/metrics/regional-checklist"
EVIDENCE = "https://trudvsem.example.ru/lk"


def _indicator(kind, scope_id, period, key):
    db.session.expire_all()
    snap = snapshots.snapshot(kind, scope_id, period)
    return None if snap is None else snap.indicators[key]


def _fill(client, service, month, **met):
    data = {"service_id": service.id, "month": f"{month:%Y-%m}"}
    for code in met:
        data[f"met-{code}"], data[f"url-{code}"] = "1", f"{EVIDENCE}/{code}"
    return client.post(URL, data=data)


def test_a_checklist_hr_fills_arrives_in_every_centre_of_the_service(app, client, login, org):
    hr = make_user(Role.HR, service=org.service)
    login(hr)
    month = period_of(MONTH, local_today()).previous()
    assert _fill(client, org.service, month.start, trudvsem_account=1, omnichannel=1).status_code == 303
    refresh()
    for centre in (org.centre_a, org.centre_b):
        personal = _indicator("centre", centre.id, month, "regional_personalisation")
        channels = _indicator("centre", centre.id, month, "regional_channels")
        # a personal account yes, the online assistant no; omnichannel yes of three channel items
        assert (personal["value"], personal["n"], personal["status"]) == (50.0, 2, "used")
        assert channels["value"] == 100 / 3 and channels["n"] == 3 and channels["group"] == "effort"
    first_week = period_of(WEEK, month.start) if period_of(WEEK, month.start).start == month.start \
        else period_of(WEEK, month.start).next()
    assert _indicator("centre", org.centre_a.id, first_week, "regional_personalisation")["value"] == 50.0
    assert _indicator("service", org.service.id, month, "regional_personalisation")["value"] == 50.0
    assert _indicator("centre", org.other_centre.id, month, "regional_personalisation") is None
    page = client.get(f"{URL}?service_id={org.service.id}&month={month.start:%Y-%m}").get_data(as_text=True)
    assert "Региональный чек-лист: личный кабинет, онлайн-помощник (доля «да»): <strong>50 %</strong>" in page


def test_a_weight_change_dated_later_does_not_rewrite_earlier_periods(app, client, login, runner, org):
    hr = make_user(Role.HR, service=org.service)
    login(hr)
    today = local_today()
    month = period_of(MONTH, today).previous()
    later = period_of(MONTH, today).next()
    _fill(client, org.service, month.start, trudvsem_account=1)
    _fill(client, org.service, later.start, trudvsem_account=1)
    refresh()
    assert _indicator("centre", org.centre_a.id, month, "regional_personalisation")["value"] == 50.0
    weights = {f"w_{item.code}": "1" for item in checklist.ITEMS} | {"w_trudvsem_account": "3"}
    response = client.post(f"{URL}/weights", data={"service_id": org.service.id, "label": "Личный кабинет важнее",
                                                   "effective_from": later.start.isoformat(), **weights})
    assert response.status_code == 303
    past = client.post(f"{URL}/weights", data={"service_id": org.service.id, "effective_from":
                                               (today - timedelta(days=1)).isoformat(), **weights})
    assert past.status_code == 422 and "задним числом" in past.get_data(as_text=True)
    assert runner.invoke(args=["metrics", "recompute", "--all"]).exit_code == 0
    refresh()
    assert _indicator("centre", org.centre_a.id, month, "regional_personalisation")["value"] == 50.0
    # from its date on the new weights count: 3 of 3 + 1
    assert snapshots.compute("centre", org.centre_a.id, later)["indicators"]["regional_personalisation"]["value"] \
        == 75.0
    assert "Личный кабинет важнее" in client.get(f"{URL}/weights?service_id={org.service.id}").get_data(as_text=True)
    row = db.session.scalar(select(RegionalChecklistWeightSet))
    assert client.post(f"{URL}/weights/{row.id}/withdraw").status_code in (302, 303)
    assert db.session.scalar(select(RegionalChecklistWeightSet)) is None


def test_weights_of_another_service_or_without_items_are_refused(app, org):
    other_hr = make_user(Role.HR, service=org.other_service)
    hr = make_user(Role.HR, service=org.service)
    later = period_of(MONTH, local_today()).next().start
    try:
        checklist.publish_item_weights(other_hr, org.service, later, dict.fromkeys(checklist.ITEM_CODES, 1.0),
                                       today=local_today())
    except DomainError as exc:
        assert exc.status_code == 403
    else:
        raise AssertionError("HR of another service published weights")
    try:
        checklist.publish_item_weights(hr, org.service, later, {"trudvsem_account": 1.0}, today=local_today())
    except DomainError as exc:
        assert "каждого пункта" in exc.message
    else:
        raise AssertionError("weights without every item were accepted")
    assert db.session.scalar(select(RegionalChecklistWeightSet)) is None


def test_weights_that_weigh_nothing_or_are_not_numbers_change_nothing(app, client, login, org):
    login(make_user(Role.HR, service=org.service))
    later = period_of(MONTH, local_today()).next().start.isoformat()
    zeros = {f"w_{item.code}": "0" for item in checklist.ITEMS}
    response = client.post(f"{URL}/weights", data={"service_id": org.service.id, "effective_from": later, **zeros})
    assert response.status_code == 422 and "Веса не приняты" in response.get_data(as_text=True)
    words = zeros | {"w_omnichannel": "много"}
    response = client.post(f"{URL}/weights", data={"service_id": org.service.id, "effective_from": later, **words})
    assert response.status_code == 422 and "число" in response.get_data(as_text=True).lower()
    assert db.session.scalar(select(RegionalChecklistWeightSet)) is None
