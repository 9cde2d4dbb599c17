"""Fixtures for certificates: the real course shape (14 blocks in 3 modules), HR of the service, learners."""
from __future__ import annotations

import pytest

from tests.support.world import CertificateWorld, certificate_world


@pytest.fixture(autouse=True)
def _pdf_cache_in_tmp(request, tmp_path):
    """Rendered PDFs go to the test's temporary directory, not to instance/."""
    for name in ("app", "live_app"):
        if name in request.fixturenames:
            request.getfixturevalue(name).config["CERTIFICATE_PDF_CACHE_DIR"] = str(tmp_path / "pdf-cache")


@pytest.fixture
def world(org) -> CertificateWorld:
    return certificate_world(org)
