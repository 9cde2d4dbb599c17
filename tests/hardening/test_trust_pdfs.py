"""Issue 15, finding 10: names from the database are text in every PDF the app makes, never reportlab markup.

A centre called `<img src="…">` embedded a file from the server's disk into the weekly report, and an unbalanced
`<` answered 500. Each PDF here is built from hostile names and must come out as a PDF that prints them as text."""
from __future__ import annotations

import io
from datetime import date

import pytest
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select

from seeds.reference import run as seed_reference
from tests.factories import make_user
from training.accounts.models import Role
from training.certificates.models import KindTemplate
from training.certificates.pdf import PageData, render
from training.courses.kit import cheatsheet_pdf, template_pdf
from training.extensions import db
from training.measures.periods import WEEK, period_of
from training.metrics.feedback.models import Touchpoint


def _text(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def _images(pdf: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def picture(tmp_path):
    path = tmp_path / "secret.png"
    Image.new("RGB", (8, 8), "red").save(path)
    return str(path)


@pytest.fixture
def hostile(picture):
    """Names that reportlab would read as markup: a file embedded from disk, unbalanced tags, an entity."""
    return {"image": f'<img src="{picture}" width="50" height="50"/>',
            "passwd": '<img src="/etc/passwd">',
            "open": "ЦЗН <b>Север",
            "lt": "ЦЗН < 5 & > 3 &amp;",
            "font": '<font size="90">ЦЗН</font></para>'}


def _check(pdf: bytes, *marks: str) -> None:
    assert pdf.startswith(b"%PDF")
    assert _images(pdf) == 0  # no file from the server's disk inside
    text = "".join(_text(pdf).split())  # a long name wraps onto two lines
    for mark in marks:
        assert "".join(mark.split()) in text


def test_the_weekly_report_prints_hostile_centre_and_service_names_as_text(client, login, org, hostile):
    seed_reference()
    org.centre_a.name, org.centre_b.name = hostile["image"], hostile["open"]
    org.service.name = hostile["lt"]
    db.session.commit()
    login(make_user(Role.HR, service=org.service))
    week = period_of(WEEK, date(2026, 3, 9))
    for url in (f"/metrics/reports/centre/{org.centre_a.id}/{week.key}.pdf",
                f"/metrics/reports/centre/{org.centre_b.id}/{week.key}.pdf",
                f"/metrics/reports/service/{org.service.id}/{week.key}.pdf"):
        response = client.get(url)
        assert response.status_code == 200, url
        _check(response.data)
    service_pdf = client.get(f"/metrics/reports/service/{org.service.id}/{week.key}.pdf").data
    _check(service_pdf, hostile["image"], hostile["open"], hostile["lt"])


def test_qr_sheets_and_cards_print_hostile_names_as_text(client, login, org, hostile):
    seed_reference()
    org.centre_a.name = hostile["passwd"]
    db.session.commit()
    employee = make_user(department=org.front_a, is_public_consent=True, full_name=hostile["font"])
    login(make_user(Role.MANAGER, department=org.front_a))
    touchpoint = db.session.scalar(select(Touchpoint).where(Touchpoint.code == "call_centre"))
    for layout in ("", "&layout=cards"):
        response = client.post(f"/metrics/qr/{org.centre_a.id}.pdf?touchpoint={touchpoint.id}"
                              f"&employee={employee.id}{layout}")
        assert response.status_code == 200
        _check(response.data)


def test_client_vote_sheets_print_hostile_names_as_text(client, login, org, hostile):
    org.centre_a.name = hostile["open"]
    db.session.commit()
    person = make_user(department=org.front_a, full_name=hostile["image"])
    person.position = hostile["lt"]
    db.session.commit()
    login(make_user(Role.MANAGER, department=org.front_a))
    response = client.get(f"/recognition/centres/{org.centre_a.id}/sheets.pdf")
    assert response.status_code == 200
    _check(response.data, hostile["open"])


@pytest.mark.parametrize("template", list(KindTemplate))
def test_certificates_and_diplomas_print_hostile_names_as_text(app, hostile, template):
    data = PageData(template=template, heading="Сертификат", lead="", kind_name=hostile["lt"], number="С-1",
                    holder_name=hostile["image"], title=hostile["open"], subtitle=hostile["font"],
                    modules=[hostile["passwd"], hostile["image"]], completed_on="7 декабря 2026",
                    issued_on="7 декабря 2026", issuer_name=hostile["lt"], signatory_name=hostile["open"],
                    signatory_position=hostile["image"], verification_url="https://szn.example.ru/v/x")
    _check(render(data), hostile["open"])


def test_course_kit_pdfs_print_hostile_text_as_text(app, hostile):
    _check(cheatsheet_pdf(course_title=hostile["open"], number=1, title=hostile["image"],
                          takeaways=[hostile["passwd"]], lines=[hostile["lt"]]), hostile["open"])
    _check(template_pdf({"title": hostile["image"], "description": hostile["lt"],
                         "sections": [{"heading": hostile["open"], "fields": [{"label": hostile["passwd"]}]}]}),
           hostile["lt"])
