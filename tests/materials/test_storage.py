"""File type checks and content-addressed storage, below the web layer."""
import hashlib

import pytest

from tests.materials.samples import EXE, PDF_V1, ooxml
from training.materials import storage
from training.materials.storage import UploadRejected

MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"


@pytest.mark.parametrize("filename,data,label", [
    ("Приказ.PDF", PDF_V1, "PDF"),
    ("доклад.docx", ooxml("word/document.xml"), "DOCX"),
    ("показатели.xlsx", ooxml("xl/workbook.xml"), "XLSX"),
    ("презентация.pptx", ooxml("ppt/presentation.xml"), "PPTX"),
    ("схема.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
    ("фото.jpeg", b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPG"),
    ("заметка.txt", "\ufeffТекст заметки\r\n\tс табуляцией".encode(), "TXT"),
    ("выгрузка.csv", "ФИО;Оценка\nИванова;5\n".encode(), "CSV"),
    ("вебинар.mp4", MP4, "MP4"),
])
def test_genuine_files_of_every_allowed_type_are_accepted(app, filename, data, label):
    assert storage.check_file(filename, data).label == label


@pytest.mark.parametrize("filename,data", [
    ("видео.mp4", PDF_V1),
    ("презентация.pptx", ooxml("xl/workbook.xml")),
    ("пустой.pdf", b""),
    ("скрипт.js", b"alert(1)"),
    ("документ.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"),
    ("данные.txt", b"text\x00with a NUL"),
    ("программа.jpg", EXE),
])
def test_mismatched_or_unknown_files_are_refused(app, filename, data):
    with pytest.raises(UploadRejected):
        storage.check_file(filename, data)


def test_the_limit_is_exact(app):
    app.config["MATERIALS_MAX_BYTES"] = 100
    text = b"a" * 100
    assert storage.check_file("ровно.txt", text)
    with pytest.raises(UploadRejected, match="не больше 1 КБ"):
        storage.check_file("больше.txt", text + b"a")


def test_saving_is_content_addressed_and_idempotent(app, materials_root):
    digest = storage.save(PDF_V1)
    assert digest == hashlib.sha256(PDF_V1).hexdigest()
    assert storage.save(PDF_V1) == digest
    assert [p.name for p in materials_root.rglob("*") if p.is_file()] == [digest]
    assert storage.path_for(digest).read_bytes() == PDF_V1
    with pytest.raises(ValueError):
        storage.path_for("../../etc/passwd")


@pytest.mark.parametrize("raw,clean", [
    ("C:\\Users\\ivanova\\Desktop\\Отчёт.pdf", "Отчёт.pdf"),
    ("../../secret/памятка.pdf", "памятка.pdf"),
    ('при"каз\x07.pdf', "приказ.pdf"),
])
def test_uploaded_file_names_lose_folders_and_control_characters(raw, clean):
    assert storage.clean_filename(raw) == clean
