"""Reading rendered pages as a browser would: the forms they hold (to learn each endpoint's fields and valid
defaults), and the inline code a strict Content-Security-Policy would block."""
from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Field:
    name: str
    kind: str  # text, number, date, checkbox, radio, select, textarea, file, hidden, submit, …
    value: str = ""
    options: list[str] = field(default_factory=list)
    multiple: bool = False


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, Field] = field(default_factory=dict)
    enctype: str = ""

    def defaults(self) -> dict[str, object]:
        """What a person submitting the form untouched would send."""
        data: dict[str, object] = {}
        for f in self.fields.values():
            if f.kind in ("submit", "button", "file", "reset", "image"):
                continue
            if f.kind in ("checkbox", "radio"):
                if f.value:
                    data[f.name] = f.value
                continue
            if f.kind == "select":
                data[f.name] = f.value or (f.options[0] if f.options else "")
                continue
            data[f.name] = f.value
        return data


class _FormParser(HTMLParser):
    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None
        self._option_value: str | None = None
        self._option_selected = False
        self._option_text = ""

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            action = a.get("hx-post") or a.get("action") or self.page_url
            method = "post" if a.get("hx-post") else (a.get("method") or "get").lower()
            self._form = Form(action=action, method=method, enctype=a.get("enctype", ""))
            self.forms.append(self._form)
            return
        if self._form is None:
            if tag in ("button", "a") and a.get("hx-post"):  # a lone htmx control posting itself
                self.forms.append(Form(action=a["hx-post"], method="post"))
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            existing = self._form.fields.get(name)
            if kind in ("checkbox", "radio") and existing is not None:
                existing.options.append(a.get("value", "on"))
                if "checked" in a:
                    existing.value = a.get("value", "on")
                return
            self._form.fields[name] = Field(name, kind, a.get("value", "") if kind not in ("checkbox", "radio")
                                            or "checked" in a else "", options=[a.get("value", "on")]
                                            if kind in ("checkbox", "radio") else [])
        elif tag == "select" and name:
            self._select = Field(name, "select", multiple="multiple" in a)
            self._form.fields[name] = self._select
        elif tag == "option" and self._select is not None:
            self._option_value = a.get("value")
            self._option_selected = "selected" in a
            self._option_text = ""
        elif tag == "textarea" and name:
            self._textarea = Field(name, "textarea")
            self._form.fields[name] = self._textarea
        elif tag == "button" and name:
            self._form.fields.setdefault(name, Field(name, "submit", a.get("value", "")))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data
        if self._select is not None:
            self._option_text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "option" and self._select is not None:
            value = self._option_value if self._option_value is not None else self._option_text
            self._select.options.append(value.strip())
            if self._option_selected:
                self._select.value = value.strip()
            self._option_value, self._option_selected = None, False


def forms_in(html: str, page_url: str) -> list[Form]:
    parser = _FormParser(page_url)
    parser.feed(html)
    return parser.forms


# --- what a strict CSP blocks ------------------------------------------------------------------------------------

class _InlineFinder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._script_without_src = False
        self._script_body = ""
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        names = {k.lower(): (v or "") for k, v in attrs}
        if tag == "script":
            kind = names.get("type", "").lower()
            data_block = kind in ("application/json", "application/ld+json", "text/template")
            self._script_without_src = "src" not in names and not data_block
            self._script_body = ""
        if tag == "style":
            self._in_style = True
            self.problems.append("<style> element")
        if "style" in names:
            self.problems.append(f"<{tag} style=\"{names['style'][:40]}\">")
        for name, value in names.items():
            if name.startswith("on") or name.startswith("hx-on"):
                self.problems.append(f"<{tag} {name}=\"{value[:40]}\">")
            if name in ("href", "src", "action", "formaction") and value.strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}=\"{value[:40]}\">")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self.handle_endtag(tag)

    def handle_data(self, data):
        if self._script_without_src:
            self._script_body += data

    def handle_endtag(self, tag):
        if tag == "script":
            if self._script_without_src:
                self.problems.append(f"inline <script>{self._script_body.strip()[:60]}</script>")
            self._script_without_src = False
        if tag == "style":
            self._in_style = False


def inline_code(html: str) -> list[str]:
    """Inline scripts, <style> elements, style="" attributes, on*="" handlers and javascript: URLs."""
    finder = _InlineFinder()
    finder.feed(html)
    return finder.problems
