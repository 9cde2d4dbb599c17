"""Load the course from seeds/course/ (course.yaml, blocks/NN/lesson.md, case.md, questions.gift).

Re-running updates texts in place — matched by course code, module and block number, and question name — and
never touches anyone's progress, attempts or answers. Question banks go through the quizzes domain's GIFT
importer when it is installed."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml
from sqlalchemy import select

from training.content import reading_minutes, render_markdown, word_count
from training.courses.models import Block, Course, CourseModule, PracticalCase
from training.db import utcnow
from training.extensions import db

COURSE_DIR = Path(__file__).parent / "course"


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
    questions: dict[int, str] = field(default_factory=dict)

    def __str__(self) -> str:
        banks = "".join(f"\n  блок {n}: {s}" for n, s in sorted(self.questions.items()))
        return (f"модулей: {self.modules}, блоков: {self.blocks}, изменённых уроков: {self.lessons_changed}, "
                f"кейсов: {self.cases}" + (f"\nбанки вопросов:{banks}" if banks else ""))


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
    return summary


def _load_block(course: Course, module: CourseModule, spec: dict, folder: Path, summary: LoadSummary) -> None:
    meta, body = split_front_matter(folder / "lesson.md")
    if int(meta.get("block", spec["number"])) != spec["number"]:
        raise SeedError(f"{folder}/lesson.md: номер блока {meta.get('block')} не совпадает с {spec['number']}")
    block = db.session.scalar(select(Block).where(Block.course_id == course.id, Block.number == spec["number"]))
    if block is None:
        block = Block(course_id=course.id, module_id=module.id, number=spec["number"])
        db.session.add(block)
    words = word_count(body)
    values = {"module_id": module.id, "title": spec["title"], "summary": meta.get("summary", "").strip(),
              "lesson_markdown": body, "lesson_html": render_markdown(body),
              "takeaways": [str(t).strip() for t in meta.get("takeaways", [])],
              "video_url": meta.get("video_url") or "", "slides_url": meta.get("slides_url") or "",
              "word_count": words, "reading_minutes": reading_minutes(words)}
    changed = any(getattr(block, k) != v for k, v in values.items())
    for key, value in values.items():
        setattr(block, key, value)
    if changed:
        block.content_updated_at = utcnow()
        summary.lessons_changed += 1
    db.session.flush()
    summary.blocks += 1

    case_path = folder / "case.md"
    if case_path.exists():
        case_meta, case_body = split_front_matter(case_path)
        rubric = [{"criterion": str(c["criterion"]), "points": int(c["points"]),
                   "description": str(c.get("description", ""))} for c in case_meta.get("rubric", [])]
        if not rubric:
            raise SeedError(f"{case_path}: у кейса нет рубрики")
        case = db.session.scalar(select(PracticalCase).where(PracticalCase.block_id == block.id)) or \
            PracticalCase(block_id=block.id)
        case.title, case.body_markdown, case.body_html = case_meta["title"], case_body, render_markdown(case_body)
        case.rubric = rubric
        case.max_points = sum(c["points"] for c in rubric)
        case.pass_points = int(case_meta.get("pass_points", (case.max_points * 6 + 9) // 10))
        db.session.add(case)
        summary.cases += 1

    bank = folder / "questions.gift"
    if bank.exists():
        try:
            from training.quizzes import bank as quiz_bank
        except ImportError:  # the quizzes domain is not installed
            return
        result = quiz_bank.import_gift_bank(block, bank.read_bytes())
        quiz_bank.ensure_block_quiz(block)
        summary.questions[block.number] = result.as_text()
