"""``flask quiz …``: GIFT import, export and a dry parse of a file."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from training.courses.models import Block
from training.courses.services import the_course
from training.extensions import db
from training.quizzes.bank import GiftBankRejected, ensure_block_quiz, export_block_bank, import_gift_bank
from training.quizzes.gift import GiftImportError, parse_gift, to_json

quiz_cli = AppGroup("quiz", help="Банки вопросов и тесты.")


def _block(number: int):

    course = the_course()
    block = db.session.scalar(select(Block).where(Block.course_id == course.id, Block.number == number))
    if block is None:
        raise click.ClickException(f"В курсе нет блока {number}.")
    return block


@quiz_cli.command("import-gift")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--block", "number", type=int, required=True, help="Номер блока курса.")
def import_gift_command(file: Path, number: int) -> None:
    """Загрузить вопросы из файла GIFT в банк блока (всё или ничего; повторная загрузка ничего не меняет)."""

    block = _block(number)
    try:
        summary = import_gift_bank(block, file.read_bytes())
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
    click.echo(f"Блок {block.number}: {summary.as_text()}")


@quiz_cli.command("export-gift")
@click.option("--block", "number", type=int, required=True, help="Номер блока курса.")
def export_gift_command(number: int) -> None:
    """Вывести банк вопросов блока в формате GIFT."""

    click.echo(export_block_bank(_block(number)), nl=False)


@quiz_cli.command("parse-gift")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def parse_gift_command(file: Path) -> None:
    """Разобрать файл GIFT и вывести вопросы в JSON (docs/gift.md); база данных не затрагивается."""
    try:
        result = parse_gift(file.read_bytes())
    except GiftImportError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        sys.exit(1)
    for warning in result.warnings:
        click.echo(f"Предупреждение: {warning}", err=True)
    click.echo(to_json(result))
