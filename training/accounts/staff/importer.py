"""Import of the organisation structure and staff from CSV/XLSX.

All-or-nothing: every row is validated first and every error is collected with its line and column;
the database is touched only when the whole file is valid. People are matched by personnel number within
their regional service, so re-importing the same file changes nothing and an edited file updates people
in place."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import email_validator
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from training.accounts import scopes
from training.accounts.models import Role, User, normalise_email
from training.accounts.services import issue_one_time_password, user_snapshot
from training.audit import services as audit
from training.errors import Conflict
from training.extensions import db
from training.org.models import Centre, Department, DepartmentKind, Region, RegionalService
from training.tabular import ImportRejected, Problem, cell_text, column_letter, parse_date, read_table

# Closed departmental networks use internal «.local» mail domains: accept them.
email_validator.SPECIAL_USE_DOMAIN_NAMES = [d for d in email_validator.SPECIAL_USE_DOMAIN_NAMES if d != "local"]

# Column headers a person sees in the template, and the field each fills. Alternatives are accepted.
COLUMNS: list[tuple[str, str, bool, tuple[str, ...]]] = [
    # (field, header, required, also accepted headers)
    ("region_code", "Код региона", True, ("код субъекта",)),
    ("region_name", "Субъект РФ", True, ("регион", "субъект")),
    ("service", "СЗН", True, ("служба занятости", "региональная сзн")),
    ("centre", "ЦЗН", False, ("центр занятости",)),
    ("department", "Подразделение", False, ("отдел",)),
    ("department_kind", "Тип подразделения", False, ()),
    ("personnel_number", "Табельный номер", True, ("таб. номер", "табельный №")),
    ("full_name", "ФИО", True, ("фамилия имя отчество",)),
    ("position", "Должность", True, ()),
    ("email", "E-mail", True, ("email", "электронная почта", "почта", "e-mail адрес")),
    ("hire_date", "Дата приёма", True, ("дата приема", "дата приёма на работу", "дата приема на работу")),
    ("roles", "Роли", False, ("роль",)),
]
TEMPLATE_HEADER = [header for _, header, _, _ in COLUMNS]

_ROLE_BY_NAME = {role.label.lower(): role for role in Role} | {r.value: r for r in Role} | {
    "руководитель": Role.MANAGER, "hr": Role.HR, "кадры": Role.HR, "админ": Role.ADMIN, "учитель": Role.TEACHER,
    "куратор": Role.TEACHER,
}
_KIND_BY_NAME = {kind.label: kind for kind in DepartmentKind} | {k.value: k for k in DepartmentKind}
_NAME_RE = re.compile(r"^[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?(?: [А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?){1,3}$")


def guess_department_kind(name: str) -> DepartmentKind:
    lowered = name.lower()
    if "фронт" in lowered or "приём" in lowered or "прием" in lowered:
        return DepartmentKind.FRONT_OFFICE
    if "колл" in lowered or "call" in lowered or "контакт-центр" in lowered:
        return DepartmentKind.CALL_CENTRE
    if "бэк" in lowered or "back" in lowered:
        return DepartmentKind.BACK_OFFICE
    if "руковод" in lowered:
        return DepartmentKind.MANAGEMENT
    return DepartmentKind.OTHER


@dataclass
class StaffRow:
    line: int
    region_code: str
    region_name: str
    service: str
    centre: str
    department: str
    department_kind: DepartmentKind | None
    personnel_number: str
    full_name: str
    position: str
    email: str
    hire_date: date
    roles: set[Role]


@dataclass
class ImportResult:
    created: list[tuple[User, str]] = field(default_factory=list)  # (user, one-time password)
    updated: list[User] = field(default_factory=list)
    unchanged: int = 0
    org_created: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.org_created)


def _map_header(header: list[str]) -> tuple[dict[str, int], list[Problem]]:
    problems: list[Problem] = []
    index: dict[str, int] = {}
    normalised = [h.strip().lower().replace("ё", "е") for h in header]
    for field_name, title, required, aliases in COLUMNS:
        names = {title.lower().replace("ё", "е"), *(a.replace("ё", "е") for a in aliases)}
        found = [i for i, h in enumerate(normalised) if h in names]
        if found:
            index[field_name] = found[0]
        elif required:
            problems.append(Problem(1, title, "нет такого столбца в заголовке. Скачайте шаблон и сверьте названия."))
    return index, problems


# Files uploaded through the site hold at most this many staff rows (STAFF_IMPORT_MAX_ROWS); a larger file is
# refused at once, before any validation, and goes through `flask org import` on the server (no limit).
MAX_ROWS = 20_000
LARGE_FILE_HINT = ("Разделите файл на части или попросите администратора загрузить его на сервере командой "
                   "«flask org import».")


def parse_staff_file(filename: str, data: bytes, max_rows: int | None = MAX_ROWS) -> list[StaffRow]:
    """Validate the whole file; raise :class:`ImportRejected` with the problems (the first
    tabular.MAX_PROBLEMS_SHOWN, the rest counted), or return clean rows."""
    table = read_table(filename, data, max_rows=max_rows, too_many_hint=LARGE_FILE_HINT)
    index, problems = _map_header(table.header)
    if problems:
        raise ImportRejected(problems)
    if not table.rows:
        raise ImportRejected([Problem(2, None, "в файле нет ни одной строки с сотрудниками.")])

    rows: list[StaffRow] = []
    seen_numbers: dict[tuple[str, str], int] = {}
    seen_emails: dict[str, int] = {}
    service_region: dict[str, tuple[str, int]] = {}
    region_names: dict[str, tuple[str, int]] = {}
    for line, cells in table.rows:
        row_problems: list[Problem] = []

        def value(field_name: str, cells: list = cells) -> Any:
            i = index.get(field_name)
            return cells[i] if i is not None and i < len(cells) else ""

        def text(field_name: str) -> str:
            return re.sub(r"\s+", " ", cell_text(value(field_name)))

        def problem(field_name: str, message: str, row_problems: list = row_problems, line: int = line) -> None:
            title = next(t for f, t, _, _ in COLUMNS if f == field_name)
            where = f"{title} ({column_letter(index[field_name])})" if field_name in index else title
            row_problems.append(Problem(line, where, message))

        for field_name, _title, required, _ in COLUMNS:
            if required and not text(field_name):
                problem(field_name, "обязательное поле не заполнено.")

        region_code = text("region_code")
        if region_code and not re.fullmatch(r"\d{2,3}", region_code):
            problem("region_code", f"«{region_code}» — код региона должен состоять из 2–3 цифр.")
        region_code = region_code.zfill(2) if region_code.isdigit() else region_code

        full_name = text("full_name")
        if full_name and not _NAME_RE.match(full_name):
            problem("full_name", f"«{full_name}» — укажите фамилию, имя и (при наличии) отчество "
                                 "кириллицей, каждое с заглавной буквы.")

        email = normalise_email(text("email"))
        if email:
            try:
                checked = validate_email(email, check_deliverability=False, globally_deliverable=False)
            except EmailNotValidError:
                problem("email", f"«{email}» — неверный адрес электронной почты.")
            else:
                if "." not in checked.ascii_domain:  # «name@example» is no address mail can reach
                    problem("email", f"«{email}» — неверный адрес электронной почты: в домене нет точки "
                                     "(например, name@szn.example.ru).")
                email = checked.normalized.lower()

        hire_date: date | None = None
        if text("hire_date"):
            try:
                hire_date = parse_date(value("hire_date"))
            except ValueError as exc:
                problem("hire_date", str(exc) + ".")
            else:
                if hire_date > date.today():
                    problem("hire_date", "дата приёма не может быть в будущем.")
                elif hire_date.year < 1950:
                    problem("hire_date", "слишком ранняя дата приёма.")

        roles: set[Role] = set()
        for name in filter(None, (r.strip().lower() for r in re.split(r"[,;/]", text("roles")))):
            role = _ROLE_BY_NAME.get(name)
            if role is None:
                problem("roles", f"неизвестная роль «{name}». Допустимо: " + ", ".join(Role.labels().values()) + ".")
            else:
                roles.add(role)

        kind_text = text("department_kind").lower()
        kind: DepartmentKind | None = None
        if kind_text:
            kind = _KIND_BY_NAME.get(kind_text)
            if kind is None:
                problem("department_kind", f"неизвестный тип «{kind_text}». Допустимо: "
                        + ", ".join(DepartmentKind.labels().values()) + ".")

        centre, department, service = text("centre"), text("department"), text("service")
        if department and not centre:
            problem("centre", "подразделение указано без ЦЗН.")
        if Role.MANAGER in roles and not centre:
            problem("roles", "руководителю ЦЗН нужно указать его ЦЗН.")

        if service and region_code:
            known = service_region.setdefault(service, (region_code, line))
            if known[0] != region_code:
                problem("region_code", f"СЗН «{service}» в строке {known[1]} указана с кодом региона {known[0]}.")
        if region_code and text("region_name"):
            known_name = region_names.setdefault(region_code, (text("region_name"), line))
            if known_name[0] != text("region_name"):
                problem("region_name", f"код {region_code} в строке {known_name[1]} назван «{known_name[0]}».")

        number = text("personnel_number")
        if number and service:
            first = seen_numbers.setdefault((service, number), line)
            if first != line:
                problem("personnel_number", f"табельный номер {number} уже встречается в строке {first}.")
        if email:
            first = seen_emails.setdefault(email, line)
            if first != line:
                problem("email", f"адрес {email} уже встречается в строке {first}.")

        if row_problems:
            problems.extend(row_problems)
            continue
        rows.append(StaffRow(line=line, region_code=region_code, region_name=text("region_name"), service=service,
                             centre=centre, department=department, department_kind=kind,
                             personnel_number=number, full_name=full_name, position=text("position"),
                             email=email, hire_date=hire_date, roles=roles or {Role.EMPLOYEE}))
    if problems:
        raise ImportRejected(problems)
    return rows


def _check_against_database(actor: User, rows: list[StaffRow]) -> None:
    problems: list[Problem] = []
    emails = {row.email for row in rows}
    by_email = {u.email: u for u in db.session.scalars(select(User).where(User.email.in_(emails)))}
    regions_by_code = {r.code: r for r in db.session.scalars(select(Region))}
    services = {s.name: s for s in db.session.scalars(select(RegionalService))}
    for row in rows:
        region = regions_by_code.get(row.region_code)
        if region is not None and region.name != row.region_name:
            problems.append(Problem(row.line, "Субъект РФ", f"регион с кодом {row.region_code} уже называется "
                                                            f"«{region.name}»."))
        service = services.get(row.service)
        if service is not None and service.region.code != row.region_code:
            problems.append(Problem(row.line, "Код региона", f"СЗН «{row.service}» относится к региону "
                                                             f"{service.region.code}."))
        if not actor.has_role(Role.ADMIN):
            if service is None or not scopes.can_administer(actor, service):
                problems.append(Problem(row.line, "СЗН", "вы можете загружать сотрудников только своей СЗН."))
            if Role.ADMIN in row.roles:
                problems.append(Problem(row.line, "Роли", "роль «администратор» может назначить только "
                                                          "администратор."))
        owner = by_email.get(row.email)
        if owner is not None and not (owner.personnel_number == row.personnel_number
                                      and owner.service is not None and owner.service.name == row.service):
            problems.append(Problem(row.line, "E-mail", f"адрес {row.email} уже принадлежит другому сотруднику."))
        if service is not None:
            existing = db.session.scalar(select(User).where(User.regional_service_id == service.id,
                                                            User.personnel_number == row.personnel_number))
            if existing is not None and existing.has_role(Role.ADMIN) and not scopes.can_administer(actor, existing):
                problems.append(Problem(row.line, "Табельный номер", "данные администратора может менять только "
                                                                      "администратор."))
    if problems:
        raise ImportRejected(problems)


def import_staff(actor: User, filename: str, data: bytes, max_rows: int | None = MAX_ROWS) -> ImportResult:
    """Validate and apply a staff file. Raises :class:`ImportRejected` and changes nothing on any error.

    The same file uploaded twice at once (two tabs, two workers) races on the unique keys of people, centres and
    departments: the loser's savepoint rolls back and it applies the file again, now finding the winner's rows
    (updates, or nothing to change), so every person exists once."""
    for attempt in range(3):
        try:
            with db.session.begin_nested():
                return _apply_staff_file(actor, filename, data, max_rows)
        except IntegrityError:
            if attempt == 2:
                raise Conflict("Этот файл сейчас загружается ещё раз: дождитесь окончания и повторите.") from None
    raise AssertionError("unreachable")  # pragma: no cover


def _apply_staff_file(actor: User, filename: str, data: bytes, max_rows: int | None) -> ImportResult:
    rows = parse_staff_file(filename, data, max_rows)
    _check_against_database(actor, rows)
    result = ImportResult()
    regions: dict[str, Region] = {r.code: r for r in db.session.scalars(select(Region))}
    services: dict[str, RegionalService] = {s.name: s for s in db.session.scalars(select(RegionalService))}
    centres: dict[tuple[int, str], Centre] = {}
    departments: dict[tuple[int, str], Department] = {}

    def get_region(row: StaffRow) -> Region:
        if row.region_code not in regions:
            regions[row.region_code] = Region(code=row.region_code, name=row.region_name)
            db.session.add(regions[row.region_code])
            result.org_created += 1
        return regions[row.region_code]

    def get_service(row: StaffRow) -> RegionalService:
        if row.service not in services:
            services[row.service] = RegionalService(name=row.service, region=get_region(row))
            db.session.add(services[row.service])
            db.session.flush()
            result.org_created += 1
            audit.record(actor, "org.service_create", "regional_service", services[row.service].id,
                         after={"name": row.service}, summary=f"Создана СЗН «{row.service}»")
        return services[row.service]

    def get_centre(service: RegionalService, name: str) -> Centre:
        key = (service.id, name)
        if key not in centres:
            centre = db.session.scalar(select(Centre).where(Centre.regional_service_id == service.id,
                                                            Centre.name == name))
            if centre is None:
                centre = Centre(service=service, name=name)
                db.session.add(centre)
                db.session.flush()
                result.org_created += 1
                audit.record(actor, "org.centre_create", "centre", centre.id, after={"name": name},
                             summary=f"Создан ЦЗН «{name}»")
            centres[key] = centre
        return centres[key]

    def get_department(centre: Centre, name: str, kind: DepartmentKind | None) -> Department:
        key = (centre.id, name)
        if key not in departments:
            department = db.session.scalar(select(Department).where(Department.centre_id == centre.id,
                                                                    Department.name == name))
            if department is None:
                department = Department(centre=centre, name=name, kind=kind or guess_department_kind(name))
                db.session.add(department)
                db.session.flush()
                result.org_created += 1
                audit.record(actor, "org.department_create", "department", department.id,
                             after={"name": name, "centre": centre.name}, summary=f"Создано подразделение «{name}»")
            elif kind is not None and department.kind != kind:
                before = {"kind": department.kind}
                department.kind = kind
                audit.record(actor, "org.department_update", "department", department.id, before=before,
                             after={"kind": kind})
            departments[key] = department
        return departments[key]

    for row in rows:
        service = get_service(row)
        centre = get_centre(service, row.centre) if row.centre else None
        department = get_department(centre, row.department, row.department_kind) if centre and row.department else None
        user = db.session.scalar(select(User).where(User.regional_service_id == service.id,
                                                    User.personnel_number == row.personnel_number))
        values = {"email": row.email, "full_name": row.full_name, "position": row.position,
                  "hire_date": row.hire_date, "centre_id": centre.id if centre else None,
                  "department_id": department.id if department else None}
        if user is None:
            user = User(regional_service_id=service.id, personnel_number=row.personnel_number, **values)
            user.set_roles(row.roles)
            db.session.add(user)
            password = issue_one_time_password(user)
            db.session.flush()
            result.created.append((user, password))
            audit.record(actor, "user.import_create", "user", user.id, after=user_snapshot(user),
                         summary=f"Импорт: добавлен сотрудник {user.full_name}")
            continue
        before = user_snapshot(user)
        for name, new_value in values.items():
            if getattr(user, name) != new_value:
                setattr(user, name, new_value)
        if user.roles != row.roles:
            user.set_roles(row.roles)
        if audit.record_changes(actor, "user.import_update", "user", user.id, before=before,
                                after=user_snapshot(user), summary=f"Импорт: обновлён сотрудник {user.full_name}"):
            result.updated.append(user)
        else:
            result.unchanged += 1
    db.session.flush()
    if result.changed:
        audit.record(actor, "org.import", "import", None,
                     after={"file": filename, "created": len(result.created), "updated": len(result.updated),
                            "unchanged": result.unchanged},
                     summary=f"Импорт сотрудников из «{filename}»")
    return result


def template_rows() -> list[list[str]]:
    return [
        ["52", "Нижегородская область", "Министерство социальной политики Нижегородской области",
         "ЦЗН г. Дзержинска", "Фронт-офис", "фронт-офис", "000123", "Иванова Мария Петровна",
         "Ведущий инспектор", "m.ivanova@example.ru", "01.09.2019", "сотрудник"],
        ["52", "Нижегородская область", "Министерство социальной политики Нижегородской области",
         "ЦЗН г. Дзержинска", "", "", "000007", "Смирнов Олег Игоревич", "Директор",
         "o.smirnov@example.ru", "15.03.2015", "руководитель ЦЗН, сотрудник"],
    ]
