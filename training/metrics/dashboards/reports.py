"""The weekly report on client experience (2.4: «формирование отчетов … на еженедельной основе»), per centre
and for the region, as XLSX and PDF. Built from the stored snapshots (cheap), so it can be downloaded any time."""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from sqlalchemy import func, select

from training.accounts.models import Role
from training.accounts.scopes import staff_with_role
from training.extensions import db
from training.measures.periods import Period
from training.measures.scales import GROUPS
from training.metrics.centre_index import snapshots
from training.metrics.centre_index.models import IndexSnapshot
from training.metrics.dashboards.presenters import FIGURES, fmt_figure
from training.metrics.feedback.models import FollowUpStatus, FollowUpTask
from training.notifications.services import notify
from training.org.models import Centre, RegionalService
from training.pdf import paragraph_text, register_fonts
from training.tabular import xlsx_bytes
from training.templating import DISPLAY_TZ, fmt_number
from training.web import path_for

REPORT_FIGURES = ("nps", "ces", "csat", "csi", "expectations_met", "resolution_rate", "fcr", "net_fcr",
                  "escalation_rate", "ttfr", "waiting", "replies_per_conversation", "iqs", "staff_rating")


@dataclass
class ReportRow:
    name: str
    snapshot: IndexSnapshot | None
    previous: IndexSnapshot | None
    followups: dict[str, int]


def followup_counts(centre_ids: list[int], period: Period) -> dict[str, int]:
    start = datetime.combine(period.start, time.min, DISPLAY_TZ)
    end = datetime.combine(period.next().start, time.min, DISPLAY_TZ)
    base = select(func.count()).select_from(FollowUpTask).where(FollowUpTask.centre_id.in_(centre_ids))
    return {
        "opened": db.session.scalar(base.where(FollowUpTask.created_at >= start, FollowUpTask.created_at < end)) or 0,
        "resolved": db.session.scalar(base.where(FollowUpTask.resolved_at >= start,
                                                 FollowUpTask.resolved_at < end)) or 0,
        "overdue": db.session.scalar(base.where(FollowUpTask.status != FollowUpStatus.RESOLVED,
                                                FollowUpTask.due_at < end)) or 0,
    }


def rows_for(kind: str, scope_id: int, period: Period) -> tuple[str, list[ReportRow]]:
    """Title and rows: a centre alone, or a region (its total first, then each centre)."""
    previous = period.previous()
    if kind == snapshots.CENTRE:
        centre = db.session.get(Centre, scope_id)
        row = ReportRow(centre.name, snapshots.snapshot(kind, scope_id, period),
                        snapshots.snapshot(kind, scope_id, previous), followup_counts([centre.id], period))
        return centre.name, [row]
    service = db.session.get(RegionalService, scope_id)
    centres = list(service.centres)
    ids = [c.id for c in centres]
    now = snapshots.snapshots_for_scopes(snapshots.CENTRE, ids, period)
    before = snapshots.snapshots_for_scopes(snapshots.CENTRE, ids, previous)
    rows = [ReportRow(f"Всего по СЗН: {service.name}", snapshots.snapshot(snapshots.SERVICE, service.id, period),
                      snapshots.snapshot(snapshots.SERVICE, service.id, previous), followup_counts(ids, period) if ids
                      else {"opened": 0, "resolved": 0, "overdue": 0})]
    rows += [ReportRow(c.name, now.get(c.id), before.get(c.id), followup_counts([c.id], period)) for c in centres]
    return service.name, rows


def _value(snapshot: IndexSnapshot | None, key: str) -> tuple[Any, Any]:
    figure = (snapshot.figures or {}).get(key) if snapshot else None
    if not figure or figure.get("value") is None:
        return None, None
    return round(float(figure["value"]), 1), int(figure.get("n") or 0)


def table(rows: list[ReportRow]) -> tuple[list[str], list[list[Any]]]:
    header = ["ЦЗН", "Индекс", "Индекс неделей раньше", "Покрытие, %"]
    header += [title for title in GROUPS.values()]
    for key in REPORT_FIGURES:
        header += [FIGURES[key][0], "n"]
    header += ["Отзывов", "Низких оценок", "Задач открыто", "Задач закрыто", "Задач просрочено"]
    body = []
    for row in rows:
        s = row.snapshot
        line: list[Any] = [row.name,
                           round(s.index_value, 1) if s and s.is_published and s.index_value is not None else None,
                           round(row.previous.index_value, 1) if row.previous and row.previous.is_published
                           and row.previous.index_value is not None else None,
                           round((s.coverage or 0) * 100) if s else None]
        for key in GROUPS:
            value = ((s.groups or {}).get(key) or {}).get("value") if s else None
            line.append(round(value, 1) if value is not None else None)
        for key in REPORT_FIGURES:
            line += list(_value(s, key))
        figures = (s.figures or {}) if s else {}
        line += [figures.get("feedback_n", 0), figures.get("low_n", 0), row.followups["opened"],
                 row.followups["resolved"], row.followups["overdue"]]
        body.append(line)
    return header, body


def weekly_xlsx(kind: str, scope_id: int, period: Period) -> bytes:
    _title, rows = rows_for(kind, scope_id, period)
    header, body = table(rows)
    return xlsx_bytes(header, body, title=f"Неделя {period.key}")


def weekly_pdf(kind: str, scope_id: int, period: Period) -> bytes:


    regular, bold = register_fonts()
    title, rows = rows_for(kind, scope_id, period)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
                            bottomMargin=15 * mm, title=f"Еженедельный отчёт {period.key}")
    h1 = ParagraphStyle("h1", fontName=bold, fontSize=15, leading=19, spaceAfter=4)
    h2 = ParagraphStyle("h2", fontName=bold, fontSize=12, leading=15, spaceBefore=10, spaceAfter=4)
    body = ParagraphStyle("body", fontName=regular, fontSize=9, leading=12)
    story = [Paragraph("Еженедельный отчёт о клиентском опыте", h1),
             Paragraph(paragraph_text(f"{title} · неделя {period.label}"), body),
             Paragraph("Индекс клиентоцентричности 0–100 по пяти группам (глава 4 методики); рядом с каждым "
                       "показателем — n, число ответов или обращений. Индекс публикуется при покрытии весов ≥ 60 % "
                       "и не менее трёх групп.", body)]
    for row in rows:
        s = row.snapshot
        story.append(Paragraph(paragraph_text(row.name), h2))
        index = fmt_number(s.index_value) if s and s.is_published else "недостаточно данных"
        prev = fmt_number(row.previous.index_value) if row.previous and row.previous.is_published else "—"
        data = [["Показатель", "Значение", "n"],
                ["Индекс клиентоцентричности", index,
                 f"покрытие {fmt_number((s.coverage or 0) * 100, 0)} %" if s else ""],
                ["Индекс неделей раньше", prev, ""]]
        for key, group_title in GROUPS.items():
            value = ((s.groups or {}).get(key) or {}).get("value") if s else None
            data.append([group_title, fmt_number(value), ""])
        figures = (s.figures or {}) if s else {}
        for key in REPORT_FIGURES:
            figure = figures.get(key)
            if figure:
                data.append([FIGURES[key][0], fmt_figure(key, figure), str(figure.get("n") or "")])
        data.append(["Отзывов клиентов / низких оценок",
                     f"{figures.get('feedback_n', 0)} / {figures.get('low_n', 0)}", ""])
        data.append(["Задачи по низким оценкам: открыто / закрыто / просрочено",
                     f"{row.followups['opened']} / {row.followups['resolved']} / {row.followups['overdue']}", ""])
        grid = Table([[Paragraph(paragraph_text(c), body) for c in r] for r in data],
                     colWidths=[95 * mm, 45 * mm, 35 * mm])
        grid.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                                  ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.93, 0.97)),
                                  ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        story += [grid, Spacer(1, 4 * mm)]
    doc.build(story)
    return buffer.getvalue()


def write_weekly_files(period: Period, target: Path, *, service_id: int | None = None) -> list[Path]:
    query = select(RegionalService).order_by(RegionalService.id)
    if service_id:
        query = query.where(RegionalService.id == service_id)
    written = []
    for service in db.session.scalars(query):
        scopes = [(snapshots.SERVICE, service.id, f"region-{service.id}")]
        scopes += [(snapshots.CENTRE, c.id, f"centre-{c.id}") for c in service.centres]
        for kind, scope_id, stem in scopes:
            for ext, build in (("xlsx", weekly_xlsx), ("pdf", weekly_pdf)):
                path = target / f"{stem}-{period.key}.{ext}"
                path.write_bytes(build(kind, scope_id, period))
                written.append(path)
    return written


def announce_weekly(period: Period) -> int:
    """Tell HR (region) and managers (their centre) that last week's report is ready."""

    sent = 0
    for service in db.session.scalars(select(RegionalService)):
        url = path_for("dashboards.reports", scope=f"service:{service.id}", week=period.key)
        for person in staff_with_role(Role.HR, service_id=service.id):
            sent += notify(person, "metrics.weekly_report",
                           f"Еженедельный отчёт о клиентском опыте за {period.label} готов.",
                           url, dedupe_key=f"metrics-weekly:{period.key}:s{service.id}:{person.id}") is not None
        for centre in service.centres:
            url = path_for("dashboards.reports", scope=f"centre:{centre.id}", week=period.key)
            for person in staff_with_role(Role.MANAGER, centre_id=centre.id):
                sent += notify(person, "metrics.weekly_report",
                               f"Еженедельный отчёт ЦЗН за {period.label} готов.", url,
                               dedupe_key=f"metrics-weekly:{period.key}:c{centre.id}:{person.id}") is not None
    return sent
