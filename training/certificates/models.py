"""Certificates and diplomas: kinds (reference data), issued documents (never deleted), number counters and
per-service signatories.

Everything printed on a document is a snapshot taken at issue (holder's name, titles, issuing organisation,
signatory), so a document and its verification page never change after issue; a name change is handled by
reissue (a new document with a new number; the old one is marked superseded)."""
from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.accounts.models import User
from training.db import LabelledEnum, enum_type, utcnow
from training.extensions import db
from training.org.models import Centre
from training.templating import DISPLAY_TZ

__all__ = ["CertificateKind", "Certificate", "CertificateCounter", "CertificateSignatory", "CertificateStatus",
           "KindTemplate"]


def _local_today() -> date:

    return datetime.now(DISPLAY_TZ).date()


class KindTemplate(enum.StrEnum):
    """The PDF layout of a kind."""

    COURSE = "course"  # course certificate: course title, its modules, completion date
    AWARD = "award"  # diploma for an achievement: «Сотрудник месяца», quest winner
    TITLE = "title"  # diploma conferring a title: «Мастер клиентоцентричности»


class CertificateStatus(LabelledEnum):
    """Not stored: a document's status follows from its dates (Certificate.status)."""

    VALID = "valid", "действителен"
    EXPIRED = "expired", "срок действия истёк"
    REVOKED = "revoked", "отозван"
    SUPERSEDED = "superseded", "заменён"


class CertificateKind(db.Model):
    """A kind of document: its layout, number series and validity. Data, not code (seeded by reference)."""

    __tablename__ = "certificate_kinds"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    heading: Mapped[str] = mapped_column(String(60))  # the big word on the page: «Сертификат», «Диплом»
    # printed between the holder's name and the title: «удостоен(а) почётного звания» «Мастер …»
    lead: Mapped[str] = mapped_column(String(200), default="")
    template: Mapped[KindTemplate] = mapped_column(enum_type(KindTemplate, column="template", length=20),
                                                   default=KindTemplate.COURSE)
    prefix: Mapped[str] = mapped_column(String(10))  # number series: «СЗН» → СЗН-52-2026-000123
    validity_years: Mapped[int | None]  # None: never expires
    description: Mapped[str] = mapped_column(Text, default="")  # criteria, shown in Open Badges
    is_open_badge: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __str__(self) -> str:
        return self.name


class CertificateCounter(db.Model):
    """The last number used in a series for a region and a year; incremented under a row lock."""

    __tablename__ = "certificate_counters"
    __table_args__ = (UniqueConstraint("prefix", "region_code", "year"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    prefix: Mapped[str] = mapped_column(String(10))
    region_code: Mapped[str] = mapped_column(String(3))
    year: Mapped[int]
    last_value: Mapped[int] = mapped_column(default=0)


class CertificateSignatory(db.Model):
    """Who signs the documents of a regional service (printed under the signature line)."""

    __tablename__ = "certificate_signatories"
    id: Mapped[int] = mapped_column(primary_key=True)
    regional_service_id: Mapped[int] = mapped_column(ForeignKey("regional_services.id"), unique=True)
    signatory_name: Mapped[str] = mapped_column(String(200), default="")
    signatory_position: Mapped[str] = mapped_column(String(300), default="")
    issuer_email: Mapped[str] = mapped_column(String(254), default="")  # contact in the Open Badges profile
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Certificate(db.Model):
    """An issued document. Never deleted: revocation and replacement are states."""

    __tablename__ = "certificates"
    __table_args__ = (
        Index("ix_certificates_service_issued", "regional_service_id", "issued_at"),
        Index("ix_certificates_expires_on", "expires_on"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    kind_id: Mapped[int] = mapped_column(ForeignKey("certificate_kinds.id"), index=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    # random, ≥ 128 bits, unrelated to id and number: the public verification link
    verification_code: Mapped[str] = mapped_column(String(40), unique=True)
    # random too, separate from the verification code: the Open Badges assertion URL
    badge_code: Mapped[str] = mapped_column(String(40), unique=True)
    # idempotency: «enrolment:12», «contest:12:winner», «reissue:345»
    source_key: Mapped[str] = mapped_column(String(120), unique=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    holder_name: Mapped[str] = mapped_column(String(200))
    regional_service_id: Mapped[int | None] = mapped_column(ForeignKey("regional_services.id"))
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centres.id"), index=True)
    enrolment_id: Mapped[int | None] = mapped_column(ForeignKey("enrolments.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    subtitle: Mapped[str] = mapped_column(String(500), default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # e.g. {"modules": [...]}
    completed_on: Mapped[date | None] = mapped_column(Date)
    issuer_name: Mapped[str] = mapped_column(String(300))
    signatory_name: Mapped[str] = mapped_column(String(200), default="")
    signatory_position: Mapped[str] = mapped_column(String(300), default="")
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    expires_on: Mapped[date | None] = mapped_column(Date)
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revocation_reason: Mapped[str | None] = mapped_column(Text)
    superseded_at: Mapped[datetime | None]
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"))
    # Open Badges recipient: sha256(e-mail + salt), fixed at issue
    recipient_salt: Mapped[str] = mapped_column(String(40))
    recipient_hash: Mapped[str] = mapped_column(String(80))
    # lower-cased «ФИО номер» for registry search (SQLite's lower() does not fold Cyrillic)
    search_text: Mapped[str] = mapped_column(String(300), default="")

    kind: Mapped[CertificateKind] = relationship(lazy="joined")
    holder: Mapped[User] = relationship(foreign_keys=[holder_id])
    issued_by: Mapped[User | None] = relationship(foreign_keys=[issued_by_id])
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])
    centre: Mapped[Centre | None] = relationship()
    superseded_by: Mapped[Certificate | None] = relationship(remote_side=[id], foreign_keys=[superseded_by_id])

    def status(self, today: date | None = None) -> CertificateStatus:
        if self.revoked_at is not None:
            return CertificateStatus.REVOKED
        if self.superseded_by_id is not None:
            return CertificateStatus.SUPERSEDED
        if self.expires_on is not None and self.expires_on < (today or _local_today()):
            return CertificateStatus.EXPIRED
        return CertificateStatus.VALID

    @property
    def modules(self) -> list[str]:
        return list((self.details or {}).get("modules") or [])

    def __repr__(self) -> str:
        return f"<Certificate {self.number}>"
