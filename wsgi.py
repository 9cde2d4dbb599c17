"""WSGI entry point (gunicorn wsgi:app) and the ``flask seed …`` commands.

The ``training`` package never imports ``seeds``: seed data is wired in here."""
import click
from flask import current_app
from flask.cli import AppGroup

from training.app import create_app
from training.extensions import db

app = create_app()
seed_cli = AppGroup("seed", help="Справочные и демонстрационные данные.")


@seed_cli.command("reference")
def seed_reference() -> None:
    """Справочные данные (безопасно для рабочей базы, повторный запуск ничего не дублирует)."""
    from seeds import reference

    summary = reference.run()
    db.session.commit()
    click.echo(f"Справочные данные: {summary}")


@seed_cli.command("demo")
@click.option("--if-empty", is_flag=True, help="Только если в базе ещё нет сотрудников.")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="«Сегодня» демо-данных (ГГГГ-ММ-ДД; по умолчанию — текущая дата): от него отсчитываются даты.")
def seed_demo(if_empty: bool, today) -> None:
    """Демонстрационный регион: 3 ЦЗН, ~60 сотрудников всех ролей. Только для разработки и показа."""
    from seeds import demo, reference

    if not current_app.config.get("DEMO_DATA_ALLOWED", True):
        raise click.ClickException(demo.REFUSED_IN_PRODUCTION)
    reference.run()
    logins = demo.run(only_if_empty=if_empty, today=today.date() if today else None)
    reference.run()  # the catalogues kept per service (rewards) for the demo service, so a second run adds nothing
    db.session.commit()
    if logins is None:
        click.echo("В базе уже есть сотрудники: демо-данные не загружались.")
        logins = demo.demo_logins_if_present()
    if logins:
        click.echo(f"\nДемо-входы (пароль у всех: {demo.DEMO_PASSWORD}):")
        for role, email in logins:
            click.echo(f"  {role:<18} {email}")


@seed_cli.command("course")
def seed_course() -> None:
    """Курс: модули, блоки, уроки, кейсы и банки вопросов из seeds/course/.

    Повторный запуск обновляет тексты и не трогает прогресс слушателей."""
    from seeds.course_loader import load_course

    summary = load_course()
    db.session.commit()
    click.echo(f"Курс загружен: {summary}")


app.cli.add_command(seed_cli)
