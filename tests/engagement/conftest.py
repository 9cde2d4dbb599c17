"""Helpers for the engagement tests: a centre with staff."""
from __future__ import annotations

import pytest

from tests.factories import make_user
from training.accounts.models import Role
from training.extensions import db
from training.gamification.ratings import services as ratings


@pytest.fixture
def staff(org):
    """Front office of centre A (Анна, Борис, Вера), its back office (Глеб), centre B (Дина), HR and admin."""
    ratings.seed_default_aspects()
    db.session.commit()
    return {
        "anna": make_user(department=org.front_a, full_name="Антонова Анна Андреевна"),
        "boris": make_user(department=org.front_a, full_name="Борисов Борис Борисович"),
        "vera": make_user(department=org.front_a, full_name="Волкова Вера Викторовна"),
        "gleb": make_user(department=org.back_a, full_name="Глебов Глеб Геннадьевич"),
        "dina": make_user(department=org.front_b, full_name="Динова Дина Денисовна"),
        "hr": make_user(Role.HR, service=org.service, full_name="Кадрова Наталья Викторовна"),
        "manager": make_user(Role.MANAGER, department=org.front_a, full_name="Руководов Игорь Павлович"),
        "teacher": make_user(Role.TEACHER, department=org.back_a, full_name="Учителева Ольга Николаевна"),
    }


