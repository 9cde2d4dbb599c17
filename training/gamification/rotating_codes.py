"""Short codes that rotate with time: ``HMAC(secret, purpose, subject, window)`` written with characters that
cannot be confused (no 0/O, 1/I/L, 2/Z, 5/S, 6/G, 8/B). A code is valid in its own window and the next one.

Used by the client vote of «Сотрудник месяца» (2-hour windows per employee) and by the check-in at an event
(one-minute windows per event, shown as a QR code on the organiser's screen)."""
from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime

from flask import current_app

CODE_ALPHABET = "ACDEFHJKMNPRTUVWXY3479"
CODE_LENGTH = 6
_LOOKALIKES = str.maketrans({"А": "A", "В": "B", "С": "C", "Е": "E", "Н": "H", "К": "K", "М": "M", "Р": "P",
                             "Т": "T", "Х": "X", "У": "Y", "О": "O", "З": "3"})


def key(purpose: str) -> bytes:
    secret = current_app.config["SECRET_KEY"]
    return hashlib.sha256(f"{purpose}:{secret}".encode()).digest()


def window_index(now: datetime, window_seconds: int) -> int:
    return int(now.timestamp()) // window_seconds


def window_start(window: int, window_seconds: int) -> datetime:
    return datetime.fromtimestamp(window * window_seconds, UTC)


def code(purpose: str, subject: str | int, window: int) -> str:
    digest = hmac.new(key(purpose), f"{subject}:{window}".encode(), hashlib.sha256).digest()
    number = int.from_bytes(digest[:8], "big")
    chars = []
    for _ in range(CODE_LENGTH):
        number, rest = divmod(number, len(CODE_ALPHABET))
        chars.append(CODE_ALPHABET[rest])
    return "".join(chars)


def normalise(given: str | None) -> str:
    """Upper case, Cyrillic look-alikes as Latin, spaces and dashes dropped. A letter no code has (say «Ж») stays,
    so the code simply does not match."""
    cleaned = (given or "").upper().translate(_LOOKALIKES)
    return "".join(ch for ch in cleaned if ch.isalnum())


def match(purpose: str, subject: str | int, given: str | None, now: datetime, window_seconds: int) -> int | None:
    """The window the code belongs to (current or previous), or None when it is not valid now."""
    cleaned = normalise(given)
    if len(cleaned) != CODE_LENGTH or not cleaned.isascii():  # compare_digest refuses non-ASCII strings
        return None
    current = window_index(now, window_seconds)
    for window in (current, current - 1):
        if hmac.compare_digest(cleaned, code(purpose, subject, window)):
            return window
    return None
