"""Aiken (training/quizzes/aiken.py) with Moodle's own fixtures, clear errors for what teachers get wrong by hand,
and the format of a file told by its content (training/quizzes/formats.py)."""
from __future__ import annotations

from pathlib import Path

import pytest

from training.quizzes.aiken import parse_aiken
from training.quizzes.formats import detect_format, read_question_file
from training.quizzes.gift import GiftImportError

SAMPLES = Path(__file__).parent / "moodle_samples"


def problems_of(source: str) -> list[tuple[int, str]]:
    with pytest.raises(GiftImportError) as caught:
        parse_aiken(source)
    return [(p.line, p.message) for p in caught.value.problems]


def test_moodles_aiken_fixture():
    # question/format/aiken/tests/fixtures/questions.aiken.txt; Moodle escapes the texts and saves them as HTML.
    result = parse_aiken((SAMPLES / "aiken_questions.txt").read_bytes())
    assert result.format == "aiken" and result.warnings == []
    assert [q.to_dict() for q in result.questions] == [
        {"type": "multichoice", "name": "The Moodle project was started by:",
         "text": "The Moodle project was started by:", "format": "html", "category": None, "general_feedback": "",
         "answers": [{"text": "Petr Skoda", "fraction": 0.0, "feedback": ""},
                     {"text": "Martin Dougiamas", "fraction": 1.0, "feedback": ""},
                     {"text": "Eloy Lafuente", "fraction": 0.0, "feedback": ""},
                     {"text": "Tim Hunt", "fraction": 0.0, "feedback": ""}],
         "single": True},
        {"type": "multichoice",
         "name": "Moodle's abilities include handling user input that includes  & images:",
         "text": "Moodle's abilities include handling user input that includes &lt;html class=\"cool\"&gt; &amp; "
                 "images:",
         "format": "html", "category": None, "general_feedback": "",
         "answers": [{"text": "True", "fraction": 1.0, "feedback": ""},
                     {"text": "False", "fraction": 0.0, "feedback": ""}],
         "single": True},
    ]


def test_moodles_aiken_error_fixture_reports_what_moodle_reports_and_imports_nothing():
    # aikenformat_test.php: errors on lines 3, 5, 7 and 18; Moodle stops on errors, so nothing is imported.
    assert problems_of((SAMPLES / "aiken_errors.txt").read_text(encoding="utf-8")) == [
        (3, "у вопроса «A question with too few answers» меньше двух вариантов ответа"),
        (5, "вариант ответа «A) Question not started» до текста вопроса: сначала строка с вопросом"),
        (7, "строка «ANSWER:» без вопроса перед ней"),
        (18, "вопрос «A question started but not finished» не закончен строкой «ANSWER: буква»; текст вопроса "
             "пишется в одну строку, каждый вариант — с новой строки: «A) текст»"),
    ]


def test_options_without_a_space_and_with_a_dot():
    question, = parse_aiken("Что измеряет CES?\nA.NPS\nB. Усилия клиента\r\nC)CSI\nANSWER:B\n").questions
    assert [(a.text, a.fraction) for a in question.answers] == [("NPS", 0.0), ("Усилия клиента", 1.0), ("CSI", 0.0)]


@pytest.mark.parametrize(
    "source, expected",
    [
        ("Вопрос\nА) да\nБ) нет\nANSWER: A",
        [(2, "буква варианта «А» — русская: пишите латинскими буквами A, B, C… (например, «A)»)"),
         (3, "буква варианта «Б» — русская: пишите латинскими буквами A, B, C… (например, «A)»)"),
         (4, "у вопроса «Вопрос» меньше двух вариантов ответа")]),
        ("Вопрос\nA) да\nB) нет\nANSWER: С", [(4, "буква ответа «С» — русская: пишите латинскую, например «ANSWER: C»")]),
        ("Вопрос\nA) да\nB) нет\nANSWER: D", [(4, "верный ответ «D», а варианты у вопроса — A, B")]),
        ("Вопрос\nA) да\nB) нет\nANSWER: b", [(4, "верный ответ «b», а варианты у вопроса — A, B")]),
        ("Вопрос\nA) да\nB) нет\nANSWER:", [(4, "в строке «ANSWER:» нет буквы верного ответа")]),
        ("Вопрос\nA) да\nB) нет\nОтвет: A", [(4, "строку ответа пишите заглавными латинскими буквами: «ANSWER: A»")]),
        ("Первая строка вопроса\nвторая строка\nA) да\nB) нет\nANSWER: A",
         [(2, "вопрос «Первая строка вопроса» не закончен строкой «ANSWER: буква»; текст вопроса пишется в одну "
              "строку, каждый вариант — с новой строки: «A) текст»")]),
        ("Вопрос\nA) да\nB) нет", [(1, "вопрос «Вопрос» не закончен строкой «ANSWER: буква»; текст вопроса пишется в "
                                       "одну строку, каждый вариант — с новой строки: «A) текст»")]),
        ("", [(1, "в файле нет ни одного вопроса")]),
    ],
)
def test_clear_errors(source, expected):
    assert problems_of(source) == expected


def test_a_file_that_is_not_utf8():
    with pytest.raises(GiftImportError) as caught:
        parse_aiken("Вопрос\nA) да\nB) нет\nANSWER: A".encode("cp1251"))
    assert caught.value.problems[0].message.startswith("файл не в кодировке UTF-8")


# --- the format is told by the content ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    "source, kind",
    [
        (b'\xef\xbb\xbf  <?xml version="1.0"?><quiz/>', "moodle_xml"),
        (b"<!-- export --><quiz></quiz>", "moodle_xml"),
        (b"\n<quiz>\n</quiz>", "moodle_xml"),
        ("Вопрос\nA) да\nB) нет\nANSWER: A", "aiken"),
        ("Вопрос\nА) да\nБ) нет\nОтвет: A", "aiken"),  # a near miss goes to the Aiken reader, which explains it
        ("::Q::Вопрос {=да ~нет}", "gift"),
        ("<b>Жирный</b> вопрос {T}", "gift"),  # HTML at the start of a GIFT text is not XML
        ("ANSWER: a GIFT description\n\nВопрос {=да ~нет}", "gift"),  # braces: GIFT
        ("", "gift"),
    ],
)
def test_detect_format(source, kind):
    assert detect_format(source) == kind


def test_read_question_file_uses_the_right_reader():
    assert read_question_file((SAMPLES / "aiken_questions.txt").read_bytes()).format == "aiken"
    assert read_question_file((SAMPLES / "gift_examples.txt").read_bytes()).format == "gift"
    xml = (SAMPLES / "xml_nested_categories_with_questions.xml").read_bytes()
    assert read_question_file(xml).format == "moodle_xml"
