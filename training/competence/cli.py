"""``flask metrics recompute``: the index's snapshots and the competence scores."""
from __future__ import annotations

import click

from training.competence import services as competence
from training.competence import titles
from training.extensions import db
from training.metrics.centre_index import snapshots
from training.metrics.dashboards.cli import metrics_cli


@metrics_cli.command("recompute")
@click.option("--all", "everything", is_flag=True, help="Пересчитать всё, а не только устаревшее.")
@click.option("--months", type=click.IntRange(0, 36), default=None,
              help="Оценки компетенций: сколько последних месяцев пересчитать целиком (по умолчанию 1, с --all 12).")
@click.option("--grant-titles", is_flag=True, help="Проверить звание «Мастер клиентоцентричности» по закрытому месяцу.")
def recompute_command(everything: bool, months: int | None, grant_titles: bool) -> None:
    """Пересчитать показатели (по умолчанию — только те, по которым пришли новые данные) и оценки компетенций."""

    created = snapshots.discover(full=everything)
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
        granted = titles.grant_master_titles(closing)
        db.session.commit()
        click.echo(f"«Мастер клиентоцентричности» по закрытию {closing.key}: присвоено {len(granted)}.")
