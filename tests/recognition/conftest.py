"""Staff of two centres (tests/support/world.py); contests run at fixed moments (MID_MARCH there)."""
from __future__ import annotations

import pytest

from tests.support.world import RecognitionStaff, recognition_staff


@pytest.fixture
def staff(org) -> RecognitionStaff:
    return recognition_staff(org)
