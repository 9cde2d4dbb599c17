"""IQS reviews, weekly reports, the course next to service quality, CLI commands."""
from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests.factories import make_cohort, make_course, make_user
from tests.metrics.helpers import answers, refresh, seed_reference
from training.accounts.models import Role
from training.errors import DomainError
from training.extensions import db
from training.measures.periods import MONTH, WEEK, period_of
from training.metrics.centre_index import snapshots
from training.metrics.dashboards import training_effect
from training.metrics.feedback import services as feedback
from training.metrics.operations import iqs
from training.metrics.operations.models import IqsCategory

TODAY = date(2026, 3, 20)


def _marks(passed: dict[str, bool]) -> dict[int, bool]:
    return {c.id: passed.get(c.code, True) for c in iqs.active_categories()}


def test_the_methodologys_iqs_example_through_the_checklist(app, org):
    seed_reference()
    for category in iqs.all_categories():
        category.is_active = category.code in ("service_knowledge", "speech", "politeness")
    manager = make_user(Role.MANAGER, department=org.front_a)
    employee = make_user(department=org.front_a)
    assessment = iqs.assess(manager, employee, marks=_marks({"politeness": False}), conversation_date=TODAY, today=TODAY)
    assert assessment.score == pytest.approx(2.5 / 3.25 * 100)  # 76.9 %
    critical = iqs.assess(manager, employee, marks=_marks({"speech": False}), conversation_date=TODAY, today=TODAY)
    assert critical.score == 0 and critical.is_critical_failed


def test_past_scores_keep_their_weights_when_hr_edits_a_category(app, org):
    seed_reference()
    hr = make_user(Role.HR, service=org.service)
    employee = make_user(department=org.front_a)
    first = iqs.assess(hr, employee, marks=_marks({"politeness": False}), conversation_date=TODAY, today=TODAY)
    score = first.score
    politeness = db.session.scalar(select(IqsCategory).where(IqsCategory.code == "politeness"))
    iqs.save_category(hr, politeness, code="politeness", name="Вежливость", weight=5, is_critical=True,
                      is_active=True, sort_order=30)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(type(first), first.id).score == score
    second = iqs.assess(hr, employee, marks=_marks({"politeness": False}), conversation_date=TODAY, today=TODAY)
    assert second.score == 0  # now critical


def test_supervisors_review_within_scope_never_themselves(app, org):
    seed_reference()
    manager = make_user(Role.MANAGER, department=org.front_a)
    outsider = make_user(department=org.front_b)
    with pytest.raises(DomainError):
        iqs.assess(manager, outsider, marks=_marks({}), conversation_date=TODAY, today=TODAY)
    with pytest.raises(DomainError):
        iqs.assess(manager, manager, marks=_marks({}), conversation_date=TODAY, today=TODAY)
    with pytest.raises(DomainError, match="Отметьте"):
        iqs.assess(manager, make_user(department=org.front_a), marks={}, conversation_date=TODAY, today=TODAY)


def test_employee_sees_their_reviews_and_not_others(app, client, login, org):
    seed_reference()
    manager = make_user(Role.MANAGER, department=org.front_a)
    employee = make_user(department=org.front_a)
    colleague = make_user(department=org.front_a)
    login(manager)
    form = {"employee_id": employee.id, "conversation_date": date.today().isoformat(), "touchpoint_id": 0,
            "conversation_ref": "Обращение 17", "comment": "Хорошо объяснили порядок"}
    form.update({f"cat-{c.id}": "1" for c in iqs.active_categories()})
    response = client.post("/metrics/iqs/new", data=form)
    assert response.status_code == 303
    incomplete = dict(form)
    incomplete.pop(f"cat-{iqs.active_categories()[0].id}")
    assert client.post("/metrics/iqs/new", data=incomplete).status_code == 422
    assessment_id = int(response.headers["Location"].rsplit("/", 1)[1])
    client.post("/auth/logout")
    login(employee)
    mine = client.get("/metrics/iqs/mine").get_data(as_text=True)
    assert "IQS 100,0 %" in mine
    assert "Хорошо объяснили порядок" in client.get(f"/metrics/iqs/{assessment_id}").get_data(as_text=True)
    client.post("/auth/logout")
    login(colleague)
    assert client.get(f"/metrics/iqs/{assessment_id}").status_code == 404
    # the IQS reached the employee's stored figures
    db.session.expire_all()
    assert snapshots.snapshot("employee", employee.id, period_of(MONTH, date.today())).figures["iqs"]["n"] == 1


def test_weekly_report_xlsx_and_pdf_for_a_centre_and_the_region(app, client, login, org):
    seed_reference()
    link = feedback.link_for(org.centre_a)
    week = period_of(WEEK, date(2026, 3, 9))
    answers(link, date(2026, 3, 10), 5, recommend=10, ces=4)
    answers(link, date(2026, 3, 11), 1, recommend=2)
    refresh()
    hr = make_user(Role.HR, service=org.service)
    login(hr)
    xlsx = client.get(f"/metrics/reports/service/{org.service.id}/{week.key}.xlsx")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert rows[1][0].startswith("Всего по СЗН") and {r[0] for r in rows[2:]} == {org.centre_a.name, org.centre_b.name}
    centre_row = next(r for r in rows if r[0] == org.centre_a.name)
    nps_col = header.index("NPS — готовность рекомендовать")
    assert centre_row[nps_col] == pytest.approx(round(100 * (5 - 1) / 6, 1)) and centre_row[nps_col + 1] == 6
    assert centre_row[header.index("Низких оценок")] == 1 and centre_row[header.index("Задач открыто")] == 1
    pdf = client.get(f"/metrics/reports/centre/{org.centre_a.id}/{week.key}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert client.get(f"/metrics/reports/centre/{org.other_centre.id}/{week.key}.pdf").status_code == 404
    assert client.get(f"/metrics/reports?scope=centre:{org.centre_a.id}&week={week.key}").status_code == 200


def test_weekly_report_cli_and_job(app, runner, org, tmp_path):
    from training.notifications.models import Notification

    seed_reference()
    hr = make_user(Role.HR, service=org.service)
    manager = make_user(Role.MANAGER, department=org.front_a)
    answers(feedback.link_for(org.centre_a), date(2026, 3, 10), 3, recommend=9)
    result = runner.invoke(args=["metrics", "weekly-report", "--week", "2026-W11", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in tmp_path.iterdir())
    assert f"region-{org.service.id}-2026-W11.xlsx" in names and f"centre-{org.centre_a.id}-2026-W11.pdf" in names
    from training.jobs import run_due

    outcomes = dict(run_due(date(2026, 3, 16)))
    assert "неделя 2026-W11" in outcomes["metrics.weekly-report"]
    notified = {n.user_id for n in db.session.scalars(select(Notification).where(Notification.kind == "metrics.weekly_report"))}
    assert {hr.id, manager.id} <= notified


def test_recompute_cli_builds_snapshots_from_existing_data(app, runner, org):
    seed_reference()
    answers(feedback.link_for(org.centre_a), date(2026, 3, 10), 2, recommend=9)
    from training.metrics.centre_index.models import IndexSnapshot

    db.session.execute(IndexSnapshot.__table__.delete())
    db.session.commit()
    result = runner.invoke(args=["metrics", "recompute"])
    assert result.exit_code == 0 and "пересчитано" in result.output
    snap = snapshots.snapshot("centre", org.centre_a.id, period_of(MONTH, date(2026, 3, 10)))
    assert snap.figures["feedback_n"] == 2


def test_client_metrics_before_and_after_the_course(app, client, login, org):
    seed_reference()
    course = make_course(blocks=2)
    staff = [make_user(department=org.front_a) for _ in range(5)]
    cohort = make_cohort(course, org.service, start=date(2025, 11, 3), learners=staff)
    for enrolment in cohort.enrolments[:4]:
        enrolment.completed_at = datetime(2026, 1, 20, 10, tzinfo=UTC)
    db.session.commit()
    link = feedback.link_for(org.centre_a)
    for month in (8, 9, 10):
        answers(link, date(2025, month, 12), 10, recommend=6)
    for month in (2, 3):
        answers(link, date(2026, month, 12), 10, recommend=10)
    refresh()
    comparison = training_effect.before_after(org.centre_a, course, today=date(2026, 4, 5))
    assert comparison.window.trained_on == date(2026, 1, 20)
    assert [p.key for p in comparison.before] == ["2025-08", "2025-09", "2025-10"]
    assert [p.key for p in comparison.after] == ["2026-02", "2026-03"]
    nps = next(r for r in comparison.rows if r["key"] == "nps")
    assert nps["before"] == {"value": -100.0, "n": 30} and nps["after"] == {"value": 100.0, "n": 20}
    assert nps["delta"] == 200.0 and nps["better"] is True
    hr = make_user(Role.HR, service=org.service)
    login(hr)
    page = client.get(f"/metrics/pulse/centre/{org.centre_a.id}/training").get_data(as_text=True)
    assert "сопоставление, а не доказательство" in page
    dashboard = client.get("/metrics/courses").get_data(as_text=True)
    assert org.centre_a.name in dashboard and "80 %" in dashboard  # 4 of 5 completed


def test_downloading_a_weekly_report_writes_nothing_even_when_figures_are_stale(app, client, login, org):
    """The report reads the stored figures; recomputing stale ones is the worker's job, never a GET's."""
    from tests.support.statements import listing, statements_sent

    seed_reference()
    link = feedback.link_for(org.centre_a)
    week = period_of(WEEK, date(2026, 3, 9))
    answers(link, date(2026, 3, 10), 5, recommend=10, ces=4)  # the centre's figures are now stale
    hr = make_user(Role.HR, service=org.service)
    db.session.commit()
    login(hr)
    with statements_sent(db.engine) as sent:
        for url in (f"/metrics/reports/service/{org.service.id}/{week.key}.xlsx",
                    f"/metrics/reports/centre/{org.centre_a.id}/{week.key}.pdf"):
            assert client.get(url).status_code == 200
    writes = [s for s in sent if s.split(" ", 1)[0].upper() in ("INSERT", "UPDATE", "DELETE")]
    assert writes == [], listing(writes)
