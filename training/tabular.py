"""Reading uploaded CSV/XLSX tables and writing exports, shared by every import and export.

Readers return rows with the line number a person sees in Excel or a text editor, so errors can point at
«строка 7, столбец «E-mail»»."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import abort
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from training.errors import DomainError
from training.web import download

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TABLE_FORMATS = ("csv", "xlsx")
# A cell starting with one of these is read as a formula by Excel/LibreOffice (TAB, CR and LF are skipped first).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


@dataclass(frozen=True)
class Problem:
    line: int
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f"Строка {self.line}" + (f", столбец «{self.column}»" if self.column else "")
        return f"{where}: {self.message}"


# An error page lists at most this many problems (5,000 bad rows made a 7 MB page); the rest are counted.
MAX_PROBLEMS_SHOWN = 100


class ImportRejected(DomainError):
    """The file was not imported; ``problems`` lists the first errors found, by line and column (at most
    ``limit``), ``omitted`` counts the others."""

    status_code = 422

    def __init__(self, problems: list[Problem], limit: int = MAX_PROBLEMS_SHOWN):
        ordered = sorted(problems, key=lambda p: (p.line, p.column or ""))
        self.problems = ordered[:limit]
        self.omitted = len(ordered) - len(self.problems)
        message = f"Файл не загружен: найдено ошибок — {len(ordered)}. Ничего не изменено."
        if self.omitted:
            message += (f" Показаны первые {len(self.problems)}, ещё {self.omitted} не показаны: исправьте эти "
                        "и загрузите файл снова.")
        super().__init__(message)


def _too_many_rows(line: int, max_rows: int, hint: str) -> ImportRejected:
    limit = f"{max_rows:,}".replace(",", "\u00a0")
    return ImportRejected([Problem(line, None, f"в файле больше {limit} строк — это предел загрузки через сайт. "
                                               + hint)])


@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, list[Any]]]  # (line number, cells)


def read_table(filename: str, data: bytes, max_rows: int | None = None,
               too_many_hint: str = "Разделите файл на части.") -> Table:
    """The header and the non-empty rows; with ``max_rows``, a file with more data rows is refused as soon as
    the reader gets there (an XLSX is streamed, never loaded whole), its message ending with ``too_many_hint``."""
    name = (filename or "").lower()
    if name.endswith(".xlsx") or data[:2] == b"PK":
        return _read_xlsx(data, max_rows, too_many_hint)
    if name.endswith((".csv", ".txt")) or not name:
        return _read_csv(data, max_rows, too_many_hint)
    raise ImportRejected([Problem(1, None, "поддерживаются только файлы CSV и XLSX.")])


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        # Excel «CSV» on a Russian Windows saves in windows-1251.
        return data.decode("cp1251")
    except UnicodeDecodeError as exc:  # pragma: no cover - cp1251 maps nearly every byte
        raise ImportRejected([Problem(1, None, "файл не в кодировке UTF-8 или Windows-1251.")]) from exc


def _read_csv(data: bytes, max_rows: int | None = None, hint: str = "") -> Table:
    text = _decode(data)
    if not text.strip():
        raise ImportRejected([Problem(1, None, "файл пуст.")])
    first_line = text.splitlines()[0]
    delimiter = max([";", ",", "\t"], key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[Any]]] = []
    header: list[str] | None = None
    try:
        for cells in reader:
            line = reader.line_num
            if header is None:
                header = [c.strip() for c in cells]
                continue
            if not any(c.strip() for c in cells):
                continue
            if max_rows is not None and len(rows) >= max_rows:
                raise _too_many_rows(line, max_rows, hint)
            rows.append((line, cells))
    except csv.Error as exc:  # a cell beyond the csv module's limit, e.g. an unclosed quote swallowing the file
        raise ImportRejected([Problem(reader.line_num or 1, None, "строка слишком длинная или повреждена "
                                      "(проверьте, что все кавычки закрыты).")]) from exc
    return Table(header or [], rows)


def _read_xlsx(data: bytes, max_rows: int | None = None, hint: str = "") -> Table:

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise ImportRejected([Problem(1, None, "файл XLSX повреждён или это не таблица Excel.")]) from exc
    sheet = workbook.worksheets[0]
    header: list[str] | None = None
    rows: list[tuple[int, list[Any]]] = []
    for index, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = ["" if v is None else v for v in values]
        if header is None:
            header = [str(c).strip() for c in cells]
            continue
        if not any(str(c).strip() for c in cells):
            continue
        if max_rows is not None and len(rows) >= max_rows:
            workbook.close()
            raise _too_many_rows(index, max_rows, hint)
        rows.append((index, cells))
    workbook.close()
    return Table(header or [], rows)


def cell_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value).strip()


def parse_date(value: Any) -> date:
    """Dates as Excel stores them, or typed as ДД.ММ.ГГГГ or ГГГГ-ММ-ДД."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for fmt in ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"«{text}» — не дата; ожидается ДД.ММ.ГГГГ")


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# --- exports ---------------------------------------------------------------------------------------------

def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """CSV that Excel opens correctly: UTF-8 with BOM, semicolons."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else _export_value(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]], title: str = "Лист1") -> bytes:

    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_export_value(v) if not isinstance(v, (int, float, date)) else v for v in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, datetime | date):  # shown as 07.12.2026 in Excel, still a date to sort on
                cell.number_format = "DD.MM.YYYY"
    for index, _ in enumerate(header):
        sheet.column_dimensions[column_letter(index)].width = 22
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _export_value(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value  # no formula injection when the export is opened in a spreadsheet
    if isinstance(value, (date, datetime)):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float):  # a decimal comma, as Russian Excel reads a CSV: 12,5 and 30 (not 30.0)
        return f"{value:.10g}".replace(".", ",")
    return value


def table_download(fmt: str, header: Sequence[str], rows: Iterable[Sequence[Any]], *, filename: str,
                   sheet_title: str = "Лист1"):
    """A table as ``filename.csv`` (UTF-8 with BOM, for Excel) or ``filename.xlsx``; any other format is a 404."""


    if fmt == "csv":
        return download(csv_bytes(header, rows), "text/csv; charset=utf-8", f"{filename}.csv")
    if fmt == "xlsx":
        return download(xlsx_bytes(header, rows, title=sheet_title), XLSX_MIME, f"{filename}.xlsx")
    abort(404)
