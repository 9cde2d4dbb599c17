"""Rankings of staff by competence score, and the «из чего складывается» explanation of one score.

Everything here reads stored :class:`CompetenceScore` rows (never evidence). Scope: administrators see every
service, HR their regional service, a centre manager their centre; employees never see others' scores (the
views require a supervisor's role). The overall ranking of a country, service, centre or department reads the
places each recompute stores (``services.store_ranks``): a page is a range of stored positions served by an index
(keyset, no OFFSET), with statements built once per shape. Blocks, competences and regions rank with one windowed
query (``rank() over``). Either way a page is one statement whatever the number of staff — its rows, the
ranking's length and its rows without a score (:func:`_with_counts`) — plus the filter lists."""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import and_, bindparam, func, select, true
from sqlalchemy.orm import aliased

from training.accounts import scopes
from training.accounts.models import User
from training.competence.framework import (
    ACTION_SOURCES,
    ACTION_TITLES,
    BLOCK_TITLES,
    COMPETENCES,
    EVIDENCE_TITLES,
    MASTER_CODE,
)
from training.competence.models import CompetenceScore, CompetenceTitle
from training.competence.services import month_of
from training.competence.weights import weights_for
from training.extensions import db
from training.measures.periods import Period, local_today
from training.measures.scales import COMPETENCE_BLOCKS
from training.org.models import Centre, Department, Region, RegionalService

#: what a ranking can be ordered by: key → title
METRICS: dict[str, str] = {"overall": "Общий балл", "communicative": "Коммуникативный блок",
                           "proactive": "Проактивный блок",
                           **{key: title for key, (_block, title) in COMPETENCES.items()}}
#: a change of at least this many points between closings shows an arrow
TREND_STEP = 1.0


def metric_attr(metric: str) -> str:
    if metric not in METRICS:
        raise KeyError(metric)
    return metric if metric in ("overall", "communicative", "proactive") else f"c_{metric}"


# --- scope and filters ------------------------------------------------------------------------------------------

def scope_condition(viewer: User, model=CompetenceScore):
    """Rows the viewer may rank: all (admin), their service (HR), their centre (manager), none otherwise."""
    return scopes.supervisable_condition(viewer, service=model.regional_service_id, centre=model.centre_id)


@dataclass
class Filters:
    metric: str = "overall"
    month: Period = field(default_factory=lambda: month_of(local_today()))
    region_id: int | None = None
    service_id: int | None = None
    centre_id: int | None = None
    department_id: int | None = None
    top: int | None = None  # only places 1…top (ties at the boundary stay in)

    def args(self) -> dict[str, Any]:
        values: dict[str, Any] = {"by": self.metric, "month": self.month.key}
        for name in ("region_id", "service_id", "centre_id", "department_id", "top"):
            if getattr(self, name):
                values[name] = getattr(self, name)
        return values


@dataclass
class Options:
    regions: list[Region]
    services: list[RegionalService]
    centres: list[Centre]
    departments: list[Department]


def options(viewer: User, filters: Filters) -> Options:
    """The choices of the filter form, limited to the viewer's scope (one query per list)."""
    reach = scopes.reach_of(viewer)
    if reach is scopes.Reach.ALL:
        regions = list(db.session.scalars(select(Region).order_by(Region.name)))
        services = select(RegionalService).order_by(RegionalService.name)
        if filters.region_id:
            services = services.where(RegionalService.region_id == filters.region_id)
        services = list(db.session.scalars(services))
        centres = select(Centre).order_by(Centre.name)
        if filters.service_id:
            centres = centres.where(Centre.regional_service_id == filters.service_id)
        elif filters.region_id:
            centres = centres.where(Centre.regional_service_id.in_([s.id for s in services]))
    elif reach is scopes.Reach.NONE:
        return Options([], [], [], [])
    else:  # HR: the centres of their service; a manager: their centre
        regions, services = [], []
        centres = select(Centre).where(scopes.viewable_condition(viewer, service=Centre.regional_service_id,
                                                                 centre=Centre.id)).order_by(Centre.name)
    centres = list(db.session.scalars(centres))
    centre_id = filters.centre_id or (centres[0].id if len(centres) == 1 else None)
    departments = list(db.session.scalars(select(Department).where(Department.centre_id == centre_id)
                                          .order_by(Department.name))) if centre_id else []
    return Options(regions, services, centres, departments)


def _conditions(viewer: User, filters: Filters, cur) -> list:
    conditions = [cur.period_start == filters.month.start, cur.computed_version > 0, scope_condition(viewer, cur)]
    if filters.region_id:
        conditions.append(cur.regional_service_id.in_(
            select(RegionalService.id).where(RegionalService.region_id == filters.region_id)))
    if filters.service_id:
        conditions.append(cur.regional_service_id == filters.service_id)
    if filters.centre_id:
        conditions.append(cur.centre_id == filters.centre_id)
    if filters.department_id:
        conditions.append(cur.department_id == filters.department_id)
    return conditions


# --- the ranking --------------------------------------------------------------------------------------------------

@dataclass
class Row:
    place: int
    user_id: int
    name: str
    position: str
    service: str
    centre: str
    department: str
    value: float
    previous: float | None
    overall: float | None
    communicative: float | None
    proactive: float | None
    competences: dict[str, float | None]
    n: dict[str, int]
    is_master: bool

    @property
    def delta(self) -> float | None:
        return None if self.previous is None else self.value - self.previous

    @property
    def trend(self) -> str:
        """up / down / flat, or new (no score at the previous closing)."""
        if self.delta is None:
            return "new"
        if self.delta >= TREND_STEP:
            return "up"
        if self.delta <= -TREND_STEP:
            return "down"
        return "flat"


@dataclass
class Page:
    items: list[Row]
    total: int
    page: int
    per_page: int
    unscored: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def _ranked(viewer: User, filters: Filters, *, with_unscored: bool = False):
    """The ranking itself, thin: place, score id, person and value of every scored person in the viewer's scope
    (one scan of the month's scores; nothing joined yet). ``with_unscored``: the people without a score too (placed
    last, value NULL) and, on every row, how many they are — so one scan also answers «без оценки». Returns the
    subquery, the score alias and its value."""
    cur = aliased(CompetenceScore, name="cur")
    value = getattr(cur, metric_attr(filters.metric))
    if with_unscored:
        ranked = (select(func.rank().over(order_by=value.desc().nulls_last()).label("place"),
                         cur.id.label("score_id"), cur.user_id, value.label("value"),
                         (func.count().over() - func.count(value).over()).label("unscored"))
                  .where(*_conditions(viewer, filters, cur))).subquery("ranked")
    else:
        ranked = (select(func.rank().over(order_by=value.desc()).label("place"), cur.id.label("score_id"),
                         cur.user_id, value.label("value"))
                  .where(*_conditions(viewer, filters, cur), value.is_not(None))).subquery("ranked")
    return ranked, cur, value


def _shown(ranked, filters: Filters, *, paged: bool = False, counted: bool = False):
    """The ranked rows to show, in order: a page of them (``limit`` and ``offset`` bound when run), or all for the
    export. ``counted`` (a ranking ``with_unscored``): only the scored rows, each carrying the ranking's length
    (``total``, counted before the page is cut) and ``unscored``."""
    columns = [ranked.c.place, ranked.c.score_id, ranked.c.user_id, ranked.c.value, User.full_name]
    if counted:
        columns += [func.count().over().label("total"), ranked.c.unscored]
    kept = select(*columns).join(User, User.id == ranked.c.user_id)
    if counted:
        kept = kept.where(ranked.c.value.is_not(None))
    if filters.top:
        kept = kept.where(ranked.c.place <= filters.top)
    ordered = kept.order_by(ranked.c.place, User.full_name, ranked.c.user_id)
    if paged:
        ordered = ordered.limit(bindparam("limit")).offset(bindparam("offset"))
    return ordered.subquery("shown")


def _details(shown, metric: str, previous_start, *extra):
    """Everything a row shows, joined for the shown rows only (the previous month — a date or a bound parameter —,
    names of the organisation, the «Мастер» title), and the ``extra`` columns of ``shown``."""
    cur = aliased(CompetenceScore, name="cur")
    prev = aliased(CompetenceScore, name="prev")
    attr = metric_attr(metric)
    return (
        select(shown.c.place, shown.c.user_id, shown.c.value, getattr(prev, attr).label("previous"), cur.overall,
               cur.communicative, cur.proactive, *(getattr(cur, f"c_{key}") for key in COMPETENCES),
               cur.n_client, cur.n_peer, cur.n_iqs, cur.n_quiz, cur.n_actions, shown.c.full_name, User.position,
               RegionalService.name.label("service_name"), Centre.name.label("centre_name"),
               Department.name.label("department_name"), CompetenceTitle.id.label("title_id"), *extra)
        .select_from(shown)
        .join(cur, cur.id == shown.c.score_id)
        .join(User, User.id == shown.c.user_id)
        .outerjoin(prev, and_(prev.user_id == shown.c.user_id, prev.period_start == previous_start,
                              prev.computed_version > 0))
        .outerjoin(RegionalService, RegionalService.id == cur.regional_service_id)
        .outerjoin(Centre, Centre.id == cur.centre_id)
        .outerjoin(Department, Department.id == cur.department_id)
        .outerjoin(CompetenceTitle, and_(CompetenceTitle.user_id == shown.c.user_id,
                                         CompetenceTitle.code == MASTER_CODE))
        .order_by(shown.c.place, shown.c.full_name, shown.c.user_id))


def _row(r) -> Row:
    m = r._mapping
    return Row(place=int(m["place"]), user_id=m["user_id"], name=m["full_name"], position=m["position"] or "",
               service=m["service_name"] or "", centre=m["centre_name"] or "", department=m["department_name"] or "",
               value=float(m["value"]), previous=None if m["previous"] is None else float(m["previous"]),
               overall=m["overall"], communicative=m["communicative"], proactive=m["proactive"],
               competences={key: m[f"c_{key}"] for key in COMPETENCES},
               n={kind: int(m[f"n_{kind}"] or 0) for kind in ("client", "peer", "iqs", "quiz", "actions")},
               is_master=m["title_id"] is not None)


# --- stored places: the overall ranking of a country, service, centre or department ---------------------------

def stored_level(viewer: User, filters: Filters) -> tuple[str, int | None] | None:
    """Which stored places (services.store_ranks) serve this ranking: the overall score in the narrowest scope the
    filters or the viewer's role name; None for a block or competence, or a region (places computed on the fly)."""
    if filters.metric != "overall" or filters.region_id:
        return None
    if filters.department_id:
        return "department", filters.department_id
    if filters.centre_id:
        return "centre", filters.centre_id
    if filters.service_id:
        return "service", filters.service_id
    reach = scopes.reach_of(viewer)
    if reach is scopes.Reach.ALL:
        return "all", None
    if reach is scopes.Reach.SERVICE:
        return "service", viewer.regional_service_id
    if reach is scopes.Reach.CENTRE:
        return "centre", viewer.centre_id
    return None


_LEVEL_COLUMN = {"service": "regional_service_id", "centre": "centre_id", "department": "department_id"}


def _with_counts(details, total, unscored, unplaced=None):
    """One statement for a ranking page: a one-row header (the ranking's length, its rows without a score and —
    for stored places — the scored rows not placed yet, each a scalar subquery on its index) outer-joined to the
    page's rows, so an empty page still answers its counts."""
    counts = [total.label("total"), unscored.label("unscored")]
    if unplaced is not None:
        counts.append(unplaced.label("unplaced"))
    header = select(*counts).subquery("header")
    rows = details.order_by(None).subquery("page")
    return (select(header, rows).select_from(header).outerjoin(rows, true())
            .order_by(rows.c.place, rows.c.full_name, rows.c.user_id))


def _read_page(statement, values: dict[str, Any], page: int, per_page: int,
               bounds: Callable[[int], dict[str, Any]]) -> tuple[Page, Any]:
    """Run a page statement; a page past the end (a stale link) reads the last page instead, once more."""
    result = db.session.execute(statement, {**values, **bounds(page)}).all()
    header = result[0]._mapping
    total = header["total"] or 0
    last = max(1, math.ceil(total / per_page))
    if page > last:
        page = last
        result = db.session.execute(statement, {**values, **bounds(page)}).all()
        header = result[0]._mapping
    items = [_row(r) for r in result if r._mapping["user_id"] is not None]
    return Page(items, header["total"] or 0, page, per_page, header["unscored"] or 0), header


@lru_cache(maxsize=256)
def _stored_statement(level: str, filters: tuple[str, ...], viewer_column: str | None, with_top: bool):
    """The page of one shape (the level, which filters and which viewer scope apply, top or not), built once and
    reused with new values: a page is the range of stored positions [low, high] within the scope — an index range
    (keyset), never OFFSET — with the counts in the same statement (:func:`_with_counts`)."""
    cur = aliased(CompetenceScore, name="cur")
    rank, pos = getattr(cur, f"rank_{level}"), getattr(cur, f"pos_{level}")
    scope = [cur.period_start == bindparam("month")]
    for column in filters:  # the level's own column and any other filter given (they may narrow to nobody)
        scope.append(getattr(cur, column) == bindparam(column))
    if viewer_column is not None:
        scope.append(getattr(cur, viewer_column) == bindparam("viewer_scope"))
    placed = [*scope, pos.is_not(None)]
    # positions are 1…n in place order, so the last one is the count: one step down the index, not a count
    total = select(func.max(pos)).where(*placed).scalar_subquery()
    if with_top:
        # places only grow with positions: the places 1…top end just before the first position placed lower —
        # a few steps up the index (a backward scan for the last one within the top read the whole scope)
        total = func.coalesce(select(func.min(pos) - 1).where(*placed, rank > bindparam("top")).scalar_subquery(),
                              total)
        placed.append(rank <= bindparam("top"))
    unscored = select(func.count()).select_from(cur).where(*scope, cur.computed_version > 0,
                                                           cur.overall.is_(None)).scalar_subquery()
    # scored but not placed: the month's places are not stored yet (their recompute is running)
    unplaced = select(func.count()).select_from(cur).where(*scope, pos.is_(None), cur.computed_version > 0,
                                                           cur.overall.is_not(None)).scalar_subquery()
    shown = (select(rank.label("place"), cur.id.label("score_id"), cur.user_id, cur.overall.label("value"),
                    User.full_name)
             .join(User, User.id == cur.user_id)
             .where(*placed, pos.between(bindparam("low"), bindparam("high")))
             .order_by(pos)).subquery("shown")
    return _with_counts(_details(shown, "overall", bindparam("previous")), total, unscored, unplaced)


def _stored_page(viewer: User, filters: Filters, page: int, per_page: int) -> Page | None:
    level, reach = stored_level(viewer, filters), scopes.reach_of(viewer)
    if level is None or reach is scopes.Reach.NONE:
        return None
    given = {"regional_service_id": filters.service_id, "centre_id": filters.centre_id,
             "department_id": filters.department_id}
    values: dict[str, Any] = {column: value for column, value in given.items() if value}
    if level[0] != "all":
        values[_LEVEL_COLUMN[level[0]]] = level[1]
    viewer_column = None
    if reach is not scopes.Reach.ALL:  # HR: their service; a manager: their centre
        viewer_column = "regional_service_id" if reach is scopes.Reach.SERVICE else "centre_id"
        values["viewer_scope"] = viewer.regional_service_id if reach is scopes.Reach.SERVICE else viewer.centre_id
    statement = _stored_statement(level[0], tuple(sorted(set(values) - {"viewer_scope"})), viewer_column,
                                  bool(filters.top))
    values.update(month=filters.month.start, previous=filters.month.previous().start)
    if filters.top:
        values["top"] = filters.top
    result, header = _read_page(statement, values, page, per_page,
                                lambda n: {"low": (n - 1) * per_page + 1, "high": n * per_page})
    if header["unplaced"]:  # the month's places are not stored yet: computed on the fly
        return None
    return result


def ranking_page(viewer: User, filters: Filters, page: int, per_page: int) -> Page:
    """A page of the ranking with its length and its rows without a score, in one statement (stored places), or
    — for blocks, competences and regions, or a month whose places are not stored yet — ranked on the fly."""
    stored = _stored_page(viewer, filters, page, per_page)
    if stored is not None:
        return stored
    # one scan: the page's rows carry the ranking's length and the unscored count
    ranked = _ranked(viewer, filters, with_unscored=True)[0]
    shown = _shown(ranked, filters, paged=True, counted=True)
    previous = filters.month.previous().start
    page = max(1, page)
    rows = db.session.execute(_details(shown, filters.metric, previous, shown.c.total, shown.c.unscored),
                              {"limit": per_page, "offset": (page - 1) * per_page}).all()
    if rows:
        first = rows[0]._mapping
        return Page([_row(r) for r in rows], first["total"], page, per_page, first["unscored"])
    # nobody ranked, or a page past the end: the counts on their own (and the last page)
    ranked, cur, value = _ranked(viewer, filters)
    counted = select(ranked.c.score_id)
    if filters.top:
        counted = counted.where(ranked.c.place <= filters.top)
    total = select(func.count()).select_from(counted.subquery()).scalar_subquery()
    unscored = select(func.count()).select_from(cur).where(*_conditions(viewer, filters, cur),
                                                           value.is_(None)).scalar_subquery()
    shown = _shown(ranked, filters, paged=True)
    statement = _with_counts(_details(shown, filters.metric, filters.month.previous().start), total, unscored)
    return _read_page(statement, {}, page, per_page,
                      lambda n: {"limit": per_page, "offset": (n - 1) * per_page})[0]


def ranking_rows(viewer: User, filters: Filters) -> list[Row]:
    shown = _shown(_ranked(viewer, filters)[0], filters)
    return [_row(r) for r in db.session.execute(_details(shown, filters.metric, filters.month.previous().start))
            ]


def export_table(viewer: User, filters: Filters) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of the XLSX/CSV export: the same ranking, every row, every competence and its n."""
    header = ["Место", "Сотрудник", "Должность", "СЗН", "ЦЗН", "Подразделение", METRICS[filters.metric],
              "Прошлый месяц", "Изменение", "Общий балл", "Коммуникативный блок", "Проактивный блок",
              *(title for _block, title in COMPETENCES.values()),
              "n клиентов", "n коллег", "n проверок IQS", "n тестов и кейсов", "n действий", "Мастер"]
    rows = []
    for r in ranking_rows(viewer, filters):
        rows.append([r.place, r.name, r.position, r.service, r.centre, r.department, _round(r.value),
                     _round(r.previous), _round(r.delta), _round(r.overall), _round(r.communicative),
                     _round(r.proactive), *(_round(r.competences[key]) for key in COMPETENCES),
                     r.n["client"], r.n["peer"], r.n["iqs"], r.n["quiz"], r.n["actions"],
                     "да" if r.is_master else ""])
    return header, rows


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


# --- «из чего складывается» -------------------------------------------------------------------------------------

@dataclass
class EvidenceLine:
    kind: str
    title: str
    nominal_weight: float
    weight: float | None  # re-normalised weight actually applied (None: not used)
    entry: dict[str, Any] | None
    score: float | None
    contribution: float | None
    status: str  # used | insufficient | missing


@dataclass
class CompetenceLine:
    key: str
    title: str
    actions: list[tuple[str, int]]  # confirmed actions counted for it: (title, count)
    score: float | None
    weight: float | None  # weight inside the block, re-normalised (None: left out)
    nominal_weight: float
    contribution: float | None
    evidence: list[EvidenceLine]


@dataclass
class BlockLine:
    key: str
    title: str
    score: float | None
    weight: float | None
    nominal_weight: float
    contribution: float | None
    present: int
    required: int
    competences: list[CompetenceLine]


@dataclass
class Explanation:
    score: CompetenceScore
    overall: float | None
    blocks: list[BlockLine]
    weights_label: str
    weights_from: date | None
    actions: list[tuple[str, int]]
    master: dict[str, Any]
    window: tuple[str, str]
    provisional: bool
    raters: int


def explain(score: CompetenceScore) -> Explanation:
    """The stored breakdown of one score as lines whose contributions add up: Σ evidence contributions =
    competence, Σ competence contributions = block, Σ block contributions = overall."""
    data = score.breakdown or {}
    weights = weights_for(score.regional_service_id, score.period_start)
    overall_weights = (data.get("overall") or {}).get("weights") or {}
    blocks = []
    for block, members in COMPETENCE_BLOCKS.items():
        bdata = (data.get("blocks") or {}).get(block) or {}
        used_competences = bdata.get("weights") or {}
        lines = []
        for key in members:
            cdata = (data.get("competences") or {}).get(key) or {}
            used = cdata.get("weights") or {}
            evidence = []
            for kind, nominal in weights.evidence[key].items():
                entry = (cdata.get("evidence") or {}).get(kind)
                weight = used.get(kind)
                score_value = entry.get("score") if entry and weight is not None else None
                status = "used" if weight is not None else ("insufficient" if entry else "missing")
                evidence.append(EvidenceLine(kind, EVIDENCE_TITLES[kind], nominal, weight, entry,
                                             score_value if score_value is not None else
                                             (entry or {}).get("score"),
                                             weight * score_value if weight is not None and score_value is not None
                                             else None, status))
            value = cdata.get("score")
            cweight = used_competences.get(key)
            counts = data.get("actions") or {}
            counted = [(ACTION_TITLES[source], int(counts.get(source, 0))) for source in ACTION_SOURCES.get(key, ())]
            lines.append(CompetenceLine(key, COMPETENCES[key][1], counted, value, cweight,
                                        weights.competences[block][key],
                                        cweight * value if cweight is not None and value is not None else None,
                                        evidence))
        bvalue = bdata.get("score")
        bweight = overall_weights.get(block)
        blocks.append(BlockLine(block, BLOCK_TITLES[block], bvalue, bweight, weights.blocks[block],
                                bweight * bvalue if bweight is not None and bvalue is not None else None,
                                int(bdata.get("present", 0)), int(bdata.get("required", 0)), lines))
    actions = [(ACTION_TITLES[source], int(count)) for source, count in sorted((data.get("actions") or {}).items())
               if source in ACTION_TITLES]
    window = tuple(data.get("window") or ("", ""))
    return Explanation(score, (data.get("overall") or {}).get("score"), blocks, score.weights_label,
                       score.weights_from, actions, data.get("master") or {}, window,  # type: ignore[arg-type]
                       bool(data.get("provisional")), int(data.get("raters") or score.peer_raters or 0))
