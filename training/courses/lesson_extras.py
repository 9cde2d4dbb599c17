"""What a lesson carries besides its text (seeds/course/README.md, «Stage 1 extras»): the slide deck built from the
lesson's own structure, glossary links, and the ungraded «Проверь себя» questions.

Everything here is computed once, when `flask seed course` loads the lesson, except :func:`check_self_answer`,
which answers one «Проверь себя» question and stores nothing. Pure functions: no Flask, no database."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markupsafe import escape

from training.courses.diagrams import placed_slugs
from training.errors import DomainError

_md = MarkdownIt("commonmark", {"html": False}).enable("table")
MAX_POINTS = 5
MAX_POINT_CHARS = 240
_DIAGRAM = re.compile(r"^\[\[diagram:([a-z0-9-]+)\]\]$")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[«\"(\[А-ЯЁA-Z0-9])")


# --- slides ---------------------------------------------------------------------------------------------------

@dataclass
class _Section:
    title: str
    opening_list: list[str] | None = None  # the first list before any ### heading
    opening_sentences: list[str] = field(default_factory=list)
    first_list: list[str] | None = None  # the first list anywhere in the section
    sentences: list[str] = field(default_factory=list)
    subheadings: list[str] = field(default_factory=list)
    diagrams: list[str] = field(default_factory=list)

    @property
    def points(self) -> list[str]:
        for candidate in (self.opening_list, self.opening_sentences, self.first_list, self.sentences,
                          self.subheadings):
            if candidate:
                return [_shorten(p) for p in candidate[:MAX_POINTS]]
        return []


def _plain(inline) -> str:
    """The text of an inline token without Markdown marks (bold, italic, code, links)."""
    parts = []
    for child in inline.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return " ".join("".join(parts).split())


def first_sentence(text: str) -> str:
    return _SENTENCE_END.split(text, maxsplit=1)[0].strip()


def _shorten(text: str) -> str:
    if len(text) <= MAX_POINT_CHARS:
        return text
    cut = text[:MAX_POINT_CHARS].rsplit(" ", 1)[0].rstrip(",;:—– ")
    return cut + "…"


def _sections(markdown: str) -> list[_Section]:
    tokens = _md.parse(markdown or "")
    sections: list[_Section] = []
    current: _Section | None = None
    in_opening = False
    list_depth = 0
    collecting: list[str] | None = None
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            title = _plain(tokens[index + 1])
            if token.tag in ("h1", "h2"):
                current = _Section(title)
                sections.append(current)
                in_opening = True
            elif current is not None:
                in_opening = False
                current.subheadings.append(title)
            continue
        if current is None:
            continue
        if token.type in ("bullet_list_open", "ordered_list_open"):
            if list_depth == 0 and current.first_list is None:
                collecting = []
                current.first_list = collecting
                if in_opening:
                    current.opening_list = collecting
            list_depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
            if list_depth == 0:
                collecting = None
        elif token.type == "inline" and tokens[index - 1].type == "paragraph_open":
            text = _plain(token)
            diagram = _DIAGRAM.match(token.content.strip())
            if diagram:
                current.diagrams.append(diagram.group(1))
            elif list_depth == 1 and token.level == 3 and collecting is not None:
                collecting.append(text)
            elif list_depth == 0 and token.level == 1 and text:
                sentence = first_sentence(text)
                current.sentences.append(sentence)
                if in_opening:
                    current.opening_sentences.append(sentence)
    return sections


def build_slides(*, number: int, title: str, summary: str, markdown: str, takeaways: list[str],
                 diagrams: dict[str, dict]) -> list[dict]:
    """The deck (README «Slides»): a title slide; one slide per ``##`` section (its opening list, or the first
    sentences of its opening paragraphs; at most five points); one slide per diagram, right after its section;
    the takeaways last."""
    slides = [{"kind": "title", "title": title, "subtitle": f"Блок {number}", "points": [summary] if summary else []}]
    for section in _sections(markdown):
        slides.append({"kind": "section", "title": section.title, "points": section.points})
        for slug in section.diagrams:
            diagram = diagrams[slug]
            slides.append({"kind": "diagram", "title": diagram["title"], "diagram": slug, "points": []})
    if takeaways:
        slides.append({"kind": "takeaways", "title": "Главные выводы", "points": list(takeaways)})
    return slides


def content_slides(slides: list[dict]) -> int:
    return sum(1 for s in slides if s["kind"] in ("section", "diagram"))


# --- glossary -------------------------------------------------------------------------------------------------

_TRANSLIT = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
                     ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s",
                      "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"], strict=True))
_ENDING_LETTERS = set("аеёиийоуыьэюя")
# endings a stem may take in the text (cases and numbers), so «Персона» finds «персоны» but not «персонала»
_ENDINGS = sorted(("а я о е ё и ы у ю ь й ой ей ом ем ам ям ах ях ов ев ью ии ия ие ий ый ая яя ое ее ые ых их ым "
                   "им ую юю ого его ому ему ами ями ыми ими").split(), key=len, reverse=True)


def slugify(text: str) -> str:
    latin = "".join(_TRANSLIT.get(ch, ch) for ch in text.lower())
    return re.sub(r"[^a-z0-9]+", "-", latin).strip("-") or "term"


def term_variants(term: str) -> list[str]:
    """How a glossary term shows up in a text: «Маршрут клиента (CJM)» → «Маршрут клиента», «CJM»;
    «Кросс-функциональная (сквозная) команда» → «Кросс-функциональная команда», «сквозная команда»."""
    variants = [" ".join(re.sub(r"\([^)]*\)", " ", term).split())]
    for match in re.finditer(r"\(([^)]*)\)", term):
        if term[match.end():].strip():  # in the middle: the bracketed word replaces the one before it
            variants.append(" ".join(re.sub(r"\S+\s*\(([^)]*)\)", r"\1", term).split()))
        else:
            variants.append(match.group(1).strip())
    return [v for v in dict.fromkeys(variants) if v]


def _word_pattern(word: str) -> str:
    if re.fullmatch(r"[A-Za-z0-9+&-]+", word):  # CES, NPS, Agile: the word as written
        return re.escape(word) if word.isupper() else f"(?i:{re.escape(word)})"
    stem = word.lower()
    while len(stem) > 4 and stem[-1] in _ENDING_LETTERS and len(word) - len(stem) < 2:
        stem = stem[:-1]
    pattern = "".join("[её]" if ch in "её" else re.escape(ch) for ch in stem)
    endings = "|".join("".join("[её]" if ch in "её" else ch for ch in e) for e in _ENDINGS)
    return f"(?i:{pattern}(?:{endings})?)"


@functools.lru_cache(maxsize=512)
def term_pattern(term: str, forms: tuple[str, ...] = ()) -> re.Pattern:
    """The term's variants and the extra ``forms`` a glossary entry lists (for what the endings cannot reach:
    «мера» → «меры», since a four-letter word keeps its last letter)."""
    variants = term_variants(term) + [f for f in forms if f]
    alternatives = ["\\s+".join(_word_pattern(w) for w in v.split()) for v in variants]
    alternatives.sort(key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(alternatives) + r")(?![\w-])")


_SKIP_TAGS = {"a", "h2", "h3", "h4", "figure", "svg", "code", "pre", "summary", "th"}
_TAG = re.compile(r"(<[^>]+>)")


def _pieces(html: str) -> list[tuple[str, bool]]:
    """The HTML as (piece, may hold a link) pairs: text outside headings, links, diagrams and code."""
    pieces, depth = [], 0
    for part in _TAG.split(html):
        if part.startswith("<"):
            name = re.match(r"</?\s*([a-zA-Z0-9]+)", part)
            if name and name.group(1).lower() in _SKIP_TAGS and not part.endswith("/>"):
                depth += -1 if part.startswith("</") else 1
            pieces.append((part, False))
        elif part:
            pieces.append((part, depth == 0))
    return pieces


def link_glossary(html: str, glossary: list[dict], glossary_url: str) -> str:
    """Link the first mention of each glossary term in a lesson to its entry (longer terms first, never inside
    headings, links or diagrams)."""
    pieces = _pieces(html)
    for entry in sorted(glossary, key=lambda e: len(e["term"]), reverse=True):
        pattern = term_pattern(entry["term"], tuple(entry.get("forms", ())))
        for i, (piece, open_text) in enumerate(pieces):
            match = pattern.search(piece) if open_text else None
            if match:
                href = escape(f"{glossary_url}#term-{entry['slug']}")
                pieces[i:i + 1] = [(piece[:match.start()], True), (f'<a class="term" href="{href}">', False),
                                   (match.group(), False), ("</a>", False), (piece[match.end():], True)]
                break
    return "".join(piece for piece, _ in pieces)


def glossary_entries(raw: list[dict]) -> list[dict]:
    """glossary.yaml → entries with unique anchors, sorted as a reader looks them up (alphabetically)."""
    entries, seen = [], set()
    for item in raw:
        term, definition = str(item["term"]).strip(), " ".join(str(item["definition"]).split())
        slug = base = slugify(re.sub(r"\([^)]*\)", " ", term))
        suffix = 2
        while slug in seen:
            slug, suffix = f"{base}-{suffix}", suffix + 1
        seen.add(slug)
        entry = {"term": term, "slug": slug, "definition": definition,
                 "blocks": sorted(int(b) for b in item.get("blocks", []))}
        if item.get("forms"):
            entry["forms"] = [" ".join(str(f).split()) for f in item["forms"]]
        entries.append(entry)
    return sorted(entries, key=lambda e: e["term"].lower().replace("ё", "е"))


# --- «Проверь себя» -------------------------------------------------------------------------------------------

@dataclass
class SelfCheckAnswer:
    """One answer to a «Проверь себя» question: never stored, never graded."""

    question: dict
    chosen: list[int]
    correct: set[int]

    @property
    def is_right(self) -> bool:
        return set(self.chosen) == self.correct

    @property
    def is_partly_right(self) -> bool:
        return not self.is_right and bool(self.chosen) and set(self.chosen) <= self.correct

    @property
    def verdict(self) -> str:
        if self.is_right:
            return "Верно"
        if self.is_partly_right:
            return f"Верно, но не всё: верных вариантов здесь {len(self.correct)}"
        return "Не совсем так"

    @property
    def feedback(self) -> list[tuple[dict, bool]]:
        """The chosen options with their explanations, each marked right or wrong."""
        options = self.question["options"]
        return [(options[i], bool(options[i]["correct"])) for i in self.chosen]


def is_multiple(question: dict) -> bool:
    return sum(1 for o in question["options"] if o["correct"]) > 1


def check_self_answer(self_check: list[dict], index: int, chosen: list[int]) -> SelfCheckAnswer:
    if not 0 <= index < len(self_check):
        raise DomainError("Такого вопроса в уроке нет.")
    question = self_check[index]
    options = question["options"]
    chosen = sorted({i for i in chosen if 0 <= i < len(options)})
    if not chosen:
        raise DomainError("Выберите вариант ответа.")
    if len(chosen) > 1 and not is_multiple(question):
        chosen = chosen[:1]
    return SelfCheckAnswer(question, chosen, {i for i, o in enumerate(options) if o["correct"]})


def self_check_items(raw: list[dict], where: str) -> list[dict]:
    """lesson.md ``self_check`` → stored questions; refuses a question without a right option or feedback."""
    items = []
    for number, item in enumerate(raw or [], start=1):
        options = [{"text": str(o["text"]).strip(), "correct": bool(o.get("correct")),
                    "feedback": str(o.get("feedback", "")).strip()} for o in item.get("options", [])]
        if len(options) < 2 or not any(o["correct"] for o in options):
            raise ValueError(f"{where}: в вопросе «Проверь себя» №{number} нужны варианты и хотя бы один верный")
        if not all(o["feedback"] for o in options):
            raise ValueError(f"{where}: в вопросе «Проверь себя» №{number} у каждого варианта нужен feedback")
        items.append({"question": str(item["question"]).strip(), "options": options})
    return items


__all__ = ["build_slides", "check_self_answer", "content_slides", "glossary_entries", "link_glossary",
           "placed_slugs", "self_check_items", "slugify", "term_pattern"]
