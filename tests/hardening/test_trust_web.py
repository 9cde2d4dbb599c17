"""Issue 15, findings 8 and 9: rate-limit storage shared by every worker; the «next» guard of the sign-in redirect
and the formula guard of every export."""
from __future__ import annotations

import io
import logging

import pytest
from openpyxl import load_workbook

from training.app import create_app
from training.config import ProductionConfig
from training.tabular import csv_bytes, xlsx_bytes
from training.web import is_safe_next


@pytest.mark.parametrize("target", ["/\\evil.example", "/\\/evil.example", "\\\\evil.example", "/\t/evil.example",
                                    "//evil.example", "https://evil.example/", "/\x00/evil.example", " /evil", "/\r\n/evil.example"])
def test_a_next_that_a_browser_reads_as_another_site_is_refused(target):
    assert is_safe_next(target) is False


@pytest.mark.parametrize("target", ["/learn/", "/org/staff?q=a", "/team/#top"])
def test_a_next_on_this_site_is_kept(target):
    assert is_safe_next(target) is True


@pytest.mark.parametrize("value", ["\t=cmd|' /C calc'!A0", "\r=1+1", "\n=1+1", "=1+1", "+1", "-1+A1", "@SUM(A1)"])
def test_an_exported_text_that_a_spreadsheet_reads_as_a_formula_is_quoted(value):
    text = csv_bytes(["Имя"], [[value]]).decode("utf-8-sig")
    cell = text.split("\r\n")[1]
    assert cell.lstrip('"').startswith("'")
    workbook = load_workbook(io.BytesIO(xlsx_bytes(["Имя"], [[value]])))
    assert workbook.active["A2"].value.startswith("'")


# --- finding 8: rate-limit counters shared by every worker --------------------------------------------------

@pytest.fixture
def production_env(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 48)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    for name in ("GUNICORN_CMD_ARGS", "WEB_CONCURRENCY"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.mark.parametrize("how", [("argv", ["gunicorn", "-w", "4", "wsgi:app"]), ("argv", ["gunicorn", "--workers=2"]),
                                 ("env", {"WEB_CONCURRENCY": "3"}), ("env", {"GUNICORN_CMD_ARGS": "--workers 2"})])
def test_production_with_several_workers_on_memory_rate_limits_refuses_to_start(production_env, how):
    kind, value = how
    if kind == "argv":
        production_env.setattr("sys.argv", value)
    else:
        for name, env_value in value.items():
            production_env.setenv(name, env_value)
    with pytest.raises(RuntimeError, match="RATELIMIT_STORAGE_URI"):
        create_app(ProductionConfig(), RATELIMIT_STORAGE_URI="memory://")


def test_production_with_one_worker_on_memory_warns_in_the_log_and_on_healthz(production_env, caplog):
    production_env.setattr("sys.argv", ["gunicorn", "-w", "1", "wsgi:app"])
    with caplog.at_level(logging.WARNING):
        app = create_app(ProductionConfig(), RATELIMIT_STORAGE_URI="memory://")
    assert any("memory://" in record.getMessage() for record in caplog.records)
    answer = app.test_client().get("/healthz", base_url="https://localhost").get_json()
    assert answer["status"] == "ok" and "memory://" in answer["warnings"][0]


def test_production_with_shared_rate_limit_storage_starts_without_warnings(production_env):
    production_env.setattr("sys.argv", ["gunicorn", "-w", "4", "wsgi:app"])
    app = create_app(ProductionConfig(), RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/0")
    assert "warnings" not in app.test_client().get("/healthz", base_url="https://localhost").get_json()
