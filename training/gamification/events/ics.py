"""iCalendar (RFC 5545) for a phone's calendar: one event's .ics, and each person's feed behind a token URL.

The feed token is ``<user id>-<HMAC(secret, user id, session version)>``: changing the password (which bumps the
session version) revokes every old feed link."""
from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import select

from training.accounts.models import User
from training.extensions import db
from training.gamification import rotating_codes
from training.gamification.events.models import Event, EventParticipant, EventStatus, ParticipantStatus

PRODID = "-//SZN clientcentricity//events//RU"


def _escape(text: str) -> str:
    return (text or "").replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r", "") \
        .replace("\n", "\\n")


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (never inside a UTF-8 character)."""
    out, current = [], b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > (75 if not out else 74):
            out.append(current.decode())
            current = b""
        current += encoded
    out.append(current.decode())
    return "\r\n ".join(out)


def _stamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar(events: Iterable[Event], *, name: str, url_of, host: str) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             f"X-WR-CALNAME:{_escape(name)}"]
    now = _stamp(datetime.now(UTC))
    for event in events:
        url = url_of(event)
        description = "\n".join(part for part in (event.format.name, event.description, event.video_url, url) if part)
        lines += ["BEGIN:VEVENT", f"UID:event-{event.id}@{host}", f"DTSTAMP:{now}",
                  f"DTSTART:{_stamp(event.starts_at)}", f"DTEND:{_stamp(event.ends_at)}",
                  f"SUMMARY:{_escape(event.title)}", f"DESCRIPTION:{_escape(description)}",
                  f"LOCATION:{_escape(event.place or event.video_url)}", f"URL:{url}",
                  "STATUS:CANCELLED" if event.status == EventStatus.CANCELLED else "STATUS:CONFIRMED",
                  "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


def feed_token(user: User) -> str:
    digest = hmac.new(rotating_codes.key("events-feed"), f"{user.id}:{user.session_version}".encode(),
                      hashlib.sha256).digest()
    return f"{user.id}-{base64.b32encode(digest[:15]).decode().lower()}"


def user_for_token(token: str) -> User | None:
    user_id, _, _ = (token or "").partition("-")
    if not user_id.isdigit() or len(user_id) > 18:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_active:
        return None
    expected = feed_token(user)
    return user if token.isascii() and hmac.compare_digest(expected, token) else None


def feed_events(user: User, since: datetime) -> list[Event]:
    """The person's events: those they have a seat at (or host) and those they organise, from ``since``."""
    mine = select(EventParticipant.event_id).where(EventParticipant.user_id == user.id,
                                                   EventParticipant.status == ParticipantStatus.REGISTERED)
    return list(db.session.scalars(select(Event).where((Event.id.in_(mine)) | (Event.organiser_id == user.id),
                                                       Event.ends_at >= since).order_by(Event.starts_at).limit(500)))
