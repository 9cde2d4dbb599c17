"""«Объём обсуждения», variant 1 (2.4): mentions of a regional service in the media and social networks. Nothing is
collected automatically: HR of the service keeps a register by hand (date, source, link, tone, note), and every page
that counts it says it is a manual register. Counted by period with ``formulas.mention_volume``."""
from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

from sqlalchemy import Select, String, case, func, select

from training.accounts.models import User
from training.accounts.scopes import administrable_condition, can_administer_service
from training.audit import services as audit
from training.errors import DomainError, NotAllowed
from training.extensions import db
from training.measures import formulas
from training.measures.periods import Period, local_today
from training.metrics.feedback.channel_models import MediaMention, MentionTone
from training.org.models import Centre, RegionalService

KEPT_BY_HAND = ("Ручной реестр: считаются только упоминания, которые кадровая служба внесла сама; автоматического "
                "мониторинга СМИ и соцсетей нет.")


def can_keep(viewer: User, service_id: int | None) -> bool:
    """HR of the service and administrators."""
    return can_administer_service(viewer, service_id)


def _url(value: str | None) -> str | None:
    url = (value or "").strip()
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 500:
        raise DomainError("Ссылка должна начинаться с http:// или https://.")
    return url


def add_mention(actor: User, service: RegionalService, *, mentioned_on: date | None, source: str, tone: str,
                url: str | None = None, centre: Centre | None = None, note: str = "",
                today: date | None = None) -> MediaMention:
    if not can_keep(actor, service.id):
        raise NotAllowed("Реестр упоминаний ведёт кадровая служба своего региона.")
    today = today or local_today()
    if mentioned_on is None:
        raise DomainError("Укажите дату публикации.")
    if mentioned_on > today:
        raise DomainError("Дата публикации не может быть позже сегодняшней.")
    source = (source or "").strip()
    if not source:
        raise DomainError("Укажите источник: издание, сообщество или канал.")
    if tone not in MentionTone._value2member_map_:
        raise DomainError("Выберите тональность: позитивная, нейтральная или негативная.")
    if centre is not None and centre.regional_service_id != service.id:
        raise DomainError("Этот ЦЗН относится к другой службе.")
    mention = MediaMention(regional_service_id=service.id, centre_id=centre.id if centre else None,
                           mentioned_on=mentioned_on, source=source[:200], url=_url(url), tone=MentionTone(tone),
                           note=(note or "").strip()[:2000], created_by_id=actor.id)
    db.session.add(mention)
    db.session.flush()
    audit.record(actor, "metrics.mention_added", "media_mention", mention.id,
                 summary=f"Упоминание в реестре: {source[:100]} ({MentionTone(tone).label})")
    return mention


def delete_mention(actor: User, mention: MediaMention) -> None:
    if not can_keep(actor, mention.regional_service_id):
        raise NotAllowed("Реестр упоминаний ведёт кадровая служба своего региона.")
    audit.record(actor, "metrics.mention_deleted", "media_mention", mention.id,
                 summary=f"Удалено упоминание: {mention.source[:100]} от {mention.mentioned_on:%d.%m.%Y}")
    db.session.delete(mention)


def mentions_for(viewer: User, service_id: int) -> Select:
    return (select(MediaMention).where(MediaMention.regional_service_id == service_id,
                                       administrable_condition(viewer, service=MediaMention.regional_service_id))
            .order_by(MediaMention.mentioned_on.desc(), MediaMention.id.desc()))


def volume(service_id: int, period: Period, centre_id: int | None = None) -> formulas.MentionVolume | None:
    """The period's mention volume of a service (or of one centre), or None when the service has never kept the
    register (no mention at all, ever): «не ведётся», not a zero. One statement: every (tone, source) of the
    register with its count in the period."""
    within = (MediaMention.mentioned_on >= period.start) & (MediaMention.mentioned_on <= period.end)
    if centre_id is not None:
        within = within & (MediaMention.centre_id == centre_id)
    rows = db.session.execute(
        select(MediaMention.tone, MediaMention.source, func.sum(case((within, 1), else_=0)))
        .where(MediaMention.regional_service_id == service_id)
        .group_by(MediaMention.tone, MediaMention.source)).all()
    if not rows:
        return None
    return formulas.mention_volume((str(tone), source) for tone, source, count in rows for _ in range(count or 0))


def by_month(service_id: int, months: int = 12) -> list[tuple[str, dict[str, int]]]:
    """(«2026-11», {tone: count}) for the months of the register that have mentions, newest first."""
    month = func.substr(func.cast(MediaMention.mentioned_on, String), 1, 7)
    rows = db.session.execute(select(month, MediaMention.tone, func.count())
                              .where(MediaMention.regional_service_id == service_id)
                              .group_by(month, MediaMention.tone).order_by(month.desc())).all()
    found: dict[str, dict[str, int]] = {}
    for key, tone, count in rows:
        found.setdefault(key, dict.fromkeys(formulas.MENTION_TONES, 0))[str(tone)] = count
    return list(found.items())[:months]
