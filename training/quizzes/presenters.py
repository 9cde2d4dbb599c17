"""What templates get to see of a question.

``question_view`` is the only thing the attempt page renders: option texts in the order shown and the
learner's own response — never fractions, feedback or accepted answers, so the correct answers cannot reach
the browser before the review rules allow. ``review_view`` adds those, and only what ``Review`` permits."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from training.quizzes import grading
from training.quizzes.models import AttemptSlot
from training.quizzes.question_types import QuestionType
from training.quizzes.text import with_files


@dataclass
class Option:
    position: int  # what the form sends (the shown position, not the bank's index)
    text: str
    is_selected: bool = False
    is_right: bool | None = None  # only in a review that shows right answers
    feedback: str = ""  # only in a review that shows feedback: the text for this chosen option


@dataclass
class Stem:
    position: int
    text: str
    selected: int | None  # shown position of the chosen answer
    chosen_text: str | None = None
    right_text: str | None = None  # review only
    is_right: bool | None = None


@dataclass
class QuestionView:
    slot_no: int
    type: str
    format: str
    text_html: str
    is_answered: bool
    version_id: int | None = None
    is_single: bool = False
    options: list[Option] = field(default_factory=list)
    stems: list[Stem] = field(default_factory=list)
    choices: list[Option] = field(default_factory=list)
    truefalse: bool | None = None
    text_value: str = ""
    # review-only parts, empty unless allowed
    mark: float | None = None
    max_mark: float = 1.0
    is_awaiting_grading: bool = False
    right_answers: list[str] = field(default_factory=list)
    feedback: list[str] = field(default_factory=list)
    general_feedback: str = ""
    manual_comment: str | None = None

    @property
    def is_graded(self) -> bool:
        return self.type != QuestionType.DESCRIPTION


def question_view(slot: AttemptSlot) -> QuestionView:
    version = slot.version
    response = slot.response or {}
    order = slot.answer_order or {}
    files = version.id

    def resolved(text: str) -> str:
        return with_files(text, files)

    view = QuestionView(slot_no=slot.slot_no, type=version.type, format=version.format,
                        text_html=resolved(version.text_html), is_answered=slot.is_answered, max_mark=slot.max_mark,
                        version_id=version.id)
    if version.type == QuestionType.MULTICHOICE:
        view.is_single = version.is_single
        shown = order.get("answers") or list(range(len(version.answers)))
        chosen = {response["choice"]} if response.get("choice") is not None else set(response.get("choices") or [])
        view.options = [Option(position, resolved(version.answers[index]["text"]), index in chosen)
                        for position, index in enumerate(shown)]
    elif version.type == QuestionType.TRUEFALSE:
        view.truefalse = response.get("value")
    elif version.type == QuestionType.MATCHING:
        choices = order.get("choices", [])
        view.choices = [Option(position, text) for position, text in enumerate(choices)]
        matches = response.get("matches") or {}
        for position, pair_index in enumerate(order.get("stems", [])):
            chosen = matches.get(str(pair_index))
            view.stems.append(Stem(position, resolved(version.pairs[pair_index]["question"]),
                                   choices.index(chosen) if chosen in choices else None, chosen))
    elif version.type in (QuestionType.SHORTANSWER, QuestionType.NUMERICAL, QuestionType.ESSAY):
        view.text_value = str(response.get("text") or "")
    return view


def review_view(slot: AttemptSlot, review: Review) -> QuestionView:
    view = question_view(slot)
    version = slot.version
    if review.score and version.is_graded:
        view.mark = None if slot.fraction is None else round(slot.fraction * slot.max_mark, 2)
        view.is_awaiting_grading = slot.is_awaiting_grading
    if review.right_answers:
        if version.type == QuestionType.MULTICHOICE:
            shown = (slot.answer_order or {}).get("answers") or list(range(len(version.answers)))
            for option, index in zip(view.options, shown, strict=True):
                option.is_right = version.answers[index]["fraction"] > 0
        if version.type == QuestionType.MATCHING:
            for stem, pair_index in zip(view.stems, (slot.answer_order or {}).get("stems", []), strict=True):
                stem.right_text = version.pairs[pair_index]["answer"]
                stem.is_right = stem.chosen_text == stem.right_text
        view.right_answers = [with_files(text, version.id)
                              for text in grading.right_answer_text(version.type, version.data)]
    if review.feedback:
        if version.type == QuestionType.MULTICHOICE:  # next to its option, in the order the learner saw them
            shown = (slot.answer_order or {}).get("answers") or list(range(len(version.answers)))
            for option, index in zip(view.options, shown, strict=True):
                text = version.answers[index].get("feedback") if option.is_selected else ""
                option.feedback = with_files(text, version.id) if text else ""
        else:
            view.feedback = [with_files(text, version.id)
                             for text in grading.feedback_for(version.type, version.data, slot.response)]
        view.general_feedback = with_files(version.general_feedback, version.id)
        view.manual_comment = slot.manual_comment
    return view


@dataclass
class _PreviewSlot:
    """A slot that is saved nowhere: the teacher's preview of a question, every answer revealed."""

    version: object
    answer_order: dict
    slot_no: int = 1
    response: dict | None = None
    fraction: float | None = None
    max_mark: float = 1.0
    is_awaiting_grading: bool = False
    manual_comment: str | None = None
    is_answered: bool = False


def preview_view(version) -> QuestionView:
    if version.type == QuestionType.MATCHING:
        order = {"stems": grading.matching_stems(version.data),
                 "choices": list(dict.fromkeys(p["answer"] for p in version.pairs))}
    else:
        order = {"answers": list(range(len(version.answers)))}
    view = review_view(_PreviewSlot(version, order, max_mark=1.0 if version.is_graded else 0.0),  # type: ignore[arg-type]
                       Review(True, True, True, is_staff=True))
    view.general_feedback = with_files(version.general_feedback, version.id)
    return view


@dataclass
class Review:
    """What the viewer may see of an attempt's answers."""

    score: bool = False
    right_answers: bool = False
    feedback: bool = False
    opens_at: datetime | None = None  # when the review will open (after close), if it is not open yet
    is_staff: bool = False

    @property
    def anything(self) -> bool:
        return self.score or self.right_answers or self.feedback
