"""``flask course …``: the loaded course for authors and checks."""
import json

import click
from flask.cli import AppGroup

from training.courses import services
from training.courses.lesson_extras import content_slides
from training.materials.seeding import kit_titles
from training.signals import course_outline_requested

course_cli = AppGroup("course", help="Курс.")


def outline() -> dict:
    course = services.the_course()
    result = {"code": course.code, "title": course.title, "version": course.content_version,
              "content_date": course.content_date.isoformat(), "has_intro": bool(course.intro_html),
              "glossary_terms": len(course.glossary), "literature": len(course.literature),
              # the course-wide kit in the materials repository: templates, scripts, the calculator page
              "course_kit": kit_titles("kit:template:") + kit_titles("kit:calculator"), "modules": []}
    for module in course.modules:
        blocks = []
        for block in module.blocks:
            entry = {"number": block.number, "title": block.title, "lesson_words": block.word_count,
                     "reading_minutes": block.reading_minutes, "takeaways": len(block.takeaways),
                     "has_case": block.case is not None,
                     "case_has_rubric": bool(block.case and block.case.rubric), "questions": {},
                     "diagrams": [d["slug"] for d in block.diagrams], "slides": len(block.slides),
                     "content_slides": content_slides(block.slides), "self_check": len(block.self_check),
                     "prompts": len(block.discussion_prompts), "cheatsheet_lines": len(block.cheatsheet),
                     "case_levels": bool(block.case and block.case.rubric
                                         and all(c.get("levels") for c in block.case.rubric)),
                     "case_must_pass": [c["criterion"] for c in (block.case.rubric if block.case else [])
                                        if c.get("min_points")],
                     "kit": []}
            for _, contribution in course_outline_requested.send(block):
                entry.update(contribution or {})
            blocks.append(entry)
        result["modules"].append({"number": module.number, "title": module.title, "blocks": blocks})
    return result


@course_cli.command("outline")
@click.option("--json", "as_json", is_flag=True, help="Вывести JSON.")
def outline_command(as_json: bool) -> None:
    """Структура курса: блоки, объём уроков, время чтения, вопросы по типам, кейсы с рубриками, схемы, слайды,
    «Проверь себя», темы обсуждения, комплект в хранилище материалов."""
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
                       f"кейс: {'да' if b['has_case'] else 'нет'}, схем: {len(b['diagrams'])}, "
                       f"слайдов: {b['slides']}, «Проверь себя»: {b['self_check']}, тем: {b['prompts']}, "
                       f"комплект: {len(b['kit'])}")
    click.echo(f"Комплект курса в хранилище материалов: {len(data['course_kit'])}")
