"""Fixtures for the engagement tests: a centre with staff (tests/support/world.py)."""
from __future__ import annotations

import pytest

from tests.support.world import engagement_staff


@pytest.fixture
def staff(org):
    """Front office of centre A (Анна, Борис, Вера), its back office (Глеб), centre B (Дина), HR, manager, teacher."""
    return engagement_staff(org)
