"""``flask backup``: a consistent snapshot of the embedded SQLite database while the app keeps running.

SQLite's online backup API copies the database page by page inside a read transaction, so the copy is a
consistent point-in-time snapshot even while other processes write (WAL mode). For PostgreSQL use pg_dump
(see the README)."""
from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url


def sqlite_path() -> Path | None:
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def backup_sqlite(source: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        raise click.ClickException(f"Файл {target} уже существует.")
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src, sqlite3.connect(target) as dst:
        src.backup(dst, pages=1024)
        dst.execute("PRAGMA journal_mode=DELETE")  # a self-contained single file
    check = sqlite3.connect(target)
    try:
        result = check.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        check.close()
    if result != "ok":
        raise click.ClickException(f"Копия повреждена: {result}")
    return target


@click.command("backup")
@click.option("--output", "output", type=click.Path(path_type=Path), default=None,
              help="Файл копии (по умолчанию instance/backups/training-ГГГГММДД-ЧЧММСС.sqlite3).")
@with_appcontext
def backup_command(output: Path | None) -> None:
    """Сделать согласованную копию базы SQLite, не останавливая приложение."""
    source = sqlite_path()
    if source is None:
        raise click.ClickException(
            "База не SQLite. Для PostgreSQL: pg_dump -Fc -d \"$DATABASE_URL\" -f szn.dump "
            "(восстановление: pg_restore -d \"$DATABASE_URL\" --clean szn.dump).")
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    target = output or Path(current_app.instance_path) / "backups" / f"training-{stamp}.sqlite3"
    backup_sqlite(source, target)
    click.echo(f"Копия сохранена: {target} ({target.stat().st_size // 1024} КБ)")
