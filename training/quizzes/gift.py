"""GIFT (Moodle's question text format): a strict importer and an exporter.

Pure Python, no Flask or SQLAlchemy: the rest of the app imports it.

``parse_gift`` follows Moodle's ``qformat_gift`` (question/format/gift/format.php): the same
question types, type detection, weights, escapes, format markers, missing-word rule and default
question names. Where Moodle silently imports something senseless, this importer reports an error
(or a warning) in Russian with a line number instead. Import is all-or-nothing: every problem in
the file is collected and one ``GiftImportError`` carries them all.

``export_gift`` writes questions so that ``parse_gift`` gives them back unchanged (equal
``to_dict()``). The public contract (JSON schema, messages, differences from Moodle) is described
in docs/gift.md.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

__all__ = [
    "DEFAULT_QUESTION_NAME",
    "FORMATS",
    "QUESTION_TYPES",
    "GiftAnswer",
    "GiftImportError",
    "GiftNumericAnswer",
    "GiftPair",
    "GiftParseResult",
    "GiftProblem",
    "GiftQuestion",
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

# PHP's trim() characters: Moodle trims with these, not with Unicode whitespace.
_PHP_WHITESPACE = " \t\n\r\0\x0b"

# C's isspace(), which PHP's strip_tags() uses to tell "a < b" from a tag.
_C_WHITESPACE = " \t\n\v\f\r"

# Characters that a backslash escapes in GIFT; "\n" is a newline and "\\" a backslash.
_ESCAPABLE = frozenset(":#={}~")

_TRUE_WORDS = ("T", "TRUE")
_FALSE_WORDS = ("F", "FALSE")

_WEIGHT_RE = re.compile(r"-?\d+(?:\.\d*)?")
_WEIGHT_LIKE_RE = re.compile(r"[-+\d.,\s]*\d[-+\d.,\s]*")
# A number as PHP's is_numeric() accepts it (without hexadecimal and surrounding whitespace).
_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_FORMAT_WORD_RE = re.compile(r"[A-Za-z]{2,}")
_MAX_NAME_LENGTH = 255
_DEFAULT_NAME_LENGTH = 80


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
    line: int = 0

    def to_dict(self) -> dict:
        """The JSON object of docs/gift.md: common keys, then only the keys of this type."""
        data: dict = {
            "type": self.type,
            "name": self.name,
            "text": self.text,
            "format": self.format,
            "category": self.category,
            "general_feedback": self.general_feedback,
        }
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
    line: int
    message: str

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


# --------------------------------------------------------------------------------------------
# Messages (the exact texts are part of the contract: docs/gift.md lists them)
# --------------------------------------------------------------------------------------------


class Msg:
    """Error and warning texts; ``{...}`` are filled in with ``str.format``."""

    NOT_UTF8 = "файл не в кодировке UTF-8 (неверный байт 0x{byte:02X}); сохраните файл в UTF-8"
    NO_QUESTIONS = "в файле нет ни одного вопроса"
    CATEGORY_SYNTAX = "неверная строка категории «{text}»: пишите «$CATEGORY: путь/к/категории»"
    CATEGORY_EMPTY = "пустое имя категории после «$CATEGORY:»"
    CATEGORY_NOT_ALONE = (
        "после строки «$CATEGORY: …» нужна пустая строка, иначе Moodle сочтёт следующие строки частью имени категории"
    )
    CATEGORY_INSIDE_QUESTION = "строка «$CATEGORY: …» внутри вопроса: отделите её от вопроса пустой строкой"
    TITLE_INSIDE_QUESTION = (
        "название «::…::» в середине вопроса: перед новым вопросом нужна пустая строка "
        "(если «::» — часть текста, пишите «\\:\\:»)"
    )
    TITLE_UNCLOSED = "название вопроса не закрыто: после «::» нет второго «::»"
    TEXT_EMPTY = "у вопроса нет текста"
    BRACE_UNOPENED = "«}» без открывающей «{» (если это часть текста, пишите «\\}»)"
    BRACE_UNCLOSED = "блок ответов не закрыт: у «{» нет парной «}»"
    BRACE_NESTED = "«{» внутри блока ответов (если это часть текста, пишите «\\{»)"
    SECOND_BLOCK = "второй блок ответов «{…}» в одном вопросе (вопросы разделяются пустой строкой)"
    TEXT_AFTER_BLOCK = (
        "текст «{text}» после блока ответов: пропуск «_____» в середине текста бывает только у "
        "вопросов с выбором, на короткий ответ и верно/неверно, а это {kind}"
    )
    UNKNOWN_FORMAT = (
        "неизвестный формат текста «[{name}]»: допустимы [html], [markdown], [plain] и [moodle] "
        "строчными буквами; если скобки — часть текста, поставьте перед ними формат, "
        "например «[moodle]»"
    )
    GENERAL_FEEDBACK_TWICE = "второй общий отзыв «####» в одном вопросе"
    GENERAL_FEEDBACK_OUTSIDE = "общий отзыв «{text}» стоит после «}}», а должен быть внутри блока ответов, перед «}}»"
    TRUEFALSE_CASE = (
        "ответ «{text}»: вопрос верно/неверно пишется {{T}}, {{TRUE}}, {{F}} или {{FALSE}} заглавными буквами"
    )
    TEXT_BEFORE_FIRST_ANSWER = "текст «{text}» перед первым ответом: каждый ответ начинается с {markers}"
    ANSWER_EMPTY = "пустой вариант ответа"
    MULTICHOICE_TOO_FEW = "в вопросе с выбором меньше двух вариантов ответа"
    WEIGHT_MALFORMED = "неверный вес «{text}»: пишите, например, «%50%» или «%-33.33333%»"
    WEIGHT_OUT_OF_RANGE = "вес «{text}» вне диапазона от -100% до 100%"
    WEIGHT_AFTER_EQUALS = (
        "вес «{text}» после «=»: «=» — верный ответ на все 100%; для частичного балла пишите «~{text}»"
    )
    MULTICHOICE_NO_RIGHT = (
        "нет ни одного верного варианта: отметьте верный ответ «=» или дайте вариантам "
        "положительный вес, например «~%50%»"
    )
    MULTICHOICE_SUM = (
        "в вопросе с несколькими верными ответами положительные веса должны в сумме давать 100%, а дают {total}%"
    )
    NO_FULL_MARKS = "нет ответа с весом 100%: за этот вопрос нельзя получить полный балл"
    MATCHING_NO_ARROW = "в паре «{text}» нет «->»"
    MATCHING_HASH = "«#» в паре «{text}»: у пар на соответствие нет отзывов (если это часть текста, пишите «\\#»)"
    MATCHING_EMPTY_ANSWER = "у пары «{text}» пустой ответ после «->»"
    MATCHING_TOO_FEW = "в вопросе на соответствие меньше двух пар «вопрос -> ответ»"
    NUMBER_INVALID = "в числовом ответе «{text}» не число"
    NUMBER_COMMA_HINT = " (дробную часть отделяйте точкой)"
    TOLERANCE_INVALID = "в числовом ответе «{text}» допуск «{tolerance}» не число"
    TOLERANCE_NEGATIVE = "в числовом ответе «{text}» отрицательный допуск"
    RANGE_REVERSED = "в числовом диапазоне «{text}» начало больше конца"
    NUMBER_EMPTY = "пустой числовой ответ"
    NUMERICAL_NO_ANSWERS = "в числовом вопросе нет ни одного ответа"
    NUMERICAL_TILDE_SYNTAX = "в числовом вопросе после «~» может стоять только отзыв на любой другой ответ: «~#отзыв»"
    NUMERICAL_TILDE_NOT_LAST = (
        "в числовом вопросе «~#отзыв» должен быть последним (если «=» — часть текста, пишите «\\=»)"
    )
    NUMERICAL_TILDE_TWICE = "в числовом вопросе больше одного «~»"
    NUMERICAL_STAR_TWICE = "в числовом вопросе больше одного ответа «*» (любой другой ответ)"

    # Warnings.
    FORMAT_DROPPED = "формат «[{format}]» у {what} не сохраняется: в JSON у вопроса один формат, «{question_format}»"
    MARKER_AFTER_FEEDBACK = (
        "«{marker}» сразу после отзыва «{text}» начинает новый вариант ответа; если это часть "
        "текста, пишите «\\{marker}»"
    )
    TITLE_EMPTY = "пустое название «::::» — название взято из текста вопроса"
    TITLE_TAGS_REMOVED = "HTML-теги в названии удалены (как в Moodle): «{name}»"
    NAME_SHORTENED = "название длиннее 255 символов сокращено (как в Moodle)"
    CATEGORY_UNUSED = "после категории «{name}» нет ни одного вопроса"
    ID_AND_TAGS_IGNORED = "[id:…] и [tag:…] в комментариях не импортируются"


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


# --------------------------------------------------------------------------------------------
# Scanner: a question's text with escapes resolved, each character knowing whether it was
# escaped (and so never special) and which line of the file it came from.
# --------------------------------------------------------------------------------------------


def _unescape(line: str) -> Iterator[tuple[str, bool]]:
    """The characters of a line with GIFT escapes resolved, each with whether it was escaped.

    As in Moodle: "\\\\" is a backslash, "\\n" a newline, "\\" before one of ``~=#{}:`` makes it
    plain text, and any other backslash stays as it is.
    """
    index = 0
    while index < len(line):
        char, following = line[index], line[index + 1 : index + 2]
        if char == "\\" and following and (following == "\\" or following in _ESCAPABLE):
            yield following, True
            index += 2
        elif char == "\\" and following == "n":
            yield "\n", True
            index += 2
        else:
            yield char, False
            index += 1


class _Source:
    """The lines of one question joined by newlines, escapes resolved; for every character:
    whether it was escaped and which line of the file it came from."""

    __slots__ = ("chars", "escaped", "lines")

    def __init__(self, lines: Sequence[tuple[int, str]]):
        chars: list[str] = []
        self.escaped: list[bool] = []
        self.lines: list[int] = []
        for position, (line_number, line) in enumerate(lines):
            if position:
                chars.append("\n")
                self.escaped.append(False)
                self.lines.append(lines[position - 1][0])
            for char, escaped in _unescape(line):
                chars.append(char)
                self.escaped.append(escaped)
                self.lines.append(line_number)
        self.chars = "".join(chars)

    def whole(self) -> _Span:
        return _Span(self, 0, len(self.chars))


class _Span:
    """A slice [start, end) of a _Source; indexes are absolute positions in the source."""

    __slots__ = ("src", "start", "end")

    def __init__(self, src: _Source, start: int, end: int):
        self.src = src
        self.start = start
        self.end = max(start, end)

    def __len__(self) -> int:
        return self.end - self.start

    def text(self) -> str:
        return self.src.chars[self.start : self.end]

    def line(self, index: int | None = None) -> int:
        position = self.start if index is None else index
        lines = self.src.lines
        if not lines:
            return 0
        return lines[min(max(position, 0), len(lines) - 1)]

    def sub(self, start: int, end: int | None = None) -> _Span:
        return _Span(self.src, start, self.end if end is None else end)

    def strip(self) -> _Span:
        chars = self.src.chars
        start, end = self.start, self.end
        while start < end and chars[start] in _PHP_WHITESPACE:
            start += 1
        while end > start and chars[end - 1] in _PHP_WHITESPACE:
            end -= 1
        return _Span(self.src, start, end)

    def is_special(self, index: int, char: str) -> bool:
        """Whether position ``index`` holds ``char`` unescaped."""
        return self.start <= index < self.end and self.src.chars[index] == char and not self.src.escaped[index]

    def find(self, needle: str, start: int | None = None) -> int:
        """Absolute index of the first unescaped ``needle`` in the span, or -1."""
        chars, escaped = self.src.chars, self.src.escaped
        index = self.start if start is None else start
        while True:
            index = chars.find(needle, index, self.end)
            if index < 0:
                return -1
            if not any(escaped[index : index + len(needle)]):
                return index
            index += 1

    def find_all(self, special: str) -> list[int]:
        """Absolute indexes of every unescaped character of ``special``."""
        chars, escaped = self.src.chars, self.src.escaped
        return [i for i in range(self.start, self.end) if chars[i] in special and not escaped[i]]

    def startswith(self, needle: str) -> bool:
        """Whether the span starts with ``needle``, unescaped."""
        end = self.start + len(needle)
        return (
            end <= self.end
            and self.src.chars.startswith(needle, self.start)
            and not any(self.src.escaped[self.start : end])
        )


@dataclass
class _Weight:
    """A parsed "%50%" weight: the percent (None when absent or bad) and the text after it."""

    percent: Decimal | None
    rest: _Span
    shown: str = ""
    bad: bool = False


@dataclass
class _Item:
    """One answer inside a block: the marker that starts it ("=" or "~") and its content."""

    marker: str
    marker_index: int
    content: _Span


def _split_items(span: _Span, markers: str) -> tuple[_Span, list[_Item]]:
    """Split at every unescaped marker character; returns the text before the first marker."""
    positions = span.find_all(markers)
    if not positions:
        return span, []
    lead = span.sub(span.start, positions[0])
    items = []
    for number, position in enumerate(positions):
        end = positions[number + 1] if number + 1 < len(positions) else span.end
        items.append(_Item(span.src.chars[position], position, span.sub(position + 1, end)))
    return lead, items


def _split_once(span: _Span, separator: str) -> tuple[_Span, _Span | None]:
    index = span.find(separator)
    if index < 0:
        return span, None
    return span.sub(span.start, index), span.sub(index + len(separator))


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


@dataclass
class _Chunk:
    """A group of non-blank lines: one question or one $CATEGORY line."""

    lines: list[tuple[int, str]] = field(default_factory=list)  # trimmed, without comments
    comments: list[tuple[int, str]] = field(default_factory=list)


class _Reporter:
    def __init__(self) -> None:
        self.errors: list[GiftProblem] = []
        self.warnings: list[GiftProblem] = []

    def error(self, line: int, message: str) -> None:
        self.errors.append(GiftProblem(line, message))

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(GiftProblem(line, message))


def _decode(source: str | bytes, reporter: _Reporter) -> str | None:
    if isinstance(source, str):
        return source
    try:
        return bytes(source).decode("utf-8")
    except UnicodeDecodeError as exc:
        line = bytes(source)[: exc.start].count(b"\n") + 1
        reporter.error(line, Msg.NOT_UTF8.format(byte=bytes(source)[exc.start]))
        return None


def _split_chunks(text: str) -> list[_Chunk]:
    """Moodle's readquestions(): lines are trimmed, blank lines separate questions."""
    chunks: list[_Chunk] = []
    current = _Chunk()
    for number, raw_line in enumerate(text.split("\n"), start=1):
        line = _php_trim(raw_line)
        if not line:
            if current.lines or current.comments:
                chunks.append(current)
                current = _Chunk()
        elif line.startswith("//"):
            current.comments.append((number, line))
        else:
            current.lines.append((number, line))
    if current.lines or current.comments:
        chunks.append(current)
    return chunks


class _QuestionParser:
    """Parses one chunk into a GiftQuestion, reporting every problem it finds."""

    def __init__(self, chunk: _Chunk, category: str | None, reporter: _Reporter):
        self.chunk = chunk
        self.category = category
        self.reporter = reporter
        self.start_line = chunk.lines[0][0]
        self.errors_before = len(reporter.errors)
        self.question_format = DEFAULT_FORMAT

    # -- reporting ----------------------------------------------------------------------------

    def error(self, line: int, message: str) -> None:
        self.reporter.error(line, message)

    def warn(self, line: int, message: str) -> None:
        self.reporter.warn(line, message)

    @property
    def failed(self) -> bool:
        return len(self.reporter.errors) > self.errors_before

    # -- text pieces ----------------------------------------------------------------------------

    def split_format(self, text: str, line: int) -> tuple[str | None, str]:
        """Moodle's parse_text_with_format(): a leading [format] marker, then trim.

        Returns the named format (None without a marker) and the text. A marker-like word that
        is not a format name is an error; other text in brackets stays text, as in Moodle.
        """
        text = _php_trim(text)
        if text.startswith("["):
            close = text.find("]")
            if close > 0:
                name = text[1:close]
                if name in FORMATS:
                    return name, _php_trim(text[close + 1 :])
                if _FORMAT_WORD_RE.fullmatch(name):
                    self.error(line, Msg.UNKNOWN_FORMAT.format(name=name))
        return None, text

    def inner_text(self, span: _Span | None, what: str) -> str:
        """Text of an answer, feedback or subquestion: its own marker is dropped (with a warning
        when it differs from the question's format, as the JSON has one format per question)."""
        if span is None:
            return ""
        line = span.strip().line()
        marker, text = self.split_format(span.text(), line)
        if marker is not None and marker != self.question_format:
            self.warn(
                line,
                Msg.FORMAT_DROPPED.format(format=marker, what=what, question_format=self.question_format),
            )
        return text

    def weight(self, content: _Span) -> _Weight:
        """A leading weight such as "%50%"; text that only looks like one stays text (Moodle)."""
        content = content.strip()
        if not content.startswith("%"):
            return _Weight(None, content)
        close = content.src.chars.find("%", content.start + 1, content.end)
        if close < 0:
            return _Weight(None, content)
        raw = content.src.chars[content.start + 1 : close]
        shown = f"%{raw}%"
        if _WEIGHT_RE.fullmatch(raw):
            percent = Decimal(raw)
            if not Decimal(-100) <= percent <= Decimal(100):
                self.error(content.line(), Msg.WEIGHT_OUT_OF_RANGE.format(text=shown))
                return _Weight(None, content.sub(close + 1), shown, bad=True)
            return _Weight(percent, content.sub(close + 1), shown)
        if _WEIGHT_LIKE_RE.fullmatch(raw):
            self.error(content.line(), Msg.WEIGHT_MALFORMED.format(text=shown))
            return _Weight(None, content.sub(close + 1), shown, bad=True)
        return _Weight(None, content)

    def check_glued_marker(self, item: _Item, previous: _Item | None) -> None:
        """Warn when "=" or "~" directly follows the text of a feedback: probably meant as text."""
        if previous is None or previous.content.find("#") < 0:
            return
        before = item.marker_index - 1
        if before >= 0 and item.content.src.chars[before] not in _PHP_WHITESPACE:
            feedback = previous.content.sub(previous.content.find("#") + 1).text()
            self.warn(
                item.content.line(item.marker_index),
                Msg.MARKER_AFTER_FEEDBACK.format(marker=item.marker, text=_quote(feedback)),
            )

    # -- the question -----------------------------------------------------------------------

    def parse(self) -> GiftQuestion | None:
        if not self.check_glued_chunks():
            return None
        src = _Source(self.chunk.lines)
        body = src.whole().strip()

        title: _Span | None = None
        if body.startswith("::"):
            close = body.find("::", body.start + 2)
            if close < 0:
                self.error(self.start_line, Msg.TITLE_UNCLOSED)
                return None
            title = body.sub(body.start + 2, close)
            body = body.sub(close + 2).strip()

        block = self.find_block(body)
        if block is False:
            return None
        if block is None:
            question_text, after = body.text(), None
            inner: _Span | None = None
        else:
            open_index, close_index = block
            after_span = body.sub(close_index + 1)
            after = after_span if len(after_span.strip()) else None
            blank = MISSING_WORD_BLANK if after is not None else ""
            question_text = body.sub(body.start, open_index).text() + blank + after_span.text()
            inner = body.sub(open_index + 1, close_index)

        text_format, text = self.split_format(question_text, self.start_line)
        self.question_format = text_format or DEFAULT_FORMAT
        if not text:
            self.error(self.start_line, Msg.TEXT_EMPTY)

        name = self.question_name(title, text)
        question = GiftQuestion(
            type="description",
            name=name,
            text=text,
            format=self.question_format,
            category=self.category,
            line=self.start_line,
        )
        if inner is not None:
            self.parse_block(question, inner, after)
        return None if self.failed else question

    def check_glued_chunks(self) -> bool:
        """A category line or a new title inside a question: a blank line is missing. Moodle
        would glue them into this question's text (or category name)."""
        for line, text in self.chunk.lines[1:]:
            if text.upper().startswith("$CATEGORY"):
                self.error(line, Msg.CATEGORY_INSIDE_QUESTION)
                return False
            if text.startswith("::"):
                self.error(line, Msg.TITLE_INSIDE_QUESTION)
                return False
        return True

    def find_block(self, body: _Span) -> tuple[int, int] | None | bool:
        """Position of the one answer block {…}; None for none; False after a brace error."""
        block: tuple[int, int] | None = None
        open_index = -1
        for index in body.find_all("{}"):
            char = body.src.chars[index]
            if char == "{":
                if open_index >= 0:
                    self.error(body.line(index), Msg.BRACE_NESTED)
                    return False
                if block is not None:
                    self.error(body.line(index), Msg.SECOND_BLOCK)
                    return False
                open_index = index
            else:
                if open_index < 0:
                    self.error(body.line(index), Msg.BRACE_UNOPENED)
                    return False
                block = (open_index, index)
                open_index = -1
        if open_index >= 0:
            self.error(body.line(open_index), Msg.BRACE_UNCLOSED)
            return False
        return block

    def question_name(self, title: _Span | None, text: str) -> str:
        if title is not None:
            raw = title.text()
            name = _clean_question_name(raw)
            if name:
                if _php_trim(_strip_tags(raw)) != _php_trim(raw):
                    self.warn(self.start_line, Msg.TITLE_TAGS_REMOVED.format(name=_quote(name)))
                if len(_php_trim(_strip_tags(raw))) > _MAX_NAME_LENGTH:
                    self.warn(self.start_line, Msg.NAME_SHORTENED)
                return name
            self.warn(self.start_line, Msg.TITLE_EMPTY)
        return _default_question_name(text)

    def parse_block(self, question: GiftQuestion, inner: _Span, after: _Span | None) -> None:
        answers, general = self.split_general_feedback(inner)
        question.general_feedback = self.inner_text(general, "общего отзыва")
        answers = answers.strip()
        kind = self.detect_type(answers)
        if kind is None:
            return
        question.type = kind
        if after is not None and after.strip().startswith("####"):
            self.error(
                after.line(after.strip().start),
                Msg.GENERAL_FEEDBACK_OUTSIDE.format(text=_quote(after.strip().text())),
            )
        elif after is not None and question.type in _KIND_NAMES:
            self.error(
                after.line(after.strip().start),
                Msg.TEXT_AFTER_BLOCK.format(text=_quote(after.strip().text()), kind=_KIND_NAMES[question.type]),
            )
        if question.type == "multichoice":
            self.parse_multichoice(question, answers)
        elif question.type == "shortanswer":
            self.parse_shortanswer(question, answers)
        elif question.type == "truefalse":
            self.parse_truefalse(question, answers)
        elif question.type == "matching":
            self.parse_matching(question, answers)
        elif question.type == "numerical":
            self.parse_numerical(question, answers)

    def split_general_feedback(self, inner: _Span) -> tuple[_Span, _Span | None]:
        """The general feedback follows "####" (the last four of a longer run of "#")."""
        runs: list[tuple[int, int]] = []
        index = inner.start
        while index < inner.end:
            if inner.is_special(index, "#"):
                run_end = index
                while run_end < inner.end and inner.is_special(run_end, "#"):
                    run_end += 1
                if run_end - index >= 4:
                    runs.append((index, run_end))
                index = run_end
            else:
                index += 1
        if not runs:
            return inner, None
        if len(runs) > 1:
            self.error(inner.line(runs[1][0]), Msg.GENERAL_FEEDBACK_TWICE)
        run_end = runs[0][1]
        return inner.sub(inner.start, run_end - 4), inner.sub(run_end)

    def detect_type(self, answers: _Span) -> str | None:
        """Moodle's rules, in Moodle's order."""
        if not len(answers):
            return "essay"
        if answers.is_special(answers.start, "#"):
            return "numerical"
        if answers.find("~") >= 0:
            return "multichoice"
        if answers.find("=") >= 0 and answers.find("->") >= 0:
            return "matching"
        word = _split_once(answers, "#")[0].strip().text()
        if word in _TRUE_WORDS + _FALSE_WORDS:
            return "truefalse"
        if word.upper() in _TRUE_WORDS + _FALSE_WORDS:
            self.error(answers.line(), Msg.TRUEFALSE_CASE.format(text=word))
            return None
        return "shortanswer"

    def check_lead(self, lead: _Span, markers: str) -> None:
        lead = lead.strip()
        if len(lead):
            self.error(
                lead.line(),
                Msg.TEXT_BEFORE_FIRST_ANSWER.format(text=_quote(lead.text()), markers=markers),
            )

    # -- types ------------------------------------------------------------------------------

    def parse_multichoice(self, question: GiftQuestion, answers: _Span) -> None:
        lead, items = _split_items(answers, "=~")
        self.check_lead(lead, "«=» или «~»")
        positive_total = Decimal(0)
        previous: _Item | None = None
        for item in items:
            self.check_glued_marker(item, previous)
            previous = item
            weight = self.weight(item.content)
            percent = weight.percent
            if item.marker == "=":
                if percent is not None:
                    self.error(
                        item.content.line(item.marker_index),
                        Msg.WEIGHT_AFTER_EQUALS.format(text=weight.shown),
                    )
                percent = Decimal(100)
            elif percent is None:
                percent = Decimal(0)
            text_span, feedback_span = _split_once(weight.rest, "#")
            text = self.inner_text(text_span, "варианта ответа")
            if not text and not weight.bad:
                self.error(item.content.line(item.marker_index), Msg.ANSWER_EMPTY)
            feedback = self.inner_text(feedback_span, "отзыва")
            question.answers.append(GiftAnswer(text, _fraction(percent), feedback))
            if percent > 0:
                positive_total += percent
        question.single = any(item.marker == "=" for item in items)
        if self.failed:
            return
        if len(question.answers) < 2:
            self.error(self.start_line, Msg.MULTICHOICE_TOO_FEW)
        elif not question.single:
            if positive_total == 0:
                self.error(self.start_line, Msg.MULTICHOICE_NO_RIGHT)
            elif (positive_total / 100).quantize(Decimal("0.01"), ROUND_HALF_UP) != 1:
                self.error(
                    self.start_line,
                    Msg.MULTICHOICE_SUM.format(total=_format_decimal(positive_total)),
                )

    def parse_shortanswer(self, question: GiftQuestion, answers: _Span) -> None:
        lead, items = _split_items(answers, "=")
        self.check_lead(lead, "«=»")
        previous: _Item | None = None
        for item in items:
            self.check_glued_marker(item, previous)
            previous = item
            weight = self.weight(item.content)
            percent = Decimal(100) if weight.percent is None else weight.percent
            text_span, feedback_span = _split_once(weight.rest, "#")
            text = self.inner_text(text_span, "ответа")
            if not text and not weight.bad:
                self.error(item.content.line(item.marker_index), Msg.ANSWER_EMPTY)
            feedback = self.inner_text(feedback_span, "отзыва")
            question.answers.append(GiftAnswer(text, _fraction(percent), feedback))
        if not self.failed and question.answers and not any(answer.fraction == 1 for answer in question.answers):
            self.error(self.start_line, Msg.NO_FULL_MARKS)

    def parse_truefalse(self, question: GiftQuestion, answers: _Span) -> None:
        word_span, feedbacks = _split_once(answers, "#")
        wrong_span, right_span = (None, None) if feedbacks is None else _split_once(feedbacks, "#")
        is_true = word_span.strip().text() in _TRUE_WORDS
        # Moodle: the first feedback is shown for a wrong answer, the second for the right one.
        wrong = self.inner_text(wrong_span, "отзыва")
        right = self.inner_text(right_span, "отзыва")
        question.answers = [
            GiftAnswer("true", 1.0 if is_true else 0.0, right if is_true else wrong),
            GiftAnswer("false", 0.0 if is_true else 1.0, wrong if is_true else right),
        ]

    def parse_matching(self, question: GiftQuestion, answers: _Span) -> None:
        lead, items = _split_items(answers, "=")
        self.check_lead(lead, "«=»")
        for item in items:
            content = item.content.strip()
            line = item.content.line(item.marker_index)
            shown = _quote(content.text())
            arrow = content.find("->")
            if arrow < 0:
                self.error(line, Msg.MATCHING_NO_ARROW.format(text=shown))
                continue
            if content.find("#") >= 0:
                self.error(line, Msg.MATCHING_HASH.format(text=shown))
                continue
            subquestion = self.inner_text(content.sub(content.start, arrow), "вопроса пары")
            # As in Moodle, the answer side of a pair has no format marker.
            answer = content.sub(arrow + 2).strip().text()
            if not answer:
                self.error(line, Msg.MATCHING_EMPTY_ANSWER.format(text=shown))
                continue
            question.pairs.append(GiftPair(subquestion, answer))
        if not self.failed and sum(1 for pair in question.pairs if pair.question) < 2:
            self.error(self.start_line, Msg.MATCHING_TOO_FEW)

    def parse_numerical(self, question: GiftQuestion, answers: _Span) -> None:
        body = answers.sub(answers.start + 1)  # after the leading "#"
        tildes = body.find_all("~")
        if len(tildes) > 1:
            self.error(body.line(tildes[1]), Msg.NUMERICAL_TILDE_TWICE)
            return
        main = body.sub(body.start, tildes[0]) if tildes else body
        other = body.sub(tildes[0] + 1) if tildes else None

        lead, items = _split_items(main, "=")
        contents: list[tuple[_Span, int]] = []
        previous: _Item | None = None
        if len(lead.strip()):
            contents.append((lead, lead.strip().start))  # Moodle: the first "=" may be left out
            previous = _Item("", lead.start, lead)
        for item in items:
            self.check_glued_marker(item, previous)
            previous = item
            contents.append((item.content, item.marker_index))
        for content, position in contents:
            parsed = self.numeric_answer(content, body.line(position))
            if parsed is not None:
                question.numerical.append(parsed)

        if other is not None:
            if other.find("=") >= 0:
                self.error(other.line(other.find("=")), Msg.NUMERICAL_TILDE_NOT_LAST)
            else:
                rest = other.strip()
                if len(rest) and not rest.is_special(rest.start, "#"):
                    self.error(rest.line(), Msg.NUMERICAL_TILDE_SYNTAX)
                else:
                    feedback_span = rest.sub(rest.start + 1) if len(rest) else None
                    feedback = self.inner_text(feedback_span, "отзыва")
                    question.numerical.append(GiftNumericAnswer(None, 0.0, 0.0, feedback))

        if self.failed:
            return
        if not any(answer.value is not None for answer in question.numerical):
            self.error(self.start_line, Msg.NUMERICAL_NO_ANSWERS)
        elif sum(1 for answer in question.numerical if answer.value is None) > 1:
            self.error(self.start_line, Msg.NUMERICAL_STAR_TWICE)
        elif not any(answer.fraction == 1 for answer in question.numerical):
            self.error(self.start_line, Msg.NO_FULL_MARKS)

    def numeric_answer(self, content: _Span, line: int) -> GiftNumericAnswer | None:
        content = content.strip()
        if not len(content):
            self.error(line, Msg.NUMBER_EMPTY)
            return None
        weight = self.weight(content)
        if weight.bad:
            return None
        percent = weight.percent
        value_span, feedback_span = _split_once(weight.rest, "#")
        feedback = self.inner_text(feedback_span, "отзыва")
        value_span = value_span.strip()
        shown = value_span.text()
        fraction = _fraction(Decimal(100) if percent is None else percent)
        if not shown:
            self.error(line, Msg.NUMBER_EMPTY)
            return None
        if shown == "*":
            return GiftNumericAnswer(None, 0.0, fraction, feedback)

        dots = value_span.find("..")
        colon = value_span.find(":")
        if dots > value_span.start:
            low = self.number(value_span.sub(value_span.start, dots).strip().text(), line)
            high = self.number(value_span.sub(dots + 2).strip().text(), line)
            if low is None or high is None:
                return None
            if low > high:
                self.error(line, Msg.RANGE_REVERSED.format(text=_quote(shown)))
                return None
            value = (low + high) / 2
            if not math.isfinite(value):  # the sum of two huge bounds overflows
                value = low / 2 + high / 2
            tolerance = high - value
        elif colon > value_span.start:
            value = self.number(value_span.sub(value_span.start, colon).strip().text(), line)
            tolerance_text = value_span.sub(colon + 1).strip().text()
            tolerance = _parse_number(tolerance_text)
            if tolerance is None:
                self.error(
                    line,
                    Msg.TOLERANCE_INVALID.format(text=_quote(shown), tolerance=tolerance_text),
                )
                return None
            if value is None:
                return None
            if tolerance < 0:
                self.error(line, Msg.TOLERANCE_NEGATIVE.format(text=_quote(shown)))
                return None
        else:
            value = self.number(shown, line)
            tolerance = 0.0
            if value is None:
                return None
        return GiftNumericAnswer(_clean_zero(value), _clean_zero(tolerance), fraction, feedback)

    def number(self, text: str, line: int) -> float | None:
        value = _parse_number(text)
        if value is None:
            hint = Msg.NUMBER_COMMA_HINT if "," in text else ""
            self.error(line, Msg.NUMBER_INVALID.format(text=_quote(text)) + hint)
        return value


def _parse_number(text: str) -> float | None:
    if not _NUMBER_RE.fullmatch(text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def _clean_zero(value: float) -> float:
    return 0.0 if value == 0 else value


def _fraction(percent: Decimal) -> float:
    return _clean_zero(float(percent / 100))


def _format_decimal(value: Decimal) -> str:
    """A decimal without exponent or trailing zeros: 90, 33.33333."""
    return format(value.normalize(), "f")


def parse_gift(source: str | bytes) -> GiftParseResult:
    """Parse a whole GIFT file; raise GiftImportError with every problem if there is any."""
    reporter = _Reporter()
    text = _decode(source, reporter)
    if text is None:
        raise GiftImportError(reporter.errors)
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")

    questions: list[GiftQuestion] = []
    category: str | None = None
    category_line = 0
    category_used = True
    for chunk in _split_chunks(text):
        for line, comment in chunk.comments:
            if "[id:" in comment or "[tag:" in comment:
                reporter.warn(line, Msg.ID_AND_TAGS_IGNORED)
        if not chunk.lines:
            continue
        first_line, first_text = chunk.lines[0]
        if first_text.upper().startswith("$CATEGORY"):
            new_category = _parse_category(chunk, reporter)
            if new_category is not None:
                if not category_used:
                    reporter.warn(category_line, Msg.CATEGORY_UNUSED.format(name=category))
                category, category_line, category_used = new_category, first_line, False
            continue
        question = _QuestionParser(chunk, category, reporter).parse()
        category_used = True
        if question is not None:
            questions.append(question)
    if not category_used:
        reporter.warn(category_line, Msg.CATEGORY_UNUSED.format(name=category))
    if not questions and not reporter.errors:
        reporter.error(1, Msg.NO_QUESTIONS)
    if reporter.errors:
        raise GiftImportError(
            sorted(reporter.errors, key=lambda problem: problem.line),
            sorted(reporter.warnings, key=lambda problem: problem.line),
        )
    return GiftParseResult(questions, sorted(reporter.warnings, key=lambda p: p.line))


def _parse_category(chunk: _Chunk, reporter: _Reporter) -> str | None:
    """A "$CATEGORY: path" line; escapes are resolved as in any text."""
    line, text = chunk.lines[0]
    if not text.startswith("$CATEGORY:"):
        reporter.error(line, Msg.CATEGORY_SYNTAX.format(text=_quote(text)))
        return None
    if len(chunk.lines) > 1:
        reporter.error(chunk.lines[1][0], Msg.CATEGORY_NOT_ALONE)
        return None
    name = _php_trim("".join(char for char, _ in _unescape(text[len("$CATEGORY:") :])))
    if not name:
        reporter.error(line, Msg.CATEGORY_EMPTY)
        return None
    return name


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


def _format_weight(fraction: float) -> str:
    percent = Decimal(repr(float(fraction))) * 100
    text = format(percent.normalize(), "f")
    return "0" if text in ("-0", "0") else text


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
    if question.type == "shortanswer":
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
    if question.type == "multichoice" and question.single:
        if not any(answer.fraction == 1 for answer in question.answers):
            raise _export_error(question, "у вопроса с одним верным ответом нет ответа на 100%")
    if question.type == "truefalse":
        texts = sorted(answer.text for answer in question.answers)
        rights = [answer.text for answer in question.answers if answer.fraction == 1]
        if texts != ["false", "true"] or len(rights) != 1:
            raise _export_error(question, "ответы верно/неверно должны быть «true» и «false»")


def _write_question(question: GiftQuestion) -> str:
    fmt = question.format
    # A name ending in "<" (possible in Moodle's cleaned names) would read as the start of an HTML
    # tag, which the importer strips; a space after it keeps it text and is trimmed away again.
    name = question.name + " " if question.name.endswith("<") else question.name
    head = f"::{_escape(name)}::"
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
    elif question.type == "numerical":
        lines[0] = head + "{#"
        lines.extend(_numerical_lines(question))
    if general:
        lines.append("\t" + general)
    lines.append("}")
    return "\n".join(lines) + "\n"


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

    A "$CATEGORY:" line is written whenever the category changes. Raises ValueError for what
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
            if not name or "\n" in name or "\r" in name or name != question.category:
                raise _export_error(question, f"категорию «{question.category}» нельзя записать")
            # Only the backslash is escaped: Moodle reads other escapes in a category as garbage.
            escaped = question.category.replace("\\", "\\\\")
            parts.append(f"$CATEGORY: {escaped}\n\n")
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
