"""Teachers' statistics per question, checked on a data set computed by hand (docs/quizzes.md has the formulas).

Five learners, three true/false questions (right answer: «верно»); 1 = answered right:

            A  B  C   total
    L1      1  1  1   3
    L2      1  1  0   2
    L3      1  0  1   2
    L4      0  1  0   1
    L5      0  0  0   0

Facility = mean item score: A 60 %, B 60 %, C 40 %.
Discrimination = 100 · r(item, rest-of-test %), rest = the other two questions, as a percentage:
    A: x = 1 1 1 0 0, y = 100 50 50 50 0   → Σdxdy = 50, Σdx² = 1.2, Σdy² = 5000 → r = 50/√6000 = 0.6455 → 64.5
    B: x = 1 1 0 1 0, y = 100 50 100 0 0   → Σdxdy = 0 → 0.0
    C: x = 1 0 1 0 0, y = 100 100 50 50 0  → Σdxdy = 30, Σdx² = 1.2, Σdy² = 7000 → r = 30/√8400 = 0.3273 → 32.7
"""
from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from tests.factories import make_cohort, make_user
from training.accounts.models import Role
from training.extensions import db
from training.quizzes import bank, services
from training.quizzes.stats import pearson, quiz_statistics

THREE = "::A::Утверждение A {T}\n\n::B::Утверждение B {T}\n\n::C::Утверждение C {T}\n"
TABLE = [(1, 1, 1), (1, 1, 0), (1, 0, 1), (0, 1, 0), (0, 0, 0)]


@pytest.fixture
def stats_quiz(world, org):
    bank.import_gift_bank(world.block, THREE)
    quiz = bank.ensure_block_quiz(world.block)
    quiz.questions_per_attempt, quiz.is_answers_shuffled = 0, False
    learners = [make_user(department=org.front_a) for _ in TABLE]
    make_cohort(world.course, org.service, learners=learners)
    for learner, row in zip(learners, TABLE, strict=True):
        attempt = services.start_attempt(quiz, learner)
        for slot, right in zip(attempt.slots, row, strict=True):
            services.save_response(attempt, slot.slot_no, MultiDict({"answer": "true" if right else "false"}))
        services.finish_attempt(attempt)
    services.start_attempt(quiz, world.learner)  # still in progress: not counted
    db.session.commit()
    return quiz


def test_facility_and_discrimination_on_a_known_data_set(stats_quiz):
    result = quiz_statistics(stats_quiz)
    assert result.attempts == 5 and result.mean_percent == pytest.approx(53.3)
    by_name = {s.question.name: s for s in result.questions}
    assert {n: s.n for n, s in by_name.items()} == {"A": 5, "B": 5, "C": 5}
    assert {n: s.facility for n, s in by_name.items()} == {"A": 60.0, "B": 60.0, "C": 40.0}
    assert by_name["A"].discrimination == 64.5
    assert by_name["B"].discrimination == 0.0
    assert by_name["C"].discrimination == 32.7


def test_distribution_of_answers(stats_quiz):
    by_name = {s.question.name: s for s in quiz_statistics(stats_quiz).questions}
    assert [(a.label, a.count, a.is_right) for a in by_name["A"].distribution] == [("Верно", 3, True),
                                                                                    ("Неверно", 2, False)]


def test_statistics_page_shows_the_numbers(stats_quiz, world, client, login):
    login(world.teacher)
    page = client.get(f"/quizzes/{stats_quiz.id}/statistics").get_data(as_text=True)
    assert "64,5" in page and "32,7" in page and "60 %" in page


def test_statistics_of_another_region_are_built_from_its_own_learners_only(stats_quiz, world, org, client, login):
    """Issue 15, finding 1: HR of any service read statistics built from every region's attempts."""
    login(make_user(Role.HR, service=org.other_service))
    page = client.get(f"/quizzes/{stats_quiz.id}/statistics")
    assert page.status_code == 200
    assert "64,5" not in page.get_data(as_text=True) and "60 %" not in page.get_data(as_text=True)
    client.post("/auth/logout")
    login(make_user(Role.HR, service=org.service))  # the learners' own service
    assert "64,5" in client.get(f"/quizzes/{stats_quiz.id}/statistics").get_data(as_text=True)


def test_pearson_by_hand():
    assert pearson([1, 2, 3], [2, 4, 6]) == pytest.approx(1.0)
    assert pearson([1, 2, 3], [6, 4, 2]) == pytest.approx(-1.0)
    assert pearson([1, 1, 1], [1, 2, 3]) is None  # everyone scored the same: undefined
    assert pearson([1], [1]) is None
