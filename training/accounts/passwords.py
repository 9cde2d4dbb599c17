"""Password hashing (argon2id) and one-time passwords."""
from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

# Unambiguous characters only: one-time passwords are read off paper or a screen.
_OTP_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789"
_DUMMY_HASH: dict[tuple[int, int], str] = {}


def _hasher() -> PasswordHasher:
    config = current_app.config
    return PasswordHasher(time_cost=config["PASSWORD_HASH_TIME_COST"],
                          memory_cost=config["PASSWORD_HASH_MEMORY_COST"])


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    hasher = _hasher()
    if not password_hash:
        # Spend the same time as a real check so response time does not reveal unknown accounts.
        key = (hasher.time_cost, hasher.memory_cost)
        if key not in _DUMMY_HASH:
            _DUMMY_HASH[key] = hasher.hash(secrets.token_hex(8))
        password_hash = _DUMMY_HASH[key]
        try:
            hasher.verify(password_hash, password + "x")
        except (VerificationError, InvalidHashError):
            pass
        return False
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


def generate_one_time_password(length: int = 12) -> str:
    return "".join(secrets.choice(_OTP_ALPHABET) for _ in range(length))


def password_problems(password: str, *, email: str = "", full_name: str = "") -> list[str]:
    """Reasons a new password is too weak, in Russian; empty when it is acceptable."""
    problems = []
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        problems.append(f"Пароль должен быть не короче {minimum} символов.")
    if email and password.lower() in {email.lower(), email.split("@")[0].lower()}:
        problems.append("Пароль не должен совпадать с адресом почты.")
    if password.isdigit() or len(set(password)) < 4:
        problems.append("Пароль слишком простой: используйте буквы, цифры и разные символы.")
    lowered = password.lower()
    if any(len(part) >= 4 and part.lower() in lowered for part in full_name.split()):
        problems.append("Пароль не должен содержать вашу фамилию или имя.")
    return problems
