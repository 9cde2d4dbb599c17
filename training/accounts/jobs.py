"""Periodic jobs of the accounts domain."""
from datetime import date, timedelta

from sqlalchemy import delete, or_, update

from training.accounts.models import User, UserSession
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


@periodic_job("accounts.purge-ended-sessions", "daily")
def purge_ended_sessions(today: date) -> str:
    """Удалить записи завершённых сеансов старше 30 дней и сеансы старше срока cookie «Запомнить меня» (год)."""
    now = utcnow()
    result = db.session.execute(delete(UserSession).where(or_(
        UserSession.revoked_at < now - timedelta(days=30), UserSession.created_at < now - timedelta(days=366))))
    return f"записей о сеансах удалено: {result.rowcount}"
