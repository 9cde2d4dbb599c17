"""Aiken: the simplest question format, written by hand — single-choice questions only.

    Какой показатель измеряет усилия клиента?
    A) NPS
    B) CES
    C) CSI
    ANSWER: B

Read as Moodle's ``qformat_aiken`` reads it (question/format/aiken/format.php): the question text on one line,
then at least two options (a Latin capital letter, ")" or ".", the text), then ``ANSWER: <letter>``; blank lines
(and lines shorter than two bytes) are skipped. Texts are HTML-escaped and saved as HTML, the name is the start of
the text. Pure Python; every problem is reported in Russian with its line and nothing is imported if there is one
(all-or-nothing, as in Moodle, which stops on any of them). The contract is in docs/quiz-formats.md.
"""
from __future__ import annotations

import html
import re

from training.quizzes.gift import (
    GiftAnswer,
    GiftImportError,
    GiftParseResult,
    GiftProblem,
    GiftQuestion,
    Msg,
)
from training.quizzes.gift import _default_question_name as default_question_name
from training.quizzes.gift import _php_trim as php_trim
from training.quizzes.gift import _quote as short

__all__ = ["parse_aiken"]

_OPTION_RE = re.compile(r"^[A-Z][).][ \t]?")
_ANSWER_RE = re.compile(r"^ANSWER:")
# What a person may have meant as an option or an answer line, for a clearer message.
_CYRILLIC_OPTION_RE = re.compile(r"^[А-ЯЁ][).]")
_ANSWER_LIKE_RE = re.compile(r"^(?:answer|ответ)\s*:", re.IGNORECASE)
_LATIN_FOR_CYRILLIC = dict(zip("АВСЕНКМОРТХ", "ABCEHKMOPTX", strict=True))


class AikenMsg:
    OPTION_BEFORE_QUESTION = "вариант ответа «{text}» до текста вопроса: сначала строка с вопросом"
    ANSWER_BEFORE_QUESTION = "строка «ANSWER:» без вопроса перед ней"
    NOT_FINISHED = (
        "вопрос «{text}» не закончен строкой «ANSWER: буква»; текст вопроса пишется в одну строку, "
        "каждый вариант — с новой строки: «A) текст»"
    )
    TOO_FEW = "у вопроса «{text}» меньше двух вариантов ответа"
    NO_LETTER = "в строке «ANSWER:» нет буквы верного ответа"
    LETTER_UNKNOWN = "верный ответ «{letter}», а варианты у вопроса — {letters}"
    CYRILLIC_OPTION = (
        "буква варианта «{letter}» — русская: пишите латинскими буквами A, B, C… (например, «{latin})»)"
    )
    CYRILLIC_ANSWER = "буква ответа «{letter}» — русская: пишите латинскую, например «ANSWER: {latin}»"
    ANSWER_CASE = "строку ответа пишите заглавными латинскими буквами: «ANSWER: {letter}»"


class _Question:
    def __init__(self, line: int, text: str):
        self.line = line
        self.text = text
        self.options: list[str] = []


def parse_aiken(source: str | bytes) -> GiftParseResult:
    """Read an Aiken file; raise GiftImportError with every problem (by line) if there is any."""
    problems: list[GiftProblem] = []
    if isinstance(source, bytes):
        try:
            source = source.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = source[: exc.start].count(b"\n") + 1
            raise GiftImportError([GiftProblem(line, Msg.NOT_UTF8.format(byte=source[exc.start]), "not-utf8")]) \
                from exc
    text = source[1:] if source.startswith("\ufeff") else source

    def error(line: int, message: str, code: str) -> None:
        problems.append(GiftProblem(line, message, code))

    questions: list[GiftQuestion] = []
    current: _Question | None = None
    # Moodle splits every line again at "\r", counting each piece as a line.
    lines = [piece for line in text.split("\n") for piece in line.split("\r")]
    for number, raw in enumerate(lines, start=1):
        line = php_trim(raw)
        if len(line.encode("utf-8")) < 2:
            continue
        if _OPTION_RE.match(line):
            if current is None:
                error(number, AikenMsg.OPTION_BEFORE_QUESTION.format(text=short(line)), "aiken-option-first")
                continue
            current.options.append(php_trim(line[2:]))
        elif _ANSWER_RE.match(line):
            if current is None:
                error(number, AikenMsg.ANSWER_BEFORE_QUESTION, "aiken-answer-first")
                continue
            question, current = current, None
            letter = php_trim(line[line.index(":") + 1 :])[:1]
            if len(question.options) < 2:
                error(number, AikenMsg.TOO_FEW.format(text=short(question.text)), "aiken-few")
                continue
            letters = [chr(ord("A") + index) for index in range(len(question.options))]
            if not letter:
                error(number, AikenMsg.NO_LETTER, "aiken-letter")
            elif letter in _LATIN_FOR_CYRILLIC:
                error(number, AikenMsg.CYRILLIC_ANSWER.format(letter=letter, latin=_LATIN_FOR_CYRILLIC[letter]),
                      "aiken-letter")
            elif letter not in letters:
                error(number, AikenMsg.LETTER_UNKNOWN.format(letter=letter, letters=", ".join(letters)),
                      "aiken-letter")
            else:
                questions.append(_build(question, letters.index(letter)))
        elif match := _CYRILLIC_OPTION_RE.match(line):
            letter = match.group()[0]
            latin = _LATIN_FOR_CYRILLIC.get(letter, "A")
            error(number, AikenMsg.CYRILLIC_OPTION.format(letter=letter, latin=latin), "aiken-cyrillic")
        elif _ANSWER_LIKE_RE.match(line):
            letter = php_trim(line[line.index(":") + 1 :])[:1].upper() or "A"
            error(number, AikenMsg.ANSWER_CASE.format(letter=letter), "aiken-answer-case")
            current = None
        else:
            if current is not None:
                error(number, AikenMsg.NOT_FINISHED.format(text=short(current.text)), "aiken-unfinished")
            current = _Question(number, line)
    if current is not None:
        error(current.line, AikenMsg.NOT_FINISHED.format(text=short(current.text)), "aiken-unfinished")
    if not questions and not problems:
        error(1, Msg.NO_QUESTIONS, "no-questions")
    if problems:
        raise GiftImportError(sorted(problems, key=lambda problem: problem.line))
    return GiftParseResult(questions, [], [], format="aiken")


def _build(question: _Question, right: int) -> GiftQuestion:
    return GiftQuestion(
        type="multichoice",
        name=default_question_name(question.text),
        text=html.escape(question.text, quote=False),
        format="html",
        answers=[GiftAnswer(html.escape(option, quote=False), 1.0 if index == right else 0.0, "")
                 for index, option in enumerate(question.options)],
        single=True,
        line=question.line,
    )
