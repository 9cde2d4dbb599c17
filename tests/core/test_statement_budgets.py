"""Statement budgets: how many SQL statements a page may send for a signed-in person, counted after a warm-up
request on a realistic world (tests/support/world.busy_world: three centres, dozens of staff learning, voting
and answered by clients), on SQLite and on PostgreSQL. Counts are deterministic; timings live in benchmarks/.

A page above its budget fails with the list of its statements. The budgets are issue 13's: a person on a phone
waits for every statement of every page."""
from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest

from tests import factories
from tests.support.app import app_with_tables, sign_in
from tests.support.postgres import scratch_postgres_database
from tests.support.queue import queue_overrides
from tests.support.statements import listing, statements_sent
from tests.support.visits import feedback_code
from tests.support.world import BusyWorld, busy_world
from training.accounts.models import User
from training.extensions import db
from training.metrics.feedback.aspects import CSI_CODES


class OverBudget(AssertionError):
    """A page sent more statements than its budget (what an xfail may expect; any other failure fails)."""


@dataclass
class Budgeted:
    app: object
    world: BusyWorld


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def budgeted(request, tmp_path_factory) -> Iterator[Budgeted]:
    """One busy world per backend for the whole module (pages that write only add to it)."""
    if request.param == "sqlite":
        with _world_app(f"sqlite:///{tmp_path_factory.mktemp('budgets') / 'world.sqlite3'}") as built:
            yield built
    else:
        with scratch_postgres_database() as url, _world_app(url) as built:
            yield built


@contextmanager
def _world_app(url: str) -> Iterator[Budgeted]:
    # the queue as in production (an SQLite file next to the database, never run inline): what a request
    # hands to the worker is not the request's statements
    with app_with_tables(SQLALCHEMY_DATABASE_URI=url, RATELIMIT_ENABLED=False, **queue_overrides("sqlite")) as app:
        world = busy_world(factories.make_org())
        db.session.remove()
        yield Budgeted(app, world)


@dataclass
class Page:
    name: str
    who: str | None  # a world person; None: a client or an outside verifier, not signed in
    budget: int
    # (client, world) → the request, ready to send: what it needs from the database (a client's one-time visit
    # code) is read before the statements are counted
    request: Callable[[object, BusyWorld], Callable[[], object]]
    waits_for: str = ""  # why the page is still above its budget: work the task queue takes off the request

    def __str__(self) -> str:
        return self.name

    @property
    def param(self):
        marks = [pytest.mark.xfail(strict=True, raises=OverBudget, reason=self.waits_for)] if self.waits_for else []
        return pytest.param(self, id=self.name, marks=marks)


def _get(name: str) -> Callable:
    return lambda client, world: lambda: client.get(world.urls[name])


def _save(client, world):
    return lambda: client.post(world.urls["answer save"], data={"slot": 1, "answer": "0", "go": ""},
                               headers={"HX-Request": "true"})


_votes = itertools.count()


def _vote(client, world):
    """A changed vote each time (the warm-up casts one, the counted request changes it)."""
    nominee = world.nominee_ids[next(_votes) % 2]
    return lambda: client.post(world.urls["colleague vote"], data={"nominee_id": nominee, "reason": ""})


def _feedback(client, world):
    """A client's answer with the one-time code the specialist's window shows (each answer needs its own)."""
    code = feedback_code(world.feedback_token)
    db.session.commit()
    return lambda: client.post(world.urls["client feedback"], data={"ces": 5, "expectations": 4, "recommend": 9,
                                                                     "comment": "", "code": code})


_MODULES = {  # the rotating fourth question with its marks, as a client of each module sends it
    "specialist": {"module": "specialist", "specialist_satisfaction": 4, "aspect-politeness": 5, "aspect-empathy": 4,
                   "aspect-clarity": 5, "aspect-helpfulness": 4},
    "centre": {"module": "centre", "csat": 4, "service-premises": 4, "service-navigation": 5, "service-website": 3,
               "service-circumstances": 4},
    "csi": {"module": "csi", **{f"csi-{code}": 4 for code in CSI_CODES}},
}


def _feedback_with(module: str):
    def request(client, world):
        code = feedback_code(world.feedback_token)
        db.session.commit()
        return lambda: client.post(world.urls["client feedback"], data={
            "ces": 5, "expectations": 4, "recommend": 9, "comment": "", "code": code, **_MODULES[module]})
    return request


PAGES = [
    Page("lesson", "employee", 2, _get("lesson")),
    Page("quiz question", "employee", 5, _get("quiz question")),
    Page("answer save", "employee", 5, _save),
    Page("colleague vote", "employee", 6, _vote),
    Page("client feedback", None, 5, _feedback),
    # the rotating module's marks (4–5 of them) are one multi-row INSERT more: 6 on both databases (SQLite sent one
    # INSERT … RETURNING per mark, 9–10 in all)
    *[Page(f"client feedback, {module} module", None, 6, _feedback_with(module)) for module in _MODULES],
    Page("ranking", "hr", 4, _get("ranking")),
    Page("pulse", "manager", 6, _get("pulse")),
    Page("verification", None, 2, _get("verification")),
    *[Page(f"home of {who}", who, 6, _get("home")) for who in ("employee", "teacher", "manager", "hr", "admin")],
]


def _client(budgeted: Budgeted, who: str | None):
    client = budgeted.app.test_client()
    if who is not None:
        with budgeted.app.app_context():
            sign_in(client, db.session.get(User, budgeted.world.users[who]))
    return client


@pytest.mark.parametrize("page", [page.param for page in PAGES])
def test_a_page_stays_within_its_statement_budget(budgeted, page):
    client = _client(budgeted, page.who)
    for _ in range(2):  # a warm-up request first, then the counted one: compiled templates and statements, reference data
        with budgeted.app.app_context():
            send = page.request(client, budgeted.world)
            engine = db.engine
            db.session.remove()
        with statements_sent(engine) as sent:
            response = send()
        assert response.status_code < 400, (page.name, response.status_code, response.get_data(as_text=True)[-500:])
    if len(sent) > page.budget:
        raise OverBudget(f"{page.name}: {len(sent)} SQL statements, the budget is {page.budget}:\n{listing(sent)}")
