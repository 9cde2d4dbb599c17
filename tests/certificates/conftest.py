"""Fixtures for certificates: the real course shape (14 blocks in 3 modules), HR of the service, learners."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.browser.conftest import browser, live_app, live_server, phone  # noqa: F401  (browser test fixtures)
from tests.certificates.helpers import enrol_completed
from tests.factories import make_course, make_user
from training.accounts.models import Role


@pytest.fixture(autouse=True)
def _pdf_cache_in_tmp(request, tmp_path):
    """Rendered PDFs go to the test's temporary directory, not to instance/."""
    for name in ("app", "live_app"):
        if name in request.fixturenames:
            request.getfixturevalue(name).config["CERTIFICATE_PDF_CACHE_DIR"] = str(tmp_path / "pdf-cache")


@dataclass
class World:
    org: object
    course: object
    hr: object
    other_hr: object
    admin: object
    learners: list
    cohort: object


@pytest.fixture
def world(org):
    course = make_course(blocks=14)
    learners = [make_user(department=org.front_a, full_name="Смирнова Анна Сергеевна"),
                make_user(department=org.front_b, full_name="Кузнецов Пётр Андреевич")]
    cohort = enrol_completed(course, org.service, learners)
    return World(org=org, course=course, hr=make_user(Role.HR, service=org.service),
                 other_hr=make_user(Role.HR, service=org.other_service), admin=make_user(Role.ADMIN),
                 learners=learners, cohort=cohort)
