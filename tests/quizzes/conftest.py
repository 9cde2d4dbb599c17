"""Fixtures for the quizzes domain: a course with a small bank of every question type (tests/support/quiz_bank.py),
a learner and a teacher."""
from __future__ import annotations

import random

import pytest

from tests.support.quiz_bank import bank_quiz
from tests.support.world import QuizWorld, quiz_world


@pytest.fixture
def world(app, org) -> QuizWorld:
    return quiz_world(org)


@pytest.fixture
def quiz(world):
    """The block's quiz over BANK, every question in each attempt (in bank order), no shuffling."""
    return bank_quiz(world.block)


@pytest.fixture
def rng():
    return random.Random(20261126)
