"""The materials repository as its users meet it: who may upload, versions that never disappear, files that
are what they claim to be, Cyrillic search, and the audit trail."""
from __future__ import annotations

import hashlib
import io
import re
from datetime import UTC, datetime
from urllib.parse import unquote

import pytest
from sqlalchemy import func, select

from tests.factories import make_user
from tests.materials.samples import EXE, PDF_V1, PDF_V2, ooxml
from tests.support.app import sign_in
from training.accounts.models import Role
from training.audit.models import AuditEntry
from training.extensions import db
from training.materials import services
from training.materials.models import Material, MaterialCategory, MaterialVersion


@pytest.fixture
def people(org):
    return {
        "teacher": make_user(Role.TEACHER, department=org.front_a, full_name="Учителева Анна Петровна"),
        "hr": make_user(Role.HR, service=org.service, full_name="Кадрова Ольга Ивановна"),
        "admin": make_user(Role.ADMIN, service=org.service, full_name="Админов Пётр Сергеевич"),
        "manager": make_user(Role.MANAGER, centre=org.centre_a, full_name="Руководов Иван Ильич"),
        "employee": make_user(Role.EMPLOYEE, department=org.front_a, full_name="Сотрудникова Вера Павловна"),
    }


@pytest.fixture
def client_as(app):
    """A separate signed-in browser for each person."""
    def signed_in(user):
        client = app.test_client()
        sign_in(client, user)
        return client

    return signed_in


@pytest.fixture
def category(app):
    category = MaterialCategory(name="Кейсы", position=20)
    db.session.add(category)
    db.session.commit()
    return category


def upload(client, category_id, *, title="Памятка по маршруту заявителя", description="",
           filename="памятка.pdf", data=PDF_V1, kind="file", url="", note=""):
    form = {"category_id": str(category_id), "title": title, "description": description, "kind": kind,
            "url": url, "note": note}
    if kind == "file":
        form["file"] = (io.BytesIO(data), filename)
    return client.post("/materials/new", data=form, content_type="multipart/form-data")


def add_version(client, material_id, *, data=PDF_V2, filename="памятка.pdf",
                note="Обновлены данные за 2026 год", url=""):
    form = {"note": note, "url": url}
    if data is not None:
        form["file"] = (io.BytesIO(data), filename)
    return client.post(f"/materials/{material_id}/versions/new", data=form,
                       content_type="multipart/form-data")


def download(client, material_id, number):
    """Fetch a version's file (closing the response, which holds the stored file open)."""
    response = client.get(f"/materials/{material_id}/versions/{number}/download")
    response.get_data()
    response.close()
    return response


def only_material() -> Material:
    db.session.expire_all()  # requests ran in their own sessions; read what they committed
    return db.session.scalars(select(Material)).one()


def stored_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# --- who may upload ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["teacher", "hr", "admin"])
def test_teachers_hr_and_administrators_add_materials(client, login, people, category, who):
    login(people[who])
    response = upload(client, category.id, description="Как построить карту пути клиента ЦЗН")
    assert response.status_code == 303
    material = only_material()
    assert response.headers["Location"].endswith(f"/materials/{material.id}")

    page = client.get(f"/materials/{material.id}").get_data(as_text=True)
    assert "Памятка по маршруту заявителя" in page
    assert "Как построить карту пути клиента ЦЗН" in page
    assert "Версия 1" in page and people[who].full_name in page
    assert download(client, material.id, 1).data == PDF_V1


@pytest.mark.parametrize("who", ["employee", "manager"])
def test_everyone_else_reads_but_cannot_upload_or_change(client, login, app, people, category, who):
    material = services.create_material(people["teacher"], category=category,
                                        title="Статья о клиентском опыте", description="Исходное описание",
                                        kind="file", filename="статья.pdf", data=PDF_V1)
    db.session.commit()
    login(people[who])

    index = client.get("/materials/").get_data(as_text=True)
    assert "Статья о клиентском опыте" in index
    assert "Добавить материал" not in index
    detail = client.get(f"/materials/{material.id}").get_data(as_text=True)
    assert "Загрузить новую версию" not in detail
    assert download(client, material.id, 1).data == PDF_V1

    assert client.get("/materials/new").status_code == 403
    assert upload(client, category.id, title="Чужой материал").status_code == 403
    assert add_version(client, material.id).status_code == 403
    assert client.post(f"/materials/{material.id}/edit", data={
        "category_id": category.id, "title": "Переименовано", "description": ""}).status_code == 403
    assert client.post("/materials/categories", data={"name": "Новая тема"}).status_code == 403

    assert count(Material) == 1 and count(MaterialVersion) == 1 and count(MaterialCategory) == 1
    assert only_material().title == "Статья о клиентском опыте"


def test_anonymous_visitors_are_sent_to_sign_in(client, people, category):
    material = services.create_material(people["teacher"], category=category, title="Кейс", description="",
                                        kind="file", filename="кейс.pdf", data=PDF_V1)
    db.session.commit()
    response = download(client, material.id, 1)
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


# --- versions ---------------------------------------------------------------------------------------------

def test_a_new_version_keeps_the_old_one_listed_and_downloadable(client_as, people, category):
    client = client_as(people["teacher"])
    upload(client, category.id, filename="Памятка по маршруту.pdf")
    material = only_material()
    first = material.versions[0]
    first.created_at = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)  # uploaded «in January»
    db.session.commit()

    client = client_as(people["hr"])
    response = add_version(client, material.id, filename="Памятка по маршруту (2026).pdf")
    assert response.status_code == 303

    page = client.get(f"/materials/{material.id}").get_data(as_text=True)
    assert "Версии (2)" in page
    assert "Версия 2" in page and "Версия 1" in page
    assert "15 января 2026, 12:30" in page  # the first version's date, in Moscow time
    assert "Обновлены данные за 2026 год" in page
    assert people["teacher"].full_name in page and people["hr"].full_name in page
    assert page.index("Версия 2") < page.index("Версия 1")  # newest first
    assert re.search(r'href="/materials/\d+/versions/2/download">Скачать PDF', page)  # the current one

    old = download(client, material.id, 1)
    new = download(client, material.id, 2)
    assert old.data == PDF_V1 and hashlib.sha256(old.data).hexdigest() == hashlib.sha256(PDF_V1).hexdigest()
    assert new.data == PDF_V2
    assert old.headers["Content-Type"] == "application/pdf"

    disposition = old.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f'filename="material-{material.id}-v1.pdf"' in disposition
    encoded = disposition.split("filename*=UTF-8''", 1)[1]
    assert unquote(encoded) == "Памятка по маршруту.pdf"
    assert old.headers["X-Content-Type-Options"] == "nosniff"


def test_a_version_that_does_not_exist_is_not_found(client, login, people, category):
    login(people["teacher"])
    upload(client, category.id)
    material = only_material()
    assert download(client, material.id, 7).status_code == 404


def test_metadata_edits_change_no_version_and_are_audited_with_before_and_after(client, login, people,
                                                                                 category):
    other = MaterialCategory(name="Статьи", position=30)
    db.session.add(other)
    db.session.commit()
    login(people["teacher"])
    upload(client, category.id, title="Черновое название", description="Старое описание")
    material = only_material()

    response = client.post(f"/materials/{material.id}/edit", data={
        "category_id": other.id, "title": "Метрики качества клиентского опыта",
        "description": "Новое описание"})
    assert response.status_code == 303

    material = only_material()
    assert (material.title, material.category.name) == ("Метрики качества клиентского опыта", "Статьи")
    assert len(material.versions) == 1
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "material.update")).one()
    assert entry.actor_id == people["teacher"].id and entry.object_id == str(material.id)
    assert entry.before == {"title": "Черновое название", "description": "Старое описание",
                            "category": "Кейсы"}
    assert entry.after == {"title": "Метрики качества клиентского опыта", "description": "Новое описание",
                           "category": "Статьи"}
    page = client.get(f"/materials/{material.id}").get_data(as_text=True)
    assert "«Черновое название» → «Метрики качества клиентского опыта»" in page

    # saving the same values again records nothing
    client.post(f"/materials/{material.id}/edit", data={
        "category_id": other.id, "title": "Метрики качества клиентского опыта",
        "description": "Новое описание"})
    assert db.session.scalar(select(func.count()).where(AuditEntry.action == "material.update")) == 1


def test_every_upload_is_audited(client_as, people, category):
    upload(client_as(people["teacher"]), category.id, filename="памятка.pdf")
    material = only_material()
    add_version(client_as(people["admin"]), material.id)

    created = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "material.create")).one()
    assert created.actor_id == people["teacher"].id
    assert created.after["title"] == "Памятка по маршруту заявителя"
    assert created.after["version"]["sha256"] == hashlib.sha256(PDF_V1).hexdigest()
    added = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "material.version_add")).one()
    assert added.actor_id == people["admin"].id
    assert added.after["number"] == 2 and added.after["note"] == "Обновлены данные за 2026 год"
    assert added.after["sha256"] == hashlib.sha256(PDF_V2).hexdigest()


def test_a_new_version_needs_a_note_on_what_changed(client, login, people, category):
    login(people["teacher"])
    upload(client, category.id)
    material = only_material()
    response = add_version(client, material.id, note="")
    assert response.status_code == 422
    assert "Опишите, что изменилось." in response.get_data(as_text=True)
    assert count(MaterialVersion) == 1


# --- file checks ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("filename,data,message", [
    ("приказ.pdf", EXE, "Содержимое файла «приказ.pdf» не соответствует расширению .pdf"),
    ("таблица.xlsx", ooxml("word/document.xml"), "не соответствует расширению .xlsx"),
    ("документ.docx", b"PK\x03\x04 not really a zip archive", "не соответствует расширению .docx"),
    ("фото.png", PDF_V1, "не соответствует расширению .png"),
    ("заметка.txt", "Текст в Windows-1251".encode("cp1251"), "не соответствует расширению .txt"),
    ("setup.exe", EXE, "Файлы типа .exe не принимаются"),
    ("без расширения", PDF_V1, "У файла нет расширения"),
])
def test_files_that_are_not_what_they_claim_are_refused_and_change_nothing(client, login, people, category,
                                                                           materials_root, filename, data,
                                                                           message):
    login(people["teacher"])
    response = upload(client, category.id, filename=filename, data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count(Material) == 0 and count(MaterialVersion) == 0
    assert stored_files(materials_root) == []
    assert count(AuditEntry) == 0


def test_a_fake_pdf_as_a_new_version_is_refused_and_the_current_version_stays(client, login, people, category,
                                                                              materials_root):
    login(people["teacher"])
    upload(client, category.id)
    material = only_material()
    files_before = stored_files(materials_root)

    response = add_version(client, material.id, data=EXE, filename="памятка.pdf")
    assert response.status_code == 422
    assert "не соответствует расширению .pdf" in response.get_data(as_text=True)
    assert count(MaterialVersion) == 1
    assert stored_files(materials_root) == files_before
    assert download(client, material.id, 1).data == PDF_V1


def test_an_oversize_file_is_refused_with_the_limit_in_russian(app, client, login, people, category,
                                                               materials_root):
    app.config["MATERIALS_MAX_BYTES"] = 1024
    login(people["teacher"])
    response = upload(client, category.id, data=PDF_V1 + b"%" * 2000)
    assert response.status_code == 422
    assert "Файл слишком большой: можно загрузить не больше 1 КБ." in response.get_data(as_text=True)
    assert count(Material) == 0 and stored_files(materials_root) == []

    # a file within the limit is accepted, a larger next version is not
    assert upload(client, category.id).status_code == 303
    response = add_version(client, only_material().id, data=PDF_V2 + b"%" * 2000)
    assert response.status_code == 422
    assert "Файл слишком большой" in response.get_data(as_text=True)
    assert count(MaterialVersion) == 1


def test_a_request_over_the_server_limit_gets_the_russian_message(app, client, login, people, category):
    app.config["MAX_CONTENT_LENGTH"] = 4096
    login(people["teacher"])
    response = upload(client, category.id, data=PDF_V1 + b"%" * 10_000)
    assert response.status_code == 413
    assert "Файл слишком большой: можно загрузить не больше 25 МБ." in response.get_data(as_text=True)
    assert count(Material) == 0


def test_files_are_stored_by_content_outside_the_database(client, login, people, category, materials_root):
    login(people["teacher"])
    upload(client, category.id, title="Первый")
    upload(client, category.id, title="Тот же файл под другим названием", filename="копия.pdf")
    digest = hashlib.sha256(PDF_V1).hexdigest()
    assert stored_files(materials_root) == [materials_root / digest[:2] / digest]
    assert (materials_root / digest[:2] / digest).read_bytes() == PDF_V1
    assert {v.sha256 for v in db.session.scalars(select(MaterialVersion))} == {digest}


# --- links ------------------------------------------------------------------------------------------------

def test_a_link_to_the_portal_instead_of_a_file(client, login, people, category):
    login(people["teacher"])
    response = upload(client, category.id, kind="link", title="Регламент на портале",
                      url="https://portal.szn.local/docs/reglament")
    assert response.status_code == 303
    material = only_material()
    assert material.is_link
    response = add_version(client, material.id, data=None, url="https://portal.szn.local/docs/reglament-2026",
                           note="Новая редакция регламента")
    assert response.status_code == 303

    page = client.get(f"/materials/{material.id}").get_data(as_text=True)
    assert ('href="https://portal.szn.local/docs/reglament-2026" rel="noopener noreferrer">'
            "Открыть на портале") in page
    assert "https://portal.szn.local/docs/reglament</a>" in page  # the old address is still listed


def test_only_web_addresses_are_accepted_as_links(client, login, people, category):
    login(people["teacher"])
    response = upload(client, category.id, kind="link", url="javascript:alert(1)")
    assert response.status_code == 422
    assert "начинающийся с https://" in response.get_data(as_text=True)
    assert count(Material) == 0


# --- search -----------------------------------------------------------------------------------------------

@pytest.fixture
def catalogue(people, category):
    articles = MaterialCategory(name="Статьи", position=30)
    db.session.add(articles)
    db.session.flush()
    teacher = people["teacher"]
    for title, description, cat in [
        ("Карта пути заявителя", "Пример маршрута клиента в ЦЗН", category),
        ("Ёмкие метрики клиентского опыта", "NPS, CES и CSI на практике", articles),
        ("Профайлы клиентских сегментов", "Как описать группы заявителей", articles),
    ]:
        services.create_material(teacher, category=cat, title=title, description=description, kind="file",
                                 filename="файл.pdf", data=PDF_V1)
    db.session.commit()
    return {"cases": category, "articles": articles}


@pytest.mark.parametrize("query,found", [
    ("КАРТА", ["Карта пути заявителя"]),
    ("карта", ["Карта пути заявителя"]),
    ("кАрТа ПуТи", ["Карта пути заявителя"]),
    ("МАРШРУТА", ["Карта пути заявителя"]),          # in the description
    ("емкие", ["Ёмкие метрики клиентского опыта"]),  # ё and е are the same letter in search
    ("ЁМКИЕ", ["Ёмкие метрики клиентского опыта"]),
    ("nps", ["Ёмкие метрики клиентского опыта"]),
    ("Заявител", ["Карта пути заявителя", "Профайлы клиентских сегментов"]),
    ("100%", []),
])
def test_search_finds_cyrillic_in_any_case(client, login, people, catalogue, query, found):
    login(people["employee"])
    page = client.get("/materials/", query_string={"q": query}).get_data(as_text=True)
    titles = ["Карта пути заявителя", "Ёмкие метрики клиентского опыта", "Профайлы клиентских сегментов"]
    assert [t for t in titles if t in page] == found
    assert f"Найдено: {len(found)}" in page


def test_results_are_grouped_by_category_and_filtered_by_it(client, login, people, catalogue):
    login(people["employee"])
    page = client.get("/materials/").get_data(as_text=True)
    assert (page.index(">Кейсы</h2>") < page.index("Карта пути") < page.index(">Статьи</h2>")
            < page.index("Профайлы"))
    articles = catalogue["articles"].id
    page = client.get("/materials/", query_string={"category_id": articles}).get_data(as_text=True)
    assert "Карта пути заявителя" not in page and "Профайлы клиентских сегментов" in page
    page = client.get("/materials/", query_string={"category_id": articles, "q": "карта"})
    assert "Ничего не найдено" in page.get_data(as_text=True)


def test_htmx_search_returns_only_the_results_block(client, login, people, catalogue):
    login(people["employee"])
    response = client.get("/materials/", query_string={"q": "ПРОФАЙЛ"}, headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in body and "<form" not in body
    assert "Профайлы клиентских сегментов" in body and "Карта пути" not in body
    assert "HX-Request" in response.headers["Vary"]


# --- categories -------------------------------------------------------------------------------------------

def test_teachers_manage_categories_and_changes_are_audited(client, login, people, category):
    login(people["teacher"])
    response = client.post("/materials/categories",
                           data={"name": "Документы СЗН регионов", "description": ""})
    assert response.status_code == 303
    response = client.post("/materials/categories", data={"name": "  КЕЙСЫ ", "description": ""})
    assert response.status_code == 422
    assert "Категория «Кейсы» уже есть." in response.get_data(as_text=True)

    response = client.post(f"/materials/categories/{category.id}/edit",
                           data={"name": "Кейсы СЗН", "description": "Практика регионов", "position": "5"})
    assert response.status_code == 303
    db.session.expire_all()
    names = [c.name for c in services.categories()]
    assert names == ["Кейсы СЗН", "Документы СЗН регионов"]
    entry = db.session.scalars(select(AuditEntry)
                               .where(AuditEntry.action == "material_category.update")).one()
    assert entry.before == {"name": "Кейсы", "description": "", "position": 20}
    assert entry.after == {"name": "Кейсы СЗН", "description": "Практика регионов", "position": 5}


def test_default_categories_are_created_once(app):
    services.ensure_default_categories()
    services.ensure_default_categories()
    db.session.commit()
    assert [c.name for c in services.categories()] == [
        "Инструменты анализа клиентского опыта", "Кейсы", "Статьи", "Документы СЗН регионов", "Прочее"]


def test_links_can_be_limited_to_the_internal_portal(app, client, login, people, category):
    app.config["MATERIALS_LINK_HOSTS"] = ["portal.szn.local"]
    login(people["teacher"])
    response = upload(client, category.id, kind="link", url="https://example.com/page")
    assert response.status_code == 422
    assert "Ссылки принимаются только на внутренний портал: portal.szn.local." in response.get_data(as_text=True)
    assert upload(client, category.id, kind="link", url="https://docs.portal.szn.local/p").status_code == 303
