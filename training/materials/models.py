"""The materials repository: topic categories, items, and the append-only versions of each item.

Methodology («хранилище учебно-методических материалов»): data is grouped by subject (categories), is never
corrected or deleted by users (a change is a new version; old versions stay), and is tied to a moment in time
(every version keeps its date and uploader). File contents are stored on disk, content-addressed by SHA-256
(see ``storage.py``); the database keeps only the metadata."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.accounts.models import User, search_key
from training.db import LabelledEnum, enum_type, utcnow
from training.extensions import db

__all__ = ["Material", "MaterialCategory", "MaterialKind", "MaterialVersion"]


class MaterialKind(LabelledEnum):
    FILE = "file", "файл"
    LINK = "link", "ссылка"


class MaterialCategory(db.Model):
    """A topic (problem/subject orientation): «Кейсы», «Статьи», … Managed by teachers, HR, administrators."""

    __tablename__ = "material_categories"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(String(500), default="")
    position: Mapped[int] = mapped_column(Integer, default=100)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    def __repr__(self) -> str:
        return f"<MaterialCategory {self.id} {self.name}>"


class Material(db.Model):
    """One item of the repository. Its content lives in versions; title/description/category are metadata
    (edits are audited)."""

    __tablename__ = "materials"
    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("material_categories.id"), index=True)
    kind: Mapped[MaterialKind] = mapped_column(enum_type(MaterialKind, column="kind", length=10),
                                               default=MaterialKind.FILE)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # lower-cased «title description» (ё→е) for search: SQLite's lower() does not fold Cyrillic
    search_text: Mapped[str] = mapped_column(Text, default="")
    # set on items that `flask seed course` keeps up to date (the course kit), e.g. "kit:cheatsheet:05"
    seed_key: Mapped[str | None] = mapped_column(String(100), unique=True)

    category: Mapped[MaterialCategory] = relationship(lazy="joined")
    created_by: Mapped[User | None] = relationship()
    versions: Mapped[list[MaterialVersion]] = relationship(
        back_populates="material", order_by="MaterialVersion.number.desc()", lazy="selectin")

    @property
    def is_link(self) -> bool:
        return self.kind == MaterialKind.LINK

    @property
    def current_version(self) -> MaterialVersion | None:
        return self.versions[0] if self.versions else None

    def __repr__(self) -> str:
        return f"<Material {self.id} {self.title!r}>"


class MaterialVersion(db.Model):
    """An immutable version: a stored file (name, size, SHA-256, MIME type) or a link, with a note
    «что изменилось». Rows are only ever inserted."""

    __tablename__ = "material_versions"
    __table_args__ = (UniqueConstraint("material_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("materials.id"))
    number: Mapped[int]
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # a file version
    file_name: Mapped[str | None] = mapped_column(String(255))
    file_size: Mapped[int | None]
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    mime_type: Mapped[str | None] = mapped_column(String(120))
    # a link version
    url: Mapped[str | None] = mapped_column(String(2000))

    material: Mapped[Material] = relationship(back_populates="versions")
    uploaded_by: Mapped[User | None] = relationship(lazy="joined")

    @property
    def is_file(self) -> bool:
        return self.sha256 is not None

    @property
    def is_site_page(self) -> bool:
        """A link to a page of this site (the course kit's calculator), not to the portal or the internet."""
        return bool(self.url) and self.url.startswith("/") and not self.url.startswith("//")

    @property
    def extension(self) -> str:
        name = self.file_name or ""
        return name.rsplit(".", 1)[-1].upper() if "." in name else ""

    def __repr__(self) -> str:
        return f"<MaterialVersion {self.material_id}#{self.number}>"


@event.listens_for(Material, "before_insert")
@event.listens_for(Material, "before_update")
def _fill_search_text(mapper, connection, material: Material) -> None:
    material.search_text = search_key(material.title, material.description)
