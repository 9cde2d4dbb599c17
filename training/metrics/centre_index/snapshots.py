"""The stored figures: one :class:`IndexSnapshot` per scope and period, refreshed when data arrives.

Data arrival (client feedback, an operational import, an IQS check, new weights) calls :func:`bump`, which
increments ``data_version`` of the affected snapshots in the same transaction as the data. After the commit
the background worker (metrics/centre_index/tasks.py; or the periodic job, or ``flask metrics recompute``) calls
:func:`refresh_stale`, which computes
each stale snapshot from the data and writes it only if no newer computation has been stored meanwhile
(``computed_version < version seen``). Dashboards read snapshots and never compute from raw data."""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import (
    Column,
    Date,
    MetaData,
    String,
    Table,
    and_,
    bindparam,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    text,
    union_all,
    update,
)

from training.accounts.models import User
from training.db import dialect_insert, utcnow
from training.extensions import db
from training.measures import formulas
from training.measures.formulas import MetricValueError
from training.measures.periods import KINDS, MONTH, WEEK, Period, local_today, period_of, periods_touching
from training.measures.scales import ANCHORS, GROUPS, INDEX_INDICATORS, centre_index, normalise, weights_in_force
from training.metrics.centre_index import checklists
from training.metrics.centre_index.csi import csi_figure, csi_weight_sets, csi_weights_in_force
from training.metrics.centre_index.models import DiscoveryMark, IndexSnapshot, ScopeKind
from training.metrics.centre_index.weights import weight_sets
from training.metrics.feedback.aspects import CSI_CODES, aspect_indicator
from training.metrics.feedback.models import (
    Channel,
    ClientAspectScore,
    ClientFeedback,
    ClientServiceMark,
    Touchpoint,
)
from training.metrics.operations.models import IqsAssessment, OperationalReport
from training.metrics.surveys.models import SurveyInvitation, SurveyKind
from training.org.models import Centre, Department
from training.tasks import after_commit

ORGANISATION, SERVICE, CENTRE = ScopeKind.ORGANISATION, ScopeKind.SERVICE, ScopeKind.CENTRE
DEPARTMENT, EMPLOYEE = ScopeKind.DEPARTMENT, ScopeKind.EMPLOYEE
SCOPE_KINDS = tuple(ScopeKind)
#: Display rule of docs/metrics.md 3.5: the index is published with coverage ≥ 0.6 and ≥ 3 groups present.
MIN_COVERAGE, MIN_GROUPS = 0.6, 3


# --- marking stale -------------------------------------------------------------------------------------------


def scopes_of(*, service_id: int | None, centre_id: int | None = None, department_id: int | None = None,
              employee_id: int | None = None) -> list[tuple[str, int]]:
    scopes = [(ORGANISATION, 0)]
    if service_id:
        scopes.append((SERVICE, service_id))
    if centre_id:
        scopes.append((CENTRE, centre_id))
    if department_id:
        scopes.append((DEPARTMENT, department_id))
    if employee_id:
        scopes.append((EMPLOYEE, employee_id))
    return scopes


#: the background task (metrics/centre_index/tasks.py) that recomputes one centre's stale figures
REFRESH_CENTRE = "metrics.refresh-centre"


def bump(scopes: Iterable[tuple[str, int]], days: Iterable[date]) -> None:
    """Mark the snapshots of ``scopes`` for the weeks and months containing ``days`` as stale (creating
    them when missing), and queue the recompute of the centre's figures for after the commit (coalesced per
    centre: training/tasks.py). One statement whatever is missing (INSERT … ON CONFLICT DO UPDATE: a client's
    answer touches ten snapshots), and atomic increments: concurrent arrivals never lose a bump. The rows are
    written in one order (sorted), so two arrivals never wait for each other's rows crosswise."""
    periods = {period_of(kind, day) for day in set(days) for kind in KINDS}
    scopes = set(scopes)
    _bump_rows([(kind, scope_id, period) for kind, scope_id in scopes for period in periods])
    for kind, scope_id in scopes:
        if kind == CENTRE and periods:
            after_commit(REFRESH_CENTRE, scope_id)


def _bump_rows(keys: Iterable[tuple[str, int, Period]], chunk: int = 1000) -> None:
    """Bump the snapshots (scope kind, scope id, period), creating the missing ones: one upsert per ``chunk``
    rows, in sorted order."""
    wanted = sorted({(str(kind), scope_id, str(period.kind), period.start, period.end)
                     for kind, scope_id, period in keys})
    table = IndexSnapshot.__table__
    for first in range(0, len(wanted), chunk):
        stmt = dialect_insert(db.session)(table).values([
            {"scope_kind": kind, "scope_id": scope_id, "period_kind": period_kind, "period_start": start,
             "period_end": end, "data_version": 1, "computed_version": 0}
            for kind, scope_id, period_kind, start, end in wanted[first:first + chunk]])
        db.session.execute(stmt.on_conflict_do_update(
            index_elements=["scope_kind", "scope_id", "period_kind", "period_start"],
            set_={"data_version": table.c.data_version + 1}))


def mark_service_stale_from(service_id: int, since: date) -> int:
    """New weights: every snapshot of the service's scopes whose period starts on or after ``since``."""

    centre_ids = select(Centre.id).where(Centre.regional_service_id == service_id)
    department_ids = select(Department.id).where(Department.centre_id.in_(centre_ids))
    employee_ids = select(User.id).where(User.regional_service_id == service_id)
    stmt = update(IndexSnapshot).where(
        IndexSnapshot.period_start >= since,
        or_((IndexSnapshot.scope_kind == SERVICE) & (IndexSnapshot.scope_id == service_id),
            (IndexSnapshot.scope_kind == CENTRE) & IndexSnapshot.scope_id.in_(centre_ids),
            (IndexSnapshot.scope_kind == DEPARTMENT) & IndexSnapshot.scope_id.in_(department_ids),
            (IndexSnapshot.scope_kind == EMPLOYEE) & IndexSnapshot.scope_id.in_(employee_ids)),
    ).values(data_version=IndexSnapshot.data_version + 1).execution_options(synchronize_session=False)
    return db.session.execute(stmt).rowcount


# --- recomputing ---------------------------------------------------------------------------------------------

#: Scopes whose figures the centre's background task recomputes (:data:`REFRESH_CENTRE`). A service's and the
#: organisation's snapshots aggregate every answer of a region or of the country (~170,000 a month at federal
#: scale), so they are left to the every-minute job (``metrics.refresh-snapshots``) — docs/PERFORMANCE.md,
#: «Federal scale».
CENTRE_SCOPES = (CENTRE, DEPARTMENT, EMPLOYEE)


def _of_centre(centre_id: int):
    """Condition on IndexSnapshot: the centre's own snapshots, its departments' and its staff's."""
    return or_(
        and_(IndexSnapshot.scope_kind == CENTRE, IndexSnapshot.scope_id == centre_id),
        and_(IndexSnapshot.scope_kind == DEPARTMENT,
             IndexSnapshot.scope_id.in_(select(Department.id).where(Department.centre_id == centre_id))),
        and_(IndexSnapshot.scope_kind == EMPLOYEE,
             IndexSnapshot.scope_id.in_(select(User.id).where(User.centre_id == centre_id))))


def is_pending(centre_id: int | None) -> bool:
    """Whether some figure of the centre waits for its recompute («обновляется» on its pages)."""
    if not centre_id:
        return False
    return db.session.scalar(select(exists().where(
        _of_centre(centre_id), IndexSnapshot.computed_version < IndexSnapshot.data_version))) or False


def refresh_stale(limit: int | None = None, *, centre_id: int | None = None) -> int:
    """Recompute stale snapshots (all, or those of one centre: :func:`_of_centre`). Returns how many were written.

    Set-based reading and writing: the stale snapshots are grouped by scope kind and period; each group's data
    (answers, aspect marks, IQS, operational reports, the scopes' services) are read with one grouped query per
    source for up to :data:`BATCH` scopes, instead of ~8 statements per snapshot, and the chunk's computations are
    written with one conditional UPDATE per chunk (an executemany) and one commit (docs/PERFORMANCE.md, «Full
    recompute»). Each row is written only if no newer computation was stored meanwhile (``computed_version <``
    the version read before computing), so a bump that arrives during the computation leaves its snapshot stale
    for the next run; locks are held only for the chunk's write."""
    query = select(IndexSnapshot.id, IndexSnapshot.scope_kind, IndexSnapshot.scope_id, IndexSnapshot.period_kind,
                   IndexSnapshot.period_start, IndexSnapshot.period_end, IndexSnapshot.data_version) \
        .where(IndexSnapshot.computed_version < IndexSnapshot.data_version) \
        .order_by(IndexSnapshot.period_start.desc(), IndexSnapshot.id)
    if centre_id is not None:
        query = query.where(_of_centre(centre_id))
    if limit:
        query = query.limit(limit)
    groups: dict[tuple[str, Period], list[tuple[int, int, int]]] = defaultdict(list)
    for snapshot_id, kind, scope_id, period_kind, start, end, version in db.session.execute(query).all():
        groups[(kind, Period(period_kind, start, end))].append((snapshot_id, scope_id, version))
    written = 0
    cache = _SetsCache()
    for (kind, period), members in groups.items():
        for offset in range(0, len(members), BATCH):
            chunk = members[offset:offset + BATCH]
            inputs = _read_inputs(kind, [scope_id for _, scope_id, _ in chunk], period, cache)
            computed = [(snapshot_id, version, compute(kind, scope_id, period, inputs[scope_id]))
                        for snapshot_id, scope_id, version in chunk]
            _without_waiting_for_disk()
            written += _store_many(computed)
            db.session.commit()
    return written


class _SetsCache:
    """The weight sets of each service, read once per :func:`refresh_stale` (a run does not outlive a change of
    weights: publishing one marks the service's snapshots stale for the next run)."""

    def __init__(self):
        self.index: dict[int | None, list] = {}
        self.csi: dict[int | None, list] = {}
        self.touchpoint_names: dict[int, str] | None = None

    def index_sets(self, service_id: int | None) -> list:
        if service_id not in self.index:
            self.index[service_id] = weight_sets(service_id)
        return self.index[service_id]

    def csi_sets(self, service_id: int | None) -> list:
        if service_id not in self.csi:
            self.csi[service_id] = csi_weight_sets(service_id)
        return self.csi[service_id]

    def names(self) -> dict[int, str]:
        if self.touchpoint_names is None:
            self.touchpoint_names = _touchpoint_names()
        return self.touchpoint_names


#: scopes whose data one grouped query reads at once in :func:`refresh_stale`
BATCH = 500


class _Inputs:
    """What :func:`compute` reads for one scope and period, read for many scopes at once."""

    __slots__ = ("answers", "aspects", "service_marks", "employed_marks", "iqs", "reports", "weight_sets",
                 "csi_weight_sets", "touchpoint_names", "checklists")

    def __init__(self, touchpoint_names: dict[int, str]):
        self.answers: list = []
        self.aspects: list = []
        self.service_marks: list = []
        self.employed_marks: list = []  # CSI marks of the survey after employment, from those who work now
        self.iqs: tuple = (None, 0)
        self.reports: list[OperationalReport] = []
        self.weight_sets: list = []
        self.csi_weight_sets: list = []
        self.touchpoint_names = touchpoint_names
        self.checklists: dict[str, Any] = {}  # figures of checklists (checklist_figures)


def _scope_column(model, kind: str):
    name = {SERVICE: "regional_service_id", CENTRE: "centre_id", DEPARTMENT: "department_id",
            EMPLOYEE: "employee_id"}.get(kind)
    return None if name is None else getattr(model, name)


def _grouped(model, kind: str, scope_ids: list[int]):
    """(scope column or a constant 0 for the organisation, conditions) for reading many scopes in one query."""

    column = _scope_column(model, kind)
    if column is None:
        return literal(0), []
    return column, [column.in_(scope_ids)]


def _read_inputs(kind: str, scope_ids: list[int], period: Period, cache: _SetsCache | None = None
                 ) -> dict[int, _Inputs]:
    cache = cache or _SetsCache()
    names = cache.names()
    inputs = {scope_id: _Inputs(names) for scope_id in scope_ids}
    key = (lambda value: value) if kind != ORGANISATION else (lambda value: scope_ids[0])
    column, within = _grouped(ClientFeedback, kind, scope_ids)
    dates = [ClientFeedback.local_date >= period.start, ClientFeedback.local_date <= period.end, *within]
    for scope_value, *row in db.session.execute(
            select(column, *_ANSWER_COLUMNS, func.count()).where(*dates).group_by(column, *_ANSWER_COLUMNS)):
        inputs[key(scope_value)].answers.append(tuple(row))
    for scope_value, is_centre, *row in db.session.execute(_marks_query(kind, dates, column)):
        target = inputs[key(scope_value)]
        (target.service_marks if is_centre else target.aspects).append(tuple(row))
    if kind in CENTRE_LEVELS:
        for scope_value, *row in db.session.execute(_employed_csi_query(dates, column)):
            inputs[key(scope_value)].employed_marks.append(tuple(row))
    column, within = _grouped(IqsAssessment, kind, scope_ids)
    for scope_value, avg, count in db.session.execute(
            select(column, func.avg(IqsAssessment.score), func.count())
            .where(IqsAssessment.conversation_date >= period.start, IqsAssessment.conversation_date <= period.end,
                   *within).group_by(column)):
        inputs[key(scope_value)].iqs = (avg, count)
    if kind in (ORGANISATION, SERVICE, CENTRE):
        column = _scope_column(OperationalReport, kind)
        query = select(OperationalReport).where(OperationalReport.period_start <= period.end,
                                                OperationalReport.period_end >= period.start)
        if column is not None:
            query = query.where(column.in_(scope_ids))
        for report in db.session.scalars(query.order_by(OperationalReport.period_start)).all():
            db.session.expunge(report)  # read-only here: the commit after the chunk must not expire (and reload) it
            inputs[key(getattr(report, column.key) if column is not None else 0)].reports.append(report)
    services_of = _services_of(kind, scope_ids)
    for scope_id, service_id in services_of.items():
        inputs[scope_id].weight_sets = cache.index_sets(service_id)
        if kind in CENTRE_LEVELS and inputs[scope_id].service_marks:  # CSI is about a centre, from its marks
            inputs[scope_id].csi_weight_sets = cache.csi_sets(service_id)
    for scope_id, found in checklist_figures(kind, services_of, period).items():
        inputs[scope_id].checklists = found
    return inputs


#: Scopes the regional checklist counts in: a fact about the regional service, the same for each of its centres
#: (never a department's or a person's); the comfort checklist is about a centre (and so its service and the
#: organisation: CENTRE_LEVELS)
CHECKLIST_LEVELS = (SERVICE, CENTRE)


def checklist_figures(kind: str, services_of: dict[int, int | None], period: Period) -> dict[int, dict[str, Any]]:
    """``{scope id: {indicator: figure}}`` of the checklists for scopes of one kind (their services given): two
    statements for the regional checklist, one for the comfort audits, whatever the number of scopes."""
    found: dict[int, dict[str, Any]] = defaultdict(dict)
    if kind in CHECKLIST_LEVELS:
        regional = checklists.regional_figures(services_of.values(), period.start)
        for scope_id, service_id in services_of.items():
            found[scope_id].update(regional.get(service_id, {}))
    if kind in CENTRE_LEVELS:
        for scope_id, figures in checklists.comfort_figures(str(kind), list(services_of), period.start).items():
            found[scope_id].update(figures)
    return {scope_id: figures for scope_id, figures in found.items() if figures}


def _services_of(kind: str, scope_ids: list[int]) -> dict[int, int | None]:
    """The regional service of each scope (what :func:`_service_of` gives one by one)."""

    if kind == SERVICE:
        return {scope_id: scope_id for scope_id in scope_ids}
    if kind == ORGANISATION:
        return {scope_id: None for scope_id in scope_ids}
    found: dict[int, int | None] = {scope_id: None for scope_id in scope_ids}
    if kind == CENTRE:
        query = select(Centre.id, Centre.regional_service_id).where(Centre.id.in_(scope_ids))
    elif kind == DEPARTMENT:
        query = select(Department.id, Centre.regional_service_id).join(Centre, Centre.id == Department.centre_id) \
            .where(Department.id.in_(scope_ids))
    else:
        query = select(User.id, User.regional_service_id).where(User.id.in_(scope_ids))
    found.update(dict(db.session.execute(query).all()))
    return found


def _store(snapshot_id: int, version: int, values: dict[str, Any]) -> int:
    """Write a computation unless a newer one was stored meanwhile (``computed_version < version``)."""
    result = db.session.execute(
        update(IndexSnapshot).where(IndexSnapshot.id == snapshot_id, IndexSnapshot.computed_version < version)
        .values(computed_version=version, computed_at=utcnow(), **values)
        .execution_options(synchronize_session=False))
    cached = db.session.identity_map.get(db.session.identity_key(IndexSnapshot, snapshot_id))
    if cached is not None:
        db.session.expire(cached)
    return result.rowcount


def _store_many(computed: list[tuple[int, int, dict[str, Any]]]) -> int:
    """:func:`_store` for many snapshots at once: one UPDATE executed for every row (an executemany), each row
    written unless a newer computation was stored meanwhile. Returns how many were written."""
    if not computed:
        return 0
    table = IndexSnapshot.__table__
    stmt = update(table).where(table.c.id == bindparam("snapshot_id"),
                               table.c.computed_version < bindparam("version_seen"))
    now = utcnow()
    rows = [{"snapshot_id": snapshot_id, "version_seen": version, "computed_version": version, "computed_at": now,
             **values} for snapshot_id, version, values in computed]
    written = db.session.connection().execute(stmt, rows).rowcount
    for snapshot_id, _, _ in computed:
        cached = db.session.identity_map.get(db.session.identity_key(IndexSnapshot, snapshot_id))
        if cached is not None:
            db.session.expire(cached)
    return written


def _without_waiting_for_disk() -> None:
    """A snapshot is a cache of figures recomputable from the data: its commit need not wait for the disk flush
    (PostgreSQL ``synchronous_commit = off`` for this transaction only). Should the server crash, the last few
    computations are lost and the rows stay stale (``computed_version < data_version``) until the next run;
    the data themselves are committed by their own requests, durably. At federal scale this removes a disk
    flush from each of ~5,000 commits of a full recompute (docs/PERFORMANCE.md)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL synchronous_commit = off"))


def recompute(snapshot_id: int) -> int:
    """Compute one snapshot and store it unless a newer computation was stored meanwhile. Reads the row
    with a query (not the session's identity map), so a bump made by this session is always seen."""
    row = db.session.execute(select(IndexSnapshot.scope_kind, IndexSnapshot.scope_id, IndexSnapshot.period_kind,
                                    IndexSnapshot.period_start, IndexSnapshot.period_end, IndexSnapshot.data_version)
                             .where(IndexSnapshot.id == snapshot_id)).one_or_none()
    if row is None:
        return 0
    kind, scope_id, period_kind, start, end, version = row
    return _store(snapshot_id, version, compute(kind, scope_id, Period(period_kind, start, end)))


def discover(today: date | None = None, *, full: bool = False) -> int:
    """Create (as stale) the snapshot of every scope and period that has data and none yet: the batch's starting
    point. A repair scan: normally every arrival creates its snapshots, so this finds few or none.

    From a high-water mark (:class:`DiscoveryMark`): only the answers, IQS checks and operational reports added
    since the last discovery are read (``full`` reads everything again, as ``flask metrics recompute --all``). The
    database finds the missing pairs (the new rows joined to their days' periods, anti-joined with the existing
    snapshots by their unique key); only those come back to Python (docs/PERFORMANCE.md). A row whose transaction
    commits after a discovery passed its id is left to its own arrival, which bumped its snapshots."""
    today = today or local_today()
    before = db.session.scalar(select(func.count()).select_from(IndexSnapshot)) or 0
    marks = {} if full else dict(db.session.execute(select(DiscoveryMark.source, DiscoveryMark.last_id)).all())
    sources = (("client_feedback", ClientFeedback, ClientFeedback.local_date),
               ("iqs_assessments", IqsAssessment, IqsAssessment.conversation_date))
    highs = {name: db.session.scalar(select(func.max(model.id))) or 0
             for name, model in (*((n, m) for n, m, _ in sources), ("operational_reports", OperationalReport))}
    missing: set[tuple[str, int, Period]] = set()
    days = sorted({day for name, model, day_column in sources
                   for day in db.session.scalars(select(day_column).distinct().where(
                       model.id > marks.get(name, 0), model.id <= highs[name])) if day <= today})
    if days:
        periods_table = _periods_of_days(days)
        for name, model, day_column in sources:
            if highs[name] > marks.get(name, 0):
                for kind in SCOPE_KINDS:
                    missing.update(_missing_snapshots(model, day_column, kind, periods_table,
                                                      (marks.get(name, 0), highs[name])))
        periods_table.drop(db.session.connection())
    pairs: dict[tuple[str, int], set[date]] = defaultdict(set)
    for report in db.session.scalars(select(OperationalReport).where(
            OperationalReport.id > marks.get("operational_reports", 0),
            OperationalReport.id <= highs["operational_reports"])):
        report_days = [p.start for kind in KINDS for p in periods_touching(kind, report.period_start,
                                                                              report.period_end)]
        for scope in scopes_of(service_id=report.regional_service_id, centre_id=report.centre_id):
            pairs[scope].update(report_days)
    existing = set()
    if pairs:
        existing = {tuple(row) for row in db.session.execute(
            select(IndexSnapshot.scope_kind, IndexSnapshot.scope_id, IndexSnapshot.period_kind,
                   IndexSnapshot.period_start)
            .where(IndexSnapshot.scope_kind.in_((ORGANISATION, SERVICE, CENTRE))))}
    for (kind, scope_id), report_days in pairs.items():
        for day in report_days:
            if day <= today:
                missing.update((kind, scope_id, period_of(period_kind, day)) for period_kind in KINDS)
    _bump_rows((kind, scope_id, period) for kind, scope_id, period in missing
               if (kind, scope_id, period.kind, period.start) not in existing)
    for name, high in highs.items():
        _set_mark(name, high)
    db.session.flush()
    return (db.session.scalar(select(func.count()).select_from(IndexSnapshot)) or 0) - before


def _set_mark(source: str, last_id: int) -> None:
    mark = db.session.get(DiscoveryMark, source)
    if mark is None:
        db.session.add(DiscoveryMark(source=source, last_id=last_id))
    elif mark.last_id != last_id:
        mark.last_id = last_id


def _periods_of_days(days: list[date]):
    """A temporary table: each day with its week and its month (two rows a day)."""

    table = Table("tmp_discover_periods", MetaData(), Column("day", Date, nullable=False),
                  Column("period_kind", String(10), nullable=False), Column("period_start", Date, nullable=False),
                  Column("period_end", Date, nullable=False), prefixes=["TEMPORARY"])
    connection = db.session.connection()
    table.drop(connection, checkfirst=True)
    table.create(connection)
    rows = [{"day": day, "period_kind": period.kind, "period_start": period.start, "period_end": period.end}
            for day in days for period in (period_of(kind, day) for kind in KINDS)]
    connection.execute(insert(table), rows)
    return table


def _missing_snapshots(model, day_column, kind: str, periods_table, ids: tuple[int, int]
                       ) -> list[tuple[str, int, Period]]:
    """(kind, scope, period) pairs with data of ``model`` (rows with ``ids[0] < id <= ids[1]``) and no snapshot
    yet, found by the database."""

    column = _scope_column(model, kind)
    scope = column if column is not None else literal(0)
    d = periods_table.c
    known = exists().where(IndexSnapshot.scope_kind == kind, IndexSnapshot.scope_id == scope,
                           IndexSnapshot.period_kind == d.period_kind, IndexSnapshot.period_start == d.period_start)
    conditions = [~known, model.id > ids[0], model.id <= ids[1]] + ([column.is_not(None)] if column is not None
                                                                     else [])
    query = (select(scope, d.period_kind, d.period_start, d.period_end).distinct()
             .select_from(model).join(periods_table, and_(d.day == day_column)).where(*conditions))
    return [(kind, int(scope_id), Period(period_kind, start, end))
            for scope_id, period_kind, start, end in db.session.execute(query)]


def mark_all_stale() -> int:
    stmt = update(IndexSnapshot).values(data_version=IndexSnapshot.data_version + 1) \
        .execution_options(synchronize_session=False)
    return db.session.execute(stmt).rowcount


# --- the computation -------------------------------------------------------------------------------------------


def _scope_filter(model, kind: str, scope_id: int) -> list:
    if kind == ORGANISATION:
        return []
    column = {SERVICE: model.regional_service_id, CENTRE: model.centre_id, DEPARTMENT: model.department_id,
              EMPLOYEE: model.employee_id}[kind]
    return [column == scope_id]


def _expand(counter: Counter) -> list[int]:
    return [value for value, count in sorted(counter.items()) for _ in range(count)]


def _safe(func_, *args) -> float | None:
    try:
        return func_(*args)
    except MetricValueError:
        return None


def _figure(value: float | None, n: int, **extra: Any) -> dict[str, Any] | None:
    if value is None or n <= 0:
        return None
    return {"value": value, "n": n, **extra}


_ANSWER_COLUMNS = (ClientFeedback.touchpoint_id, ClientFeedback.recommend, ClientFeedback.ces,
                   ClientFeedback.expectations, ClientFeedback.is_low, ClientFeedback.csat,
                   ClientFeedback.specialist_satisfaction, ClientFeedback.channel)

#: Scopes the clients' marks of the centre's service count in: they are about a centre, never about a
#: specialist or the department a specialist works in.
CENTRE_LEVELS = (ORGANISATION, SERVICE, CENTRE)


def _marks_query(kind: str, where: list, *columns):
    """The specialists' aspect marks and, for a centre and above, the centre's service marks, grouped by aspect
    (sum, count) in one statement; each row says which of the two it is (``is_centre``)."""
    specialist = (select(*columns, literal(0).label("is_centre"), ClientAspectScore.aspect_code,
                         func.sum(ClientAspectScore.score), func.count())
                  .join(ClientFeedback, ClientFeedback.id == ClientAspectScore.feedback_id)
                  .where(*where).group_by(*columns, ClientAspectScore.aspect_code))
    if kind not in CENTRE_LEVELS:
        return specialist
    centre = (select(*columns, literal(1).label("is_centre"), ClientServiceMark.aspect_code,
                     func.sum(ClientServiceMark.score), func.count())
              .join(ClientFeedback, ClientFeedback.id == ClientServiceMark.feedback_id)
              .where(*where).group_by(*columns, ClientServiceMark.aspect_code))
    return union_all(specialist, centre)


#: answers to «Вы сейчас работаете?» of the survey after employment that count as employed
EMPLOYED = ("centre", "self")


def _employed_csi_query(where: list, *columns):
    """The CSI marks given through the survey after employment by clients who said they work now, grouped by
    parameter (sum, count): «CSI после трудоустройства» (docs/metrics.md §6.11)."""
    return (select(*columns, ClientServiceMark.aspect_code, func.sum(ClientServiceMark.score), func.count())
            .join(ClientFeedback, ClientFeedback.id == ClientServiceMark.feedback_id)
            .join(SurveyInvitation, SurveyInvitation.feedback_id == ClientFeedback.id)
            .where(*where, SurveyInvitation.kind == SurveyKind.AFTER_EMPLOYMENT,
                   SurveyInvitation.employment.in_(EMPLOYED), ClientServiceMark.aspect_code.in_(CSI_CODES))
            .group_by(*columns, ClientServiceMark.aspect_code))


def _means(rows) -> dict[str, dict[str, Any]]:
    return {code: {"value": float(total) / count, "n": count} for code, total, count in rows if count}


def survey_figures(kind: str, scope_id: int, period: Period) -> dict[str, Any]:
    """Client metrics from the feedback of a scope and period (one grouped query for the answers, one for the
    marks)."""
    where = [ClientFeedback.local_date >= period.start, ClientFeedback.local_date <= period.end,
             *_scope_filter(ClientFeedback, kind, scope_id)]
    rows = db.session.execute(select(*_ANSWER_COLUMNS, func.count()).where(*where).group_by(*_ANSWER_COLUMNS)).all()
    aspect_rows, service_rows = [], []
    for is_centre, *row in db.session.execute(_marks_query(kind, where)):
        (service_rows if is_centre else aspect_rows).append(tuple(row))
    return _survey_from_rows(rows, aspect_rows, _touchpoint_names(), service_rows)


def _touchpoint_names() -> dict[int, str]:
    return dict(db.session.execute(select(Touchpoint.id, Touchpoint.name)).all())


def _channel_entries(by_channel: dict[str, dict[str, Counter]]) -> list[dict[str, Any]]:
    """Answers by the channel they came through (QR code, phone, paper, e-mail, SMS: docs/metrics.md 6.7), in the
    order of :class:`Channel`: n, low scores, NPS and CSAT where answered."""
    entries = []
    for channel in Channel:
        bucket = by_channel.get(channel.value)
        if not bucket:
            continue
        entry = {"channel": channel.value, "name": channel.label, "n": bucket["n"][0], "low": bucket["low"][0]}
        if bucket["recommend"]:
            entry["nps"] = formulas.nps(_expand(bucket["recommend"]))
        if bucket["csat"]:
            entry["csat"] = formulas.csat(_expand(bucket["csat"]))
        entries.append(entry)
    return entries


def _survey_from_rows(rows, aspect_rows, names: dict[int, str], service_rows=()) -> dict[str, Any]:
    """The fold of :func:`survey_figures`: answers grouped by (touchpoint, recommend, ces, expectations, is_low,
    csat, specialist satisfaction, channel) with their counts, the specialists' aspect marks grouped by aspect (sum,
    count) — they feed «staff_rating» — and the centre's service marks the same way, each feeding its indicator
    (comfort, personalisation)."""

    recommend, ces, expectations, csat, specialist = Counter(), Counter(), Counter(), Counter(), Counter()
    by_touchpoint: dict[int | None, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
    by_channel: dict[str, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
    total = low = 0
    for touchpoint_id, rec, ce, exp, is_low, sat, spec, channel, count in rows:
        total += count
        low += count if is_low else 0
        bucket = by_touchpoint[touchpoint_id]
        bucket["n"][0] += count
        by_answer_channel = by_channel[str(channel or Channel.QR)]
        by_answer_channel["n"][0] += count
        by_answer_channel["low"][0] += count if is_low else 0
        if rec is not None:
            by_answer_channel["recommend"][rec] += count
        if sat is not None:
            by_answer_channel["csat"][sat] += count
        if rec is not None:
            recommend[rec] += count
            bucket["recommend"][rec] += count
        if ce is not None:
            ces[ce] += count
            bucket["ces"][ce] += count
        if exp is not None:
            expectations[exp] += count
            bucket["expectations"][exp] += count
        if sat is not None:
            csat[sat] += count
        if spec is not None:
            specialist[spec] += count
    figures: dict[str, Any] = {"feedback_n": total, "low_n": low}
    nps_answers = _expand(recommend)
    if nps_answers:
        promoters = sum(c for v, c in recommend.items() if v >= 9)
        detractors = sum(c for v, c in recommend.items() if v <= 6)
        figures["nps"] = _figure(formulas.nps(nps_answers), len(nps_answers), promoters=promoters,
                                 detractors=detractors)
    if ces:
        figures["ces"] = _figure(formulas.ces(_expand(ces)), sum(ces.values()))
    if expectations:
        answers = _expand(expectations)
        figures["expectations_met"] = _figure(formulas.expectations_met(answers), len(answers))
    if csat:
        answers = _expand(csat)
        figures["csat"] = _figure(formulas.csat(answers), len(answers))
    if specialist:
        answers = _expand(specialist)
        figures["csat_staff"] = _figure(formulas.csat(answers), len(answers))
    touchpoints = []
    for touchpoint_id, bucket in by_touchpoint.items():
        entry = {"id": touchpoint_id, "name": names.get(touchpoint_id, "Без точки контакта"),
                 "n": bucket["n"][0]}
        if bucket["recommend"]:
            entry["nps"] = formulas.nps(_expand(bucket["recommend"]))
        if bucket["ces"]:
            entry["ces"] = formulas.ces(_expand(bucket["ces"]))
        if bucket["expectations"]:
            entry["expectations_met"] = formulas.expectations_met(_expand(bucket["expectations"]))
        touchpoints.append(entry)
    figures["by_touchpoint"] = sorted(touchpoints, key=lambda e: (-e["n"], e["name"]))
    figures["by_channel"] = _channel_entries(by_channel)
    aspects = {code: {"value": float(total_) / count, "n": count} for code, total_, count in aspect_rows if count}
    figures["aspects"] = aspects
    figures["service_aspects"] = {code: {"value": float(total_) / count, "n": count}
                                  for code, total_, count in service_rows if count}
    pooled: dict[str, list[float]] = defaultdict(lambda: [0.0, 0, 0])
    marks = [("staff_rating", *row) for row in aspect_rows]
    marks += [(aspect_indicator(row[0]), *row) for row in service_rows]
    for indicator, _code, total_, count in marks:
        if indicator is None:  # a CSI parameter: weighted into «csi» by compute(), never pooled
            continue
        target = pooled[indicator]
        target[0] += float(total_)
        target[1] += count
        target[2] = max(target[2], count)  # n: answers to the most-answered aspect of the indicator
    for indicator, (sum_, count, n) in pooled.items():
        if count:
            figures[indicator] = {"value": sum_ / count, "n": n}
    return figures


def iqs_figure(kind: str, scope_id: int, period: Period) -> dict[str, Any] | None:
    avg, count = db.session.execute(
        select(func.avg(IqsAssessment.score), func.count())
        .where(IqsAssessment.conversation_date >= period.start, IqsAssessment.conversation_date <= period.end,
               *_scope_filter(IqsAssessment, kind, scope_id))).one()
    return _iqs_from(avg, count)


def _iqs_from(avg, count) -> dict[str, Any] | None:
    return _figure(float(avg) if avg is not None else None, count or 0)


def reports_for(kind: str, scope_id: int, period: Period) -> list[OperationalReport]:
    """Operational reports used for a period: per centre, those inside the period; if there are none, the
    single report that covers the whole period (a week inside a monthly report). Partial overlaps are left
    out. Objective data exist only for centres, services and the organisation."""
    if kind not in (ORGANISATION, SERVICE, CENTRE):
        return []
    query = select(OperationalReport).where(OperationalReport.period_start <= period.end,
                                            OperationalReport.period_end >= period.start)
    if kind == SERVICE:
        query = query.where(OperationalReport.regional_service_id == scope_id)
    elif kind == CENTRE:
        query = query.where(OperationalReport.centre_id == scope_id)
    return _choose_reports(list(db.session.scalars(query.order_by(OperationalReport.period_start))), period)


def _choose_reports(reports_of_scope: list[OperationalReport], period: Period) -> list[OperationalReport]:
    """Of the reports overlapping the period (in period order), per centre those inside it, else one covering it."""
    by_centre: dict[int, list[OperationalReport]] = defaultdict(list)
    for report in reports_of_scope:
        by_centre[report.centre_id].append(report)
    chosen = []
    for reports in by_centre.values():
        inside = [r for r in reports if period.start <= r.period_start and r.period_end <= period.end]
        covering = [r for r in reports if r.period_start <= period.start and r.period_end >= period.end]
        chosen += inside or covering[:1]
    return chosen


def _sum(reports: list[OperationalReport], field: str) -> tuple[int | None, int]:
    """Sum of a field over the reports that have it, and the total appeals of those reports."""
    present = [r for r in reports if getattr(r, field) is not None]
    if not present:
        return None, 0
    return sum(getattr(r, field) for r in present), sum(r.total_appeals for r in present)


def _weighted_median(reports: list[OperationalReport], median: str, mean: str, n: str) -> dict[str, Any] | None:
    present = [r for r in reports if getattr(r, median) is not None and (getattr(r, n) or r.total_appeals)]
    if not present:
        return None
    weights = [getattr(r, n) or r.total_appeals for r in present]
    total = sum(weights)
    value = math.fsum(getattr(r, median) * w for r, w in zip(present, weights, strict=True)) / total
    means = [(getattr(r, mean), w) for r, w in zip(present, weights, strict=True) if getattr(r, mean) is not None]
    mean_value = math.fsum(m * w for m, w in means) / sum(w for _, w in means) if means else None
    return {"value": value, "n": total, "mean": mean_value, "reports": len(present)}


def objective_figures(reports: list[OperationalReport]) -> dict[str, Any]:
    if not reports:
        return {}
    figures: dict[str, Any] = {"reports": [{"centre_id": r.centre_id, "start": r.period_start.isoformat(),
                                            "end": r.period_end.isoformat()} for r in reports]}
    channels: Counter = Counter()
    for report in reports:
        channels.update(report.appeals_by_channel)
    total = sum(channels.values())
    figures["volume"] = {"value": total, "n": total, "by_channel": dict(channels)}
    resolved, received = _sum(reports, "resolved")
    if resolved is not None:
        figures["resolution_rate"] = _figure(_safe(formulas.resolution_rate, resolved, received), received)
    rfc, received = _sum(reports, "resolved_first_contact")
    if rfc is not None:
        figures["fcr"] = _figure(_safe(formulas.fcr, rfc, received), received)
        usable = [r for r in reports if r.resolved_first_contact is not None
                  and r.not_resolvable_first_contact is not None]
        if usable:
            rfc2 = sum(r.resolved_first_contact for r in usable)
            total2 = sum(r.total_appeals for r in usable)
            not_resolvable = sum(r.not_resolvable_first_contact for r in usable)
            figures["net_fcr"] = _figure(_safe(formulas.net_fcr, rfc2, total2, not_resolvable),
                                         total2 - not_resolvable)
    escalated, received = _sum(reports, "escalated")
    if escalated is not None:
        figures["escalation_rate"] = _figure(_safe(formulas.escalation_rate, escalated, received), received)
    with_replies = [r for r in reports if r.replies is not None]
    if with_replies:
        replies = sum(r.replies for r in with_replies)
        conversations = sum(r.conversations if r.conversations is not None else r.total_appeals
                            for r in with_replies)
        figures["replies_per_conversation"] = _figure(_safe(formulas.replies_per_conversation, replies,
                                                            conversations), conversations)
    figures["ttfr"] = _weighted_median(reports, "ttfr_median", "ttfr_mean", "ttfr_n")
    figures["waiting"] = _weighted_median(reports, "wait_median", "wait_mean", "wait_n")
    on_time = [r for r in reports if r.services_total is not None and r.services_on_time is not None]
    if on_time:
        total_services = sum(r.services_total for r in on_time)
        figures["on_time_share"] = _figure(
            _safe(formulas.resolution_rate, sum(r.services_on_time for r in on_time), total_services),
            total_services)
    support = [r for r in reports if r.clients_active is not None and r.clients_personal_support is not None]
    if support:
        active = sum(r.clients_active for r in support)
        figures["personal_support_share"] = _figure(
            _safe(formulas.resolution_rate, sum(r.clients_personal_support for r in support), active), active)
    return {k: v for k, v in figures.items() if v is not None}


#: index indicator key → key of the figure it reads
_INDICATOR_FIGURES = {
    "expectations_met": "expectations_met", "resolution_rate": "resolution_rate", "on_time_share": "on_time_share",
    "nps": "nps", "personal_support_share": "personal_support_share",
    "personalisation_rating": "personalisation_rating", "ces": "ces", "net_fcr": "net_fcr",
    "waiting_time_minutes": "waiting", "ttfr_minutes": "ttfr", "replies_per_conversation": "replies_per_conversation",
    "escalation_rate": "escalation_rate", "comfort_rating": "comfort_rating", "comfort_checklist": "comfort_checklist",
    "csat_staff": "csat_staff", "staff_rating": "staff_rating", "iqs": "iqs", "csi": "csi",
    **{key: key for key in checklists.INDICATORS},
}


def _service_of(kind: str, scope_id: int) -> int | None:

    if kind == SERVICE:
        return scope_id
    if kind == CENTRE:
        return db.session.scalar(select(Centre.regional_service_id).where(Centre.id == scope_id))
    if kind == DEPARTMENT:
        return db.session.scalar(select(Centre.regional_service_id).join(Department, Department.centre_id == Centre.id)
                                 .where(Department.id == scope_id))
    if kind == EMPLOYEE:
        return db.session.scalar(select(User.regional_service_id).where(User.id == scope_id))
    return None


def compute(kind: str, scope_id: int, period: Period, inputs: _Inputs | None = None) -> dict[str, Any]:
    """Every stored column of a snapshot, from the raw data of the scope and period (read here, or handed over
    already read for many scopes at once by :func:`refresh_stale`)."""

    if inputs is None:
        figures = survey_figures(kind, scope_id, period)
        iqs = iqs_figure(kind, scope_id, period)
        reports = reports_for(kind, scope_id, period)
        service_id = _service_of(kind, scope_id)
        sets = weight_sets(service_id)
        csi_sets = csi_weight_sets(service_id) if figures.get("service_aspects") else []
        employed = []
        if csi_sets and kind in CENTRE_LEVELS:
            employed = db.session.execute(_employed_csi_query(
                [ClientFeedback.local_date >= period.start, ClientFeedback.local_date <= period.end,
                 *_scope_filter(ClientFeedback, kind, scope_id)])).all()
        figures.update(checklist_figures(kind, {scope_id: service_id}, period).get(scope_id, {}))
    else:
        figures = _survey_from_rows(inputs.answers, inputs.aspects, inputs.touchpoint_names, inputs.service_marks)
        iqs = _iqs_from(*inputs.iqs)
        reports = _choose_reports(inputs.reports, period)
        sets = inputs.weight_sets
        csi_sets = inputs.csi_weight_sets
        employed = inputs.employed_marks
        figures.update(inputs.checklists)
    if csi_sets:
        csi_weights = csi_weights_in_force(csi_sets, period.start)
        csi = csi_figure(figures.get("service_aspects") or {}, csi_weights)
        if csi:
            figures["csi"] = csi
        csi_employed = csi_figure(_means(employed), csi_weights) if employed else None
        if csi_employed:
            figures["csi_employed"] = csi_employed
    if iqs:
        figures["iqs"] = iqs
    figures.update(objective_figures(reports))
    observations = {}
    for key, figure_key in _INDICATOR_FIGURES.items():
        figure = figures.get(figure_key)
        if figure and figure.get("value") is not None and figure.get("n"):
            observations[key] = (figure["value"], int(figure["n"]))
    if "net_fcr" not in observations and figures.get("fcr"):
        observations["fcr"] = (figures["fcr"]["value"], int(figures["fcr"]["n"]))
    weight_set = weights_in_force(sets, period.start)
    weights = dict(weight_set.weights)
    total_weight = sum(weights.values())
    weights = {key: weights.get(key, 0.0) / total_weight for key in GROUPS}
    try:
        result = centre_index(observations, weights) if observations else None
    except MetricValueError:
        result = None
    indicators = {}
    for indicator in INDEX_INDICATORS:
        observed = observations.get(indicator.key)
        source_key = indicator.key
        if observed is None and indicator.key == "net_fcr" and "fcr" in observations:
            observed, source_key = observations["fcr"], "fcr"
        entry: dict[str, Any] = {"group": indicator.group, "title": indicator.title, "weight": indicator.weight,
                                 "min_n": indicator.min_n, "source": indicator.source,
                                 "value": observed[0] if observed else None, "n": observed[1] if observed else 0,
                                 "unit": ANCHORS[indicator.anchor].unit, "substituted": source_key != indicator.key}
        if result and indicator.key in result.indicator_scores:
            entry["score"] = result.indicator_scores[indicator.key]
            entry["status"] = "used"
        elif observed:
            entry["score"] = normalise(observed[0], ANCHORS[indicator.anchor])
            entry["status"] = "insufficient"
        else:
            entry["score"] = None
            entry["status"] = "missing"
        indicators[indicator.key] = entry
    groups = {}
    for key, title in GROUPS.items():
        group = result.groups.get(key) if result else None
        groups[key] = {"title": title, "weight": weights[key],
                       "value": group.value if group else None,
                       "coverage": group.coverage if group else 0.0,
                       "contribution": (group.value * result.index.weights.get(key, 0.0)) if group and result
                       and key in result.index.weights else None}
    index_value = result.index.value if result else None
    coverage = result.index.coverage if result else 0.0
    present = len(result.index.used) if result else 0
    return {
        "index_value": index_value,
        "coverage": coverage,
        "is_published": bool(result) and coverage >= MIN_COVERAGE - 1e-9 and present >= MIN_GROUPS,
        "weights": weights,
        "weights_label": weight_set.label,
        "weights_from": None if weight_set.effective_from == date.min else weight_set.effective_from,
        "groups": groups,
        "indicators": indicators,
        "figures": figures,
    }


# --- reading ---------------------------------------------------------------------------------------------------


def snapshot(kind: str, scope_id: int, period: Period) -> IndexSnapshot | None:
    return db.session.scalar(select(IndexSnapshot).where(
        IndexSnapshot.scope_kind == kind, IndexSnapshot.scope_id == scope_id,
        IndexSnapshot.period_kind == period.kind, IndexSnapshot.period_start == period.start))


def series(kind: str, scope_id: int, periods: list[Period]) -> list[tuple[Period, IndexSnapshot | None]]:
    if not periods:
        return []
    rows = {s.period_start: s for s in db.session.scalars(select(IndexSnapshot).where(
        IndexSnapshot.scope_kind == kind, IndexSnapshot.scope_id == scope_id,
        IndexSnapshot.period_kind == periods[0].kind,
        IndexSnapshot.period_start.in_([p.start for p in periods])))}
    return [(p, rows.get(p.start)) for p in periods]


def snapshots_for_scopes(kind: str, scope_ids: list[int], period: Period) -> dict[int, IndexSnapshot]:
    if not scope_ids:
        return {}
    return {s.scope_id: s for s in db.session.scalars(select(IndexSnapshot).where(
        IndexSnapshot.scope_kind == kind, IndexSnapshot.scope_id.in_(scope_ids),
        IndexSnapshot.period_kind == period.kind, IndexSnapshot.period_start == period.start))}


__all__ = ["bump", "scopes_of", "refresh_stale", "is_pending", "recompute", "compute", "discover", "snapshot",
           "series", "snapshots_for_scopes", "mark_service_stale_from", "mark_all_stale", "WEEK", "MONTH"]
