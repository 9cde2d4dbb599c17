"""Import of operational (objective) data per centre and period from CSV/XLSX — all or nothing.

Two layouts, recognised by the header row (templates and column meanings: docs/metrics.md, part 7):

* **summary** — two columns «Показатель; Значение», one row per figure (appeals by channel, resolved, …,
  time to first response as mean/median, queue wait as mean/median);
* **appeals** — one row per appeal («Канал; Решено; Решено при первом контакте; …; Первый ответ, мин; Ответов;
  Ожидание в очереди, мин»); the figures are computed on import with :mod:`training.measures.formulas`.

Every problem is reported with its line and column; the database is touched only when the file is clean.
Re-importing the same centre and period replaces the earlier data (audited with before/after)."""
from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from training.accounts.models import User
from training.accounts.scopes import can_view_centre
from training.audit import services as audit
from training.db import utcnow
from training.errors import DomainError, NotAllowed
from training.extensions import db
from training.measures import formulas
from training.measures.formulas import MetricValueError
from training.metrics.operations.models import OperationalReport, ReportLayout
from training.org.models import Centre
from training.signals import operational_data_imported
from training.tabular import ImportRejected, Problem, Table, cell_text, read_table

CHANNELS: tuple[tuple[str, str], ...] = (
    ("call_centre", "колл-центр"),
    ("portal", "портал"),
    ("trudvsem", "«Работа в России»"),
    ("social", "соцсети и мессенджеры"),
    ("email", "e-mail"),
    ("in_person", "личный приём"),
)
CHANNEL_TITLES = dict(CHANNELS)
MAX_PERIOD_DAYS = 92


def _norm(text: Any) -> str:
    value = cell_text(text).lower().replace("ё", "е")
    for ch in "«»\"'":
        value = value.replace(ch, "")
    return " ".join(value.replace(":", " : ").split()).replace(" :", ":")


_CHANNEL_ALIASES = {
    "call_centre": ["колл-центр", "колл центр", "call-центр", "телефон"],
    "portal": ["портал", "региональный портал", "сайт"],
    "trudvsem": ["работа в россии", "трудвсем"],
    "social": ["соцсети и мессенджеры", "соцсети/мессенджеры", "соцсети", "мессенджеры", "социальные сети"],
    "email": ["e-mail", "email", "электронная почта", "эл. почта"],
    "in_person": ["личный прием", "очно", "окно приема"],
}
CHANNEL_LOOKUP = {_norm(alias): code for code, aliases in _CHANNEL_ALIASES.items() for alias in aliases + [code]}


@dataclass(frozen=True)
class Field:
    code: str
    title: str
    kind: str  # "int" | "float"
    hint: str


SUMMARY_FIELDS: tuple[Field, ...] = tuple(
    [Field(f"appeals:{code}", f"Обращений: {title}", "int", "число обращений, поступивших по каналу за период")
     for code, title in CHANNELS] + [
        Field("resolved", "Решено обращений", "int", "из всех поступивших за период"),
        Field("resolved_first_contact", "Решено при первом контакте", "int", "FCR: решены с первого обращения"),
        Field("not_resolvable_first_contact", "Не могли быть решены при первом контакте", "int",
              "по своей природе требуют нескольких контактов (для Net FCR)"),
        Field("escalated", "Передано (эскалировано)", "int", "переданы другому специалисту / уровню"),
        Field("replies", "Ответов сотрудников (всего)", "int", "в переписке по обращениям, для RPC"),
        Field("conversations", "Переписок (обращений с ответами)", "int",
              "знаменатель RPC; если пусто — все обращения"),
        Field("ttfr_mean", "Первый ответ: среднее, мин", "float", "дистанционные каналы, рабочие минуты"),
        Field("ttfr_median", "Первый ответ: медиана, мин", "float", "используется в индексе"),
        Field("ttfr_n", "Первый ответ: число обращений", "int", "на скольких обращениях посчитано"),
        Field("wait_mean", "Ожидание в очереди: среднее, мин", "float", "электронная очередь, личный приём"),
        Field("wait_median", "Ожидание в очереди: медиана, мин", "float", "используется в индексе"),
        Field("wait_n", "Ожидание в очереди: число посещений", "int", "на скольких посещениях посчитано"),
        Field("services_total", "Услуг оказано", "int", "необязательно: для доли услуг в срок"),
        Field("services_on_time", "Из них в установленный срок", "int", "необязательно"),
        Field("clients_active", "Активных клиентов", "int", "необязательно: для доли с сопровождением"),
        Field("clients_personal_support", "Из них с персональным сопровождением", "int",
              "закреплённый консультант или индивидуальный план"),
    ])
SUMMARY_LOOKUP = {_norm(f.title): f for f in SUMMARY_FIELDS} | {_norm(f.code): f for f in SUMMARY_FIELDS}
SUMMARY_HEADER = ["Показатель", "Значение", "Пояснение"]

APPEAL_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("channel", "Канал", "колл-центр, портал, «Работа в России», соцсети и мессенджеры, e-mail, личный приём"),
    ("resolved", "Решено", "да / нет"),
    ("resolved_first_contact", "Решено при первом контакте", "да / нет"),
    ("not_resolvable_first_contact", "Нельзя решить при первом контакте", "да / нет"),
    ("escalated", "Передано", "да / нет"),
    ("ttfr", "Первый ответ, мин", "для дистанционных каналов; пусто — нет данных"),
    ("replies", "Ответов", "сколько ответов сотрудника понадобилось; пусто — нет данных"),
    ("wait", "Ожидание в очереди, мин", "для личного приёма; пусто — нет данных"),
)
APPEAL_HEADER = [title for _, title, _ in APPEAL_COLUMNS]
APPEAL_LOOKUP = ({_norm(title): code for code, title, _ in APPEAL_COLUMNS}
                 | {code: code for code, _, _ in APPEAL_COLUMNS})
YES = {"да", "1", "+", "yes", "true", "д"}
NO = {"нет", "0", "-", "no", "false", "н", ""}


def template_rows(layout: str) -> tuple[list[str], list[list[Any]]]:
    if layout == ReportLayout.APPEALS:
        return APPEAL_HEADER, [
            ["колл-центр", "да", "да", "нет", "нет", "", "1", ""],
            ["e-mail", "да", "нет", "нет", "да", "75", "3", ""],
            ["личный приём", "да", "да", "нет", "нет", "", "", "12"],
        ]
    example = {"appeals:call_centre": 420, "appeals:portal": 180, "appeals:trudvsem": 260, "appeals:social": 60,
               "appeals:email": 80, "appeals:in_person": 900, "resolved": 1650, "resolved_first_contact": 1180,
               "not_resolvable_first_contact": 240, "escalated": 95, "replies": 610, "conversations": 320,
               "ttfr_mean": 142, "ttfr_median": 95, "ttfr_n": 320, "wait_mean": 16.5, "wait_median": 12,
               "wait_n": 900}
    return SUMMARY_HEADER, [[f.title, example.get(f.code, ""), f.hint] for f in SUMMARY_FIELDS]


# --- parsing ---------------------------------------------------------------------------------------------------


def _number(raw: Any, kind: str) -> int | float:
    if isinstance(raw, bool):
        raise ValueError("ожидается число")
    if isinstance(raw, (int, float)):
        value = float(raw)
    else:
        text = cell_text(raw).replace("\u00a0", "").replace(" ", "").replace(",", ".")
        value = float(text)
    if not math.isfinite(value):
        raise ValueError("ожидается число")
    if value < 0:
        raise ValueError("значение не может быть отрицательным")
    if kind == "int":
        if not value.is_integer():
            raise ValueError("ожидается целое число")
        return int(value)
    return value


def parse(table: Table) -> tuple[ReportLayout, dict[str, Any]]:
    header = [_norm(h) for h in table.header]
    if not table.header or not any(header):
        raise ImportRejected([Problem(1, None, "нет строки заголовков.")])
    if header[0] in ("показатель", "indicator"):
        return ReportLayout.SUMMARY, _parse_summary(table)
    if header[0] in APPEAL_LOOKUP:
        return ReportLayout.APPEALS, _parse_appeals(table, header)
    raise ImportRejected([Problem(1, None, "не узнаю формат: первая колонка должна называться «Показатель» "
                                           "(сводные данные) или «Канал» (по обращениям). Скачайте шаблон.")])


def _parse_summary(table: Table) -> dict[str, Any]:
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    lines: dict[str, int] = {}
    for line, cells in table.rows:
        key = _norm(cells[0] if cells else "")
        raw = cells[1] if len(cells) > 1 else ""
        field = SUMMARY_LOOKUP.get(key)
        if field is None:
            problems.append(Problem(line, "Показатель", f"неизвестный показатель «{cell_text(cells[0])}»."))
            continue
        if field.code in values:
            problems.append(Problem(line, "Показатель", f"«{field.title}» уже указан в строке {lines[field.code]}."))
            continue
        if cell_text(raw) == "":
            continue
        try:
            values[field.code] = _number(raw, field.kind)
        except ValueError as exc:
            message = str(exc) if "отрицательн" in str(exc) or "целое" in str(exc) else "ожидается число"
            problems.append(Problem(line, "Значение", f"{field.title}: {message} (в ячейке «{cell_text(raw)}»)."))
            continue
        lines[field.code] = line
    if problems:
        raise ImportRejected(problems)
    by_channel = {code.split(":", 1)[1]: values.pop(code) for code in list(values) if code.startswith("appeals:")}
    data = {"appeals_by_channel": by_channel, **values}
    problems = check_consistency(data, lines)
    if problems:
        raise ImportRejected(problems)
    return data


def _flag(raw: Any) -> bool:
    text = _norm(raw)
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValueError("ожидается «да» или «нет»")


def _parse_appeals(table: Table, header: list[str]) -> dict[str, Any]:
    columns: dict[str, int] = {}
    problems: list[Problem] = []
    for index, title in enumerate(header):
        code = APPEAL_LOOKUP.get(title)
        if code is None and title:
            problems.append(Problem(1, table.header[index], "неизвестный столбец."))
        elif code in columns:
            problems.append(Problem(1, table.header[index], "столбец повторяется."))
        elif code:
            columns[code] = index
    if "channel" not in columns:
        problems.append(Problem(1, "Канал", "нет обязательного столбца «Канал»."))
    if problems:
        raise ImportRejected(problems)
    titles = {code: title for code, title, _ in APPEAL_COLUMNS}
    by_channel: dict[str, int] = {}
    counts = {"resolved": 0, "resolved_first_contact": 0, "not_resolvable_first_contact": 0, "escalated": 0}
    ttfr: list[float] = []
    waits: list[float] = []
    replies: list[int] = []
    for line, cells in table.rows:
        def cell(code: str, cells: list[Any] = cells) -> Any:
            index = columns.get(code)
            return cells[index] if index is not None and index < len(cells) else ""

        channel = CHANNEL_LOOKUP.get(_norm(cell("channel")))
        if channel is None:
            problems.append(Problem(line, "Канал", f"неизвестный канал «{cell_text(cell('channel'))}»; допустимы: "
                                    + ", ".join(title for _, title in CHANNELS) + "."))
        row_flags = {}
        for code in counts:
            try:
                row_flags[code] = _flag(cell(code))
            except ValueError as exc:
                problems.append(Problem(line, titles[code], f"{exc} (в ячейке «{cell_text(cell(code))}»)."))
        if row_flags.get("resolved_first_contact") and row_flags.get("not_resolvable_first_contact"):
            problems.append(Problem(line, titles["not_resolvable_first_contact"],
                                    "обращение не может быть одновременно решено при первом контакте "
                                    "и нерешаемо при нём."))
        if row_flags.get("resolved_first_contact") and row_flags.get("resolved") is False:
            problems.append(Problem(line, titles["resolved"],
                                    "решено при первом контакте, но не отмечено как решённое."))
        parsed: dict[str, Any] = {}
        for code, kind in (("ttfr", "float"), ("replies", "int"), ("wait", "float")):
            raw = cell(code)
            if cell_text(raw) == "":
                continue
            try:
                parsed[code] = _number(raw, kind)
            except ValueError as exc:
                problems.append(Problem(line, titles[code], f"{exc} (в ячейке «{cell_text(raw)}»)."))
        if channel is None:
            continue
        by_channel[channel] = by_channel.get(channel, 0) + 1
        for code, flag in row_flags.items():
            counts[code] += int(flag)
        if "ttfr" in parsed:
            ttfr.append(parsed["ttfr"])
        if "wait" in parsed:
            waits.append(parsed["wait"])
        if "replies" in parsed:
            replies.append(parsed["replies"])
    if not table.rows:
        problems.append(Problem(2, None, "в файле нет ни одного обращения."))
    if problems:
        raise ImportRejected(problems)
    data: dict[str, Any] = {"appeals_by_channel": by_channel, **counts}
    if ttfr:
        summary = formulas.ttfr(ttfr)
        data.update(ttfr_mean=summary.mean, ttfr_median=summary.median, ttfr_n=len(ttfr))
    if waits:
        data.update(wait_mean=statistics.fmean(waits), wait_median=statistics.median(waits), wait_n=len(waits))
    if replies:
        data.update(replies=sum(replies), conversations=len(replies))
    return data


def check_consistency(data: dict[str, Any], lines: dict[str, int]) -> list[Problem]:
    """Cross-field rules, checked with the formulas themselves (they refuse impossible combinations)."""
    problems: list[Problem] = []
    titles = {f.code: f.title for f in SUMMARY_FIELDS}
    total = sum(data["appeals_by_channel"].values())

    def fail(code: str, message: str) -> None:
        problems.append(Problem(lines.get(code, 1), "Значение", f"{titles.get(code, code)}: {message}"))

    if not data["appeals_by_channel"]:
        problems.append(Problem(1, None, "не указано число обращений ни по одному каналу."))
        return problems
    checks = [("resolved", lambda: formulas.resolution_rate(data["resolved"], total)),
              ("resolved_first_contact", lambda: formulas.fcr(data["resolved_first_contact"], total)),
              ("escalated", lambda: formulas.escalation_rate(data["escalated"], total))]
    for code, check in checks:
        if code in data:
            try:
                check()
            except MetricValueError as exc:
                fail(code, f"{exc} (всего обращений {total}).")
    if "resolved_first_contact" in data and "not_resolvable_first_contact" in data:
        try:
            formulas.net_fcr(data["resolved_first_contact"], total, data["not_resolvable_first_contact"])
        except MetricValueError as exc:
            fail("not_resolvable_first_contact", f"{exc}.")
    if "resolved_first_contact" in data and "resolved" in data and data["resolved_first_contact"] > data["resolved"]:
        fail("resolved_first_contact",
             f"больше, чем решено всего ({data['resolved_first_contact']} > {data['resolved']}).")
    if "replies" in data:
        conversations = data.get("conversations", total)
        try:
            formulas.replies_per_conversation(data["replies"], conversations)
        except MetricValueError as exc:
            fail("replies", f"{exc}.")
    if "conversations" in data and data["conversations"] > total:
        fail("conversations", f"больше, чем всего обращений ({data['conversations']} > {total}).")
    for part, whole in (("services_on_time", "services_total"), ("clients_personal_support", "clients_active")):
        if (part in data) != (whole in data):
            fail(part if part in data else whole, f"укажите вместе с «{titles[whole if part in data else part]}».")
        elif part in data and data[part] > data[whole]:
            fail(part, f"больше, чем «{titles[whole]}» ({data[part]} > {data[whole]}).")
    for prefix in ("ttfr", "wait"):
        if f"{prefix}_median" in data and f"{prefix}_n" in data and data[f"{prefix}_n"] == 0:
            fail(f"{prefix}_n", "медиана указана, а число наблюдений равно нулю.")
    return problems


# --- storing -------------------------------------------------------------------------------------------------

_FIELDS = ("appeals_by_channel", "resolved", "resolved_first_contact", "not_resolvable_first_contact", "escalated",
           "replies", "conversations", "ttfr_mean", "ttfr_median", "ttfr_n", "wait_mean", "wait_median", "wait_n",
           "services_total", "services_on_time", "clients_active", "clients_personal_support")


def report_state(report: OperationalReport) -> dict[str, Any]:
    return {name: getattr(report, name) for name in _FIELDS}


def check_period(start: date, end: date, today: date) -> None:
    if end < start:
        raise DomainError("Конец периода раньше его начала.")
    if (end - start).days + 1 > MAX_PERIOD_DAYS:
        raise DomainError(f"Период длиннее {MAX_PERIOD_DAYS} дней: загружайте данные по неделям, месяцам "
                          "или кварталам.")
    if start > today:
        raise DomainError("Период ещё не начался.")


def import_operational(actor: User, centre: Centre, start: date, end: date, filename: str, data: bytes,
                       *, today: date) -> tuple[OperationalReport, bool]:
    """Validate the whole file, then store (or replace) the centre's data for the period. Returns the report
    and whether it replaced an earlier upload."""
    if not can_view_centre(actor, centre):
        raise NotAllowed("Данные этого ЦЗН загружает его руководитель или кадровая служба СЗН.")
    check_period(start, end, today)
    layout, values = parse(read_table(filename, data))
    overlapping = list(db.session.scalars(select(OperationalReport).where(
        OperationalReport.centre_id == centre.id, OperationalReport.period_start <= end,
        OperationalReport.period_end >= start)))
    same = [r for r in overlapping if r.period_start == start and r.period_end == end]
    others = [r for r in overlapping if r not in same]
    if others:
        listed = ", ".join(f"{r.period_start:%d.%m.%Y}–{r.period_end:%d.%m.%Y}" for r in others)
        raise DomainError(f"Период пересекается с уже загруженными данными ({listed}). Загрузите файл за тот же "
                          "период, чтобы заменить данные, или выберите период без пересечений.")
    before = None
    replaced = bool(same)
    if same:
        report = same[0]
        before = report_state(report)
    else:
        report = OperationalReport(regional_service_id=centre.regional_service_id, centre_id=centre.id,
                                   period_start=start, period_end=end)
        db.session.add(report)
    for name in _FIELDS:
        setattr(report, name, values.get(name, {} if name == "appeals_by_channel" else None))
    report.layout = layout
    report.source_filename = (filename or "")[:255]
    report.imported_by_id = actor.id

    report.imported_at = utcnow()
    db.session.flush()
    audit.record(actor, "metrics.operational_replaced" if replaced else "metrics.operational_imported",
                 "operational_report", report.id, before=before, after=report_state(report),
                 summary=f"Операционные данные {centre.name} за {start:%d.%m.%Y}–{end:%d.%m.%Y}"
                         + (" (заменены)" if replaced else ""))
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    operational_data_imported.send(report, days=days)
    return report, replaced


def reports_visible(viewer: User, centre_ids: list[int]) -> list[OperationalReport]:
    if not centre_ids:
        return []
    return list(db.session.scalars(select(OperationalReport).where(OperationalReport.centre_id.in_(centre_ids))
                                   .order_by(OperationalReport.period_start.desc(), OperationalReport.centre_id)
                                   .limit(200)))
