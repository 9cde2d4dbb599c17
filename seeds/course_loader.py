"""Load the course from seeds/course/ (format: seeds/course/README.md).

Per block: the lesson with its diagrams (checked against the SVG rules), «Проверь себя», discussion prompts, cheat
sheet and the slide deck built from the lesson; the case with its rubric levels, must-pass minimums, answer template
and attachments; the question bank through the quizzes domain's GIFT importer. Per course: the introduction, the
glossary (linked from the lessons) and the literature. Then the kit goes to the materials repository: a one-page
cheat sheet per block, every kit/*.yaml template as XLSX and PDF, and a link to the metrics calculator page.

Re-running updates texts in place — matched by course code, module and block number, and question name — and
never touches anyone's progress, attempts or answers; a kit file gets a new version only when its content changed."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml
from sqlalchemy import select

from training.content import reading_minutes, render_markdown, word_count
from training.courses import kit
from training.courses.diagrams import DiagramError, check_svg, place_diagrams, placed_slugs
from training.courses.lesson_extras import build_slides, glossary_entries, link_glossary, self_check_items
from training.courses.models import Block, Course, CourseModule, PracticalCase
from training.db import utcnow
from training.extensions import db
from training.materials import seeding
from training.quizzes import bank as quiz_bank
from training.web import path_for

COURSE_DIR = Path(__file__).parent / "course"
_PLACEHOLDER = re.compile(r"\[\[diagram:[^\]]*\]\]")


class SeedError(Exception):
    pass


def split_front_matter(path: Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---"):
        raise SeedError(f"{path}: нет YAML-заголовка между строками ---")
    _, header, body = text.split("---", 2)
    return yaml.safe_load(header) or {}, body.strip() + "\n"


@dataclass
class LoadSummary:
    modules: int = 0
    blocks: int = 0
    lessons_changed: int = 0
    cases: int = 0
    diagrams: int = 0
    slides: int = 0
    kit: dict[str, int] = field(default_factory=dict)
    questions: dict[int, str] = field(default_factory=dict)

    def __str__(self) -> str:
        banks = "".join(f"\n  блок {n}: {s}" for n, s in sorted(self.questions.items()))
        kit_text = ", ".join(f"{label}: {self.kit.get(key, 0)}" for key, label in (
            ("created", "новых"), ("new_version", "новых версий"), ("unchanged", "без изменений")))
        return (f"модулей: {self.modules}, блоков: {self.blocks}, изменённых уроков: {self.lessons_changed}, "
                f"кейсов: {self.cases}, схем: {self.diagrams}, слайдов: {self.slides}\n"
                f"комплект в хранилище материалов — {kit_text}" + (f"\nбанки вопросов:{banks}" if banks else ""))


def load_course(directory: Path = COURSE_DIR) -> LoadSummary:
    spec = yaml.safe_load((directory / "course.yaml").read_text(encoding="utf-8"))
    summary = LoadSummary()
    course = db.session.scalar(select(Course).where(Course.code == spec["code"]))
    if course is None:
        course = Course(code=spec["code"])
        db.session.add(course)
    course.title, course.short_title = spec["title"], spec["short_title"]
    course.content_version = str(spec["version"])
    course.content_date = spec["content_date"] if isinstance(spec["content_date"], date) else \
        date.fromisoformat(str(spec["content_date"]))
    course.duration_months = int(spec.get("duration_months", 3))
    _load_course_pages(course, directory)
    db.session.flush()
    for module_spec in spec["modules"]:
        module = db.session.scalar(select(CourseModule).where(CourseModule.course_id == course.id,
                                                              CourseModule.number == module_spec["number"]))
        if module is None:
            module = CourseModule(course_id=course.id, number=module_spec["number"])
            db.session.add(module)
        module.title = module_spec["title"]
        db.session.flush()
        summary.modules += 1
        for block_spec in module_spec["blocks"]:
            _load_block(course, module, block_spec, directory / "blocks" / f"{block_spec['number']:02d}", summary)
    _load_kit(course, directory, summary)
    return summary


def _load_course_pages(course: Course, directory: Path) -> None:
    intro = directory / "intro.md"
    course.intro_html = render_markdown(split_front_matter(intro)[1]) if intro.exists() else ""
    glossary = directory / "glossary.yaml"
    course.glossary = glossary_entries(yaml.safe_load(glossary.read_text(encoding="utf-8")) or []) \
        if glossary.exists() else []
    literature = directory / "literature.yaml"
    course.literature = [{"author": str(i.get("author", "")).strip(), "title": str(i["title"]).strip(),
                          "year": i.get("year"), "note": " ".join(str(i.get("note", "")).split())}
                         for i in (yaml.safe_load(literature.read_text(encoding="utf-8")) or [])] \
        if literature.exists() else []


def load_diagrams(folder: Path) -> dict[str, dict]:
    """blocks/NN/diagrams/*.svg, each checked against the rules (a broken one names its file and the rule)."""
    diagrams = {}
    for path in sorted((folder / "diagrams").glob("*.svg")):
        try:
            diagrams[path.stem] = check_svg(path.stem, path.read_text(encoding="utf-8")).as_dict()
        except DiagramError as exc:
            raise SeedError(f"{path}: {exc}") from exc
    return diagrams


def _lesson_html(body: str, diagrams: dict[str, dict], glossary: list[dict], where: Path) -> str:
    html = render_markdown(body)
    placed = placed_slugs(html)
    unknown = [slug for slug in placed if slug not in diagrams]
    if unknown:
        raise SeedError(f"{where}: схемы нет в папке diagrams/: {', '.join(unknown)}")
    unplaced = [slug for slug in diagrams if slug not in placed]
    if unplaced:
        raise SeedError(f"{where}: схема не размещена в уроке (нужен абзац [[diagram:…]]): {', '.join(unplaced)}")
    if len(placed) != len(set(placed)):
        raise SeedError(f"{where}: одна схема размещена в уроке дважды")
    html = place_diagrams(html, diagrams)
    return link_glossary(html, glossary, path_for("courses.glossary")) if glossary else html


def _load_block(course: Course, module: CourseModule, spec: dict, folder: Path, summary: LoadSummary) -> None:
    lesson_path = folder / "lesson.md"
    meta, body = split_front_matter(lesson_path)
    if int(meta.get("block", spec["number"])) != spec["number"]:
        raise SeedError(f"{lesson_path}: номер блока {meta.get('block')} не совпадает с {spec['number']}")
    block = db.session.scalar(select(Block).where(Block.course_id == course.id, Block.number == spec["number"]))
    if block is None:
        block = Block(course_id=course.id, module_id=module.id, number=spec["number"])
        db.session.add(block)
    diagrams = load_diagrams(folder)
    summary_text = str(meta.get("summary", "")).strip()
    takeaways = [str(t).strip() for t in meta.get("takeaways", [])]
    try:
        self_check = self_check_items(meta.get("self_check") or [], str(lesson_path))
    except ValueError as exc:
        raise SeedError(str(exc)) from exc
    words = word_count(_PLACEHOLDER.sub(" ", body))
    values = {"module_id": module.id, "title": spec["title"], "summary": summary_text,
              "lesson_markdown": body, "lesson_html": _lesson_html(body, diagrams, course.glossary, lesson_path),
              "takeaways": takeaways,
              "video_url": meta.get("video_url") or "", "slides_url": meta.get("slides_url") or "",
              "word_count": words, "reading_minutes": reading_minutes(words),
              "diagrams": list(diagrams.values()), "self_check": self_check,
              "discussion_prompts": [" ".join(str(p).split()) for p in meta.get("discussion") or []],
              "cheatsheet": [" ".join(str(line).split()) for line in meta.get("cheatsheet") or []],
              "slides": build_slides(number=spec["number"], title=spec["title"], summary=summary_text,
                                     markdown=body, takeaways=takeaways, diagrams=diagrams)}
    changed = any(getattr(block, k) != v for k, v in values.items())
    for key, value in values.items():
        setattr(block, key, value)
    if changed:
        block.content_updated_at = utcnow()
        summary.lessons_changed += 1
    db.session.flush()
    summary.blocks += 1
    summary.diagrams += len(diagrams)
    summary.slides += len(values["slides"])

    case_path = folder / "case.md"
    if case_path.exists():
        _load_case(block, case_path)
        summary.cases += 1

    bank = folder / "questions.gift"
    if bank.exists():
        result = quiz_bank.import_gift_bank(block, bank.read_bytes())
        quiz_bank.ensure_block_quiz(block)
        summary.questions[block.number] = result.as_text()


def _criterion(item: dict, where: Path) -> dict:
    name, points = str(item["criterion"]), int(item["points"])
    criterion = {"criterion": name, "points": points, "description": str(item.get("description", ""))}
    levels = [" ".join(str(level).split()) for level in item.get("levels") or []]
    if levels:
        if len(levels) != points + 1:
            raise SeedError(f"{where}: у критерия «{name}» {len(levels)} уровней, а нужно {points + 1} "
                            f"(от 0 до {points} баллов)")
        criterion["levels"] = levels
    if item.get("min_points") is not None:
        minimum = int(item["min_points"])
        if not 0 < minimum <= points:
            raise SeedError(f"{where}: min_points критерия «{name}» — от 1 до {points}")
        criterion["min_points"] = minimum
    return criterion


def _load_case(block: Block, case_path: Path) -> None:
    case_meta, case_body = split_front_matter(case_path)
    rubric = [_criterion(c, case_path) for c in case_meta.get("rubric", [])]
    if not rubric:
        raise SeedError(f"{case_path}: у кейса нет рубрики")
    template = [{"label": " ".join(str(f["label"]).split()), "hint": " ".join(str(f.get("hint", "")).split())}
                for f in case_meta.get("answer_template") or []]
    if len({f["label"] for f in template}) != len(template):
        raise SeedError(f"{case_path}: в answer_template повторяются названия полей")
    case = db.session.scalar(select(PracticalCase).where(PracticalCase.block_id == block.id)) or \
        PracticalCase(block_id=block.id)
    case.title, case.body_markdown, case.body_html = case_meta["title"], case_body, render_markdown(case_body)
    case.rubric = rubric
    case.max_points = sum(c["points"] for c in rubric)
    case.pass_points = int(case_meta.get("pass_points", (case.max_points * 6 + 9) // 10))
    if case.pass_points > case.max_points:
        raise SeedError(f"{case_path}: pass_points больше суммы баллов рубрики ({case.max_points})")
    case.answer_template = template
    case.is_attachment_allowed = bool(case_meta.get("attachments"))
    db.session.add(case)


def _load_kit(course: Course, directory: Path, summary: LoadSummary) -> None:
    """The kit in the materials repository (immutable versions; unchanged content adds nothing)."""
    note = f"Версия курса {course.content_version} от {course.content_date:%d.%m.%Y}"

    def put(**item) -> None:
        outcome = seeding.put_file(note=note, **item)
        summary.kit[outcome.value] = summary.kit.get(outcome.value, 0) + 1

    for block in db.session.scalars(select(Block).where(Block.course_id == course.id).order_by(Block.number)):
        if not block.cheatsheet:
            continue
        put(seed_key=f"kit:block-{block.number:02d}:cheatsheet", category_name="Шпаргалки",
            title=f"Шпаргалка: блок {block.number}. {block.title}"[:200],
            description=f"Одна страница к блоку {block.number}: главные выводы и то, что держать под рукой.",
            filename=f"shpargalka-blok-{block.number:02d}.pdf",
            data=kit.cheatsheet_pdf(course_title=course.short_title, number=block.number, title=block.title,
                                    takeaways=block.takeaways, lines=block.cheatsheet))
    for path in sorted((directory / "kit").glob("*.yaml")):
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not spec.get("title") or not spec.get("category") or not spec.get("sections"):
            raise SeedError(f"{path}: нужны title, category и sections")
        description = " ".join(str(spec.get("description", "")).split())
        put(seed_key=f"kit:template:{path.stem}:xlsx", category_name=spec["category"],
            title=f"{spec['title']} — таблица для заполнения (XLSX)", description=description,
            filename=f"{path.stem}.xlsx", data=kit.template_xlsx(spec))
        put(seed_key=f"kit:template:{path.stem}:pdf", category_name=spec["category"],
            title=f"{spec['title']} — бланк для печати (PDF)", description=description,
            filename=f"{path.stem}.pdf", data=kit.template_pdf(spec))
    outcome = seeding.put_link(
        seed_key="kit:calculator", category_name="Инструменты анализа клиентского опыта", note=note,
        title="Калькулятор метрик: CES, CSI, NPS, FCR и Net FCR, IQS, eNPS",
        description="Страница курса: введите ответы клиентов или данные об обращениях, и калькулятор покажет "
                    "формулу с вашими числами и результат. Пригодится для кейсов блоков 5 и 14 и для работы.",
        url=path_for("courses.calculator"))
    summary.kit[outcome.value] = summary.kit.get(outcome.value, 0) + 1
