"""``flask metrics …``: recompute the stored figures, build weekly reports."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from training.extensions import db

metrics_cli = AppGroup("metrics", help="Индекс клиентоцентричности и отчёты.")


@metrics_cli.command("recompute")
@click.option("--all", "everything", is_flag=True, help="Пересчитать всё, а не только устаревшее.")
@click.option("--months", type=click.IntRange(0, 36), default=None,
              help="Оценки компетенций: сколько последних месяцев пересчитать целиком (по умолчанию 1, с --all 12).")
@click.option("--grant-titles", is_flag=True, help="Проверить звание «Мастер клиентоцентричности» по закрытому месяцу.")
def recompute_command(everything: bool, months: int | None, grant_titles: bool) -> None:
    """Пересчитать показатели (по умолчанию — только те, по которым пришли новые данные) и оценки компетенций."""
    from training.metrics import competence, snapshots

    created = snapshots.discover()
    if everything:
        snapshots.mark_all_stale()
    db.session.commit()
    written = snapshots.refresh_stale()
    click.echo(f"Новых срезов: {created}; пересчитано: {written}.")
    count = months if months is not None else (12 if everything else 1)
    if count:
        result = competence.recompute_batch(competence.recent_months(count))
        click.echo(f"Оценки компетенций: {result.people} сотрудников × {len(result.months)} мес. "
                   f"({', '.join(result.months)}) за {result.seconds:.2f} с.")
    stale = competence.refresh_stale()
    if stale:
        click.echo(f"Оценок компетенций пересчитано по новым данным: {stale}.")
    if grant_titles:
        closing = competence.month_of(competence.local_today()).previous()
        granted = competence.grant_master_titles(closing)
        db.session.commit()
        click.echo(f"«Мастер клиентоцентричности» по закрытию {closing.key}: присвоено {len(granted)}.")


@metrics_cli.command("weekly-report")
@click.option("--week", default=None, help="Неделя ГГГГ-Wнн (по умолчанию — прошлая).")
@click.option("--out", "out_dir", default=None, help="Папка для файлов (по умолчанию instance/reports).")
@click.option("--service", "service_id", type=int, default=None, help="Только эта СЗН (id).")
def weekly_report_command(week: str | None, out_dir: str | None, service_id: int | None) -> None:
    """Еженедельный отчёт по каждому ЦЗН и по региону: XLSX и PDF."""
    from datetime import timedelta

    from training.metrics import reports, snapshots
    from training.metrics.periods import WEEK, local_today, parse_period, period_of

    snapshots.discover()
    db.session.commit()
    snapshots.refresh_stale()
    period = parse_period(WEEK, week) if week else period_of(WEEK, local_today() - timedelta(days=7))
    target = Path(out_dir or Path(current_app.instance_path) / "reports" / period.key)
    target.mkdir(parents=True, exist_ok=True)
    written = reports.write_weekly_files(period, target, service_id=service_id)
    for path in written:
        click.echo(str(path))
    click.echo(f"Неделя {period.key}: файлов {len(written)} в {target}")

