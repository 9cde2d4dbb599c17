"""«Вы сказали — мы сделали»: the thank-you page after a client's answer shows a few measures the client-centricity
committee of the centre's service has finished lately — the text the committee wrote for clients
(``StressMeasure.public_text``) and the day, nothing else (no owner, no post they answered, no name). A measure's
internal ``text`` is written for staff after anonymous posts and may name colleagues: it is never read here, and a
finished measure without a text for clients is not shown at all. The staff weekly report shows the same list (staff
see what clients see). Read on the thank-you GET in one statement, so the answer's POST costs nothing more."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, or_, select

from training.db import utcnow
from training.extensions import db
from training.gamification.stress.models import PUBLIC_TEXT_MAX, MeasureStatus, StressItem, StressMeasure, StressMonth
from training.measures.periods import local_date_of
from training.metrics.feedback.models import FeedbackLink
from training.org.models import Centre

#: How many measures, and how recent (a measure finished long ago is no news to a client).
SHOWN = 3
RECENT_DAYS = 180
TEXT_MAX = PUBLIC_TEXT_MAX  # the committee's form keeps to it; older or imported rows are shortened


@dataclass(frozen=True)
class DoneMeasure:
    text: str
    done_on: date


def _short(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= TEXT_MAX else text[:TEXT_MAX - 1].rstrip() + "…"


def _recent(where, now: datetime | None) -> list[DoneMeasure]:
    since = (now or utcnow()) - timedelta(days=RECENT_DAYS)
    rows = db.session.execute(
        select(StressMeasure.public_text, StressMeasure.done_at)
        .join(StressMonth, StressMonth.id == StressMeasure.month_id)
        .join(Centre, Centre.regional_service_id == StressMonth.regional_service_id)
        .outerjoin(StressItem, StressItem.id == StressMeasure.item_id)
        .where(*where, StressMeasure.status == MeasureStatus.DONE, StressMeasure.done_at >= since,
               func.trim(func.coalesce(StressMeasure.public_text, "")) != "",
               or_(StressItem.centre_id.is_(None), StressItem.centre_id == Centre.id))
        .order_by(StressMeasure.done_at.desc(), StressMeasure.id.desc()).limit(SHOWN)).all()
    return [DoneMeasure(_short(text), local_date_of(done_at)) for text, done_at in rows]


def recent_for_link(token: str | None, now: datetime | None = None) -> list[DoneMeasure]:
    """The committee's measures with a text for clients, finished in the last :data:`RECENT_DAYS` days, for the
    centre of the feedback link ``token``: those of its service's boards about this centre or about no centre in
    particular, newest first."""
    if not token or len(token) > 32:
        return []
    return _recent([Centre.id == select(FeedbackLink.centre_id).where(FeedbackLink.token == token,
                                                                      FeedbackLink.is_active).scalar_subquery()], now)


def recent_for_centre(centre_id: int, now: datetime | None = None) -> list[DoneMeasure]:
    """The same for a centre (the staff version of the weekly report)."""
    return _recent([Centre.id == centre_id], now)
