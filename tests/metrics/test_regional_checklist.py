"""Issue 17, part 3 (first piece): HR of a service answers the regional checklist of chapter 4 per month, each
«да» with a link to its evidence; answers are audited, another service's HR cannot touch them."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from tests.factories import make_org, make_user
from tests.support.concurrency import run_in_parallel
from training.accounts.models import Role, User
from training.audit.models import AuditEntry
from training.errors import NotAllowed
from training.extensions import db
from training.metrics.centre_index import regional_checklist as checklist
from training.metrics.centre_index.models import RegionalChecklistAnswer
from training.org.models import RegionalService

URL = "/metrics/regional-checklist"
EVIDENCE = "https://trudvsem.example.ru/lk"


def _rows():
    db.session.expire_all()
    return {r.item: (r.is_met, r.evidence_url) for r in db.session.scalars(select(RegionalChecklistAnswer))}


def _audits() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "metrics.regional_checklist"))


def test_hr_fills_the_month_with_evidence_links_and_sees_it_again(app, client, login, org):
    hr = make_user(Role.HR, service=org.service)
    login(hr)
    page = client.get(f"{URL}?service_id={org.service.id}&month=2026-11").get_data(as_text=True)
    assert "Ноябрь 2026" in page and "«Работа в России»" in page
    response = client.post(URL, data={"service_id": org.service.id, "month": "2026-11", "met-trudvsem_account": "1",
                                      "url-trudvsem_account": EVIDENCE, "met-online_assistant": "1",
                                      "url-online_assistant": "https://szn.example.ru/bot"})
    assert response.status_code == 303
    rows = _rows()
    assert rows["trudvsem_account"] == (True, EVIDENCE) and rows["omnichannel"] == (False, None)
    assert len(rows) == len(checklist.ITEMS)
    assert checklist.share_met(org.service.id, date(2026, 11, 1)) == (40.0, len(checklist.ITEMS))
    assert checklist.share_met(org.service.id, date(2026, 12, 1)) is None  # another month is its own
    again = client.get(f"{URL}?service_id={org.service.id}&month=2026-11").get_data(as_text=True)
    assert f'value="{EVIDENCE}"' in again
    audits = _audits()
    client.post(URL, data={"service_id": org.service.id, "month": "2026-11", "met-trudvsem_account": "1",
                           "url-trudvsem_account": EVIDENCE})  # the assistant is switched off
    assert _rows()["online_assistant"] == (False, None)
    assert _audits() == audits + 1  # only the changed item is recorded


@pytest.mark.parametrize("data, message", [
    ({"met-omnichannel": "1"}, "для ответа «да» приложите ссылку"),
    ({"met-omnichannel": "1", "url-omnichannel": "javascript:alert(1)"}, "должна начинаться с http"),
])
def test_a_yes_without_proper_evidence_is_refused_and_nothing_is_stored(app, client, login, org, data, message):
    login(make_user(Role.HR, service=org.service))
    response = client.post(URL, data={"service_id": org.service.id, "month": "2026-11", **data,
                                      "met-trudvsem_account": "1", "url-trudvsem_account": EVIDENCE})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _rows() == {}


def test_hr_of_another_service_cannot_answer_for_this_one(app, client, login, org):
    other_hr = make_user(Role.HR, service=org.other_service)
    login(other_hr)
    response = client.post(URL, data={"service_id": org.service.id, "month": "2026-11",
                                      "met-trudvsem_account": "1", "url-trudvsem_account": EVIDENCE})
    assert response.status_code == 422  # the service is not theirs to pick
    assert _rows() == {}
    with pytest.raises(NotAllowed):
        checklist.save(other_hr, org.service, date(2026, 11, 1), {"trudvsem_account": (True, EVIDENCE)})


def test_two_tabs_saving_the_same_month_at_once_leave_one_answer_per_item(pg_app):
    org = make_org()
    hr = make_user(Role.HR, service=org.service)
    db.session.commit()
    hr_id, service_id = hr.id, org.service.id

    def save(i):
        return checklist.save(db.session.get(User, hr_id), db.session.get(RegionalService, service_id),
                              date(2026, 11, 1), {"trudvsem_account": (True, f"{EVIDENCE}/{i}")})

    results = run_in_parallel(pg_app, 6, save)
    assert all(isinstance(r, int | IntegrityError) for r in results), results
    db.session.expire_all()
    per_item = db.session.execute(select(RegionalChecklistAnswer.item, func.count())
                                  .group_by(RegionalChecklistAnswer.item)).all()
    assert len(per_item) == len(checklist.ITEMS) and {count for _, count in per_item} == {1}
