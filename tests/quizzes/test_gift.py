"""Tests of the GIFT importer/exporter (training/quizzes/gift.py); the contract is docs/gift.md."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from training.quizzes.gift import (
    DEFAULT_QUESTION_NAME,
    GiftAnswer,
    GiftImportError,
    GiftNumericAnswer,
    GiftPair,
    GiftParseResult,
    GiftProblem,
    GiftQuestion,
    export_gift,
    match_moodle_fraction,
    parse_gift,
    to_json,
)

SAMPLES = Path(__file__).parent / "gift_samples"


def parse_one(source: str | bytes) -> GiftQuestion:
    result = parse_gift(source)
    assert len(result.questions) == 1, result.questions
    return result.questions[0]


def problems_of(source: str | bytes) -> list[tuple[int, str]]:
    with pytest.raises(GiftImportError) as caught:
        parse_gift(source)
    return [(problem.line, problem.message) for problem in caught.value.problems]


def warnings_of(source: str | bytes) -> list[tuple[int, str]]:
    return [(problem.line, problem.message) for problem in parse_gift(source).warnings]


def answers(question: GiftQuestion) -> list[tuple[str, float, str]]:
    return [(a.text, a.fraction, a.feedback) for a in question.answers]


def numbers(question: GiftQuestion) -> list[tuple[float | None, float, float, str]]:
    return [(n.value, n.tolerance, n.fraction, n.feedback) for n in question.numerical]


# ---------------------------------------------------------------------------------------------
# Structure of a file: categories, titles, comments, blank lines, line numbers
# ---------------------------------------------------------------------------------------------


def test_category_applies_to_following_questions_until_changed():
    result = parse_gift(
        "Без категории {}\n\n"
        "$CATEGORY: Курс/Блок 01\n\n"
        "Первый {}\n\n"
        "Второй {}\n\n"
        "$CATEGORY:   $course$/top/Блок 02  \n\n"
        "Третий {}\n"
    )
    assert [(q.text, q.category) for q in result.questions] == [
        ("Без категории", None),
        ("Первый", "Курс/Блок 01"),
        ("Второй", "Курс/Блок 01"),
        ("Третий", "$course$/top/Блок 02"),
    ]


def test_category_escapes_stay_moodle_placeholders_with_a_warning():
    # Moodle turns "\\\\" into "\\" but leaves its placeholder ("&&058;") for the other escapes.
    result = parse_gift("$CATEGORY: C:\\\\temp \\: a\n\nТекст {}")
    assert result.questions[0].category == "C:\\temp &&058; a"
    assert [(w.line, w.message) for w in result.warnings] == [
        (1, "экранирование в имени категории Moodle не раскрывает: в имени останется «&&058;» вместо «:»")
    ]


def test_export_writes_a_category_with_only_backslashes_escaped():
    question = GiftQuestion(type="essay", name="E", text="e", category="C:\\temp #1 {x}")
    out = export_gift([question])
    assert out.startswith("$CATEGORY: C:\\\\temp #1 {x}\n\n")
    assert parse_one(out).category == "C:\\temp #1 {x}"


def test_title_gives_the_name_and_is_removed_from_the_text():
    question = parse_one("::Q1:: Кто похоронен в могиле Гранта?{=никто}")
    assert question.name == "Q1"
    assert question.text == "Кто похоронен в могиле Гранта?"


def test_title_may_contain_single_colons_and_escaped_double_colons():
    question = parse_one("::Время 10:30 \\:\\: утро::Текст{}")
    assert question.name == "Время 10:30 :: утро"
    assert question.text == "Текст"


def test_comment_lines_are_ignored_and_do_not_split_questions():
    result = parse_gift(
        "// заголовок файла\n::Q::Вопрос {\n// комментарий внутри блока\n=да\n   // и с отступом\n~нет\n}\n"
    )
    (question,) = result.questions
    assert answers(question) == [("да", 1.0, ""), ("нет", 0.0, "")]


def test_blank_lines_separate_questions_and_whitespace_only_lines_count_as_blank():
    result = parse_gift("Первый {}\n \t \nВторой {}\n\n\n\nТретий {}")
    assert [q.text for q in result.questions] == ["Первый", "Второй", "Третий"]


def test_multi_line_question_keeps_its_lines_trimmed_like_moodle():
    question = parse_one("::Q::Первая строка\n    вторая строка с отступом\n{=ответ}")
    assert question.text == "Первая строка\nвторая строка с отступом"


def test_question_line_is_its_first_non_comment_line():
    result = parse_gift("// c\n\n// about q\n::A::a{}\n\n\n::B::\nb{}")
    assert [q.line for q in result.questions] == [4, 7]


def test_crlf_cr_and_bom_are_accepted():
    crlf = "\ufeff::A::a{}\r\n\r\n::B::b{}\r\n"
    cr = "::A::a{}\r\r::B::b{}"
    for source in (crlf, cr, crlf.encode("utf-8")):
        assert [q.name for q in parse_gift(source).questions] == ["A", "B"]


def test_bytes_are_decoded_as_utf8():
    assert parse_one("::Вопрос::Текст{}".encode()).name == "Вопрос"


# ---------------------------------------------------------------------------------------------
# Escapes
# ---------------------------------------------------------------------------------------------


def test_escapes_are_resolved_in_text_answers_and_feedback():
    question = parse_one(
        "::a\\:b::Знаки \\~ \\= \\# \\{ \\} \\: и \\\\ и\\nперевод {\n=x\\=1#отзыв \\# с решёткой\n~y\\~2\n}"
    )
    assert question.name == "a:b"
    assert question.text == "Знаки ~ = # { } : и \\ и\nперевод"
    assert answers(question) == [("x=1", 1.0, "отзыв # с решёткой"), ("y~2", 0.0, "")]


def test_double_backslash_is_one_backslash_and_does_not_escape_the_next_character():
    # As in Moodle (MDL-34171): "\\\\" is a backslash, then "{" opens the block.
    question = parse_one("A \\\\ B \\\\\\\\ C\\\\{}")
    assert question.type == "essay"
    assert question.text == "A \\ B \\\\ C\\"


def test_unknown_escape_keeps_its_backslash():
    assert parse_one("Путь C:\\temp\\a{}").text == "Путь C:\\temp\\a"


# ---------------------------------------------------------------------------------------------
# Question types
# ---------------------------------------------------------------------------------------------


def test_multichoice_single_answer_with_feedback_and_general_feedback():
    question = parse_one(
        "::Q2:: Что между оранжевым и зелёным?\n{\n"
        "    =жёлтый # верно!\n"
        "    ~красный # нет\n"
        "    ~синий\n"
        "    ####Спектр.\n"
        "}"
    )
    assert question.type == "multichoice"
    assert question.single is True
    assert question.general_feedback == "Спектр."
    assert answers(question) == [
        ("жёлтый", 1.0, "верно!"),
        ("красный", 0.0, "нет"),
        ("синий", 0.0, ""),
    ]


def test_multichoice_compact_form():
    question = parse_one("Кто?{~Грант ~Джефферсон =никто}")
    assert answers(question) == [("Грант", 0.0, ""), ("Джефферсон", 0.0, ""), ("никто", 1.0, "")]


def test_multichoice_all_tilde_with_weights_is_multiple_answer():
    question = parse_one("::colours:: Что?{\n~%50%жёлтый # да\n~%-100%красный # нет\n~%50%бежевый # да\n~%-25%синий\n}")
    assert question.single is False
    assert answers(question) == [
        ("жёлтый", 0.5, "да"),
        ("красный", -1.0, "нет"),
        ("бежевый", 0.5, "да"),
        ("синий", -0.25, ""),
    ]


def test_multichoice_with_one_hundred_percent_tilde_is_multiple_answer_as_in_moodle():
    question = parse_one("Что?{~%100%жёлтый ~%-50%красный ~%-50%синий}")
    assert question.single is False
    assert [a.fraction for a in question.answers] == [1.0, -0.5, -0.5]


def test_multichoice_decimal_weights_adding_up_to_100_after_rounding():
    question = parse_one("Что?{~%33.33333%a ~%33.33333%b ~%33.33333%c ~d}")
    assert [a.fraction for a in question.answers] == [0.3333333, 0.3333333, 0.3333333, 0.0]


def test_multichoice_single_with_partial_credit():
    question = parse_one("Трудный вопрос.{~неверно ~%50%наполовину =полностью}")
    assert question.single is True
    assert [a.fraction for a in question.answers] == [0.0, 0.5, 1.0]


def test_truefalse_words_and_correct_answer():
    for word, true_fraction in (("T", 1.0), ("TRUE", 1.0), ("F", 0.0), ("FALSE", 0.0)):
        question = parse_one(f"Утверждение.{{{word}}}")
        assert question.type == "truefalse"
        assert answers(question) == [
            ("true", true_fraction, ""),
            ("false", 1.0 - true_fraction, ""),
        ]


def test_truefalse_feedback_true_is_correct():
    # Moodle: the first feedback is shown for a wrong answer, the second for the right one.
    question = parse_one("Небо голубое.{TRUE#Зря вы так.#Правильно!####Общий отзыв}")
    assert question.general_feedback == "Общий отзыв"
    assert answers(question) == [("true", 1.0, "Правильно!"), ("false", 0.0, "Зря вы так.")]


def test_truefalse_feedback_false_is_correct():
    question = parse_one("42 — абсолютный ответ.{\nFALSE#42 — окончательный ответ.#Вы ответили верно.}")
    assert answers(question) == [
        ("true", 0.0, "42 — окончательный ответ."),
        ("false", 1.0, "Вы ответили верно."),
    ]


def test_truefalse_only_wrong_feedback_and_extra_hash_is_text():
    question = parse_one("Утверждение.{T#только для неверного}")
    assert answers(question) == [("true", 1.0, ""), ("false", 0.0, "только для неверного")]
    question = parse_one("Утверждение.{T#a#b#c}")
    assert answers(question) == [("true", 1.0, "b#c"), ("false", 0.0, "a")]


def test_shortanswer_with_weights_feedback_and_wildcard():
    question = parse_one(
        "::Shortanswer::Лучшее животное?{\n"
        "    =Лягушка#Хорошо!\n"
        "    =%50%Кот#Что у мудловцев с котами?\n"
        "    =%0%*#Совсем не то\n"
        "    ####[html]Общий отзыв\n"
        "}"
    )
    assert question.type == "shortanswer"
    assert question.general_feedback == "Общий отзыв"
    assert answers(question) == [
        ("Лягушка", 1.0, "Хорошо!"),
        ("Кот", 0.5, "Что у мудловцев с котами?"),
        ("*", 0.0, "Совсем не то"),
    ]


def test_shortanswer_compact_form():
    question = parse_one("Кто похоронен?{=никто =ни один}")
    assert answers(question) == [("никто", 1.0, ""), ("ни один", 1.0, "")]


def test_matching_pairs_with_distractor():
    question = parse_one(
        "::Страны::Сопоставьте страны и столицы. {\n"
        "    =Канада -> Оттава\n"
        "    =Италия  -> Рим\n"
        "    =Япония->Токио\n"
        "    = -> Берлин\n"
        "}"
    )
    assert question.type == "matching"
    assert [(p.question, p.answer) for p in question.pairs] == [
        ("Канада", "Оттава"),
        ("Италия", "Рим"),
        ("Япония", "Токио"),
        ("", "Берлин"),
    ]
    assert question.answers == [] and question.numerical == [] and question.single is None


def test_matching_answer_side_keeps_brackets_and_later_arrows_literally():
    question = parse_one("Стрелки. {=[html]<b>a</b> -> [html]b->c =d -> e}")
    assert [(p.question, p.answer) for p in question.pairs] == [
        ("<b>a</b>", "[html]b->c"),
        ("d", "e"),
    ]


def test_numerical_with_tolerance():
    question = parse_one("Когда родился Грант?{#1822:5}")
    assert question.type == "numerical"
    assert numbers(question) == [(1822.0, 5.0, 1.0, "")]


def test_numerical_exact_value_and_decimal_tolerance():
    assert numbers(parse_one("Пи?{#3.1415:0.0005}")) == [(3.1415, 0.0005, 1.0, "")]
    assert numbers(parse_one("Сколько?{#-4}")) == [(-4.0, 0.0, 1.0, "")]
    assert numbers(parse_one("Сколько?{#1.5e3}")) == [(1500.0, 0.0, 1.0, "")]


def test_numerical_range_is_midpoint_and_half_width():
    assert numbers(parse_one("Число от 1 до 5?{#1..5}")) == [(3.0, 2.0, 1.0, "")]
    assert numbers(parse_one("Пи?{#3.141..3.142}"))[0][0] == pytest.approx(3.1415)
    assert numbers(parse_one("От -5 до -1?{#-5..-1}")) == [(-3.0, 2.0, 1.0, "")]


def test_numerical_multiple_answers_with_weights_and_feedback():
    question = parse_one(
        "Когда родился Грант? {#\n"
        "    =1822:0      # Верно!\n"
        "    =%50%1822:2  # Он родился в 1822.\n"
        "                   Половина балла.\n"
        "}"
    )
    assert numbers(question) == [
        (1822.0, 0.0, 1.0, "Верно!"),
        (1822.0, 2.0, 0.5, "Он родился в 1822.\nПоловина балла."),
    ]


def test_numerical_multi_answer_form_from_the_issue():
    question = parse_one("Сколько?{# =%100%3:0 =%50%3:1}")
    assert numbers(question) == [(3.0, 0.0, 1.0, ""), (3.0, 1.0, 0.5, "")]


def test_numerical_feedback_for_any_other_answer():
    question = parse_one("::Q5:: Число от 1 до 5? {#3:2~#Совсем не так}")
    assert numbers(question) == [(3.0, 2.0, 1.0, ""), (None, 0.0, 0.0, "Совсем не так")]


def test_numerical_explicit_star_answer():
    question = parse_one("Сколько?{#=4 =%0%*#Нет}")
    assert numbers(question) == [(4.0, 0.0, 1.0, ""), (None, 0.0, 0.0, "Нет")]


def test_essay_and_essay_with_general_feedback():
    question = parse_one("::Q8:: Как дела? {}")
    assert (question.type, question.text, question.general_feedback) == ("essay", "Как дела?", "")
    question = parse_one("Расскажите.{####Оценивает преподаватель.}")
    assert (question.type, question.general_feedback) == ("essay", "Оценивает преподаватель.")


def test_description_has_no_answer_block():
    question = parse_one("::Вступление::Дальше — вопросы о клиентском опыте.")
    assert question.type == "description"
    assert question.text == "Дальше — вопросы о клиентском опыте."
    assert question.general_feedback == ""


def test_missing_word_questions_get_a_blank_in_the_text():
    question = parse_one("Грант {~похоронен =погребён ~жив} в могиле Гранта.")
    assert (question.type, question.text) == ("multichoice", "Грант _____ в могиле Гранта.")
    question = parse_one("Два плюс два — {=четыре =4}.")
    assert (question.type, question.text) == ("shortanswer", "Два плюс два — _____.")
    question = parse_one("Солнце {T} встаёт на востоке.")
    assert (question.type, question.text) == ("truefalse", "Солнце _____ встаёт на востоке.")


def test_missing_word_at_the_start_and_on_separate_lines():
    question = parse_one("{=Москва ~Казань} — столица России.")
    assert question.text == "_____ — столица России."
    question = parse_one("День благодарения празднуют в {\n~второй\n=четвёртый\n} четверг ноября.")
    assert question.text == "День благодарения празднуют в _____ четверг ноября."


def test_block_at_the_end_leaves_no_blank():
    assert parse_one("Вопрос {=a}   ").text == "Вопрос"


# ---------------------------------------------------------------------------------------------
# Text formats
# ---------------------------------------------------------------------------------------------


def test_format_defaults_to_moodle():
    assert parse_one("Текст{}").format == "moodle"


@pytest.mark.parametrize("name", ["html", "markdown", "plain", "moodle"])
def test_format_marker_is_read_and_removed(name):
    question = parse_one(f"::Q::[{name}]Кто похоронен в **могиле**?{{=никто}}")
    assert question.format == name
    assert question.text == "Кто похоронен в **могиле**?"


def test_format_markers_on_answers_and_feedback_are_removed():
    question = parse_one("[html]Текст{=[html]<b>да</b>#[html]<i>верно</i> ~нет####[html]<p>итог</p>}")
    assert answers(question) == [("<b>да</b>", 1.0, "<i>верно</i>"), ("нет", 0.0, "")]
    assert question.general_feedback == "<p>итог</p>"
    assert warnings_of("[html]Текст{=[html]да ~нет}") == []


def test_brackets_that_are_not_a_format_word_stay_text():
    assert parse_one("[1] первый пункт{}").text == "[1] первый пункт"
    assert parse_one("[a] буква{}").text == "[a] буква"


def test_a_format_marker_protects_text_that_starts_with_a_bracket_word():
    question = parse_one("[moodle][Заметка] текст{=[moodle][Да] ~нет}")
    assert question.text == "[Заметка] текст"
    assert question.answers[0].text == "[Да]"


# ---------------------------------------------------------------------------------------------
# Default names (Moodle's create_default_question_name)
# ---------------------------------------------------------------------------------------------


def test_default_name_is_the_text():
    assert parse_one("Кто похоронен в могиле Гранта?{=никто}").name == "Кто похоронен в могиле Гранта?"


def test_default_name_strips_tags():
    assert parse_one("[html]<p>Какой <b>цвет</b> у неба?</p>{=синий}").name == "Какой цвет у неба?"


def test_default_name_of_a_missing_word_question_contains_the_blank():
    assert parse_one("Грант {~жив =погребён} здесь.").name == "Грант _____ здесь."


def test_default_name_is_shortened_to_80_characters_at_a_word_boundary():
    text = (
        "Это очень длинный текст вопроса, в котором заведомо больше восьмидесяти символов, чтобы проверить сокращение"
    )
    # shorten_text(text, 80): 77 characters plus "...", cut after the last space before that.
    assert parse_one(text + "{}").name == (
        "Это очень длинный текст вопроса, в котором заведомо больше восьмидесяти ..."
    )


def test_default_name_without_spaces_is_cut_exactly():
    assert parse_one("x" * 100 + "{}").name == "x" * 77 + "..."


def test_default_name_when_text_has_only_tags():
    assert parse_one('[html]<img src="pic.png">{}').name == DEFAULT_QUESTION_NAME


def test_default_name_counts_entities_like_moodle():
    # shorten_text counts "&amp;" as one character; expected value computed by Moodle's PHP code.
    text = "Том &amp; Джерри " * 8
    assert parse_one(text + "{}").name == (
        "Том &amp; Джерри Том &amp; Джерри Том &amp; Джерри Том &amp; Джерри Том &amp; Джерри Том ..."
    )


@pytest.mark.parametrize(
    "title, name",
    [
        ("a < b", "a < b"),  # "<" before whitespace is text, as in PHP's strip_tags
        ("a <b>жирный</b> c", "a жирный c"),
        ('a <span title="x > y">b</span>', "a b"),  # ">" inside quotes does not close a tag
        ("a <!-- комментарий --> b", "a  b"),
        ("a <b", "a"),  # an unclosed tag swallows the rest
    ],
)
def test_title_tags_are_stripped_like_php(title, name):
    assert parse_one(f"::{title}::Текст{{}}").name == name


def test_title_is_cleaned_like_moodle_with_warnings():
    source = "::  <b>Жирное</b> название  ::Текст{}"
    assert parse_one(source).name == "Жирное название"
    assert warnings_of(source) == [(1, "HTML-теги в названии удалены (как в Moodle): «Жирное название»")]


def test_long_title_is_shortened_with_a_warning():
    source = "::" + "слово " * 60 + "::Текст{}"
    name = parse_one(source).name
    assert len(name) <= 255 and name.endswith("...")
    assert warnings_of(source) == [(1, "название длиннее 255 символов сокращено (как в Moodle)")]


def test_empty_title_uses_the_text_with_a_warning():
    source = "\n::::Текст вопроса{}"
    assert parse_one(source).name == "Текст вопроса"
    assert warnings_of(source) == [(2, "пустое название «::::» — название взято из текста вопроса")]


# ---------------------------------------------------------------------------------------------
# Errors: only what Moodle itself refuses, or what cannot be a question
# ---------------------------------------------------------------------------------------------

ERROR_CASES = [
    pytest.param(
        b"::A::a{}\n\n::B::\xd0{}",
        (3, "файл не в кодировке UTF-8 (неверный байт 0xD0); сохраните файл в UTF-8"),
        id="not-utf8",
    ),
    pytest.param("", (1, "в файле нет ни одного вопроса"), id="empty-file"),
    pytest.param("// только комментарий\n", (1, "в файле нет ни одного вопроса"), id="only-comments"),
    pytest.param(
        "Текст\nс } скобкой{}",
        (2, "«}» без открывающей «{» (если это часть текста, пишите «\\}»)"),
        id="brace-unopened",
    ),
    pytest.param("Текст }", (1, "«}» без открывающей «{» (если это часть текста, пишите «\\}»)"), id="only-closing"),
    pytest.param(
        "Текст {\n=a\n=b",
        (1, "блок ответов не закрыт: у «{» нет парной «}» (если это часть текста, пишите «\\{»)"),
        id="brace-unclosed",
    ),
    pytest.param(
        "Текст {\n=a\n=b {c}\n}",
        (3, "«{» внутри блока ответов (если это часть текста, пишите «\\{»)"),
        id="brace-nested",
    ),
    pytest.param(
        "Текст {=a} и {=b",
        (1, "блок ответов не закрыт: у «{» нет парной «}» (если это часть текста, пишите «\\{»)"),
        id="second-block-unclosed",
    ),
    pytest.param(
        "Что?{~%100%единственный}",
        (1, "в вопросе с выбором меньше двух вариантов ответа"),
        id="multichoice-one-answer",
    ),
    pytest.param("Что?{~ ~}", (1, "у вопроса с выбором все варианты ответа пустые"), id="multichoice-all-empty"),
    pytest.param(
        "Что?{=a\n~%150%b}",
        (2, "вес «%150%» вне диапазона от -100% до 100%: Moodle такой файл не примет"),
        id="weight-above-100",
    ),
    pytest.param(
        "Что?{=a ~%-101%b}",
        (1, "вес «%-101%» вне диапазона от -100% до 100%: Moodle такой файл не примет"),
        id="weight-below-minus-100",
    ),
    pytest.param(
        "Что?{=a ~%--50%b}",
        (1, "вес «%--50%» не число: Moodle на таком файле прерывает загрузку; пишите, например, «%-50%»"),
        id="weight-double-minus",
    ),
    pytest.param("Столица?{0}", (1, "нет ни одного ответа: каждый ответ начинается с «=»"), id="shortanswer-zero"),
    pytest.param("Столица?{=}", (1, "нет ни одного ответа: каждый ответ начинается с «=»"), id="shortanswer-empty"),
    pytest.param("Пары {\n=a -> b\n=c\n}", (3, "в паре «c» нет «->»"), id="matching-no-arrow"),
    pytest.param(
        "Пары {=a -> =c -> d =e -> f}",
        (1, "у пары «a ->» пустой ответ после «->»"),
        id="matching-empty-answer",
    ),
    pytest.param(
        "Пары {=a -> b}",
        (1, "в вопросе на соответствие меньше двух пар «вопрос -> ответ»"),
        id="matching-one-pair",
    ),
    pytest.param(
        "Пары {= -> b = -> c}",
        (1, "в вопросе на соответствие нет ни одной пары с вопросом — только лишние ответы «= -> …»"),
        id="matching-only-distractors",
    ),
    pytest.param("Сколько?{#abc}", (1, "в числовом ответе «abc» не число"), id="number-not-a-number"),
    pytest.param(
        "Сколько?{#3,5}",
        (1, "в числовом ответе «3,5» не число (дробную часть отделяйте точкой)"),
        id="number-comma",
    ),
    pytest.param("Сколько?{#1e400}", (1, "в числовом ответе «1e400» не число"), id="number-infinite"),
    pytest.param("Сколько?{#\n=3:1\n=abc:1\n}", (3, "в числовом ответе «abc» не число"), id="number-precise-line"),
    pytest.param("Сколько?{#3:x}", (1, "в числовом ответе «3:x» допуск «x» не число"), id="tolerance-not-a-number"),
    pytest.param(
        "Сколько?{#3:-1}",
        (1, "в числовом ответе «3:-1» отрицательный допуск: такой ответ никогда не засчитается"),
        id="tolerance-negative",
    ),
    pytest.param(
        "Сколько?{#5..1}",
        (1, "в числовом диапазоне «5..1» начало больше конца: такой ответ никогда не засчитается"),
        id="range-reversed",
    ),
    pytest.param("Сколько?{#1..x}", (1, "в числовом ответе «x» не число"), id="range-not-a-number"),
    pytest.param("Сколько?{#=3 =#отзыв}", (1, "пустой числовой ответ"), id="number-empty"),
    pytest.param("Сколько?{#}", (1, "в числовом вопросе нет ни одного ответа"), id="numerical-no-answers"),
    pytest.param(
        "Сколько?{#~#только отзыв}",
        (1, "в числовом вопросе нет ни одного ответа"),
        id="numerical-only-other-feedback",
    ),
    pytest.param(
        "Сколько?{#0}",
        (1, "Moodle не читает число «0» без «=» перед ним (для PHP «0» — пустая строка): пишите {#=0}"),
        id="numerical-bare-zero",
    ),
    pytest.param(
        "// [id:" + "x" * 101 + "]\nВопрос {}",
        (2, "id «" + "x" * 39 + "…» длиннее 100 символов: Moodle такой вопрос не сохранит"),
        id="idnumber-too-long",
    ),
]


@pytest.mark.parametrize("source, expected", ERROR_CASES)
def test_error_message_and_line(source, expected):
    assert problems_of(source) == [expected]


def test_error_line_counts_comments_and_blank_lines_of_the_whole_file():
    source = "// шапка\n\n::A::Хорошо {=да ~нет}\n\n// про B\n::B::Плохо {\n=a\n~%200%b\n}\n"
    assert problems_of(source) == [(8, "вес «%200%» вне диапазона от -100% до 100%: Moodle такой файл не примет")]


def test_several_errors_in_one_question_are_all_reported():
    source = "Сколько?{#\n=abc\n=3:x\n=%500%4\n}"
    assert problems_of(source) == [
        (2, "в числовом ответе «abc» не число"),
        (3, "в числовом ответе «3:x» допуск «x» не число"),
        (4, "вес «%500%» вне диапазона от -100% до 100%: Moodle такой файл не примет"),
    ]


# ---------------------------------------------------------------------------------------------
# Warnings: imported as Moodle imports it, and the teacher is told where
# ---------------------------------------------------------------------------------------------

WARNING_CASES = [
    pytest.param(
        "Пи? {#3.1415:0.0005}.",
        [(1, "текст «.» после блока ответов: как и Moodle, в текст вставлен пропуск «_____», хотя это числовой вопрос")],
        {"type": "numerical", "text": "Пи? _____.", "numerical": [(3.1415, 0.0005, 1.0, "")]},
        id="text-after-numerical",
    ),
    pytest.param(
        "Сопоставьте {\n=a -> b\n=c -> d\n} и\nобъясните",
        [(4, "текст «и объясните» после блока ответов: как и Moodle, в текст вставлен пропуск «_____», хотя это "
             "вопрос на соответствие")],
        {"type": "matching", "text": "Сопоставьте _____ и\nобъясните"},
        id="text-after-matching",
    ),
    pytest.param(
        "Опишите {} подробно",
        [(1, "текст «подробно» после блока ответов: как и Moodle, в текст вставлен пропуск «_____», хотя это эссе")],
        {"type": "essay", "text": "Опишите _____ подробно"},
        id="text-after-essay",
    ),
    pytest.param(
        "Небо голубое.{T}\n####Это видно днём.",
        [(2, "общий отзыв «####Это видно днём.» стоит после «}»: как и в Moodle, он остался в тексте вопроса; "
             "перенесите его внутрь блока ответов, перед «}»")],
        {"type": "truefalse", "text": "Небо голубое._____\n####Это видно днём.", "general_feedback": ""},
        id="general-feedback-outside",
    ),
    pytest.param(
        "Текст {=a ~b} и\nещё {=c ~d}",
        [(2, "второй блок «{…}» в одном вопросе остаётся в тексте вопроса (как в Moodle); вопросы разделяются "
             "пустой строкой")],
        # Moodle inserts no blank when the whole text ends with "}", wherever the first block stands.
        {"type": "multichoice", "text": "Текст  и\nещё {=c ~d}", "answers": [("a", 1.0, ""), ("b", 0.0, "")]},
        id="second-block",
    ),
    pytest.param(
        "::A::Первый {=да ~нет}\n::B::Второй {=да ~нет}",
        [
            (2, "«::» в начале строки внутри вопроса — часть текста (как в Moodle); если здесь начинается новый "
                "вопрос, перед ним нужна пустая строка"),
            (2, "второй блок «{…}» в одном вопросе остаётся в тексте вопроса (как в Moodle); вопросы разделяются "
                "пустой строкой"),
        ],
        {"name": "A", "text": "Первый \n::B::Второй {=да ~нет}"},
        id="title-inside-question",
    ),
    pytest.param(
        "::A::Первый {=да ~нет}\n$CATEGORY: Блок",
        [(2, "строка «$CATEGORY: …» внутри вопроса — часть его текста (как в Moodle); чтобы сменить категорию, "
             "отделите её пустой строкой")],
        {"text": "Первый _____\n$CATEGORY: Блок", "category": None},
        id="category-inside-question",
    ),
    pytest.param(
        "::Название Текст{}",
        [(1, "название не закрыто: после «::» нет второго «::»; как и Moodle, «::» отброшено, а название взято из "
             "текста")],
        {"name": "Название Текст", "text": "Название Текст", "type": "essay"},
        id="title-unclosed",
    ),
    pytest.param("::Q::{=a}", [(1, "у вопроса нет текста")], {"name": "Q", "text": "", "type": "shortanswer"},
                 id="text-empty"),
    pytest.param("::Только название::", [(1, "у вопроса нет текста")],
                 {"name": "Только название", "type": "description"}, id="title-only"),
    pytest.param(
        "$category: Блок",
        [(1, "строка «$category: Блок» — не категория (Moodle понимает только «$CATEGORY:» заглавными и с "
             "двоеточием): как и в Moodle, она прочитана как вопрос")],
        {"type": "description", "name": "$category: Блок", "category": None},
        id="category-case",
    ),
    pytest.param(
        "[HTML]Текст{}",
        [(1, "«[HTML]» — не формат текста (допустимы [html], [markdown], [plain] и [moodle] строчными буквами): "
             "как и в Moodle, осталось в тексте")],
        {"text": "[HTML]Текст", "format": "moodle"},
        id="format-uppercase",
    ),
    pytest.param(
        "Текст{\n=a\n~[wiki]b\n}",
        [(3, "«[wiki]» — не формат текста (допустимы [html], [markdown], [plain] и [moodle] строчными буквами): "
             "как и в Moodle, осталось в тексте")],
        {"answers": [("a", 1.0, ""), ("[wiki]b", 0.0, "")]},
        id="format-unknown-in-answer",
    ),
    pytest.param(
        "Текст{=a####один\n####два}",
        [(1, "второй «####» в одном вопросе: как и в Moodle, общий отзыв — текст после последнего «####», "
             "остальное остаётся в ответах")],
        {"type": "shortanswer", "general_feedback": "два", "answers": [("a", 1.0, "###один")]},
        id="general-feedback-twice",
    ),
    pytest.param(
        "Небо голубое.{true}",
        [(1, "ответ «true» Moodle читает как короткий ответ со словом «true» (так и импортировано); вопрос "
             "верно/неверно пишется {T}, {TRUE}, {F} или {FALSE} заглавными буквами"),
         (1, "текст «true» перед первым «=»: как и Moodle, он прочитан как ответ на 100%")],
        {"type": "shortanswer", "answers": [("true", 1.0, "")]},
        id="truefalse-case",
    ),
    pytest.param(
        "Столица Франции?{Париж}",
        [(1, "текст «Париж» перед первым «=»: как и Moodle, он прочитан как ответ на 100%")],
        {"type": "shortanswer", "answers": [("Париж", 1.0, "")]},
        id="shortanswer-no-equals",
    ),
    pytest.param(
        "Что?{\nкрасный ~синий =жёлтый}",
        [(2, "текст «красный» перед первым «=» или «~»: как и Moodle, он прочитан как неверный вариант ответа")],
        {"answers": [("красный", 0.0, ""), ("синий", 0.0, ""), ("жёлтый", 1.0, "")], "single": True},
        id="multichoice-text-before",
    ),
    pytest.param(
        "Что?{x -> y =a -> b =c -> d}",
        [(1, "текст «x -> y» перед первым «=»: как и Moodle, он прочитан как пара")],
        {"pairs": [("x", "y"), ("a", "b"), ("c", "d")]},
        id="matching-text-before",
    ),
    pytest.param(
        "Что?{0 ~a =b}",
        [(1, "«0» перед первым ответом Moodle отбрасывает (для PHP это пустая строка)")],
        {"answers": [("a", 0.0, ""), ("b", 1.0, "")]},
        id="zero-before-first-answer",
    ),
    pytest.param(
        "Что?{\n=a\n~\n~b}",
        [(3, "пустой вариант ответа пропущен (как в Moodle)")],
        {"answers": [("a", 1.0, ""), ("b", 0.0, "")]},
        id="multichoice-empty-answer",
    ),
    pytest.param(
        "Что?{=a ~}",
        [(1, "пустой вариант ответа пропущен (как в Moodle)"), (1, "в вопросе с выбором только один вариант ответа")],
        {"answers": [("a", 1.0, "")], "single": True},
        id="multichoice-one-left",
    ),
    pytest.param(
        "Что?{=a =#отзыв}",
        [(1, "пустой ответ с весом или отзывом сохранён, как в Moodle, но его нельзя ввести")],
        {"answers": [("a", 1.0, ""), ("", 1.0, "отзыв")]},
        id="shortanswer-empty-answer-kept",
    ),
    pytest.param(
        "Что?{=a =%0%}",
        [(1, "пустой ответ «=» пропущен (как в Moodle)")],
        {"answers": [("a", 1.0, "")]},
        id="shortanswer-empty-answer-dropped",
    ),
    pytest.param(
        "Что?{=a ~%33,3%b}",
        [(1, "«%33,3%» — не вес (пишите, например, «%50%» или «%-33.33333%»): как и в Moodle, осталось в тексте "
             "ответа, вес 0%")],
        {"answers": [("a", 1.0, ""), ("%33,3%b", 0.0, "")]},
        id="weight-malformed",
    ),
    pytest.param(
        "Что?{=%50%a ~b}",
        [(1, "«=» — верный ответ на все 100%, а «%50%» осталось в тексте ответа (как в Moodle); для частичного "
             "балла пишите «~%50%»")],
        {"answers": [("%50%a", 1.0, ""), ("b", 0.0, "")]},
        id="weight-after-equals",
    ),
    pytest.param(
        "Что?{=a ~%33%b}",
        [(1, "веса 33% нет в списке оценок Moodle: Moodle с настройкой «Ошибка, если оценки нет в списке» такой "
             "файл не примет, с «Ближайшая оценка» запишет 33.33333%; здесь сохранено 33%")],
        {"answers": [("a", 1.0, ""), ("b", 0.33, "")]},
        id="weight-not-in-moodle-list",
    ),
    pytest.param(
        "Что?{~a ~%-50%b ~c}",
        [(1, "нет ни одного верного варианта: отметьте верный ответ «=» или дайте вариантам положительный вес, "
             "например «~%50%»")],
        {"single": False},
        id="multichoice-no-right",
    ),
    pytest.param(
        "Что?{~%50%a ~%40%b ~c}",
        [(1, "в вопросе с несколькими верными ответами положительные веса должны в сумме давать 100%, а дают 90%")],
        {"answers": [("a", 0.5, ""), ("b", 0.4, ""), ("c", 0.0, "")]},
        id="multichoice-sum-below",
    ),
    pytest.param(
        "Что?{=%50%a =%25%b}",
        [(1, "нет ответа с весом 100%: за этот вопрос нельзя получить полный балл")],
        {"answers": [("a", 0.5, ""), ("b", 0.25, "")]},
        id="shortanswer-no-full-marks",
    ),
    pytest.param(
        "Сколько?{#=%50%3 =%10%4}",
        [(1, "нет ответа с весом 100%: за этот вопрос нельзя получить полный балл")],
        {"numerical": [(3.0, 0.0, 0.5, ""), (4.0, 0.0, 0.1, "")]},
        id="numerical-no-full-marks",
    ),
    pytest.param(
        "Пары {=a -> b#хорошо =c -> d}",
        [(1, "«#» в паре «a -> b#хорошо» — часть текста (у пар на соответствие нет отзывов)")],
        {"pairs": [("a", "b#хорошо"), ("c", "d")]},
        id="matching-hash",
    ),
    pytest.param(
        "Пары {=a -> b = -> c}",
        [(1, "в вопросе на соответствие только одна пара с вопросом")],
        {"pairs": [("a", "b"), ("", "c")]},
        id="matching-one-stem",
    ),
    pytest.param(
        "Пары {=a -> b = -> =c -> d}",
        [(1, "пустая пара «= ->» пропущена (как в Moodle)")],
        {"pairs": [("a", "b"), ("c", "d")]},
        id="matching-empty-pair",
    ),
    pytest.param(
        "Сколько?{#3 ~2}",
        [(1, "в числовом вопросе всё после первого «~» Moodle считает отзывом на любой другой ответ: «~2»")],
        {"numerical": [(3.0, 0.0, 1.0, ""), (None, 0.0, 0.0, "")]},
        id="numerical-tilde-without-hash",
    ),
    pytest.param(
        "Сколько?{#3\n~#неверно\n=4}",
        [(2, "в числовом вопросе всё после первого «~» Moodle считает отзывом на любой другой ответ: «~#неверно "
             "=4»")],
        {"numerical": [(3.0, 0.0, 1.0, ""), (None, 0.0, 0.0, "неверно\n=4")]},
        id="numerical-tilde-not-last",
    ),
    pytest.param(
        "Сколько будет 1 - 1?\n0\n{}",
        [(2, "строка «0» для Moodle пустая: она разделяет вопросы и в текст не попадает"),
         (3, "у вопроса нет текста")],
        None,
        id="zero-line",
    ),
]


def _shape(question: GiftQuestion, key: str):
    if key == "answers":
        return answers(question)
    if key == "numerical":
        return numbers(question)
    if key == "pairs":
        return [(p.question, p.answer) for p in question.pairs]
    return getattr(question, key)


@pytest.mark.parametrize("source, expected_warnings, expected", WARNING_CASES)
def test_moodle_imports_it_so_it_is_imported_with_a_warning(source, expected_warnings, expected):
    result = parse_gift(source)
    assert [(w.line, w.message) for w in result.warnings] == expected_warnings
    if expected is not None:
        (question,) = result.questions
        assert {key: _shape(question, key) for key in expected} == expected


def test_a_line_zero_separates_questions_like_an_empty_line():
    # Moodle's empty("0") treats such a line as blank: the text before it is a description, "{}" an essay.
    result = parse_gift("Сколько будет 1 - 1?\n0\n{}")
    assert [(q.type, q.text, q.name) for q in result.questions] == [
        ("description", "Сколько будет 1 - 1?", "Сколько будет 1 - 1?"),
        ("essay", "", DEFAULT_QUESTION_NAME),
    ]


def test_a_category_line_glued_to_a_question_swallows_it_as_moodle_does():
    result = parse_gift("$CATEGORY: Блок\n::Q::Текст{}\n\nВторой {}")
    assert result.categories == ["Блок\n::Q::Текст{}"]
    assert [(q.text, q.category) for q in result.questions] == [("Второй", "Блок\n::Q::Текст{}")]
    assert warnings_of("$CATEGORY: Блок\n::Q::Текст{}\n\nВторой {}") == [
        (2, "после строки «$CATEGORY: …» нет пустой строки: как и Moodle, следующие строки считаются частью "
            "имени категории, вопроса из них не получается")
    ]


def test_a_file_of_categories_only_imports_the_categories():
    result = parse_gift("$CATEGORY: $course$/top/Блок 01\n\n$CATEGORY: $course$/top/Блок 02\n")
    assert result.questions == [] and result.categories == ["$course$/top/Блок 01", "$course$/top/Блок 02"]
    assert [w.message for w in result.warnings] == [
        "после категории «$course$/top/Блок 01» нет ни одного вопроса: категория будет создана пустой",
        "после категории «$course$/top/Блок 02» нет ни одного вопроса: категория будет создана пустой",
    ]


def test_an_empty_category_name_is_the_default_category():
    result = parse_gift("$CATEGORY:\n\nВопрос {}")
    assert result.questions[0].category == ""
    assert warnings_of("$CATEGORY:\n\nВопрос {}") == [
        (1, "пустое имя категории после «$CATEGORY:»: вопросы попадут в категорию по умолчанию")
    ]


def test_a_title_spanning_two_lines_is_read_as_moodle_reads_it():
    question = parse_one("::Question title\n:: Question {=a ~b}")
    assert (question.name, question.text, question.type) == ("Question title", "Question", "multichoice")
    assert warnings_of("::Question title\n:: Question {=a ~b}") == []


# ---------------------------------------------------------------------------------------------
# All or nothing
# ---------------------------------------------------------------------------------------------


def test_one_broken_question_among_good_ones_fails_the_whole_import():
    source = "::A::Первый {=да ~нет}\n\n::B::Второй {#2}\n\n::C::Третий {#два}\n\n::D::Четвёртый {T}\n"
    with pytest.raises(GiftImportError) as caught:
        parse_gift(source)
    assert caught.value.problems == [GiftProblem(5, "в числовом ответе «два» не число")]


def test_every_error_of_the_file_is_collected_in_line_order_and_joined_in_str():
    source = (
        "::A::Первый {=да ~нет\n\n"
        "::B::Второй {#два}\n\n"
        "::C::Третий {=a} и {=b}\n\n"
        "::D::Четвёртый {~%200%a ~b}\n"
    )
    with pytest.raises(GiftImportError) as caught:
        parse_gift(source)
    error = caught.value
    assert [(p.line, p.message) for p in error.problems] == [
        (1, "блок ответов не закрыт: у «{» нет парной «}» (если это часть текста, пишите «\\{»)"),
        (3, "в числовом ответе «два» не число"),
        (7, "вес «%200%» вне диапазона от -100% до 100%: Moodle такой файл не примет"),
    ]
    assert str(error).splitlines() == [
        "Строка 1: блок ответов не закрыт: у «{» нет парной «}» (если это часть текста, пишите «\\{»)",
        "Строка 3: в числовом ответе «два» не число",
        "Строка 7: вес «%200%» вне диапазона от -100% до 100%: Moodle такой файл не примет",
    ]
    assert [(p.line, p.code) for p in error.warnings] == [(5, "second-block")]


def test_import_error_carries_the_warnings_too():
    source = "Текст{=[html]a ~b}\n\nСколько?{#x}"
    with pytest.raises(GiftImportError) as caught:
        parse_gift(source)
    assert [p.line for p in caught.value.warnings] == [1]


# ---------------------------------------------------------------------------------------------
# Warnings
# ---------------------------------------------------------------------------------------------


def test_warning_for_a_dropped_format_of_an_answer_or_feedback():
    source = "Текст{\n=a#[html]<b>да</b>\n~[plain]b\n####[markdown]**итог**\n}"
    question = parse_one(source)
    assert answers(question) == [("a", 1.0, "<b>да</b>"), ("b", 0.0, "")]
    assert question.general_feedback == "**итог**"
    assert warnings_of(source) == [
        (2, "формат «[html]» у отзыва не сохраняется: в JSON у вопроса один формат, «moodle»"),
        (3, "формат «[plain]» у варианта ответа не сохраняется: в JSON у вопроса один формат, «moodle»"),
        (4, "формат «[markdown]» у общего отзыва не сохраняется: в JSON у вопроса один формат, «moodle»"),
    ]


def test_warning_for_an_answer_marker_glued_to_a_feedback():
    source = "Сколько будет 2+2?{=четыре#верно, 2+2=4 ~пять}"
    question = parse_one(source)
    # Like Moodle, "=" starts a new answer; the warning says so.
    assert [a.text for a in question.answers] == ["четыре", "4", "пять"]
    assert warnings_of(source) == [
        (1, "«=» сразу после отзыва «верно, 2+2» начинает новый вариант ответа; если это часть текста, пишите «\\=»")
    ]


def test_no_warning_for_escaped_or_spaced_markers():
    assert warnings_of("Что?{=четыре#верно, 2+2\\=4 ~пять#нет}") == []


def test_warning_for_a_category_without_questions():
    source = "$CATEGORY: Пустая\n\n$CATEGORY: Полная\n\nВопрос {}\n\n$CATEGORY: Хвост\n"
    assert warnings_of(source) == [
        (1, "после категории «Пустая» нет ни одного вопроса: категория будет создана пустой"),
        (7, "после категории «Хвост» нет ни одного вопроса: категория будет создана пустой"),
    ]


# ---------------------------------------------------------------------------------------------
# Id numbers and tags in comments (Moodle 3.9+)
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "comment, idnumber, tags",
    [
        ("// Обычный комментарий.", None, []),
        ("// Вопрос с [id:frog] внутри.", "frog", []),
        ("// Метки: [tag:frog] [tag:toad].", None, ["frog", "toad"]),
        ("// [tag:a] [id:four] [tag:b] [tag:c]", "four", ["a", "b", "c"]),
        ("// [tag:  a ] [id:  four  ] [tag:b  ] [tag:  c]", "four", ["a", "b", "c"]),
        ("// [id:abc\\]def]", "abc]def", []),
        ("// [tag:abc\\]def] [tag:x]", None, ["abc]def", "x"]),
        ("// [id:first] [id:second]", "first", []),  # the first id counts
        ("// [tag:Блок 1] [tag:блок 1] [tag:]", None, ["Блок 1"]),  # one tag per name, ignoring case
    ],
)
def test_id_number_and_tags_come_from_the_question_comments(comment, idnumber, tags):
    question = parse_one(f"{comment}\nВопрос {{}}")
    assert (question.idnumber, question.tags) == (idnumber, tags)


def test_id_and_tags_on_several_comment_lines_and_inside_the_question():
    question = parse_one("// [id:Б01-05]\n::Q::Вопрос {\n// [tag:метрики]\n=да ~нет\n}")
    assert (question.idnumber, question.tags) == ("Б01-05", ["метрики"])
    assert question.to_dict()["idnumber"] == "Б01-05" and question.to_dict()["tags"] == ["метрики"]


def test_ids_in_a_comment_separated_by_a_blank_line_belong_to_no_question():
    result = parse_gift("// [id:q1] [tag:блок1]\n\nВопрос {}")
    assert result.questions[0].idnumber is None and result.questions[0].tags == []
    assert [(w.line, w.message) for w in result.warnings] == [
        (1, "[id:…] и [tag:…] в комментарии, отделённом от вопроса пустой строкой, ни к какому вопросу не относятся")
    ]


def test_a_second_question_with_the_same_id_in_a_category_loses_it_as_in_moodle():
    result = parse_gift("// [id:x]\nПервый {}\n\n// [id:x]\nВторой {}\n\n$CATEGORY: Другая\n\n// [id:x]\nТретий {}")
    assert [q.idnumber for q in result.questions] == ["x", None, "x"]
    assert [(w.line, w.message) for w in result.warnings] == [
        (5, "id «x» уже есть у вопроса в строке 2 той же категории: как и в Moodle, у этого вопроса id нет")
    ]


def test_export_writes_id_and_tags_as_a_comment_and_reads_them_back():
    question = GiftQuestion(type="essay", name="E", text="e", idnumber="a]b", tags=["x", "y z"])
    out = export_gift([question])
    assert out.startswith("// [id:a\\]b] [tag:x] [tag:y z]\n::E::e{}")
    assert parse_one(out).to_dict() == question.to_dict()


# ---------------------------------------------------------------------------------------------
# JSON schema
# ---------------------------------------------------------------------------------------------


def test_json_keys_per_type_are_stable():
    result = parse_gift((SAMPLES / "all_types.gift").read_bytes())
    common = ["type", "name", "text", "format", "category", "general_feedback"]
    keys = {q["type"]: list(q) for q in json.loads(to_json(result))}
    assert keys == {
        "multichoice": common + ["answers", "single"],
        "truefalse": common + ["answers"],
        "shortanswer": common + ["answers"],
        "matching": common + ["pairs"],
        "numerical": common + ["numerical"],
        "essay": common,
        "description": common,
    }


def test_sample_file_as_json():
    result = parse_gift((SAMPLES / "all_types.gift").read_bytes())
    assert result.warnings == []
    data = json.loads(to_json(result))
    assert [(q["type"], q["name"], q["category"]) for q in data] == [
        ("multichoice", "Выбор", "Курс/Блок 01"),
        ("multichoice", "Несколько верных", "Курс/Блок 01"),
        ("multichoice", "Столица России — _____, это известно всем.", "Курс/Блок 01"),
        ("truefalse", "Верно-неверно", "Курс/Блок 01"),
        ("shortanswer", "Короткий ответ", "Курс/Блок 01"),
        ("matching", "Соответствие", "Курс/Блок 01"),
        ("numerical", "Число", "Курс/Блок 02"),
        ("numerical", "Диапазон", "Курс/Блок 02"),
        ("essay", "Эссе", "Курс/Блок 02"),
        ("description", "Описание", "Курс/Блок 02"),
    ]
    assert data[0] == {
        "type": "multichoice",
        "name": "Выбор",
        "text": "Какой цвет между оранжевым и зелёным?",
        "format": "moodle",
        "category": "Курс/Блок 01",
        "general_feedback": "Спектр: красный, оранжевый, жёлтый, зелёный.",
        "answers": [
            {"text": "жёлтый", "fraction": 1.0, "feedback": "Верно!"},
            {"text": "красный", "fraction": 0.0, "feedback": "Нет, красный левее."},
            {"text": "синий", "fraction": 0.0, "feedback": ""},
        ],
        "single": True,
    }
    assert data[3]["answers"] == [
        {"text": "true", "fraction": 0.0, "feedback": "Нет, на востоке."},
        {"text": "false", "fraction": 1.0, "feedback": "Правильно!"},
    ]
    assert data[6]["numerical"] == [
        {"value": 4.0, "tolerance": 0.5, "fraction": 1.0, "feedback": "Верно"},
        {"value": None, "tolerance": 0.0, "fraction": 0.0, "feedback": "Пересчитайте"},
    ]
    assert data[7]["numerical"] == [{"value": 3.0, "tolerance": 2.0, "fraction": 1.0, "feedback": ""}]
    assert data[8]["format"] == "markdown" and data[8]["text"] == "Опишите **свой** опыт."
    assert data[9] == {
        "type": "description",
        "name": "Описание",
        "text": "<p>Дальше — вопросы о клиентском опыте.</p>",
        "format": "html",
        "category": "Курс/Блок 02",
        "general_feedback": "",
    }


def test_to_json_accepts_a_list_and_keeps_cyrillic():
    question = GiftQuestion(type="essay", name="Эссе", text="Текст")
    text = to_json([question])
    assert "Эссе" in text and "\\u" not in text
    assert text == to_json(GiftParseResult([question]))
    assert text.startswith("[\n  {\n")


# ---------------------------------------------------------------------------------------------
# Export
# ---------------------------------------------------------------------------------------------


def test_export_writes_categories_titles_escapes_markers_and_feedback():
    questions = [
        GiftQuestion(
            type="multichoice",
            name="Q:1",
            text="Что {между}\nцветами?",
            format="html",
            category="Курс/Блок 01",
            general_feedback="Итог #1",
            answers=[GiftAnswer("жёлтый", 1.0, "да = верно"), GiftAnswer("~красный", 0.0, "")],
            single=True,
        ),
        GiftQuestion(
            type="truefalse",
            name="TF",
            text="Небо голубое.",
            category="Курс/Блок 01",
            answers=[GiftAnswer("true", 0.0, "увы"), GiftAnswer("false", 1.0, "да")],
        ),
        GiftQuestion(
            type="numerical",
            name="N",
            text="Сколько?",
            category="Курс/Блок 02",
            numerical=[GiftNumericAnswer(4.0, 0.5, 1.0, "Верно"), GiftNumericAnswer(None, 0, 0, "Нет")],
        ),
    ]
    assert export_gift(questions) == (
        "$CATEGORY: Курс/Блок 01\n\n"
        "::Q\\:1::[html]Что \\{между\\}\\nцветами?{\n"
        "\t=жёлтый#да \\= верно\n"
        "\t~\\~красный\n"
        "\t####Итог \\#1\n"
        "}\n\n"
        "::TF::Небо голубое.{FALSE#увы#да}\n\n"
        "$CATEGORY: Курс/Блок 02\n\n"
        "::N::Сколько?{#\n"
        "\t=%100%4.0:0.5#Верно\n"
        "\t~#Нет\n"
        "}\n\n"
    )


def test_export_protects_texts_that_would_read_as_markers_or_weights():
    question = GiftQuestion(
        type="multichoice",
        name="M",
        text="[Заметка] текст",
        answers=[GiftAnswer("%50% скидка", 1.0, "[ok]"), GiftAnswer("%x", 0.0, "")],
        single=True,
    )
    out = export_gift([question])
    assert "::M::[moodle][Заметка] текст{" in out
    assert "\t=[moodle]%50% скидка#[moodle][ok]\n" in out
    assert parse_one(out).to_dict() == question.to_dict()


def test_export_of_a_single_choice_with_only_right_answers_stays_multichoice():
    question = GiftQuestion(
        type="multichoice",
        name="M",
        text="Любой ответ верен",
        answers=[GiftAnswer("a", 1.0, ""), GiftAnswer("b", 1.0, "")],
        single=True,
    )
    out = export_gift([question])
    assert "\t=a\n\t~%100%b\n" in out
    assert parse_one(out).to_dict() == question.to_dict()


def test_export_keeps_what_only_empty_answers_can_carry():
    # Moodle drops empty answers on import, so an empty "~" keeps a one-answer question a multichoice and an empty
    # "=" keeps a question without a right answer single-answer.
    questions = [
        GiftQuestion(type="multichoice", name="M1", text="m", answers=[GiftAnswer("a", 1.0, "")], single=True),
        GiftQuestion(type="multichoice", name="M2", text="m",
                     answers=[GiftAnswer("a", 0.5, ""), GiftAnswer("b", 0.5, "")], single=True),
        GiftQuestion(type="matching", name="P", text="p", pairs=[GiftPair("a", "b")]),
    ]
    out = export_gift(questions)
    assert "::M1::m{\n\t=a\n\t~\n}" in out and "\t~%50%b\n\t=\n}" in out and "\t=a -> b\n\t= ->\n}" in out
    assert round_trip(questions) == [q.to_dict() for q in questions]


@pytest.mark.parametrize(
    "questions, message",
    [
        (
            [
                GiftQuestion(type="essay", name="A", text="a", category="К"),
                GiftQuestion(type="essay", name="B", text="b"),
            ],
            "Вопрос «B»: вопрос без категории после вопросов с категорией: в GIFT так нельзя",
        ),
        (
            # one answer at 100 % is written as «{a->b}» (no «=»: Moodle reads a short answer); with a second
            # answer the «=» marks make it a matching question
            [GiftQuestion(type="shortanswer", name="S", text="s",
                          answers=[GiftAnswer("a->b", 1.0, ""), GiftAnswer("c", 0.5, "")])],
            "Вопрос «S»: «->» в ответе или отзыве на короткий ответ GIFT прочтёт как соответствие",
        ),
        (
            [
                GiftQuestion(
                    type="matching",
                    name="M",
                    text="m",
                    pairs=[GiftPair("a->b", "c"), GiftPair("d", "e")],
                )
            ],
            "Вопрос «M»: «->» в вопросе пары «a->b»",
        ),
        (
            [
                GiftQuestion(
                    type="numerical",
                    name="N",
                    text="n",
                    numerical=[GiftNumericAnswer(float("inf"), 0.0, 1.0, "")],
                )
            ],
            "Вопрос «N»: число inf нельзя записать в GIFT",
        ),
        (
            [GiftQuestion(type="description", name="D", text="d", general_feedback="x")],
            "Вопрос «D»: у описания не бывает общего отзыва",
        ),
        (
            [GiftQuestion(type="essay", name="E", text="e", category="a\nb")],
            "Вопрос «E»: категорию «a\nb» нельзя записать",
        ),
        (
            [GiftQuestion(type="quiz", name="Q", text="q")],
            "Вопрос «Q»: неизвестный тип «quiz»",
        ),
        (
            [GiftQuestion(type="essay", name="F", text="f", format="wiki")],
            "Вопрос «F»: неизвестный формат «wiki»",
        ),
        (
            [GiftQuestion(type="multichoice", name="M", text="m", answers=[GiftAnswer("a", 1.0, "")])],
            "Вопрос «M»: у вопроса с выбором не задано single",
        ),
        (
            [
                GiftQuestion(
                    type="numerical",
                    name="N",
                    text="n",
                    numerical=[GiftNumericAnswer(1.0, -0.5, 1.0, "")],
                )
            ],
            "Вопрос «N»: отрицательный допуск -0.5",
        ),
        (
            [GiftQuestion(type="truefalse", name="T", text="t", answers=[GiftAnswer("true", 1.0, "")])],
            "Вопрос «T»: ответы верно/неверно должны быть «true» и «false»",
        ),
    ],
)
def test_export_refuses_what_gift_cannot_express(questions, message):
    with pytest.raises(ValueError) as caught:
        export_gift(questions)
    assert str(caught.value) == message


# ---------------------------------------------------------------------------------------------
# Round trip: export, then import, gives equal to_dict()
# ---------------------------------------------------------------------------------------------


def round_trip(questions: list[GiftQuestion]) -> list[dict]:
    return [q.to_dict() for q in parse_gift(export_gift(questions)).questions]


def test_round_trip_of_the_sample_file():
    result = parse_gift((SAMPLES / "all_types.gift").read_bytes())
    assert round_trip(result.questions) == [q.to_dict() for q in result.questions]


def test_round_trip_of_tricky_texts():
    tricky = "Все знаки: ~ = # { } : \\ \\n // [html] %50% -> _____ «ёлки» \t табы\nи строки"
    category = "Категория: «первая» \\ // #1"
    questions = [
        GiftQuestion(type="essay", name=tricky, text=tricky, format="markdown", general_feedback=tricky),
        GiftQuestion(
            type="multichoice",
            name="::",
            text="[plain]" + tricky,
            format="plain",
            category=category,
            answers=[GiftAnswer(tricky, 0.5, tricky), GiftAnswer("#", 0.5, "~"), GiftAnswer("=", -1.0, "")],
            single=False,
        ),
        GiftQuestion(
            type="matching",
            name="m",
            text=tricky,
            category=category,
            pairs=[GiftPair(tricky.replace("->", ""), tricky), GiftPair("[x]", "[html]y"), GiftPair("", "z")],
        ),
        GiftQuestion(
            type="truefalse",
            name="t",
            text="Утверждение",
            category="Вторая",
            answers=[GiftAnswer("true", 1.0, ""), GiftAnswer("false", 0.0, tricky)],
        ),
        GiftQuestion(type="description", name="d", text=tricky, format="html", category="Вторая"),
    ]
    assert round_trip(questions) == [q.to_dict() for q in questions]


PHP_WHITESPACE = " \t\n\r\0\x0b"
ALPHABET = list("abzАЯжё019 \t\n~=#{}:\\[]%<>-_*./'\"&;!?$@") + ["//", "->", "####", "[html]", "%50%", "\\n"]


def canonical_texts(min_size: int = 0, avoid: tuple[str, ...] = ()) -> st.SearchStrategy[str]:
    """Texts as the importer gives them back: trimmed (PHP's trim), no carriage returns, no "&&" (Moodle reads
    "&&058;" and the like as escaped characters, so no GIFT file can hold them literally)."""
    return (
        st.lists(st.sampled_from(ALPHABET), max_size=12)
        .map(lambda parts: "".join(parts).strip(PHP_WHITESPACE))
        .filter(lambda text: len(text) >= min_size and not any(bad in text for bad in (*avoid, "&&")))
    )


names = canonical_texts(1, avoid=("<",))
fractions = st.one_of(
    st.sampled_from([0.0, 1.0, 0.5, -0.5, 0.3333333, -1.0, 0.1, 0.05, 0.33, -0.0123]),
    # A weight within 0.00001 of Moodle's grade list is saved as the list's value, as Moodle saves it.
    st.floats(min_value=-1.0, max_value=1.0, allow_nan=False).filter(lambda f: match_moodle_fraction(f) in (None, f)),
)
formats = st.sampled_from(["moodle", "html", "plain", "markdown"])


@st.composite
def multichoice(draw) -> dict:
    single = draw(st.booleans())
    if single:
        rights = [1.0]
        others = draw(st.lists(fractions, max_size=3))
    else:
        rights = draw(st.sampled_from([[1.0], [0.5, 0.5], [0.3333333] * 3, [0.25] * 4, [0.6, 0.4]]))
        others = draw(st.lists(st.sampled_from([0.0, -0.5, -1.0, -0.25]), max_size=3))
    weights = draw(st.permutations(rights + others))
    if len(weights) < 2:
        weights = weights + [0.0]
    return {
        "single": single,
        "answers": [GiftAnswer(draw(canonical_texts(1)), weight, draw(canonical_texts())) for weight in weights],
    }


@st.composite
def questions(draw, category: str | None) -> GiftQuestion:
    kind = draw(
        st.sampled_from(["multichoice", "truefalse", "shortanswer", "matching", "numerical", "essay", "description"])
    )
    question = GiftQuestion(
        type=kind,
        name=draw(names),
        text=draw(canonical_texts(1)),
        format=draw(formats),
        category=category,
        general_feedback="" if kind == "description" else draw(canonical_texts()),
    )
    if kind == "multichoice":
        data = draw(multichoice())
        question.single, question.answers = data["single"], data["answers"]
    elif kind == "truefalse":
        right_is_true = draw(st.booleans())
        question.answers = [
            GiftAnswer("true", 1.0 if right_is_true else 0.0, draw(canonical_texts())),
            GiftAnswer("false", 0.0 if right_is_true else 1.0, draw(canonical_texts())),
        ]
    elif kind == "shortanswer":
        plain = canonical_texts(1, avoid=("->",))
        weights = [1.0] + draw(st.lists(fractions, max_size=3))
        question.answers = [
            GiftAnswer(draw(plain), weight, draw(canonical_texts(avoid=("->",))))
            for weight in draw(st.permutations(weights))
        ]
    elif kind == "matching":
        pairs = draw(st.lists(st.tuples(canonical_texts(1, avoid=("->",)), canonical_texts(1)), min_size=2, max_size=4))
        extra = draw(st.lists(canonical_texts(1), max_size=1))
        question.pairs = [GiftPair(q, a) for q, a in pairs] + [GiftPair("", a) for a in extra]
    elif kind == "numerical":
        finite = st.floats(allow_nan=False, allow_infinity=False)
        tolerance = st.floats(min_value=0.0, allow_nan=False, allow_infinity=False)
        weights = [1.0] + draw(st.lists(fractions, max_size=2))
        question.numerical = [
            GiftNumericAnswer(draw(finite), draw(tolerance), weight, draw(canonical_texts()))
            for weight in draw(st.permutations(weights))
        ]
        if draw(st.booleans()):
            position = draw(st.integers(0, len(question.numerical)))
            other = GiftNumericAnswer(None, 0.0, draw(fractions), draw(canonical_texts()))
            question.numerical.insert(position, other)
    return question


@st.composite
def question_lists(draw) -> list[GiftQuestion]:
    categories = draw(st.lists(canonical_texts(1, avoid=("\n",)), max_size=3))
    result = []
    if draw(st.booleans()):
        result += draw(st.lists(questions(None), min_size=1, max_size=2))
    for category in categories:
        result += draw(st.lists(questions(category), min_size=1, max_size=3))
    if not result:
        result.append(draw(questions(None)))
    return result


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(question_lists())
def test_round_trip_property(generated):
    assert round_trip(generated) == [q.to_dict() for q in generated]


GIFT_PIECES = ALPHABET + ["\n\n", "{", "}", "T", "F", "::", "=a", "~b", "#3", "->", "\n$CATEGORY: К\n\n", "0", "."]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(GIFT_PIECES), max_size=30).map("".join))
def test_any_input_either_parses_or_raises_import_error(source):
    try:
        result = parse_gift(source)
    except GiftImportError as error:
        assert error.problems and all(p.line >= 1 and p.message for p in error.problems)
    else:
        assert result.questions or result.categories
        if result.questions:  # what was imported can be exported and imported again unchanged
            assert round_trip(result.questions) == [q.to_dict() for q in result.questions]
