"""``flask metrics …``: recompute the stored figures, build weekly reports."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from training.extensions import db
from training.measures.periods import WEEK, local_today, parse_period, period_of
from training.metrics.centre_index import snapshots
from training.metrics.dashboards import reports

metrics_cli = AppGroup("metrics", help="Индекс клиентоцентричности и отчёты.")


@metrics_cli.command("weekly-report")
@click.option("--week", default=None, help="Неделя ГГГГ-Wнн (по умолчанию — прошлая).")
@click.option("--out", "out_dir", default=None, help="Папка для файлов (по умолчанию instance/reports).")
@click.option("--service", "service_id", type=int, default=None, help="Только эта СЗН (id).")
def weekly_report_command(week: str | None, out_dir: str | None, service_id: int | None) -> None:
    """Еженедельный отчёт по каждому ЦЗН и по региону: XLSX и PDF."""


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
