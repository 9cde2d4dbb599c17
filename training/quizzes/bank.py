"""The question bank: GIFT import and export, question editing with versions, and each block's quiz.

Import is all-or-nothing and idempotent: the whole file is parsed and checked before anything is written,
questions are matched by (block, name), an unchanged question is left alone, a changed one is updated in
place — or, when some attempt already used its current version, gets a new version so that attempt keeps
exactly what the learner saw. Running the same file twice changes nothing."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from training.audit import services as audit
from training.errors import DomainError
from training.extensions import db
from training.quizzes.gift import (
    GiftAnswer,
    GiftImportError,
    GiftNumericAnswer,
    GiftPair,
    GiftProblem,
    GiftQuestion,
    export_gift,
    parse_gift,
)
from training.quizzes.models import AttemptSlot, LiveQuestion, Question, QuestionCategory, QuestionVersion, Quiz
from training.quizzes.question_types import QuestionType
from training.quizzes.services import apply_preset
from training.quizzes.text import render_text

SHARED_BANK_CATEGORY = "Общий банк"


class GiftBankRejected(DomainError):
    """The GIFT file was not imported; ``problems`` lists every error by line. Nothing was changed."""

    status_code = 422

    def __init__(self, problems: list[GiftProblem], warnings: list[GiftProblem] | None = None):
        self.problems = sorted(problems, key=lambda p: p.line)
        self.warnings = list(warnings or [])
        super().__init__(f"Файл не загружен: найдено ошибок — {len(self.problems)}. Ничего не изменено.")


class QuestionInvalid(DomainError):
    status_code = 422

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("Вопрос не сохранён: " + "; ".join(messages))


@dataclass
class ImportSummary:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)  # changed in place (no attempt had used them)
    versioned: list[str] = field(default_factory=list)  # changed as a new version (attempts keep the old one)
    unchanged: int = 0
    categories_created: list[str] = field(default_factory=list)
    warnings: list[GiftProblem] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.versioned or self.categories_created)

    def as_text(self) -> str:
        return (f"новых вопросов: {len(self.created)}, изменено: {len(self.updated) + len(self.versioned)} "
                f"(новых версий: {len(self.versioned)}), без изменений: {self.unchanged}, "
                f"новых категорий: {len(self.categories_created)}")


# --- content ------------------------------------------------------------------------------------------------

def version_data(question: GiftQuestion) -> dict[str, Any]:
    """The type-specific part of the GIFT contract, as stored in ``QuestionVersion.data``."""
    common = {"type", "name", "text", "format", "category", "general_feedback"}
    return {key: value for key, value in question.to_dict().items() if key not in common}


def _content(question: GiftQuestion) -> tuple:
    return question.type, question.text, question.format, question.general_feedback, version_data(question)


def _version_content(version: QuestionVersion) -> tuple:
    return version.type, version.text, version.format, version.general_feedback, version.data


def gift_question(question: Question, version: QuestionVersion | None = None) -> GiftQuestion:
    """A bank question as the GIFT data model (for export, the edit form and validation)."""
    version = version or question.current
    data = version.data or {}
    return GiftQuestion(
        type=version.type, name=question.name, text=version.text, format=version.format,
        category=question.category.name if question.category else None, general_feedback=version.general_feedback,
        answers=[GiftAnswer(a["text"], a["fraction"], a.get("feedback", "")) for a in data.get("answers", [])],
        single=data.get("single"),
        pairs=[GiftPair(p["question"], p["answer"]) for p in data.get("pairs", [])],
        numerical=[GiftNumericAnswer(n.get("value"), n.get("tolerance", 0.0), n.get("fraction", 1.0),
                                     n.get("feedback", "")) for n in data.get("numerical", [])],
    )


def validate_question(question: GiftQuestion) -> GiftQuestion:
    """Check a question built from the editor with the GIFT importer's own rules (a multichoice needs a right
    answer, weights sum to 100 %, numbers are numbers…), so every bank question can be exported and imported
    again. Returns the question as the importer reads it (e.g. ``single`` worked out)."""
    messages: list[str] = []
    if not question.name.strip():
        messages.append("укажите название вопроса")
    elif len(question.name) > 255:
        messages.append("название длиннее 255 символов")
    if not question.text.strip():
        messages.append("у вопроса нет текста")
    if messages:
        raise QuestionInvalid(messages)
    probe = GiftQuestion(**{**question.__dict__, "category": None, "name": "probe", "line": 0})
    try:
        parsed = parse_gift(export_gift([probe])).questions
    except ValueError as exc:
        raise QuestionInvalid([str(exc).split(": ", 1)[-1]]) from exc
    except GiftImportError as exc:
        raise QuestionInvalid(list(dict.fromkeys(p.message for p in exc.problems))) from exc
    if len(parsed) != 1 or parsed[0].type != question.type:
        raise QuestionInvalid(["вопрос этого типа нельзя так сохранить: проверьте ответы"])
    result = parsed[0]
    result.name, result.category = question.name.strip(), question.category
    return result


def _new_version(question: Question, gift: GiftQuestion, number: int, actor) -> QuestionVersion:
    version = QuestionVersion(version_no=number, type=gift.type, text=gift.text, format=gift.format,
                              text_html=render_text(gift.text, gift.format), general_feedback=gift.general_feedback,
                              data=version_data(gift), created_by_id=getattr(actor, "id", None))
    question.versions.append(version)  # from the question's side, so the version joins its session
    return version


def is_version_used(version: QuestionVersion) -> bool:
    """An attempt or a live game showed it: then an edit adds a new version instead."""

    return bool(db.session.scalar(select(exists().where(AttemptSlot.question_version_id == version.id)))
                or db.session.scalar(select(exists().where(LiveQuestion.question_version_id == version.id))))


def create_question(block_id: int | None, category: QuestionCategory, gift: GiftQuestion, actor=None) -> Question:
    question = Question(block_id=block_id, category=category, name=gift.name, type=gift.type,
                        created_by_id=getattr(actor, "id", None))
    _new_version(question, gift, 1, actor)
    db.session.add(question)
    return question


def update_question(question: Question, gift: GiftQuestion, actor=None) -> str:
    """Apply new content. Returns "unchanged", "updated" (in place) or "versioned" (a new version, because an
    attempt already used the current one)."""
    current = question.current
    if _version_content(current) == _content(gift):
        return "unchanged"
    if is_version_used(current):
        _new_version(question, gift, current.version_no + 1, actor)
        outcome = "versioned"
    else:
        current.type, current.text, current.format = gift.type, gift.text, gift.format
        current.text_html = render_text(gift.text, gift.format)
        current.general_feedback, current.data = gift.general_feedback, version_data(gift)
        outcome = "updated"
    question.type = gift.type
    db.session.flush()
    return outcome


def save_question(block, question: Question | None, gift: GiftQuestion, *, category: QuestionCategory,
                  actor) -> Question:
    """The editor's save: validate with the GIFT rules, check the name is free in the bank, write."""
    gift = validate_question(gift)
    block_id = block.id if block is not None else None
    clash = db.session.scalar(select(Question.id).where(
        _bank_filter(Question.block_id, block_id), Question.name == gift.name,
        Question.id != (question.id if question else 0)))
    if clash:
        raise QuestionInvalid([f"в банке уже есть вопрос «{gift.name}»: дайте другое название"])
    if question is None:
        question = create_question(block_id, category, gift, actor)
        db.session.flush()
        audit.record(actor, "quiz.question_create", "question", question.id,
                     after={"name": question.name, "type": question.type}, summary=f"Создан вопрос «{gift.name}»")
        return question
    question.name, question.category = gift.name, category
    outcome = update_question(question, gift, actor)
    if outcome != "unchanged":
        audit.record(actor, "quiz.question_update", "question", question.id, after={"outcome": outcome},
                     summary=f"Изменён вопрос «{gift.name}»" + (" (новая версия)" if outcome == "versioned" else ""))
    return question


def set_hidden(question: Question, is_hidden: bool, actor) -> None:
    question.is_hidden = is_hidden
    audit.record(actor, "quiz.question_hide" if is_hidden else "quiz.question_show", "question", question.id,
                 summary=("Скрыт" if is_hidden else "Возвращён") + f" вопрос «{question.name}»")


# --- categories ---------------------------------------------------------------------------------------------

def _bank_filter(column, block_id: int | None):
    return column.is_(None) if block_id is None else column == block_id


def default_category_name(block) -> str:
    return f"Блок {block.number:02d}" if block is not None else SHARED_BANK_CATEGORY


def categories(block) -> list[QuestionCategory]:
    block_id = block.id if block is not None else None
    return list(db.session.scalars(select(QuestionCategory).where(_bank_filter(QuestionCategory.block_id, block_id))
                                   .order_by(QuestionCategory.name)))


def get_or_create_category(block, name: str | None) -> tuple[QuestionCategory, bool]:
    name = (name or "").strip() or default_category_name(block)
    block_id = block.id if block is not None else None
    found = db.session.scalar(select(QuestionCategory).where(_bank_filter(QuestionCategory.block_id, block_id),
                                                             QuestionCategory.name == name))
    if found is not None:
        return found, False
    category = QuestionCategory(block_id=block_id, name=name[:255])
    db.session.add(category)
    db.session.flush()
    return category, True


def bank_questions(block, *, include_hidden: bool = True) -> list[Question]:
    block_id = block.id if block is not None else None
    query = (select(Question).join(QuestionCategory).where(_bank_filter(Question.block_id, block_id))
             .order_by(QuestionCategory.name, Question.id))
    if not include_hidden:
        query = query.where(Question.is_hidden.is_(False))
    return list(db.session.scalars(query))


# --- GIFT import and export ---------------------------------------------------------------------------------

def import_gift_bank(block, source: str | bytes, *, actor=None) -> ImportSummary:
    """Import a GIFT file into a block's bank (``block`` None: the shared bank of custom quizzes).

    Raises ``GiftBankRejected`` with every problem (by line) and changes nothing when the file is broken."""
    try:
        parsed = parse_gift(source)
    except GiftImportError as exc:
        raise GiftBankRejected(exc.problems, exc.warnings) from exc
    first_line: dict[str, int] = {}
    problems = []
    for question in parsed.questions:
        if question.name in first_line:
            problems.append(GiftProblem(question.line, f"второй вопрос с названием «{question.name}» (первый — в "
                                                       f"строке {first_line[question.name]}): вопросы банка "
                                                       "сопоставляются по названию, дайте им разные названия"))
        else:
            first_line[question.name] = question.line
    if problems:
        raise GiftBankRejected(problems, parsed.warnings)

    summary = ImportSummary(warnings=parsed.warnings)
    block_id = block.id if block is not None else None
    existing = {q.name: q for q in db.session.scalars(select(Question).where(_bank_filter(Question.block_id,
                                                                                          block_id)))}
    for gift in parsed.questions:
        category, created = get_or_create_category(block, gift.category)
        if created:
            summary.categories_created.append(category.name)
        question = existing.get(gift.name)
        if question is None:
            question = create_question(block_id, category, gift, actor)
            existing[gift.name] = question
            summary.created.append(gift.name)
            continue
        moved = question.category_id != category.id
        if moved:
            question.category = category
        outcome = update_question(question, gift, actor)
        if outcome == "updated":
            summary.updated.append(gift.name)
        elif outcome == "versioned":
            summary.versioned.append(gift.name)
        elif moved:
            summary.updated.append(gift.name)
        else:
            summary.unchanged += 1
    db.session.flush()
    if summary.changed and actor is not None:
        audit.record(actor, "quiz.bank_import", "block", block_id,
                     after={"created": len(summary.created), "updated": len(summary.updated),
                            "versioned": len(summary.versioned)},
                     summary=f"Импорт GIFT в банк «{bank_title(block)}»: {summary.as_text()}")
    return summary


def export_block_bank(block) -> str:
    """The whole bank as GIFT, category by category (hidden questions included: it is a backup too)."""
    return export_gift(gift_question(q) for q in bank_questions(block))


def bank_title(block) -> str:
    return f"Блок {block.number}. {block.title}" if block is not None else SHARED_BANK_CATEGORY


# --- the block's quiz ---------------------------------------------------------------------------------------

def ensure_block_quiz(block) -> Quiz:
    """The block's quiz; created with the «экзамен» defaults when missing, never overwriting a teacher's settings:
    10 questions drawn across the block's categories, pass at 70 %, 3 attempts, the best one counts, answers
    shuffled, no time limit, score and feedback after the attempt."""

    quiz = db.session.scalar(select(Quiz).where(Quiz.block_id == block.id))
    if quiz is not None:
        return quiz
    quiz = Quiz(block_id=block.id, title=f"Тест по блоку {block.number}", questions_per_attempt=10, draw_rules=[],
                pass_percent=70, feedback_bands=[])
    apply_preset(quiz, "exam")
    quiz.is_feedback_shown = True
    try:
        with db.session.begin_nested():
            db.session.add(quiz)
    except IntegrityError:  # created a moment ago by a parallel request
        quiz = db.session.scalar(select(Quiz).where(Quiz.block_id == block.id))
    return quiz


QUESTION_TYPES_FOR_EDITOR = [t for t in QuestionType]
