"""Markdown → safe HTML for lessons, cases, questions and materials.

Content is rendered once when it is loaded (not on each page view) and sanitised with an allow-list (nh3),
so a ``<script>`` or an ``onclick`` in content never reaches a page."""
from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")

ALLOWED_TAGS = {"p", "br", "hr", "h2", "h3", "h4", "strong", "em", "blockquote", "ul", "ol", "li", "code", "pre",
                "table", "thead", "tbody", "tr", "th", "td", "a", "sup", "sub"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}, "ol": {"start"}}
_WORD = re.compile(r"[0-9A-Za-zА-Яа-яЁё]+(?:[-'][0-9A-Za-zА-Яа-яЁё]+)*")
READING_WORDS_PER_MINUTE = 130  # careful reading of professional text on a phone


def render_markdown(text: str) -> str:
    html = _md.render(text or "")
    html = re.sub(r"<h1>", "<h2>", html).replace("</h1>", "</h2>")  # the page owns the only h1
    html = nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes={"http", "https", "mailto"},
                     link_rel="noopener noreferrer")
    # Wide tables scroll sideways on a phone inside a focusable region (keyboard users can scroll it too).
    return html.replace("<table>", '<div class="table-scroll" tabindex="0" role="region" aria-label="Таблица">'
                        "<table>").replace("</table>", "</table></div>")


def word_count(text: str) -> int:
    return len(_WORD.findall(text or ""))


def reading_minutes(words: int) -> int:
    return max(1, round(words / READING_WORDS_PER_MINUTE))
