"""Who takes part in a contest and which client votes count for it."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, select

from training.accounts.models import User
from training.gamification.contests.models import ClientVote, Contest
from training.gamification.periods import period_bounds
from training.org.models import Centre, Department


def scope_key(centre: Centre, department: Department | None) -> str:
    return f"d{department.id}" if department is not None else f"c{centre.id}"


def members_query(contest: Contest) -> Select:
    """Active staff of the contest's scope, now."""
    query = select(User).where(User.is_active, User.centre_id == contest.centre_id)
    if contest.department_id is not None:
        query = query.where(User.department_id == contest.department_id)
    return query


def client_votes_query(contest: Contest, until: datetime | None = None) -> Select:
    start, end = period_bounds(contest.period)
    if until is not None:
        end = min(end, until)
    query = select(ClientVote).where(ClientVote.centre_id == contest.centre_id, ClientVote.created_at >= start,
                                     ClientVote.created_at < end)
    if contest.department_id is not None:
        query = query.where(ClientVote.department_id == contest.department_id)
    return query
