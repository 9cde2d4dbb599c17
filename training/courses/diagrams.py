"""Diagrams of a lesson: hand-drawn accessible SVG, checked against the rules of seeds/course/README.md when the
course is loaded and stored with the lesson (so a diagram changes only with the lesson it belongs to).

:func:`check_svg` refuses a file that breaks a rule, with the rule in Russian; what it returns is re-serialised from
the parsed tree (no comments, processing instructions or DTD survive), so the text placed inline in a page is exactly
what was checked. Pure functions: no Flask, no database."""
from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET  # noqa: S405  (serialising only; parsing goes through defusedxml)
from dataclasses import dataclass

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError
from defusedxml.ElementTree import fromstring as parse_xml
from markupsafe import escape

SVG_NS = "http://www.w3.org/2000/svg"
ET.register_namespace("", SVG_NS)
ALLOWED_ELEMENTS = {"svg", "g", "title", "desc", "defs", "marker", "rect", "circle", "ellipse", "line", "polyline",
                    "polygon", "path", "text", "tspan"}
FORBIDDEN_ELEMENTS = {"script": "скрипты запрещены", "style": "стили запрещены: только атрибуты fill=, stroke=…",
                      "image": "внешние и встроенные картинки запрещены: только векторные фигуры и текст",
                      "foreignObject": "foreignObject запрещён"}
FONT_FAMILY = "DejaVu Sans"
MIN_CONTRAST = 4.5
_NAMED_COLOURS = {"white": "#ffffff", "black": "#000000"}
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


class DiagramError(ValueError):
    """A diagram breaks a rule; the message names the rule (the caller adds the file name)."""


@dataclass(frozen=True)
class Diagram:
    slug: str
    title: str
    desc: str
    svg: str
    width: float
    height: float

    def as_dict(self) -> dict:
        return {"slug": self.slug, "title": self.title, "desc": self.desc, "svg": self.svg,
                "width": self.width, "height": self.height}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _hex(colour: str) -> tuple[float, float, float]:
    value = _NAMED_COLOURS.get(colour.strip().lower(), colour.strip())
    if re.fullmatch(r"#[0-9a-fA-F]{3}", value):
        value = "#" + "".join(c * 2 for c in value[1:])
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", value):
        raise DiagramError(f"цвет «{colour}» не распознан: укажите его как #RRGGBB")
    return tuple(int(value[i:i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]


def _luminance(rgb: tuple[float, float, float]) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(foreground: str, background: str) -> float:
    a, b = sorted((_luminance(_hex(foreground)), _luminance(_hex(background))), reverse=True)
    return (a + 0.05) / (b + 0.05)


def _number(value: str | None, default: float = 0.0) -> float:
    match = _NUMBER.match((value or "").strip())
    return float(match.group()) if match else default


class _Shape:
    """A filled shape drawn before a text: what the text stands on, if the point is inside it."""

    def __init__(self, element: ET.Element, fill: str):
        self.fill = fill
        kind, a = _local(element.tag), element.attrib
        self.contains = lambda x, y: False  # noqa: E731
        if kind == "rect":
            x0, y0, w, h = (_number(a.get(k)) for k in ("x", "y", "width", "height"))
            self.contains = lambda x, y: x0 <= x <= x0 + w and y0 <= y <= y0 + h  # noqa: E731
        elif kind in ("circle", "ellipse"):
            cx, cy = _number(a.get("cx")), _number(a.get("cy"))
            rx = _number(a.get("r") or a.get("rx")) or 1e-9
            ry = _number(a.get("r") or a.get("ry")) or 1e-9
            self.contains = lambda x, y: ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1  # noqa: E731
        elif kind == "polygon":
            numbers = [float(n) for n in _NUMBER.findall(a.get("points", ""))]
            points = list(zip(numbers[::2], numbers[1::2], strict=False))
            self.contains = lambda x, y: _inside_polygon(points, x, y)  # noqa: E731


def _inside_polygon(points: list[tuple[float, float]], x: float, y: float) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / ((y2 - y1) or 1e-9) + x1:
            inside = not inside
    return inside


def check_svg(slug: str, text: str) -> Diagram:
    """Check one diagram against the rules and return it re-serialised. Raises :class:`DiagramError`."""
    if not _SLUG.match(slug):
        raise DiagramError(f"имя файла «{slug}.svg»: только латинские строчные буквы, цифры и дефисы")
    try:
        root = parse_xml(text, forbid_dtd=True)
    except (ParseError, DefusedXmlException) as exc:
        raise DiagramError(f"файл не читается как XML ({exc})") from exc
    if root.tag != f"{{{SVG_NS}}}svg":
        raise DiagramError(f'корневой элемент — <svg xmlns="{SVG_NS}">')
    view_box = [_number(v, math.nan) for v in root.get("viewBox", "").replace(",", " ").split()]
    if len(view_box) != 4 or any(math.isnan(v) for v in view_box) or view_box[:2] != [0, 0] \
            or view_box[2] <= 0 or view_box[3] <= 0:
        raise DiagramError("у <svg> нужен viewBox=\"0 0 W H\"")
    width, height = view_box[2], view_box[3]
    if width > 720:
        raise DiagramError(f"ширина viewBox {width:g} больше 720: на телефоне шириной 360 px надписи станут мелкими")
    min_font = 13 if width <= 420 else 22
    if root.get("role") != "img":
        raise DiagramError('у <svg> нужен role="img"')
    if root.get("aria-labelledby") != f"{slug}-title {slug}-desc":
        raise DiagramError(f'у <svg> нужен aria-labelledby="{slug}-title {slug}-desc"')
    children = {_local(child.tag): child for child in root}
    title, desc = children.get("title"), children.get("desc")
    if title is None or title.get("id") != f"{slug}-title" or not (title.text or "").strip():
        raise DiagramError(f'нужен непустой <title id="{slug}-title"> — короткое название схемы')
    if desc is None or desc.get("id") != f"{slug}-desc" or not (desc.text or "").strip():
        raise DiagramError(f'нужен непустой <desc id="{slug}-desc"> — всё, что говорит схема, словами')

    parents = {child: parent for parent in root.iter() for child in parent}

    def inherited(element: ET.Element, name: str) -> str | None:
        while element is not None:
            if name in element.attrib:
                return element.attrib[name]
            element = parents.get(element)
        return None

    shapes: list[_Shape] = []
    background = "#ffffff"  # of the text being checked; its tspans stand on the same ground
    for element in root.iter():
        kind = _local(element.tag)
        if not isinstance(element.tag, str):
            continue
        if kind in FORBIDDEN_ELEMENTS:
            raise DiagramError(f"<{kind}>: {FORBIDDEN_ELEMENTS[kind]}")
        if not element.tag.startswith(f"{{{SVG_NS}}}") or kind not in ALLOWED_ELEMENTS:
            raise DiagramError(f"элемент <{kind}> не разрешён; можно: {', '.join(sorted(ALLOWED_ELEMENTS))}")
        for name, value in element.attrib.items():
            local = _local(name)
            if local == "style":
                raise DiagramError(f"<{kind}>: атрибут style запрещён (CSP страниц): используйте fill=, stroke=, "
                                   "font-size=")
            if local.lower().startswith("on"):
                raise DiagramError(f"<{kind}>: обработчики событий ({local}) запрещены")
            if local == "href" and not value.startswith("#"):
                raise DiagramError(f"<{kind}>: ссылка «{value}» ведёт за пределы файла")
            if "url(" in value and not re.fullmatch(r"\s*url\(#[^)]+\)\s*", value):
                raise DiagramError(f"<{kind}>: {local}=«{value}» ссылается за пределы файла")
            if local == "id" and not value.startswith(f"{slug}-"):
                raise DiagramError(f"id «{value}» должен начинаться с «{slug}-»: на странице бывает несколько схем")
        inside_defs = any(_local(a.tag) in ("defs", "marker") for a in _ancestors(element, parents))
        if kind in ("rect", "circle", "ellipse", "polygon") and not inside_defs:
            fill = element.get("fill", "#000000")
            if fill not in ("none", "transparent"):
                _hex(fill)
                shapes.append(_Shape(element, fill))
        if kind in ("text", "tspan"):
            family = inherited(element, "font-family") or ""
            if FONT_FAMILY not in family:
                raise DiagramError(f"надпись «{_label(element)}»: нужен font-family=\"{FONT_FAMILY}, sans-serif\"")
            size = _number(inherited(element, "font-size"), 16.0)
            if size < min_font:
                raise DiagramError(f"надпись «{_label(element)}»: размер {size:g} меньше {min_font} — при ширине "
                                   f"viewBox {width:g} её не прочесть на телефоне")
            if kind == "text":
                x = _number(element.get("x") or next((t.get("x") for t in element if t.get("x")), None))
                y = _number(element.get("y")) - 0.3 * size
                background = next((s.fill for s in reversed(shapes) if s.contains(x, y)), "#ffffff")
            foreground = inherited(element, "fill") or "#000000"
            ratio = contrast(foreground, background)
            if ratio < MIN_CONTRAST:
                raise DiagramError(f"надпись «{_label(element)}»: контраст {ratio:.1f} : 1 ({foreground} на "
                                   f"{background}) меньше {MIN_CONTRAST} : 1")
    for element in root.iter():  # indentation between elements is not content: a lighter page
        if element.text is not None and not element.text.strip():
            element.text = None
        if element.tail is not None and not element.tail.strip():
            element.tail = None
    svg = ET.tostring(root, encoding="unicode")
    return Diagram(slug, " ".join(title.text.split()), " ".join(desc.text.split()), svg, width, height)


def _ancestors(element: ET.Element, parents: dict) -> list[ET.Element]:
    result = []
    while element in parents:
        element = parents[element]
        result.append(element)
    return result


def _label(element: ET.Element) -> str:
    text = " ".join("".join(element.itertext()).split())
    return text[:40] + ("…" if len(text) > 40 else "")


DIAGRAM_PARAGRAPH = re.compile(r"<p>\[\[diagram:([a-z0-9-]+)\]\]</p>")


def placed_slugs(lesson_html: str) -> list[str]:
    return DIAGRAM_PARAGRAPH.findall(lesson_html)


def figure_html(diagram: dict) -> str:
    """The diagram in a page: the checked SVG, its name as a caption and its text alternative one tap away."""
    return (f'<figure class="diagram" id="diagram-{diagram["slug"]}">{diagram["svg"]}'
            f'<figcaption>{escape(diagram["title"])}</figcaption>'
            f'<details class="diagram-text"><summary>Схема словами</summary><p>{escape(diagram["desc"])}</p>'
            "</details></figure>")


def place_diagrams(lesson_html: str, diagrams: dict[str, dict]) -> str:
    """Each paragraph holding only ``[[diagram:slug]]`` becomes the diagram's figure."""
    return DIAGRAM_PARAGRAPH.sub(lambda m: figure_html(diagrams[m.group(1)]), lesson_html)
