"""The question bank: import (GIFT, Moodle XML or Aiken, recognised by content) and export (GIFT, Moodle XML),
question editing with versions, question images, and each block's quiz.

Import is all-or-nothing and idempotent: the whole file is parsed and checked before anything is written,
questions are matched by (block, name), an unchanged question is left alone, a changed one is updated in
place — or, when some attempt already used its current version, gets a new version so that attempt keeps
exactly what the learner saw. Running the same file twice changes nothing. Question types this app does not
have are skipped only when the person importing agrees (``skip_unsupported``)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from training.audit import services as audit
from training.errors import DomainError
from training.extensions import db
from training.quizzes.formats import FORMAT_LABELS, read_question_file
from training.quizzes.gift import (
    GiftAnswer,
    GiftImportError,
    GiftNumericAnswer,
    GiftPair,
    GiftProblem,
    GiftQuestion,
    QuestionFile,
    export_gift,
    match_moodle_fraction,
    nearest_moodle_fraction,
    parse_gift,
)
from training.quizzes.grading import format_number
from training.quizzes.models import (
    AttemptSlot,
    LiveQuestion,
    Question,
    QuestionBlob,
    QuestionCategory,
    QuestionVersion,
    QuestionVersionFile,
    Quiz,
)
from training.quizzes.moodle_xml import category_path, export_moodle_xml
from training.quizzes.question_types import QuestionType
from training.quizzes.services import apply_preset
from training.quizzes.text import render_text

SHARED_BANK_CATEGORY = "Общий банк"


class GiftBankRejected(DomainError):
    """The file (GIFT, Moodle XML or Aiken) was not imported; ``problems`` lists every error by line. Nothing was
    changed."""

    status_code = 422

    def __init__(self, problems: list[GiftProblem], warnings: list[GiftProblem] | None = None):
        self.problems = sorted(problems, key=lambda p: p.line)
        self.warnings = list(warnings or [])
        super().__init__(f"Файл не загружен: найдено ошибок — {len(self.problems)}. Ничего не изменено.")


BankFileRejected = GiftBankRejected


class UnsupportedTypes(DomainError):
    """The file has questions of types this app does not have; nothing was imported. Importing again with
    ``skip_unsupported=True`` (the teacher's consent) imports the rest."""

    status_code = 422

    def __init__(self, counts: dict[str, int], warnings: list[GiftProblem] | None = None):
        self.counts = dict(counts)
        self.warnings = list(warnings or [])
        listed = ", ".join(f"{name} ({count})" for name, count in self.counts.items())
        noun = "типа" if len(self.counts) == 1 else "типов"
        super().__init__(f"Вопросы {noun} {listed} не поддерживаются и будут пропущены")


class QuestionInvalid(DomainError):
    status_code = 422

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("Вопрос не сохранён: " + "; ".join(messages))


@dataclass
class ImportSummary:
    format: str = "gift"
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)  # changed in place (no attempt had used them)
    versioned: list[str] = field(default_factory=list)  # changed as a new version (attempts keep the old one)
    unchanged: int = 0
    categories_created: list[str] = field(default_factory=list)
    warnings: list[GiftProblem] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)  # Moodle types left out with the teacher's consent

    @property
    def format_label(self) -> str:
        return FORMAT_LABELS.get(self.format, self.format)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.versioned or self.categories_created)

    def as_text(self) -> str:
        text = (f"новых вопросов: {len(self.created)}, изменено: {len(self.updated) + len(self.versioned)} "
                f"(новых версий: {len(self.versioned)}), без изменений: {self.unchanged}, "
                f"новых категорий: {len(self.categories_created)}")
        if self.skipped:
            text += ", пропущено вопросов неподдерживаемых типов: " + ", ".join(
                f"{name} ({count})" for name, count in self.skipped.items())
        return text


# --- content ------------------------------------------------------------------------------------------------

def version_data(question: GiftQuestion) -> dict[str, Any]:
    """The type-specific part of the GIFT contract, as stored in ``QuestionVersion.data``."""
    common = {"type", "name", "text", "format", "category", "general_feedback", "idnumber", "tags"}
    return {key: value for key, value in question.to_dict().items() if key not in common}


def _files_key(files) -> tuple:
    return tuple(sorted((file.name, file.sha256) for file in files))


def _content(question: GiftQuestion) -> tuple:
    return (question.type, question.text, question.format, question.general_feedback, version_data(question),
            _files_key(question.files))


def _version_content(version: QuestionVersion) -> tuple:
    return (version.type, version.text, version.format, version.general_feedback, version.data,
            _files_key(version.files))


def version_files(version: QuestionVersion) -> list[QuestionFile]:
    return [QuestionFile(f.name, f.blob.content, f.blob.mime_type) for f in version.files]


def gift_question(question: Question, version: QuestionVersion | None = None, *,
                  with_files: bool = True) -> GiftQuestion:
    """A bank question as the shared question model (for export, the edit form and validation)."""
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
        idnumber=question.idnumber, tags=list(question.tags or []),
        files=version_files(version) if with_files else [],
    )


#: Warnings of the importer that the question editor refuses: a file may hold such a question (Moodle imports it),
#: but nobody should write one here.
EDITOR_REFUSES = frozenset({"no-right", "weights-sum", "no-full-marks", "multichoice-one", "matching-one-stem",
                            "answer-empty", "answer-empty-kept"})


EDITOR_WEIGHT_NOT_IN_MOODLE = ("доли {percent}% нет в списке оценок Moodle (ближайшая — {nearest}%): Moodle не примет "
                               "выгрузку банка с таким вопросом")


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
    probe = GiftQuestion(**{**question.__dict__, "category": None, "name": "probe", "line": 0, "idnumber": None,
                            "tags": [], "files": []})
    try:
        parsed = parse_gift(export_gift([probe]))
    except ValueError as exc:
        raise QuestionInvalid([str(exc).split(": ", 1)[-1]]) from exc
    except GiftImportError as exc:
        raise QuestionInvalid(list(dict.fromkeys(p.message for p in exc.problems))) from exc
    refused = [w.message for w in parsed.warnings if w.code in EDITOR_REFUSES]
    # A weight not in Moodle's grade list: Moodle, by default, refuses a whole file with it, so a bank exported
    # from here would not import into Moodle. A file may bring one (kept with a warning); nobody writes one here.
    if parsed.questions:
        fractions = [a.fraction for a in parsed.questions[0].answers + parsed.questions[0].numerical]
        refused += [EDITOR_WEIGHT_NOT_IN_MOODLE.format(percent=format_number(f * 100),
                                                       nearest=format_number(nearest_moodle_fraction(f) * 100))
                    for f in fractions if match_moodle_fraction(f) is None]
    if refused:
        raise QuestionInvalid(list(dict.fromkeys(refused)))
    if len(parsed.questions) != 1 or parsed.questions[0].type != question.type:
        raise QuestionInvalid(["вопрос этого типа нельзя так сохранить: проверьте ответы"])
    result = parsed.questions[0]
    result.name, result.category = question.name.strip(), question.category
    result.idnumber, result.tags, result.files = question.idnumber, list(question.tags), list(question.files)
    return result


def _blob(file: QuestionFile) -> QuestionBlob:
    """The stored bytes of a file, added once per content."""
    with db.session.no_autoflush:
        blob = db.session.get(QuestionBlob, file.sha256)
    if blob is None:
        blob = QuestionBlob(sha256=file.sha256, mime_type=file.mime_type, size=len(file.content), content=file.content)
        db.session.add(blob)
        db.session.flush()
    return blob


def _set_files(version: QuestionVersion, files: list[QuestionFile]) -> None:
    if _files_key(version.files) == _files_key(files):
        return
    if version.files:
        version.files.clear()
        db.session.flush()  # the old rows go before new ones with the same names arrive
    for file in files:
        version.files.append(QuestionVersionFile(name=file.name, blob=_blob(file)))


def _new_version(question: Question, gift: GiftQuestion, number: int, actor) -> QuestionVersion:
    version = QuestionVersion(version_no=number, type=gift.type, text=gift.text, format=gift.format,
                              text_html=render_text(gift.text, gift.format), general_feedback=gift.general_feedback,
                              data=version_data(gift), created_by_id=getattr(actor, "id", None))
    question.versions.append(version)  # from the question's side, so the version joins its session
    _set_files(version, gift.files)
    return version


def is_version_used(version: QuestionVersion) -> bool:
    """An attempt or a live game showed it: then an edit adds a new version instead."""

    return bool(db.session.scalar(select(exists().where(AttemptSlot.question_version_id == version.id)))
                or db.session.scalar(select(exists().where(LiveQuestion.question_version_id == version.id))))


def create_question(block_id: int | None, category: QuestionCategory, gift: GiftQuestion, actor=None) -> Question:
    question = Question(block_id=block_id, category=category, name=gift.name, type=gift.type,
                        idnumber=gift.idnumber, tags=list(gift.tags), created_by_id=getattr(actor, "id", None))
    db.session.add(question)
    _new_version(question, gift, 1, actor)
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
        _set_files(current, gift.files)
        outcome = "updated"
    question.type = gift.type
    db.session.flush()
    return outcome


def save_question(block, question: Question | None, gift: GiftQuestion, *, category: QuestionCategory,
                  actor) -> Question:
    """The editor's save: validate with the GIFT rules, check the name is free in the bank, write. The editor does
    not change a question's images, id number or tags: they are kept."""
    if question is not None:
        gift.files, gift.idnumber, gift.tags = version_files(question.current), question.idnumber, question.tags
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


def bank_category_name(raw: str | None, block) -> str:
    """The bank's name for a category a file names: Moodle's context ("$course$/") and "top" left out (where Moodle
    puts the category), line breaks joined, at most 255 characters; nothing left: the bank's default category."""
    name = re.sub(r"\s*[\r\n]+\s*", " ", category_path(raw or ""))[:255].strip()
    return name or default_category_name(block)


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


# --- import and export ---------------------------------------------------------------------------------------

def import_bank(block, source: str | bytes, *, actor=None, skip_unsupported: bool = False) -> ImportSummary:
    """Import a GIFT, Moodle XML or Aiken file (recognised by its content) into a block's bank (``block`` None: the
    shared bank of custom quizzes).

    Raises ``GiftBankRejected`` with every problem (by line) and changes nothing when the file is broken, and
    ``UnsupportedTypes`` (nothing changed either) when it holds question types this app does not have and the
    person importing has not agreed to skip them."""
    try:
        parsed = read_question_file(source)
    except GiftImportError as exc:
        raise GiftBankRejected(exc.problems, exc.warnings) from exc
    if parsed.unsupported and not skip_unsupported:
        raise UnsupportedTypes(parsed.unsupported, parsed.warnings)
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

    summary = ImportSummary(format=parsed.format, warnings=list(parsed.warnings), skipped=dict(parsed.unsupported))
    block_id = block.id if block is not None else None
    existing = {q.name: q for q in db.session.scalars(select(Question).where(_bank_filter(Question.block_id,
                                                                                          block_id)))}
    for raw in parsed.categories:  # Moodle creates every category a file names, even an empty one
        category, created = get_or_create_category(block, bank_category_name(raw, block))
        if created:
            summary.categories_created.append(category.name)
    for gift in parsed.questions:
        category, created = get_or_create_category(block, bank_category_name(gift.category, block))
        if created:
            summary.categories_created.append(category.name)
        question = existing.get(gift.name)
        _free_idnumber(gift, category, question, summary)
        if question is None:
            question = create_question(block_id, category, gift, actor)
            existing[gift.name] = question
            summary.created.append(gift.name)
            continue
        moved = question.category_id != category.id
        if moved:
            question.category = category
        labelled = (question.idnumber, list(question.tags or [])) != (gift.idnumber, list(gift.tags))
        if labelled:
            question.idnumber, question.tags = gift.idnumber, list(gift.tags)
        outcome = update_question(question, gift, actor)
        if outcome == "updated":
            summary.updated.append(gift.name)
        elif outcome == "versioned":
            summary.versioned.append(gift.name)
        elif moved or labelled:
            summary.updated.append(gift.name)
        else:
            summary.unchanged += 1
    db.session.flush()
    if summary.changed and actor is not None:
        audit.record(actor, "quiz.bank_import", "block", block_id,
                     after={"format": summary.format, "created": len(summary.created),
                            "updated": len(summary.updated), "versioned": len(summary.versioned),
                            "skipped": summary.skipped},
                     summary=f"Импорт {summary.format_label} в банк «{bank_title(block)}»: {summary.as_text()}")
    return summary


def import_gift_bank(block, source: str | bytes, *, actor=None) -> ImportSummary:
    """``import_bank`` under its old name (GIFT was the only format once; the content decides now)."""
    return import_bank(block, source, actor=actor)


def _free_idnumber(gift: GiftQuestion, category: QuestionCategory, question: Question | None,
                   summary: ImportSummary) -> None:
    """As in Moodle, an id number already used by another question of the category is dropped, with a warning."""
    if not gift.idnumber or category.id is None:
        return
    holder = db.session.scalar(select(Question).where(Question.category_id == category.id,
                                                      Question.idnumber == gift.idnumber,
                                                      Question.id != (question.id if question and question.id
                                                                      else 0)))
    if holder is not None and holder.name != gift.name:
        summary.warnings.append(GiftProblem(gift.line, f"id «{gift.idnumber}» уже есть у вопроса «{holder.name}» "
                                                       "этой категории: как и в Moodle, у этого вопроса id нет",
                                            "idnumber-taken"))
        gift.idnumber = None


def export_block_bank(block) -> str:
    """The whole bank as GIFT, category by category (hidden questions included: it is a backup too). Images
    cannot be written in GIFT: their ``@@PLUGINFILE@@`` links stay in the texts, use Moodle XML to keep them."""
    return export_gift(gift_question(q, with_files=False) for q in bank_questions(block))


def export_block_xml(block) -> str:
    """The whole bank as Moodle XML, with the questions' images, id numbers and tags."""
    return export_moodle_xml(gift_question(q) for q in bank_questions(block))


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
