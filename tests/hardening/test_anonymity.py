"""«Стресс месяца» posts and individual peer ratings cannot be traced to a person through any page, export,
log line or the audit log.

A known person (Сотрудникова Анна, «the poster») posts a stress item with a unique marker text and rates «the
colleague» with a unique pattern of scores; two more colleagues rate too, so the rated person's averages open.
Every GET route of the app — pages, fragments' full pages and exports in both formats (CSV and XLSX, PDF and
ZIP read as text) — is read as HR, as the administrator and as the rated colleague, before and after. Then:

- no page or export shows the poster's name, e-mail, personnel number or a link to her (people/staff/pulse
  pages, ``user_id=``) in the record holding the marker (its list item, table row, option, paragraph; its
  line in a CSV, spreadsheet or PDF), and nothing the actions added to any page mentions her anywhere;
- no log record (every logger at DEBUG; SQLAlchemy's statement echo stays off, as in production, since it
  prints parameters by design) names her or repeats the marker; the requests' URLs and redirects, which an
  access log keeps, carry neither the colleague's id nor the item;
- no row the actions wrote links her to them — nothing in the audit log, and among rows pointing at her only
  the two the design keeps: the 30-day rule's (rater, rated, when) pair without scores, and the points
  ledger's «rated a colleague this month» entry that does not name the colleague."""
from __future__ import annotations

import logging
import re
import uuid
from urllib.parse import parse_qsl, urlsplit

import pytest
from sqlalchemy import select

from tests.support.anonymity import added_lines, all_rows, identifiers, read_everything, record_around, rows_pointing_at
from training.extensions import db

VIEWERS = ["hr", "admin", "colleague"]
# rows that may point at the rater after a rating, and why (see the module docstring)
RATING_ROWS_BY_DESIGN = {
    "peer_rating_pairs": "who rated whom and when, for the once-in-30-days rule; it holds no scores",
    "recognition_point_entries": "2 points for rating a colleague; the source counts ratings in the month",
}


# --- the test -------------------------------------------------------------------------------------------------------

@pytest.fixture
def quiet_sql():
    """SQLAlchemy's echo prints statement parameters (ids) by design and is off in production; keep it off."""
    engine_logger = logging.getLogger("sqlalchemy.engine")
    level = engine_logger.level
    engine_logger.setLevel(logging.WARNING)
    yield
    engine_logger.setLevel(level)


def test_stress_posts_and_peer_ratings_cannot_be_traced(world_app, world, caplog, quiet_sql):
    from training.gamification.ratings import services as ratings
    from training.gamification.stress.models import StressItem

    app = world_app.app
    caplog.set_level(logging.DEBUG)
    with app.app_context():
        poster_marks = identifiers(world, "employee")
        rated_id = world.user_ids["colleague"]
        aspects = [a.id for a in ratings.aspects_for(world.arguments["service_id"])]
    before = {who: read_everything(app, world, who) for who in VIEWERS}

    marker = f"Маркер-{uuid.uuid4().hex[:12]}: клиенты ждут у закрытого окна"
    pattern = [5, 1, 4, 2, 3][:len(aspects)]
    poster = app.test_client()
    poster.post("/auth/login", data={"email": world.emails["employee"], "password": "correct-horse-battery-42"})
    rows_before = all_rows(world_app.path)  # after her sign-in, which records the time of it
    caplog.clear()
    posted = poster.post("/team/stress", data={"text": marker, "centre_id": str(world.arguments["centre_id"])})
    assert posted.status_code == 303, posted.get_data(as_text=True)[-500:]
    rated = poster.post("/team/ratings", data={"rated_id": str(rated_id), "action": "rate", "skip": "0",
                                               **{f"aspect-{a}": str(s) for a, s in zip(aspects, pattern,
                                                                                        strict=False)}})
    assert rated.status_code == 303, rated.get_data(as_text=True)[-500:]
    action_records = list(caplog.records)
    rows_after = all_rows(world_app.path)
    # two more colleagues rate, so the rated person's averages open (3 raters)
    for other, score in (("teacher", "3"), ("manager", "4")):
        client = app.test_client()
        client.post("/auth/login", data={"email": world.emails[other], "password": "correct-horse-battery-42"})
        response = client.post("/team/ratings", data={"rated_id": str(rated_id), "action": "rate",
                                                      **{f"aspect-{a}": score for a in aspects}})
        assert response.status_code == 303

    with app.app_context():
        item = db.session.scalar(select(StressItem).where(StressItem.text == marker))
        assert item is not None
        item_id = item.id
    after = {who: read_everything(app, world, who) for who in VIEWERS}

    # the pages show what happened (so the walk would see a leak if there were one)
    assert any(marker in text for text in after["hr"].values()), "the stress item is on no page HR can read"
    rated_page = after["colleague"]["/team/ratings/me"]
    assert rated_page != before["colleague"]["/team/ratings/me"]

    leaks = []
    for who in VIEWERS:
        for url, text in after[who].items():
            for at in (m.start() for m in re.finditer(re.escape(marker), text)):
                record = record_around(text, at, len(marker))
                leaks += [f"{url} as {who}: «{mark}» in the record with the marker: {record[:300]}"
                          for mark in poster_marks if mark in record]
            new = "\n".join(added_lines(before[who].get(url, ""), text))
            leaks += [f"{url} as {who}: the actions added «{mark}»" for mark in poster_marks if mark in new]
    assert not leaks, "\n".join(leaks[:20])

    # logs, and what an access log would keep
    logged = [r.getMessage() for r in action_records]
    assert not [m for m in logged if marker in m or any(mark in m for mark in poster_marks)], logged
    for response, path in ((posted, "/team/stress"), (rated, "/team/ratings")):
        assert response.request.path == path and not response.request.query_string
        location = urlsplit(response.headers.get("Location", ""))
        values = location.path.split("/") + [v for _, v in parse_qsl(location.query) if _ != "skip"]
        assert str(rated_id) not in values and item_id not in values, response.headers.get("Location")

    # the database: no audit entry, and only the rows the design keeps point at the poster
    assert not (rows_after["audit_entries"] - rows_before["audit_entries"]), "the actions wrote the audit log"
    with app.app_context():
        pointing = rows_pointing_at(rows_before, rows_after, world.user_ids["employee"])
    unexpected = {t: rows for t, rows in pointing.items() if t not in RATING_ROWS_BY_DESIGN}
    assert not unexpected, unexpected
    for row in pointing.get("peer_rating_pairs", []):
        assert set(row) == {"id", "rater_id", "rated_id", "last_rated_at"}, row  # no score column
    for row in pointing.get("recognition_point_entries", []):
        # «peer-ratings:<month>:<how many this month>», not «…:<colleague id>»
        assert re.fullmatch(r"peer-ratings:\d{4}-\d{2}:[1-9]\d*", row["source"]), row
        assert "Коллегова" not in row["reason"], row
    # the stress item itself: no column can hold a person, and no time finer than the day
    table = db.metadata.tables["stress_items"]
    assert not [c.name for c in table.columns if any(fk.column.table.name == "users" for fk in c.foreign_keys)]
    assert not [c.name for c in table.columns if c.name.endswith("_at")]
