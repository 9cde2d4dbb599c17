"""Visit codes: a stable signed link per employee and short one-time codes that prove a visit
(training/gamification/rotating_codes.py makes the codes).

In each 2-hour window an employee has CLIENT_VISIT_CODES_PER_WINDOW codes (12 by default),
``HMAC(secret, employee id, sequence, window)`` written with 6 characters of an alphabet without look-alike
characters (no 0/O, 1/I/L, 2/Z, 5/S, 6/G, 8/B). The window screen shows the first code nobody has used yet; each
code gives one client vote and one client feedback (services.claim_visit_code), so a code passed around a chat is
worth one vote, and one window is worth at most CLIENT_VISIT_CODES_PER_WINDOW votes. A code is valid in its own
window and the next one, so a client who scanned at 11:59 can still vote at 12:10. Cyrillic look-alikes typed on
a Russian keyboard count as the Latin letters they resemble."""
from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import date, datetime

from flask import current_app

from training.gamification import rotating_codes
from training.gamification.rotating_codes import CODE_ALPHABET, CODE_LENGTH, normalise  # noqa: F401  (re-exported)

WINDOW_SECONDS = 2 * 60 * 60
WINDOWS_PER_DAY = 24 * 60 * 60 // WINDOW_SECONDS
PURPOSE = "client-vote-code"
VISIT_CODES_PER_WINDOW = 12  # default of CLIENT_VISIT_CODES_PER_WINDOW: clients served in two hours, at most


def visit_codes_per_window() -> int:
    return int(current_app.config.get("CLIENT_VISIT_CODES_PER_WINDOW", VISIT_CODES_PER_WINDOW))


def window_index(now: datetime) -> int:
    return rotating_codes.window_index(now, WINDOW_SECONDS)


def window_start(window: int) -> datetime:
    return rotating_codes.window_start(window, WINDOW_SECONDS)


def window_end(window: int) -> datetime:
    return window_start(window + 1)


def window_day(window: int) -> date:
    """The UTC day a window belongs to (windows never cross midnight UTC)."""
    return window_start(window).date()


def client_code(employee_id: int, window: int, seq: int = 0) -> str:
    """The ``seq``-th visit code of the employee in the window."""
    return rotating_codes.code(PURPOSE, employee_id if seq == 0 else f"{employee_id}:{seq}", window)


def normalise_code(code: str | None) -> str:
    return normalise(code)


def match_visit(employee_id: int, code: str | None, now: datetime) -> tuple[int, int] | None:
    """(window, sequence) of a visit code valid now (its window is the current or the previous one), or None."""
    cleaned = normalise(code)
    if len(cleaned) != CODE_LENGTH or not cleaned.isascii():  # compare_digest refuses non-ASCII strings
        return None
    current = window_index(now)
    for window in (current, current - 1):
        for seq in range(visit_codes_per_window()):
            if hmac.compare_digest(cleaned, client_code(employee_id, window, seq)):
                return window, seq
    return None


def match_code(employee_id: int, code: str | None, now: datetime) -> int | None:
    """The window the code belongs to (current or previous), or None when it is not valid now."""
    found = match_visit(employee_id, code, now)
    return found[0] if found else None


def sheet_signature(employee_id: int) -> str:
    """The signature in an employee's printed link: the link cannot be guessed from the employee number."""
    digest = hmac.new(rotating_codes.key("client-vote-sheet"), str(employee_id).encode(), hashlib.sha256).digest()
    return base64.b32encode(digest[:10]).decode().lower()


def check_sheet_signature(employee_id: int, signature: str) -> bool:
    given = (signature or "").lower()
    # compare_digest refuses str with non-ASCII characters (TypeError): such a signature is simply wrong
    return given.isascii() and hmac.compare_digest(sheet_signature(employee_id), given)
