"""Reading everything a viewer can get (every GET page and export, as text) and the rows a request wrote, for
the anonymity proofs in tests/hardening (test_*anonym*)."""
from __future__ import annotations

import difflib
import html
import io
import sqlite3
import zipfile

from openpyxl import load_workbook
from pypdf import PdfReader

from tests.hardening.world import url_for_rule
from training.accounts.models import User
from training.extensions import db

# --- reading what a viewer gets -----------------------------------------------------------------------------------

def readable(content_type: str, data: bytes, name: str = "") -> str:
    """The text a person (or a script) gets out of an answer."""
    kind = content_type.lower()
    if not kind:  # a member of a ZIP: its name tells
        name = name.lower()
        kind = next((k for ext, k in ((".xlsx", "spreadsheetml"), (".pdf", "pdf"), (".zip", "zip"),
                                      (".png", "image/png")) if name.endswith(ext)), "text/plain")
    if "spreadsheetml" in kind:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        lines = [" | ".join("" if v is None else str(v) for v in row)
                 for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True)]
        workbook.close()
        return "\n".join(lines)
    if "pdf" in kind:
        return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    if "zip" in kind:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "\n".join(member + "\n" + readable("", archive.read(member), member)
                             for member in archive.namelist())
    if kind.startswith("image/"):
        return ""
    return html.unescape(data.decode("utf-8-sig", errors="replace"))


def read_everything(app, world, who: str) -> dict[str, str]:
    """Every GET route as ``who``: URL → readable text. Routes with a ``fmt`` are read in both formats."""
    client = app.test_client()
    client.post("/auth/login", data={"email": world.emails[who], "password": "correct-horse-battery-42"})
    texts = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        variants = [{"fmt": f} for f in ("csv", "xlsx")] if "fmt" in rule.arguments else [{}]
        for override in variants:
            url = url_for_rule(app, rule, world.arguments, **override)
            response = client.get(url)
            texts[url] = readable(response.headers.get("Content-Type", ""), response.get_data(), url)
            response.close()
    return texts


def identifiers(world, who: str) -> list[str]:
    """How a page could name a person: name, surname, e-mail, personnel number, links to their pages."""
    person = db.session.get(User, world.user_ids[who])
    surname = person.full_name.split()[0]
    uid = person.id
    return [person.full_name, surname, person.email, person.personnel_number, f"/people/{uid}\"",
            f"/staff/{uid}\"", f"/pulse/employee/{uid}\"", f"user_id={uid}&", f"user_id={uid}\"",
            f"employee_id={uid}\""]


RECORD_TAGS = ("li", "tr", "article", "option", "section", "p")


def record_around(text: str, at: int, length: int) -> str:
    """What a reader sees as one record with the marker: the innermost list item, table row, article,
    option, section or paragraph holding it in a page; its line in a CSV, a spreadsheet or a PDF."""
    best = None
    for tag in RECORD_TAGS:
        start = text.rfind(f"<{tag}", 0, at)
        while start != -1 and text[start + len(tag) + 1:start + len(tag) + 2] not in (" ", ">", "\n"):
            start = text.rfind(f"<{tag}", 0, start)  # <p…> but not <path>
        end = text.find(f"</{tag}>", at + length)
        if start == -1 or end == -1 or text.find(f"</{tag}>", start, at) != -1:
            continue
        if best is None or start > best[0]:
            best = (start, end + len(tag) + 3)
    if best is not None:
        return text[best[0]:best[1]]
    line_start = text.rfind("\n", 0, at) + 1
    line_end = text.find("\n", at + length)
    return text[line_start:line_end if line_end != -1 else len(text)]


def added_lines(before: str, after: str) -> list[str]:
    return [line[1:] for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
            if line.startswith("+") and not line.startswith("+++")]


# --- the database ---------------------------------------------------------------------------------------------------

def all_rows(path) -> dict[str, set[tuple]]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' "
                                            "AND name NOT LIKE 'sqlite_%'")]
        return {n: set(conn.execute(f'SELECT * FROM "{n}"').fetchall()) for n in names}  # noqa: S608
    finally:
        conn.close()


def rows_pointing_at(before, after, person_id: int) -> dict[str, list[dict]]:
    """New or changed rows whose columns referring to users hold ``person_id``."""
    found: dict[str, list[dict]] = {}
    for table in db.metadata.sorted_tables:
        user_columns = [i for i, column in enumerate(table.columns)
                        if any(fk.column.table.name == "users" for fk in column.foreign_keys)]
        if table.name == "users":
            user_columns.append(list(table.columns.keys()).index("id"))
        for row in after.get(table.name, set()) - before.get(table.name, set()):
            if any(row[i] == person_id for i in user_columns):
                found.setdefault(table.name, []).append(dict(zip(table.columns.keys(), row, strict=True)))
    return found
