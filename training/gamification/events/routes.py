"""Мероприятия (/team/events): the calendar (list and week), the catalogue of formats, scheduling, an event's page
(registration, check-in, feedback, outcomes), the organiser's QR screen, .ics files and feeds, and the programmes
(«Неделя клиентоцентричности»). Views stay thin: the rules are in services.py."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import segno
from flask import abort, flash, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from training.accounts.models import Role, User
from training.db import utcnow
from training.errors import DomainError
from training.extensions import db, limiter
from training.forms import EmptyForm
from training.gamification.events import bp, ics
from training.gamification.events import services as events
from training.gamification.events.forms import (
    EventEditForm,
    EventForm,
    FeedbackForm,
    FinishForm,
    FormatForm,
    OutcomeForm,
    ProgrammeForm,
    ProgrammeSummaryForm,
    SettingsForm,
)
from training.gamification.events.models import (
    Event,
    EventFormat,
    EventOutcome,
    EventParticipant,
    EventProgramme,
    EventStatus,
    OutcomeStatus,
    ParticipantRole,
    ParticipantStatus,
)
from training.org import services as org_services
from training.org.models import Centre, Department
from training.tabular import table_download
from training.templating import DISPLAY_TZ, add_home_panel
from training.web import act, download, int_or, public, public_url, redirect_to, render_view, role_required, submit

FEED_RATE_LIMIT = "60 per hour"

add_home_panel("gamification/events/_home_panel.html", order=30)


@bp.get("/events/mine")
@login_required
def home_panel():
    """The home page's «Мои мероприятия»: the person's next events (seat, role or waiting list), fetched by the
    page when the panel scrolls into view."""
    return render_view("gamification/events/_my_events.html", None, my_events=events.upcoming_for(current_user))


def _event_or_404(event_id: int) -> Event:
    event = db.get_or_404(Event, event_id)
    if not events.can_view(current_user, event):
        abort(404)
    return event


def _managed_event_or_403(event_id: int) -> Event:
    event = _event_or_404(event_id)
    if not events.can_manage(current_user, event):
        abort(403)
    return event


def _local(value: datetime) -> datetime:
    return value.astimezone(DISPLAY_TZ)


def _carry() -> dict:
    """The programme a new event is being added to travels from the catalogue to the form (?programme=)."""
    programme_id = int_or(request.args.get("programme"))
    return {"programme": programme_id} if programme_id > 0 else {}


def _week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


# --- the calendar ------------------------------------------------------------------------------------------------

@bp.get("/events")
@login_required
def index():
    today = _local(utcnow()).date()
    view = request.args.get("view") if request.args.get("view") in ("week", "past") else "list"
    ctx = {"view": view, "can_organise": events.can_organise(current_user),
           "can_configure": current_user.has_role(*Role.SERVICE_ADMINS),
           "feed_url": public_url("events.feed", token=ics.feed_token(current_user)),
           "programmes": events.programmes_for(current_user)[:3]}
    if view == "week":
        try:
            start = _week_start(date.fromisoformat(request.args.get("week") or today.isoformat()))
        except ValueError:
            start = _week_start(today)
        low = datetime.combine(start, time(), DISPLAY_TZ).astimezone(UTC)
        rows = list(db.session.scalars(events.visible_events(current_user, low, low + timedelta(days=7))
                                       .options(selectinload(Event.format))))
        week_days = [start + timedelta(days=n) for n in range(7)]
        days = [(day, [e for e in rows if _local(e.starts_at).date() == day]) for day in week_days]
        ctx.update(days=days, week=start, prev_week=start - timedelta(days=7), next_week=start + timedelta(days=7),
                   today=today)
    elif view == "past":
        rows = list(db.session.scalars(events.visible_events(current_user).where(Event.ends_at <= utcnow())
                                       .order_by(None).order_by(Event.starts_at.desc()).limit(50)
                                       .options(selectinload(Event.format))))
        ctx["upcoming"] = rows
    else:
        rows = list(db.session.scalars(events.visible_events(current_user, utcnow()).limit(100)
                                       .options(selectinload(Event.format))))
        ctx["upcoming"] = rows
    mine = {p.event_id: p for p in db.session.scalars(select(EventParticipant).where(
        EventParticipant.user_id == current_user.id, EventParticipant.event_id.in_([e.id for e in rows])))}
    return render_view("gamification/events/index.html", "calendar", mine=mine, **ctx)


# --- the catalogue of formats ------------------------------------------------------------------------------------

@bp.get("/events/formats")
@login_required
def formats():
    return render_view("gamification/events/formats.html", None, carry=_carry(),
                       formats=events.formats(include_inactive=events.can_edit_formats(current_user)),
                       can_organise=events.can_organise(current_user),
                       can_edit=events.can_edit_formats(current_user))


@bp.get("/events/formats/<int:event_format_id>")
@login_required
def format_detail(event_format_id: int):
    fmt = db.get_or_404(EventFormat, event_format_id)
    if not fmt.is_active and not events.can_edit_formats(current_user):
        abort(404)
    return render_view("gamification/events/format.html", None, fmt=fmt, carry=_carry(),
                       can_organise=events.can_organise(current_user),
                       can_edit=events.can_edit_formats(current_user))


FORMAT_FIELDS = ("name", "purpose", "group_size", "duration_minutes", "timing", "roles", "record_after",
                 "open_to_clients", "is_active")


@bp.route("/events/formats/new", methods=["GET", "POST"])
@role_required(*Role.SERVICE_ADMINS)
def format_create():
    form = FormatForm(formdata=request.form if request.method == "POST" else None, is_active=True)
    return submit(form, lambda: events.create_format(current_user, **{n: getattr(form, n).data for n in FORMAT_FIELDS},
                                                     run_sheet=events.parse_run_sheet(form.run_sheet.data)),
                  message="Формат добавлен в каталог.",
                  on_success=lambda fmt: redirect_to("events.format_detail", event_format_id=fmt.id),
                  template="gamification/events/format_form.html", fmt=None)


@bp.route("/events/formats/<int:event_format_id>/edit", methods=["GET", "POST"])
@role_required(*Role.SERVICE_ADMINS)
def format_edit(event_format_id: int):
    fmt = db.get_or_404(EventFormat, event_format_id)
    form = FormatForm(formdata=request.form if request.method == "POST" else None, obj=fmt)
    if request.method == "GET":
        form.run_sheet.data = events.run_sheet_text(fmt.run_sheet)
    return submit(form, lambda: events.update_format(current_user, fmt, **{n: getattr(form, n).data
                                                                           for n in FORMAT_FIELDS},
                                                     run_sheet=events.parse_run_sheet(form.run_sheet.data)),
                  message="Формат сохранён.",
                  on_success=lambda _: redirect_to("events.format_detail", event_format_id=fmt.id),
                  template="gamification/events/format_form.html", fmt=fmt)


@bp.route("/events/settings", methods=["GET", "POST"])
@role_required(*Role.SERVICE_ADMINS)
def settings():
    service_id = current_user.regional_service_id
    form = SettingsForm(formdata=request.form if request.method == "POST" else None,
                        employees_may_organise=events.employees_may_organise(service_id))
    def save():
        if service_id is None:
            raise DomainError("Вы не закреплены за службой занятости.")
        events.set_employees_may_organise(current_user, service_id, form.employees_may_organise.data)

    return submit(form, save, message="Настройка сохранена.", on_success=lambda _: redirect_to("events.index"),
                  template="gamification/events/settings.html")


# --- scheduling ------------------------------------------------------------------------------------------------

def _event_form(formdata=None, fmt: EventFormat | None = None) -> EventForm:
    form = EventForm(formdata=formdata)
    service_id = current_user.regional_service_id
    centres = list(db.session.scalars(select(Centre).where(Centre.regional_service_id == service_id)
                                      .order_by(Centre.name)))
    form.centre_id.choices = [(0, "вся служба занятости")] + [(c.id, c.name) for c in centres]
    departments = list(db.session.scalars(select(Department).where(Department.centre_id.in_([c.id for c in centres]))
                                          .order_by(Department.name)))
    form.department_id.choices = [(0, "все отделы")] + [(d.id, f"{d.name} ({d.centre.name})") for d in departments]
    form.programme_id.choices = [(0, "—")] + [(p.id, p.title) for p in events.programmes_for(current_user)]
    staff = list(db.session.execute(select(User.id, User.full_name).where(
        User.is_active, User.regional_service_id == service_id).order_by(User.full_name)))
    form.speaker_ids.choices = form.moderator_ids.choices = [(uid, name) for uid, name in staff]
    if formdata is None and fmt is not None:
        form.title.data = fmt.name
        form.duration_minutes.data = fmt.duration_minutes
        form.open_to_clients.data = fmt.open_to_clients
        if current_user.centre_id:
            form.centre_id.data = current_user.centre_id
        programme_id = int_or(request.args.get("programme"))
        if programme_id and programme_id in dict(form.programme_id.choices):
            form.programme_id.data = programme_id
    return form


@bp.route("/events/new", methods=["GET", "POST"])
@login_required
def create():
    if not events.can_organise(current_user):
        abort(403)
    fmt = db.session.get(EventFormat, int_or(request.values.get("format")) or 0)
    if fmt is None or not fmt.is_active:
        flash("Выберите формат из каталога.", "info")
        return redirect_to("events.formats")
    form = _event_form(formdata=request.form if request.method == "POST" else None, fmt=fmt)

    def schedule() -> Event:
        programme = db.session.get(EventProgramme, form.programme_id.data) if form.programme_id.data else None
        return events.schedule_event(
            current_user, fmt, title=form.title.data, starts_at=_starts_at(form),
            duration_minutes=form.duration_minutes.data, place=form.place.data, video_url=form.video_url.data,
            centre_id=form.centre_id.data or None, department_id=form.department_id.data or None,
            open_to_clients=form.open_to_clients.data, capacity=form.capacity.data,
            description=form.description.data, programme=programme, speaker_ids=form.speaker_ids.data or [],
            moderator_ids=form.moderator_ids.data or [])

    return submit(form, schedule, message="Мероприятие назначено. Коллеги увидят его в календаре.",
                  on_success=lambda event: redirect_to("events.detail", event_id=event.id),
                  template="gamification/events/form.html", fmt=fmt, carry=_carry())


def _starts_at(form) -> datetime:
    """The form's Moscow date and time as UTC; a date outside today … three years ahead is refused."""
    today = _local(utcnow()).date()
    if not today - timedelta(days=1) <= form.day.data <= today + timedelta(days=3 * 366):
        raise DomainError("Дата — от сегодняшнего дня и не дальше трёх лет вперёд.")
    return datetime.combine(form.day.data, form.time.data, DISPLAY_TZ).astimezone(UTC)


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@login_required
def edit(event_id: int):
    event = _managed_event_or_403(event_id)
    form = EventEditForm(formdata=request.form if request.method == "POST" else None, obj=event)
    if request.method == "GET":
        local = _local(event.starts_at)
        form.day.data, form.time.data = local.date(), local.time().replace(second=0, microsecond=0)
        form.duration_minutes.data = int((event.ends_at - event.starts_at).total_seconds() // 60)

    return submit(form, lambda: events.update_event(
                      current_user, event, title=form.title.data, starts_at=_starts_at(form),
                      duration_minutes=form.duration_minutes.data, place=form.place.data,
                      video_url=form.video_url.data, capacity=form.capacity.data, description=form.description.data),
                  message="Изменения сохранены; записавшиеся получили уведомление, если изменились время или место.",
                  on_success=lambda _: redirect_to("events.detail", event_id=event.id),
                  template="gamification/events/edit.html", event=event)


# --- an event ------------------------------------------------------------------------------------------------

def _detail(event: Event, *, status: int = 200, error: str | None = None, feedback_form: FeedbackForm | None = None,
            outcome_form: OutcomeForm | None = None):
    participant = events.participant_of(event, current_user)
    manage = events.can_manage(current_user, event)
    ctx = {"event": event, "participant": participant, "manage": manage, "error": error,
           "position": events.waitlist_position(event, participant) if participant else None,
           "feedback": events.feedback_of(event, current_user), "now": utcnow(),
           "checkin_open": events.checkin_open(event),
           "feedback_form": feedback_form or FeedbackForm(), "seated": events.seated(event),
           "waitlisted": events.waitlisted(event), "attended": events.attended(event),
           "roles": [(r.value, r.label) for r in ParticipantRole]}
    if manage:
        form = outcome_form or OutcomeForm()
        staff = db.session.execute(select(User.id, User.full_name).where(
            User.is_active, User.regional_service_id == event.regional_service_id).order_by(User.full_name))
        form.owner_id.choices = [(0, "—")] + [(uid, name) for uid, name in staff]
        run_sheet = [{**step, "at": _local(step["at"]).strftime("%H:%M") if step["at"] else None}
                     for step in events.timed_run_sheet(event)]
        ctx.update(outcome_form=form, finish_form=FinishForm(), run_sheet=run_sheet,
                   feedback_summary=events.feedback_summary([event.id]))
    return render_view("gamification/events/detail.html", None, status=status, **ctx)


@bp.get("/events/<int:event_id>")
@login_required
def detail(event_id: int):
    return _detail(_event_or_404(event_id))


@bp.post("/events/<int:event_id>/register")
@login_required
def register(event_id: int):
    event = _event_or_404(event_id)
    return act(lambda: events.register(current_user, event), "events.detail", event_id=event.id,
               message=lambda p: "Вы записаны." if p.status == ParticipantStatus.REGISTERED
               else "Мест нет: вы в листе ожидания — запишем автоматически, когда место освободится.")


@bp.post("/events/<int:event_id>/unregister")
@login_required
def unregister(event_id: int):
    event = _event_or_404(event_id)
    return act(lambda: events.cancel_registration(current_user, event), "events.detail", event_id=event.id,
               message="Запись отменена.")


@bp.get("/events/<int:event_id>/event.ics")
@login_required
def event_ics(event_id: int):
    event = _event_or_404(event_id)
    body = ics.calendar([event], name=event.title, host=request.host,
                        url_of=lambda e: public_url("events.detail", event_id=e.id))
    return download(body.encode(), "text/calendar; charset=utf-8", f"event-{event.id}.ics")


@bp.get("/events/feed/<token>.ics")
@public
@limiter.limit(FEED_RATE_LIMIT)
def feed(token: str):
    user = ics.user_for_token(token)
    if user is None:
        abort(404)
    body = ics.calendar(ics.feed_events(user, utcnow() - timedelta(days=30)), name="Мероприятия", host=request.host,
                        url_of=lambda e: public_url("events.detail", event_id=e.id))
    response = download(body.encode(), "text/calendar; charset=utf-8", "events.ics", inline=True)
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


@bp.get("/events/open/<int:centre_id>")
@public
@limiter.limit(FEED_RATE_LIMIT)
def open_events(centre_id: int):
    """For clients: the centre's open days and exhibitions (no account; nothing about anyone)."""
    centre = db.get_or_404(Centre, centre_id)
    return render_view("gamification/events/open.html", None, centre=centre,
                       events=events.open_to_clients(centre))


# --- attendance --------------------------------------------------------------------------------------------------

@bp.get("/events/<int:event_id>/screen")
@login_required
def screen(event_id: int):
    event = _managed_event_or_403(event_id)
    code, changes_at = events.checkin_code(event)
    url = public_url("events.checkin", event_id=event.id, k=code)
    return render_view("gamification/events/screen.html", "qr_panel", event=event, code=code, changes_at=changes_at,
                       url=url, qr=segno.make(url, error="m").svg_data_uri(scale=8, border=2),
                       open=events.checkin_open(event), count=len(events.attended(event)))


@bp.route("/events/<int:event_id>/checkin", methods=["GET", "POST"])
@login_required
def checkin(event_id: int):
    event = _event_or_404(event_id)
    code = (request.form.get("code") if request.method == "POST" else request.args.get("k")) or ""
    return submit(EmptyForm(), lambda: events.check_in(current_user, event, code),
                  message="Вы отмечены. Хорошей встречи!",
                  on_success=lambda _: redirect_to("events.detail", event_id=event.id),
                  template="gamification/events/checkin.html", event=event, code=code[:12])


@bp.post("/events/<int:event_id>/attendance")
@login_required
def attendance(event_id: int):
    event = _managed_event_or_403(event_id)
    participant = db.session.get(EventParticipant, int_or(request.form.get("participant_id")) or 0)
    if participant is None or participant.event_id != event.id:
        return _detail(event, status=422, error="Участник не найден.")
    return act(lambda: events.mark_attendance(current_user, event, participant,
                                              request.form.get("attended", "1") == "1"),
               url_for("events.detail", event_id=event.id) + "#organiser")


@bp.post("/events/<int:event_id>/role")
@login_required
def participant_role(event_id: int):
    event = _managed_event_or_403(event_id)
    participant = db.session.get(EventParticipant, int_or(request.form.get("participant_id")) or 0)
    role = request.form.get("role")
    if participant is None or participant.event_id != event.id or role not in {r.value for r in ParticipantRole}:
        return _detail(event, status=422, error="Выберите участника и роль из списка.")
    return act(lambda: events.set_role(current_user, event, participant, role),
               url_for("events.detail", event_id=event.id) + "#organiser", message="Роль назначена.")


@bp.get("/events/<int:event_id>/attendance.<fmt>")
@login_required
def attendance_sheet(event_id: int, fmt: str):
    event = _managed_event_or_403(event_id)
    return table_download(fmt, events.ATTENDANCE_HEADER, events.attendance_rows(event),
                          filename=f"event-{event.id}-attendance", sheet_title="Участники")


# --- feedback, outcomes, the end ------------------------------------------------------------------------------

@bp.post("/events/<int:event_id>/feedback")
@login_required
def feedback(event_id: int):
    event = _event_or_404(event_id)
    form = FeedbackForm(formdata=request.form)
    return submit(form, lambda: events.give_feedback(current_user, event, usefulness=form.usefulness.data,
                                                     takeaway=form.takeaway.data),
                  message="Спасибо за отзыв!", on_success=lambda _: redirect_to("events.detail", event_id=event.id),
                  page=lambda error, status: _detail(event, status=status, error=error, feedback_form=form))


@bp.post("/events/<int:event_id>/outcomes")
@login_required
def outcome_add(event_id: int):
    event = _managed_event_or_403(event_id)
    form = OutcomeForm(formdata=request.form)
    form.owner_id.choices = [(0, "—")] + [(uid, "") for uid in db.session.scalars(select(User.id).where(
        User.is_active, User.regional_service_id == event.regional_service_id))]
    return submit(form, lambda: events.add_outcome(
                      current_user, event, kind=form.kind.data, text=form.text.data,
                      owner=db.session.get(User, form.owner_id.data) if form.owner_id.data else None,
                      due_on=form.due_on.data),
                  message="Итог записан.",
                  on_success=lambda _: redirect_to(url_for("events.detail", event_id=event.id) + "#outcomes"),
                  page=lambda error, status: _detail(event, status=status, error=error, outcome_form=form))


@bp.post("/events/outcomes/<int:event_outcome_id>/status")
@login_required
def outcome_status(event_outcome_id: int):
    outcome = db.get_or_404(EventOutcome, event_outcome_id)
    event = _event_or_404(outcome.event_id)
    if not (outcome.owner_id == current_user.id or events.can_manage(current_user, event)):
        abort(403)
    status = request.form.get("status")
    if status not in {s.value for s in OutcomeStatus}:
        return _detail(event, status=422, error="Выберите статус из списка.")
    return act(lambda: events.set_outcome_status(current_user, outcome, status),
               url_for("events.detail", event_id=event.id) + "#outcomes", message="Статус меры сохранён.")


@bp.post("/events/<int:event_id>/finish")
@login_required
def finish(event_id: int):
    event = _managed_event_or_403(event_id)
    form = FinishForm(formdata=request.form)
    return submit(form, lambda: events.finish_event(current_user, event, summary=form.summary.data),
                  message="Мероприятие проведено. Участники получат просьбу оставить отзыв.",
                  on_success=lambda _: redirect_to("events.detail", event_id=event.id),
                  page=lambda error, status: _detail(event, status=status, error=error))


@bp.post("/events/<int:event_id>/cancel")
@login_required
def cancel(event_id: int):
    event = _managed_event_or_403(event_id)
    return act(lambda: events.cancel_event(current_user, event), "events.detail", event_id=event.id,
               message="Мероприятие отменено, записавшиеся получат уведомление.")


# --- programmes («Неделя клиентоцентричности») ------------------------------------------------------------------

def _programme_or_404(event_programme_id: int) -> EventProgramme:
    programme = db.get_or_404(EventProgramme, event_programme_id)
    if not events.can_view_programme(current_user, programme):
        abort(404)
    return programme


@bp.get("/events/weeks")
@login_required
def programmes():
    return render_view("gamification/events/programmes.html", None, programmes=events.programmes_for(current_user),
                       can_organise=events.can_organise(current_user))


@bp.route("/events/weeks/new", methods=["GET", "POST"])
@login_required
def programme_create():
    if not events.can_organise(current_user):
        abort(403)
    form = ProgrammeForm(formdata=request.form if request.method == "POST" else None)
    form.centre_id.choices = [(0, "вся служба занятости")] + [
        (c.id, c.name) for c in org_services.centres_of_service(current_user.regional_service_id)]
    return submit(form, lambda: events.create_programme(
                      current_user, title=form.title.data, starts_on=form.starts_on.data, ends_on=form.ends_on.data,
                      centre_id=form.centre_id.data or None, description=form.description.data),
                  message="Программа создана: добавьте в неё мероприятия из каталога.",
                  on_success=lambda programme: redirect_to("events.programme", event_programme_id=programme.id),
                  template="gamification/events/programme_form.html")


@bp.get("/events/weeks/<int:event_programme_id>")
@login_required
def programme(event_programme_id: int):
    programme = _programme_or_404(event_programme_id)
    days = [programme.starts_on + timedelta(days=n) for n in range((programme.ends_on - programme.starts_on).days + 1)]
    by_day = {day: [e for e in programme.events if _local(e.starts_at).date() == day] for day in days}
    manage = events.can_manage_programme(current_user, programme)
    return render_view("gamification/events/programme.html", None, programme=programme, by_day=by_day,
                       summary=events.programme_summary(programme), manage=manage,
                       can_organise=events.can_organise(current_user),
                       summary_form=ProgrammeSummaryForm(summary=programme.summary),
                       finished=programme.ends_on < _local(utcnow()).date(), EventStatus=EventStatus)


@bp.post("/events/weeks/<int:event_programme_id>/summary")
@login_required
def programme_summary(event_programme_id: int):
    programme = _programme_or_404(event_programme_id)
    if not events.can_manage_programme(current_user, programme):
        abort(403)
    form = ProgrammeSummaryForm(formdata=request.form)
    if not form.validate():
        flash("Итоги — не длиннее 8000 знаков.", "error")
        return redirect_to("events.programme", event_programme_id=programme.id)
    return act(lambda: events.set_programme_summary(current_user, programme, form.summary.data),
               "events.programme", event_programme_id=programme.id, message="Итоги программы сохранены.")
