"""Шкалы и свёртки для индекса клиентоцентричности ЦЗН и оценки компетенций сотрудников.

Pure maths, no Flask, no database.  The design it implements is explained in ``docs/metrics.md``:

* :func:`normalise` maps a raw indicator onto 0…100 with **fixed, published** anchors
  (:class:`Anchor`, registry :data:`ANCHORS`) — never min–max across centres, so a centre's score
  does not move when another centre changes;
* :func:`weighted_index` folds group (or indicator) scores with weights, re-normalising the weights
  of the groups that are present when some are missing;
* :func:`weights_in_force` picks the weight set in force on a date (weights change over time);
* :func:`bayesian_average` shrinks small samples toward a prior (the centre's mean);
* :func:`normalise_per_rater` removes rater leniency / harshness from 1–5 peer ratings and
  :func:`pair_damping_weights` down-weights mutual top marks;
* :func:`centre_index` assembles the client-centricity index of a centre from raw indicators;
* :func:`held_above` checks the «Мастер клиентоцентричности» rule (a score held for a period).

All functions raise :class:`~training.measures.formulas.MetricValueError` (a :class:`ValueError`)
with a Russian message on impossible input.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from types import MappingProxyType
from typing import Any

from training.measures.formulas import MetricValueError, _real  # _real: one rule for a finite number

__all__ = [
    "Anchor",
    "ANCHORS",
    "normalise",
    "IndexResult",
    "weighted_index",
    "DEFAULT_PRIOR_WEIGHT",
    "bayesian_average",
    "normalise_per_rater",
    "pair_damping_weights",
    "WeightSet",
    "weights_in_force",
    "GROUPS",
    "Indicator",
    "INDEX_INDICATORS",
    "DEFAULT_GROUP_WEIGHTS",
    "Observation",
    "CentreIndex",
    "centre_index",
    "COMPETENCE_BLOCKS",
    "DEFAULT_BLOCK_WEIGHTS",
    "COMPETENCE_EVIDENCE",
    "MASTER_THRESHOLD",
    "MASTER_BLOCK_MINIMUM",
    "MASTER_PERIODS",
    "held_above",
]


# --------------------------------------------------------------------------------------------------
# validation helpers
# --------------------------------------------------------------------------------------------------


def _weight(value: Any, name: str) -> float:
    result = _real(value, name)
    if result < 0:
        raise MetricValueError(f"{name}: вес не может быть отрицательным ({result})")
    return result


def _weights(weights: Any, name: str) -> dict[str, float]:
    if isinstance(weights, WeightSet):
        weights = weights.weights
    if not isinstance(weights, Mapping):
        raise MetricValueError(f"{name}: ожидается словарь «группа → вес», получено {type(weights).__name__}")
    if not weights:
        raise MetricValueError(f"{name}: набор весов пуст")
    result = {key: _weight(value, f"{name}, вес «{key}»") for key, value in weights.items()}
    if math.fsum(result.values()) <= 0:
        raise MetricValueError(f"{name}: все веса равны нулю")
    return result


def _plain_date(value: Any, name: str) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise MetricValueError(f"{name}: ожидается дата (datetime.date без времени), получено {value!r}")
    return value


# --------------------------------------------------------------------------------------------------
# anchors
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Anchor:
    """Fixed published anchors of an indicator: ``worst`` maps to 0, ``best`` to 100.

    ``worst`` may be greater than ``best`` (lower is better, e.g. waiting time).  ``unit`` and
    ``why`` (the published justification) do not take part in equality.
    """

    worst: float
    best: float
    unit: str = field(default="", compare=False)
    why: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        worst = _real(self.worst, "Anchor.worst")
        best = _real(self.best, "Anchor.best")
        if worst == best:
            raise MetricValueError(f"якоря шкалы совпадают ({worst}): нормировка невозможна")
        object.__setattr__(self, "worst", worst)
        object.__setattr__(self, "best", best)


def _anchors() -> Mapping[str, Anchor]:
    rating = (
        "Aspect ratings are 1–5 stars; 1 (the lowest possible mark) → 0 and 5 → 100, so the "
        "scale's own ends are the anchors and 3 («нормально») lands on 50."
    )
    table = {
        "nps": Anchor(
            -100,
            100,
            "пункты NPS",
            "The whole theoretical range: −100 (everyone a detractor) → 0, +100 → 100. NPS has no "
            "natural target for a public service, so no target is invented; 0 NPS lands on 50.",
        ),
        "ces": Anchor(
            -100,
            100,
            "пункты CES",
            "Same logic as NPS: CES is a difference of two shares, range −100…100; 0 lands on 50.",
        ),
        "csat": Anchor(0, 100, "%", "A share of satisfied answers is already 0…100; identity mapping."),
        "csi": Anchor(
            20,
            100,
            "%",
            "CSI = Σw·P / P_max on the 1–5 scale, so its floor is 20 % (every parameter rated 1) and its top "
            "100 %. 20 → 0 and 100 → 100 put a mean mark of 3 on 50, like the other 1–5 ratings.",
        ),
        "expectations_met": Anchor(
            0,
            100,
            "%",
            "Share of clients whose result met or exceeded expectations; identity mapping.",
        ),
        "resolution_rate": Anchor(
            0,
            100,
            "%",
            "Share of requests resolved; identity mapping, nothing is resolved → 0.",
        ),
        "on_time_share": Anchor(
            0,
            100,
            "%",
            "Share of services delivered within the regulated time (reliability of the result, 2.2); "
            "identity mapping.",
        ),
        "fcr": Anchor(0, 100, "%", "Gross FCR, identity mapping; used only when Net FCR cannot be computed."),
        "net_fcr": Anchor(
            0,
            100,
            "%",
            "Net FCR, identity mapping; preferred to gross FCR because requests that cannot be settled "
            "in one contact are not the centre's fault.",
        ),
        "escalation_rate": Anchor(
            50,
            0,
            "%",
            "Lower is better. 0 % → 100. Half of all requests passed on (50 %) means the front line "
            "does not resolve anything by itself; it and anything worse → 0. Using 100 % as the worst "
            "would squeeze all real centres into 80–100 and hide differences.",
        ),
        "ttfr_minutes": Anchor(
            480,
            60,
            "мин",
            "Median time to first response in remote channels (e-mail, chat, social networks), in "
            "working minutes. A first human reply within an hour → 100 (the kind of promise the "
            "methodology suggests publishing: most answers within an hour, the rest the same working "
            "day); a whole 8-hour working day without a reply → 0.",
        ),
        "waiting_time_minutes": Anchor(
            60,
            10,
            "мин",
            "Median wait in the queue at personal reception. Target 10 min → 100; the federal norm of "
            "at most 15 min (Указ Президента № 601 of 2012) lands on 90; an hour or more → 0.",
        ),
        "replies_per_conversation": Anchor(
            5,
            1,
            "ответов",
            "One reply solving the request is the ideal → 100; five or more replies per request "
            "(the usual open-ended top bucket) → 0.",
        ),
        "iqs": Anchor(0, 100, "%", "IQS is a percentage of the check-list maximum; identity mapping."),
        "personal_support_share": Anchor(
            0,
            100,
            "%",
            "Share of active clients with a personal (assigned) consultant or an individual plan; identity.",
        ),
        "comfort_checklist": Anchor(
            0,
            100,
            "%",
            "Result of the premises / website audit check-list, computed like IQS (weighted yes/no items, "
            "critical items such as step-free access zero it); identity mapping.",
        ),
        "regional_checklist": Anchor(
            0,
            100,
            "%",
            "Weighted share of «да» among the regional checklist's items of the group (facts about the regional "
            "service: a personal account on «Работа в России», omnichannel access…); identity mapping.",
        ),
        "client_aspect_rating": Anchor(1, 5, "баллы 1–5", rating),
        "peer_aspect_rating": Anchor(1, 5, "баллы 1–5", rating + " Ratings are first normalised per rater."),
        "quiz_score": Anchor(0, 100, "%", "Quiz and case results are already percentages; identity mapping."),
        "proactive_actions": Anchor(
            0,
            3,
            "действий за квартал",
            "Confirmed proactive actions of one kind per rolling quarter (a case published in the "
            "library, a proposal accepted by the committee, a mentoring cycle…). Three a quarter — about "
            "one a month — is full marks; more is not rewarded further, to avoid a race for quantity.",
        ),
    }
    return MappingProxyType(table)


#: Registry of published anchors, ``indicator key → Anchor``; read-only.
ANCHORS: Mapping[str, Anchor] = _anchors()


def normalise(value: float, anchor: Anchor | str) -> float:
    """Map ``value`` onto 0…100 with fixed anchors, clamping outside them. ::

        score = 100 × (value − worst) / (best − worst),   clamped to [0, 100]

    ``anchor`` is an :class:`Anchor` or a key of :data:`ANCHORS`.

    >>> normalise(35, ANCHORS["waiting_time_minutes"])
    50.0
    """
    if isinstance(anchor, str):
        if anchor not in ANCHORS:
            raise MetricValueError(f"неизвестный показатель «{anchor}»: для него не опубликованы якоря шкалы")
        anchor = ANCHORS[anchor]
    if not isinstance(anchor, Anchor):
        raise MetricValueError(f"ожидается Anchor или имя показателя, получено {anchor!r}")
    x = _real(value, "значение показателя")
    score = (x - anchor.worst) / (anchor.best - anchor.worst) * 100.0  # exact 0 and 100 at the anchors
    return min(100.0, max(0.0, score))


# --------------------------------------------------------------------------------------------------
# weighted index with missing groups
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndexResult:
    """Result of :func:`weighted_index`.

    ``value``     the index, 0…100;
    ``used``      groups that contributed (present and with a positive weight), in the weights' order;
    ``missing``   groups that have a weight but no score;
    ``weights``   the re-normalised weights of the used groups (they sum to 1);
    ``coverage``  share of the nominal weight that was present, 0…1 (1 = nothing missing).
    """

    value: float
    used: tuple[str, ...]
    missing: tuple[str, ...]
    weights: Mapping[str, float]
    coverage: float


def weighted_index(group_scores: Mapping[str, float | None], weights: Mapping[str, float]) -> IndexResult:
    """Weighted mean of 0…100 group scores; missing groups re-normalise the weights of present ones. ::

        index = Σ_{g present} w_g · s_g / Σ_{g present} w_g

    A group is missing when its score is ``None`` or absent from ``group_scores``.  ``weights`` is a
    mapping or a :class:`WeightSet`; a score for a group without a weight is an error (it would be
    silently ignored otherwise).  Raises if no group with a positive weight is present.

    >>> weighted_index({"a": 80, "b": None}, {"a": 1, "b": 3}).value
    80.0
    """
    w = _weights(weights, "веса индекса")
    if not isinstance(group_scores, Mapping):
        raise MetricValueError(f"ожидается словарь «группа → балл», получено {type(group_scores).__name__}")
    unknown = [key for key in group_scores if key not in w]
    if unknown:
        raise MetricValueError(f"для групп {', '.join(map(str, unknown))} не задан вес")
    used: list[str] = []
    missing: list[str] = []
    scores: dict[str, float] = {}
    for key, weight in w.items():
        raw = group_scores.get(key)
        if raw is None:
            if weight > 0:
                missing.append(key)
            continue
        score = _real(raw, f"балл группы «{key}»")
        if not 0.0 <= score <= 100.0:
            raise MetricValueError(f"балл группы «{key}» ({score}) должен быть в пределах 0…100")
        if weight > 0:
            used.append(key)
            scores[key] = score
    if not used:
        raise MetricValueError("нет данных ни по одной группе с положительным весом — индекс не определён")
    present_weight = math.fsum(w[key] for key in used)
    shares = {key: w[key] / present_weight for key in used}  # normalised first: tiny weights keep their ratio
    value = math.fsum(shares[key] * scores[key] for key in used)
    # the weighted mean lies between the extreme scores; clamp away floating-point excess
    value = min(max(value, min(scores.values())), max(scores.values()))
    return IndexResult(
        value=value,
        used=tuple(used),
        missing=tuple(missing),
        weights=MappingProxyType(shares),
        coverage=present_weight / math.fsum(w.values()),
    )


# --------------------------------------------------------------------------------------------------
# small samples: Bayesian average
# --------------------------------------------------------------------------------------------------

#: Default number of pseudo-observations of the prior in :func:`bayesian_average`: about the number
#: of ratings an active specialist collects in a quarter.  One rating then moves a score by at most
#: 1/11 of its distance from the centre's mean, and thirty ratings outweigh the prior three to one.
DEFAULT_PRIOR_WEIGHT: float = 10.0


def bayesian_average(
    values_sum: float, n: float, prior_mean: float, prior_weight: float = DEFAULT_PRIOR_WEIGHT
) -> float:
    """Mean shrunk toward a prior (IMDb-style weighted rating). ::

        WR = (Σx + m·C) / (n + m)  =  n/(n+m) · x̄  +  m/(n+m) · C

    ``values_sum`` = Σx, ``n`` = number of observations (may be fractional when some ratings are
    damped, see :func:`pair_damping_weights`), ``prior_mean`` = C (e.g. the centre's mean for the
    aspect), ``prior_weight`` = m pseudo-observations (default :data:`DEFAULT_PRIOR_WEIGHT`).

    >>> bayesian_average(5, 1, 4.0) < bayesian_average(30 * 4.8, 30, 4.0)
    True
    """
    total = _real(values_sum, "сумма оценок")
    count = _real(n, "число оценок")
    prior = _real(prior_mean, "априорное среднее")
    m = _real(prior_weight, "вес априорного среднего")
    if count < 0:
        raise MetricValueError(f"число оценок не может быть отрицательным ({count})")
    if m < 0:
        raise MetricValueError(f"вес априорного среднего не может быть отрицательным ({m})")
    if count == 0 and total != 0:
        raise MetricValueError(f"сумма оценок {total} при нулевом числе оценок")
    if count + m == 0:
        raise MetricValueError("нет ни оценок, ни априорного веса — среднее не определено")
    return (total + m * prior) / (count + m)


# --------------------------------------------------------------------------------------------------
# rater effects
# --------------------------------------------------------------------------------------------------


def _ratings_table(ratings: Any, low: float, high: float) -> dict[Hashable, dict[Hashable, float]]:
    if not isinstance(ratings, Mapping):
        raise MetricValueError("ожидается словарь «оценивающий → {оцениваемый → оценка}»")
    table: dict[Hashable, dict[Hashable, float]] = {}
    for rater, given in ratings.items():
        if not isinstance(given, Mapping):
            raise MetricValueError(f"оценки от «{rater}»: ожидается словарь «оцениваемый → оценка»")
        row = {}
        for target, raw in given.items():
            value = _real(raw, f"оценка «{rater}» → «{target}»")
            if not low <= value <= high:
                raise MetricValueError(f"оценка «{rater}» → «{target}» ({value}) вне шкалы {low:g}…{high:g}")
            row[target] = value
        table[rater] = row
    if not any(table.values()):
        raise MetricValueError("нет ни одной оценки")
    return table


def normalise_per_rater(
    ratings: Mapping[Hashable, Mapping[Hashable, float]],
    low: float = 1.0,
    high: float = 5.0,
    rater_prior_weight: float = 0.0,
) -> dict[Hashable, dict[Hashable, float]]:
    """Remove each rater's leniency or harshness by mean-centring, mapped back onto ``low…high``.

    ``ratings`` maps a rater to ``{rated: value}`` (``rated`` may be a colleague or a
    ``(colleague, aspect)`` pair); values lie on ``low…high`` (1…5).  Definition::

        G        = mean of all ratings (each rating counts once)
        m_r, n_r = mean and number of the ratings given by rater r
        offset_r = (m_r − G) · n_r / (n_r + k)          k = rater_prior_weight (default 0)
        adjusted = clamp(x − offset_r, low, high)

    With ``k = 0`` every rater's adjusted ratings average exactly ``G`` (before clamping), so a harsh
    rater (all 3–4) and a lenient one (all 4–5) with the same preferences contribute the same
    numbers.  ``k > 0`` shrinks the offset of raters who gave few ratings (a rater with one rating
    is otherwise reduced to ``G``).  Mean-centring rather than z-scores: the spread of a rater who
    gives everyone 5 is zero and z is undefined, and spreads estimated from a handful of 1–5 marks
    are noise.  Returns a new mapping of the same shape.
    """
    lo = _real(low, "нижняя граница шкалы")
    hi = _real(high, "верхняя граница шкалы")
    if lo >= hi:
        raise MetricValueError(f"нижняя граница шкалы ({lo}) должна быть меньше верхней ({hi})")
    k = _weight(rater_prior_weight, "вес сглаживания сдвига оценивающего")
    table = _ratings_table(ratings, lo, hi)
    everything = [v for row in table.values() for v in row.values()]
    grand = math.fsum(everything) / len(everything)
    result: dict[Hashable, dict[Hashable, float]] = {}
    for rater, row in table.items():
        if not row:
            result[rater] = {}
            continue
        n = len(row)
        offset = (math.fsum(row.values()) / n - grand) * n / (n + k)
        result[rater] = {target: min(hi, max(lo, value - offset)) for target, value in row.items()}
    return result


def pair_damping_weights(
    ratings: Mapping[Hashable, Mapping[Hashable, float]],
    top: float = 5.0,
    factor: float = 0.5,
) -> dict[tuple[Hashable, Hashable], float]:
    """Weights for peer ratings that damp mutual top marks («ты мне — я тебе»).

    ``ratings`` maps a rater to ``{colleague: raw value}`` for ONE aspect and period (raw marks,
    before :func:`normalise_per_rater`).  Returns ``{(rater, colleague): weight}``::

        weight = factor   if rater→colleague ≥ top and colleague→rater ≥ top
        weight = 1        otherwise

    Both ratings of a mutual top-mark pair are damped.  Self-ratings are refused.  Use the weights
    as ``Σ w·x`` and ``n = Σ w`` in :func:`bayesian_average`.
    """
    t = _real(top, "порог высшей оценки")
    f = _real(factor, "коэффициент ослабления")
    if not 0.0 <= f <= 1.0:
        raise MetricValueError(f"коэффициент ослабления должен быть в пределах 0…1 (получено {f})")
    table = _ratings_table(ratings, -math.inf, math.inf)
    weights: dict[tuple[Hashable, Hashable], float] = {}
    for rater, row in table.items():
        for target, value in row.items():
            if target == rater:
                raise MetricValueError(f"самооценка «{rater}» не допускается в оценках коллег")
            back = table.get(target, {}).get(rater)
            mutual_top = value >= t and back is not None and back >= t
            weights[(rater, target)] = f if mutual_top else 1.0
    return weights


# --------------------------------------------------------------------------------------------------
# weights that change over time
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WeightSet:
    """A set of weights in force from ``effective_from`` (inclusive) until the next set starts."""

    effective_from: date
    weights: Mapping[str, float]
    label: str = ""

    def __post_init__(self) -> None:
        _plain_date(self.effective_from, "дата вступления весов в силу")
        if isinstance(self.weights, WeightSet):
            raise MetricValueError("веса набора должны быть словарём")
        object.__setattr__(self, "weights", MappingProxyType(_weights(self.weights, "набор весов")))


def weights_in_force(
    weight_sets: Iterable[WeightSet | tuple[date, Mapping[str, float]]], on_date: date
) -> WeightSet:
    """The weight set in force on ``on_date``: the latest one with ``effective_from <= on_date``.

    ``weight_sets`` may hold :class:`WeightSet` objects or ``(date, weights)`` pairs, in any order.
    Two sets with the same date are ambiguous and refused; no set on or before the date is an error.
    """
    day = _plain_date(on_date, "дата расчёта")
    if isinstance(weight_sets, (str, bytes, Mapping)) or not isinstance(weight_sets, Iterable):
        raise MetricValueError("ожидается список наборов весов")
    sets: list[WeightSet] = []
    for item in weight_sets:
        if not isinstance(item, WeightSet):
            if not isinstance(item, Sequence) or isinstance(item, str) or len(item) != 2:
                raise MetricValueError(f"ожидается WeightSet или пара (дата, веса), получено {item!r}")
            item = WeightSet(item[0], item[1])
        sets.append(item)
    if not sets:
        raise MetricValueError("не задан ни один набор весов")
    dates = [s.effective_from for s in sets]
    duplicates = sorted({d for d in dates if dates.count(d) > 1})
    if duplicates:
        listed = ", ".join(f"{d:%d.%m.%Y}" for d in duplicates)
        raise MetricValueError(f"несколько наборов весов вступают в силу в один день: {listed}")
    in_force = [s for s in sets if s.effective_from <= day]
    if not in_force:
        raise MetricValueError(f"на {day:%d.%m.%Y} не действует ни один набор весов")
    return max(in_force, key=lambda s: s.effective_from)


# --------------------------------------------------------------------------------------------------
# the client-centricity index of a centre (design: docs/metrics.md)
# --------------------------------------------------------------------------------------------------

#: The five groups of chapter 4, ``key → Russian title``.
GROUPS: Mapping[str, str] = MappingProxyType(
    {
        "effectiveness": "Результативность",
        "personalisation": "Индивидуализация (адресность)",
        "effort": "Минимизация усилий клиента",
        "comfort": "Комфортность",
        "friendliness": "Дружелюбное отношение",
    }
)


@dataclass(frozen=True)
class Indicator:
    """An indicator of the index: group, anchor (key of :data:`ANCHORS`), source, weight inside the
    group, Russian title and the minimum n below which it is treated as missing."""

    key: str
    group: str
    anchor: str
    source: str
    weight: float
    title: str
    min_n: int


_SURVEY, _DATA, _INTERNAL = "опрос клиентов", "объективные данные", "внутренняя оценка"

#: Indicators of the index and their default weights inside each group (see docs/metrics.md).
INDEX_INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "expectations_met",
        "effectiveness",
        "expectations_met",
        _SURVEY,
        0.28,
        "Доля клиентов, чьи ожидания от результата оправдались",
        30,
    ),
    Indicator(
        "resolution_rate",
        "effectiveness",
        "resolution_rate",
        _DATA,
        0.28,
        "Доля решённых вопросов (Resolution rate)",
        30,
    ),
    Indicator(
        "on_time_share",
        "effectiveness",
        "on_time_share",
        _DATA,
        0.12,
        "Доля услуг, оказанных в установленный срок",
        30,
    ),
    Indicator("nps", "effectiveness", "nps", _SURVEY, 0.12, "Готовность рекомендовать ЦЗН (NPS)", 30),
    # CSI (2.4) rates the organisation's reliability and the quality of its services: the result of going to the
    # centre (chapter 4's «надежность получения результата»); 0.20, the others keep their proportions
    Indicator("csi", "effectiveness", "csi", _SURVEY, 0.20, "Индекс удовлетворённости клиентов (CSI)", 30),
    Indicator(
        "personal_support_share",
        "personalisation",
        "personal_support_share",
        _DATA,
        0.4,
        "Доля клиентов с персональным сопровождением / закреплённым консультантом",
        30,
    ),
    Indicator(
        "personalisation_rating",
        "personalisation",
        "client_aspect_rating",
        _SURVEY,
        0.4,
        "Оценка клиентами учёта их личных обстоятельств (1–5)",
        30,
    ),
    Indicator(
        "regional_personalisation",
        "personalisation",
        "regional_checklist",
        _DATA,
        0.2,
        "Региональный чек-лист: личный кабинет, онлайн-помощник (доля «да»)",
        1,
    ),
    Indicator("ces", "effort", "ces", _SURVEY, 0.27, "Показатель усилий клиента (CES)", 30),
    Indicator(
        "net_fcr",
        "effort",
        "net_fcr",
        _DATA,
        0.18,
        "Чистая доля решённых при первом контакте (Net FCR; при отсутствии — FCR)",
        30,
    ),
    Indicator(
        "waiting_time_minutes",
        "effort",
        "waiting_time_minutes",
        _DATA,
        0.18,
        "Время ожидания в очереди, медиана, мин",
        30,
    ),
    Indicator(
        "ttfr_minutes",
        "effort",
        "ttfr_minutes",
        _DATA,
        0.09,
        "Ожидание первой реакции в дистанционных каналах (TTFR), медиана, мин",
        30,
    ),
    Indicator(
        "replies_per_conversation",
        "effort",
        "replies_per_conversation",
        _DATA,
        0.09,
        "Количество ответов на обращение (RPC)",
        30,
    ),
    Indicator(
        "escalation_rate",
        "effort",
        "escalation_rate",
        _DATA,
        0.09,
        "Доля эскалированных (переданных) обращений",
        30,
    ),
    Indicator(
        "regional_channels",
        "effort",
        "regional_checklist",
        _DATA,
        0.10,
        "Региональный чек-лист: каналы обращения, омниканальность, запись онлайн (доля «да»)",
        1,
    ),
    Indicator(
        "comfort_rating",
        "comfort",
        "client_aspect_rating",
        _SURVEY,
        0.6,
        "Оценка клиентами комфорта помещения, навигации и сайта (1–5)",
        30,
    ),
    Indicator(
        "comfort_checklist",
        "comfort",
        "comfort_checklist",
        _INTERNAL,
        0.4,
        "Аудит помещения и сайта по чек-листу",
        1,
    ),
    Indicator(
        "csat_staff", "friendliness", "csat", _SURVEY, 0.4, "Удовлетворённость работой специалиста (CSAT)", 30
    ),
    Indicator(
        "staff_rating",
        "friendliness",
        "client_aspect_rating",
        _SURVEY,
        0.3,
        "Оценка клиентами вежливости, внимания и компетентности сотрудников (1–5)",
        30,
    ),
    Indicator(
        "iqs",
        "friendliness",
        "iqs",
        _INTERNAL,
        0.3,
        "Внутренний показатель качества (IQS), среднее по проверкам",
        10,
    ),
)

#: Default weights of the five groups; in force until the committee publishes another :class:`WeightSet`.
DEFAULT_GROUP_WEIGHTS: WeightSet = WeightSet(
    date.min,
    {"effectiveness": 0.30, "personalisation": 0.15, "effort": 0.25, "comfort": 0.10, "friendliness": 0.20},
    "Исходные веса (по умолчанию)",
)


#: ``primary → fallback``: the fallback indicator is used only when the primary one is not usable.
_FALLBACKS: Mapping[str, str] = MappingProxyType({"net_fcr": "fcr"})


@dataclass(frozen=True)
class Observation:
    """A raw indicator value with the n it rests on (answers, requests, visits, checks)."""

    value: float
    n: int


@dataclass(frozen=True)
class CentreIndex:
    """Result of :func:`centre_index`: the index, each group's result, the 0…100 score of every
    indicator that was used, the indicators set aside because n was below ``min_n``, and the
    fallbacks applied (``{"net_fcr": "fcr"}`` when gross FCR stood in for Net FCR)."""

    index: IndexResult
    groups: Mapping[str, IndexResult]
    indicator_scores: Mapping[str, float]
    insufficient: tuple[str, ...]
    substituted: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


def centre_index(
    observations: Mapping[str, Observation | tuple[float, int] | None],
    group_weights: Mapping[str, float] | WeightSet = DEFAULT_GROUP_WEIGHTS,
    indicators: Sequence[Indicator] = INDEX_INDICATORS,
) -> CentreIndex:
    """Client-centricity index of a centre from raw indicator values.

    1. every indicator with ``n >= min_n`` is mapped onto 0…100 with its anchor;
    2. each group score = :func:`weighted_index` of its indicators (missing ones re-normalised);
    3. the index = :func:`weighted_index` of the group scores with ``group_weights``.

    ``observations`` maps indicator keys to :class:`Observation` / ``(value, n)`` or ``None``.
    Gross ``"fcr"`` may be given as well; it is used in place of ``"net_fcr"`` only when Net FCR is
    not usable (never both: they measure the same thing).  Unknown keys are refused.  Raises if no
    group has usable data.
    """
    if not isinstance(observations, Mapping):
        raise MetricValueError("ожидается словарь «показатель → (значение, n)»")
    known = {ind.key: ind for ind in indicators}
    for primary, fallback in _FALLBACKS.items():
        if primary in known and fallback not in known:
            ind = known[primary]
            known[fallback] = Indicator(
                fallback, ind.group, fallback, ind.source, ind.weight, ind.title, ind.min_n
            )
    unknown = [key for key in observations if key not in known]
    if unknown:
        raise MetricValueError(f"неизвестные показатели индекса: {', '.join(map(str, unknown))}")
    scores: dict[str, float] = {}
    insufficient: list[str] = []
    for key, raw in observations.items():
        if raw is None:
            continue
        if not isinstance(raw, Observation):
            if not isinstance(raw, Sequence) or isinstance(raw, str) or len(raw) != 2:
                raise MetricValueError(f"показатель «{key}»: ожидается пара (значение, n), получено {raw!r}")
            raw = Observation(*raw)
        n = raw.n
        if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 0:
            raise MetricValueError(f"показатель «{key}»: n должно быть неотрицательным целым, получено {n!r}")
        if n < known[key].min_n:
            insufficient.append(key)
            continue
        scores[key] = normalise(raw.value, known[key].anchor)
    substituted: dict[str, str] = {}
    for primary, fallback in _FALLBACKS.items():
        if fallback in scores:
            fallback_score = scores.pop(fallback)
            if primary not in scores and primary in known:
                scores[primary] = fallback_score
                substituted[primary] = fallback
    groups: dict[str, IndexResult] = {}
    group_scores: dict[str, float | None] = {}
    for group in _weights(group_weights, "веса групп"):
        members = {ind.key: ind.weight for ind in indicators if ind.group == group}
        present = {key: scores[key] for key in members if key in scores}
        if members and present:
            groups[group] = weighted_index(present, members)
            group_scores[group] = groups[group].value
        else:
            group_scores[group] = None
    return CentreIndex(
        index=weighted_index(group_scores, group_weights),
        groups=MappingProxyType(groups),
        indicator_scores=MappingProxyType(scores),
        insufficient=tuple(insufficient),
        substituted=MappingProxyType(substituted),
    )


# --------------------------------------------------------------------------------------------------
# staff competence model (design: docs/metrics.md)
# --------------------------------------------------------------------------------------------------

#: Two blocks of section 5.4, ``block → {competence key: Russian title}``.
COMPETENCE_BLOCKS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "communicative": MappingProxyType(
            {
                "politeness": "Вежливость",
                "empathy": "Эмпатия",
                "clarity": "Понятность объяснений",
                "listening": "Активное слушание",
                "objections": "Работа с возражениями и конфликтами",
                "service_knowledge": "Знание услуг",
            }
        ),
        "proactive": MappingProxyType(
            {
                "initiative": "Инициативность",
                "knowledge_sharing": "Обмен знаниями",
                "development": "Развитие",
                "teamwork": "Командность",
                "feedback": "Работа с обратной связью",
            }
        ),
    }
)

#: Default weights of the two blocks in the overall competence score.
DEFAULT_BLOCK_WEIGHTS: WeightSet = WeightSet(
    date.min, {"communicative": 0.6, "proactive": 0.4}, "Исходные веса блоков (по умолчанию)"
)

#: Default evidence mix per competence, ``competence → {evidence: weight}``; evidence kinds:
#: ``client`` / ``peer`` aspect ratings, ``iqs`` categories, ``quiz`` (quizzes and cases), ``actions``.
COMPETENCE_EVIDENCE: Mapping[str, Mapping[str, float]] = MappingProxyType(
    {
        "politeness": MappingProxyType({"client": 0.35, "iqs": 0.35, "peer": 0.15, "quiz": 0.15}),
        "empathy": MappingProxyType({"client": 0.40, "iqs": 0.20, "peer": 0.20, "quiz": 0.20}),
        "clarity": MappingProxyType({"client": 0.40, "iqs": 0.30, "quiz": 0.20, "peer": 0.10}),
        "listening": MappingProxyType({"client": 0.30, "iqs": 0.30, "quiz": 0.20, "peer": 0.20}),
        "objections": MappingProxyType({"quiz": 0.35, "iqs": 0.30, "client": 0.20, "peer": 0.15}),
        "service_knowledge": MappingProxyType({"quiz": 0.50, "iqs": 0.30, "client": 0.10, "peer": 0.10}),
        "initiative": MappingProxyType({"actions": 0.60, "peer": 0.40}),
        "knowledge_sharing": MappingProxyType({"actions": 0.60, "peer": 0.40}),
        "development": MappingProxyType({"quiz": 0.50, "actions": 0.50}),
        "teamwork": MappingProxyType({"peer": 0.70, "actions": 0.30}),
        "feedback": MappingProxyType({"actions": 0.50, "peer": 0.25, "client": 0.25}),
    }
)

#: «Мастер клиентоцентричности»: overall competence score at least this, …
MASTER_THRESHOLD: float = 80.0
#: … each block at least this, …
MASTER_BLOCK_MINIMUM: float = 70.0
#: … in each of this many consecutive monthly closings.
MASTER_PERIODS: int = 3


def held_above(series: Sequence[float | None], threshold: float, periods: int) -> bool:
    """True if the last ``periods`` values of ``series`` (oldest first) are all present and ``>= threshold``.

    A ``None`` (no score for that period, e.g. too little evidence) breaks the streak.

    >>> held_above([70, 82, 85, 81], 80, 3)
    True
    """
    if isinstance(series, (str, bytes, Mapping)) or not isinstance(series, Sequence):
        raise MetricValueError("ожидается последовательность баллов по периодам")
    limit = _real(threshold, "порог")
    if isinstance(periods, bool) or not isinstance(periods, numbers.Integral) or periods < 1:
        raise MetricValueError(f"число периодов должно быть целым положительным, получено {periods!r}")
    if len(series) < periods:
        return False
    for value in series[-periods:]:
        if value is None:
            return False
        if _real(value, "балл за период") < limit:
            return False
    return True
