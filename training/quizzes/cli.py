"""``flask quiz …``: import of question files (GIFT, Moodle XML or Aiken, recognised by content), export as GIFT
or Moodle XML, and a dry parse of a file to the JSON of docs/gift.md."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from training.courses.models import Block
from training.courses.services import the_course
from training.extensions import db
from training.quizzes.bank import (
    GiftBankRejected,
    UnsupportedTypes,
    ensure_block_quiz,
    export_block_bank,
    export_block_xml,
    import_bank,
)
from training.quizzes.formats import FORMAT_LABELS, read_question_file
from training.quizzes.gift import GiftImportError, GiftParseResult, parse_gift, to_json

quiz_cli = AppGroup("quiz", help="Банки вопросов и тесты.")


def _block(number: int):

    course = the_course()
    block = db.session.scalar(select(Block).where(Block.course_id == course.id, Block.number == number))
    if block is None:
        raise click.ClickException(f"В курсе нет блока {number}.")
    return block


def _import(file: Path, number: int, skip_unsupported: bool) -> None:

    block = _block(number)
    try:
        summary = import_bank(block, file.read_bytes(), skip_unsupported=skip_unsupported)
    except UnsupportedTypes as exc:
        db.session.rollback()
        click.echo(f"{exc.message}. Ничего не загружено: чтобы загрузить остальные вопросы, повторите команду "
                   "с --skip-unsupported.", err=True)
        sys.exit(1)
    except GiftBankRejected as exc:
        db.session.rollback()
        click.echo(exc.message, err=True)
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        sys.exit(1)
    ensure_block_quiz(block)
    db.session.commit()
    for warning in summary.warnings:
        click.echo(f"Предупреждение: {warning}", err=True)
    click.echo(f"Блок {block.number} ({summary.format_label}): {summary.as_text()}")


_FILE = click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
_BLOCK = click.option("--block", "number", type=int, required=True, help="Номер блока курса.")
_SKIP = click.option("--skip-unsupported", is_flag=True,
                     help="Пропустить вопросы типов, которых здесь нет (calculated, ddwtos…), и загрузить остальные.")


@quiz_cli.command("import")
@_FILE
@_BLOCK
@_SKIP
def import_command(file: Path, number: int, skip_unsupported: bool) -> None:
    """Загрузить вопросы из файла GIFT, Moodle XML или Aiken (формат определяется по содержимому) в банк блока."""
    _import(file, number, skip_unsupported)


@quiz_cli.command("import-gift")
@_FILE
@_BLOCK
@_SKIP
def import_gift_command(file: Path, number: int, skip_unsupported: bool) -> None:
    """То же, что import: формат определяется по содержимому (всё или ничего; повторная загрузка ничего не меняет)."""
    _import(file, number, skip_unsupported)


@quiz_cli.command("import-xml")
@_FILE
@_BLOCK
@_SKIP
def import_xml_command(file: Path, number: int, skip_unsupported: bool) -> None:
    """То же, что import: файл Moodle XML (или другой формат — он определяется по содержимому)."""
    _import(file, number, skip_unsupported)


@quiz_cli.command("export-gift")
@_BLOCK
def export_gift_command(number: int) -> None:
    """Вывести банк вопросов блока в формате GIFT."""

    click.echo(export_block_bank(_block(number)), nl=False)


@quiz_cli.command("export-xml")
@_BLOCK
def export_xml_command(number: int) -> None:
    """Вывести банк вопросов блока в формате Moodle XML (с картинками, id и метками вопросов)."""

    click.echo(export_block_xml(_block(number)), nl=False)


def _print(parse) -> None:
    try:
        result: GiftParseResult = parse()
    except GiftImportError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        sys.exit(1)
    for warning in result.warnings:
        click.echo(f"Предупреждение: {warning}", err=True)
    if result.unsupported:
        listed = ", ".join(f"{name} ({count})" for name, count in result.unsupported.items())
        click.echo(f"Предупреждение: вопросы неподдерживаемых типов пропущены: {listed}", err=True)
    click.echo(to_json(result))


@quiz_cli.command("parse-gift")
@_FILE
def parse_gift_command(file: Path) -> None:
    """Разобрать файл GIFT и вывести вопросы в JSON (docs/gift.md); база данных не затрагивается."""
    _print(lambda: parse_gift(file.read_bytes()))


@quiz_cli.command("parse")
@_FILE
def parse_command(file: Path) -> None:
    """Разобрать файл GIFT, Moodle XML или Aiken и вывести вопросы в JSON (docs/gift.md); база не затрагивается."""
    def parse() -> GiftParseResult:
        result = read_question_file(file.read_bytes())
        click.echo(f"Формат: {FORMAT_LABELS[result.format]}", err=True)
        return result

    _print(parse)
