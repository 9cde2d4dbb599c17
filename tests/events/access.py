from tests.core.access import PUBLIC, SIGNED_IN
from training.accounts.models import Role

CONFIGURERS = {Role.HR, Role.ADMIN}
ORGANISERS = {Role.TEACHER, Role.MANAGER, Role.HR, Role.ADMIN}
# url_arguments: the centre manager organises the event in their centre, so HR of the service and administrators
# manage it too; the teacher (another organiser) does not
MANAGERS = {Role.MANAGER, Role.HR, Role.ADMIN}

ACCESS = {
    "events.index": SIGNED_IN,
    "events.home_panel": SIGNED_IN,
    "events.formats": SIGNED_IN,
    "events.format_detail": SIGNED_IN,
    "events.format_edit": CONFIGURERS,
    "events.format_create": CONFIGURERS,
    "events.settings": CONFIGURERS,
    "events.create": ORGANISERS,
    "events.detail": SIGNED_IN,
    "events.edit": MANAGERS,
    "events.register": SIGNED_IN,
    "events.unregister": SIGNED_IN,
    "events.event_ics": SIGNED_IN,
    "events.feed": PUBLIC,
    "events.open_events": PUBLIC,
    "events.screen": MANAGERS,
    "events.checkin": SIGNED_IN,
    "events.attendance": MANAGERS,
    "events.participant_role": MANAGERS,
    "events.attendance_sheet": MANAGERS,
    "events.feedback": SIGNED_IN,
    "events.outcome_add": MANAGERS,
    # the measure's owner is the colleague; the organiser's side may update it too
    "events.outcome_status": MANAGERS,
    "events.finish": MANAGERS,
    "events.cancel": MANAGERS,
    "events.programmes": SIGNED_IN,
    "events.programme_create": ORGANISERS,
    "events.programme": SIGNED_IN,
    # the programme's author is the manager; HR of the service and administrators too
    "events.programme_summary": MANAGERS,
}


def url_arguments(ctx):
    from datetime import date, timedelta

    from seeds.reference import event_formats
    from training.db import utcnow
    from training.extensions import db
    from training.gamification.events import ics
    from training.gamification.events import services as events
    from training.gamification.events.models import EventFormat

    org, users, colleague = ctx["org"], ctx["users"], ctx["colleague"]
    event_formats()
    fmt = db.session.scalar(db.select(EventFormat).where(EventFormat.code == "knowledge_cafe"))
    manager = users[Role.MANAGER]
    programme = events.create_programme(manager, title="Неделя", starts_on=date.today(),
                                        ends_on=date.today() + timedelta(days=6))
    event = events.schedule_event(manager, fmt, title="Кафе знаний", starts_at=utcnow() + timedelta(days=2),
                                  duration_minutes=75, place="Зал", centre_id=org.centre_a.id, programme=programme)
    outcome = events.add_outcome(manager, event, kind="measure", text="Табличка у входа", owner=colleague,
                                 due_on=date.today() + timedelta(days=30))
    db.session.commit()
    return {"event_format_id": fmt.id, "event_id": event.id, "event_outcome_id": outcome.id,
            "event_programme_id": programme.id, "token": ics.feed_token(users[Role.EMPLOYEE]),
            "centre_id": org.centre_a.id}
