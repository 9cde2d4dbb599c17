"""Формулы клиентских метрик СЗН — чистые функции без зависимостей от Flask и БД.

The module implements the client-experience metrics described in section 2.4 of the
methodology «Управление клиентским опытом в государственной службе занятости населения»
(ВНИИ труда, 2021) plus NPS / eNPS (2.4 survey 1, 5.2).  Every function:

* takes plain Python values (ints, floats, sequences, mappings) and returns a float
  (or a small tuple), **never rounded** — rounding is a presentation concern;
* returns percentages as floats in 0…100 and NPS-like scores in −100…100;
* raises :class:`MetricValueError` (a subclass of :class:`ValueError`) with a Russian
  message on impossible data: negative counts, a part larger than the whole, empty
  samples, answers off the scale, non-integers where integers are required, ``bool``
  passed as a number, NaN / infinity, all-zero weights, ``p_max <= 0``, scores above
  ``p_max`` and so on.

Formulas (line numbers refer to ``/work/shared/seeds/000_a198d966eda80720.txt``)::

    nps / enps          = %(9–10) − %(0–6)                                  (1664–1677, 3545)
    ces                 = %(easy half) − %(difficult half)                 (1447–1466)
    csat                = %(top two levels)                                 (1699–1717)
    expectations_met    = %(«Ожидания совпали» or better)                  (1679–1697)
    csi                 = Σ(wᵢ·Pᵢ) / P_max × 100,  Σwᵢ normalised to 1       (1469–1513)
    resolution_rate     = resolved / received × 100                         (1515–1532)
    escalation_rate     = escalated / received × 100                        (1612–1624)
    fcr                 = resolved_first_contact / total × 100              (1626–1636)
    net_fcr             = resolved_first_contact / (total − not_resolvable) × 100   (1640–1642)
    ttfr                = (mean, median) of waits                           (1598–1610)
    replies_per_conv.   = replies / conversations                           (1644–1658)
    conversation_volume = Σ counts over channels                            (1546–1556)
    mention_volume      = number of mentions, by tone and by source       (1534–1543, variant 1)
    iqs                 = Σ w(passed) / Σ w × 100, or 0 if a critical item failed (1560–1596)
"""

from __future__ import annotations

import math
import numbers
import statistics
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

__all__ = [
    "MetricValueError",
    "CES_LABELS_5",
    "EXPECTATION_LABELS",
    "QualityItem",
    "TTFR",
    "nps",
    "enps",
    "ces",
    "csat",
    "expectations_met",
    "csi",
    "resolution_rate",
    "escalation_rate",
    "fcr",
    "net_fcr",
    "ttfr",
    "replies_per_conversation",
    "conversation_volume",
    "MentionVolume",
    "mention_volume",
    "iqs",
]


class MetricValueError(ValueError):
    """Impossible input for a metric (a :class:`ValueError`, message in Russian)."""


#: Answer labels of the classic 5-point CES question, index 0 ↔ answer 1 (the top, 5, is «Очень легко»).
CES_LABELS_5: tuple[str, ...] = ("Очень сложно", "Сложно", "Затрудняюсь ответить", "Легко", "Очень легко")

#: Answer labels of the expectation / satisfaction questions (surveys 2, 2.1, 3, 3.1), index 0 ↔ answer 1.
EXPECTATION_LABELS: tuple[str, ...] = (
    "Нет, разочарован",
    "Требуется улучшения",
    "Ожидания совпали",
    "Превзошел ожидания",
    "Значительно превзошел ожидания",
)


# --------------------------------------------------------------------------------------------------
# validation helpers
# --------------------------------------------------------------------------------------------------


def _fail(message: str) -> MetricValueError:
    return MetricValueError(message)


def _count(value: Any, name: str) -> int:
    """A non-negative integer count; ``bool`` and floats (even ``3.0``) are refused."""
    if isinstance(value, bool):
        raise _fail(f"{name}: ожидается целое число, а передано логическое значение {value!r}")
    if not isinstance(value, numbers.Integral):
        raise _fail(f"{name}: ожидается целое число, получено {value!r}")
    value = int(value)
    if value < 0:
        raise _fail(f"{name}: количество не может быть отрицательным ({value})")
    return value


def _real(value: Any, name: str) -> float:
    """A finite real number; ``bool``, NaN and ±inf are refused."""
    kind = type(value)
    if (kind is float or kind is int) and math.isfinite(value):  # fast path (batches call this ~10⁶ times)
        return float(value)
    if isinstance(value, bool):
        raise _fail(f"{name}: ожидается число, а передано логическое значение {value!r}")
    if not isinstance(value, numbers.Real):
        raise _fail(f"{name}: ожидается число, получено {value!r}")
    result = float(value)
    if not math.isfinite(result):
        raise _fail(f"{name}: значение должно быть конечным числом (получено {value!r})")
    return result


def _flag(value: Any, name: str) -> bool:
    """A yes/no flag: ``True``/``False`` or the integers 0/1 used in the methodology's example."""
    if isinstance(value, bool):
        return value
    if isinstance(value, numbers.Integral) and int(value) in (0, 1):
        return bool(value)
    raise _fail(f"{name}: ожидается да/нет (True/False или 1/0), получено {value!r}")


def _sample(values: Any, name: str) -> list[Any]:
    """Materialise a non-empty sample; strings and mappings are refused (they iterate surprisingly)."""
    if isinstance(values, (str, bytes, bytearray)) or isinstance(values, Mapping):
        raise _fail(f"{name}: ожидается последовательность значений, получено {type(values).__name__}")
    if not isinstance(values, Iterable):
        raise _fail(f"{name}: ожидается последовательность значений, получено {values!r}")
    result = list(values)
    if not result:
        raise _fail(f"{name}: пустая выборка — показатель не определён")
    return result


def _answers(values: Any, low: int, high: int, name: str) -> list[int]:
    """Integer answers on the closed scale ``low…high``."""
    result = []
    for position, raw in enumerate(_sample(values, name), start=1):
        label = f"{name}, ответ №{position}"
        if isinstance(raw, bool):
            raise _fail(f"{label}: ожидается целое число, а передано логическое значение {raw!r}")
        if not isinstance(raw, numbers.Integral):
            raise _fail(f"{label}: ожидается целое число от {low} до {high}, получено {raw!r}")
        answer = int(raw)
        if not low <= answer <= high:
            raise _fail(f"{label}: ответ {answer} вне шкалы {low}…{high}")
        result.append(answer)
    return result


def _scale(scale: Any, low: int, high: int, name: str) -> int:
    if isinstance(scale, bool) or not isinstance(scale, numbers.Integral):
        raise _fail(f"{name}: размер шкалы должен быть целым числом, получено {scale!r}")
    scale = int(scale)
    if not low <= scale <= high:
        raise _fail(f"{name}: поддерживаются шкалы от {low} до {high} градаций, получено {scale}")
    return scale


def _share(part: int, whole: int) -> float:
    return 100.0 * part / whole


def _part_share(part: int, whole: int, *, undefined: str, more: str) -> float:
    """``part`` of ``whole`` in percent: refused with ``undefined`` when the whole is empty and with ``more`` (and
    the two counts) when the part exceeds it."""
    if whole == 0:
        raise _fail(undefined)
    if part > whole:
        raise _fail(f"{more} ({part} > {whole})")
    return _share(part, whole)


# --------------------------------------------------------------------------------------------------
# survey-based metrics
# --------------------------------------------------------------------------------------------------


def _nps_like(scores: Any, name: str) -> float:
    values = _answers(scores, 0, 10, name)
    promoters = sum(1 for v in values if v >= 9)
    detractors = sum(1 for v in values if v <= 6)
    return _share(promoters - detractors, len(values))


def nps(scores: Iterable[int]) -> float:
    """Net Promoter Score of clients, −100…100.

    Question (survey 1, lines 1664–1677): on a 0–10 scale, how likely is the client to advise
    others to turn to the ЦЗН.  ::

        NPS = 100 × (#{9, 10} − #{0…6}) / n

    Passives (7–8) count in ``n`` only.  ``scores`` are integers 0…10.

    >>> nps([10, 9, 8, 7, 6, 0])
    0.0
    """
    return _nps_like(scores, "оценки NPS")


def enps(scores: Iterable[int]) -> float:
    """Employee NPS (section 5.2, line 3545): the NPS formula applied to staff answers 0…10.

    Question: how likely the employee would recommend the centre as a place to work. ::

        eNPS = 100 × (#{9, 10} − #{0…6}) / n
    """
    return _nps_like(scores, "оценки eNPS")


def ces(answers: Iterable[int], scale: int = 5) -> float:
    """Customer Effort Score, −100…100 (lines 1447–1466).

    Answers are integers ``1…scale`` where ``scale`` is the top, «Очень легко»; the methodology
    allows 2–7 grades.  With ``k = scale``::

        easy      = answers v with 2v > k + 1   (4–5 of 5, 5–7 of 7)
        difficult = answers v with 2v < k + 1   (1–2 of 5, 1–3 of 7)
        CES       = 100 × (#easy − #difficult) / n

    The neutral middle of an odd scale («Затрудняюсь ответить») counts in ``n`` only.
    Note: the methodology subtracts the share of «Сложно» from the share of «Легко»; this
    product counts whole halves (so «Очень легко» / «Очень сложно» are included) — see docs/metrics.md.

    >>> ces([5, 4, 3, 2, 1])
    0.0
    """
    k = _scale(scale, 2, 7, "CES")
    values = _answers(answers, 1, k, f"ответы CES (шкала 1…{k})")
    easy = sum(1 for v in values if 2 * v > k + 1)
    difficult = sum(1 for v in values if 2 * v < k + 1)
    return _share(easy - difficult, len(values))


def csat(answers: Iterable[int], scale: int = 5) -> float:
    """Customer satisfaction, % of answers in the top two levels of ``1…scale`` (0…100).

    ::

        CSAT = 100 × #{scale − 1, scale} / n

    On the 5-level satisfaction question of the methodology (survey 3, lines 1699–1717) the top two
    are «Превзошел ожидания» and «Значительно превзошел ожидания».  ``scale`` is 3…10.

    >>> csat([5, 4, 3, 1])
    50.0
    """
    k = _scale(scale, 3, 10, "CSAT")
    values = _answers(answers, 1, k, f"ответы CSAT (шкала 1…{k})")
    return _share(sum(1 for v in values if v >= k - 1), len(values))


def expectations_met(answers: Iterable[int]) -> float:
    """Share of clients whose expectations were met or exceeded, 0…100 (surveys 2 / 2.1, lines 1679–1697).

    Answers are 1…5 in the order of :data:`EXPECTATION_LABELS`
    (1 «Нет, разочарован» … 5 «Значительно превзошел ожидания»). ::

        expectations_met = 100 × #{3, 4, 5} / n

    >>> expectations_met([1, 2, 3, 5])
    50.0
    """
    values = _answers(answers, 1, 5, "ответы об ожиданиях (шкала 1…5)")
    return _share(sum(1 for v in values if v >= 3), len(values))


def csi(weights: Sequence[float], scores: Sequence[float], p_max: float) -> float:
    """Customer Satisfaction Index, 0…100 (lines 1469–1513).

    ``weights[i]`` is the importance of parameter *i* (from a survey or experts), ``scores[i]`` its
    satisfaction score Pᵢ (usually the mean answer on the survey scale), ``p_max`` the top of the scale. ::

        CSI = Σ(wᵢ · Pᵢ) / P_max × 100,   with wᵢ normalised so that Σwᵢ = 1

    The methodology writes ``Σ Wᵢ·Pᵢ / P_max`` "in percent", which presumes weights summing to 1;
    normalising here makes raw importance ratings usable as weights.

    >>> csi([2, 1, 1], [5, 4, 3], 5)
    85.0
    """
    top = _real(p_max, "P_max")
    if top <= 0:
        raise _fail(f"P_max должен быть положительным (получено {p_max!r})")
    w = [_real(x, f"вес параметра №{i}") for i, x in enumerate(_sample(weights, "веса CSI"), start=1)]
    p = [_real(x, f"оценка параметра №{i}") for i, x in enumerate(_sample(scores, "оценки CSI"), start=1)]
    if len(w) != len(p):
        raise _fail(f"CSI: число весов ({len(w)}) не совпадает с числом оценок ({len(p)})")
    for i, weight in enumerate(w, start=1):
        if weight < 0:
            raise _fail(f"вес параметра №{i} не может быть отрицательным ({weight})")
    for i, score in enumerate(p, start=1):
        if score < 0:
            raise _fail(f"оценка параметра №{i} не может быть отрицательной ({score})")
        if score > top:
            raise _fail(f"оценка параметра №{i} ({score}) больше максимума шкалы P_max ({top})")
    total = math.fsum(w)
    if total <= 0:
        raise _fail("CSI: все веса равны нулю — индекс не определён")
    return 100.0 * math.fsum(wi * pi for wi, pi in zip(w, p, strict=True)) / (total * top)


# --------------------------------------------------------------------------------------------------
# operational (objective) metrics
# --------------------------------------------------------------------------------------------------


def resolution_rate(resolved: int, received: int) -> float:
    """Resolution rate, % of received requests actually resolved (lines 1515–1532). ::

    resolution_rate = resolved / received × 100
    """
    return _part_share(_count(resolved, "решено обращений"), _count(received, "поступило обращений"),
                       undefined="не поступило ни одного обращения — доля решённых не определена",
                       more="решено больше обращений, чем поступило")


def escalation_rate(escalated: int, received: int) -> float:
    """Escalation rate, % of received requests passed on to another group or a manager (lines 1612–1624). ::

        escalation_rate = escalated / received × 100

    Lower is better.
    """
    return _part_share(_count(escalated, "передано (эскалировано) обращений"), _count(received, "поступило обращений"),
                       undefined="не поступило ни одного обращения — доля эскалированных не определена",
                       more="эскалировано больше обращений, чем поступило")


def fcr(resolved_first_contact: int, total: int) -> float:
    """First Contact Resolution (gross), % of requests closed during the first contact (lines 1626–1636). ::

    FCR = resolved_first_contact / total × 100
    """
    return _part_share(_count(resolved_first_contact, "решено при первом контакте"), _count(total, "всего обращений"),
                       undefined="нет ни одного обращения — FCR не определён",
                       more="решено при первом контакте больше обращений, чем поступило")


def net_fcr(resolved_first_contact: int, total: int, not_resolvable_first_contact: int) -> float:
    """Net FCR, % of the requests that *could* be resolved at first contact and were (lines 1640–1642). ::

        Net FCR = resolved_first_contact / (total − not_resolvable_first_contact) × 100

    Requests that by their nature cannot be settled in one contact (for example, ones that need
    documents from other agencies) leave the denominator.  The methodology gives the ratio; this
    function returns it in percent, like FCR.
    """
    first = _count(resolved_first_contact, "решено при первом контакте")
    whole = _count(total, "всего обращений")
    impossible = _count(not_resolvable_first_contact, "невозможно решить при первом контакте")
    if impossible > whole:
        raise _fail(
            f"обращений, которые невозможно решить при первом контакте, больше, чем всего обращений "
            f"({impossible} > {whole})"
        )
    base = whole - impossible
    if base == 0:
        raise _fail("нет обращений, которые можно решить при первом контакте — Net FCR не определён")
    if first > base:
        raise _fail(
            f"решено при первом контакте больше обращений, чем можно было решить при первом контакте "
            f"({first} > {whole} − {impossible})"
        )
    return _share(first, base)


class TTFR(NamedTuple):
    """Time to first response: mean and median of the waits, in the unit of the input."""

    mean: float
    median: float


def ttfr(durations: Iterable[float]) -> TTFR:
    """Time to First Response (lines 1598–1610): ``(mean, median)`` of the waits.

    Each duration is the time from the client's request to the organisation's first reply
    (minutes by convention in this product).  The median is reported because a few anomalous
    waits distort the mean. ::

        mean   = Σ tᵢ / n
        median = middle value of the sorted tᵢ (mean of the two middle values for even n)

    >>> ttfr([1, 2, 3, 100])
    TTFR(mean=26.5, median=2.5)
    """
    waits = []
    for position, raw in enumerate(_sample(durations, "время до первой реакции"), start=1):
        wait = _real(raw, f"время до первой реакции №{position}")
        if wait < 0:
            raise _fail(f"время до первой реакции №{position} не может быть отрицательным ({wait})")
        waits.append(wait)
    return TTFR(statistics.fmean(waits), float(statistics.median(waits)))


def replies_per_conversation(replies: int, conversations: int) -> float:
    """Replies per Conversation (lines 1644–1658): mean number of replies per request. ::

        RPC = replies / conversations

    Lower is better (1 = solved with a single reply).
    """
    answered = _count(replies, "число ответов")
    total = _count(conversations, "число обращений")
    if total == 0:
        raise _fail("нет ни одного обращения — число ответов на обращение не определено")
    return answered / total


def conversation_volume(counts_by_channel: Mapping[str, int]) -> int:
    """Conversation Volume (variant 2, lines 1546–1556): total interactions over all channels. ::

        volume = Σ counts_by_channel[c]

    ``counts_by_channel`` maps a channel (контакт-центр, e-mail, чат, соцсети, портал…) to the
    number of interactions in the period.  An empty mapping is refused: no channel means no data,
    not zero volume.

    >>> conversation_volume({"телефон": 120, "e-mail": 30, "чат": 0})
    150
    """
    if not isinstance(counts_by_channel, Mapping):
        raise _fail(
            f"ожидается словарь «канал → число обращений», получено {type(counts_by_channel).__name__}"
        )
    if not counts_by_channel:
        raise _fail("не указан ни один канал — объём обращений не определён")
    return sum(_count(v, f"обращений по каналу «{k}»") for k, v in counts_by_channel.items())


#: The tones of a mention, as the register records them.
MENTION_TONES: tuple[str, ...] = ("positive", "neutral", "negative")


class MentionVolume(NamedTuple):
    """Conversation Volume (variant 1): how many mentions, split by tone and by source."""

    total: int
    by_tone: dict[str, int]
    by_source: dict[str, int]


def mention_volume(mentions: Iterable[tuple[str, str]]) -> MentionVolume:
    """Conversation Volume (variant 1, lines 1534–1543): how many times the organisation was mentioned in the media
    and social networks in a period, segmented by tone and by where it was said. ::

        total = number of mentions;  by_tone[t] = mentions of tone t;  by_source[s] = mentions on s

    ``mentions`` are (tone, source) pairs; a tone is one of :data:`MENTION_TONES`. No mentions is a total of 0:
    unlike variant 2 (a channel with no data), the register of a period in which nobody wrote about the service is
    a true zero — whether the register was kept at all is for the caller to say.

    >>> mention_volume([("positive", "Газета"), ("negative", "ВКонтакте"), ("positive", "ВКонтакте")]).by_tone
    {'positive': 2, 'neutral': 0, 'negative': 1}
    """
    by_tone = dict.fromkeys(MENTION_TONES, 0)
    by_source: dict[str, int] = {}
    total = 0
    for tone, source in mentions:
        if tone not in by_tone:
            raise _fail(f"тональность упоминания «{tone}» не из списка: позитивная, нейтральная, негативная")
        source = str(source or "").strip()
        if not source:
            raise _fail("у упоминания не указан источник")
        by_tone[tone] += 1
        by_source[source] = by_source.get(source, 0) + 1
        total += 1
    return MentionVolume(total, by_tone, by_source)


class QualityItem(NamedTuple):
    """One category of an internal quality check: its weight, whether it passed, whether it is critical."""

    weight: float
    passed: bool
    critical: bool = False


def iqs(items: Iterable[tuple[float, bool, bool]]) -> float:
    """Internal Quality Score, 0…100 (lines 1560–1596).

    ``items`` are ``(weight, passed, critical)`` triples (or :class:`QualityItem`): a category of
    the check, its coefficient of importance, the binary mark (хорошо = True/1, плохо = False/0)
    and whether it is critical. ::

        IQS = Σ wᵢ·passedᵢ / Σ wᵢ × 100,   but IQS = 0 if any critical item failed

    Methodology example: знание услуг (1.5, хорошо), грамотность речи (1, хорошо, критичная),
    вежливость (0.75, плохо) → 2.5 / 3.25 = 76.92 % (the text rounds to 77 %).

    >>> round(iqs([(1.5, True, False), (1, True, True), (0.75, False, False)]), 1)
    76.9
    """
    weights: list[float] = []
    earned: list[float] = []
    critical_failed = False
    for position, item in enumerate(_sample(items, "категории IQS"), start=1):
        label = f"категория IQS №{position}"
        if isinstance(item, (str, bytes)) or not isinstance(item, Sequence) or len(item) != 3:
            raise _fail(f"{label}: ожидается тройка (вес, пройдено, критичная), получено {item!r}")
        weight = _real(item[0], f"{label}, вес")
        if weight < 0:
            raise _fail(f"{label}: вес не может быть отрицательным ({weight})")
        passed = _flag(item[1], f"{label}, оценка")
        critical = _flag(item[2], f"{label}, признак критичности")
        weights.append(weight)
        if passed:
            earned.append(weight)
        elif critical:
            critical_failed = True
    total = math.fsum(weights)
    if total <= 0:
        raise _fail("IQS: все веса категорий равны нулю — показатель не определён")
    if critical_failed:
        return 0.0
    return 100.0 * math.fsum(earned) / total
