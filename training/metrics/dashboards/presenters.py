"""What the «Пульс» pages and reports show: stored snapshots turned into cards, thermometers and trend lines.

Pure geometry for server-rendered SVG (no chart library): every chart gets a <title>, a <desc> and a data
table next to it in the template."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from training.measures.periods import Period
from training.measures.scales import GROUPS
from training.metrics.centre_index.models import IndexSnapshot
from training.templating import fmt_number

#: figure key → (title, unit kind, higher is better, hint)
FIGURES: dict[str, tuple[str, str, bool, str]] = {
    "nps": ("NPS — готовность рекомендовать", "points", True, "% «9–10» минус % «0–6»"),
    "ces": ("CES — лёгкость решения вопроса", "points", True, "% «легко» минус % «сложно»"),
    "csat": ("CSAT — удовлетворённость", "percent", True, "% двух верхних ответов"),
    "csi": ("CSI — индекс удовлетворённости", "percent", True, "взвешенная оценка пяти параметров, % от максимума"),
    "csi_employed": ("CSI через 3 месяца — у нашедших работу", "percent", True,
                     "опрос по ссылке, ответившие «работаю»"),
    "expectations_met": ("Ожидания оправдались", "percent", True, "«совпали» и лучше"),
    "resolution_rate": ("Решено обращений", "percent", True, "решено / поступило"),
    "fcr": ("FCR — решено при первом контакте", "percent", True, "от всех обращений"),
    "net_fcr": ("Net FCR", "percent", True, "без нерешаемых с первого раза"),
    "escalation_rate": ("Эскалации", "percent", False, "передано / поступило"),
    "ttfr": ("Первый ответ, медиана", "minutes", False, "дистанционные каналы"),
    "waiting": ("Ожидание в очереди, медиана", "minutes", False, "личный приём"),
    "replies_per_conversation": ("Ответов на обращение", "ratio", False, "меньше — лучше"),
    "iqs": ("IQS — внутренняя оценка качества", "percent", True, "среднее по проверкам"),
    "staff_rating": ("Оценка специалистов клиентами", "stars", True, "среднее 1–5"),
}
CLIENT_FIGURES = ("nps", "ces", "csat", "csi", "csi_employed", "expectations_met", "fcr", "net_fcr", "resolution_rate",
                  "escalation_rate", "ttfr", "waiting", "replies_per_conversation", "iqs", "staff_rating")


def fmt_figure(key: str, figure: dict[str, Any] | None) -> str:
    if not figure or figure.get("value") is None:
        return "—"
    value = figure["value"]
    kind = FIGURES.get(key, ("", "percent"))[1]
    if kind == "points":
        return ("+" if value > 0 else "") + fmt_number(value, 0)
    if kind == "percent":
        return fmt_number(value) + " %"
    if kind == "minutes":
        return fmt_number(value, 0) + " мин"
    if kind == "stars":
        return fmt_number(value, 2) + " из 5"
    return fmt_number(value)


@dataclass
class Card:
    key: str
    title: str
    value: str
    n: int
    hint: str
    extra: str = ""


def client_cards(figures: dict[str, Any], keys: tuple[str, ...] = CLIENT_FIGURES) -> list[Card]:
    cards = []
    for key in keys:
        figure = figures.get(key)
        if not figure:
            continue
        title, _kind, _better, hint = FIGURES[key]
        extra = ""
        if key in ("ttfr", "waiting") and figure.get("mean") is not None:
            extra = f"среднее {fmt_number(figure['mean'], 0)} мин"
        if key == "nps" and "promoters" in figure:
            low, high = nps_interval(figure["promoters"], figure["detractors"], figure["n"])
            extra = f"интервал {fmt_number(low, 0)}…{fmt_number(high, 0)}"
        cards.append(Card(key, title, fmt_figure(key, figure), int(figure.get("n") or 0), hint, extra))
    return cards


def nps_interval(promoters: int, detractors: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """Adjusted-Wald 95 % interval of NPS (docs/metrics.md 3.6): add 3 to n and ¾ to promoters and
    detractors, then the normal interval of the difference of two shares, in NPS points."""
    n_adj = n + 3
    p = (promoters + 0.75) / n_adj
    d = (detractors + 0.75) / n_adj
    centre = p - d
    variance = (p + d - centre ** 2) / n_adj
    half = z * math.sqrt(max(variance, 0.0))
    return max(-100.0, (centre - half) * 100), min(100.0, (centre + half) * 100)


# --- thermometer ----------------------------------------------------------------------------------------------

@dataclass
class Thermometer:
    value: float | None
    label: str
    published: bool
    coverage: float
    height: int = 200
    top: int = 10
    fill_y: float = 0.0
    fill_h: float = 0.0
    level: str = "none"
    ticks: list[tuple[int, float]] = field(default_factory=list)


def level_of(value: float | None) -> str:
    if value is None:
        return "none"
    if value >= 75:
        return "good"
    if value >= 55:
        return "fair"
    return "poor"


def thermometer(snapshot: IndexSnapshot | None, label: str = "Индекс клиентоцентричности") -> Thermometer:
    value = snapshot.index_value if snapshot else None
    published = bool(snapshot and snapshot.is_published)
    coverage = (snapshot.coverage or 0.0) if snapshot else 0.0
    t = Thermometer(value=value, label=label, published=published, coverage=coverage)
    shown = value if published else None
    t.fill_h = (shown or 0.0) / 100 * t.height
    t.fill_y = t.top + t.height - t.fill_h
    t.level = level_of(shown)
    t.ticks = [(mark, t.top + t.height - mark / 100 * t.height) for mark in (0, 25, 50, 75, 100)]
    return t


@dataclass
class GroupBar:
    key: str
    title: str
    value: float | None
    weight: float
    coverage: float
    width: float
    level: str


def group_bars(snapshot: IndexSnapshot | None) -> list[GroupBar]:
    bars = []
    groups = snapshot.groups if snapshot else {}
    weights = snapshot.weights if snapshot else {}
    for key, title in GROUPS.items():
        group = groups.get(key) or {}
        value = group.get("value")
        bars.append(GroupBar(key, title, value, float(weights.get(key, group.get("weight", 0.0)) or 0.0),
                             float(group.get("coverage") or 0.0), value or 0.0, level_of(value)))
    return bars


# --- trend ---------------------------------------------------------------------------------------------------

@dataclass
class TrendPoint:
    label: str
    value: float | None
    x: float
    y: float | None


@dataclass
class Trend:
    title: str
    points: list[TrendPoint]
    paths: list[str]
    low: float
    high: float
    width: int = 320
    height: int = 140
    pad: int = 28
    gridlines: list[tuple[str, float]] = field(default_factory=list)

    @property
    def has_data(self) -> bool:
        return any(p.value is not None for p in self.points)


def trend(title: str, series: list[tuple[Period, float | None]], low: float = 0.0, high: float = 100.0) -> Trend:
    width, height, pad = 320, 140, 28
    count = max(len(series), 1)
    step = (width - pad - 8) / max(count - 1, 1)
    points = []
    for i, (period, value) in enumerate(series):
        x = pad + i * step
        y = None if value is None else 8 + (height - 8 - 20) * (1 - (min(max(value, low), high) - low) / (high - low))
        points.append(TrendPoint(period.short_label, value, round(x, 1), None if y is None else round(y, 1)))
    paths, current = [], []
    for point in points:
        if point.y is None:
            if current:
                paths.append(current)
            current = []
        else:
            current.append(point)
    if current:
        paths.append(current)
    d = ["M" + " L".join(f"{p.x},{p.y}" for p in segment) for segment in paths if len(segment) > 1]
    grid = []
    for fraction in (0.0, 0.5, 1.0):
        value = low + (high - low) * fraction
        grid.append((fmt_number(value, 0), round(8 + (height - 8 - 20) * (1 - fraction), 1)))
    return Trend(title, points, d, low, high, width, height, pad, grid)


def index_series(rows: list[tuple[Period, IndexSnapshot | None]]) -> list[tuple[Period, float | None]]:
    return [(p, s.index_value if s and s.is_published else None) for p, s in rows]


def figure_series(rows: list[tuple[Period, IndexSnapshot | None]], key: str) -> list[tuple[Period, float | None]]:
    result = []
    for period, snap in rows:
        figure = (snap.figures or {}).get(key) if snap else None
        result.append((period, figure.get("value") if figure else None))
    return result


def pooled(rows: list[IndexSnapshot | None], key: str) -> dict[str, float] | None:
    """n-weighted mean of a share-like figure over several periods (exact for NPS, CES, shares: the pooled
    value of a ratio is the n-weighted mean of the per-period values when n is the denominator)."""
    present = [(s.figures or {}).get(key) for s in rows if s is not None]
    present = [f for f in present if f and f.get("value") is not None and f.get("n")]
    if not present:
        return None
    n = sum(f["n"] for f in present)
    return {"value": sum(f["value"] * f["n"] for f in present) / n, "n": n}
