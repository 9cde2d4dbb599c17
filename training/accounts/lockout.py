"""Failed sign-ins throttled per account *and* address, with a growing delay.

Counting every attempt per account let anyone lock a colleague (the administrator too) out with a few wrong
passwords from anywhere. Here the failures of one e-mail from one address are counted: the first
LOGIN_FREE_FAILURES pass, then each further failure closes that pair for a delay that doubles (from
LOGIN_DELAY_SECONDS up to LOGIN_DELAY_MAX_SECONDS). Another address — the person at their own desk — is not
affected; a global per-address limit (LOGIN_RATE_LIMIT_PER_ADDRESS, Flask-Limiter) bounds one address trying
many accounts. Counters live in the rate limiter's storage (shared by every worker in production, see
config.rate_limit_storage_warning), never in the database, and expire a day after the first failure."""
from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from flask import current_app

from training.extensions import limiter

FAILURES_WINDOW_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Pair:
    email: str
    address: str

    def key(self, kind: str) -> str:
        digest = hashlib.sha256(f"{self.email.strip().lower()}|{self.address}".encode()).hexdigest()[:32]
        return f"signin-{kind}:{digest}"


def _settings() -> tuple[int, int, int]:
    config = current_app.config
    return (int(config.get("LOGIN_FREE_FAILURES", 5)), int(config.get("LOGIN_DELAY_SECONDS", 60)),
            int(config.get("LOGIN_DELAY_MAX_SECONDS", 3600)))


def delay_after(failures: int) -> int:
    """Seconds the pair stays closed after its ``failures``-th failure (0 while still free)."""
    free, first, ceiling = _settings()
    if failures < free:
        return 0
    return min(first * 2 ** (failures - free), ceiling)


def _storage():
    """The rate limiter's storage, or None while rate limits are switched off (RATELIMIT_ENABLED=False)."""
    if not limiter.enabled or not current_app.config.get("RATELIMIT_ENABLED", True):
        return None
    return limiter.storage


def seconds_locked(pair: Pair) -> int:
    """How long this e-mail stays closed from this address; 0 when it may try."""
    storage = _storage()
    if storage is None or not storage.get(pair.key("lock")):
        return 0
    return max(1, math.ceil(storage.get_expiry(pair.key("lock")) - time.time()))


def record_failure(pair: Pair) -> int:
    """Count a failed sign-in; returns the delay (seconds) the pair is now closed for."""
    storage = _storage()
    if storage is None:
        return 0
    failures = storage.incr(pair.key("fail"), FAILURES_WINDOW_SECONDS)
    delay = delay_after(failures)
    if delay:
        storage.clear(pair.key("lock"))
        storage.incr(pair.key("lock"), delay)
    return delay


def record_success(pair: Pair) -> None:
    storage = _storage()
    if storage is not None:
        storage.clear(pair.key("fail"))
        storage.clear(pair.key("lock"))


def wait_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return (f"Слишком много неудачных попыток входа с этого устройства. Повторите через {minutes} мин. "
            "С другого устройства или сети можно войти сразу.")
