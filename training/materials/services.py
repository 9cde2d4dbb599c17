"""Rules of the materials repository. Items are never edited in place or deleted: content changes are new
versions, metadata edits and every upload are written to the audit log in the same transaction."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import Select, func, select
from sqlalchemy.orm import contains_eager

from training.accounts.models import Role, User, search_key
from training.audit.models import AuditEntry
from training.audit.services import record, record_changes
from training.errors import Conflict, DomainError
from training.extensions import db
from training.materials import storage
from training.materials.models import Material, MaterialCategory, MaterialKind, MaterialVersion
from training.materials.storage import UploadRejected

DEFAULT_CATEGORIES = [
    ("Инструменты анализа клиентского опыта",
     ("Профайлы клиентских сегментов, клиентские показатели эффективности, маршрут заявителя, метрики "
      "качества клиентского опыта в точках контакта.")),
    ("Кейсы", "Повышение качества клиентского опыта в СЗН, отечественных и зарубежных организациях."),
    ("Статьи", "Российские и зарубежные статьи о клиентоориентированности и клиентском опыте."),
    ("Документы СЗН регионов", "Примеры документов СЗН субъектов Российской Федерации."),
    ("Прочее", "Иная релевантная информация."),
]


def can_upload(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.has_role(*Role.TEACHING)


# --- categories ------------------------------------------------------------------------------------------

def categories() -> list[MaterialCategory]:
    return list(db.session.scalars(select(MaterialCategory).order_by(MaterialCategory.position,
                                                                      MaterialCategory.name)))


def category_counts() -> dict[int, int]:
    rows = db.session.execute(select(Material.category_id, func.count(Material.id))
                              .group_by(Material.category_id))
    return {category_id: count for category_id, count in rows}


def _check_category_name(name: str, exclude_id: int | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise DomainError("Укажите название категории.")
    key = search_key(name)
    for other in categories():
        if other.id != exclude_id and search_key(other.name) == key:
            raise Conflict(f"Категория «{other.name}» уже есть.")
    return name


def create_category(actor: User, name: str, description: str = "", position: int | None = None
                    ) -> MaterialCategory:
    name = _check_category_name(name)
    if position is None:
        position = (db.session.scalar(select(func.max(MaterialCategory.position))) or 0) + 10
    category = MaterialCategory(name=name, description=description.strip(), position=position,
                                created_by_id=actor.id if actor else None)
    db.session.add(category)
    db.session.flush()
    record(actor, "material_category.create", "material_category", category.id,
           after=_category_state(category), summary=f"Категория материалов «{name}» создана")
    return category


def update_category(actor: User, category: MaterialCategory, *, name: str, description: str,
                    position: int) -> bool:
    before = _category_state(category)
    category.name = _check_category_name(name, exclude_id=category.id)
    category.description = description.strip()
    category.position = position
    db.session.flush()
    return record_changes(actor, "material_category.update", "material_category", category.id, before=before,
                          after=_category_state(category), summary=f"Категория материалов «{category.name}» изменена")


def _category_state(category: MaterialCategory) -> dict:
    return {"name": category.name, "description": category.description, "position": category.position}


def ensure_default_categories(actor: User | None = None) -> list[MaterialCategory]:
    """Create the methodology's five categories if absent (idempotent; for `flask seed reference`)."""
    existing = {search_key(c.name) for c in categories()}
    created = []
    for index, (name, description) in enumerate(DEFAULT_CATEGORIES, start=1):
        if search_key(name) not in existing:
            created.append(create_category(actor, name, description, position=index * 10))
    return created


# --- search ----------------------------------------------------------------------------------------------

def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_materials(q: str = "", category_id: int | None = None) -> Select:
    """Items whose title or description contains every word of ``q`` (any case, ё = е), ordered by category
    (for grouping) and title."""
    query = (select(Material).join(Material.category).options(contains_eager(Material.category))
             .order_by(MaterialCategory.position, MaterialCategory.name, Material.title, Material.id))
    for word in search_key(q[:200]).split()[:10]:  # SQLite refuses LIKE patterns beyond 50 000 bytes
        query = query.where(Material.search_text.like(f"%{_like_escape(word)}%", escape="\\"))
    if category_id:
        query = query.where(Material.category_id == category_id)
    return query


# --- items and versions ----------------------------------------------------------------------------------

def _check_url(url: str) -> str:
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UploadRejected("Укажите адрес страницы, начинающийся с https:// (или http://).")
    allowed = current_app.config.get("MATERIALS_LINK_HOSTS")
    if allowed:
        host = (parts.hostname or "").lower()
        if not any(host == h or host.endswith("." + h) for h in (a.lower() for a in allowed)):
            raise UploadRejected("Ссылки принимаются только на внутренний портал: "
                                 + ", ".join(allowed) + ".")
    return url


def _version_state(version: MaterialVersion) -> dict:
    state = {"number": version.number, "note": version.note}
    if version.is_file:
        state.update(file_name=version.file_name, file_size=version.file_size, sha256=version.sha256,
                     mime_type=version.mime_type)
    else:
        state["url"] = version.url
    return state


def _new_version(actor: User, material: Material, *, number: int, note: str, filename: str | None,
                 data: bytes | None, url: str | None) -> MaterialVersion:
    """Validate everything first; a refused file or link stores nothing and changes nothing."""
    note = " ".join((note or "").split())
    if material.kind == MaterialKind.LINK:
        version = MaterialVersion(material=material, number=number, note=note, url=_check_url(url or ""),
                                  uploaded_by_id=actor.id)
    else:
        if data is None:
            raise UploadRejected("Выберите файл.")
        name = storage.clean_filename(filename)
        file_type = storage.check_file(name, data)
        digest = storage.save(data)
        version = MaterialVersion(material=material, number=number, note=note, file_name=name,
                                  file_size=len(data), sha256=digest, mime_type=file_type.mime_type,
                                  uploaded_by_id=actor.id)
    db.session.add(version)
    return version


def create_material(actor: User, *, category: MaterialCategory, title: str, description: str, kind: str,
                    note: str = "", filename: str | None = None, data: bytes | None = None,
                    url: str | None = None) -> Material:
    if not can_upload(actor):
        raise DomainError("Добавлять материалы могут преподаватели, кадровая служба и администраторы.")
    title = " ".join(title.split())
    if not title:
        raise DomainError("Укажите название материала.")
    material = Material(category=category, kind=MaterialKind(kind).value, title=title,
                        description=description.strip(), created_by_id=actor.id)
    version = _new_version(actor, material, number=1, note=note or "Первая версия", filename=filename,
                           data=data, url=url)
    db.session.add(material)
    db.session.flush()
    record(actor, "material.create", "material", material.id,
           after={**_material_state(material), "version": _version_state(version)},
           summary=f"Материал «{material.title}» добавлен")
    return material


def add_version(actor: User, material: Material, *, note: str, filename: str | None = None,
                data: bytes | None = None, url: str | None = None) -> MaterialVersion:
    if not can_upload(actor):
        raise DomainError("Добавлять версии могут преподаватели, кадровая служба и администраторы.")
    if not " ".join((note or "").split()):
        raise DomainError("Опишите, что изменилось в новой версии.")
    number = (db.session.scalar(select(func.max(MaterialVersion.number))
                                .where(MaterialVersion.material_id == material.id)) or 0) + 1
    version = _new_version(actor, material, number=number, note=note, filename=filename, data=data, url=url)
    db.session.flush()
    record(actor, "material.version_add", "material", material.id, after=_version_state(version),
           summary=f"Материал «{material.title}»: версия {number}")
    return version


def _material_state(material: Material) -> dict:
    return {"title": material.title, "description": material.description,
            "category": material.category.name if material.category else None, "kind": material.kind}


def update_material(actor: User, material: Material, *, category: MaterialCategory, title: str,
                    description: str) -> bool:
    """Change the metadata; the audit log keeps the values before and after.

    Returns False (and records nothing) if nothing changed."""
    title = " ".join(title.split())
    if not title:
        raise DomainError("Укажите название материала.")
    before = _material_state(material)
    material.category = category
    material.title = title
    material.description = description.strip()
    db.session.flush()
    return record_changes(actor, "material.update", "material", material.id, before=before,
                          after=_material_state(material), summary=f"Материал «{material.title}»: описание изменено")


def version_or_none(material: Material, number: int) -> MaterialVersion | None:
    return db.session.scalar(select(MaterialVersion).where(MaterialVersion.material_id == material.id,
                                                           MaterialVersion.number == number))


def metadata_history(material: Material):
    """Audited metadata edits of an item, newest first (shown to uploaders on the item's page)."""
    return list(db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.object_type == "material", AuditEntry.object_id == str(material.id),
               AuditEntry.action == "material.update")
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())))
