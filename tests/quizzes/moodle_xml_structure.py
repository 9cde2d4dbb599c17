"""What Moodle's XML importer (question/format/xml/format.php, Moodle 4.x) needs from a file, as a checker for our
exports: every path its import_* functions read with an error when missing, every value it converts, the grade list
its importprocess() matches fractions against (the default «error if a grade is not listed»), the checks of the
question types' save_question_options() that stop an import, and the file areas (a ``@@PLUGINFILE@@`` image must be
a ``<file>`` of the same element whose text shows it, or Moodle saves the text without the image).

Returns the problems in English, each naming the question; an empty list means Moodle imports the file whole."""
from __future__ import annotations

import base64
import binascii
import re
import xml.etree.ElementTree as ET  # noqa: S405  (our own export, in tests)
from urllib.parse import unquote

from training.quizzes.gift import MOODLE_FRACTIONS

KNOWN_TYPES = {"category", "multichoice", "truefalse", "shortanswer", "numerical", "description", "matching", "match",
               "cloze", "multianswer", "essay", "calculated", "calculatedsimple", "calculatedmulti"}
TEXT_FORMATS = {"moodle_auto_format", "html", "plain_text", "wiki_like", "markdown"}
NUMBERING = {"abc", "ABCD", "123", "iii", "IIII", "none"}
RESPONSE_FORMATS = {"editor", "editorfilepicker", "plain", "monospaced", "noinline"}
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_REF = re.compile(r"@@PLUGINFILE@@/([^\"'<>\s)]+)")


def _listed(percent: str) -> bool:
    return bool(_NUMBER.fullmatch(percent)) and any(abs(float(percent) / 100 - v) < 0.00001 for v in MOODLE_FRACTIONS)


def moodle_import_problems(data: bytes) -> list[str]:
    root = ET.fromstring(data)  # noqa: S314  # nosec B314
    problems: list[str] = []
    if root.tag != "quiz":
        return [f"root element <{root.tag}>, Moodle reads <quiz>"]
    for number, question in enumerate(root.findall("question"), start=1):
        qtype = question.get("type", "")
        where = f"question {number} ({qtype})"

        def need(path: str, element=question, label: str = where) -> ET.Element | None:
            found = element.find(path)
            if found is None:
                problems.append(f"{label}: no <{path}>")
            return found

        if qtype not in KNOWN_TYPES:
            problems.append(f"{where}: unknown type")
            continue
        if qtype == "category":
            text = need("category/text")
            if text is not None and not (text.text or "").startswith("$course$/"):
                problems.append(f"{where}: category path {text.text!r} outside $course$")
            continue
        need("name/text")
        for area in ("questiontext", "generalfeedback"):
            element = need(area)
            if element is not None and element.get("format") not in TEXT_FORMATS:
                problems.append(f"{where}: <{area}> format {element.get('format')!r}")
        for tag in ("defaultgrade", "penalty"):
            element = need(tag)
            if element is not None and not _NUMBER.fullmatch((element.text or "").strip()):
                problems.append(f"{where}: <{tag}> {element.text!r} is not a number")
        if len((question.findtext("idnumber") or "").strip()) > 100:
            problems.append(f"{where}: id number longer than 100")
        answers = question.findall("answer")
        if qtype in ("multichoice", "shortanswer", "numerical"):
            for answer in answers:
                if not _listed(answer.get("fraction", "0")):
                    problems.append(f"{where}: fraction {answer.get('fraction')!r} not in Moodle's grade list")
                need("text", answer, f"{where} answer")
                feedback = need("feedback", answer, f"{where} answer")
                if feedback is not None and feedback.get("format") not in TEXT_FORMATS:
                    problems.append(f"{where}: feedback format {feedback.get('format')!r}")
        if qtype == "multichoice":
            if question.findtext("single") not in ("true", "false"):
                problems.append(f"{where}: <single> {question.findtext('single')!r}")
            if question.findtext("answernumbering") not in NUMBERING:
                problems.append(f"{where}: <answernumbering> {question.findtext('answernumbering')!r}")
            if len(answers) < 2:
                problems.append(f"{where}: fewer than two answers (Moodle: notenoughanswers)")
        elif qtype == "truefalse":
            texts = sorted((a.findtext("text") or "").strip() for a in answers)
            fractions = sorted(a.get("fraction") for a in answers)
            if texts != ["false", "true"] or fractions != ["0", "100"]:
                problems.append(f"{where}: answers {texts} with fractions {fractions}")
        elif qtype == "shortanswer":
            if question.findtext("usecase") not in ("0", "1"):
                problems.append(f"{where}: <usecase> {question.findtext('usecase')!r}")
        elif qtype == "numerical":
            for answer in answers:
                value = (answer.findtext("text") or "").strip()
                if value != "*" and not _NUMBER.fullmatch(value):
                    problems.append(f"{where}: answer {value!r} is not a number")
                if not _NUMBER.fullmatch((answer.findtext("tolerance") or "0").strip()):
                    problems.append(f"{where}: tolerance {answer.findtext('tolerance')!r}")
        elif qtype in ("matching", "match"):
            for sub in question.findall("subquestion"):
                if (sub.findtext("text") or "").strip() and not (sub.findtext("answer/text") or "").strip():
                    problems.append(f"{where}: a subquestion without its answer (Moodle: nomatchinganswer)")
        elif qtype == "essay":
            if question.findtext("responseformat") not in RESPONSE_FORMATS:
                problems.append(f"{where}: <responseformat> {question.findtext('responseformat')!r}")
            for tag in ("responsefieldlines", "attachments", "attachmentsrequired"):
                if not (question.findtext(tag) or "").strip().isdigit():
                    problems.append(f"{where}: <{tag}> {question.findtext(tag)!r}")
        for tag in question.findall("tags/tag"):
            need("text", tag, f"{where} tag")
        # Files live in the element whose text shows them: the question text, the general feedback, an answer, its
        # feedback, a subquestion.
        for element in question.iter():
            text = element.findtext("text")
            names = set()
            for file in element.findall("file"):
                if not file.get("name") or file.get("encoding") != "base64":
                    problems.append(f"{where}: <file> {file.attrib}")
                    continue
                try:
                    base64.b64decode("".join((file.text or "").split()), validate=True)
                except (binascii.Error, ValueError):
                    problems.append(f"{where}: file {file.get('name')!r} is not base64")
                names.add((file.get("path", "/").strip("/") + "/" + file.get("name", "")).lstrip("/"))
            for match in _REF.finditer(text or ""):
                if unquote(match.group(1)) not in names:
                    problems.append(f"{where}: <{element.tag}> shows {match.group(1)!r} without its <file>")
    return problems
