"""Moodle XML, Moodle's default question export format: a reader that takes what Moodle's ``qformat_xml`` reads
(question/format/xml/format.php) and a writer whose files Moodle's importer reads back.

Pure Python (the standard library's expat, no Flask or SQLAlchemy). Questions come out as the same
``GiftQuestion`` model the GIFT importer gives, so the bank imports every format alike; images embedded as base64
``<file>`` elements come with them (``GiftQuestion.files``), the texts keep Moodle's ``@@PLUGINFILE@@/name``.

Reading is safe and bounded: the file must be at most ``MAX_XML_BYTES``, UTF-8, and may not declare a DOCTYPE or
entities (so no entity expansion, no external entities). Import is all-or-nothing, as for GIFT: every problem is
collected with its line and one ``GiftImportError`` carries them all. Question types this app does not have
(calculated, ddwtos, cloze…) are counted in ``GiftParseResult.unsupported`` and left out; the caller decides
whether the person importing agrees to skip them. The contract is in docs/quiz-formats.md.
"""
from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import quote, unquote
from xml.parsers import expat
from xml.sax.saxutils import escape, quoteattr

from training.quizzes.gift import (
    DEFAULT_QUESTION_NAME,
    FORMATS,
    MAX_IDNUMBER_LENGTH,
    GiftAnswer,
    GiftImportError,
    GiftNumericAnswer,
    GiftPair,
    GiftParseResult,
    GiftProblem,
    GiftQuestion,
    Msg,
    QuestionFile,
    check_multichoice_answers,
    clean_tags,
    match_moodle_fraction,
    nearest_moodle_fraction,
    percent_text,
)
from training.quizzes.gift import _clean_question_name as clean_question_name
from training.quizzes.gift import _default_question_name as default_question_name
from training.quizzes.gift import _parse_number as parse_number
from training.quizzes.gift import _php_trim as php_trim
from training.quizzes.gift import _quote as short
from training.quizzes.gift import _strip_tags as strip_tags
from training.quizzes.images import ALLOWED_LABEL, MAX_IMAGE_BYTES, sniff_image
from training.templating import megabytes

__all__ = ["MAX_XML_BYTES", "SUPPORTED_TYPES", "export_moodle_xml", "parse_moodle_xml", "category_path"]

#: The largest Moodle XML file read (the web form refuses larger uploads anyway).
MAX_XML_BYTES = 30 * 1024 * 1024

#: Moodle's type names this app imports, and what they are here.
SUPPORTED_TYPES = {
    "multichoice": "multichoice",
    "truefalse": "truefalse",
    "shortanswer": "shortanswer",
    "numerical": "numerical",
    "matching": "matching",
    "match": "matching",
    "essay": "essay",
    "description": "description",
}

PLUGINFILE = "@@PLUGINFILE@@/"

# Moodle's text format names in XML, and ours.
_FORMAT_IN = {"moodle_auto_format": "moodle", "html": "html", "plain_text": "plain", "markdown": "markdown"}
_FORMAT_OUT = {value: key for key, value in _FORMAT_IN.items()}
# Characters XML 1.0 cannot hold (they are left out of an export).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_PLUGINFILE_REF = re.compile(r"@@PLUGINFILE@@/([^\"'<>\s)]+)")
_CONTEXT_PREFIX = re.compile(r"^\$[a-z]+\$/?")
_COMBINED_FEEDBACK = ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback")
# Moodle's default combined-feedback texts (question.php: correctfeedbackdefault…), in English and in Russian.
_COMBINED_DEFAULTS = frozenset({
    "Your answer is correct.", "Your answer is partially correct.", "Your answer is incorrect.",
    "Ваш ответ верный.", "Ваш ответ частично правильный.", "Ваш ответ неправильный.",
})


class XmlMsg:
    """Error and warning texts of the Moodle XML reader (the GIFT ones in ``gift.Msg`` are reused where the
    problem is the same)."""

    TOO_BIG = "файл больше {size}: такой файл Moodle XML не загрузить"
    NOT_XML = "файл не читается как XML: {reason}"
    DOCTYPE = "в файле объявлен DOCTYPE или сущности (<!DOCTYPE …>, <!ENTITY …>): в Moodle XML их не бывает"
    ENCODING = "в объявлении XML указана кодировка «{encoding}»: сохраните файл в UTF-8"
    NOT_QUIZ = "это не файл Moodle XML: корневой элемент <{tag}>, а нужен <quiz>"
    NO_TYPE = "у <question> нет атрибута type"
    NO_NAME = "у вопроса нет названия <name><text>…</text></name>: Moodle такой файл не примет"
    NAME_EMPTY = "пустое название — название взято из текста вопроса"
    FRACTION_INVALID = "доля балла fraction=«{text}» не число: Moodle такой файл не примет"
    FRACTION_RANGE = "доля балла {text}% вне диапазона от -100% до 100%: Moodle такой файл не примет"
    FILE_ENCODING = "файл «{name}»: кодировка «{encoding}» не поддерживается, нужна base64"
    FILE_BASE64 = "файл «{name}»: содержимое не в base64"
    FILE_TYPE = ("файл «{name}» не сохранён: это не изображение (допустимы " + ALLOWED_LABEL
                 + "), ссылка на него в тексте работать не будет")
    FILE_SIZE = "изображение «{name}» больше {size} и не сохранено: в тексте оно не покажется"
    FILE_NO_NAME = "у файла <file> нет имени"
    FILE_MISSING = "в тексте ссылка на файл «{name}», которого нет в этом вопросе: изображение не покажется"
    FILE_RENAMED = "два разных файла «{name}» в одном вопросе: второй сохранён как «{new}»"
    FORMAT_UNKNOWN = "неизвестный формат текста «{name}»: как и Moodle, текст прочитан как HTML"
    FORMAT_WIKI = "формат «wiki_like» здесь не поддерживается: текст сохранён в формате Moodle"
    FORMAT_DROPPED = "формат «{format}» у {what} не сохраняется: у вопроса один формат, «{question_format}»"
    TRUEFALSE_OLD = (
        "ответ «{text}» вместо «true»/«false»: как и Moodle, ответы прочитаны по порядку — первый «верно», "
        "второй «неверно»"
    )
    TRUEFALSE_NONE = "у вопроса верно/неверно нет ответов <answer>"
    USECASE = "учёт регистра букв (usecase) здесь не поддерживается: ответы сравниваются без учёта регистра"
    UNITS = "единицы измерения не переносятся: ответ сравнивается только как число"
    DEFAULT_GRADE = "оценка за вопрос {grade} не переносится: здесь каждый вопрос стоит 1 балл"
    GRADER_INFO = "информация для проверяющего (graderinfo) не переносится"
    RESPONSE_TEMPLATE = "шаблон ответа (responsetemplate) не переносится"
    HINTS = "подсказки (hint) не переносятся"
    COMBINED_FEEDBACK = (
        "отзыв «{text}» на верный, частично верный или неверный ответ (correctfeedback…) не переносится: "
        "у вопросов здесь только отзывы к ответам и общий отзыв"
    )
    NUMBER_EMPTY_DROPPED = "пустой числовой ответ пропущен (как в Moodle)"
    DESCRIPTION_FEEDBACK = "общий отзыв у описания не сохраняется: описание не оценивается и отзыва не показывает"


@dataclass
class _Node:
    tag: str
    attrs: dict[str, str]
    line: int
    children: list[_Node] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def first(self, tag: str) -> _Node | None:
        return next((child for child in self.children if child.tag == tag), None)

    def all(self, tag: str) -> list[_Node]:
        return [child for child in self.children if child.tag == tag]

    def path(self, *tags: str) -> _Node | None:
        node: _Node | None = self
        for tag in tags:
            node = node.first(tag) if node is not None else None
        return node

    def text_at(self, *tags: str, default: str = "") -> str:
        """Moodle's getpath(…, istext=true): the element's text, trimmed; ``default`` when it is missing."""
        node = self.path(*tags)
        return php_trim(node.text) if node is not None else default


class _Refused(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


def _parse_tree(data: bytes) -> _Node:
    """A tree of elements with their start lines; no DOCTYPE, no entities (raises _Refused)."""
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.buffer_text = True
    root: list[_Node] = []
    stack: list[_Node] = []

    def start(tag: str, attrs: dict[str, str]) -> None:
        node = _Node(tag, dict(attrs), parser.CurrentLineNumber)
        if stack:
            stack[-1].children.append(node)
        else:
            root.append(node)
        stack.append(node)

    def end(_tag: str) -> None:
        stack.pop()

    def characters(data: str) -> None:
        if stack:
            stack[-1].parts.append(data)

    def refuse(*_args) -> None:
        raise _Refused(parser.CurrentLineNumber, XmlMsg.DOCTYPE)

    def declaration(_version: str, encoding: str | None, _standalone: int) -> None:
        if encoding and encoding.strip().lower().replace("_", "-") not in ("utf-8", "utf8"):
            raise _Refused(parser.CurrentLineNumber, XmlMsg.ENCODING.format(encoding=encoding))

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.XmlDeclHandler = declaration
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise _Refused(exc.lineno, XmlMsg.NOT_XML.format(reason=expat.errors.messages[exc.code])) from exc
    return root[0]


def category_path(raw: str) -> str:
    """A Moodle category path as this app names the category: the context ("$course$/", "$system$/"…) and the
    "top" category are left out, as Moodle's create_category_path() places them."""
    path = _CONTEXT_PREFIX.sub("", php_trim(raw)).strip("/")
    parts = path.split("/", 1)
    if parts[0] == "top":
        path = parts[1] if len(parts) > 1 else ""
    return php_trim(path)


@dataclass
class _Field:
    text: str
    format: str
    line: int


class _QuestionFiles:
    """The files of one question: one name space for all its texts. A second, different file with the same name
    in another text gets a new name, and that text is changed to match."""

    def __init__(self, reader: _XmlReader):
        self.reader = reader
        self.by_name: dict[str, QuestionFile] = {}
        #: files left out (not an allowed image, or too big): the texts that show them were warned about already
        self.dropped: set[str] = set()

    def read(self, owner: _Node | None, text: str) -> str:
        if owner is None:
            return text
        seen: set[str] = set()
        for node in owner.all("file"):
            name = self.reader.file_name(node)
            if name is None or name in seen:  # Moodle skips a second file with the same path
                continue
            seen.add(name)
            content = self.reader.file_content(node, name)
            if content is None:
                self.dropped.add(name)
                continue
            final = self.add(name, content)
            if final != name:
                self.reader.warn(node.line, XmlMsg.FILE_RENAMED.format(name=name, new=final), "file-renamed")
                for form in (name, quote(name)):
                    text = text.replace(PLUGINFILE + form, PLUGINFILE + quote(final))
        return text

    def add(self, name: str, file: QuestionFile) -> str:
        candidate, number = name, 1
        while candidate in self.by_name and self.by_name[candidate].sha256 != file.sha256:
            number += 1
            stem, dot, suffix = name.rpartition(".")
            candidate = f"{stem}-{number}.{suffix}" if dot else f"{name}-{number}"
        if candidate not in self.by_name:
            self.by_name[candidate] = QuestionFile(candidate, file.content, file.mime_type)
        return candidate

    def files(self) -> list[QuestionFile]:
        return [self.by_name[name] for name in sorted(self.by_name)]


class _XmlReader:
    def __init__(self) -> None:
        self.errors: list[GiftProblem] = []
        self.warnings: list[GiftProblem] = []
        self.errors_before = 0

    @property
    def failed(self) -> bool:
        """Whether the question being read has an error."""
        return len(self.errors) > self.errors_before

    def error(self, line: int, message: str, code: str = "") -> None:
        self.errors.append(GiftProblem(line, message, code))

    def warn(self, line: int, message: str, code: str = "") -> None:
        self.warnings.append(GiftProblem(line, message, code))

    # -- pieces -----------------------------------------------------------------------------------

    def text_format(self, node: _Node | None, default: str) -> str:
        """Moodle's trans_format(): the element's ``format`` attribute."""
        if node is None or "format" not in node.attrs:
            return default
        name = node.attrs["format"].strip()
        if name in _FORMAT_IN:
            return _FORMAT_IN[name]
        if name == "wiki_like":
            self.warn(node.line, XmlMsg.FORMAT_WIKI, "format-wiki")
            return "moodle"
        self.warn(node.line, XmlMsg.FORMAT_UNKNOWN.format(name=short(name)), "format-unknown")
        return "html"

    def field(self, node: _Node | None, default_format: str, files: _QuestionFiles | None = None) -> _Field:
        """Moodle's import_text_with_files(): ``<text>`` (trimmed), the format and the ``<file>`` elements."""
        if node is None:
            return _Field("", default_format, 0)
        text = node.text_at("text")
        if files is not None:
            text = files.read(node, text)
        return _Field(text, self.text_format(node, default_format), node.line)

    def same_format(self, field_: _Field, question_format: str, what: str) -> str:
        if field_.text and field_.format != question_format:
            self.warn(field_.line, XmlMsg.FORMAT_DROPPED.format(format=_FORMAT_OUT.get(field_.format, field_.format),
                                                                what=what,
                                                                question_format=_FORMAT_OUT[question_format]),
                      "format-dropped")
        return field_.text

    def file_name(self, node: _Node) -> str | None:
        name = php_trim(node.attrs.get("name", ""))
        if not name:
            self.error(node.line, XmlMsg.FILE_NO_NAME, "file")
            return None
        path = node.attrs.get("path", "/").strip() or "/"
        return (path.strip("/") + "/" + name).lstrip("/")

    def file_content(self, node: _Node, name: str) -> QuestionFile | None:
        encoding = node.attrs.get("encoding", "base64").strip().lower()
        if encoding != "base64":
            self.error(node.line, XmlMsg.FILE_ENCODING.format(name=short(name), encoding=encoding), "file")
            return None
        try:
            content = base64.b64decode("".join(node.text.split()), validate=True)
        except (binascii.Error, ValueError):
            self.error(node.line, XmlMsg.FILE_BASE64.format(name=short(name)), "file")
            return None
        # Moodle keeps any file; here only images are stored (nothing that can carry a script, bounded size). The
        # question is imported without the file, as its text without that picture or link: one audio file of a
        # bank must not cost the teacher the whole file.
        if len(content) > MAX_IMAGE_BYTES:
            self.warn(node.line, XmlMsg.FILE_SIZE.format(name=short(name), size=megabytes(MAX_IMAGE_BYTES)),
                      "file-dropped")
            return None
        mime = sniff_image(content)
        if mime is None:
            self.warn(node.line, XmlMsg.FILE_TYPE.format(name=short(name)), "file-dropped")
            return None
        return QuestionFile(name, content, mime)

    def fraction(self, node: _Node) -> float | None:
        """The ``fraction`` attribute (percent) as Moodle saves it: matched to its grade list."""
        raw = node.attrs.get("fraction", "0").strip() or "0"
        deprecated = node.path("fraction")  # <fraction> inside <answer>: an old form Moodle still reads
        try:
            percent = Decimal(raw)
            if deprecated is not None and php_trim(deprecated.text):
                percent = Decimal(php_trim(deprecated.text)) * 100
        except ArithmeticError:
            self.error(node.line, XmlMsg.FRACTION_INVALID.format(text=short(raw)), "fraction")
            return None
        if not percent.is_finite():
            self.error(node.line, XmlMsg.FRACTION_INVALID.format(text=short(raw)), "fraction")
            return None
        if not Decimal(-100) <= percent <= Decimal(100):
            self.error(node.line, XmlMsg.FRACTION_RANGE.format(text=percent_text(float(percent / 100))), "fraction")
            return None
        exact = float(percent / 100) + 0.0
        matched = match_moodle_fraction(exact)
        if matched is not None:
            return matched + 0.0
        nearest = nearest_moodle_fraction(exact)
        self.warn(node.line, Msg.WEIGHT_NOT_IN_MOODLE.format(text=percent_text(exact), nearest=percent_text(nearest)),
                  "weight-not-in-moodle")
        return exact

    def number(self, text: str, line: int, *, tolerance_of: str | None = None) -> float | None:
        value = parse_number(text)
        if value is None:
            if tolerance_of is not None:
                self.error(line, Msg.TOLERANCE_INVALID.format(text=short(tolerance_of), tolerance=short(text)),
                           "number")
            else:
                hint = Msg.NUMBER_COMMA_HINT if "," in text else ""
                self.error(line, Msg.NUMBER_INVALID.format(text=short(text)) + hint, "number")
        return value

    # -- the file ---------------------------------------------------------------------------------

    def read(self, root: _Node) -> GiftParseResult:
        if root.tag != "quiz":
            self.error(root.line, XmlMsg.NOT_QUIZ.format(tag=short(root.tag)), "not-quiz")
            return GiftParseResult([], format="moodle_xml")
        questions: list[GiftQuestion] = []
        categories: list[str] = []
        unsupported: dict[str, int] = {}
        category: str | None = None
        idnumbers: dict[tuple[str | None, str], int] = {}
        for node in root.all("question"):
            qtype = php_trim(node.attrs.get("type", ""))
            if not qtype:
                self.error(node.line, XmlMsg.NO_TYPE, "no-type")
            elif qtype == "category":
                category = category_path(node.text_at("category", "text"))
                if category not in categories:
                    categories.append(category)
            elif qtype in SUPPORTED_TYPES:
                self.errors_before = len(self.errors)
                question = self.question(node, SUPPORTED_TYPES[qtype])
                if question is not None and not self.failed:
                    question.category = category
                    if question.idnumber:
                        key = (category, question.idnumber)
                        if key in idnumbers:
                            self.warn(node.line, Msg.IDNUMBER_TWICE.format(text=short(question.idnumber),
                                                                           line=idnumbers[key]), "idnumber-twice")
                            question.idnumber = None
                        else:
                            idnumbers[key] = node.line
                    questions.append(question)
            else:
                unsupported[qtype] = unsupported.get(qtype, 0) + 1
        if not questions and not categories and not unsupported and not self.errors:
            self.error(root.line, Msg.NO_QUESTIONS, "no-questions")
        return GiftParseResult(questions, [], categories, format="moodle_xml", unsupported=unsupported)

    def question(self, node: _Node, qtype: str) -> GiftQuestion | None:
        """Moodle's import_headers(), then the type's own part."""
        name_node = node.path("name", "text")
        if name_node is None:
            self.error(node.line, XmlMsg.NO_NAME, "no-name")
            return None
        files = _QuestionFiles(self)
        text_node = node.first("questiontext")
        qtext = self.field(text_node, "html", files)
        question = GiftQuestion(type=qtype, name="", text=qtext.text, format=qtext.format, line=node.line)
        question.text = self.old_image(node, question.text, files)
        name = clean_question_name(php_trim(name_node.text))
        if not name:
            self.warn(node.line, XmlMsg.NAME_EMPTY, "title-empty")
            name = default_question_name(question.text) or DEFAULT_QUESTION_NAME
        elif php_trim(strip_tags(php_trim(name_node.text))) != php_trim(name_node.text):
            self.warn(node.line, Msg.TITLE_TAGS_REMOVED.format(name=short(name)), "title-tags")
        question.name = name
        if not question.text:
            self.warn(node.line, Msg.TEXT_EMPTY, "text-empty")
        general = self.field(node.first("generalfeedback"), question.format, files)
        question.general_feedback = self.same_format(general, question.format, "общего отзыва")
        if qtype == "description" and question.general_feedback:
            self.warn(node.line, XmlMsg.DESCRIPTION_FEEDBACK, "description-feedback")
            question.general_feedback = ""
        idnumber = node.text_at("idnumber")
        if len(idnumber) > MAX_IDNUMBER_LENGTH:
            self.error(node.line, Msg.IDNUMBER_TOO_LONG.format(text=short(idnumber)), "idnumber")
        question.idnumber = idnumber or None
        raw_tags = [tag.text_at("text") for tag in (node.path("tags") or _Node("", {}, 0)).all("tag")]
        raw_tags += [tag.text_at("text") for tag in (node.path("coursetags") or _Node("", {}, 0)).all("tag")]
        question.tags = clean_tags(raw_tags)
        grade = node.text_at("defaultgrade")
        if qtype != "description" and grade and _is_number(grade) and float(grade) != 1:
            self.warn(node.line, XmlMsg.DEFAULT_GRADE.format(grade=grade), "default-grade")
        if any(php_trim(hint.text_at("text")) for hint in node.all("hint")):
            self.warn(node.all("hint")[0].line, XmlMsg.HINTS, "hints")
        self.combined_feedback(node)
        getattr(self, f"read_{qtype}")(question, node, files)
        question.files = files.files()
        for text in self.texts(question):
            for match in _PLUGINFILE_REF.finditer(text):
                name = unquote(match.group(1))
                if name not in files.by_name and name not in files.dropped:
                    self.warn(node.line, XmlMsg.FILE_MISSING.format(name=short(name)), "file-missing")
        return question

    def combined_feedback(self, node: _Node) -> None:
        """Moodle's combined feedback is not kept; its default texts (which most exports carry) go silently, a
        teacher's own text with a warning."""
        for tag in _COMBINED_FEEDBACK:
            element = node.first(tag)
            text = " ".join(strip_tags(element.text_at("text")).split()) if element is not None else ""
            if text and text not in _COMBINED_DEFAULTS:
                self.warn(element.line, XmlMsg.COMBINED_FEEDBACK.format(text=short(text)), "combined-feedback")
                return

    @staticmethod
    def texts(question: GiftQuestion) -> list[str]:
        texts = [question.text, question.general_feedback]
        texts += [text for answer in question.answers for text in (answer.text, answer.feedback)]
        texts += [answer.feedback for answer in question.numerical]
        texts += [pair.question for pair in question.pairs]
        return texts

    def old_image(self, node: _Node, text: str, files: _QuestionFiles) -> str:
        """Files exported by Moodle before 2.0: ``<image>name</image><image_base64>…</image_base64>``; Moodle adds
        the image after the question text."""
        data, image = node.first("image_base64"), node.first("image")
        if data is None or image is None or not php_trim(data.text) or not php_trim(image.text):
            return text
        name = re.sub(r"[\x00-\x1f/\\]", "_", php_trim(image.text))
        fake = _Node("file", {"name": name, "path": "/", "encoding": "base64"}, data.line, parts=[data.text])
        content = self.file_content(fake, name)
        if content is None:
            return text
        final = files.add(name, content)
        return text + f' <img src="{PLUGINFILE}{final}" />'

    # -- types ------------------------------------------------------------------------------------

    def read_multichoice(self, question: GiftQuestion, node: _Node, files: _QuestionFiles) -> None:
        single = node.text_at("single", default="true")
        question.single = not (single == "false" or single in ("", "0"))
        answers = node.all("answer")
        if len(answers) < 2:
            self.error(node.line, Msg.MULTICHOICE_TOO_FEW, "multichoice-few")
            return
        for answer_node in answers:
            fraction = self.fraction(answer_node)
            text = self.same_format(self.field(answer_node, question.format, files), question.format,
                                    "варианта ответа")
            feedback = self.same_format(self.field(answer_node.first("feedback"), question.format, files),
                                        question.format, "отзыва")
            if fraction is None:
                continue
            if not text:
                self.warn(answer_node.line, Msg.ANSWER_EMPTY, "answer-empty")
                continue
            question.answers.append(GiftAnswer(text, fraction, feedback))
        if self.failed:
            return
        check_multichoice_answers(question, node.line, self, lambda positive: percent_text(float(positive)))

    def read_truefalse(self, question: GiftQuestion, node: _Node, files: _QuestionFiles) -> None:
        answers = node.all("answer")
        if not answers:
            self.error(node.line, XmlMsg.TRUEFALSE_NONE, "truefalse-none")
            return
        correct = True
        feedback = {"true": "", "false": ""}
        for position, answer_node in enumerate(answers):
            word = answer_node.text_at("text")
            if word not in ("true", "false"):  # an old file: a translated word, true first
                self.warn(answer_node.line, XmlMsg.TRUEFALSE_OLD.format(text=short(word)), "truefalse-old")
                word = "true" if position == 0 else "false"
            feedback[word] = self.same_format(self.field(answer_node.first("feedback"), question.format, files),
                                              question.format, "отзыва")
            fraction = answer_node.attrs.get("fraction", "0").strip()
            is_hundred = _is_number(fraction) and float(fraction) == 100
            correct = is_hundred if word == "true" else not is_hundred
        question.answers = [GiftAnswer("true", 1.0 if correct else 0.0, feedback["true"]),
                            GiftAnswer("false", 0.0 if correct else 1.0, feedback["false"])]

    def read_shortanswer(self, question: GiftQuestion, node: _Node, files: _QuestionFiles) -> None:
        if node.text_at("usecase", default="0") not in ("", "0"):
            self.warn(node.line, XmlMsg.USECASE, "usecase")
        for answer_node in node.all("answer"):
            fraction = self.fraction(answer_node)
            text = answer_node.text_at("text")
            feedback = self.same_format(self.field(answer_node.first("feedback"), question.format, files),
                                        question.format, "отзыва")
            if fraction is None:
                continue
            if not text and fraction == 0 and not php_trim(strip_tags(feedback)):
                self.warn(answer_node.line, Msg.SHORTANSWER_EMPTY, "answer-empty")
                continue
            if not text:
                self.warn(answer_node.line, Msg.SHORTANSWER_EMPTY_KEPT, "answer-empty-kept")
            question.answers.append(GiftAnswer(text, fraction, feedback))
        if self.failed:
            return
        if not any(answer.text for answer in question.answers):
            self.error(node.line, Msg.SHORTANSWER_NONE, "shortanswer-none")
        elif not any(answer.fraction == 1 for answer in question.answers):
            self.warn(node.line, Msg.NO_FULL_MARKS, "no-full-marks")

    def read_numerical(self, question: GiftQuestion, node: _Node, files: _QuestionFiles) -> None:
        for answer_node in node.all("answer"):
            fraction = self.fraction(answer_node)
            value_text = answer_node.text_at("text")
            if not value_text and answer_node.first("text") is None:
                value_text = php_trim("".join(answer_node.parts))  # very old files: the number without <text>
            feedback = self.same_format(self.field(answer_node.first("feedback"), question.format, files),
                                        question.format, "отзыва")
            tolerance_text = answer_node.text_at("tolerance", default="0") or "0"
            if fraction is None:
                continue
            if not value_text:
                if fraction == 0 and not php_trim(strip_tags(feedback)):
                    self.warn(answer_node.line, XmlMsg.NUMBER_EMPTY_DROPPED, "answer-empty")
                else:
                    self.error(answer_node.line, Msg.NUMBER_EMPTY, "number")
                continue
            if value_text == "*":
                question.numerical.append(GiftNumericAnswer(None, 0.0, fraction, feedback))
                continue
            value = self.number(value_text, answer_node.line)
            tolerance = self.number(tolerance_text, answer_node.line, tolerance_of=value_text)
            if value is None or tolerance is None:
                continue
            if tolerance < 0:
                self.error(answer_node.line, Msg.TOLERANCE_NEGATIVE.format(text=short(value_text)),
                           "tolerance-negative")
                continue
            question.numerical.append(GiftNumericAnswer(value + 0.0, tolerance + 0.0, fraction, feedback))
        if node.path("units", "unit") is not None:
            self.warn(node.line, XmlMsg.UNITS, "units")
        if self.failed:
            return
        if not any(answer.value is not None for answer in question.numerical):
            self.error(node.line, Msg.NUMERICAL_NO_ANSWERS, "numerical-none")
        elif not any(answer.fraction == 1 for answer in question.numerical):
            self.warn(node.line, Msg.NO_FULL_MARKS, "no-full-marks")

    def read_matching(self, question: GiftQuestion, node: _Node, files: _QuestionFiles) -> None:
        for sub in node.all("subquestion"):
            text = self.same_format(self.field(sub, question.format, files), question.format, "вопроса пары")
            answer = sub.text_at("answer", "text")
            if not text and not answer:
                continue  # Moodle's form leaves empty rows; its importer skips them
            if not answer:
                self.error(sub.line, Msg.MATCHING_EMPTY_ANSWER.format(text=short(strip_tags(text))),
                           "matching-empty-answer")
                continue
            question.pairs.append(GiftPair(text, answer))
        if self.failed:
            return
        stems = sum(1 for pair in question.pairs if pair.question)
        if stems == 0:
            self.error(node.line, Msg.MATCHING_NO_STEMS, "matching-no-stems")
        elif stems == 1:
            self.warn(node.line, Msg.MATCHING_ONE_STEM, "matching-one-stem")

    def read_essay(self, question: GiftQuestion, node: _Node, files: _QuestionFiles) -> None:
        if node.text_at("graderinfo", "text"):
            self.warn(node.first("graderinfo").line, XmlMsg.GRADER_INFO, "graderinfo")
        if node.text_at("responsetemplate", "text"):
            self.warn(node.first("responsetemplate").line, XmlMsg.RESPONSE_TEMPLATE, "responsetemplate")

    def read_description(self, question: GiftQuestion, node: _Node, files: _QuestionFiles) -> None:
        return None


def _is_number(text: str) -> bool:
    return parse_number(text.strip()) is not None


def parse_moodle_xml(source: bytes | str) -> GiftParseResult:
    """Read a Moodle XML file; raise GiftImportError with every problem (by line) if there is any.

    Questions of types this app does not have are not in the result: ``unsupported`` counts them by type."""
    data = source.encode("utf-8") if isinstance(source, str) else bytes(source)
    reader = _XmlReader()
    if len(data) > MAX_XML_BYTES:
        raise GiftImportError([GiftProblem(1, XmlMsg.TOO_BIG.format(size=megabytes(MAX_XML_BYTES)), "too-big")])
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise GiftImportError([GiftProblem(line, Msg.NOT_UTF8.format(byte=data[exc.start]), "not-utf8")]) from exc
    try:
        root = _parse_tree(data)
    except _Refused as exc:
        raise GiftImportError([GiftProblem(exc.line, exc.message, "xml")]) from exc
    result = reader.read(root)
    warnings = sorted(reader.warnings, key=lambda problem: problem.line)
    if reader.errors:
        raise GiftImportError(sorted(reader.errors, key=lambda problem: problem.line), warnings)
    result.warnings = warnings
    return result


# --------------------------------------------------------------------------------------------------------------
# Writer
# --------------------------------------------------------------------------------------------------------------


def _xml_text(text: str) -> str:
    """Element content: escaped, characters XML cannot hold left out, a carriage return kept as a reference."""
    return escape(_XML_ILLEGAL.sub("", text)).replace("\r", "&#13;")


def _text(text: str, indent: str) -> str:
    return f"{indent}<text>{_xml_text(text)}</text>\n"


def _files_xml(files: list[QuestionFile], indent: str) -> str:
    out = []
    for file in files:
        path, _, name = file.name.rpartition("/")
        out.append(f"{indent}<file name={quoteattr(name)} path={quoteattr('/' + path + '/' if path else '/')} "
                   f'encoding="base64">{base64.b64encode(file.content).decode("ascii")}</file>\n')
    return "".join(out)


def _referenced(text: str, file: QuestionFile) -> bool:
    return PLUGINFILE + file.name in text or PLUGINFILE + quote(file.name) in text


def _text_element(tag: str, text: str, fmt: str, indent: str, files: list[QuestionFile],
                  attributes: str = "") -> str:
    attrs = f"{attributes} " if attributes else ""
    return (f"{indent}<{tag} {attrs}format={quoteattr(_FORMAT_OUT[fmt])}>\n" + _text(text, indent + "  ")
            + _files_xml([f for f in files if _referenced(text, f)], indent + "  ") + f"{indent}</{tag}>\n")


def _number(value: float) -> str:
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def export_moodle_xml(questions: Iterable[GiftQuestion]) -> str:
    """Questions as a Moodle XML file that Moodle's importer reads (and ``parse_moodle_xml`` reads back equal).

    A category element precedes the questions whenever the category changes ("$course$/top/<name>", so Moodle
    puts them in the course's question bank). Each file goes into every text that shows it (a file no text shows
    goes with the question text). Raises ValueError for a question type or format this app does not know."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n']
    category: str | None = None
    for question in questions:
        if question.type not in SUPPORTED_TYPES.values() or question.format not in FORMATS:
            raise ValueError(f"Вопрос «{short(question.name)}»: тип «{question.type}» или формат "
                             f"«{question.format}» нельзя записать в Moodle XML")
        if question.category is not None and question.category != category:
            category = question.category
            path = "$course$/top" + (f"/{category}" if category else "")
            out.append('  <question type="category">\n    <category>\n' + _text(path, "      ")
                       + '    </category>\n    <info format="moodle_auto_format">\n      <text></text>\n'
                       + "    </info>\n    <idnumber></idnumber>\n  </question>\n")
        out.append(_question_xml(question))
    out.append("</quiz>\n")
    return "".join(out)


def _question_xml(question: GiftQuestion) -> str:
    fmt, files = question.format, list(question.files)
    qtype = "matching" if question.type == "matching" else question.type
    referenced_anywhere = {f.name for f in files for text in _XmlReader.texts(question) if _referenced(text, f)}
    text_files = [f for f in files if _referenced(question.text, f) or f.name not in referenced_anywhere]
    lines = [f'  <question type="{qtype}">\n', "    <name>\n", _text(question.name, "      "), "    </name>\n",
             f"    <questiontext format={quoteattr(_FORMAT_OUT[fmt])}>\n", _text(question.text, "      "),
             _files_xml(text_files, "      "), "    </questiontext>\n",
             _text_element("generalfeedback", question.general_feedback, fmt, "    ", files),
             f"    <defaultgrade>{0 if question.type == 'description' else 1}</defaultgrade>\n",
             f"    <penalty>{_PENALTY.get(question.type, '0.3333333')}</penalty>\n",
             "    <hidden>0</hidden>\n",
             f"    <idnumber>{_xml_text(question.idnumber or '')}</idnumber>\n"]
    if question.type == "multichoice":
        lines += [f"    <single>{'true' if question.single else 'false'}</single>\n",
                  "    <shuffleanswers>true</shuffleanswers>\n", "    <answernumbering>abc</answernumbering>\n",
                  "    <showstandardinstruction>0</showstandardinstruction>\n", _combined_feedback(fmt)]
        lines += [_answer_xml(a.text, a.fraction, a.feedback, fmt, files) for a in question.answers]
        # Moodle refuses a multichoice with fewer than two answers but drops empty ones: one empty answer keeps a
        # one-answer question importable and comes back as the same question.
        lines += [_answer_xml("", 0.0, "", fmt, files)] * max(0, 2 - len(question.answers))
    elif question.type == "truefalse":
        lines += [_answer_xml(a.text, a.fraction, a.feedback, fmt, files, plain=True) for a in question.answers]
    elif question.type == "shortanswer":
        lines.append("    <usecase>0</usecase>\n")
        lines += [_answer_xml(a.text, a.fraction, a.feedback, fmt, files, plain=True) for a in question.answers]
    elif question.type == "numerical":
        for answer in question.numerical:
            value = "*" if answer.value is None else _number(answer.value)
            tolerance = f"      <tolerance>{_number(answer.tolerance or 0.0)}</tolerance>\n"
            lines.append(_answer_xml(value, answer.fraction, answer.feedback, fmt, files, plain=True, extra=tolerance))
        lines += ["    <unitgradingtype>0</unitgradingtype>\n", "    <unitpenalty>0.1000000</unitpenalty>\n",
                  "    <showunits>3</showunits>\n", "    <unitsleft>0</unitsleft>\n"]
    elif question.type == "matching":
        lines += ["    <shuffleanswers>true</shuffleanswers>\n", _combined_feedback(fmt)]
        for pair in question.pairs:
            lines += [f"    <subquestion format={quoteattr(_FORMAT_OUT[fmt])}>\n", _text(pair.question, "      "),
                      _files_xml([f for f in files if _referenced(pair.question, f)], "      "),
                      "      <answer>\n", _text(pair.answer, "        "), "      </answer>\n",
                      "    </subquestion>\n"]
    elif question.type == "essay":
        lines += ["    <responseformat>editor</responseformat>\n", "    <responserequired>1</responserequired>\n",
                  "    <responsefieldlines>15</responsefieldlines>\n", "    <minwordlimit></minwordlimit>\n",
                  "    <maxwordlimit></maxwordlimit>\n", "    <attachments>0</attachments>\n",
                  "    <attachmentsrequired>0</attachmentsrequired>\n", "    <maxbytes>0</maxbytes>\n",
                  "    <filetypeslist></filetypeslist>\n",
                  '    <graderinfo format="html">\n      <text></text>\n    </graderinfo>\n',
                  '    <responsetemplate format="html">\n      <text></text>\n    </responsetemplate>\n']
    if question.tags:
        lines.append("    <tags>\n" + "".join(f"      <tag>{_text(tag, '').strip()}</tag>\n" for tag in question.tags)
                     + "    </tags>\n")
    lines.append("  </question>\n")
    return "".join(lines)


_PENALTY = {"truefalse": "1", "description": "0", "essay": "0"}


def _combined_feedback(fmt: str) -> str:
    return "".join(f"    <{tag} format={quoteattr(_FORMAT_OUT[fmt])}>\n      <text></text>\n    </{tag}>\n"
                   for tag in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"))


def _answer_xml(text: str, fraction: float, feedback: str, fmt: str, files: list[QuestionFile], *,
                plain: bool = False, extra: str = "") -> str:
    answer_format = "plain_text" if plain else _FORMAT_OUT[fmt]
    answer_files = [] if plain else [f for f in files if _referenced(text, f)]
    return (f'    <answer fraction="{percent_text(fraction)}" format="{answer_format}">\n' + _text(text, "      ")
            + _files_xml(answer_files, "      ")
            + _text_element("feedback", feedback, fmt, "      ", files) + extra + "    </answer>\n")
