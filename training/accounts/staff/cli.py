"""``flask org import FILE --as EMAIL``: a staff file of any size, on the server.

The site takes at most STAFF_IMPORT_MAX_ROWS rows per file (a request must not hold a worker for minutes); a whole
federal directory goes through here, with the same all-or-nothing rules and the same audit entries, on behalf of
an administrator or HR person named by e-mail. One-time passwords of new people go to a CSV file, never to the
terminal."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from training.accounts.models import Role
from training.accounts.services import find_by_email
from training.accounts.staff import importer
from training.extensions import db
from training.tabular import ImportRejected, csv_bytes

org_cli = AppGroup("org", help="Структура и сотрудники.")


@org_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--as", "actor_email", required=True, help="E-mail администратора или кадровой службы.")
@click.option("--passwords", "passwords_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Куда записать одноразовые пароли новых сотрудников (CSV); по умолчанию рядом с файлом.")
def import_command(path: Path, actor_email: str, passwords_path: Path | None) -> None:
    """Загрузить файл сотрудников (CSV/XLSX) без ограничения числа строк."""
    actor = find_by_email(actor_email)
    if actor is None or not actor.is_active or not actor.has_role(*Role.SERVICE_ADMINS):
        raise click.ClickException(f"{actor_email}: нет активного администратора или сотрудника кадровой службы.")
    try:
        result = importer.import_staff(actor, path.name, path.read_bytes(), max_rows=None)
    except ImportRejected as exc:
        db.session.rollback()
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(exc.message) from None
    db.session.commit()
    click.echo(f"Добавлено: {len(result.created)}, обновлено: {len(result.updated)}, без изменений: "
               f"{result.unchanged}, новых подразделений и центров: {result.org_created}.")
    if result.created:
        target = passwords_path or path.with_name(path.stem + "-passwords.csv")
        target.write_bytes(csv_bytes(["ФИО", "Почта (логин)", "Одноразовый пароль"],
                                     [(u.full_name, u.email, p) for u, p in result.created]))
        target.chmod(0o600)
        click.echo(f"Одноразовые пароли: {target}")
