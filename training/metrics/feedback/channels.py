"""Answers from every channel the methodology names (2.4): staff type what a client said on the phone, wrote on a
paper form, sent by e-mail or SMS. The answer is stored like a QR answer (same questions, same follow-up of low
scores, same signal to the index), marked with its ``channel``.

Who types: the people of the centre (operators, its manager) and HR of its service — never the specialist the
answer is about. A paper form carries a code printed on the sheet: a sheet is typed once (its code is claimed by a
conditional UPDATE, like a visit code gives one feedback), so a batch typed twice changes nothing the second time.
A scanned batch is typed as lines «код; CES; ожидания; рекомендация; удовлетворённость; комментарий» and stored
all or nothing, every problem named with its line."""
from __future__ import annotations

import csv
import io
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from training.accounts.models import User
from training.accounts.scopes import Level, can_view, can_view_centre, viewable_condition
from training.audit import services as audit
from training.db import utcnow
from training.errors import Conflict, DomainError, NotAllowed
from training.extensions import db
from training.measures.periods import local_date_of
from training.metrics.feedback import services as feedback
from training.metrics.feedback.aspects import CSI_PARAMETERS
from training.metrics.feedback.channel_models import PaperSheet
from training.metrics.feedback.models import STAFF_CHANNELS, Channel, ClientFeedback, Touchpoint
from training.org.models import Centre
from training.tabular import ImportRejected, Problem

SELF_REFUSED = ("Ответ клиента о вашей собственной работе вносит коллега или руководитель: о себе вносить "
                "ответы нельзя.")
#: How far back a typed answer may be dated (a paper batch of last month is still typed; older ones are not).
MAX_AGE_DAYS = 92
#: Sheets printed at once, and lines typed at once.
MAX_SHEETS = 300
MAX_BATCH_LINES = 500
#: Paper forms rotate the fourth question the way the QR form draws it: about the specialist, the centre, or CSI
#: (the five parameters of the centre, forms.MODULES).
SHEET_MODULES = ("specialist", "centre", "csi")
#: Codes are read from paper and typed on a phone's number pad: ten digits, printed «12345-67890».
CODE_ALPHABET = "0123456789"
CODE_LENGTH = 10


# --- who may type answers -----------------------------------------------------------------------------------------

def can_enter(viewer: User, centre: Centre) -> bool:
    """The people of the centre, its manager, HR of its service, administrators."""
    return can_view(viewer, centre, members=Level.CENTRE)


def entry_centres(viewer: User) -> list[Centre]:
    """Centres whose answers the viewer may type, by name."""
    return list(db.session.scalars(select(Centre).where(viewable_condition(
        viewer, service=Centre.regional_service_id, centre=Centre.id, members=Level.CENTRE)).order_by(Centre.name)))


def centre_staff(centre: Centre) -> list[User]:
    """Whom an answer can be about: the centre's active staff, by name."""
    return list(db.session.scalars(select(User).where(User.centre_id == centre.id, User.is_active)
                                   .order_by(User.full_name)))


def _answer_date(answered_on: date | None, now: datetime) -> date:
    today = local_date_of(now)
    if answered_on is None:
        return today
    if answered_on > today:
        raise DomainError("Дата ответа не может быть позже сегодняшней.")
    if answered_on < today - timedelta(days=MAX_AGE_DAYS):
        raise DomainError(f"Ответы старше {MAX_AGE_DAYS} дней не вносятся: период в отчётах уже закрыт.")
    return answered_on


def _about(actor: User, centre: Centre, employee: User | None) -> User | None:
    if employee is None:
        return None
    if employee.centre_id != centre.id:
        raise DomainError("Специалист работает в другом ЦЗН.")
    if employee.id == actor.id:
        raise DomainError(SELF_REFUSED)
    return employee


def normalise_code(text: str | None) -> str:
    """What a person typed (spaces, dashes, lower case) → the stored code."""
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())


def printed_code(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def _sheet(code: str, centre: Centre) -> PaperSheet:
    sheet = db.session.scalar(select(PaperSheet).where(PaperSheet.code == normalise_code(code)))
    if sheet is None or sheet.centre_id != centre.id:
        raise DomainError(f"Анкеты с кодом {code.strip()} в этом ЦЗН нет: проверьте код на листе.")
    if sheet.used_at is not None:
        raise Conflict(f"Анкета {printed_code(sheet.code)} уже внесена: один лист вносится один раз.")
    return sheet


def _claim(sheet: PaperSheet, answer: ClientFeedback, now: datetime) -> None:
    """Mark the sheet typed, exactly once even when two operators type it at the same moment."""
    claimed = db.session.execute(
        update(PaperSheet).where(PaperSheet.id == sheet.id, PaperSheet.used_at.is_(None))
        .values(used_at=now, feedback_id=answer.id).execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        raise Conflict(f"Анкета {printed_code(sheet.code)} уже внесена: один лист вносится один раз.")
    sheet.used_at, sheet.feedback_id = now, answer.id


def _store(actor: User, centre: Centre, channel: Channel, employee: User | None, touchpoint: Touchpoint | None,
           answered_on: date, answers: dict, now: datetime) -> ClientFeedback:
    link = feedback.link_for(centre, touchpoint, employee)
    return feedback.submit_feedback(link, channel=channel, answered_on=answered_on, now=now, **answers)


def enter_answer(actor: User, centre: Centre, *, channel: str, employee: User | None = None,
                 touchpoint: Touchpoint | None = None, answered_on: date | None = None, sheet_code: str = "",
                 ces=None, expectations=None, recommend=None, csat=None, specialist_satisfaction=None,
                 csi_marks: dict[str, object] | None = None, comment: str | None = None,
                 now: datetime | None = None) -> ClientFeedback:
    """One answer a client gave by phone, on paper, by e-mail or SMS, typed by staff. A paper answer names its
    sheet's code (the sheet's specialist, when it was printed for one, is whom it is about)."""
    now = now or utcnow()
    if not can_enter(actor, centre):
        raise NotAllowed("Ответы этого ЦЗН вносят его сотрудники, руководитель и кадровая служба.")
    try:
        channel = Channel(channel)
    except ValueError:
        channel = None
    if channel not in STAFF_CHANNELS:
        raise DomainError("Выберите канал: по телефону, бумажная анкета, e-mail или SMS.")
    sheet = None
    if channel is Channel.PAPER:
        if not normalise_code(sheet_code):
            raise DomainError("Бумажная анкета: укажите код, напечатанный на листе.")
        sheet = _sheet(sheet_code, centre)
        if sheet.employee is not None:
            employee = sheet.employee
    employee = _about(actor, centre, employee)
    answer = _store(actor, centre, channel, employee, touchpoint, _answer_date(answered_on, now),
                    dict(ces=ces, expectations=expectations, recommend=recommend, csat=csat,
                         specialist_satisfaction=specialist_satisfaction, csi_marks=csi_marks, comment=comment),
                    now)
    if sheet is not None:
        _claim(sheet, answer, now)
    audit.record(actor, "metrics.answer_entered", "client_feedback", answer.id,
                 summary=f"Внесён ответ клиента ({channel.label}), {centre.name}")
    return answer


# --- paper forms --------------------------------------------------------------------------------------------------

def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def issue_sheets(actor: User, centre: Centre, count: int, employee: User | None = None,
                 now: datetime | None = None) -> list[PaperSheet]:
    """``count`` sheets with fresh codes for the centre (optionally for one specialist's desk)."""
    if not can_view_centre(actor, centre):  # the reach of a supervisor: the centre's manager, HR, administrators
        raise NotAllowed("Анкеты печатают руководитель ЦЗН и кадровая служба.")
    if not 1 <= (count or 0) <= MAX_SHEETS:
        raise DomainError(f"Сколько листов напечатать: от 1 до {MAX_SHEETS}.")
    if employee is not None and employee.centre_id != centre.id:
        raise DomainError("Специалист работает в другом ЦЗН.")
    now = now or utcnow()
    sheets = []
    while len(sheets) < count:
        sheet = PaperSheet(code=_new_code(), centre_id=centre.id, employee_id=employee.id if employee else None,
                           issued_at=now, issued_by_id=actor.id)
        try:
            with db.session.begin_nested():
                db.session.add(sheet)
        except IntegrityError:  # the same code drawn twice (one in ~10¹¹): draw again
            continue
        sheet.centre, sheet.employee = centre, employee
        sheets.append(sheet)
    audit.record(actor, "metrics.paper_sheets_issued", "centre", centre.id,
                 summary=f"Напечатано бумажных анкет: {count}, {centre.name}")
    return sheets


def sheet_module(sheet: PaperSheet) -> str:
    """The fourth question of the sheet: sheets rotate like the QR form draws it (by their id)."""
    return SHEET_MODULES[sheet.id % len(SHEET_MODULES)]


# --- a scanned batch ----------------------------------------------------------------------------------------------

BATCH_COLUMNS = ("Код анкеты", "Легко ли решить вопрос (1–5)", "Ожидания (1–5)", "Рекомендация (0–10)",
                 "Четвёртый вопрос", "Комментарий")
FOURTH = BATCH_COLUMNS[4]


@dataclass(frozen=True)
class BatchLine:
    line: int
    code: str
    ces: int | None
    expectations: int | None
    recommend: int | None
    fourth: str  # one mark 1–5, or for a CSI sheet five marks («5 4 5 5 3», «54553», «-» for none): read with the sheet
    comment: str


def _split(text: str) -> list[tuple[int, list[str]]]:
    """Lines of «;»-, tab- or «,»-separated values (the separator of each line is the first that occurs)."""
    rows = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        delimiter = ";" if ";" in raw else "\t" if "\t" in raw else ","
        cells = next(csv.reader(io.StringIO(raw), delimiter=delimiter))
        rows.append((number, [cell.strip() for cell in cells]))
    return rows


def _mark(cell: str, low: int, high: int, column: str, line: int, problems: list[Problem]) -> int | None:
    if cell in ("", "-", "—"):
        return None
    if cell.isdigit() and low <= int(cell) <= high:
        return int(cell)
    problems.append(Problem(line, column, f"«{cell}» — не число от {low} до {high} (пусто — нет ответа)."))
    return None


def fourth_answer(module: str, text: str) -> dict:
    """The fourth question's answer of a sheet as :func:`~training.metrics.feedback.services.submit_feedback` takes
    it: satisfaction with the specialist or with the centre (one mark), or the CSI parameters (five marks, in the
    printed order; «-» for an unanswered one)."""
    text = (text or "").strip()
    if module != "csi":
        if text in ("", "-", "—"):
            return {}
        if text.isdigit() and 1 <= int(text) <= 5:
            return {"csat" if module == "centre" else "specialist_satisfaction": int(text)}
        raise DomainError(f"«{text}» — на этом листе четвёртый вопрос — одна оценка от 1 до 5.")
    marks = text.split() if " " in text else list(text)
    if text in ("", "-", "—"):
        return {}
    if len(marks) != len(CSI_PARAMETERS) or not all(m in ("-", "—") or m in "12345" for m in marks):
        raise DomainError(f"«{text}» — на этом листе четвёртый вопрос — пять оценок от 1 до 5 "
                          "(«5 4 5 5 3», «-» — без ответа).")
    return {"csi_marks": {p.code: int(m) for p, m in zip(CSI_PARAMETERS, marks, strict=True) if m.isdigit()}}


def parse_batch(text: str) -> list[BatchLine]:
    """Every line of the batch, or :class:`ImportRejected` naming every problem by line and column."""
    rows = _split(text)
    problems: list[Problem] = []
    if not rows:
        raise ImportRejected([Problem(1, None, "вставьте строки анкет: код; ответы через «;».")])
    if len(rows) > MAX_BATCH_LINES:
        raise ImportRejected([Problem(rows[MAX_BATCH_LINES][0], None, f"в пакете больше {MAX_BATCH_LINES} "
                                                                      "строк: разделите его на части.")])
    lines, seen = [], {}
    for number, cells in rows:
        if len(cells) < 2 or len(cells) > len(BATCH_COLUMNS):
            problems.append(Problem(number, None, f"ожидается от 2 до {len(BATCH_COLUMNS)} значений через «;», "
                                                  f"а их {len(cells)}."))
            continue
        cells += [""] * (len(BATCH_COLUMNS) - len(cells))
        code = normalise_code(cells[0])
        if not code:
            problems.append(Problem(number, BATCH_COLUMNS[0], "нет кода анкеты."))
        elif code in seen:
            problems.append(Problem(number, BATCH_COLUMNS[0], f"код {cells[0]} уже есть в строке {seen[code]}."))
        else:
            seen[code] = number
        marks = [_mark(cells[1], 1, 5, BATCH_COLUMNS[1], number, problems),
                 _mark(cells[2], 1, 5, BATCH_COLUMNS[2], number, problems),
                 _mark(cells[3], 0, 10, BATCH_COLUMNS[3], number, problems)]
        fourth = cells[4]
        if fourth and not all(ch.isdigit() or ch in " -—" for ch in fourth):
            problems.append(Problem(number, FOURTH, f"«{fourth}» — не оценки от 1 до 5."))
        comment = cells[5]
        if len(comment) > 2000:
            problems.append(Problem(number, BATCH_COLUMNS[5], "комментарий длиннее 2000 знаков."))
        if (all(m is None for m in marks) and not fourth.strip(" -—") and not comment
                and not any(p.line == number for p in problems)):
            problems.append(Problem(number, None, "на листе нет ни одного ответа: такую анкету не вносят."))
        lines.append(BatchLine(number, code, *marks, fourth, comment))
    if problems:
        raise ImportRejected(problems)
    return lines


def enter_batch(actor: User, centre: Centre, text: str, answered_on: date | None = None,
                now: datetime | None = None) -> int:
    """Type a scanned batch of paper forms of one centre: all lines or none. Returns how many were stored."""
    now = now or utcnow()
    if not can_enter(actor, centre):
        raise NotAllowed("Ответы этого ЦЗН вносят его сотрудники, руководитель и кадровая служба.")
    day = _answer_date(answered_on, now)
    lines = parse_batch(text)
    sheets = {s.code: s for s in db.session.scalars(
        select(PaperSheet).options(selectinload(PaperSheet.employee))
        .where(PaperSheet.code.in_([line.code for line in lines])))}
    problems = []
    for line in lines:
        sheet = sheets.get(line.code)
        if sheet is None or sheet.centre_id != centre.id:
            problems.append(Problem(line.line, BATCH_COLUMNS[0], "анкеты с таким кодом в этом ЦЗН нет."))
        elif sheet.used_at is not None:
            problems.append(Problem(line.line, BATCH_COLUMNS[0], f"анкета {printed_code(sheet.code)} уже внесена."))
        elif sheet.employee_id == actor.id:
            problems.append(Problem(line.line, BATCH_COLUMNS[0], "это анкета о вашей работе: её вносит коллега."))
    if problems:
        raise ImportRejected(problems)
    fourths = {}
    for line in lines:
        try:
            fourths[line.line] = fourth_answer(sheet_module(sheets[line.code]), line.fourth)
        except DomainError as exc:
            problems.append(Problem(line.line, FOURTH, exc.message))
    if problems:
        raise ImportRejected(problems)
    for line in lines:
        sheet = sheets[line.code]
        try:
            answer = _store(actor, centre, Channel.PAPER, sheet.employee, None, day,
                            dict(ces=line.ces, expectations=line.expectations, recommend=line.recommend,
                                 comment=line.comment, **fourths[line.line]), now)
        except DomainError as exc:
            raise ImportRejected([Problem(line.line, None, exc.message)]) from exc
        _claim(sheet, answer, now)
    audit.record(actor, "metrics.paper_batch_entered", "centre", centre.id,
                 summary=f"Внесён пакет бумажных анкет: {len(lines)}, {centre.name}")
    return len(lines)
