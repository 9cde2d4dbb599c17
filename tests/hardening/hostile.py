"""Hypothesis strategies for hostile input: what a careless client, a broken script or an attacker posts."""
from __future__ import annotations

import io
import zipfile

from hypothesis import strategies as st

NASTY = [
    "", " ", "\x00", "a\x00b", "\r\n\r\n", "\t", "\x1b[31m", "\x7f", "\u0085",
    # injection
    "' OR '1'='1", "'; DROP TABLE users; --", "\" OR \"\"=\"", "1); SELECT pg_sleep(5); --", "%' AND 1=1 --",
    "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "javascript:alert(1)", "<svg/onload=alert(1)>",
    "{{7*7}}", "{{ config }}", "{% for x in range(9) %}", "${7*7}", "#{7*7}", "<%= 7*7 %>",
    "=HYPERLINK(\"http://evil.example\",\"x\")", "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "-1+1",
    "../../../../etc/passwd", "..\\..\\windows\\win.ini", "%2e%2e%2f", "file:///etc/passwd", "\\\\evil\\share",
    "%s%s%s%n", "%(password)s", "{0.__class__}", "__proto__", "null", "None", "undefined", "true", "[]", "{}",
    # numbers
    "0", "-0", "-1", "-2147483649", "2147483648", "9223372036854775807", "9223372036854775808",
    "-9223372036854775809", "1" + "0" * 40, "99999999999999999999999999999999999999", "1e308", "-1e308", "1e-400",
    "NaN", "Infinity", "-Infinity", "0x1F", "1_000", "١٢٣", "３", "1,5", "0.1", "+5", " 5 ",
    # dates
    "2024-02-30", "2023-02-29", "2024-13-01", "2024-00-10", "0000-00-00", "0001-01-01", "9999-12-31", "10000-01-01",
    "-2024-01-01", "31.12.2024", "12/31/2024", "2024-W99", "2024-W00", "2026-1", "2026-13", "1970-01-01T00:00:00Z",
    "2024-01-01 25:61", "tomorrow",
    # unicode
    "\u202eevil\u202c", "\u200b\u200b", "\ufeffBOM", "Ё" * 20, "ё", "A\u0301\u0301\u0301", "🙂" * 10, "𝕏𝕐ℤ",
    "ﷺ", "Ⅻ", "\U0001F926\u200D\u2642\uFE0F", "Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇", "מִשְׁפָּט", "اختبار", "テスト", "İı",
    # sizes
    "x" * 1_001, "я" * 5_000, "A" * 70_000, "line\n" * 3_000,
]

_text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40)


def long_text() -> st.SearchStrategy[str]:
    return st.builds(lambda s, n: (s or "щ") * n, _text, st.sampled_from([300, 2_000, 20_000]))


EDGE_NUMBERS = ["0", "-1", "1", "32767", "32768", "2147483647", "2147483648", "-2147483649", "9223372036854775807",
                "9223372036854775808", "-9223372036854775809", "1" + "0" * 30, "1.5", "1e3", "-0", "", "abc", "١٢", "²", "①", "߁"]


def numbers() -> st.SearchStrategy[str]:
    """Numbers at the edges of the integer types, and things that only look like numbers."""
    return st.one_of(st.sampled_from(EDGE_NUMBERS), st.integers(min_value=-(2 ** 70), max_value=2 ** 70).map(str))


def values() -> st.SearchStrategy[str]:
    """One hostile form value."""
    return st.one_of(
        st.sampled_from(NASTY),
        _text,
        st.integers(min_value=-(2 ** 80), max_value=2 ** 80).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.dates().map(lambda d: d.isoformat()),
        long_text(),
    )


# --- files that are not what they claim ----------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


LYING_FILES = [
    ("staff.csv", PNG + b"\x00" * 64, "text/csv"),  # a picture calling itself a table
    ("staff.xlsx", b"PK\x03\x04" + b"\x00" * 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("staff.xlsx", b"not a spreadsheet at all", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("staff.xlsx", _zip({"[Content_Types].xml": b"<Types", "xl/workbook.xml": b"<<<"}),
     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("report.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "application/vnd.ms-excel"),
    ("bank.gift", b"\xff\xfe\x00\xd8garbage\x80\x81", "text/plain"),  # not UTF-8
    ("bank.txt", "::Q::{=a ~b}\n".encode("utf-16"), "text/plain"),
    ("empty.csv", b"", "text/csv"),
    ("only-header.csv", "Табельный номер;ФИО\r\n".encode(), "text/csv"),
    ("formula.csv", b"=HYPERLINK(\"http://evil\");=1+1;@SUM(A1)\r\n+1;-1;=cmd\r\n", "text/csv"),
    ("cp1251.csv", "Фамилия;Имя\r\nИванов;Иван\r\n".encode("cp1251"), "text/csv"),
    ("manual.pdf", b"<html><script>alert(1)</script></html>", "application/pdf"),  # HTML calling itself a PDF
    ("photo.png", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "image/png"),
    ("evil.svg", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "image/svg+xml"),
    ("run.exe", b"MZ\x90\x00" + b"\x00" * 100, "application/octet-stream"),
    ("../../../etc/passwd", b"root:x:0:0:root:/root:/bin/bash\n", "text/plain"),
    ("\u202etxt.exe", b"hello", "text/plain"),
    ("wide.csv", b"a;" * 200_000 + b"\r\n", "text/csv"),
    ("many-lines.csv", b"1;2;3\r\n" * 30_000, "text/csv"),
    ("nested.zip", _zip({"a.zip": _zip({"b.txt": b"0" * 100_000})}), "application/zip"),
]


def lying_file() -> st.SearchStrategy[tuple[str, bytes, str]]:
    return st.sampled_from(LYING_FILES)


def template_with_hostile_cells(template: bytes) -> st.SearchStrategy[tuple[str, bytes, str]]:
    """A real CSV template (header + example rows) with hostile values written into some cells."""
    text = template.decode("utf-8-sig")
    lines = [line.split(";") for line in text.splitlines() if line]

    def mutate(cells: list[tuple[int, int, str]]) -> tuple[str, bytes, str]:
        rows = [list(row) for row in lines]
        for r, c, value in cells:
            if rows and len(rows) > 1:
                row = rows[1 + r % (len(rows) - 1)]
                row[c % len(row)] = value.replace(";", ",").replace("\n", " ").replace("\r", " ")
        return ("import.csv", ("\r\n".join(";".join(row) for row in rows) + "\r\n").encode("utf-8"), "text/csv")

    cell = st.tuples(st.integers(0, 50), st.integers(0, 50), values())
    return st.lists(cell, min_size=1, max_size=4).map(mutate)
