"""The metrics calculator: the working shown (inputs → formula → result), numbers typed the Russian way, errors
in Russian, an htmx partial for the result; nothing is stored."""
import pytest

from tests.factories import make_user
from training.courses.calculator import CalculatorError, calculate, number_text, parse_number


def test_numbers_are_read_as_people_type_them():
    assert parse_number("12,5", "x") == 12.5 and parse_number(" 1 440 ", "x", integer=True) == 1440
    assert parse_number("4.4", "x") == 4.4 and number_text(81.8) == "81,8" and number_text(55.0) == "55"
    with pytest.raises(CalculatorError, match="«Вес»: «двенадцать» — не число. Дробную часть пишите через запятую"):
        parse_number("двенадцать", "Вес")
    with pytest.raises(CalculatorError, match="нужно целое неотрицательное число"):
        parse_number("12,5", "Всего обращений", integer=True)
    with pytest.raises(CalculatorError, match="Заполните поле «Всего обращений»"):
        parse_number("", "Всего обращений", integer=True)


def test_fcr_and_net_fcr_of_case_05_with_the_working():
    working = calculate("fcr", {"total": "480", "first": "264", "impossible": "80"})
    assert working.results == [("FCR", "55 %"), ("Net FCR", "66 %")]
    assert working.steps == ["FCR = 264 / 480 × 100 = 55 %",
                             "Net FCR = 264 / (480 − 80) × 100 = 264 / 400 × 100 = 66 %"]


def test_csi_with_decimal_commas_and_weights_in_percent():
    form = {"p_max": "5"}
    for row, (weight, score) in enumerate([("25", "4,4"), ("15", "3,6"), ("25", "4,0"), ("25", "4,6"), ("10", "3")],
                                          start=1):
        form[f"weight-{row}"], form[f"score-{row}"] = weight, score
    working = calculate("csi", form)
    assert working.results == [("CSI", "81,8 %")] and "= 409" in working.steps[0]


def test_iqs_is_zero_when_a_critical_category_fails():
    form = {"name-1": "знание услуг", "weight-1": "2", "mark-1": "bad", "critical-1": "1",
            "name-2": "вежливость", "weight-2": "1", "mark-2": "good",
            "name-3": "скорость", "weight-3": "1", "mark-3": "bad", "name-4": "грамотность", "weight-4": "0,5",
            "mark-4": "good"}
    working = calculate("iqs", form)
    assert working.results == [("IQS", "0 %")] and "Провал критической категории «знание услуг»" in working.steps[-1]
    form["mark-1"] = "good"
    assert calculate("iqs", form).results == [("IQS", "77,8 %")]


def test_nps_enps_and_ces_from_answer_counts():
    assert calculate("nps", {"promoters": "50", "passives": "30", "detractors": "20"}).results == [("NPS", "30")]
    enps = calculate("enps", {"promoters": "3", "passives": "3", "detractors": "4"})
    assert enps.results == [("eNPS", "−10")] and "% ответов 0–6 = 4 / 10 × 100 = 40 %" in enps.steps
    assert calculate("ces", {"easy": "120", "neutral": "40", "hard": "40"}).results == [("CES", "40")]
    with pytest.raises(CalculatorError, match="Нет ни одного ответа"):
        calculate("nps", {"promoters": "0", "passives": "0", "detractors": "0"})


def test_impossible_data_is_refused_in_russian():
    with pytest.raises(CalculatorError, match="Решено при первом контакте больше обращений, чем поступило"):
        calculate("fcr", {"total": "10", "first": "12"})
    with pytest.raises(CalculatorError, match="больше максимума шкалы"):
        calculate("csi", {"p_max": "5", "weight-1": "1", "score-1": "7"})
    with pytest.raises(CalculatorError, match="Заполните хотя бы одну строку"):
        calculate("iqs", {})


def test_the_page_answers_a_form_with_an_htmx_partial_and_works_without_javascript(client, login, org):
    login(make_user(department=org.front_a))
    page = client.get("/learn/calculator").get_data(as_text=True)
    for title in ("CES", "CSI", "NPS", "FCR и Net FCR", "IQS", "eNPS"):
        assert f"{title} —" in page
    partial = client.get("/learn/calculator?metric=fcr&total=1%20440&first=720", headers={"HX-Request": "true"})
    body = partial.get_data(as_text=True)
    assert partial.status_code == 200 and "<html" not in body and 'id="result-fcr"' in body
    assert "FCR = 720 / 1440 × 100 = 50 %" in body and "Формула: FCR =" in body
    wrong = client.get("/learn/calculator?metric=csi&p_max=5&weight-1=abc&score-1=4", headers={"HX-Request": "true"})
    assert wrong.status_code == 422 and "«Вес, строка 1»: «abc» — не число" in wrong.get_data(as_text=True)
    full = client.get("/learn/calculator?metric=nps&promoters=5&passives=0&detractors=5").get_data(as_text=True)
    assert "<html" in full and "NPS = 0" in full and 'value="5"' in full
