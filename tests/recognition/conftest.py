"""Staff of two centres and helpers to run contests at fixed moments."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from tests.factories import make_user
from training.accounts.models import Role, User

MID_MARCH = datetime(2026, 3, 15, 9, 0, tzinfo=UTC)


@dataclass
class Staff:
    manager: User
    hr: User
    anna: User  # front office A
    boris: User  # front office A
    vera: User  # back office A
    gleb: User  # back office A
    dina: User  # centre B
    other_hr: User  # another regional service


@pytest.fixture
def staff(org) -> Staff:
    return Staff(
        manager=make_user(Role.MANAGER, department=org.front_a, full_name="Руководова Ольга Петровна"),
        hr=make_user(Role.HR, service=org.service, full_name="Кадрова Нина Львовна"),
        anna=make_user(department=org.front_a, full_name="Антонова Анна Сергеевна", is_public_consent=True),
        boris=make_user(department=org.front_a, full_name="Борисов Борис Ильич"),
        vera=make_user(department=org.back_a, full_name="Волкова Вера Андреевна", is_public_consent=True),
        gleb=make_user(department=org.back_a, full_name="Глебов Глеб Олегович"),
        dina=make_user(department=org.front_b, full_name="Денисова Дина Юрьевна"),
        other_hr=make_user(Role.HR, service=org.other_service, full_name="Чужова Ирина Марковна"),
    )
