"""Rankings and the breakdown pages: scope, filters, trend arrows, export, and a fixed number of queries."""
from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import insert

from tests.factories import make_org, make_user
from tests.metrics.helpers import seed_reference
from tests.metrics.test_competence_scores import count_queries, rate_by_clients, score, this_month
from tests.support.app import make_test_app
from training.accounts.models import Role, User
from training.competence import ranking
from training.competence import services as competence
from training.competence.models import CompetenceScore
from training.db import utcnow
from training.extensions import db


def _staff(org) -> dict[str, User]:
    """Five people with client ratings: three in centre A (two departments), one in B, one in another service."""
    seed_reference()
    plan = {"a_top": (org.front_a, 5), "a_mid": (org.front_a, 4), "a_low": (org.back_a, 3),
            "b_top": (org.front_b, 5), "other": (None, 5)}
    people = {}
    for key, (department, mark) in plan.items():
        where = {"department": department} if department is not None else {"centre": org.other_centre}
        people[key] = make_user(full_name=f"Сотрудник {key}", **where)
        rate_by_clients(people[key], mark, count=12)
    competence.recompute_month(this_month())
    db.session.commit()
    return people


def _names(body: str, people: dict[str, User]) -> set[str]:
    return {key for key, person in people.items() if person.full_name in body}


def test_each_role_ranks_only_its_scope(app, client, login, org):
    people = _staff(org)
    manager = make_user(Role.MANAGER, department=org.front_a)
    hr = make_user(Role.HR, service=org.service)
    other_hr = make_user(Role.HR, service=org.other_service)
    admin = make_user(Role.ADMIN)
    expectations = [(manager, {"a_top", "a_mid", "a_low"}), (hr, {"a_top", "a_mid", "a_low", "b_top"}),
                     (other_hr, {"other"}), (admin, set(people))]
    for viewer, visible in expectations:
        login(viewer)
        body = client.get("/metrics/competence/ranking").get_data(as_text=True)
        assert _names(body, people) == visible, viewer.full_name
        csv_text = client.get("/metrics/competence/ranking.csv").get_data(as_text=True)
        assert _names(csv_text, people) == visible
        client.post("/auth/logout")
    login(manager)
    # a filter never widens the scope: another centre or service shows nobody
    body = client.get(f"/metrics/competence/ranking?centre_id={org.centre_b.id}").get_data(as_text=True)
    assert _names(body, people) == set() and "Нет сотрудников" in body
    body = client.get(f"/metrics/competence/ranking?service_id={org.other_service.id}").get_data(as_text=True)
    assert _names(body, people) == set()
    assert client.get(f"/metrics/competence/employee/{people['b_top'].id}").status_code == 404
    assert client.get(f"/metrics/competence/employee/{people['a_top'].id}").status_code == 200
    client.post("/auth/logout")
    # an employee sees only their own score
    login(people["a_mid"])
    assert client.get("/metrics/competence/ranking").status_code == 403
    assert client.get("/metrics/competence/ranking.xlsx").status_code == 403
    assert client.get(f"/metrics/competence/employee/{people['a_top'].id}").status_code == 403
    own = client.get("/metrics/competence/me").get_data(as_text=True)
    assert _names(own, people) == {"a_mid"}


def test_filters_trend_arrows_and_pages(app, client, login, org):
    people = _staff(org)
    hr = make_user(Role.HR, service=org.service)
    previous = this_month().previous()
    current = {key: score(p).overall for key, p in people.items()}
    for key, delta in (("a_top", -10.0), ("a_mid", +10.0), ("a_low", 0.4)):  # b_top has no previous month
        db.session.add(CompetenceScore(user_id=people[key].id, period_start=previous.start, period_end=previous.end,
                                       regional_service_id=org.service.id, data_version=1, computed_version=1,
                                       overall=current[key] + delta))
    db.session.commit()
    rows = {r.name: r for r in ranking.ranking_page(hr, ranking.Filters(), 1, 50).items}
    assert rows[people["a_top"].full_name].trend == "up"
    assert rows[people["a_mid"].full_name].trend == "down"
    assert rows[people["a_low"].full_name].trend == "flat"
    assert rows[people["b_top"].full_name].trend == "new"
    login(hr)
    body = client.get("/metrics/competence/ranking").get_data(as_text=True)
    assert 'aria-label="рост"' in body and 'aria-label="снижение"' in body and "новый" in body
    # places follow the score (each centre's ratings shrink toward its own mean); a department filter narrows
    assert sorted((r.place, -r.value) for r in rows.values()) == [(1, -rows[people["b_top"].full_name].value),
                                                                  (2, -rows[people["a_top"].full_name].value),
                                                                  (3, -rows[people["a_mid"].full_name].value),
                                                                  (4, -rows[people["a_low"].full_name].value)]
    body = client.get(f"/metrics/competence/ranking?centre_id={org.centre_a.id}&department_id={org.back_a.id}")
    assert _names(body.get_data(as_text=True), people) == {"a_low"}
    # top-N: the first two places only
    assert [r.place for r in ranking.ranking_page(hr, ranking.Filters(top=2), 1, 50).items] == [1, 2]
    assert _names(client.get("/metrics/competence/ranking?top=2").get_data(as_text=True), people) == {"b_top", "a_top"}
    # ranking by a block or a competence
    by_politeness = ranking.ranking_page(hr, ranking.Filters(metric="politeness"), 1, 50).items
    assert [r.name for r in by_politeness][-1] == people["a_low"].full_name
    # pages of two: the third place is on page 2, with the htmx block alone
    app.config["ITEMS_PER_PAGE"] = 2
    page2 = client.get("/metrics/competence/ranking?page=2", headers={"HX-Request": "true"})
    text = page2.get_data(as_text=True)
    assert "<html" not in text and "Страница 2 из 2" in text
    assert _names(text, people) == {"a_mid", "a_low"}


def test_export_holds_the_ranking_with_every_competence_and_n(app, client, login, org):
    people = _staff(org)
    hr = make_user(Role.HR, service=org.service)
    login(hr)
    response = client.get("/metrics/competence/ranking.csv?by=overall")
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    table = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    header, rows = table[0], table[1:]
    assert header[:7] == ["Место", "Сотрудник", "Должность", "СЗН", "ЦЗН", "Подразделение", "Общий балл"]
    assert "Вежливость" in header and "n клиентов" in header
    assert [r[1] for r in rows] == [people[k].full_name for k in ("b_top", "a_top", "a_mid", "a_low")]
    first = dict(zip(header, rows[0], strict=True))
    assert first["Место"] == "1" and first["n клиентов"] == "12" and first["ЦЗН"] == org.centre_b.name
    assert float(first["Общий балл"].replace(",", ".")) == pytest.approx(score(people["b_top"]).overall, abs=0.05)
    workbook = load_workbook(io.BytesIO(client.get("/metrics/competence/ranking.xlsx").data))
    sheet = workbook.active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == header
    assert [v[1] for v in values[1:]] == [r[1] for r in rows]
    assert values[1][header.index("n клиентов")] == 12


def _bulk_staff(org, count: int, start: int) -> None:
    """``count`` people of centre A with a stored score (fast: no password hashing, one INSERT each table)."""
    now = utcnow()
    users = [{"email": f"bulk{start + n}@szn.example.ru", "full_name": f"Сотрудник {start + n:04d}",
              "regional_service_id": org.service.id, "centre_id": org.centre_a.id,
              "department_id": org.front_a.id, "position": "", "must_change_password": False, "session_version": 1,
              "is_active": True, "is_public_consent": False, "created_at": now, "updated_at": now,
              "search_text": ""} for n in range(count)]
    db.session.execute(insert(User), users)
    ids = db.session.scalars(db.select(User.id).where(User.email.like("bulk%"))).all()
    month = this_month()
    have = set(db.session.scalars(db.select(CompetenceScore.user_id)))
    db.session.execute(insert(CompetenceScore), [
        {"user_id": uid, "period_start": month.start, "period_end": month.end, "regional_service_id": org.service.id,
         "centre_id": org.centre_a.id, "department_id": org.front_a.id, "data_version": 1, "computed_version": 1,
         "overall": 50 + (uid % 40), "communicative": 60.0, "proactive": 40.0, "c_politeness": 70.0,
         "breakdown": {}} for uid in ids if uid not in have])
    db.session.commit()


def test_ranking_page_query_count_does_not_grow_with_staff(app, client, login, org):
    """N+1 guard: the ranking costs the same number of SQL statements for 10 and for 100 staff."""
    hr = make_user(Role.HR, service=org.service)
    login(hr)
    counts = {}
    for total, start in ((10, 0), (100, 10)):
        _bulk_staff(org, total - start, start)
        client.get("/metrics/competence/ranking")  # warm-up: nothing cached differs between the two runs
        with count_queries() as counter:
            response = client.get("/metrics/competence/ranking?by=overall")
        assert response.status_code == 200
        assert response.get_data(as_text=True).count('href="/metrics/competence/employee/') == min(total, 50)
        counts[total] = counter.count
    assert counts[100] == counts[10], counts


def test_batch_and_ranking_on_both_databases(any_db_url):
    app = make_test_app(SQLALCHEMY_DATABASE_URI=any_db_url)
    with app.app_context():
        db.create_all()
        try:
            org = make_org()
            people = _staff(org)
            result = competence.recompute_batch([this_month().previous(), this_month()])
            assert result.people >= len(people)
            hr = make_user(Role.HR, service=org.service)
            page = ranking.ranking_page(hr, ranking.Filters(), 1, 50)
            assert [r.place for r in page.items] == [1, 2, 3, 4]
            # last month was computed too, but its window holds none of this month's ratings
            last = score(people["a_top"], this_month().previous())
            assert last.is_computed and last.overall is None and last.n_client == 0
            assert {r.trend for r in page.items} == {"new"}
            header, rows = ranking.export_table(hr, ranking.Filters(metric="communicative"))
            assert len(rows) == 4 and header[6] == "Коммуникативный блок"
            explanation = ranking.explain(score(people["a_top"]))
            assert sum(b.contribution for b in explanation.blocks) == pytest.approx(explanation.overall)
        finally:
            db.session.remove()
            if any_db_url.startswith("sqlite"):
                db.drop_all()
            db.engine.dispose()
