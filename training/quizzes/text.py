"""Question texts in their GIFT format (moodle, html, markdown, plain) → safe HTML.

Question texts are rendered once, when a version is written (``QuestionVersion.text_html``); answers and
feedback are short and rendered on display with the ``qtext`` filter. Everything goes through nh3's
allow-list, so a ``<script>`` or an ``onclick`` in an imported file never reaches a page.

Images a question carries (from Moodle XML) are written in the texts as Moodle writes them, ``@@PLUGINFILE@@/name``;
``with_files`` turns that into the address of the version's file (``quizzes.question_file``), which checks that the
viewer may see the question. The images come from our own URL, as the page's CSP requires."""
from __future__ import annotations

import nh3
from flask import url_for
from markupsafe import Markup, escape

from training.content import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, render_markdown

_TAGS = ALLOWED_TAGS | {"b", "i", "u", "s", "span", "div", "img"}
_ATTRIBUTES = {**ALLOWED_ATTRIBUTES, "img": {"src", "alt", "width", "height"}}


def _clean(html: str) -> str:
    return nh3.clean(html, tags=_TAGS, attributes=_ATTRIBUTES, url_schemes={"http", "https", "mailto"},
                     link_rel="noopener noreferrer")


def render_text(text: str, fmt: str = "moodle", *, inline: bool = False) -> Markup:
    text = text or ""
    if fmt == "markdown":
        html = render_markdown(text).strip()
        if inline and html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
            html = html[3:-4]
    elif fmt == "html":
        html = _clean(text)
    elif fmt == "plain":
        html = str(escape(text)).replace("\n", "<br>")
    else:  # Moodle's auto-format: HTML allowed, line breaks kept
        html = _clean(text.replace("\r", "").replace("\n", "<br>"))
    # escaped (plain) or sanitised by nh3's allow-list (every other format) just above
    return Markup(html)  # noqa: S704  # nosec B704


PLUGINFILE = "@@PLUGINFILE@@/"


def with_files(text: str, version_id: int | None) -> str:
    """A text (raw or rendered) with Moodle's ``@@PLUGINFILE@@/`` links pointing at the version's files."""
    if not text or version_id is None or PLUGINFILE not in text:
        return text
    prefix = url_for("quizzes.question_file", version_id=version_id, name="x")[:-1]
    return text.replace(PLUGINFILE, prefix)
