"""A GET never writes: opening a page, as any role or as an anonymous visitor, leaves the database as it was.

Every GET route of the URL map is opened with real objects (the worlds of tests/<domain>/access.py) while a
statement listener watches the connection; an INSERT, UPDATE or DELETE fails the test, naming the page and the
statement. Writes a person expects from opening a page are listed in ALLOWED with the reason. Runs on SQLite and
on PostgreSQL."""
from __future__ import annotations

import re

from sqlalchemy import event

from tests.core.access import ROLES
from tests.factories import make_org
from tests.support.access_tables import matrix_world, route_requests
from tests.support.app import app_with_tables, sign_in
from training.extensions import db

WRITE = re.compile(r"^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)", re.IGNORECASE)

#: (endpoint, table): the writes a person expects when they open the page
ALLOWED: dict[tuple[str, str], str] = {
}


def test_no_get_route_writes(any_db_url):
    failures: list[str] = []
    with app_with_tables(SQLALCHEMY_DATABASE_URI=any_db_url, drop_tables=True) as app:
        world = matrix_world(make_org())
        db.session.commit()
        current: dict[str, str | None] = {"endpoint": None, "who": None}

        def watch(conn, cursor, statement, parameters, context, executemany):
            match = WRITE.match(statement)
            if current["endpoint"] is None or match is None:
                return
            table = match.group(2).lower()
            if (current["endpoint"], table) not in ALLOWED:
                failures.append(f"GET {current['endpoint']} as {current['who']}: {statement.split(chr(10))[0][:120]}")

        event.listen(db.engine, "before_cursor_execute", watch)
        try:
            for who in ["anonymous", *ROLES]:
                client = app.test_client()
                if who != "anonymous":
                    sign_in(client, world["users"][who])
                for endpoint, method, url in route_requests(app, world["arguments"]):
                    if method != "GET":
                        continue
                    current.update(endpoint=endpoint, who=str(who))
                    client.get(url).close()
                    current.update(endpoint=None, who=None)
        finally:
            event.remove(db.engine, "before_cursor_execute", watch)
    assert not failures, "GET routes that write:\n" + "\n".join(sorted(set(failures)))
