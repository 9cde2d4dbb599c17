"""The Комитет клиентоцентричности of a regional service."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.accounts.models import User
from training.db import utcnow
from training.extensions import db


class CommitteeMember(db.Model):
    """Members of the client-centricity committee of a regional service, appointed by HR."""

    __tablename__ = "committee_members"
    __table_args__ = (UniqueConstraint("regional_service_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    regional_service_id: Mapped[int] = mapped_column(ForeignKey("regional_services.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    is_chair: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    user: Mapped[User] = relationship()
