"""The client-centricity index stored per scope and period: weights over time, missing data, n, refresh."""
from __future__ import annotations

from datetime import date

import pytest

from tests.factories import make_user
from tests.metrics.helpers import answers, at, refresh, seed_reference
from training.accounts.models import Role
from training.errors import DomainError
from training.extensions import db
from training.measures.periods import MONTH, WEEK, Period, period_of
from training.measures.scales import DEFAULT_GROUP_WEIGHTS, centre_index
from training.metrics.centre_index import services, snapshots
from training.metrics.centre_index import weights as index_weights
from training.metrics.centre_index.models import IndexSnapshot
from training.metrics.feedback import services as feedback
from training.metrics.operations import services as operational
from training.tabular import csv_bytes

NEW_WEIGHTS = {"effectiveness": 10, "personalisation": 10, "effort": 60, "comfort": 10, "friendliness": 10}


def _operational(hr, centre, start, end, resolved=900):
    data = csv_bytes(["Показатель", "Значение"], [
        ["Обращений: колл-центр", 400], ["Обращений: личный приём", 600], ["Решено обращений", resolved],
        ["Решено при первом контакте", min(500, resolved)], ["Не могли быть решены при первом контакте", 100],
        ["Передано (эскалировано)", 150], ["Первый ответ: медиана, мин", 300], ["Первый ответ: число обращений", 400],
        ["Ожидание в очереди: медиана, мин", 40], ["Ожидание в очереди: число посещений", 600]])
    operational.import_operational(hr, centre, start, end, "data.csv", data, today=date(2026, 5, 1))
    db.session.commit()


def _month_data(org, hr, month_start: date, month_end: date):
    link = feedback.link_for(org.centre_a)
    answers(link, month_start.replace(day=10), 40, recommend=9, ces=5, expectations=4, aspects={"politeness": 5})
    _operational(hr, org.centre_a, month_start, month_end)


def _snap(kind, scope_id, period) -> IndexSnapshot:
    db.session.expire_all()
    return snapshots.snapshot(kind, scope_id, period)


def _observations(snap: IndexSnapshot) -> dict:
    return {key: (ind["value"], ind["n"]) for key, ind in snap.indicators.items() if ind["value"] is not None
            and not ind["substituted"]}


def test_a_past_period_keeps_the_weights_in_force_on_its_first_day(app, runner, org):
    seed_reference()
    hr = make_user(Role.HR, service=org.service)
    _month_data(org, hr, date(2026, 2, 1), date(2026, 2, 28))
    _month_data(org, hr, date(2026, 3, 1), date(2026, 3, 31))
    with pytest.raises(DomainError, match="задним числом"):
        services.publish_weight_set(hr, org.service, date(2026, 2, 1), NEW_WEIGHTS, "ретро", today=date(2026, 2, 10))
    services.publish_weight_set(hr, org.service, date(2026, 3, 1), NEW_WEIGHTS, "Год усилий", today=date(2026, 2, 10))
    refresh()
    february = _snap("centre", org.centre_a.id, period_of(MONTH, date(2026, 2, 1)))
    march = _snap("centre", org.centre_a.id, period_of(MONTH, date(2026, 3, 1)))
    # the same data in both months, different weights in force
    assert _observations(february) == _observations(march)
    assert february.weights == pytest.approx(dict(DEFAULT_GROUP_WEIGHTS.weights))
    assert march.weights == pytest.approx({k: v / 100 for k, v in NEW_WEIGHTS.items()})
    assert march.weights_label == "Год усилий"
    expected_feb = centre_index(_observations(february), DEFAULT_GROUP_WEIGHTS).index.value
    expected_mar = centre_index(_observations(march), {k: v / 100 for k, v in NEW_WEIGHTS.items()}).index.value
    assert february.index_value == pytest.approx(expected_feb)
    assert march.index_value == pytest.approx(expected_mar)
    assert abs(february.index_value - march.index_value) > 1  # the change of weights is visible
    # a week that starts in February and ends in March keeps February's weights
    boundary_week = _snap("centre", org.centre_a.id, period_of(WEEK, date(2026, 3, 1)))
    assert boundary_week.period_start == date(2026, 2, 23)
    assert boundary_week.weights == pytest.approx(dict(DEFAULT_GROUP_WEIGHTS.weights))
    # a full batch recompute changes nothing in the past
    before = (february.index_value, march.index_value)
    result = runner.invoke(args=["metrics", "recompute", "--all"])
    assert result.exit_code == 0, result.output
    assert (_snap("centre", org.centre_a.id, period_of(MONTH, date(2026, 2, 1))).index_value,
            _snap("centre", org.centre_a.id, period_of(MONTH, date(2026, 3, 1))).index_value) == before


def test_weights_in_force_cannot_be_withdrawn_but_future_ones_can(app, org):
    hr = make_user(Role.HR, service=org.service)
    current = services.publish_weight_set(hr, org.service, date(2026, 1, 1), NEW_WEIGHTS, today=date(2026, 1, 1))
    future = services.publish_weight_set(hr, org.service, date(2026, 7, 1), NEW_WEIGHTS, today=date(2026, 1, 1))
    with pytest.raises(DomainError, match="уже действует"):
        services.withdraw_weight_set(hr, current, today=date(2026, 2, 1))
    services.withdraw_weight_set(hr, future, today=date(2026, 2, 1))
    assert [r.effective_from for r in index_weights.weight_set_rows(org.service.id)] == [date(2026, 1, 1)]
    with pytest.raises(DomainError, match="уже опубликованы"):
        services.publish_weight_set(hr, org.service, date(2026, 1, 1), NEW_WEIGHTS, today=date(2026, 1, 1))
    other_hr = make_user(Role.HR, service=org.other_service)
    with pytest.raises(DomainError):
        services.publish_weight_set(other_hr, org.service, date(2026, 9, 1), NEW_WEIGHTS, today=date(2026, 1, 1))


def test_weights_form_publishes_a_set(app, client, login, org):
    hr = make_user(Role.HR, service=org.service)
    login(hr)
    assert client.get("/metrics/weights").status_code == 200
    data = {"service_id": org.service.id, "effective_from": "2099-01-01", "label": "Будущее",
            **{f"w_{k}": v for k, v in NEW_WEIGHTS.items()}}
    assert client.post("/metrics/weights", data=data).status_code == 303
    assert [r.label for r in index_weights.weight_set_rows(org.service.id)] == ["Будущее"]
    data["effective_from"] = "2000-01-01"
    assert client.post("/metrics/weights", data=data).status_code == 422


def test_weights_take_a_decimal_comma_and_refuse_words_in_russian(app, client, login, org):
    hr = make_user(Role.HR, service=org.service)
    login(hr)
    data = {"service_id": org.service.id, "effective_from": "2099-01-01", "label": "С запятой",
            **{f"w_{k}": v for k, v in NEW_WEIGHTS.items()}, "w_effectiveness": "12,5", "w_comfort": "7,5"}
    wrong = client.post("/metrics/weights", data={**data, "w_effort": "шестьдесят"})
    page = wrong.get_data(as_text=True)
    assert wrong.status_code == 422 and "Введите число, например 12,5." in page and "Not a valid" not in page
    assert 'value="12,5"' in page
    assert client.post("/metrics/weights", data=data).status_code == 303
    row = index_weights.weight_set_rows(org.service.id)[0]
    assert row.weights["effectiveness"] / row.weights["comfort"] == pytest.approx(12.5 / 7.5)
    assert "12,5" in client.get("/metrics/weights").get_data(as_text=True)


def test_one_centres_index_does_not_move_when_another_centres_data_change(app, org):
    seed_reference()
    hr = make_user(Role.HR, service=org.service)
    _month_data(org, hr, date(2026, 3, 1), date(2026, 3, 31))
    refresh()
    march = period_of(MONTH, date(2026, 3, 1))
    before = _snap("centre", org.centre_a.id, march).index_value
    answers(feedback.link_for(org.centre_b), date(2026, 3, 12), 50, recommend=0, ces=1, expectations=1)
    _operational(hr, org.centre_b, date(2026, 3, 1), date(2026, 3, 31), resolved=100)
    refresh()
    assert _snap("centre", org.centre_a.id, march).index_value == before
    assert _snap("centre", org.centre_b.id, march).index_value < before
    region = _snap("service", org.service.id, march)
    assert region.figures["feedback_n"] == 90


def test_small_samples_are_not_counted_and_the_index_waits_for_enough_groups(app, org):
    seed_reference()
    link = feedback.link_for(org.centre_a)
    answers(link, date(2026, 3, 10), 12, recommend=10, ces=5, expectations=5)
    refresh()
    snap = _snap("centre", org.centre_a.id, period_of(MONTH, date(2026, 3, 1)))
    assert snap.figures["nps"] == {"value": 100.0, "n": 12, "promoters": 12, "detractors": 0}
    assert snap.indicators["nps"]["status"] == "insufficient"
    assert snap.index_value is None and not snap.is_published
    answers(link, date(2026, 3, 11), 20, recommend=10, ces=5, expectations=5)
    refresh()
    snap = _snap("centre", org.centre_a.id, period_of(MONTH, date(2026, 3, 1)))
    # survey only: effectiveness and effort present, friendliness missing → 2 groups, not published
    assert snap.indicators["nps"]["status"] == "used" and snap.index_value is not None
    assert not snap.is_published and snap.coverage == pytest.approx(0.55)


def test_missing_indicators_renormalise_and_fcr_stands_in_for_net_fcr(app, org):
    seed_reference()
    hr = make_user(Role.HR, service=org.service)
    data = csv_bytes(["Показатель", "Значение"], [["Обращений: портал", 200], ["Решено обращений", 150],
                                                  ["Решено при первом контакте", 120]])
    operational.import_operational(hr, org.centre_a, date(2026, 3, 1), date(2026, 3, 31), "d.csv", data,
                                   today=date(2026, 5, 1))
    refresh()
    snap = _snap("centre", org.centre_a.id, period_of(MONTH, date(2026, 3, 1)))
    assert snap.indicators["net_fcr"]["substituted"] and snap.indicators["net_fcr"]["value"] == 60.0
    assert snap.groups["effectiveness"]["value"] == 75.0  # resolution only, re-normalised
    assert snap.groups["effort"]["value"] == 60.0
    assert snap.groups["comfort"]["value"] is None


def test_a_week_inside_a_monthly_report_uses_the_month(app, org):
    hr = make_user(Role.HR, service=org.service)
    _operational(hr, org.centre_a, date(2026, 3, 1), date(2026, 3, 31))
    refresh()
    week = _snap("centre", org.centre_a.id, period_of(WEEK, date(2026, 3, 11)))
    assert week.figures["resolution_rate"]["value"] == 90.0


def test_a_recompute_never_overwrites_a_newer_result(app, org, monkeypatch):
    seed_reference()
    link = feedback.link_for(org.centre_a)
    answers(link, date(2026, 3, 10), 1, recommend=9)
    snap_id = _snap("centre", org.centre_a.id, period_of(MONTH, date(2026, 3, 1))).id
    original = snapshots.compute
    state = {"inner": False}

    def compute_while_data_arrives(kind, scope_id, period):
        result = original(kind, scope_id, period)  # computed on the old data
        if not state["inner"] and kind == "centre":
            state["inner"] = True
            feedback.submit_feedback(link, recommend=9, now=at(date(2026, 3, 10)))
            snapshots.recompute(snap_id)  # another worker stores the newer result first
        return result

    monkeypatch.setattr(snapshots, "compute", compute_while_data_arrives)
    assert snapshots.recompute(snap_id) == 0  # the older result is not written
    db.session.expire_all()
    snap = db.session.get(IndexSnapshot, snap_id)
    assert snap.figures["feedback_n"] == 2 and not snap.is_stale


def test_pages_read_stored_snapshots_and_show_n(app, client, login, org):
    seed_reference()
    hr = make_user(Role.HR, service=org.service)
    _month_data(org, hr, date(2026, 3, 1), date(2026, 3, 31))
    refresh()
    login(hr)
    page = client.get(f"/metrics/pulse/centre/{org.centre_a.id}?period=month&key=2026-03").get_data(as_text=True)
    assert "Индекс клиентоцентричности" in page and "n = 40" in page and "n = 1000" in page
    assert "<title id=" in page and "<desc id=" in page  # accessible charts
    fragment = client.get(f"/metrics/pulse/centre/{org.centre_a.id}?period=month&key=2026-03",
                          headers={"HX-Request": "true"})
    assert b"<html" not in fragment.data and "HX-Request" in fragment.headers["Vary"]
    region = client.get(f"/metrics/pulse/service/{org.service.id}?period=month&key=2026-03").get_data(as_text=True)
    assert org.centre_a.name in region
    compare = client.get("/metrics/compare?period=month&key=2026-03").get_data(as_text=True)
    assert org.centre_a.name in compare and "недостаточно данных" in compare  # centre B has no data
    # no recomputation on a page view: a stale snapshot stays stale after viewing
    answers(feedback.link_for(org.centre_a), date(2026, 3, 12), 1, recommend=0)
    client.get(f"/metrics/pulse/centre/{org.centre_a.id}?period=month&key=2026-03")
    assert _snap("centre", org.centre_a.id, period_of(MONTH, date(2026, 3, 1))).is_stale


def test_manager_sees_only_their_centre_and_employee_their_own_pulse(app, client, login, org):
    manager = make_user(Role.MANAGER, department=org.front_a)
    employee = make_user(department=org.front_a)
    login(manager)
    assert client.get(f"/metrics/pulse/centre/{org.centre_a.id}").status_code == 200
    assert client.get(f"/metrics/pulse/centre/{org.centre_b.id}").status_code == 404
    assert client.get(f"/metrics/pulse/employee/{employee.id}").status_code == 200
    assert client.get("/metrics/").headers["Location"].endswith(f"/metrics/pulse/centre/{org.centre_a.id}")
    client.post("/auth/logout")
    login(employee)
    assert client.get("/metrics/").headers["Location"].endswith("/metrics/pulse/me")
    assert client.get("/metrics/pulse/me").status_code == 200
    assert client.get(f"/metrics/pulse/employee/{manager.id}").status_code == 403


def test_periods():
    week = period_of(WEEK, date(2026, 3, 4))
    assert (week.start, week.end, week.key) == (date(2026, 3, 2), date(2026, 3, 8), "2026-W10")
    month = period_of(MONTH, date(2024, 2, 10))
    assert (month.end, month.key, month.previous().key) == (date(2024, 2, 29), "2024-02", "2024-01")
    assert Period(MONTH, date(2026, 1, 1), date(2026, 1, 31)).label == "январь 2026"


def test_the_batched_recompute_gives_every_scope_the_figures_of_the_one_by_one_computation(app, org):
    """refresh_stale reads the data of many scopes with one grouped query per source; each snapshot it stores
    must equal what compute() gives for that scope alone — centres, departments, specialists, the region and the
    organisation, with answers, aspect marks, IQS checks and operational reports of different sizes."""
    _batched_case(org)


@pytest.mark.postgres
def test_the_batched_recompute_on_postgresql_stores_the_one_by_one_figures(pg_app):
    """The same on PostgreSQL, where the chunk's snapshots are written by one executemany UPDATE (JSON columns
    through psycopg) and committed together."""
    from tests.factories import make_org

    _batched_case(make_org())


def _batched_case(org):
    from training.metrics.operations import iqs
    from training.metrics.operations.models import IqsCategory

    seed_reference()
    hr = make_user(Role.HR, service=org.service)
    manager = make_user(Role.MANAGER, department=org.front_a)
    people = [make_user(department=department) for department in (org.front_a, org.front_a, org.back_a, org.front_b)]
    day = date(2026, 3, 10)
    for i, person in enumerate(people):
        answers(feedback.link_for(person.centre, None, person), day, 4 + 3 * i, recommend=10 - i, ces=1 + i,
                expectations=1 + i % 4, aspects={"politeness": 5 - i % 3, "clarity": 2 + i % 3},
                specialist_satisfaction=1 + (i + 2) % 5, service_marks={"premises": 1 + i, "circumstances": 5 - i},
                csi_marks={"csi_reliability": 5 - i, "csi_extras": 1 + i % 5})
    answers(feedback.link_for(org.centre_b), day, 9, recommend=3, ces=5, expectations=2, csat=4,
            service_marks={"navigation": 2})
    categories = db.session.scalars(db.select(IqsCategory)).all()
    for i, person in enumerate(people[:3]):
        iqs.assess(manager, person, marks={c.id: (i + c.id) % 3 != 0 for c in categories}, conversation_date=day,
                   today=day)
    db.session.commit()
    _operational(hr, org.centre_a, date(2026, 3, 1), date(2026, 3, 31))
    _operational(hr, org.centre_b, date(2026, 3, 1), date(2026, 3, 31), resolved=300)
    refresh()
    checked = 0
    for period in (period_of(MONTH, day), period_of(WEEK, day)):
        for snap in db.session.scalars(db.select(IndexSnapshot).where(IndexSnapshot.period_start == period.start,
                                                                      IndexSnapshot.period_kind == period.kind)):
            alone = snapshots.compute(snap.scope_kind, snap.scope_id, period)
            stored = {key: getattr(snap, key) for key in alone}
            assert _rounded(stored) == _rounded(alone), (snap.scope_kind, snap.scope_id, period)
            checked += 1
    kinds = {s.scope_kind for s in db.session.scalars(db.select(IndexSnapshot))}
    assert kinds == {"organisation", "service", "centre", "department", "employee"} and checked >= 20


def _rounded(value):
    """Stored JSON and a fresh computation compared to 9 decimals (floats may pass through the database)."""
    if isinstance(value, dict):
        return {key: _rounded(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_rounded(item) for item in value]
    if isinstance(value, float):
        return round(value, 9)
    return value


def test_discover_creates_exactly_the_missing_snapshots_of_answers_and_checks(app, org):
    """The discovery scan (the database anti-joins data with existing snapshots) creates a stale snapshot for
    every scope and period with client answers or IQS checks up to today, and nothing else: not for future days,
    not twice, not where one exists."""
    _discover_case(org)


@pytest.mark.postgres
def test_discover_on_postgresql(pg_app):
    from tests.factories import make_org

    _discover_case(make_org())


def _discover_case(org):
    from sqlalchemy import delete

    from training.metrics.feedback.models import ClientFeedback
    from training.metrics.operations import iqs
    from training.metrics.operations.models import IqsAssessment, IqsCategory

    seed_reference()
    manager = make_user(Role.MANAGER, department=org.front_a)
    people = [make_user(department=org.front_a), make_user(department=org.back_a), make_user(department=org.front_b)]
    for person, day in zip(people, (date(2026, 2, 27), date(2026, 3, 2), date(2026, 3, 9)), strict=True):
        answers(feedback.link_for(person.centre, None, person), day, 2, recommend=9)
    answers(feedback.link_for(org.centre_b), date(2026, 3, 30), 1, recommend=5)  # after «today» below
    categories = db.session.scalars(db.select(IqsCategory)).all()
    iqs.assess(manager, people[1], marks={c.id: True for c in categories}, conversation_date=date(2026, 1, 15),
               today=date(2026, 3, 20))
    db.session.commit()
    db.session.execute(delete(IndexSnapshot))
    kept = period_of(MONTH, date(2026, 3, 2))
    db.session.add(IndexSnapshot(scope_kind="centre", scope_id=org.centre_a.id, period_kind=kept.kind,
                                 period_start=kept.start, period_end=kept.end, data_version=1, computed_version=1))
    db.session.commit()
    today = date(2026, 3, 20)
    expected = set()
    for model, day_column in ((ClientFeedback, ClientFeedback.local_date),
                              (IqsAssessment, IqsAssessment.conversation_date)):
        for service_id, centre_id, department_id, employee_id, day in db.session.execute(db.select(
                model.regional_service_id, model.centre_id, model.department_id, model.employee_id, day_column)):
            if day > today:
                continue
            for scope in snapshots.scopes_of(service_id=service_id, centre_id=centre_id,
                                             department_id=department_id, employee_id=employee_id):
                expected.update((*scope, kind, period_of(kind, day).start) for kind in (WEEK, MONTH))
    expected.discard(("centre", org.centre_a.id, MONTH, kept.start))

    created = snapshots.discover(today=today)
    db.session.commit()
    keys = {(s.scope_kind, s.scope_id, s.period_kind, s.period_start)
            for s in db.session.scalars(db.select(IndexSnapshot))} - {("centre", org.centre_a.id, MONTH, kept.start)}
    assert keys == expected and created == len(expected)
    assert all(s.computed_version < s.data_version for s in db.session.scalars(db.select(IndexSnapshot))
               if (s.scope_kind, s.scope_id, s.period_start) != ("centre", org.centre_a.id, kept.start))
    assert snapshots.discover(today=today) == 0  # nothing left to find
