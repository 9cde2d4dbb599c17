"""In a real browser: HR issues for a cohort, a learner downloads the PDF on a phone, the QR code printed in it
opens the verification page, and a revocation shows there."""
import pytest

from tests.certificates.helpers import enrol_completed, pdf_page_image, pdf_text, qr_codes_in
from tests.factories import make_course, make_org, make_user
from tests.support.browser import has_horizontal_scroll, sign_in, signed_in_page
from training.accounts.models import Role

pytestmark = pytest.mark.browser


def test_hr_issues_learner_downloads_on_a_phone_and_the_qr_code_verifies(browser, live_server, phone, tmp_path):
    org = make_org()
    course = make_course(blocks=14)
    hr = make_user(Role.HR, service=org.service, full_name="Кадрова Елена Петровна")
    learner = make_user(department=org.front_a, full_name="Телефонова Анна Сергеевна")
    colleague = make_user(department=org.front_b, full_name="Соседов Илья Маркович")
    cohort = enrol_completed(course, org.service, [learner, colleague])
    cohort_id = cohort.id

    desk, hr_page = signed_in_page(browser, live_server, hr, viewport={"width": 1280, "height": 900})
    hr_page.goto("/certificates/due")
    hr_page.get_by_label("Группа").select_option(str(cohort_id))
    hr_page.get_by_text("Ожидают сертификата: 2").wait_for()
    hr_page.get_by_role("button", name="Выдать всем (2)").click()
    hr_page.get_by_text("Выдано сертификатов: 2.").wait_for()

    sign_in(phone, learner)
    phone.get_by_role("link", name="Сертификаты").first.click()
    phone.wait_for_url("**/certificates/")
    assert phone.get_by_role("heading", name="Мои сертификаты и дипломы").is_visible()
    assert not has_horizontal_scroll(phone)
    with phone.expect_download() as download_info:
        phone.get_by_role("link", name="Скачать PDF").first.click()
    path = tmp_path / "certificate.pdf"
    download_info.value.save_as(path)
    pdf = path.read_bytes()
    text = " ".join(pdf_text(pdf).split())
    assert "Телефонова Анна Сергеевна" in text
    number = text.split("№ ", 1)[1].split()[0]
    assert number.startswith("СЗН-52-")
    assert download_info.value.suggested_filename == f"{number}.pdf"

    image, _ = pdf_page_image(pdf)
    codes = qr_codes_in(image)
    assert len(codes) == 1 and codes[0].startswith(live_server.url + "/certificates/verify/")
    phone.goto(codes[0])
    assert phone.get_by_role("heading", name="Документ действителен").is_visible()
    assert phone.get_by_text("Телефонова Анна Сергеевна").is_visible()
    assert not has_horizontal_scroll(phone)

    hr_page.goto("/certificates/registry")
    hr_page.get_by_role("link", name=number).click()
    hr_page.get_by_role("link", name="Отозвать").click()
    hr_page.get_by_label("Причина отзыва").fill("Выдан по ошибке")
    hr_page.get_by_role("button", name="Отозвать").click()
    hr_page.get_by_text(f"Документ № {number} отозван.").wait_for()
    desk.close()

    phone.reload()
    assert phone.get_by_role("heading", name="Документ отозван").is_visible()
    assert phone.get_by_text("Выдан по ошибке").is_visible()
    assert phone.get_by_text("отозван", exact=True).is_visible()
