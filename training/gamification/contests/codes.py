"""Client-vote codes: a stable signed link per employee and a short code that rotates every two hours.

The code is ``HMAC(secret, employee id, window)`` written with 6 characters of an alphabet without look-alike
characters (no 0/O, 1/I/L, 2/Z, 5/S, 6/G, 8/B). It is valid in its own 2-hour window and in the next one, so a
client who scanned at 11:59 can still vote at 12:10. Cyrillic look-alikes typed on a Russian keyboard count
as the Latin letters they resemble."""
from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, date, datetime

from flask import current_app

CODE_ALPHABET = "ACDEFHJKMNPRTUVWXY3479"
CODE_LENGTH = 6
WINDOW_SECONDS = 2 * 60 * 60
WINDOWS_PER_DAY = 24 * 60 * 60 // WINDOW_SECONDS
_LOOKALIKES = str.maketrans({"А": "A", "В": "B", "С": "C", "Е": "E", "Н": "H", "К": "K", "М": "M", "Р": "P",
                             "Т": "T", "Х": "X", "У": "Y", "О": "O", "З": "3"})


def _key(purpose: str) -> bytes:
    secret = current_app.config["SECRET_KEY"]
    return hashlib.sha256(f"{purpose}:{secret}".encode()).digest()


def window_index(now: datetime) -> int:
    return int(now.timestamp()) // WINDOW_SECONDS


def window_start(window: int) -> datetime:
    return datetime.fromtimestamp(window * WINDOW_SECONDS, UTC)


def window_end(window: int) -> datetime:
    return window_start(window + 1)


def window_day(window: int) -> date:
    """The UTC day a window belongs to (windows never cross midnight UTC)."""
    return window_start(window).date()


def client_code(employee_id: int, window: int) -> str:
    digest = hmac.new(_key("client-vote-code"), f"{employee_id}:{window}".encode(), hashlib.sha256).digest()
    number = int.from_bytes(digest[:8], "big")
    chars = []
    for _ in range(CODE_LENGTH):
        number, rest = divmod(number, len(CODE_ALPHABET))
        chars.append(CODE_ALPHABET[rest])
    return "".join(chars)


def normalise_code(code: str | None) -> str:
    """Upper case, Cyrillic look-alikes as Latin, spaces and dashes dropped. A letter no code has (say «Ж») stays,
    so the code simply does not match."""
    cleaned = (code or "").upper().translate(_LOOKALIKES)
    return "".join(ch for ch in cleaned if ch.isalnum())


def match_code(employee_id: int, code: str | None, now: datetime) -> int | None:
    """The window the code belongs to (current or previous), or None when it is not valid now."""
    given = normalise_code(code)
    if len(given) != CODE_LENGTH or not given.isascii():  # compare_digest refuses non-ASCII strings
        return None
    current = window_index(now)
    for window in (current, current - 1):
        if hmac.compare_digest(given, client_code(employee_id, window)):
            return window
    return None


def sheet_signature(employee_id: int) -> str:
    """The signature in an employee's printed link: the link cannot be guessed from the employee number."""
    digest = hmac.new(_key("client-vote-sheet"), str(employee_id).encode(), hashlib.sha256).digest()
    return base64.b32encode(digest[:10]).decode().lower()


def check_sheet_signature(employee_id: int, signature: str) -> bool:
    given = (signature or "").lower()
    # compare_digest refuses str with non-ASCII characters (TypeError): such a signature is simply wrong
    return given.isascii() and hmac.compare_digest(sheet_signature(employee_id), given)
