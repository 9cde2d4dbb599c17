"""Client-vote codes: a stable signed link per employee and a short code that rotates every two hours
(training/gamification/rotating_codes.py makes the codes).

The code is ``HMAC(secret, employee id, window)`` written with 6 characters of an alphabet without look-alike
characters (no 0/O, 1/I/L, 2/Z, 5/S, 6/G, 8/B). It is valid in its own 2-hour window and in the next one, so a
client who scanned at 11:59 can still vote at 12:10. Cyrillic look-alikes typed on a Russian keyboard count
as the Latin letters they resemble."""
from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import date, datetime

from training.gamification import rotating_codes
from training.gamification.rotating_codes import CODE_ALPHABET, CODE_LENGTH, normalise  # noqa: F401  (re-exported)

WINDOW_SECONDS = 2 * 60 * 60
WINDOWS_PER_DAY = 24 * 60 * 60 // WINDOW_SECONDS
PURPOSE = "client-vote-code"


def window_index(now: datetime) -> int:
    return rotating_codes.window_index(now, WINDOW_SECONDS)


def window_start(window: int) -> datetime:
    return rotating_codes.window_start(window, WINDOW_SECONDS)


def window_end(window: int) -> datetime:
    return window_start(window + 1)


def window_day(window: int) -> date:
    """The UTC day a window belongs to (windows never cross midnight UTC)."""
    return window_start(window).date()


def client_code(employee_id: int, window: int) -> str:
    return rotating_codes.code(PURPOSE, employee_id, window)


def normalise_code(code: str | None) -> str:
    return normalise(code)


def match_code(employee_id: int, code: str | None, now: datetime) -> int | None:
    """The window the code belongs to (current or previous), or None when it is not valid now."""
    return rotating_codes.match(PURPOSE, employee_id, code, now, WINDOW_SECONDS)


def sheet_signature(employee_id: int) -> str:
    """The signature in an employee's printed link: the link cannot be guessed from the employee number."""
    digest = hmac.new(rotating_codes.key("client-vote-sheet"), str(employee_id).encode(), hashlib.sha256).digest()
    return base64.b32encode(digest[:10]).decode().lower()


def check_sheet_signature(employee_id: int, signature: str) -> bool:
    given = (signature or "").lower()
    # compare_digest refuses str with non-ASCII characters (TypeError): such a signature is simply wrong
    return given.isascii() and hmac.compare_digest(sheet_signature(employee_id), given)
