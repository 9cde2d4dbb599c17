"""Periodic work of the engagement domain (run by ``flask jobs run-due``)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from training.accounts import scopes
from training.accounts.models import Role
from training.extensions import db
from training.gamification.quests import services as quests
from training.jobs import periodic_job
from training.notifications.services import notify
from training.org import services as org_services
from training.org.models import RegionalService
from training.web import path_for


@periodic_job("engagement.quest_quarter_reminder", "quarterly",
              "Напомнить кадровой службе, если в прошлом квартале в ЦЗН не было ни одного квеста")
def remind_quarter_without_quest(today: date) -> str:
    """The methodology asks for at least one corporate quest a quarter in each centre."""
    start, end, label = quests.quarter_bounds(today)
    sent = 0
    for service in db.session.scalars(select(RegionalService).order_by(RegionalService.id)):
        held = quests.quests_held(service.id, start, end)
        if any(q.centre_id is None for q in held):
            continue  # a service-wide quest counts for every centre
        covered = {q.centre_id for q in held}
        centres = [c for c in org_services.centres_of_service(service.id) if c.id not in covered]
        if not centres:
            continue
        names = ", ".join(c.name for c in centres)
        text = (f"{label}: не проведено ни одного корпоративного квеста клиентоцентричности в {names}. "
                "Методика рекомендует не реже раза в квартал.")
        for user in scopes.staff_with_role(Role.HR, service_id=service.id):
            if notify(user, "quest-reminder", text, path_for("quests.index"),
                      dedupe_key=f"quest-quarter:{service.id}:{start:%Y-%m}:{user.id}"):
                sent += 1
    return f"напоминаний: {sent}"
