"""Grading of every question type: what a learner earns for what they answered."""
import pytest

from training.quizzes.grading import feedback_for, grade, normalise_text, parse_number

SINGLE = {"single": True, "answers": [{"text": "Усилия клиента", "fraction": 1.0, "feedback": "Верно"},
                                      {"text": "Лояльность", "fraction": 0.0, "feedback": "Это NPS"},
                                      {"text": "Штраф", "fraction": -0.5, "feedback": ""}]}
MULTI = {"single": False, "answers": [{"text": "A", "fraction": 0.5, "feedback": "да"},
                                      {"text": "B", "fraction": 0.5, "feedback": "да"},
                                      {"text": "C", "fraction": -1.0, "feedback": "нет"},
                                      {"text": "D", "fraction": -0.25, "feedback": ""},
                                      {"text": "E", "fraction": 0.0, "feedback": ""}]}
TRUEFALSE = {"answers": [{"text": "true", "fraction": 0.0, "feedback": "Увы"},
                         {"text": "false", "fraction": 1.0, "feedback": "Правильно"}]}
MATCHING = {"pairs": [{"question": "NPS", "answer": "рекомендация"}, {"question": "CES", "answer": "усилия"},
                      {"question": "CSI", "answer": "удовлетворённость"}, {"question": "", "answer": "скорость"}]}
SHORT = {"answers": [{"text": "оператор опыта", "fraction": 1.0, "feedback": "Верно"},
                     {"text": "оператор", "fraction": 0.5, "feedback": "Почти"},
                     {"text": "клиент*центр", "fraction": 0.25, "feedback": ""}]}
NUMERICAL = {"numerical": [{"value": 75.0, "tolerance": 0.5, "fraction": 1.0, "feedback": "Верно"},
                           {"value": 0.75, "tolerance": 0.0, "fraction": 0.5, "feedback": "Это доля"},
                           {"value": 3.0, "tolerance": 2.0, "fraction": 0.25, "feedback": "Диапазон 1..5"},
                           {"value": None, "tolerance": 0.0, "fraction": 0.0, "feedback": "Пересчитайте"}]}


def test_single_choice_gives_the_chosen_answers_credit_never_below_zero():
    assert grade("multichoice", SINGLE, {"choice": 0}) == 1.0
    assert grade("multichoice", SINGLE, {"choice": 1}) == 0.0
    assert grade("multichoice", SINGLE, {"choice": 2}) == 0.0  # −50 % is clamped to zero
    assert grade("multichoice", SINGLE, None) == 0.0
    assert grade("multichoice", SINGLE, {"choice": 99}) == 0.0  # a forged index earns nothing


@pytest.mark.parametrize("choices,expected", [
    ([0, 1], 1.0),          # both right answers
    ([0], 0.5),             # half of the right answers
    ([0, 1, 3], 0.75),      # a wrong pick costs 25 %
    ([0, 2], 0.0),          # 50 % − 100 % is clamped to zero
    ([0, 1, 2, 3, 4], 0.0),  # ticking everything does not pay
    ([4], 0.0),
    ([0, 0, 1], 1.0),        # a repeated index counts once
])
def test_multiple_choice_partial_and_negative_credit_sum_clamped(choices, expected):
    assert grade("multichoice", MULTI, {"choices": choices}) == pytest.approx(expected)


def test_true_false():
    assert grade("truefalse", TRUEFALSE, {"value": False}) == 1.0
    assert grade("truefalse", TRUEFALSE, {"value": True}) == 0.0
    assert grade("truefalse", TRUEFALSE, {}) == 0.0
    assert feedback_for("truefalse", TRUEFALSE, {"value": True}) == ["Увы"]


def test_matching_gives_the_share_of_correct_pairs_and_ignores_the_distractor():
    all_right = {"0": "рекомендация", "1": "усилия", "2": "удовлетворённость"}
    assert grade("matching", MATCHING, {"matches": all_right}) == 1.0
    assert grade("matching", MATCHING, {"matches": {**all_right, "2": "скорость"}}) == pytest.approx(2 / 3)
    assert grade("matching", MATCHING, {"matches": {"0": "рекомендация"}}) == pytest.approx(1 / 3)
    assert grade("matching", MATCHING, {"matches": {}}) == 0.0


@pytest.mark.parametrize("typed,expected", [
    ("оператор опыта", 1.0),
    ("  ОПЕРАТОР   опыта ", 1.0),   # case, trimming and inner spaces do not matter
    ("Оператор\tопыта", 1.0),
    ("оператор", 0.5),              # several accepted answers with different credit
    ("клиентоцентр", 0.25),         # «*» stands for any characters, as in Moodle
    ("клиент-ориентированный центр", 0.25),
    ("поставщик", 0.0),
    ("", 0.0),
])
def test_short_answer(typed, expected):
    assert grade("shortanswer", SHORT, {"text": typed}) == expected


def test_short_answer_reads_yo_as_ye():
    data = {"answers": [{"text": "Учёт", "fraction": 1.0, "feedback": ""}]}
    assert grade("shortanswer", data, {"text": "учет"}) == 1.0
    assert grade("shortanswer", {"answers": [{"text": "учет", "fraction": 1.0, "feedback": ""}]},
                 {"text": "УЧЁТ"}) == 1.0
    assert normalise_text("  Ёлка   Зелёная ") == "елка зеленая"


@pytest.mark.parametrize("typed,expected", [
    ("75", 1.0), ("75,4", 1.0), ("74.5", 1.0), ("75.6", 0.0),  # value ± tolerance, comma or point
    ("0,75", 0.5),                  # a second answer with less credit
    ("1", 0.25), ("5", 0.25), ("3,3", 0.25), ("5.01", 0.0),  # a range 1..5 (midpoint 3 ± 2)
    ("75 %", 1.0), ("−2", 0.0),
    ("семьдесят пять", 0.0), ("", 0.0),
])
def test_numerical_tolerance_ranges_and_best_credit(typed, expected):
    assert grade("numerical", NUMERICAL, {"text": typed}) == expected


def test_numerical_takes_the_best_of_overlapping_answers_and_tolerates_binary_rounding():
    data = {"numerical": [{"value": 10.0, "tolerance": 5.0, "fraction": 0.5, "feedback": ""},
                          {"value": 10.0, "tolerance": 0.0, "fraction": 1.0, "feedback": ""},
                          {"value": 0.3, "tolerance": 0.0, "fraction": 1.0, "feedback": ""}]}
    assert grade("numerical", data, {"text": "10"}) == 1.0
    assert grade("numerical", data, {"text": "12"}) == 0.5
    assert grade("numerical", {"numerical": [data["numerical"][2]]}, {"text": str(0.1 + 0.2)}) == 1.0


def test_numerical_feedback_for_any_other_number():
    assert feedback_for("numerical", NUMERICAL, {"text": "75"}) == ["Верно"]
    assert feedback_for("numerical", NUMERICAL, {"text": "100"}) == ["Пересчитайте"]


def test_essay_and_description_are_not_graded_automatically():
    assert grade("essay", {}, {"text": "Мой ответ"}) is None
    assert grade("description", {}, None) is None


def test_parse_number_accepts_what_people_type():
    assert parse_number("1 050") == 1050
    assert parse_number("3,5") == 3.5
    assert parse_number("1e3") == 1000
    assert parse_number("3,5,1") is None
    assert parse_number("inf") is None
