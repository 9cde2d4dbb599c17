"""The metrics calculator of the course kit (block 5, block 14): CES, CSI, NPS, FCR / Net FCR, IQS and eNPS through
:mod:`training.measures.formulas`, with the working shown — the inputs, the formula with the numbers put in, the
result. Numbers are read as people type them: «12,5», «1 440». Pure functions: the view only passes the form."""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from training.errors import DomainError
from training.measures import formulas

MAX_ANSWERS = 1_000_000
ROWS = 6  # parameter rows of CSI and IQS


class CalculatorError(DomainError):
    status_code = 422


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str = "int"  # int | number | text | mark | flag
    hint: str = ""
    optional: bool = False


@dataclass(frozen=True)
class Metric:
    code: str
    title: str
    what: str
    formula: str
    fields: tuple[Field, ...] = ()
    rows: tuple[Field, ...] = ()  # repeated ROWS times as name-1 … name-6

    def row_name(self, field_: Field, row: int) -> str:
        return f"{field_.name}-{row}"


_COUNTS_NPS = (Field("promoters", "Ответов 9–10 (сторонники)"), Field("passives", "Ответов 7–8 (нейтральные)"),
               Field("detractors", "Ответов 0–6 (критики)"))
METRICS: dict[str, Metric] = {m.code: m for m in (
    Metric("ces", "CES — показатель усилий клиента", "Насколько легко клиенту было решить задачу (шкала 1–5).",
           "CES = % «легко» − % «сложно»",
           (Field("easy", "Ответов «легко» и «очень легко» (4–5)"), Field("neutral", "«Затрудняюсь ответить» (3)"),
            Field("hard", "Ответов «сложно» и «очень сложно» (1–2)"))),
    Metric("csi", "CSI — индекс удовлетворённости", "Удовлетворённость с учётом важности параметров.",
           "CSI = Σ (вес × оценка) / (Σ весов × максимум шкалы) × 100 %",
           (Field("p_max", "Максимум шкалы", "number", "5, 7 или 10"),),
           (Field("weight", "Вес", "number", "в процентах или баллах"),
            Field("score", "Средняя оценка", "number", "например, 4,4"))),
    Metric("nps", "NPS — готовность рекомендовать", "Вопрос клиенту по шкале 0–10: посоветует ли он ЦЗН.",
           "NPS = % ответов 9–10 − % ответов 0–6", _COUNTS_NPS),
    Metric("fcr", "FCR и Net FCR — решено при первом контакте", "Доля обращений, решённых с первого раза.",
           "FCR = решено при первом контакте / все обращения × 100 %; "
           "Net FCR = решено при первом контакте / (все − нерешаемые сразу) × 100 %",
           (Field("total", "Всего обращений"), Field("first", "Решено при первом контакте"),
            Field("impossible", "Нельзя решить за один контакт", hint="для Net FCR; можно оставить пустым",
                  optional=True))),
    Metric("iqs", "IQS — внутренний показатель качества", "Соответствие работы сотрудника стандартам.",
           "IQS = Σ коэффициентов категорий «хорошо» / Σ всех коэффициентов × 100 %; "
           "провал критической категории — 0 %", (),
           (Field("name", "Категория", "text", optional=True), Field("weight", "Коэффициент", "number"),
            Field("mark", "Оценка", "mark"), Field("critical", "Критическая", "flag"))),
    Metric("enps", "eNPS — индекс лояльности сотрудников",
           "Вопрос сотрудникам по шкале 0–10: порекомендуют ли они центр как место работы.",
           "eNPS = % ответов 9–10 − % ответов 0–6", _COUNTS_NPS),
)}


@dataclass
class Working:
    metric: Metric
    inputs: list[tuple[str, str]] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)
    results: list[tuple[str, str]] = field(default_factory=list)
    note: str = ""


def number_text(value: float, digits: int = 1) -> str:
    """55.0 → «55», 77.777 → «77,8», −12.5 → «−12,5»."""
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".") if digits else f"{value:.0f}"
    if text in ("-0", ""):
        text = "0"
    return text.replace(".", ",").replace("-", "−")


def parse_number(raw: str | None, label: str, *, integer: bool = False) -> float | int:
    text = (raw or "").strip()
    compact = re.sub(r"[\s\u00a0\u202f]", "", text).replace(",", ".").replace("−", "-")
    if not compact:
        raise CalculatorError(f"Заполните поле «{label}».")
    if integer:
        if not re.fullmatch(r"\d{1,9}", compact):
            raise CalculatorError(f"«{label}»: нужно целое неотрицательное число, например 120 (введено «{text}»).")
        return int(compact)
    if not re.fullmatch(r"-?\d{1,9}(\.\d{1,6})?", compact):
        raise CalculatorError(f"«{label}»: «{text}» — не число. Дробную часть пишите через запятую: 12,5.")
    return float(compact)


def _percent(part: int, whole: int) -> float:
    return 100 * part / whole


def _counts(metric: Metric, form: Mapping[str, str]) -> list[int]:
    values = [int(parse_number(form.get(f.name), f.label, integer=True)) for f in metric.fields]
    if sum(values) == 0:
        raise CalculatorError("Нет ни одного ответа: введите хотя бы одно число больше нуля.")
    if sum(values) > MAX_ANSWERS:
        raise CalculatorError("Слишком много ответов: калькулятор считает до 1 000 000 ответов.")
    return values


def _nps(metric: Metric, form: Mapping[str, str]) -> Working:
    promoters, passives, detractors = _counts(metric, form)
    n = promoters + passives + detractors
    function = formulas.enps if metric.code == "enps" else formulas.nps
    value = function([10] * promoters + [8] * passives + [0] * detractors)
    share_p, share_d = _percent(promoters, n), _percent(detractors, n)
    name = "eNPS" if metric.code == "enps" else "NPS"
    return Working(metric, [(f.label, str(v)) for f, v in zip(metric.fields, (promoters, passives, detractors),
                                                              strict=True)],
                   [f"Всего ответов: {promoters} + {passives} + {detractors} = {n}",
                    f"% ответов 9–10 = {promoters} / {n} × 100 = {number_text(share_p)} %",
                    f"% ответов 0–6 = {detractors} / {n} × 100 = {number_text(share_d)} %",
                    f"{name} = {number_text(share_p)} − {number_text(share_d)} = {number_text(value)}"],
                   [(name, number_text(value))], "Нейтральные ответы (7–8) входят в число ответивших, но не в формулу.")


def _ces(metric: Metric, form: Mapping[str, str]) -> Working:
    easy, neutral, hard = _counts(metric, form)
    n = easy + neutral + hard
    value = formulas.ces([5] * easy + [3] * neutral + [1] * hard, scale=5)
    share_e, share_h = _percent(easy, n), _percent(hard, n)
    return Working(metric, [(f.label, str(v)) for f, v in zip(metric.fields, (easy, neutral, hard), strict=True)],
                   [f"Всего ответов: {easy} + {neutral} + {hard} = {n}",
                    f"% «легко» = {easy} / {n} × 100 = {number_text(share_e)} %",
                    f"% «сложно» = {hard} / {n} × 100 = {number_text(share_h)} %",
                    f"CES = {number_text(share_e)} − {number_text(share_h)} = {number_text(value)}"],
                   [("CES", number_text(value))],
                   "Важно не само число, а его изменение: падение CES — сигнал действовать.")


def _rows(metric: Metric, form: Mapping[str, str]) -> list[dict]:
    rows = []
    for row in range(1, ROWS + 1):
        raw = {f.name: (form.get(metric.row_name(f, row)) or "").strip() for f in metric.rows}
        numbers = [f for f in metric.rows if f.kind == "number"]
        if not any(raw[f.name] for f in numbers):
            continue
        values: dict = {"row": row}
        for f in metric.rows:
            if f.kind == "number":
                values[f.name] = parse_number(raw[f.name], f"{f.label}, строка {row}")
            elif f.kind == "mark":
                if raw[f.name] not in ("good", "bad"):
                    raise CalculatorError(f"Строка {row}: выберите оценку «хорошо» или «плохо».")
                values[f.name] = raw[f.name] == "good"
            elif f.kind == "flag":
                values[f.name] = raw[f.name] in ("1", "on", "yes")
            else:
                values[f.name] = raw[f.name][:80] or f"категория {row}"
        rows.append(values)
    if not rows:
        raise CalculatorError("Заполните хотя бы одну строку.")
    return rows


def _formula_error(exc: formulas.MetricValueError) -> CalculatorError:
    message = str(exc)
    return CalculatorError(message[:1].upper() + message[1:] + ".")


def _csi(metric: Metric, form: Mapping[str, str]) -> Working:
    p_max = parse_number(form.get("p_max"), "Максимум шкалы")
    rows = _rows(metric, form)
    value = formulas.csi([r["weight"] for r in rows], [r["score"] for r in rows], p_max)
    total_weight = sum(r["weight"] for r in rows)
    weighted = sum(r["weight"] * r["score"] for r in rows)
    products = " + ".join(f"{number_text(r['weight'], 2)} × {number_text(r['score'], 2)}" for r in rows)
    return Working(metric, [("Максимум шкалы", number_text(p_max, 2))] + [
        (f"Параметр {r['row']}", f"вес {number_text(r['weight'], 2)}, оценка {number_text(r['score'], 2)}")
        for r in rows],
        [f"Σ (вес × оценка) = {products} = {number_text(weighted, 3)}",
         f"Σ весов = {number_text(total_weight, 3)}",
         f"CSI = {number_text(weighted, 3)} / ({number_text(total_weight, 3)} × {number_text(p_max, 2)}) × 100 "
         f"= {number_text(value)} %"],
        [("CSI", f"{number_text(value)} %")], "Если веса в процентах и их сумма 100 %, это то же, что Σ(вес × "
                                              "оценка) / максимум шкалы.")


def _fcr(metric: Metric, form: Mapping[str, str]) -> Working:
    total = int(parse_number(form.get("total"), "Всего обращений", integer=True))
    first = int(parse_number(form.get("first"), "Решено при первом контакте", integer=True))
    has_impossible = bool((form.get("impossible") or "").strip())
    impossible = int(parse_number(form.get("impossible"), "Нельзя решить за один контакт", integer=True)) \
        if has_impossible else None
    value = formulas.fcr(first, total)
    working = Working(metric, [("Всего обращений", str(total)), ("Решено при первом контакте", str(first))],
                      [f"FCR = {first} / {total} × 100 = {number_text(value)} %"], [("FCR", f"{number_text(value)} %")])
    if impossible is not None:
        net = formulas.net_fcr(first, total, impossible)
        working.inputs.append(("Нельзя решить за один контакт", str(impossible)))
        working.steps.append(f"Net FCR = {first} / ({total} − {impossible}) × 100 = {first} / {total - impossible} "
                             f"× 100 = {number_text(net)} %")
        working.results.append(("Net FCR", f"{number_text(net)} %"))
    else:
        working.note = "Net FCR: укажите, сколько обращений нельзя решить за один контакт."
    return working


def _iqs(metric: Metric, form: Mapping[str, str]) -> Working:
    rows = _rows(metric, form)
    value = formulas.iqs([(r["weight"], r["mark"], r["critical"]) for r in rows])
    total = sum(r["weight"] for r in rows)
    earned = sum(r["weight"] for r in rows if r["mark"])
    failed = [r["name"] for r in rows if r["critical"] and not r["mark"]]
    steps = [f"Σ коэффициентов = {' + '.join(number_text(r['weight'], 2) for r in rows)} = {number_text(total, 2)}",
             "Σ коэффициентов «хорошо» = "
             + (" + ".join(number_text(r["weight"], 2) for r in rows if r["mark"]) or "0")
             + f" = {number_text(earned, 2)}"]
    if failed:
        steps.append(f"Провал критической категории «{failed[0]}»: IQS = 0 %")
    else:
        steps.append(f"IQS = {number_text(earned, 2)} / {number_text(total, 2)} × 100 = {number_text(value)} %")
    inputs = [(r["name"], f"коэффициент {number_text(r['weight'], 2)}, {'хорошо' if r['mark'] else 'плохо'}"
               + (", критическая" if r["critical"] else "")) for r in rows]
    return Working(metric, inputs, steps, [("IQS", f"{number_text(value)} %")])


_CALCULATIONS = {"nps": _nps, "enps": _nps, "ces": _ces, "csi": _csi, "fcr": _fcr, "iqs": _iqs}


def calculate(code: str, form: Mapping[str, str]) -> Working:
    """The metric ``code`` from the form's text values, with the working; refuses in Russian."""
    metric = METRICS.get(code)
    if metric is None:
        raise CalculatorError("Такой метрики в калькуляторе нет.")
    try:
        return _CALCULATIONS[code](metric, form)
    except formulas.MetricValueError as exc:
        raise _formula_error(exc) from exc
