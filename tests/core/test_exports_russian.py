"""Exports read the Russian way: dates as 07.12.2026 and decimal commas, in CSV and in Excel."""
import io
from datetime import date

from openpyxl import load_workbook

from training.tabular import csv_bytes, xlsx_bytes

HEADER = ["ФИО", "Дата выдачи", "Балл"]
ROWS = [["Смирнова Анна Сергеевна", date(2026, 12, 7), 12.5], ["Кузнецов Олег Ильич", date(2026, 1, 31), 30.0]]


def test_a_csv_export_has_russian_dates_and_decimal_commas():
    text = csv_bytes(HEADER, ROWS).decode("utf-8-sig")
    assert text.splitlines()[1:] == ["Смирнова Анна Сергеевна;07.12.2026;12,5", "Кузнецов Олег Ильич;31.01.2026;30"]


def test_an_excel_export_shows_dates_as_dd_mm_yyyy_and_keeps_them_dates():
    sheet = load_workbook(io.BytesIO(xlsx_bytes(HEADER, ROWS))).active
    cell = sheet["B2"]
    assert cell.number_format == "DD.MM.YYYY" and cell.value.date() == date(2026, 12, 7)
    assert sheet["C2"].value == 12.5
