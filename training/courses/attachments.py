"""A photo or scan attached to a case answer (a handwritten table photographed on a phone): JPEG, PNG or PDF,
checked by content like the materials repository's uploads, size-capped, stored content-addressed under
``CASE_ATTACHMENTS_ROOT`` (default ``<instance>/case-attachments``) — apart from the repository, because an answer is
personal: only the learner, the cohort's teachers and HR in scope may download it (see ``can_download``)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from training.materials import storage
from training.materials.storage import UploadRejected

ALLOWED_EXTENSIONS = {"jpg", "jpeg", "png", "pdf"}
DEFAULT_MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    name: str
    mime_type: str
    size: int


def max_bytes() -> int:
    return int(current_app.config.get("CASE_ATTACHMENT_MAX_BYTES") or DEFAULT_MAX_BYTES)


def root() -> Path:
    configured = current_app.config.get("CASE_ATTACHMENTS_ROOT")
    return Path(configured) if configured else Path(current_app.instance_path) / "case-attachments"


def check(upload: Upload) -> tuple[str, storage.FileType]:
    """Refuse anything but a real JPEG, PNG or PDF within the size limit; nothing is stored."""
    name = storage.clean_filename(upload.filename)
    if storage.extension(name) not in ALLOWED_EXTENSIONS:
        raise UploadRejected("Приложить можно фото или скан: JPG, PNG или PDF.")
    return name, storage.check_file(name, upload.data, max_bytes())


def save(upload: Upload) -> StoredFile:
    name, file_type = check(upload)
    return StoredFile(storage.save(upload.data, root()), name, file_type.mime_type, len(upload.data))


def path_for(digest: str) -> Path:
    return storage.path_for(digest, root())
