"""GIFT (Moodle's question text format): an importer that reads a file exactly as Moodle does, and an exporter.

Pure Python, no Flask or SQLAlchemy: the rest of the app imports it.

``parse_gift`` follows Moodle's ``qformat_gift::readquestion`` (question/format/gift/format.php, Moodle 4.x) and
the parts of ``qformat_default::importprocess`` that change what is saved (grades matched to Moodle's list, empty
answers dropped, id numbers and tags from comments). A file Moodle imports gives here the same questions, field by
field. Where Moodle silently does something surprising, the same is imported and a **warning** (Russian, with a
line number) says so. An **error** is raised only for what Moodle itself refuses or what cannot be a question (a
file that is not UTF-8, a brace without its pair, a numerical answer that is not a number…). Import is
all-or-nothing: every problem of the file is collected and one ``GiftImportError`` carries them all.

``export_gift`` writes questions so that ``parse_gift`` gives them back unchanged (equal ``to_dict()``). The
public contract (JSON schema, messages, differences from Moodle) is described in docs/gift.md.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

__all__ = [
    "DEFAULT_QUESTION_NAME",
    "FORMATS",
    "MOODLE_FRACTIONS",
    "QUESTION_TYPES",
    "GiftAnswer",
    "GiftImportError",
    "GiftNumericAnswer",
    "GiftPair",
    "GiftParseResult",
    "GiftProblem",
    "GiftQuestion",
    "QuestionFile",
    "clean_tags",
    "idnumber_and_tags",
    "match_moodle_fraction",
    "percent_text",
    "export_gift",
    "parse_gift",
    "to_json",
]

#: Question types, in the names of the JSON schema (Moodle calls "matching" "match").
QUESTION_TYPES = (
    "multichoice",
    "truefalse",
    "shortanswer",
    "matching",
    "numerical",
    "essay",
    "description",
)

#: Text formats that a ``[format]`` marker may name; "moodle" is the default, as in Moodle.
FORMATS = ("moodle", "html", "plain", "markdown")
DEFAULT_FORMAT = "moodle"

#: Name used when a question has no title and its text gives no name either (text made only of
#: HTML tags): Moodle's string ``questionname`` of the Russian language pack.
DEFAULT_QUESTION_NAME = "Название вопроса"

#: What Moodle puts in place of the answer block of a missing-word question.
MISSING_WORD_BLANK = "_____"

#: Moodle's grade list (question_bank::fraction_options_full). Its importer matches every answer's fraction to
#: this list within 0.00001 and saves the list's value; a fraction not in the list stops the import with the
#: default setting («Ошибка, если оценки нет в списке») or is rounded to the nearest with «Ближайшая оценка».
_POSITIVE_FRACTIONS = (1.0, 0.9, 0.8333333, 0.8, 0.75, 0.7, 0.6666667, 0.6, 0.5, 0.4, 0.3333333, 0.3, 0.25, 0.2,
                       0.1666667, 0.1428571, 0.125, 0.1111111, 0.1, 0.05)
MOODLE_FRACTIONS = (*_POSITIVE_FRACTIONS, 0.0, *(-value for value in _POSITIVE_FRACTIONS))
_GRADE_MATCH = 0.00001

# PHP's trim() characters: Moodle trims with these, not with Unicode whitespace.
_PHP_WHITESPACE = " \t\n\r\0\x0b"

# C's isspace(), which PHP's strip_tags() uses to tell "a < b" from a tag.
_C_WHITESPACE = " \t\n\v\f\r"

# Characters that a backslash escapes in GIFT; "\n" is a newline and "\\" a backslash.
_ESCAPABLE = frozenset(":#={}~")
# Moodle replaces an escaped character by a placeholder while it parses (escapedchar_pre) and back at the end
# (escapedchar_post). The placeholders are ordinary text, so one written literally in a file acts the same.
_PLACEHOLDERS = {":": "&&058;", "#": "&&035;", "=": "&&061;", "{": "&&123;", "}": "&&125;", "~": "&&126;",
                 "\n": "&&010"}
_LITERAL_PLACEHOLDERS = {value: key for key, value in _PLACEHOLDERS.items()}
_BACKSLASH_PLACEHOLDER = "&&092;"

_TRUE_WORDS = ("T", "TRUE")
_FALSE_WORDS = ("F", "FALSE")

# Moodle's $giftanswerweightregex, and what Moodle then divides by 100.
_MOODLE_WEIGHT_RE = re.compile(r"%(-*)([0-9]{1,2})\.?([0-9]*)%")
# Text after "%" that a person most likely meant as a weight: "%33,3%", "%+5%", "%5 0%".
_WEIGHT_LIKE_RE = re.compile(r"%[-+\d.,\s]*\d[-+\d.,\s]*%")
# A number as PHP's is_numeric() accepts it (without hexadecimal and surrounding whitespace).
_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_FORMAT_WORD_RE = re.compile(r"[A-Za-z]{2,}")
_MAX_NAME_LENGTH = 255
_DEFAULT_NAME_LENGTH = 80
#: Moodle's question.idnumber is varchar(100); a longer one fails when Moodle saves the question.
MAX_IDNUMBER_LENGTH = 100
#: Moodle's TAG_MAX_LENGTH.
MAX_TAG_LENGTH = 50

# Moodle's comment tokens (qformat_gift::extract_idnumber_and_tags_from_comment): "[id:…]" (the first one counts)
# and any number of "[tag:…]"; "\]" stands for "]".
_ID_TOKEN_RE = re.compile(r"\[id:((?:\\]|[^\]\x00-\x1f\x7f])+)]")
_TAG_TOKEN_RE = re.compile(r"\[tag:((?:\\]|[^\]<>`\x00-\x1f\x7f]|)+)]")


# --------------------------------------------------------------------------------------------
# Public data model
# --------------------------------------------------------------------------------------------


@dataclass
class GiftAnswer:
    """An answer of a multichoice, shortanswer or truefalse question."""

    text: str
    fraction: float
    feedback: str = ""

    def to_dict(self) -> dict:
        return {"text": self.text, "fraction": self.fraction, "feedback": self.feedback}


@dataclass
class GiftNumericAnswer:
    """An answer of a numerical question; ``value`` is None for Moodle's "any other answer" (*)."""

    value: float | None
    tolerance: float = 0.0
    fraction: float = 1.0
    feedback: str = ""

    def to_dict(self) -> dict:
        return {
            "value": self.value,
            "tolerance": self.tolerance,
            "fraction": self.fraction,
            "feedback": self.feedback,
        }


@dataclass
class GiftPair:
    """A pair of a matching question; an empty ``question`` is an extra (distractor) answer."""

    question: str
    answer: str

    def to_dict(self) -> dict:
        return {"question": self.question, "answer": self.answer}


@dataclass(frozen=True)
class QuestionFile:
    """A file of a question (an image a text shows as ``@@PLUGINFILE@@/name``), as Moodle XML carries it.

    ``name`` is the path inside the question's file area without the leading slash ("pic.png", "sub/pic.png")."""

    name: str
    content: bytes
    mime_type: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


@dataclass
class GiftQuestion:
    type: str
    name: str
    text: str
    format: str = DEFAULT_FORMAT
    category: str | None = None
    general_feedback: str = ""
    answers: list[GiftAnswer] = field(default_factory=list)
    single: bool | None = None
    pairs: list[GiftPair] = field(default_factory=list)
    numerical: list[GiftNumericAnswer] = field(default_factory=list)
    idnumber: str | None = None
    tags: list[str] = field(default_factory=list)
    files: list[QuestionFile] = field(default_factory=list)
    line: int = 0

    def to_dict(self) -> dict:
        """The JSON object of docs/gift.md: common keys, ``idnumber`` and ``tags`` when set, then only the keys
        of this type. Files are not part of it."""
        data: dict = {
            "type": self.type,
            "name": self.name,
            "text": self.text,
            "format": self.format,
            "category": self.category,
            "general_feedback": self.general_feedback,
        }
        if self.idnumber:
            data["idnumber"] = self.idnumber
        if self.tags:
            data["tags"] = list(self.tags)
        if self.type in ("multichoice", "truefalse", "shortanswer"):
            data["answers"] = [answer.to_dict() for answer in self.answers]
        if self.type == "multichoice":
            data["single"] = self.single
        if self.type == "matching":
            data["pairs"] = [pair.to_dict() for pair in self.pairs]
        if self.type == "numerical":
            data["numerical"] = [answer.to_dict() for answer in self.numerical]
        return data


@dataclass
class GiftProblem:
    """An error or a warning at a line of the file. ``code`` names the kind of problem (see ``Msg``) so that a
    caller can treat some warnings more strictly (the question editor refuses a question nobody can get full
    marks for, which an imported file may contain as Moodle allows it)."""

    line: int
    message: str
    code: str = field(default="", compare=False)

    def __str__(self) -> str:
        return f"Строка {self.line}: {self.message}"


class GiftImportError(Exception):
    """Every error found in a GIFT file; nothing of the file is imported."""

    def __init__(self, problems: Sequence[GiftProblem], warnings: Sequence[GiftProblem] = ()):
        self.problems: list[GiftProblem] = list(problems)
        self.warnings: list[GiftProblem] = list(warnings)
        super().__init__("\n".join(str(problem) for problem in self.problems))


@dataclass
class GiftParseResult:
    questions: list[GiftQuestion]
    warnings: list[GiftProblem] = field(default_factory=list)
    #: every category the file names, in file order, each once (Moodle creates them even without questions)
    categories: list[str] = field(default_factory=list)
    #: the format that was read: "gift", "moodle_xml" or "aiken"
    format: str = "gift"
    #: Moodle question types this app does not have, with how many questions of each the file holds (they are
    #: skipped, and only when the person importing agrees)
    unsupported: dict[str, int] = field(default_factory=dict)


# --------------------------------------------------------------------------------------------
# Messages (the exact texts are part of the contract: docs/gift.md lists them)
# --------------------------------------------------------------------------------------------


class Msg:
    """Error and warning texts; ``{...}`` are filled in with ``str.format``."""

    # Errors: what Moodle refuses, or what cannot be a question.
    NOT_UTF8 = "файл не в кодировке UTF-8 (неверный байт 0x{byte:02X}); сохраните файл в UTF-8"
    NO_QUESTIONS = "в файле нет ни одного вопроса"
    BRACE_UNOPENED = "«}» без открывающей «{» (если это часть текста, пишите «\\}»)"
    BRACE_UNCLOSED = "блок ответов не закрыт: у «{» нет парной «}» (если это часть текста, пишите «\\{»)"
    BRACE_NESTED = "«{» внутри блока ответов (если это часть текста, пишите «\\{»)"
    MULTICHOICE_TOO_FEW = "в вопросе с выбором меньше двух вариантов ответа"
    MULTICHOICE_ALL_EMPTY = "у вопроса с выбором все варианты ответа пустые"
    MATCHING_TOO_FEW = "в вопросе на соответствие меньше двух пар «вопрос -> ответ»"
    MATCHING_NO_ARROW = "в паре «{text}» нет «->»"
    MATCHING_EMPTY_ANSWER = "у пары «{text}» пустой ответ после «->»"
    MATCHING_NO_STEMS = "в вопросе на соответствие нет ни одной пары с вопросом — только лишние ответы «= -> …»"
    SHORTANSWER_NONE = "нет ни одного ответа: каждый ответ начинается с «=»"
    NUMERICAL_NO_ANSWERS = "в числовом вопросе нет ни одного ответа"
    NUMERICAL_BARE_ZERO = (
        "Moodle не читает число «0» без «=» перед ним (для PHP «0» — пустая строка): пишите {#=0}"
    )
    NUMBER_INVALID = "в числовом ответе «{text}» не число"
    NUMBER_COMMA_HINT = " (дробную часть отделяйте точкой)"
    NUMBER_EMPTY = "пустой числовой ответ"
    TOLERANCE_INVALID = "в числовом ответе «{text}» допуск «{tolerance}» не число"
    TOLERANCE_NEGATIVE = "в числовом ответе «{text}» отрицательный допуск: такой ответ никогда не засчитается"
    RANGE_REVERSED = "в числовом диапазоне «{text}» начало больше конца: такой ответ никогда не засчитается"
    WEIGHT_OUT_OF_RANGE = "вес «{text}» вне диапазона от -100% до 100%: Moodle такой файл не примет"
    WEIGHT_BROKEN = "вес «{text}» не число: Moodle на таком файле прерывает загрузку; пишите, например, «%-50%»"
    IDNUMBER_TOO_LONG = "id «{text}» длиннее 100 символов: Moodle такой вопрос не сохранит"

    # Warnings: imported as Moodle imports it.
    ZERO_LINE = "строка «0» для Moodle пустая: она разделяет вопросы и в текст не попадает"
    CATEGORY_SYNTAX = (
        "строка «{text}» — не категория (Moodle понимает только «$CATEGORY:» заглавными и с двоеточием): "
        "как и в Moodle, она прочитана как вопрос"
    )
    CATEGORY_EMPTY = "пустое имя категории после «$CATEGORY:»: вопросы попадут в категорию по умолчанию"
    CATEGORY_GLUED = (
        "после строки «$CATEGORY: …» нет пустой строки: как и Moodle, следующие строки считаются частью "
        "имени категории, вопроса из них не получается"
    )
    CATEGORY_ESCAPE = (
        "экранирование в имени категории Moodle не раскрывает: в имени останется «{placeholder}» вместо «{char}»"
    )
    CATEGORY_UNUSED = "после категории «{name}» нет ни одного вопроса: категория будет создана пустой"
    CATEGORY_INSIDE_QUESTION = (
        "строка «$CATEGORY: …» внутри вопроса — часть его текста (как в Moodle); чтобы сменить категорию, "
        "отделите её пустой строкой"
    )
    TITLE_INSIDE_QUESTION = (
        "«::» в начале строки внутри вопроса — часть текста (как в Moodle); если здесь начинается новый "
        "вопрос, перед ним нужна пустая строка"
    )
    TITLE_UNCLOSED = (
        "название не закрыто: после «::» нет второго «::»; как и Moodle, «::» отброшено, а название взято из текста"
    )
    TITLE_EMPTY = "пустое название «::::» — название взято из текста вопроса"
    TITLE_TAGS_REMOVED = "HTML-теги в названии удалены (как в Moodle): «{name}»"
    NAME_SHORTENED = "название длиннее 255 символов сокращено (как в Moodle)"
    TEXT_EMPTY = "у вопроса нет текста"
    SECOND_BLOCK = (
        "второй блок «{…}» в одном вопросе остаётся в тексте вопроса (как в Moodle); вопросы разделяются "
        "пустой строкой"
    )
    TEXT_AFTER_BLOCK = (
        "текст «{text}» после блока ответов: как и Moodle, в текст вставлен пропуск «_____», хотя это {kind}"
    )
    GENERAL_FEEDBACK_OUTSIDE = (
        "общий отзыв «{text}» стоит после «}}»: как и в Moodle, он остался в тексте вопроса; перенесите его "
        "внутрь блока ответов, перед «}}»"
    )
    UNKNOWN_FORMAT = (
        "«[{name}]» — не формат текста (допустимы [html], [markdown], [plain] и [moodle] строчными буквами): "
        "как и в Moodle, осталось в тексте"
    )
    GENERAL_FEEDBACK_TWICE = (
        "второй «####» в одном вопросе: как и в Moodle, общий отзыв — текст после последнего «####», "
        "остальное остаётся в ответах"
    )
    TRUEFALSE_CASE = (
        "ответ «{text}» Moodle читает как короткий ответ со словом «{text}» (так и импортировано); вопрос "
        "верно/неверно пишется {{T}}, {{TRUE}}, {{F}} или {{FALSE}} заглавными буквами"
    )
    TEXT_BEFORE_FIRST_ANSWER = (
        "текст «{text}» перед первым «=»{tilde}: как и Moodle, он прочитан как {what}"
    )
    ZERO_BEFORE_FIRST_ANSWER = "«0» перед первым ответом Moodle отбрасывает (для PHP это пустая строка)"
    ANSWER_EMPTY = "пустой вариант ответа пропущен (как в Moodle)"
    MULTICHOICE_ONE_ANSWER = "в вопросе с выбором только один вариант ответа"
    WEIGHT_AFTER_EQUALS = (
        "«=» — верный ответ на все 100%, а «{text}» осталось в тексте ответа (как в Moodle); для частичного "
        "балла пишите «~{text}»"
    )
    WEIGHT_MALFORMED = (
        "«{text}» — не вес (пишите, например, «%50%» или «%-33.33333%»): как и в Moodle, осталось в тексте "
        "ответа, вес {default}%"
    )
    WEIGHT_NOT_IN_MOODLE = (
        "веса {text}% нет в списке оценок Moodle: Moodle с настройкой «Ошибка, если оценки нет в списке» "
        "такой файл не примет, с «Ближайшая оценка» запишет {nearest}%; здесь сохранено {text}%"
    )
    MULTICHOICE_NO_RIGHT = (
        "нет ни одного верного варианта: отметьте верный ответ «=» или дайте вариантам положительный вес, "
        "например «~%50%»"
    )
    MULTICHOICE_SUM = (
        "в вопросе с несколькими верными ответами положительные веса должны в сумме давать 100%, а дают {total}%"
    )
    NO_FULL_MARKS = "нет ответа с весом 100%: за этот вопрос нельзя получить полный балл"
    MARKER_AFTER_FEEDBACK = (
        "«{marker}» сразу после отзыва «{text}» начинает новый вариант ответа; если это часть текста, пишите "
        "«\\{marker}»"
    )
    FORMAT_DROPPED = "формат «[{format}]» у {what} не сохраняется: в JSON у вопроса один формат, «{question_format}»"
    MATCHING_HASH = "«#» в паре «{text}» — часть текста (у пар на соответствие нет отзывов)"
    MATCHING_EMPTY_PAIR = "пустая пара «= ->» пропущена (как в Moodle)"
    MATCHING_ONE_STEM = "в вопросе на соответствие только одна пара с вопросом"
    NUMERICAL_OTHER = (
        "в числовом вопросе всё после первого «~» Moodle считает отзывом на любой другой ответ: «{text}»"
    )
    SHORTANSWER_EMPTY = "пустой ответ «=» пропущен (как в Moodle)"
    SHORTANSWER_EMPTY_KEPT = "пустой ответ с весом или отзывом сохранён, как в Moodle, но его нельзя ввести"
    IDS_WITHOUT_QUESTION = (
        "[id:…] и [tag:…] в комментарии, отделённом от вопроса пустой строкой, ни к какому вопросу не относятся"
    )
    IDNUMBER_TWICE = (
        "id «{text}» уже есть у вопроса в строке {line} той же категории: как и в Moodle, у этого вопроса id нет"
    )
    LITERAL_PLACEHOLDER = "«{text}» Moodle читает как «{char}»"


_KIND_NAMES = {
    "numerical": "числовой вопрос",
    "matching": "вопрос на соответствие",
    "essay": "эссе",
}


def _quote(text: str, limit: int = 40) -> str:
    """A short one-line excerpt of ``text`` for a message."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _php_trim(text: str) -> str:
    return text.strip(_PHP_WHITESPACE)


def _php_empty(text: str) -> bool:
    """PHP's empty() of a string: "" and "0"."""
    return text in ("", "0")


def clean_tags(raw: Iterable[str]) -> list[str]:
    """Tag names as Moodle saves them (PARAM_TAG, then one tag per name ignoring case): control characters and
    ``<>`` ````` removed, whitespace collapsed, trimmed, at most 50 characters; empty names dropped."""
    tags: list[str] = []
    seen: set[str] = set()
    for tag in raw:
        tag = re.sub(r"[\x00-\x1f\x7f<>`]", "", tag)
        tag = re.sub(r"\s+", " ", tag).strip()[:MAX_TAG_LENGTH].strip()
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            tags.append(tag)
    return tags


def idnumber_and_tags(comment: str) -> tuple[str, list[str]]:
    """Moodle's extract_idnumber_and_tags_from_comment: the first ``[id:…]`` and every ``[tag:…]``."""
    idnumber = ""
    if match := _ID_TOKEN_RE.search(comment):
        idnumber = _php_trim(match.group(1)).replace("\\]", "]")
    tags = [_php_trim(raw).replace("\\]", "]") for raw in _TAG_TOKEN_RE.findall(comment)]
    return idnumber, clean_tags(tags)


def match_moodle_fraction(fraction: float) -> float | None:
    """The value of Moodle's grade list within 0.00001 of ``fraction``, or None (match_grade_options)."""
    for value in MOODLE_FRACTIONS:
        if abs(fraction - value) < _GRADE_MATCH:
            return value
    return None


def nearest_moodle_fraction(fraction: float) -> float:
    return min(MOODLE_FRACTIONS, key=lambda value: abs(fraction - value))


# --------------------------------------------------------------------------------------------
# The text Moodle parses: escapes are opaque placeholders until the very end. Every character
# knows whether it was escaped (so it is never special and never whitespace to an inner trim)
# and which line of the file it came from.
# --------------------------------------------------------------------------------------------


class _T:
    """An immutable string of characters with an "escaped" flag and a line number each."""

    __slots__ = ("chars", "esc", "lines")

    def __init__(self, chars: str, esc: Sequence[bool], lines: Sequence[int]):
        self.chars = chars
        self.esc = tuple(esc)
        self.lines = tuple(lines)

    @classmethod
    def plain(cls, text: str, line: int) -> _T:
        return cls(text, (False,) * len(text), (line,) * len(text))

    def __len__(self) -> int:
        return len(self.chars)

    def __bool__(self) -> bool:
        return bool(self.chars)

    def cut(self, start: int = 0, end: int | None = None) -> _T:
        return _T(self.chars[start:end], self.esc[start:end], self.lines[start:end])

    def __add__(self, other: _T) -> _T:
        return _T(self.chars + other.chars, self.esc + other.esc, self.lines + other.lines)

    def line(self, index: int = 0) -> int:
        if not self.lines:
            return 0
        return self.lines[min(max(index, 0), len(self.lines) - 1)]

    def find(self, needle: str, start: int = 0) -> int:
        """The first unescaped occurrence of ``needle`` from ``start``, or -1 (PHP strpos)."""
        index = start
        while True:
            index = self.chars.find(needle, index)
            if index < 0 or not any(self.esc[index : index + len(needle)]):
                return index
            index += 1

    def rfind(self, needle: str) -> int:
        """The last unescaped occurrence of ``needle``, or -1 (PHP strrpos)."""
        end = len(self.chars)
        while True:
            index = self.chars.rfind(needle, 0, end)
            if index < 0 or not any(self.esc[index : index + len(needle)]):
                return index
            end = index + len(needle) - 1

    def find_all(self, needles: str) -> list[int]:
        return [i for i, char in enumerate(self.chars) if char in needles and not self.esc[i]]

    def startswith(self, needle: str) -> bool:
        return self.chars.startswith(needle) and not any(self.esc[: len(needle)])

    def endswith(self, needle: str) -> bool:
        return bool(needle) and self.chars.endswith(needle) and not any(self.esc[len(self.chars) - len(needle) :])

    def strip(self) -> _T:
        """PHP trim() while Moodle parses: an escaped "\\n" is a placeholder, not whitespace."""
        start, end = 0, len(self.chars)
        while start < end and self.chars[start] in _PHP_WHITESPACE and not self.esc[start]:
            start += 1
        while end > start and self.chars[end - 1] in _PHP_WHITESPACE and not self.esc[end - 1]:
            end -= 1
        return self.cut(start, end)

    def split(self, separator: str, limit: int = 0) -> list[_T]:
        """PHP explode() on unescaped separators; ``limit`` as explode's positive limit."""
        parts: list[_T] = []
        start = 0
        while not limit or len(parts) < limit - 1:
            index = self.find(separator, start)
            if index < 0:
                break
            parts.append(self.cut(start, index))
            start = index + len(separator)
        parts.append(self.cut(start))
        return parts

    def has_escapes(self) -> bool:
        return any(self.esc)

    def text(self) -> str:
        """Escapes resolved (Moodle's escapedchar_post)."""
        return self.chars

    def moodle_raw(self) -> str:
        """The text as Moodle holds it while parsing: escaped characters as its placeholders."""
        return "".join(_PLACEHOLDERS[c] if e and c in _PLACEHOLDERS else c for c, e in zip(self.chars, self.esc,
                                                                                            strict=True))


def _tokenize(lines: Sequence[tuple[int, str]], warn) -> _T:
    """The lines of a question joined by newlines, with Moodle's escapes (escapedchar_pre) applied: "\\\\" is a
    plain backslash, "\\n" an escaped newline, "\\" before one of ``:#={}~`` an escaped character; any other
    backslash stays. A placeholder written literally ("&&058;") reads as the escaped character."""
    chars: list[str] = []
    esc: list[bool] = []
    numbers: list[int] = []

    def add(char: str, escaped: bool, number: int) -> None:
        chars.append(char)
        esc.append(escaped)
        numbers.append(number)

    for position, (number, line) in enumerate(lines):
        if position:
            add("\n", False, lines[position - 1][0])
        index = 0
        while index < len(line):
            char, following = line[index], line[index + 1 : index + 2]
            if char == "\\" and following == "\\":
                add("\\", False, number)
                index += 2
            elif char == "\\" and following and following in _ESCAPABLE:
                add(following, True, number)
                index += 2
            elif char == "\\" and following == "n":
                add("\n", True, number)
                index += 2
            elif char == "&" and (literal := next((p for p in (*_LITERAL_PLACEHOLDERS, _BACKSLASH_PLACEHOLDER)
                                                   if line.startswith(p, index)), None)):
                resolved = _LITERAL_PLACEHOLDERS.get(literal, "\\")
                warn(number, Msg.LITERAL_PLACEHOLDER.format(text=literal, char=resolved.replace("\n", "\\n")),
                     "literal-placeholder")
                add(resolved, literal != _BACKSLASH_PLACEHOLDER, number)
                index += len(literal)
            else:
                add(char, False, number)
                index += 1
    return _T("".join(chars), esc, numbers)


# --------------------------------------------------------------------------------------------
# Moodle's default question name (create_default_question_name, shorten_text, strip_tags)
# --------------------------------------------------------------------------------------------

_ENTITY_RE = re.compile(r"&[0-9a-z]{2,8};|&#[0-9]{1,7};|&#x[0-9a-f]{1,6};", re.IGNORECASE)
_HTML_PIECE_RE = re.compile(r"(<.+?>)?([^<>]*)", re.DOTALL)
_EMPTY_ELEMENT_RE = re.compile(
    r"^<(\s*.+?/\s*|\s*(img|br|input|hr|area|base|basefont|col|frame|isindex|link|meta|param)(\s.+?)?)>$",
    re.IGNORECASE | re.DOTALL,
)
_CLOSING_TAG_RE = re.compile(r"^<\s*/([^\s]+?)\s*>$", re.DOTALL)
_OPENING_TAG_RE = re.compile(r"^<\s*([^\s>!]+).*?>$", re.DOTALL)
_IF_OPEN_RE = re.compile(r"^<!--\[if\s.*?\]>$", re.DOTALL)
_IF_CLOSE_RE = re.compile(r"^<!--<!\[endif\]-->$", re.DOTALL)


def _shorten_text(text: str, ideal: int, ending: str = "...") -> str:
    """Moodle's shorten_text($text, $ideal): at most ``ideal`` characters of text (tags not
    counted, an entity counts as one), cut after a space or a full stop, then ``ending``, then
    the tags left open closed again."""
    if len(re.sub(r"<.*?>", "", text)) <= ideal:
        return text
    total_length = len(ending)
    truncated = ""
    tags: list[tuple[bool, str]] = []  # (is an opening tag, name), in text order
    for tag, content in _HTML_PIECE_RE.findall(text):
        if tag and not _EMPTY_ELEMENT_RE.match(tag):
            if match := _CLOSING_TAG_RE.match(tag):
                tags.append((False, match.group(1).lower()))
            elif match := _OPENING_TAG_RE.match(tag):
                tags.append((True, match.group(1).lower()))
            elif _IF_OPEN_RE.match(tag):
                tags.append((True, "if"))
            elif _IF_CLOSE_RE.match(tag):
                tags.append((False, "if"))
        truncated += tag
        content_length = len(_ENTITY_RE.sub(" ", content))
        if total_length + content_length > ideal:
            left = ideal - total_length
            entities_length = 0
            for entity in _ENTITY_RE.finditer(content):
                # PHP's PREG_OFFSET_CAPTURE gives byte offsets, and Moodle compares them as is.
                offset = len(content[: entity.start()].encode("utf-8"))
                if offset + 1 - entities_length <= left:
                    left -= 1
                    entities_length += len(entity.group())
                else:
                    break
            limit = left + entities_length
            break_position = limit
            while break_position > 0:
                char = content[break_position : break_position + 1]
                if char and char != "0":  # PHP: if ($char = mb_substr(...)) — "0" is false.
                    if char in (".", " ") or len(char.encode("utf-8")) > 2:
                        break_position += 1
                        break
                break_position -= 1
            if break_position == 0 or break_position > limit:
                break_position = limit
            truncated += content[:break_position]
            break
        truncated += content
        total_length += content_length
        if total_length >= ideal:
            break
    truncated += ending

    open_tags: list[str] = []  # the most recently opened first, as PHP's array_unshift leaves them
    for is_opening, name in tags:
        if is_opening:
            open_tags.insert(0, name)
        elif name in open_tags:
            # PHP: array_search() in array_reverse($opentags, true) finds the last key of the name.
            del open_tags[len(open_tags) - 1 - open_tags[::-1].index(name)]
    for name in open_tags:
        truncated += "<!--<![endif]-->" if name == "if" else f"</{name}>"
    return truncated


def _strip_tags(text: str) -> str:
    """PHP's strip_tags() (php_strip_tags_ex without allowed tags), state by state.

    0: text; 1: a tag; 2: "<?...?>"; 3: "<!..."; 4: a comment "<!--...-->". As in PHP, "<"
    followed by whitespace is text, NUL characters are dropped, quotes and nested "<" inside a
    tag are honoured, and an unclosed tag swallows the rest of the text. ``last`` is PHP's ``lc``
    and ``brackets`` its ``br``.
    """
    out: list[str] = []
    state, depth, quote, last, brackets, is_xml = 0, 0, "", "", 0, False
    length = len(text)
    for index, char in enumerate(text):
        before = text[index - 1] if index >= 1 else ""
        following = text[index + 1] if index + 1 < length else ""
        if state == 0:
            if char == "<":
                if following and following in _C_WHITESPACE:
                    out.append(char)
                else:
                    state, last = 1, "<"
            elif char == ">" and depth:
                depth -= 1
            elif char != "\0":
                out.append(char)
        elif state == 1:
            if char == "<" and not quote and not (following and following in _C_WHITESPACE):
                depth += 1
            elif char == ">":
                if depth:
                    depth -= 1
                elif not quote and not (is_xml and before == "-"):
                    state, quote, last, is_xml = 0, "", ">", False
            elif char in "\"'" and index and (not quote or char == quote):
                quote = "" if quote else char
            elif char == "!" and before == "<":
                state, last = 3, "!"
            elif char == "?" and before == "<":
                state, brackets = 2, 0
        elif state == 2:
            if char in "()" and last not in ('"', "'"):
                last = char
                brackets += 1 if char == "(" else -1
            elif char == ">":
                if depth:
                    depth -= 1
                elif not quote and not brackets and last != '"' and before == "?":
                    state, quote = 0, ""
            elif char in "\"'":
                if index and before != "\\":
                    if last == char:
                        last = ""
                    elif last != "\\":
                        last = char
                    if not quote or char == quote:
                        quote = "" if quote else char
            elif char in "lL" and index > 4 and text[index - 4 : index].lower() == "<?xm":
                state, is_xml = 1, True
        elif state == 3:
            if char == ">":
                if depth:
                    depth -= 1
                elif not quote:
                    state, quote = 0, ""
            elif char in "\"'" and before != "\\" and (not quote or char == quote):
                quote = "" if quote else char
            elif char == "-" and text[max(index - 2, 0) : index] == "!-":
                state = 4
            elif char in "Ee" and index > 6 and text[index - 6 : index].lower() == "doctyp":
                state = 1
        elif char == ">" and not quote and text[max(index - 2, 0) : index] == "--":
            state, quote = 0, ""
    return "".join(out)


def _clean_question_name(name: str) -> str:
    """Moodle's clean_question_name(): tags stripped, trimmed, at most 255 characters."""
    name = _php_trim(_strip_tags(name))
    trim_length = 251
    while len(name) > _MAX_NAME_LENGTH and trim_length > 0:
        name = _shorten_text(name, trim_length)
        trim_length -= 10
    return name


def _default_question_name(question_text: str) -> str:
    """Moodle's create_default_question_name(): the start of the text, tags stripped."""
    name = _clean_question_name(_shorten_text(question_text, _DEFAULT_NAME_LENGTH))
    return name if name and name != "0" else DEFAULT_QUESTION_NAME  # PHP: "0" is false.


# --------------------------------------------------------------------------------------------
# Parser
# --------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------
# Parser: Moodle's readquestions() and readquestion(), step by step
# --------------------------------------------------------------------------------------------


class _Reporter:
    def __init__(self) -> None:
        self.errors: list[GiftProblem] = []
        self.warnings: list[GiftProblem] = []

    def error(self, line: int, message: str, code: str = "") -> None:
        self.errors.append(GiftProblem(line, message, code))

    def warn(self, line: int, message: str, code: str = "") -> None:
        self.warnings.append(GiftProblem(line, message, code))


def _decode(source: str | bytes, reporter: _Reporter) -> str | None:
    if isinstance(source, str):
        return source
    try:
        return bytes(source).decode("utf-8")
    except UnicodeDecodeError as exc:
        line = bytes(source)[: exc.start].count(b"\n") + 1
        reporter.error(line, Msg.NOT_UTF8.format(byte=bytes(source)[exc.start]), "not-utf8")
        return None


def _file_lines(text: str) -> list[str]:
    """Moodle's readdata(): lines end at "\\n" (a "\\r" before it is trimmed away with the line); a file without
    any "\\n" is split at "\\r" (old Macintosh files)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.split("\n") if "\n" in text or "\r" not in text else text.split("\r")


def _split_chunks(lines: Sequence[str], reporter: _Reporter) -> list[list[tuple[int, str]]]:
    """Moodle's readquestions(): each line trimmed; an empty line (or "0", PHP's empty()) ends a question."""
    chunks: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    for number, raw_line in enumerate(lines, start=1):
        line = _php_trim(raw_line)
        if _php_empty(line):
            if line == "0":
                reporter.warn(number, Msg.ZERO_LINE, "zero-line")
            if current:
                chunks.append(current)
                current = []
        else:
            current.append((number, line))
    if current:
        chunks.append(current)
    return chunks


@dataclass
class _Category:
    name: str
    line: int


@dataclass
class _Item:
    """One answer inside a block: its marker ("=", "~" or "" for text before the first marker), where the
    marker stands, and the answer's content."""

    marker: str
    position: int
    content: _T


def _split_items(span: _T, markers: str, keep_equals: bool = False) -> tuple[_T, list[_Item]]:
    """Moodle's explode() of an answer block at unescaped markers. With ``keep_equals`` (multichoice, where
    Moodle turns "=" into "~=") an "=" stays at the start of its answer."""
    positions = span.find_all(markers)
    lead = span.cut(0, positions[0]) if positions else span
    items = []
    for number, position in enumerate(positions):
        end = positions[number + 1] if number + 1 < len(positions) else len(span)
        marker = span.chars[position]
        start = position if keep_equals and marker == "=" else position + 1
        items.append(_Item(marker, position, span.cut(start, end)))
    return lead, items


@dataclass
class _Weight:
    percent: Decimal | None
    rest: _T
    bad: bool = False


class _QuestionReader:
    """Reads one group of lines (a question or a "$CATEGORY:" line) as Moodle's readquestion() does."""

    def __init__(self, chunk: list[tuple[int, str]], reporter: _Reporter):
        self.chunk = chunk
        self.reporter = reporter
        self.errors_before = len(reporter.errors)
        self.body_lines = [(number, text) for number, text in chunk if not text.startswith("//")]
        self.comments = "".join(text + "\n" for _, text in chunk if text.startswith("//"))
        self.start_line = self.body_lines[0][0] if self.body_lines else chunk[0][0]
        self.question_format = DEFAULT_FORMAT
        # Moodle: a comment line becomes " ", then the lines are joined and trimmed.
        self.source = _tokenize([(number, " " if text.startswith("//") else text) for number, text in chunk],
                                self.warn).strip()

    # -- reporting ----------------------------------------------------------------------------

    def error(self, line: int, message: str, code: str = "") -> None:
        self.reporter.error(line, message, code)

    def warn(self, line: int, message: str, code: str = "") -> None:
        self.reporter.warn(line, message, code)

    @property
    def failed(self) -> bool:
        return len(self.reporter.errors) > self.errors_before

    # -- pieces ---------------------------------------------------------------------------------

    def with_format(self, text: _T, default: str, what: str | None = None) -> tuple[str, str]:
        """Moodle's parse_text_with_format(): a "[format]" marker at the very start, then the escapes resolved
        and the text trimmed. Returns the format and the text. A marker of an answer, a feedback or a pair that
        differs from the question's format is dropped with a warning (one format per question here)."""
        marker: str | None = None
        rest = text
        if text.startswith("["):
            end = text.find("]")
            name_part = text.cut(1, end) if end >= 0 else text.cut(1, len(text) - 1)  # PHP substr($t, 1, -1)
            name = "" if name_part.has_escapes() else name_part.chars
            if name in FORMATS:
                marker = name
                rest = text.cut(end + 1) if end >= 0 else text.cut(1)
            elif _FORMAT_WORD_RE.fullmatch(name):
                self.warn(text.line(), Msg.UNKNOWN_FORMAT.format(name=name), "unknown-format")
        if what is not None and marker is not None and marker != self.question_format:
            self.warn(text.line(), Msg.FORMAT_DROPPED.format(format=marker, what=what,
                                                             question_format=self.question_format),
                      "format-dropped")
        return marker or default, _php_trim(rest.text())

    def weight(self, answer: _T, default: str) -> _Weight:
        """A leading "%50%" as Moodle's weight regex reads it; other "%…%" stays text (with a warning when it
        looks like a mistyped weight)."""
        match = _MOODLE_WEIGHT_RE.match(answer.chars)
        if match and not answer.cut(0, match.end()).has_escapes():
            raw = answer.chars[1 : match.end() - 1]
            if len(match.group(1)) > 1:  # "%--50%": PHP cannot divide it and Moodle's import stops
                self.error(answer.line(), Msg.WEIGHT_BROKEN.format(text=f"%{raw}%"), "weight-broken")
                return _Weight(None, answer.cut(match.end()), bad=True)
            percent = Decimal(raw)
            if not Decimal(-100) <= percent <= Decimal(100):
                self.error(answer.line(), Msg.WEIGHT_OUT_OF_RANGE.format(text=f"%{raw}%"), "weight-range")
                return _Weight(None, answer.cut(match.end()), bad=True)
            return _Weight(percent, answer.cut(match.end()))
        if like := _WEIGHT_LIKE_RE.match(answer.chars):
            self.warn(answer.line(), Msg.WEIGHT_MALFORMED.format(text=like.group(), default=default),
                      "weight-malformed")
        return _Weight(None, answer)

    def fraction(self, percent: Decimal, line: int) -> float:
        """The fraction Moodle saves: matched to its grade list (a value not in the list is kept, with a
        warning: Moodle would refuse it or round it, depending on the import setting)."""
        exact = _clean_zero(float(percent / 100))
        matched = match_moodle_fraction(exact)
        if matched is not None:
            return _clean_zero(matched)
        nearest = nearest_moodle_fraction(exact)
        self.warn(line, Msg.WEIGHT_NOT_IN_MOODLE.format(text=_format_decimal(percent),
                                                        nearest=_format_decimal(Decimal(repr(nearest)) * 100)),
                  "weight-not-in-moodle")
        return exact

    def comment(self, answer: _T, what: str) -> tuple[str, str]:
        """Moodle's commentparser(): the answer's text and its feedback after the first "#"."""
        bits = answer.split("#", 2)
        _, text = self.with_format(bits[0].strip(), self.question_format, what)
        feedback = ""
        if len(bits) > 1:
            _, feedback = self.with_format(bits[1].strip(), self.question_format, "отзыва")
        return text, feedback

    def check_glued_marker(self, item: _Item, previous: _Item | None, span: _T) -> None:
        """Warn when "=" or "~" directly follows the text of a feedback: probably meant as text."""
        if previous is None or previous.content.find("#") < 0:
            return
        before = item.position - 1
        if before >= 0 and span.chars[before] not in _PHP_WHITESPACE:
            feedback = previous.content.cut(previous.content.find("#") + 1).text()
            self.warn(span.line(item.position),
                      Msg.MARKER_AFTER_FEEDBACK.format(marker=item.marker, text=_quote(feedback)), "marker-glued")

    def answer_items(self, items: list[_Item], span: _T) -> Iterator[tuple[_T, int]]:
        """Each answer's stripped text and its line, warning on the way about a marker glued to a feedback."""
        previous: _Item | None = None
        for item in items:
            self.check_glued_marker(item, previous, span)
            previous = item
            content = item.content.strip()
            yield content, content.line() if content else span.line(max(item.position, 0))

    def lead_item(self, lead: _T, markers: str, what: str) -> _Item | None:
        """Text before the first marker: Moodle drops it when PHP's empty() says so, and otherwise reads it as an
        answer."""
        stripped = lead.strip()
        if not stripped.has_escapes() and _php_empty(stripped.chars):
            if stripped.chars == "0":
                self.warn(stripped.line(), Msg.ZERO_BEFORE_FIRST_ANSWER, "zero-lead")
            return None
        tilde = " или «~»" if "~" in markers else ""
        self.warn(stripped.line(), Msg.TEXT_BEFORE_FIRST_ANSWER.format(text=_quote(stripped.text()), tilde=tilde,
                                                                       what=what), "text-before-answer")
        return _Item("", -1, lead)

    # -- the question ---------------------------------------------------------------------------

    def read(self) -> GiftQuestion | _Category | None:
        text = self.source
        if not text:  # only comments
            if "[id:" in self.comments or "[tag:" in self.comments:
                self.warn(self.chunk[0][0], Msg.IDS_WITHOUT_QUESTION, "ids-alone")
            return None
        if text.startswith("$CATEGORY:"):
            return self.read_category(text)
        if text.chars.upper().startswith("$CATEGORY"):
            self.warn(self.start_line, Msg.CATEGORY_SYNTAX.format(text=_quote(self.body_lines[0][1])),
                      "category-syntax")
        return self.read_question(text)

    def read_category(self, text: _T) -> _Category:
        part = text.cut(len("$CATEGORY:"))
        name = _php_trim(part.moodle_raw())
        if len(self.body_lines) > 1:
            self.warn(self.body_lines[1][0], Msg.CATEGORY_GLUED, "category-glued")
        for index, escaped in enumerate(part.esc):
            if escaped:
                char = part.chars[index]
                self.warn(part.line(index), Msg.CATEGORY_ESCAPE.format(placeholder=_PLACEHOLDERS[char],
                                                                       char=char.replace("\n", "\\n")),
                          "category-escape")
                break
        if not name:
            self.warn(self.start_line, Msg.CATEGORY_EMPTY, "category-empty")
        if "[id:" in self.comments or "[tag:" in self.comments:
            self.warn(self.start_line, Msg.IDS_WITHOUT_QUESTION, "ids-alone")
        return _Category(name, self.start_line)

    def read_question(self, text: _T) -> GiftQuestion | None:
        # The title: "::" at the start, up to the next "::" (which may be on a later line).
        name: str | None = None
        title_end_line: int | None = None
        if text.startswith("::"):
            text = text.cut(2)
            end = text.find("::")
            if end < 0:
                self.warn(self.start_line, Msg.TITLE_UNCLOSED, "title-unclosed")
            else:
                title_end_line = text.line(end)
                name = self.title_name(text.cut(0, end).text())
                text = text.cut(end + 2).strip()
        for number, line in self.body_lines[1:]:
            if line.upper().startswith("$CATEGORY"):
                self.warn(number, Msg.CATEGORY_INSIDE_QUESTION, "category-inside")
            elif line.startswith("::") and number != title_end_line:
                self.warn(number, Msg.TITLE_INSIDE_QUESTION, "title-inside")

        block = self.find_block(text)
        if block is False:
            return None
        general: _T | None = None
        if block is None:
            question_text = text
            answers = None
        else:
            opens, closes = block
            answers = text.cut(opens + 1, closes).strip()
            after = text.cut(closes + 1)
            if text.endswith("}"):  # Moodle: no blank when the whole text ends with "}"
                question_text = text.cut(0, opens) + after
            else:
                question_text = text.cut(0, opens) + _T.plain(MISSING_WORD_BLANK, text.line(closes)) + after
            separator = answers.rfind("####")
            if separator >= 0:
                general = answers.cut(separator + 4)
                answers = answers.cut(0, separator).strip()
                if answers.find("####") >= 0:
                    self.warn(answers.line(answers.find("####")), Msg.GENERAL_FEEDBACK_TWICE, "feedback-twice")

        self.question_format, body = self.with_format(question_text, DEFAULT_FORMAT)
        if not body:
            self.warn(self.start_line, Msg.TEXT_EMPTY, "text-empty")
        question = GiftQuestion(type="description", name=name or _default_question_name(body), text=body,
                                format=self.question_format, line=self.start_line)
        if general is not None:
            _, question.general_feedback = self.with_format(general, self.question_format, "общего отзыва")
        question.idnumber, question.tags = idnumber_and_tags(self.comments)
        question.idnumber = question.idnumber or None
        if question.idnumber and len(question.idnumber) > MAX_IDNUMBER_LENGTH:
            self.error(self.start_line, Msg.IDNUMBER_TOO_LONG.format(text=_quote(question.idnumber)), "idnumber")

        if answers is not None:
            question.type = self.detect_type(answers)
            after = text.cut(block[1] + 1).strip()
            if after and not text.endswith("}"):
                if after.startswith("####"):
                    self.warn(after.line(), Msg.GENERAL_FEEDBACK_OUTSIDE.format(text=_quote(after.text())),
                              "feedback-outside")
                elif question.type in _KIND_NAMES:
                    self.warn(after.line(), Msg.TEXT_AFTER_BLOCK.format(text=_quote(after.text()),
                                                                        kind=_KIND_NAMES[question.type]),
                              "text-after-block")
            reader = getattr(self, f"read_{question.type}", None)
            if reader is not None:
                reader(question, answers)
        return None if self.failed else question

    def title_name(self, raw: str) -> str | None:
        name = _clean_question_name(raw)
        if not name:
            self.warn(self.start_line, Msg.TITLE_EMPTY, "title-empty")
            return None
        if _php_trim(_strip_tags(raw)) != _php_trim(raw):
            self.warn(self.start_line, Msg.TITLE_TAGS_REMOVED.format(name=_quote(name)), "title-tags")
        if len(_php_trim(_strip_tags(raw))) > _MAX_NAME_LENGTH:
            self.warn(self.start_line, Msg.NAME_SHORTENED, "name-shortened")
        return name

    def find_block(self, text: _T) -> tuple[int, int] | None | bool:
        """Moodle pairs the first "{" with the first "}". A brace without its pair is an error (Moodle refuses a
        question that has only one of them); balanced braces after the block stay in the text, with a warning."""
        opens, closes = text.find("{"), text.find("}")
        if opens < 0 and closes < 0:
            return None
        if closes < 0:
            self.error(text.line(opens), Msg.BRACE_UNCLOSED, "brace")
            return False
        if opens < 0 or closes < opens:
            self.error(text.line(closes), Msg.BRACE_UNOPENED, "brace")
            return False
        inner = text.find("{", opens + 1)
        if 0 <= inner < closes:
            self.error(text.line(inner), Msg.BRACE_NESTED, "brace")
            return False
        depth_start = -1
        extra: int | None = None
        for index in text.find_all("{}"):
            if index <= closes:
                continue
            if text.chars[index] == "{":
                if depth_start >= 0:
                    self.error(text.line(index), Msg.BRACE_NESTED, "brace")
                    return False
                depth_start = index
            else:
                if depth_start < 0:
                    self.error(text.line(index), Msg.BRACE_UNOPENED, "brace")
                    return False
                extra = depth_start if extra is None else extra
                depth_start = -1
        if depth_start >= 0:
            self.error(text.line(depth_start), Msg.BRACE_UNCLOSED, "brace")
            return False
        if extra is not None:
            self.warn(text.line(extra), Msg.SECOND_BLOCK, "second-block")
        return opens, closes

    def detect_type(self, answers: _T) -> str:
        """Moodle's rules, in Moodle's order."""
        if not answers:
            return "essay"
        if answers.startswith("#"):
            return "numerical"
        if answers.find("~") >= 0:
            return "multichoice"
        if answers.find("=") >= 0 and answers.find("->") >= 0:
            return "matching"
        check = answers
        hash_index = answers.find("#")
        if hash_index > 0:
            check = answers.cut(0, hash_index).strip()
        if not check.has_escapes() and check.chars in _TRUE_WORDS + _FALSE_WORDS:
            return "truefalse"
        if check.chars.upper() in _TRUE_WORDS + _FALSE_WORDS:
            self.warn(answers.line(), Msg.TRUEFALSE_CASE.format(text=check.text()), "truefalse-case")
        return "shortanswer"

    # -- types ------------------------------------------------------------------------------

    def read_multichoice(self, question: GiftQuestion, answers: _T) -> None:
        question.single = answers.find("=") >= 0
        lead, items = _split_items(answers, "~=", keep_equals=True)
        first = self.lead_item(lead, "=~", "неверный вариант ответа")
        if first is not None:
            items.insert(0, first)
        if len(items) < 2:
            self.error(self.start_line, Msg.MULTICHOICE_TOO_FEW, "multichoice-few")
            return
        read: list[tuple[GiftAnswer, int]] = []
        for content, line in self.answer_items(items, answers):
            if content.startswith("="):
                percent = Decimal(100)
                content = content.cut(1)
                stripped = content.strip()
                if like := (_MOODLE_WEIGHT_RE.match(stripped.chars) or _WEIGHT_LIKE_RE.match(stripped.chars)):
                    self.warn(line, Msg.WEIGHT_AFTER_EQUALS.format(text=like.group()), "weight-after-equals")
            else:
                weight = self.weight(content, "0")
                if weight.bad:
                    continue
                percent = Decimal(0) if weight.percent is None else weight.percent
                content = weight.rest
            text, feedback = self.comment(content, "варианта ответа")
            read.append((GiftAnswer(text, self.fraction(percent, line), feedback), line))
        if self.failed:
            return
        for answer, line in read:
            if answer.text:
                question.answers.append(answer)
            else:
                self.warn(line, Msg.ANSWER_EMPTY, "answer-empty")
        check_multichoice_answers(question, self.start_line, self, lambda positive: _format_decimal(positive * 100))

    def read_shortanswer(self, question: GiftQuestion, answers: _T) -> None:
        lead, items = _split_items(answers, "=")
        first = self.lead_item(lead, "=", "ответ на 100%")
        if first is not None:
            items.insert(0, first)
        if not items:
            self.error(self.start_line, Msg.SHORTANSWER_NONE, "shortanswer-none")
            return
        for content, line in self.answer_items(items, answers):
            weight = self.weight(content, "100")
            if weight.bad:
                continue
            text, feedback = self.comment(weight.rest, "ответа")
            percent = Decimal(100) if weight.percent is None else weight.percent
            answer = GiftAnswer(text, self.fraction(percent, line), feedback)
            if not text and answer.fraction == 0 and not _php_trim(_strip_tags(feedback)):
                self.warn(line, Msg.SHORTANSWER_EMPTY, "answer-empty")
                continue
            if not text:
                self.warn(line, Msg.SHORTANSWER_EMPTY_KEPT, "answer-empty-kept")
            question.answers.append(answer)
        if self.failed:
            return
        if not any(answer.text for answer in question.answers):
            self.error(self.start_line, Msg.SHORTANSWER_NONE, "shortanswer-none")
        elif not any(answer.fraction == 1 for answer in question.answers):
            self.warn(self.start_line, Msg.NO_FULL_MARKS, "no-full-marks")

    def read_truefalse(self, question: GiftQuestion, answers: _T) -> None:
        bits = answers.split("#", 3)
        _, word = self.with_format(bits[0].strip(), self.question_format)
        # Moodle: the first feedback is shown for a wrong answer, the second for the right one.
        wrong = self.with_format(bits[1].strip(), self.question_format, "отзыва")[1] if len(bits) > 1 else ""
        right = self.with_format(bits[2].strip(), self.question_format, "отзыва")[1] if len(bits) > 2 else ""
        is_true = word in _TRUE_WORDS
        question.answers = [
            GiftAnswer("true", 1.0 if is_true else 0.0, right if is_true else wrong),
            GiftAnswer("false", 0.0 if is_true else 1.0, wrong if is_true else right),
        ]

    def read_matching(self, question: GiftQuestion, answers: _T) -> None:
        lead, items = _split_items(answers, "=")
        first = self.lead_item(lead, "=", "пара")
        if first is not None:
            items.insert(0, first)
        if len(items) < 2:
            self.error(self.start_line, Msg.MATCHING_TOO_FEW, "matching-few")
            return
        for item in items:
            content = item.content.strip()
            line = content.line() if content else answers.line(max(item.position, 0))
            shown = _quote(content.text())
            arrow = content.find("->")
            if arrow < 0:
                self.error(line, Msg.MATCHING_NO_ARROW.format(text=shown), "matching-arrow")
                continue
            if content.find("#") >= 0:
                self.warn(line, Msg.MATCHING_HASH.format(text=shown), "matching-hash")
            _, subquestion = self.with_format(content.cut(0, arrow), self.question_format, "вопроса пары")
            # As in Moodle, the answer side of a pair has no format marker.
            answer = _php_trim(content.cut(arrow + 2).text())
            if not subquestion and not answer:
                self.warn(line, Msg.MATCHING_EMPTY_PAIR, "matching-empty-pair")
                continue
            if not answer:
                self.error(line, Msg.MATCHING_EMPTY_ANSWER.format(text=shown), "matching-empty-answer")
                continue
            question.pairs.append(GiftPair(subquestion, answer))
        if self.failed:
            return
        stems = sum(1 for pair in question.pairs if pair.question)
        if stems == 0:
            self.error(self.start_line, Msg.MATCHING_NO_STEMS, "matching-no-stems")
        elif stems == 1:
            self.warn(self.start_line, Msg.MATCHING_ONE_STEM, "matching-one-stem")

    def read_numerical(self, question: GiftQuestion, answers: _T) -> None:
        body = answers.cut(1)  # after the leading "#"
        tilde = body.find("~")
        other = body.cut(tilde) if tilde >= 0 else None
        main = body.cut(0, tilde) if tilde >= 0 else body
        lead, items = _split_items(main, "=")
        stripped = lead.strip()
        bare_zero = not stripped.has_escapes() and stripped.chars == "0"
        if not (not stripped.has_escapes() and _php_empty(stripped.chars)):
            items.insert(0, _Item("", -1, lead))  # Moodle: the first "=" may be left out
        if not items:
            self.error(stripped.line() if bare_zero else self.start_line,
                       Msg.NUMERICAL_BARE_ZERO if bare_zero else Msg.NUMERICAL_NO_ANSWERS, "numerical-none")
            return
        for content, line in self.answer_items(items, main):
            parsed = self.numeric_answer(content, line)
            if parsed is not None:
                question.numerical.append(parsed)
        if other is not None:
            rest = other.cut(1).strip()
            if rest and (not rest.startswith("#") or rest.find("=") >= 0 or rest.find("~") >= 0):
                self.warn(other.line(), Msg.NUMERICAL_OTHER.format(text=_quote(other.text())), "numerical-other")
            bits = other.split("#", 2)
            feedback = self.with_format(bits[1].strip(), self.question_format, "отзыва")[1] if len(bits) > 1 else ""
            question.numerical.append(GiftNumericAnswer(None, 0.0, 0.0, feedback))
        if not self.failed and not any(answer.fraction == 1 for answer in question.numerical):
            self.warn(self.start_line, Msg.NO_FULL_MARKS, "no-full-marks")

    def numeric_answer(self, content: _T, line: int) -> GiftNumericAnswer | None:
        weight = self.weight(content, "100")
        if weight.bad:
            return None
        text, feedback = self.comment(weight.rest, "ответа")
        fraction = self.fraction(Decimal(100) if weight.percent is None else weight.percent, line)
        if not text:
            self.error(line, Msg.NUMBER_EMPTY, "number")
            return None
        dots, colon = text.find(".."), text.find(":")
        if dots > 0:
            low = self.number(_php_trim(text[:dots]), line)
            high = self.number(_php_trim(text[dots + 2 :]), line)
            if low is None or high is None:
                return None
            if low > high:
                self.error(line, Msg.RANGE_REVERSED.format(text=_quote(text)), "range-reversed")
                return None
            value = (low + high) / 2
            if not math.isfinite(value):  # the sum of two huge bounds overflows
                value = low / 2 + high / 2
            # Moodle saves the midpoint and the half-width as PHP turns a float into a string (14 digits):
            # 3.141..3.142 is 3.1415 ± 0.0005, not 3.1414999999999997 ± 0.000500000000000167.
            tolerance = _php_float(high - value)
            return GiftNumericAnswer(_clean_zero(_php_float(value)), _clean_zero(tolerance), fraction, feedback)
        if colon > 0:
            shown, tolerance_text = _php_trim(text[:colon]), _php_trim(text[colon + 1 :])
        else:
            shown, tolerance_text = _php_trim(text), "0"
        value = None if shown == "*" else self.number(shown, line)
        if value is None and shown != "*":
            return None
        tolerance = _parse_number(tolerance_text)
        if tolerance is None:
            self.error(line, Msg.TOLERANCE_INVALID.format(text=_quote(text), tolerance=tolerance_text), "number")
            return None
        if tolerance < 0:
            self.error(line, Msg.TOLERANCE_NEGATIVE.format(text=_quote(text)), "tolerance-negative")
            return None
        if value is None:  # Moodle's "*": any answer; its tolerance means nothing
            return GiftNumericAnswer(None, 0.0, fraction, feedback)
        return GiftNumericAnswer(_clean_zero(value), _clean_zero(tolerance), fraction, feedback)

    def number(self, text: str, line: int) -> float | None:
        value = _parse_number(text)
        if value is None:
            hint = Msg.NUMBER_COMMA_HINT if "," in text else ""
            self.error(line, Msg.NUMBER_INVALID.format(text=_quote(text)) + hint, "number")
        return value


def _parse_number(text: str) -> float | None:
    if not _NUMBER_RE.fullmatch(text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def _php_float(value: float) -> float:
    """A float as PHP writes it with its default precision (14 significant digits)."""
    return float(f"{value:.14g}")


def _clean_zero(value: float) -> float:
    return 0.0 if value == 0 else value


def check_multichoice_answers(question: GiftQuestion, line: int, reporter, total_text) -> None:
    """The rule every importer applies to a multiple-choice question's answers (``reporter`` has ``error`` and
    ``warn``): at least one answer; one right answer at 100% for a single choice; the positive weights of a
    multiple choice add up to 100% (``total_text`` writes their sum as the format writes numbers)."""
    if not question.answers:
        reporter.error(line, Msg.MULTICHOICE_ALL_EMPTY, "multichoice-empty")
        return
    if len(question.answers) == 1:
        reporter.warn(line, Msg.MULTICHOICE_ONE_ANSWER, "multichoice-one")
    if question.single:
        if not any(answer.fraction == 1 for answer in question.answers):
            reporter.warn(line, Msg.MULTICHOICE_NO_RIGHT, "no-right")
        return
    positive = sum((Decimal(repr(a.fraction)) for a in question.answers if a.fraction > 0), Decimal(0))
    if positive == 0:
        reporter.warn(line, Msg.MULTICHOICE_NO_RIGHT, "no-right")
    elif positive.quantize(Decimal("0.01"), ROUND_HALF_UP) != 1:
        reporter.warn(line, Msg.MULTICHOICE_SUM.format(total=total_text(positive)), "weights-sum")


def _format_decimal(value: Decimal) -> str:
    """A decimal without exponent or trailing zeros: 90, 33.33333."""
    try:
        text = format(value.normalize(), "f")
    except InvalidOperation:  # pragma: no cover - a Decimal that cannot be normalised
        text = str(value)
    return "0" if text in ("-0", "0") else text


def parse_gift(source: str | bytes) -> GiftParseResult:
    """Parse a whole GIFT file as Moodle does; raise GiftImportError with every problem if there is any."""
    reporter = _Reporter()
    text = _decode(source, reporter)
    if text is None:
        raise GiftImportError(reporter.errors)

    questions: list[GiftQuestion] = []
    categories: list[str] = []
    category: _Category | None = None
    category_used = True
    idnumbers: dict[tuple[str | None, str], int] = {}
    for chunk in _split_chunks(_file_lines(text), reporter):
        result = _QuestionReader(chunk, reporter).read()
        if isinstance(result, _Category):
            if category is not None and not category_used:
                reporter.warn(category.line, Msg.CATEGORY_UNUSED.format(name=category.name), "category-unused")
            category, category_used = result, False
            if result.name not in categories:
                categories.append(result.name)
        elif result is not None:
            category_used = True
            result.category = category.name if category is not None else None
            if result.idnumber:
                key = (result.category, result.idnumber)
                if key in idnumbers:  # Moodle drops an id number already used in the category
                    reporter.warn(result.line, Msg.IDNUMBER_TWICE.format(text=_quote(result.idnumber),
                                                                         line=idnumbers[key]), "idnumber-twice")
                    result.idnumber = None
                else:
                    idnumbers[key] = result.line
            questions.append(result)
    if category is not None and not category_used:
        reporter.warn(category.line, Msg.CATEGORY_UNUSED.format(name=category.name), "category-unused")
    if not questions and not categories and not reporter.errors:
        reporter.error(1, Msg.NO_QUESTIONS, "no-questions")
    warnings = sorted(reporter.warnings, key=lambda problem: problem.line)
    if reporter.errors:
        raise GiftImportError(sorted(reporter.errors, key=lambda problem: problem.line), warnings)
    return GiftParseResult(questions, warnings, categories)


# --------------------------------------------------------------------------------------------
# Exporter
# --------------------------------------------------------------------------------------------


def _escape(text: str) -> str:
    """Moodle's repchar(): escape the special characters; newlines become "\\n"."""
    out: list[str] = []
    for char in text.replace("\r", ""):
        if char == "\\":
            out.append("\\\\")
        elif char in _ESCAPABLE:
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        else:
            out.append(char)
    return "".join(out)


def _write_inner(text: str, question_format: str, weighted: bool = False) -> str:
    """An answer, feedback or subquestion text. A text that would read as a format marker (or,
    where a weight may stand, as a weight) is protected by the question's own marker."""
    if text.startswith("[") or (weighted and text.startswith("%")):
        return f"[{question_format}]" + _escape(text)
    return _escape(text)


def percent_text(fraction: float) -> str:
    """A fraction as the percent GIFT and Moodle XML write: 100, 33.33333, -50."""
    percent = Decimal(repr(float(fraction))) * 100
    text = format(percent.normalize(), "f")
    return "0" if text in ("-0", "0") else text


_format_weight = percent_text


def _format_number(value: float) -> str:
    return repr(float(value))


def _export_error(question: GiftQuestion, message: str) -> ValueError:
    return ValueError(f"Вопрос «{_quote(question.name)}»: {message}")


def _check_exportable(question: GiftQuestion) -> None:
    if question.type not in QUESTION_TYPES:
        raise _export_error(question, f"неизвестный тип «{question.type}»")
    if question.format not in FORMATS:
        raise _export_error(question, f"неизвестный формат «{question.format}»")
    for number in question.numerical:
        for value in (number.value, number.tolerance):
            if value is not None and not math.isfinite(value):
                raise _export_error(question, f"число {value!r} нельзя записать в GIFT")
    if question.type == "description" and question.general_feedback:
        raise _export_error(question, "у описания не бывает общего отзыва")
    if question.type == "shortanswer" and not _is_arrow_answer(question):
        for answer in question.answers:
            if "->" in answer.text or "->" in answer.feedback:
                raise _export_error(
                    question,
                    "«->» в ответе или отзыве на короткий ответ GIFT прочтёт как соответствие",
                )
    if question.type == "matching":
        for pair in question.pairs:
            if "->" in pair.question:
                raise _export_error(question, f"«->» в вопросе пары «{_quote(pair.question)}»")
    if question.type == "multichoice" and question.single is None:
        raise _export_error(question, "у вопроса с выбором не задано single")
    for number in question.numerical:
        if number.tolerance is not None and number.tolerance < 0:
            raise _export_error(question, f"отрицательный допуск {number.tolerance!r}")
    if question.type == "truefalse":
        texts = sorted(answer.text for answer in question.answers)
        rights = [answer.text for answer in question.answers if answer.fraction == 1]
        if texts != ["false", "true"] or len(rights) != 1:
            raise _export_error(question, "ответы верно/неверно должны быть «true» и «false»")


def _comment_line(question: GiftQuestion) -> str:
    """Moodle 3.9+ reads the id number and tags from a comment before the question."""
    tokens = []
    if question.idnumber:
        tokens.append("[id:" + question.idnumber.replace("]", "\\]") + "]")
    tokens.extend("[tag:" + tag.replace("]", "\\]") + "]" for tag in question.tags)
    return "// " + " ".join(tokens) + "\n" if tokens else ""


def _write_question(question: GiftQuestion) -> str:
    fmt = question.format
    # A name ending in "<" (possible in Moodle's cleaned names) would read as the start of an HTML
    # tag, which the importer strips; a space after it keeps it text and is trimmed away again.
    name = question.name + " " if question.name.endswith("<") else question.name
    head = _comment_line(question) + f"::{_escape(name)}::"
    if fmt != DEFAULT_FORMAT or question.text.startswith("["):
        head += f"[{fmt}]"
    head += _escape(question.text)
    general = ""
    if question.general_feedback:
        general = "####" + _write_inner(question.general_feedback, fmt)

    if question.type == "description":
        return head + "\n"
    if question.type == "essay":
        return head + "{" + general + "}\n"
    if question.type == "truefalse":
        by_text = {answer.text: answer for answer in question.answers}
        right_word = "true" if by_text["true"].fraction == 1 else "false"
        wrong_word = "false" if right_word == "true" else "true"
        right = _write_inner(by_text[right_word].feedback, fmt)
        wrong = _write_inner(by_text[wrong_word].feedback, fmt)
        out = head + "{" + right_word.upper()
        if wrong or right:
            out += "#" + wrong
        if right:
            out += "#" + right
        return out + general + "}\n"

    if question.type == "shortanswer" and _is_arrow_answer(question):
        # «{->}»: with no «=» in the block Moodle reads a short answer whose text before the first «=» is the right
        # answer; with an «=» it would read a matching question. So the one answer is written without its «=».
        answer = question.answers[0]
        feedback = "#" + _write_inner(answer.feedback, fmt) if answer.feedback else ""
        return head + "{" + _write_inner(answer.text, fmt) + feedback + (general and " " + general) + "}\n"

    lines = [head + "{"]
    if question.type == "multichoice":
        lines.extend(_multichoice_lines(question))
    elif question.type == "shortanswer":
        for answer in question.answers:
            weight = "" if answer.fraction == 1 else f"%{_format_weight(answer.fraction)}%"
            line = "\t=" + weight + _write_inner(answer.text, fmt, weighted=True)
            if answer.feedback:
                line += "#" + _write_inner(answer.feedback, fmt)
            lines.append(line)
    elif question.type == "matching":
        for pair in question.pairs:
            lines.append(f"\t={_write_inner(pair.question, fmt)} -> {_escape(pair.answer)}")
        if len(question.pairs) < 2:  # Moodle needs two pairs; an empty one is dropped again on import
            lines.append("\t= ->")
    elif question.type == "numerical":
        lines[0] = head + "{#"
        lines.extend(_numerical_lines(question))
    if general:
        lines.append("\t" + general)
    lines.append("}")
    return "\n".join(lines) + "\n"


def _is_arrow_answer(question: GiftQuestion) -> bool:
    """A short answer GIFT can only write back without «=»: one answer at 100 % containing «->»."""
    return (len(question.answers) == 1 and question.answers[0].fraction == 1 and "->" in question.answers[0].text
            and "->" not in question.answers[0].feedback and "=" not in question.answers[0].text)


def _multichoice_lines(question: GiftQuestion) -> list[str]:
    fmt = question.format
    # Moodle detects a multichoice by a "~"; if every answer is right, all but the first one
    # are written as "~%100%".
    has_tilde = any(not (question.single and a.fraction == 1) for a in question.answers)
    lines = []
    equals_written = False
    for answer in question.answers:
        if question.single and answer.fraction == 1 and (has_tilde or not equals_written):
            prefix = "="
            equals_written = True
        elif answer.fraction == 0:
            prefix = "~"
        else:
            prefix = f"~%{_format_weight(answer.fraction)}%"
        line = "\t" + prefix + _write_inner(answer.text, fmt, weighted=True)
        if answer.feedback:
            line += "#" + _write_inner(answer.feedback, fmt)
        lines.append(line)
    # Empty answers are dropped on import (as in Moodle), so they carry what the answers alone cannot: a "~" that
    # makes a one-answer question a multichoice, an "=" that keeps a question without a right answer single.
    if len(question.answers) < 2 or not any(line.startswith("\t~") for line in lines):
        lines.append("\t~")
    if question.single and not equals_written:
        lines.append("\t=")
    return lines


def _numerical_lines(question: GiftQuestion) -> list[str]:
    fmt = question.format
    lines = []
    last = len(question.numerical) - 1
    for position, answer in enumerate(question.numerical):
        feedback = "#" + _write_inner(answer.feedback, fmt) if answer.feedback else ""
        if answer.value is None and answer.fraction == 0 and position == last:
            lines.append("\t~" + (feedback or "#"))
            continue
        value = "*" if answer.value is None else f"{_format_number(answer.value)}:{_format_number(answer.tolerance)}"
        lines.append(f"\t=%{_format_weight(answer.fraction)}%{value}{feedback}")
    return lines


def export_gift(questions: Iterable[GiftQuestion]) -> str:
    """Write questions as GIFT; ``parse_gift`` of the result gives equal ``to_dict()``.

    A "$CATEGORY:" line is written whenever the category changes; an id number and tags go into a comment
    before the question. Files (images) cannot be written in GIFT and are left out. Raises ValueError for what
    GIFT cannot express (see docs/gift.md).
    """
    parts: list[str] = []
    category: str | None = None
    for question in questions:
        _check_exportable(question)
        if question.category != category:
            if question.category is None:
                raise _export_error(question, "вопрос без категории после вопросов с категорией: в GIFT так нельзя")
            name = _php_trim(question.category)
            if "\n" in name or "\r" in name or name != question.category:
                raise _export_error(question, f"категорию «{question.category}» нельзя записать")
            # Only the backslash is escaped: Moodle reads other escapes in a category as placeholders.
            escaped = question.category.replace("\\", "\\\\")
            parts.append(f"$CATEGORY: {escaped}\n\n".replace("$CATEGORY: \n", "$CATEGORY:\n"))
            category = question.category
        parts.append(_write_question(question) + "\n")
    return "".join(parts)


def to_json(result_or_questions: GiftParseResult | Iterable[GiftQuestion]) -> str:
    """The questions as the JSON list of docs/gift.md."""
    if isinstance(result_or_questions, GiftParseResult):
        questions: Iterable[GiftQuestion] = result_or_questions.questions
    else:
        questions = result_or_questions
    return json.dumps([q.to_dict() for q in questions], ensure_ascii=False, indent=2)
