"""Periodic jobs of the accounts domain."""
from datetime import date

from sqlalchemy import update

from training.accounts.models import User
from training.db import utcnow
from training.extensions import db
from training.jobs import periodic_job


@periodic_job("accounts.expire-one-time-passwords", "daily")
def expire_one_time_passwords(today: date) -> str:
    """Стереть просроченные одноразовые пароли (они уже не принимаются при входе; теперь их нет и в базе)."""
    result = db.session.execute(
        update(User)
        .where(User.must_change_password, User.one_time_password_expires_at < utcnow(),
               User.password_hash.is_not(None))
        .values(password_hash=None)
    )
    return f"просроченных одноразовых паролей стёрто: {result.rowcount}"
