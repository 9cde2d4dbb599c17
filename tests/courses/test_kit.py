"""The course kit in the materials repository after `flask seed course`: a one-page cheat sheet per block, the
templates as XLSX and PDF, in «Шпаргалки», «Шаблоны» and «Скрипты», and the metrics calculator page among the tools
of analysis; immutable versions, added only on change."""
import io
import shutil

from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select

from seeds.course_loader import COURSE_DIR, load_course
from tests.factories import make_user
from training.extensions import db
from training.materials import storage
from training.materials.models import Material, MaterialCategory, MaterialVersion


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def _file(material: Material) -> bytes:
    return storage.path_for(material.current_version.sha256).read_bytes()


def test_after_seeding_the_repository_holds_the_kit_in_its_categories(app):
    load_course()
    db.session.commit()
    by_category = {}
    for material in db.session.scalars(select(Material)):
        by_category.setdefault(material.category.name, []).append(material)
    assert len(by_category["Шпаргалки"]) == 14
    assert len(by_category["Шаблоны"]) == 8 and len(by_category["Скрипты"]) == 2
    cheatsheet = db.session.scalar(select(Material).where(Material.seed_key == "kit:block-05:cheatsheet"))
    reader = PdfReader(io.BytesIO(_file(cheatsheet)))
    text = " ".join(reader.pages[0].extract_text().split())
    assert len(reader.pages) == 1 and "CES = % «легко» − % «сложно»" in text
    assert cheatsheet.current_version.file_name == "shpargalka-blok-05.pdf"
    journey = db.session.scalar(select(Material).where(Material.seed_key == "kit:template:journey-map:xlsx"))
    sheet = load_workbook(io.BytesIO(_file(journey))).active
    values = [c.value for row in sheet.iter_rows() for c in row if c.value]
    assert values[0] == "Карта маршрута клиента" and "Точки контакта" in values and "Ваш ответ" in values
    printable = db.session.scalar(select(Material).where(Material.seed_key == "kit:template:feedback-scripts:pdf"))
    assert printable.category.name == "Скрипты"
    assert "Скрипты запроса обратной связи" in PdfReader(io.BytesIO(_file(printable))).pages[0].extract_text()


def test_reseeding_adds_no_version_and_changed_content_adds_one(app, tmp_path):
    load_course()
    db.session.commit()
    versions = count(MaterialVersion)
    assert versions == 25 and load_course().kit == {"unchanged": 25}
    db.session.commit()
    assert count(MaterialVersion) == versions
    folder = tmp_path / "course"
    shutil.copytree(COURSE_DIR, folder)
    lesson = folder / "blocks" / "05" / "lesson.md"
    lesson.write_text(lesson.read_text(encoding="utf-8").replace(
        "TTFR: при выбросах считайте медиану, а не среднее", "TTFR: при выбросах — медиана"), encoding="utf-8")
    summary = load_course(folder)
    db.session.commit()
    assert summary.kit == {"new_version": 1, "unchanged": 24}
    cheatsheet = db.session.scalar(select(Material).where(Material.seed_key == "kit:block-05:cheatsheet"))
    assert [v.number for v in cheatsheet.versions] == [2, 1]  # the old version stays downloadable
    assert "TTFR: при выбросах — медиана" in PdfReader(io.BytesIO(_file(cheatsheet))).pages[0].extract_text()
    assert storage.path_for(cheatsheet.versions[1].sha256).is_file()


def test_a_staff_member_finds_the_kit_on_the_materials_page(app, client, login, org):
    load_course()
    db.session.commit()
    login(make_user(department=org.front_a))
    page = client.get("/materials/").get_data(as_text=True)
    assert "Шпаргалки" in page and "Шаблоны" in page and "Скрипты" in page
    assert "Шпаргалка: блок 5." in page and "Карта решений — таблица для заполнения (XLSX)" in page
    category = db.session.scalar(select(MaterialCategory).where(MaterialCategory.name == "Шаблоны"))
    assert category.description.startswith("Шаблоны для работы")


def test_the_repository_leads_to_the_metrics_calculator_page(app, client, login, org):
    load_course()
    db.session.commit()
    calculator = db.session.scalar(select(Material).where(Material.seed_key == "kit:calculator"))
    assert calculator.category.name == "Инструменты анализа клиентского опыта" and calculator.is_link
    assert calculator.category.description.startswith("Профайлы клиентских сегментов")
    login(make_user(department=org.front_a))
    index = client.get("/materials/").get_data(as_text=True)
    assert "Калькулятор метрик: CES, CSI, NPS, FCR и Net FCR, IQS, eNPS" in index and "страница курса" in index
    detail = client.get(f"/materials/{calculator.id}").get_data(as_text=True)
    assert 'href="/learn/calculator"' in detail and "Открыть страницу" in detail and "на портале" not in detail
    page = client.get("/learn/calculator?metric=fcr&total=480&first=264&impossible=80",
                      headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Net FCR = 264 / (480 − 80) × 100 = 264 / 400 × 100 = 66 %" in page  # the working, not only a number
    assert load_course().kit["unchanged"] == 25  # the link is not added again
    db.session.commit()
    assert [v.number for v in calculator.versions] == [1]
