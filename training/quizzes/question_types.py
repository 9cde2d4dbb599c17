"""The kinds of questions the bank holds (Moodle's types), with their Russian names."""
from __future__ import annotations

import enum


class QuestionType(enum.StrEnum):
    MULTICHOICE = "multichoice"
    TRUEFALSE = "truefalse"
    SHORTANSWER = "shortanswer"
    MATCHING = "matching"
    NUMERICAL = "numerical"
    ESSAY = "essay"
    DESCRIPTION = "description"

    @property
    def label(self) -> str:
        return QUESTION_TYPE_LABELS[self]


QUESTION_TYPE_LABELS = {
    QuestionType.MULTICHOICE: "выбор ответа",
    QuestionType.TRUEFALSE: "верно / неверно",
    QuestionType.SHORTANSWER: "короткий ответ",
    QuestionType.MATCHING: "на соответствие",
    QuestionType.NUMERICAL: "числовой ответ",
    QuestionType.ESSAY: "эссе (проверяет преподаватель)",
    QuestionType.DESCRIPTION: "описание (без оценки)",
}
