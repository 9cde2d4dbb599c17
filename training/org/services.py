"""Queries over the organisation's structure that need no people."""
from __future__ import annotations

from sqlalchemy import select

from training.extensions import db
from training.org.models import Centre, Department


def centres_of_service(service_id: int | None) -> list[Centre]:
    return list(db.session.scalars(select(Centre).where(Centre.regional_service_id == service_id)
                                   .order_by(Centre.name)))


def departments_for_service(service_id: int | None) -> list[Department]:
    return list(db.session.scalars(
        select(Department).join(Centre).where(Centre.regional_service_id == service_id)
        .order_by(Centre.name, Department.name)))
