"""The organisation: субъект РФ → региональная СЗН → центры занятости (ЦЗН) → подразделения."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.db import LabelledEnum, enum_type, utcnow
from training.extensions import db

__all__ = ["Region", "RegionalService", "Centre", "Department", "DepartmentKind"]


class DepartmentKind(LabelledEnum):
    FRONT_OFFICE = "front_office", "фронт-офис"
    BACK_OFFICE = "back_office", "бэк-офис"
    CALL_CENTRE = "call_centre", "колл-центр"
    MANAGEMENT = "management", "руководство"
    OTHER = "other", "другое"


class Region(db.Model):
    """Субъект Российской Федерации; ``code`` is the two-digit region code used in document numbers."""

    __tablename__ = "regions"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(3), unique=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    services: Mapped[list[RegionalService]] = relationship(back_populates="region")

    def __str__(self) -> str:
        return self.name


class RegionalService(db.Model):
    """Региональная служба занятости населения (орган исполнительной власти субъекта в сфере занятости)."""

    __tablename__ = "regional_services"
    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    region: Mapped[Region] = relationship(back_populates="services")
    centres: Mapped[list[Centre]] = relationship(back_populates="service", order_by="Centre.name")

    def __str__(self) -> str:
        return self.name


class Centre(db.Model):
    """Центр занятости населения (ЦЗН)."""

    __tablename__ = "centres"
    __table_args__ = (UniqueConstraint("regional_service_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    regional_service_id: Mapped[int] = mapped_column(ForeignKey("regional_services.id"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    service: Mapped[RegionalService] = relationship(back_populates="centres")
    departments: Mapped[list[Department]] = relationship(back_populates="centre", order_by="Department.name")

    def __str__(self) -> str:
        return self.name


class Department(db.Model):
    """Подразделение ЦЗН: фронт-офис, бэк-офис, колл-центр, …"""

    __tablename__ = "departments"
    __table_args__ = (UniqueConstraint("centre_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[DepartmentKind] = mapped_column(enum_type(DepartmentKind, column="kind", length=20),
                                                 default=DepartmentKind.OTHER)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    centre: Mapped[Centre] = relationship(back_populates="departments")

    @property
    def kind_label(self) -> str:
        return DepartmentKind(self.kind).label

    def __str__(self) -> str:
        return self.name
