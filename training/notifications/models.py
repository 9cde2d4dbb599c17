from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, bindparam, event, update
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.orm.attributes import set_committed_value

from training.accounts.models import User
from training.db import utcnow
from training.extensions import db

__all__ = ["Notification"]


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_unread", "user_id", "read_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    emailed_at: Mapped[datetime | None]
    # a stable key makes a notification idempotent (e.g. "deadline-7d:enrolment:12"); NULL for one-offs
    dedupe_key: Mapped[str | None] = mapped_column(String(120), unique=True)


@event.listens_for(Session, "after_flush")
def _count_unread(session: Session, _context) -> None:
    """Keep ``users.unread_notifications`` in step with the unread notifications a flush writes or deletes:
    one relative UPDATE per flush (``SET n = n + k``, so concurrent requests never lose a count), batched over
    the people concerned. Marking read is counted by notifications.services.mark_all_read."""
    change: Counter[int] = Counter()
    for obj in session.new:
        if isinstance(obj, Notification) and obj.read_at is None:
            change[obj.user_id] += 1
    for obj in session.deleted:
        if isinstance(obj, Notification) and obj.read_at is None:
            change[obj.user_id] -= 1
    change = Counter({user_id: n for user_id, n in change.items() if n})
    if not change:
        return
    users = User.__table__
    session.connection().execute(
        update(users).where(users.c.id == bindparam("b_user_id"))
        .values(unread_notifications=users.c.unread_notifications + bindparam("b_change")),
        [{"b_user_id": user_id, "b_change": n} for user_id, n in change.items()])
    for user_id, n in change.items():  # the people this session holds see their new count too
        user = session.identity_map.get(session.identity_key(User, user_id))  # type: ignore[arg-type]
        if user is not None and "unread_notifications" in user.__dict__:
            set_committed_value(user, "unread_notifications", user.unread_notifications + n)
