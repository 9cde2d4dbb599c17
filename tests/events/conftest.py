"""Fixtures for the events tests: a centre with staff and the catalogue of formats from the seed file."""
from __future__ import annotations

import pytest

from seeds.reference import event_formats
from tests.support.world import engagement_staff
from training.extensions import db


@pytest.fixture
def staff(org):
    """Front office of centre A (Анна, Борис, Вера), its back office (Глеб), centre B (Дина), HR, manager, teacher."""
    people = engagement_staff(org)
    event_formats()
    db.session.commit()
    return people
