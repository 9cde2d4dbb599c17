"""Jinja filters and globals: Russian dates and plurals, navigation by role."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import Flask, request
from flask_login import current_user

MONTHS_GENITIVE = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
                   "октября", "ноября", "декабря"]
MONTHS_NOMINATIVE = ["январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь",
                     "октябрь", "ноябрь", "декабрь"]
DISPLAY_TZ = ZoneInfo("Europe/Moscow")


def plural(n: int, one: str, few: str, many: str) -> str:
    """Russian plural form: 1 день, 2 дня, 5 дней, 21 день, 11 дней."""
    n = abs(int(n))
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def gender_of(full_name: str | None) -> str | None:
    """«m» or «f» from the patronymic (Фамилия Имя Отчество: -вич/-ич, -вна/-чна/-шна), None when there is none or
    it says nothing (a foreign name, «оглы»/«кызы» aside)."""
    parts = (full_name or "").split()
    patronymic = parts[2].lower() if len(parts) >= 3 else ""
    if patronymic.endswith(("вич", "ич")) or parts[3:4] == ["оглы"]:
        return "m"
    if patronymic.endswith(("вна", "чна", "шна")) or parts[3:4] == ["кызы"]:
        return "f"
    return None


def gendered(text: str, full_name: str | None) -> str:
    """The one helper for words that agree with a person: «завершил(а)», «удостоен(а)», «помог(ла)» resolved from
    the patronymic — «завершил» / «завершила»; unknown gender keeps the neutral written form «завершил(а)»."""
    gender = gender_of(full_name)
    if gender is None:
        return text
    return re.sub(r"\((а|ла)\)", "" if gender == "m" else r"\1", text)


def quoted(text: str) -> str:
    """A name in Russian quotes, with quotes inside it turned into „лапки“: «Диплом „Сотрудник месяца“»."""
    return "«" + text.replace("«", "„").replace("»", "“") + "»"


def ru_date(value: date | datetime | str | None) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, str):  # an ISO date kept in JSON (a score's window)
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        value = value.astimezone(DISPLAY_TZ).date() if value.tzinfo else value.date()
    return f"{value.day} {MONTHS_GENITIVE[value.month - 1]} {value.year}"


def ru_datetime(value: datetime | None) -> str:
    if value is None:
        return "—"
    local = value.astimezone(DISPLAY_TZ) if value.tzinfo else value.replace(tzinfo=UTC).astimezone(DISPLAY_TZ)
    return f"{ru_date(local.date())}, {local:%H:%M}"


def short_date(value: date | datetime | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime) and value.tzinfo:
        value = value.astimezone(DISPLAY_TZ)
    return value.strftime("%d.%m.%Y")


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: str
    icon: str
    roles: tuple[str, ...] = ()  # empty: every signed-in user
    on_phone: bool = True  # shown in the bottom bar on phones (at most five are)
    order: int = 50


NAV_ITEMS: list[NavItem] = []


def add_nav_item(item: NavItem) -> None:
    """Domains add their entries when their blueprint is registered."""
    if all(existing.endpoint != item.endpoint for existing in NAV_ITEMS):
        NAV_ITEMS.append(item)
        NAV_ITEMS.sort(key=lambda i: i.order)


HOME_PANELS: list[tuple[int, str, tuple[str, ...]]] = []


def add_home_panel(template: str, roles: tuple[str, ...] = (), order: int = 50) -> None:
    """Domains contribute a partial to the home page (e.g. «what next» in the course)."""
    if all(existing[1] != template for existing in HOME_PANELS):
        HOME_PANELS.append((order, template, roles))
        HOME_PANELS.sort()


def home_panels() -> list[str]:
    return [t for _, t, roles in HOME_PANELS if not roles or current_user.has_role(*roles)]


def nav_items() -> list[NavItem]:
    if not current_user.is_authenticated:
        return []
    return [i for i in NAV_ITEMS if not i.roles or current_user.has_role(*i.roles)]


PHONE_BAR_SIZE = 5


def phone_nav_items() -> list[NavItem]:
    """The bottom bar on phones: at most five items, and «Профиль» (the last) is always there."""
    items = [i for i in nav_items() if i.on_phone]
    return items if len(items) <= PHONE_BAR_SIZE else items[:PHONE_BAR_SIZE - 1] + items[-1:]


def register(app: Flask) -> None:
    app.jinja_env.filters.update(ru_date=ru_date, ru_datetime=ru_datetime, short_date=short_date, quoted=quoted,
                                 gendered=gendered,
                                 dict_without_page=lambda d: {k: v for k, v in d.items() if k != "page"})
    app.jinja_env.globals.update(plural=plural, nav_items=nav_items, home_panels=home_panels, gender_of=gender_of,
                                 phone_nav_items=phone_nav_items,
                                 MONTHS_NOMINATIVE=MONTHS_NOMINATIVE)

    @app.context_processor
    def current_endpoint():
        return {"current_endpoint": request.endpoint or "", "app_name": app.config["APP_NAME"]}

    add_nav_item(NavItem("home.index", "Главная", "home", order=0))
    add_nav_item(NavItem("accounts.profile", "Профиль", "person", order=100))


def megabytes(size: int) -> str:
    """A size as people say it (an upload limit): «25 МБ», «1,5 МБ», «512 КБ»."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} КБ"
    value = size / (1024 * 1024)
    text = f"{value:.0f}" if value.is_integer() or value >= 10 else f"{value:.1f}".replace(".", ",")
    return f"{text} МБ"


def fmt_number(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "—"
    text = f"{value:.{digits}f}".replace(".", ",").replace("-", "−")
    return text
