"""``flask course …``: the loaded course for authors and checks."""
import json

import click
from flask.cli import AppGroup

from training.courses import services
from training.signals import course_outline_requested

course_cli = AppGroup("course", help="Курс.")


def outline() -> dict:
    course = services.the_course()
    result = {"code": course.code, "title": course.title, "version": course.content_version,
              "content_date": course.content_date.isoformat(), "modules": []}
    for module in course.modules:
        blocks = []
        for block in module.blocks:
            entry = {"number": block.number, "title": block.title, "lesson_words": block.word_count,
                     "reading_minutes": block.reading_minutes, "takeaways": len(block.takeaways),
                     "has_case": block.case is not None,
                     "case_has_rubric": bool(block.case and block.case.rubric), "questions": {}}
            for _, contribution in course_outline_requested.send(block):
                entry.update(contribution or {})
            blocks.append(entry)
        result["modules"].append({"number": module.number, "title": module.title, "blocks": blocks})
    return result


@course_cli.command("outline")
@click.option("--json", "as_json", is_flag=True, help="Вывести JSON.")
def outline_command(as_json: bool) -> None:
    """Структура курса: блоки, объём уроков, время чтения, вопросы по типам, кейсы с рубриками."""
    data = outline()
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(f"{data['title']} (версия {data['version']} от {data['content_date']})")
    for module in data["modules"]:
        click.echo(f"Модуль {module['number']}. {module['title']}")
        for b in module["blocks"]:
            questions = sum(b["questions"].values()) if b["questions"] else 0
            click.echo(f"  {b['number']:>2}. {b['title'][:60]:<60} {b['lesson_words']:>5} слов, "
                       f"{b['reading_minutes']:>2} мин, вопросов: {questions}, "
                       f"кейс: {'да' if b['has_case'] else 'нет'}")
