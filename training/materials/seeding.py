"""Items that the course's own loader keeps in the repository (the kit: cheat sheets, templates, scripts, and a
link to the course's metrics calculator page).

An item is found by its ``seed_key``; a file is added as a new immutable version only when its bytes differ from the
current version (a link: when its address differs), so re-running `flask seed course` with unchanged content adds
nothing. There is no person behind
these uploads: the audit log records them without an actor («система»)."""
from __future__ import annotations

import enum
import hashlib

from sqlalchemy import func, select

from training.accounts.models import search_key
from training.audit.services import record
from training.extensions import db
from training.materials import storage
from training.materials.models import Material, MaterialCategory, MaterialKind, MaterialVersion
from training.materials.services import DEFAULT_CATEGORIES
from training.signals import course_outline_requested

KIT_CATEGORIES = {
    "Шпаргалки": "Шпаргалки курса на одну страницу: формулы, числа и чек-листы блока, чтобы держать под рукой.",
    "Шаблоны": "Шаблоны для работы: портрет клиента, карта маршрута, карта решений, паспорт корректирующей меры.",
    "Скрипты": "Готовые формулировки для разговора с клиентом: как попросить обратную связь и ответить на отзыв.",
}


class Outcome(enum.StrEnum):
    CREATED = "created"
    NEW_VERSION = "new_version"
    UNCHANGED = "unchanged"


def ensure_category(name: str) -> MaterialCategory:
    """The category named ``name`` (any case, ё = е), created at the end of the list if missing."""
    key = search_key(name)
    for category in db.session.scalars(select(MaterialCategory)):
        if search_key(category.name) == key:
            return category
    position = (db.session.scalar(select(func.max(MaterialCategory.position))) or 0) + 10
    description = KIT_CATEGORIES.get(name) or dict(DEFAULT_CATEGORIES).get(name, "")
    category = MaterialCategory(name=name, description=description, position=position)
    db.session.add(category)
    db.session.flush()
    record(None, "material_category.create", "material_category", category.id, after={"name": name},
           summary=f"Категория материалов «{name}» создана при загрузке курса")
    return category


def _seeded(seed_key: str, kind: MaterialKind, category_name: str, title: str, description: str,
            unchanged) -> tuple[Material, int, Outcome]:
    """The seed's item, created or with its title, description and category following the seed: its next version
    number and what happens, UNCHANGED when ``unchanged(current_version)`` says the content is the same."""
    material = db.session.scalar(select(Material).where(Material.seed_key == seed_key))
    category = ensure_category(category_name)
    if material is None:
        material = Material(category=category, kind=kind.value, title=title, description=description,
                            seed_key=seed_key)
        db.session.add(material)
        return material, 1, Outcome.CREATED
    material.category, material.title, material.description = category, title, description
    current = material.current_version
    if current is not None and unchanged(current):
        return material, current.number, Outcome.UNCHANGED
    return material, (current.number + 1 if current else 1), Outcome.NEW_VERSION


def _recorded(material: Material, outcome: Outcome, number: int, title: str, after: dict) -> Outcome:
    db.session.flush()
    record(None, "material.create" if outcome is Outcome.CREATED else "material.version_add", "material",
           material.id, after={**after, "version": number},
           summary=f"Материал «{title}»: версия {number} (загрузка курса)")
    return outcome


def put_file(*, seed_key: str, category_name: str, title: str, description: str, filename: str, data: bytes,
             note: str) -> Outcome:
    """Create the item or add a version when the content changed; title and description follow the seed."""
    file_type = storage.check_file(filename, data)
    sha256 = hashlib.sha256(data).hexdigest()
    material, number, outcome = _seeded(
        seed_key, MaterialKind.FILE, category_name, title, description,
        lambda current: current.sha256 == sha256 and current.file_name == filename)
    if outcome is Outcome.UNCHANGED:
        return outcome
    digest = storage.save(data)
    db.session.add(MaterialVersion(material=material, number=number, note=note, file_name=filename,
                                   file_size=len(data), sha256=digest, mime_type=file_type.mime_type))
    return _recorded(material, outcome, number, title, {"seed_key": seed_key, "sha256": digest})


def put_link(*, seed_key: str, category_name: str, title: str, description: str, url: str, note: str) -> Outcome:
    """Create a link item or add a version when its address changed. ``url`` may be a page of this site
    ("/learn/calculator"): the seed knows no host, and a site-relative address works wherever the site is served."""
    material, number, outcome = _seeded(seed_key, MaterialKind.LINK, category_name, title, description,
                                         lambda current: current.url == url)
    if outcome is Outcome.UNCHANGED:
        return outcome
    db.session.add(MaterialVersion(material=material, number=number, note=note, url=url))
    return _recorded(material, outcome, number, title, {"seed_key": seed_key, "url": url})


def kit_titles(prefix: str) -> list[str]:
    return list(db.session.scalars(select(Material.title).where(Material.seed_key.like(f"{prefix}%"))
                                   .order_by(Material.seed_key)))


@course_outline_requested.connect
def _outline_kit(block, **_) -> dict:
    """`flask course outline`: the kit items of the block that the repository holds."""
    return {"kit": kit_titles(f"kit:block-{block.number:02d}:")}
