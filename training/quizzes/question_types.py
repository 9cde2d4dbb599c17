"""The kinds of questions the bank holds (Moodle's types), with their Russian names."""
from __future__ import annotations

from training.db import LabelledEnum


class QuestionType(LabelledEnum):
    MULTICHOICE = "multichoice", "выбор ответа"
    TRUEFALSE = "truefalse", "верно / неверно"
    SHORTANSWER = "shortanswer", "короткий ответ"
    MATCHING = "matching", "на соответствие"
    NUMERICAL = "numerical", "числовой ответ"
    ESSAY = "essay", "эссе (проверяет преподаватель)"
    DESCRIPTION = "description", "описание (без оценки)"
