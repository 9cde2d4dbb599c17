"""Issue 17: the comfort checklist of a centre — an inspector's walk-through of premises and website entered from a
phone, one per centre and quarter, scored with the IQS maths (a failed critical item zeroes it) — feeds the
index's «comfort_checklist»."""
from __future__ import annotations

from sqlalchemy import func, select

from tests.factories import make_user
from tests.metrics.helpers import refresh
from training.accounts.models import Role
from training.extensions import db
from training.measures import formulas
from training.measures.periods import MONTH, local_today, period_of
from training.metrics.centre_index import snapshots
from training.metrics.operations import comfort
from training.metrics.operations.models import ComfortAudit, ComfortItem

URL = "/metrics/comfort/new"


def _marks(failed=()):
    return {f"item-{i.id}": "0" if i.code in failed else "1" for i in comfort.active_items()}


def _post(client, centre, failed=(), **extra):
    return client.post(URL, data={"centre_id": centre.id, "visited_on": local_today().isoformat(),
                                  "comment": "Табло у входа не работает", **_marks(failed), **extra})


def _indicator(kind, scope_id):
    db.session.expire_all()
    snap = snapshots.snapshot(kind, scope_id, period_of(MONTH, local_today()))
    return None if snap is None else snap.indicators["comfort_checklist"]


def test_a_walk_through_from_the_phone_arrives_in_the_centre_index(app, client, login, org):
    comfort.seed_items()
    manager = make_user(Role.MANAGER, department=org.front_a)
    login(manager)
    form = client.get(URL, headers={"User-Agent": "Mozilla/5.0 (Linux; Android 13) Mobile"}).get_data(as_text=True)
    assert "Вход без ступеней или с пандусом" in form and "Сайт" in form and 'type="radio"' in form
    assert _post(client, org.centre_a, failed=("extras", "parking")).status_code == 303
    items = comfort.active_items()
    expected = formulas.iqs([(i.weight, i.code not in ("extras", "parking"), i.is_critical) for i in items])
    refresh()
    figure = _indicator("centre", org.centre_a.id)
    assert figure["value"] == expected and figure["n"] == 1 and figure["status"] == "used"
    assert figure["group"] == "comfort"
    assert _indicator("service", org.service.id)["value"] == expected
    page = client.get("/metrics/comfort").get_data(as_text=True)
    assert "ЦЗН г. Дзержинска" in page and "Не выполнено: 2" in page and "Табло у входа не работает" in page


def test_a_failed_critical_item_zeroes_the_audit_and_a_second_one_that_quarter_is_refused(app, client, login, org):
    comfort.seed_items()
    login(make_user(Role.HR, service=org.service))
    assert _post(client, org.centre_b, failed=("step_free",)).status_code == 303
    refresh()
    assert _indicator("centre", org.centre_b.id)["value"] == 0.0
    assert "не выполнен критичный пункт" in client.get("/metrics/comfort").get_data(as_text=True)
    again = _post(client, org.centre_b)
    assert again.status_code == 422 and "уже записан: один обход в квартал" in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ComfortAudit)) == 1


def test_every_item_must_be_marked_and_another_centre_is_not_the_managers(app, client, login, org):
    comfort.seed_items()
    login(make_user(Role.MANAGER, department=org.front_a))
    marks = _marks()
    marks.pop(next(iter(marks)))
    response = client.post(URL, data={"centre_id": org.centre_a.id, "visited_on": local_today().isoformat(), **marks})
    assert response.status_code == 422 and "Отметьте каждый пункт" in response.get_data(as_text=True)
    foreign = _post(client, org.centre_b)
    assert foreign.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(ComfortAudit)) == 0


def test_hr_adapts_the_checklist_and_a_past_audit_keeps_its_weights(app, client, login, org):
    comfort.seed_items()
    hr = make_user(Role.HR, service=org.service)
    login(hr)
    _post(client, org.centre_a, failed=("brand",))
    before = db.session.scalar(select(ComfortAudit.score))
    brand = db.session.scalar(select(ComfortItem).where(ComfortItem.code == "brand"))
    response = client.post(f"/metrics/comfort/items/{brand.id}", data={
        "code": "brand", "name": brand.name, "area": "premises", "weight": "5", "is_active": "y"})
    assert response.status_code == 303
    added = client.post("/metrics/comfort/items", data={"code": "hearing_loop", "name": "Индукционная петля в окне",
                                                        "area": "premises", "weight": "1,5", "is_active": "y"})
    assert added.status_code == 303
    assert "Индукционная петля в окне" in client.get("/metrics/comfort/items").get_data(as_text=True)
    bad = client.post("/metrics/comfort/items", data={"code": "x", "name": "Пункт", "area": "moon", "weight": "1"})
    assert bad.status_code == 422 and "Выберите значение из списка" in bad.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(ComfortAudit.score)) == before
    assert "Индукционная петля в окне" in client.get(URL).get_data(as_text=True)


def test_two_inspectors_saving_the_same_quarter_at_once_leave_one_audit(pg_app):
    from tests.factories import make_org
    from tests.support.concurrency import run_in_parallel
    from training.accounts.models import User
    from training.errors import DomainError
    from training.org.models import Centre

    org = make_org()
    comfort.seed_items()
    inspectors = [make_user(Role.HR, service=org.service).id for _ in range(4)]
    db.session.commit()
    centre_id = org.centre_a.id

    def record(i):
        return comfort.record_audit(db.session.get(User, inspectors[i % 4]), db.session.get(Centre, centre_id),
                                    marks={item.id: True for item in comfort.active_items()},
                                    visited_on=local_today(), today=local_today())

    results = run_in_parallel(pg_app, 4, record)
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(refused) == 3 and all("один обход в квартал" in r.message for r in refused), results
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(ComfortAudit)) == 1
