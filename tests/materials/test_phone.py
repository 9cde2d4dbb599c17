"""The repository on a 360 px phone: upload with the real form (CSRF on), live search, and no horizontal
scroll."""
import pytest

from tests.factories import make_org, make_user
from tests.support.browser import has_horizontal_scroll, live_test_app, sign_in
from training.accounts.models import Role
from training.extensions import db
from training.materials import services

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <<>>\n%%EOF\n"
LONG_NAME = "Методические_рекомендации_по_формированию_профайлов_клиентских_сегментов_заявителей_ЦЗН.pdf"


@pytest.fixture
def live_app(tmp_path):
    with live_test_app(tmp_path, MATERIALS_ROOT=str(tmp_path / "materials")) as app:
        yield app


def test_teacher_uploads_a_material_from_a_phone(phone, live_app, tmp_path):
    org = make_org()
    teacher = make_user(Role.TEACHER, department=org.front_a, full_name="Учителева Анна Петровна")
    services.ensure_default_categories()
    db.session.commit()
    file = tmp_path / LONG_NAME
    file.write_bytes(PDF)

    sign_in(phone, teacher)
    phone.goto("/materials/")
    assert not has_horizontal_scroll(phone)
    phone.get_by_role("link", name="Добавить материал").click()
    phone.wait_for_url("**/materials/new")
    assert not has_horizontal_scroll(phone)
    assert phone.get_by_label("Адрес страницы").is_hidden()  # shown only when «ссылка» is chosen
    phone.get_by_label("Категория").select_option(label="Инструменты анализа клиентского опыта")
    phone.get_by_label("Название").fill("Профайлы клиентских сегментов: методические рекомендации для ЦЗН")
    phone.get_by_label("Описание").fill("Как описать группы заявителей и их ожидания.")
    phone.locator("input[type=file]").set_input_files(str(file))
    phone.get_by_role("button", name="Добавить в хранилище").click()
    phone.wait_for_url("**/materials/1")
    assert phone.get_by_text("Материал добавлен в хранилище.").is_visible()
    assert phone.get_by_text(LONG_NAME).is_visible()
    assert not has_horizontal_scroll(phone)

    phone.get_by_role("link", name="Загрузить новую версию").click()
    phone.wait_for_url("**/versions/new")
    assert not has_horizontal_scroll(phone)


def test_live_search_on_a_phone(phone, live_app):
    org = make_org()
    teacher = make_user(Role.TEACHER, department=org.front_a)
    employee = make_user(Role.EMPLOYEE, department=org.front_a)
    services.ensure_default_categories()
    cases = services.categories()[1]
    for title in ("Карта пути заявителя", "Метрики качества клиентского опыта"):
        services.create_material(teacher, category=cases, title=title, description="", kind="file",
                                 filename="файл.pdf", data=PDF)
    db.session.commit()

    sign_in(phone, employee)
    phone.goto("/materials/")
    phone.get_by_placeholder("Поиск по названию и описанию").fill("КАРТА")
    phone.wait_for_selector("text=Найдено: 1")
    assert phone.get_by_role("link", name="Карта пути заявителя").is_visible()
    assert phone.get_by_role("link", name="Метрики качества клиентского опыта").count() == 0
    assert "q=" in phone.url
    assert not has_horizontal_scroll(phone)
