"""Issue 15, finding 9: the «next» guard of the sign-in redirect and the formula guard of every export."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

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
