"""Operational data import: all or nothing, line-numbered errors, re-import replaces (audited)."""
from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from tests.factories import make_user
from training.accounts.models import Role
from training.audit.models import AuditEntry
from training.errors import DomainError
from training.extensions import db
from training.metrics.operations import services as operational
from training.metrics.operations.models import OperationalReport
from training.tabular import ImportRejected, csv_bytes

TODAY = date(2026, 4, 15)
MARCH = (date(2026, 3, 1), date(2026, 3, 31))


def summary_csv(**overrides) -> bytes:
    rows = {"Обращений: колл-центр": 400, "Обращений: личный приём": 600, "Решено обращений": 900,
            "Решено при первом контакте": 700, "Не могли быть решены при первом контакте": 100,
            "Передано (эскалировано)": 50, "Первый ответ: медиана, мин": 90, "Первый ответ: среднее, мин": 130,
            "Первый ответ: число обращений": 400, "Ожидание в очереди: медиана, мин": 14,
            "Ожидание в очереди: число посещений": 600}
    rows.update(overrides)
    return csv_bytes(["Показатель", "Значение"], [[k, v] for k, v in rows.items() if v is not None])


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_summary_file_is_imported(app, org):
    hr = make_user(Role.HR, service=org.service)
    report, replaced = operational.import_operational(hr, org.centre_a, *MARCH, "march.csv", summary_csv(), today=TODAY)
    assert not replaced
    assert report.appeals_by_channel == {"call_centre": 400, "in_person": 600}
    assert (report.resolved, report.resolved_first_contact, report.not_resolvable_first_contact) == (900, 700, 100)
    assert (report.ttfr_median, report.ttfr_mean, report.wait_median) == (90, 130, 14)


def test_a_bad_row_changes_nothing_and_every_error_has_its_line(app, org):
    hr = make_user(Role.HR, service=org.service)
    operational.import_operational(hr, org.centre_a, *MARCH, "march.csv", summary_csv(), today=TODAY)
    db.session.commit()
    before = operational.report_state(db.session.scalar(select(OperationalReport)))
    bad = csv_bytes(["Показатель", "Значение"], [
        ["Обращений: колл-центр", 500],          # line 2: fine
        ["Решено обращений", "много"],            # line 3: not a number
        ["Обращений: телеграф", 3],               # line 4: unknown indicator
        ["Передано (эскалировано)", -1],          # line 5: negative
    ])
    with pytest.raises(ImportRejected) as caught:
        operational.import_operational(hr, org.centre_a, *MARCH, "march.csv", bad, today=TODAY)
    db.session.rollback()
    lines = [p.line for p in caught.value.problems]
    assert lines == [3, 4, 5]
    assert "Строка 3" in str(caught.value.problems[0]) and "ожидается число" in str(caught.value.problems[0])
    assert _count(OperationalReport) == 1
    assert operational.report_state(db.session.scalar(select(OperationalReport))) == before


def test_impossible_combinations_are_refused_with_the_formulas_messages(app, org):
    hr = make_user(Role.HR, service=org.service)
    data = summary_csv(**{"Решено обращений": 1200, "Решено при первом контакте": 950})
    with pytest.raises(ImportRejected) as caught:
        operational.import_operational(hr, org.centre_a, *MARCH, "x.csv", data, today=TODAY)
    messages = " ".join(str(p) for p in caught.value.problems)
    assert "решено больше обращений, чем поступило" in messages
    assert _count(OperationalReport) == 0


def test_reimport_of_the_same_period_replaces_it_and_is_audited(app, client, login, org):
    manager = make_user(Role.MANAGER, department=org.front_a)
    login(manager)
    for resolved in (900, 950):
        response = client.post("/metrics/operational/import", data={
            "centre_id": org.centre_a.id, "period_start": "2026-03-01", "period_end": "2026-03-31",
            "file": (io.BytesIO(summary_csv(**{"Решено обращений": resolved})), "march.csv")},
            content_type="multipart/form-data")
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert _count(OperationalReport) == 1
    assert db.session.scalar(select(OperationalReport.resolved)) == 950
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "metrics.operational_replaced"))
    assert entry.before["resolved"] == 900 and entry.after["resolved"] == 950


def test_http_upload_with_errors_answers_422_and_lists_them(app, client, login, org):
    login(make_user(Role.HR, service=org.service))
    response = client.post("/metrics/operational/import", data={
        "centre_id": org.centre_a.id, "period_start": "2026-03-01", "period_end": "2026-03-31",
        "file": (io.BytesIO(summary_csv(**{"Решено обращений": "abc"})), "march.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Строка 4" in response.get_data(as_text=True)
    assert _count(OperationalReport) == 0


def test_overlapping_periods_are_refused(app, org):
    hr = make_user(Role.HR, service=org.service)
    operational.import_operational(hr, org.centre_a, *MARCH, "m.csv", summary_csv(), today=TODAY)
    with pytest.raises(DomainError, match="пересекается"):
        operational.import_operational(hr, org.centre_a, date(2026, 3, 16), date(2026, 3, 22), "w.csv", summary_csv(),
                                       today=TODAY)
    operational.import_operational(hr, org.centre_b, date(2026, 3, 16), date(2026, 3, 22), "w.csv", summary_csv(),
                                   today=TODAY)


def test_manager_cannot_import_for_another_centre(app, org):
    manager = make_user(Role.MANAGER, department=org.front_a)
    with pytest.raises(DomainError):
        operational.import_operational(manager, org.centre_b, *MARCH, "m.csv", summary_csv(), today=TODAY)


def test_per_appeal_rows_give_mean_median_and_rates(app, org):
    hr = make_user(Role.HR, service=org.service)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(operational.APPEAL_HEADER)
    sheet.append(["e-mail", "да", "да", "нет", "нет", 30, 1, None])
    sheet.append(["e-mail", "да", "нет", "нет", "да", 60, 3, None])
    sheet.append(["соцсети и мессенджеры", "нет", "нет", "да", "нет", 300, 2, None])
    sheet.append(["личный приём", "да", "да", "нет", "нет", None, None, 12])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report, _ = operational.import_operational(hr, org.centre_a, *MARCH, "appeals.xlsx", buffer.getvalue(), today=TODAY)
    assert report.layout == "appeals"
    assert report.appeals_by_channel == {"email": 2, "social": 1, "in_person": 1}
    assert (report.resolved, report.resolved_first_contact, report.not_resolvable_first_contact, report.escalated) == (3, 2, 1, 1)
    assert report.ttfr_median == 60 and report.ttfr_mean == 130 and report.ttfr_n == 3
    assert report.wait_median == 12 and (report.replies, report.conversations) == (6, 3)


def test_per_appeal_errors_point_at_line_and_column(app, org):
    hr = make_user(Role.HR, service=org.service)
    data = csv_bytes(operational.APPEAL_HEADER, [["e-mail", "да", "да", "нет", "нет", "30", "1", ""],
                                                 ["голубиная почта", "может быть", "да", "да", "нет", "-5", "", ""]])
    with pytest.raises(ImportRejected) as caught:
        operational.import_operational(hr, org.centre_a, *MARCH, "a.csv", data, today=TODAY)
    where = {(p.line, p.column) for p in caught.value.problems}
    assert {(3, "Канал"), (3, "Решено"), (3, "Нельзя решить при первом контакте"), (3, "Первый ответ, мин")} <= where


@pytest.mark.parametrize("layout", ["summary", "appeals"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_downloadable_templates_import_cleanly(app, client, login, org, layout, fmt):
    hr = make_user(Role.HR, service=org.service)
    login(hr)
    response = client.get(f"/metrics/operational/template-{layout}.{fmt}")
    assert response.status_code == 200
    report, _ = operational.import_operational(hr, org.centre_a, *MARCH, f"t.{fmt}", response.data, today=TODAY)
    assert report.total_appeals > 0 and report.layout == layout


def test_period_rules(app, org):
    hr = make_user(Role.HR, service=org.service)
    with pytest.raises(DomainError, match="раньше"):
        operational.import_operational(hr, org.centre_a, date(2026, 3, 31), date(2026, 3, 1), "m.csv", summary_csv(),
                                       today=TODAY)
    with pytest.raises(DomainError, match="92"):
        operational.import_operational(hr, org.centre_a, date(2025, 1, 1), date(2025, 12, 31), "m.csv", summary_csv(),
                                       today=TODAY)
