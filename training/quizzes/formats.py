"""One entry point for question files: the format is recognised by the content, never by the file name.

* **Moodle XML** — the file starts (after an optional byte-order mark and whitespace) with an XML declaration
  ``<?xml``, a comment ``<!--`` or ``<quiz>``;
* **Aiken** — some line starts with ``ANSWER:`` (or a near miss such as ``Answer:`` or ``Ответ:``, so that the
  Aiken reader can explain it) and the file has no ``{`` or ``}`` (a GIFT file always has its answer blocks);
* **GIFT** — everything else.

``read_question_file`` returns the ``GiftParseResult`` of the right reader (``result.format`` says which) or raises
its ``GiftImportError``. Pure Python, like the readers themselves (docs/quiz-formats.md)."""
from __future__ import annotations

import re

from training.quizzes.aiken import parse_aiken
from training.quizzes.gift import GiftParseResult, parse_gift
from training.quizzes.moodle_xml import parse_moodle_xml

__all__ = ["FORMAT_LABELS", "detect_format", "read_question_file"]

FORMAT_LABELS = {"gift": "GIFT", "moodle_xml": "Moodle XML", "aiken": "Aiken"}

_XML_START = re.compile(r"<\?xml|<!--|<quiz[\s>/]")
_AIKEN_ANSWER = re.compile(r"^[ \t]*(?:ANSWER|answer|Answer|ОТВЕТ|Ответ|ответ)\s*:", re.MULTILINE)


def detect_format(source: str | bytes) -> str:
    """"gift", "moodle_xml" or "aiken", from the first bytes and the lines of the file."""
    head = source[:4096]
    if isinstance(head, bytes):
        head = head.decode("utf-8", errors="replace")
    if _XML_START.match(head.lstrip("\ufeff \t\r\n")):
        return "moodle_xml"
    text = source.decode("utf-8", errors="replace") if isinstance(source, bytes) else source
    if _AIKEN_ANSWER.search(text) and "{" not in text and "}" not in text:
        return "aiken"
    return "gift"


def read_question_file(source: str | bytes) -> GiftParseResult:
    """Read a GIFT, Moodle XML or Aiken file, whichever it is."""
    kind = detect_format(source)
    if kind == "moodle_xml":
        return parse_moodle_xml(source)
    if kind == "aiken":
        return parse_aiken(source)
    return parse_gift(source)
