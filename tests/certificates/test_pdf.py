"""The PDF as a person sees it: the text on the page, A4 landscape, and a QR code a phone can scan."""
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.certificates.helpers import pdf_page_image, pdf_text, qr_codes_in
from tests.factories import make_org, make_user
from tests.support.app import make_test_app
from training.certificates import pdf as pdf_module
from training.certificates import services
from training.extensions import db


@pytest.fixture
def issued(world):
    certificates = services.issue_course_certificates(world.hr, world.cohort.enrolments)[0]
    db.session.commit()
    return certificates


def test_holder_downloads_a_pdf_with_their_name_number_course_and_modules(client, login, world, issued):
    certificate = issued[0]
    login(world.learners[0])
    response = client.get(f"/certificates/{certificate.id}/pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    text = " ".join(pdf_text(response.data).split())
    assert "успешно завершила обучение по курсу" in text and "(а)" not in text
    for expected in ("СЕРТИФИКАТ", "Смирнова Анна Сергеевна", certificate.number, world.course.title,
                     "Модуль 1. Модуль 1", "Модуль 2. Модуль 2", "Модуль 3. Модуль 3",
                     "Дата завершения обучения", "Управление занятости Нижегородской области",
                     "Действителен до"):
        assert expected in text, expected


def test_the_page_is_a4_landscape_and_its_qr_code_opens_the_verification_page(client, login, world, issued):
    certificate = issued[0]
    login(world.learners[0])
    pdf = client.get(f"/certificates/{certificate.id}/pdf").data
    image, (width, height) = pdf_page_image(pdf)
    assert (round(width), round(height)) == (842, 595)  # A4 landscape in points
    codes = qr_codes_in(image)
    assert codes == [f"http://localhost/certificates/verify/{certificate.verification_code}"]
    page = client.get(urlsplit(codes[0]).path)
    assert page.status_code == 200
    assert "Документ действителен" in page.get_data(as_text=True)


def test_qr_code_uses_the_public_base_url_when_configured(tmp_path):
    app = make_test_app(PUBLIC_BASE_URL="https://szn.example.ru/", CERTIFICATE_PDF_CACHE_DIR=str(tmp_path))
    with app.app_context():
        db.create_all()
        org = make_org()
        holder = make_user(department=org.front_a, full_name="Печатникова Ольга Юрьевна")
        certificate = services.issue_document("title", holder, title="Мастер клиентоцентричности",
                                              issued_by=None, source_key="title:master:7")
        db.session.commit()
        client = app.test_client()
        client.post("/auth/login", data={"email": holder.email, "password": "correct-horse-battery-42"})
        pdf = client.get(f"/certificates/{certificate.id}/pdf").data
        image, _ = pdf_page_image(pdf)
        assert qr_codes_in(image) == [f"https://szn.example.ru/certificates/verify/{certificate.verification_code}"]
        text = " ".join(pdf_text(pdf).split())
        assert "ДИПЛОМ" in text and "Мастер клиентоцентричности" in text and "Печатникова Ольга Юрьевна" in text
        db.session.remove()
        db.drop_all()


def test_signatory_of_the_service_is_printed(client, login, world):
    login(world.hr)
    response = client.post("/certificates/settings", data={
        "signatory_name": "А. В. Директорова", "signatory_position": "Руководитель управления занятости",
        "issuer_email": "szn@example.ru"})
    assert response.status_code == 303
    certificate = services.issue_course_certificates(world.hr, world.cohort.enrolments[:1])[0][0]
    db.session.commit()
    text = " ".join(pdf_text(client.get(f"/certificates/{certificate.id}/pdf").data).split())
    assert "А. В. Директорова" in text and "Руководитель управления занятости" in text


def test_pdf_is_rendered_once_then_served_from_the_cache(client, login, world, issued, monkeypatch, app):
    certificate = issued[0]
    login(world.learners[0])
    first = client.get(f"/certificates/{certificate.id}/pdf").data
    cached = list(Path(app.config["CERTIFICATE_PDF_CACHE_DIR"]).rglob("*.pdf"))
    assert any(p.read_bytes() == first for p in cached)

    def must_not_render(*args, **kwargs):
        raise AssertionError("rendered again")

    monkeypatch.setattr(pdf_module, "render", must_not_render)
    assert client.get(f"/certificates/{certificate.id}/pdf").data == first


def test_rendering_is_deterministic_and_fast(world, issued):
    data = pdf_module.page_data(issued[0], "https://szn.example.ru/certificates/verify/x")
    pdf_module.render(data)  # fonts load once per process
    started = time.perf_counter()
    first = pdf_module.render(data)
    elapsed = time.perf_counter() - started
    assert first == pdf_module.render(data)
    assert elapsed < 1.0, f"one PDF took {elapsed:.2f} s"


def test_only_the_holder_and_their_hr_can_download(client, login, world, issued, org):
    certificate = issued[0]
    url = f"/certificates/{certificate.id}/pdf"
    assert client.get(url).status_code == 302  # anonymous: sign in first
    login(world.learners[1])
    assert client.get(url).status_code == 404  # a colleague: it does not exist for them
    client.post("/auth/logout")
    login(world.other_hr)
    assert client.get(url).status_code == 404  # HR of another service
    client.post("/auth/logout")
    login(world.hr)
    assert client.get(url).status_code == 200


def test_without_a_signatory_no_empty_signature_line_is_printed(client, login, world, issued):
    login(world.learners[0])
    text = " ".join(pdf_text(client.get(f"/certificates/{issued[0].id}/pdf").data).split())
    assert "Руководитель" not in text and "Дата выдачи" in text


def test_the_download_keeps_the_series_in_the_ascii_file_name(client, login, world, issued):
    login(world.learners[0])
    number = issued[0].number
    assert number.startswith("СЗН-")
    disposition = client.get(f"/certificates/{issued[0].id}/pdf").headers["Content-Disposition"]
    assert f'filename="SZN-{number[4:]}.pdf"' in disposition
    assert "filename*=UTF-8''%D0%A1%D0%97%D0%9D-" in disposition
