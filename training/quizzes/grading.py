"""Grading of one response to one question version: pure functions, no database.

A response is stored in the terms of the question's own data (original answer indexes, pair indexes,
typed text), never in the shuffled positions the learner saw, so grading and statistics do not depend on
the display order:

    multichoice  {"choice": 2} (single) or {"choices": [0, 3]} (several)
    truefalse    {"value": true}
    shortanswer  {"text": "…"}       numerical {"text": "3,5"}       essay {"text": "…"}
    matching     {"matches": {"0": "answer text", "1": "…"}}   (pair index → chosen answer)

``grade`` returns the fraction of the question's mark in [0, 1], or None when a person must grade it
(essay) or it carries no grade (description)."""
from __future__ import annotations

import math
import re
from typing import Any

from training.quizzes.question_types import QuestionType

_SPACES = re.compile(r"\s+")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def clamp(value: float) -> float:
    return max(0.0, min(1.0, value))


def normalise_text(text: str) -> str:
    """For short answers: trimmed, inner whitespace collapsed, case folded, «ё» read as «е»."""
    return _SPACES.sub(" ", (text or "").strip()).casefold().replace("ё", "е")


def _short_answer_matches(expected: str, given: str) -> bool:
    """Moodle's rule: ``*`` in an accepted answer stands for any characters (``\\*`` is a literal star)."""
    pattern = normalise_text(expected)
    if "*" not in pattern:
        return pattern == given
    parts = re.split(r"(?<!\\)\*", pattern)
    regex = ".*".join(re.escape(part.replace("\\*", "*")) for part in parts)
    return re.fullmatch(regex, given, flags=re.DOTALL) is not None


def parse_number(text: str | None) -> float | None:
    """A typed number: «3,5», «3.5», «1 050», «−2», «75 %» are all accepted; anything else is None."""
    if text is None:
        return None
    cleaned = str(text).strip().replace("\u2212", "-").replace("\u00a0", "").replace("\u202f", "")
    cleaned = cleaned.rstrip("%").strip().replace(" ", "").replace(",", ".")
    if not _NUMBER.fullmatch(cleaned):
        return None
    value = float(cleaned)
    return value if math.isfinite(value) else None


def is_answered(qtype: str, response: dict[str, Any] | None) -> bool:
    if qtype == QuestionType.DESCRIPTION:
        return True
    if not response:
        return False
    if qtype == QuestionType.MULTICHOICE:
        return response.get("choice") is not None or bool(response.get("choices"))
    if qtype == QuestionType.TRUEFALSE:
        return response.get("value") is not None
    if qtype == QuestionType.MATCHING:
        return any(v for v in (response.get("matches") or {}).values())
    return bool(str(response.get("text") or "").strip())


def grade(qtype: str, data: dict[str, Any], response: dict[str, Any] | None) -> float | None:
    """The fraction earned, in [0, 1]; None for essays (a person grades them) and descriptions."""
    if qtype in (QuestionType.ESSAY, QuestionType.DESCRIPTION):
        return None
    response = response or {}
    if qtype == QuestionType.MULTICHOICE:
        return _grade_multichoice(data, response)
    if qtype == QuestionType.TRUEFALSE:
        return _grade_truefalse(data, response)
    if qtype == QuestionType.SHORTANSWER:
        return _grade_shortanswer(data, response)
    if qtype == QuestionType.NUMERICAL:
        return _grade_numerical(data, response)
    if qtype == QuestionType.MATCHING:
        return _grade_matching(data, response)
    raise ValueError(f"unknown question type {qtype!r}")


def _grade_multichoice(data: dict, response: dict) -> float:
    answers = data.get("answers", [])
    if data.get("single"):
        chosen = [response.get("choice")] if response.get("choice") is not None else []
    else:
        chosen = list(dict.fromkeys(response.get("choices") or []))
    total = sum(answers[i]["fraction"] for i in chosen if isinstance(i, int) and 0 <= i < len(answers))
    return clamp(total)


def _grade_truefalse(data: dict, response: dict) -> float:
    value = response.get("value")
    if value is None:
        return 0.0
    word = "true" if value else "false"
    return clamp(next((a["fraction"] for a in data.get("answers", []) if a["text"] == word), 0.0))


def matching_answer(data: dict, response: dict) -> dict | None:
    """The accepted short answer a response matched (the best credit), or None."""
    given = normalise_text(str(response.get("text") or ""))
    if not given:
        return None
    best = None
    for answer in data.get("answers", []):
        if _short_answer_matches(answer["text"], given) and (best is None or answer["fraction"] > best["fraction"]):
            best = answer
    return best


def _grade_shortanswer(data: dict, response: dict) -> float:
    answer = matching_answer(data, response)
    return clamp(answer["fraction"]) if answer else 0.0


def matching_number(data: dict, response: dict) -> dict | None:
    """The numerical answer a response falls into with the best credit, or None."""
    value = parse_number(response.get("text"))
    if value is None:
        return None
    best = None
    for answer in data.get("numerical", []):
        target = answer.get("value")
        if target is None:  # «*»: any other number
            hit = True
        else:
            slack = abs(answer.get("tolerance") or 0.0) + 1e-9 * max(1.0, abs(target))  # binary rounding
            hit = abs(value - target) <= slack
        if hit and (best is None or answer["fraction"] > best["fraction"]):
            best = answer
    return best


def _grade_numerical(data: dict, response: dict) -> float:
    answer = matching_number(data, response)
    return clamp(answer["fraction"]) if answer else 0.0


def matching_stems(data: dict) -> list[int]:
    """Indexes of the real pairs (a pair with an empty question is only an extra answer to choose from)."""
    return [i for i, pair in enumerate(data.get("pairs", [])) if pair["question"].strip()]


def _grade_matching(data: dict, response: dict) -> float:
    pairs = data.get("pairs", [])
    stems = matching_stems(data)
    if not stems:
        return 0.0
    matches = response.get("matches") or {}
    right = sum(1 for i in stems if matches.get(str(i)) == pairs[i]["answer"])
    return right / len(stems)


def feedback_for(qtype: str, data: dict[str, Any], response: dict[str, Any] | None) -> list[str]:
    """The answer-specific feedback texts a response earns (shown only when the review rules allow)."""
    response = response or {}
    answers = data.get("answers", [])
    if qtype == QuestionType.MULTICHOICE:
        chosen = [response["choice"]] if response.get("choice") is not None else (response.get("choices") or [])
        return [answers[i]["feedback"] for i in chosen
                if isinstance(i, int) and 0 <= i < len(answers) and answers[i].get("feedback")]
    if qtype == QuestionType.TRUEFALSE and response.get("value") is not None:
        word = "true" if response["value"] else "false"
        return [a["feedback"] for a in answers if a["text"] == word and a.get("feedback")]
    if qtype == QuestionType.SHORTANSWER:
        answer = matching_answer(data, response)
        return [answer["feedback"]] if answer and answer.get("feedback") else []
    if qtype == QuestionType.NUMERICAL:
        answer = matching_number(data, response)
        if answer is None and parse_number(response.get("text")) is not None:
            # Moodle's «~#feedback»: a «*» answer with no credit is the feedback for any other number
            answer = next((a for a in data.get("numerical", []) if a.get("value") is None), None)
        return [answer["feedback"]] if answer and answer.get("feedback") else []
    return []


def right_answer_text(qtype: str, data: dict[str, Any]) -> list[str]:
    """What a full-credit answer looks like, for the review page."""
    if qtype == QuestionType.MULTICHOICE:
        return [a["text"] for a in data.get("answers", []) if a["fraction"] > 0]
    if qtype == QuestionType.TRUEFALSE:
        right = next((a["text"] for a in data.get("answers", []) if a["fraction"] >= 1), "true")
        return ["Верно" if right == "true" else "Неверно"]
    if qtype == QuestionType.SHORTANSWER:
        return [a["text"] for a in data.get("answers", []) if a["fraction"] >= 1]
    if qtype == QuestionType.NUMERICAL:
        out = []
        for a in data.get("numerical", []):
            if a["fraction"] >= 1 and a.get("value") is not None:
                out.append(format_number(a["value"]) + (f" ± {format_number(a['tolerance'])}" if a.get("tolerance")
                                                        else ""))
        return out
    if qtype == QuestionType.MATCHING:
        pairs = data.get("pairs", [])
        return [f"{pairs[i]['question']} → {pairs[i]['answer']}" for i in matching_stems(data)]
    return []


def format_number(value: float) -> str:
    """3.5 → «3,5»; 4.0 → «4» (Russian decimal comma)."""
    text = f"{value:.10g}"
    return text.replace(".", ",")
