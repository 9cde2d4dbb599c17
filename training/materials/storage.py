"""Files of the materials repository: type checks (extension allow-list + content sniffing) and
content-addressed storage under ``MATERIALS_ROOT`` (default ``<instance>/materials``).

A file is stored once per content at ``<root>/<first two hex digits>/<sha256>``: writes are atomic (temporary
file + rename), identical uploads share one file, and a stored file is never overwritten or deleted by the
application, so every version stays downloadable byte for byte."""
from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from training.errors import DomainError
from training.templating import megabytes

DEFAULT_MAX_BYTES = 25 * 1024 * 1024


class UploadRejected(DomainError):
    """The file was refused; nothing was stored."""

    status_code = 422


@dataclass(frozen=True)
class FileType:
    label: str
    mime_type: str


PDF = FileType("PDF", "application/pdf")
DOCX = FileType("DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
XLSX = FileType("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
PPTX = FileType("PPTX", "application/vnd.openxmlformats-officedocument.presentationml.presentation")
PNG = FileType("PNG", "image/png")
JPEG = FileType("JPG", "image/jpeg")
TEXT = FileType("TXT", "text/plain; charset=utf-8")
CSV = FileType("CSV", "text/csv; charset=utf-8")
MP4 = FileType("MP4", "video/mp4")

TYPES_BY_EXTENSION: dict[str, FileType] = {
    "pdf": PDF, "docx": DOCX, "xlsx": XLSX, "pptx": PPTX, "png": PNG, "jpg": JPEG, "jpeg": JPEG,
    "txt": TEXT, "csv": CSV, "mp4": MP4,
}
ALLOWED_LABEL = "PDF, DOCX, XLSX, PPTX, PNG, JPG, TXT, CSV, MP4"
# The main part each Office Open XML package must contain.
_OOXML_PARTS = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
# control characters other than tab, line feed, form feed and carriage return: binary data, not text
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def max_bytes() -> int:
    return int(current_app.config.get("MATERIALS_MAX_BYTES") or DEFAULT_MAX_BYTES)


def root() -> Path:
    configured = current_app.config.get("MATERIALS_ROOT")
    return Path(configured) if configured else Path(current_app.instance_path) / "materials"




def human_size(size: int | None) -> str:
    if size is None:
        return "—"
    if size < 1024:
        return f"{size} байт"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} КБ"
    return megabytes(size)


def too_large_message(limit: int | None = None) -> str:
    return (f"Файл слишком большой: можно загрузить не больше {megabytes(limit or max_bytes())}. "
            "Уменьшите файл или разместите его на внутреннем портале и добавьте материал-ссылку.")


def clean_filename(filename: str | None) -> str:
    """The name as the user's browser sent it, without folders, control characters or quotes."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFC", name)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C" and ch not in '"<>|:*?')
    name = name.strip(" .")
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 200 - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else name[:200]
    return name


def extension(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


def check_file(filename: str, data: bytes, limit: int | None = None) -> FileType:
    """Refuse a file whose extension is not allowed, whose content does not match its extension, or which is
    too large. Returns the file type (label and the MIME type it is served with)."""
    limit = limit or max_bytes()
    ext = extension(filename)
    if not filename or not ext:
        raise UploadRejected(f"У файла нет расширения. Допустимые форматы: {ALLOWED_LABEL}.")
    file_type = TYPES_BY_EXTENSION.get(ext)
    if file_type is None:
        raise UploadRejected(f"Файлы типа .{ext} не принимаются. Допустимые форматы: {ALLOWED_LABEL}.")
    if len(data) > limit:
        raise UploadRejected(too_large_message(limit))
    if not data:
        raise UploadRejected("Файл пуст.")
    if not _content_matches(ext, data):
        raise UploadRejected(
            f"Содержимое файла «{filename}» не соответствует расширению .{ext}: это не настоящий "
            f"{file_type.label}. Сохраните документ в формате {file_type.label} и загрузите снова.")
    return file_type


def _content_matches(ext: str, data: bytes) -> bool:
    if ext == "pdf":
        return data.startswith(b"%PDF-")
    if ext in _OOXML_PARTS:
        return _is_ooxml(data, _OOXML_PARTS[ext])
    if ext == "png":
        return data.startswith(b"\x89PNG\r\n\x1a\n")
    if ext in ("jpg", "jpeg"):
        return data.startswith(b"\xff\xd8\xff")
    if ext == "mp4":
        return len(data) >= 12 and data[4:8] == b"ftyp"
    if ext in ("txt", "csv"):
        return _is_utf8_text(data)
    return False  # pragma: no cover - every allowed extension is handled above


def _is_ooxml(data: bytes, main_folder: str) -> bool:
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()  # reads the central directory only, nothing is decompressed
    except (zipfile.BadZipFile, ValueError, OSError):
        return False
    return "[Content_Types].xml" in names and any(name.startswith(main_folder) for name in names)


def _is_utf8_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return _CONTROL.search(text) is None


def save(data: bytes, base: Path | None = None) -> str:
    """Store ``data`` (once per content) and return its SHA-256. ``base``: another content-addressed store (the
    course's case attachments) instead of the repository's."""
    digest = hashlib.sha256(data).hexdigest()
    target = path_for(digest, base)
    if target.exists() and target.stat().st_size == len(data):
        return digest
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o640)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return digest


def path_for(digest: str, base: Path | None = None) -> Path:
    if not _SHA256.match(digest or ""):
        raise ValueError("not a SHA-256 hex digest")
    return (base or root()) / digest[:2] / digest


def exists(digest: str) -> bool:
    return path_for(digest).is_file()
