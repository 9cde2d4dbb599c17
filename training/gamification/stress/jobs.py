"""Periodic work of «Стресс месяца»."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from training.extensions import db
from training.gamification.committee import services as committee
from training.gamification.stress import services as stress
from training.gamification.stress.models import StressItem, StressMonth
from training.jobs import periodic_job
from training.notifications.services import notify
from training.web import path_for


@periodic_job("engagement.stress_review_reminder", "monthly",
              "Напомнить комитету разобрать «Стресс месяца» за прошедший месяц")
def remind_stress_review(today: date) -> str:
    month = stress.previous_month(f"{today:%Y-%m}")
    sent = 0
    for month_row in db.session.scalars(select(StressMonth).where(StressMonth.month == month,
                                                                  StressMonth.archived_at.is_(None))):
        has_items = db.session.scalar(select(StressItem.id).where(StressItem.month_id == month_row.id).limit(1))
        if not has_items:
            continue
        url = path_for("stress.review", stress_month=month)
        for member in committee.members(month_row.regional_service_id):
            if notify(member.user, "stress-review", f"«Стресс месяца» за {stress.month_label(month)}: разберите "
                      "записи и назначьте корректирующие меры.", url,
                      dedupe_key=f"stress-review:{month_row.id}:{member.user_id}"):
                sent += 1
    return f"напоминаний: {sent}"
