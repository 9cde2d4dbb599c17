"""Helpers for certificate tests: finishing the course, reading a PDF the way a person does."""
from __future__ import annotations

import io
import itertools
from datetime import datetime

from sqlalchemy import select

from training.db import utcnow
from training.extensions import db

_bulk_counter = itertools.count(1)


def complete(enrolment, when: datetime | None = None):
    """The learner finished every block (the courses domain's own rules are tested there)."""
    enrolment.completed_at = when or utcnow()
    enrolment.blocks_completed = len(enrolment.cohort.course.blocks)
    db.session.commit()
    return enrolment


def pdf_text(pdf: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def pdf_page_image(pdf: bytes, scale: float = 2.0):
    """Rasterise the first page (PDFium, as a viewer would) to a Pillow image."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        page = document[0]
        width, height = page.get_size()
        image = page.render(scale=scale).to_pil()
        page.close()
        return image, (width, height)
    finally:
        document.close()


def qr_codes_in(image) -> list[str]:
    import zxingcpp

    return [result.text for result in zxingcpp.read_barcodes(image)]


def make_learners(count: int, centre, *, prefix: str = "Слушатель") -> list:
    """Many staff members at once (no password hashing: they never sign in)."""
    from training.accounts.models import Role, User

    start = next(_bulk_counter)
    people = []
    for n in range(count):
        serial = start * 100000 + n
        user = User(email=f"bulk{serial}@szn.example.ru", personnel_number=f"B{serial:08d}",
                    full_name=f"{prefix} {n + 1:04d} Иванович", regional_service_id=centre.regional_service_id,
                    centre_id=centre.id, must_change_password=False)
        user.set_roles({Role.EMPLOYEE})
        people.append(user)
    db.session.add_all(people)
    db.session.flush()
    ids = [p.id for p in people]
    db.session.commit()
    # one query refreshes them all (touching each expired object would load it on its own)
    return list(db.session.scalars(select(User).where(User.id.in_(ids)).order_by(User.id)))


def enrol_completed(course, service, people, **cohort_fields):
    """A cohort whose every learner has completed the course (enrolments inserted in one statement)."""
    from tests.factories import make_cohort
    from training.courses.models import Enrolment

    user_ids = [p.id for p in people]  # before make_cohort's commit expires them
    cohort = make_cohort(course, service)
    for field, value in cohort_fields.items():
        setattr(cohort, field, value)
    now = utcnow()
    if user_ids:
        blocks = len(course.blocks)
        db.session.execute(Enrolment.__table__.insert(), [
            {"course_id": course.id, "cohort_id": cohort.id, "user_id": user_id, "enrolled_at": now,
             "completed_at": now, "blocks_completed": blocks} for user_id in user_ids])
    db.session.commit()
    db.session.expire(cohort)
    return cohort
