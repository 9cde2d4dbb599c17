"""Pulse survey answers cannot be traced to a person through any page, export, log line or the audit log.

A known person (Сотрудникова Анна, «the respondent») answers the service-wide pulse survey with a rare eNPS and a
workspace proposal holding a unique marker; four colleagues of her centre answer too, so the centre's results open
(five answers). Every GET route is read as HR, the administrator and the colleague, before and after. Then no page
or export shows her identifiers in the record holding the marker, nothing the answers added names her, no log
record names her or repeats the marker, the request's URL and redirect carry nothing about her, nothing is audited,
and among the rows the answer wrote only the receipt (round, person — no answer, no time) points at her."""
from __future__ import annotations

import logging
import re
import uuid
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from tests.support.anonymity import (
    added_lines,
    all_rows,
    identifiers,
    read_everything,
    record_around,
    rows_pointing_at,
)
from training.extensions import db

VIEWERS = ["hr", "admin", "colleague"]
PASSWORD = "correct-horse-battery-42"


@pytest.fixture
def quiet_sql():
    engine_logger = logging.getLogger("sqlalchemy.engine")
    level = engine_logger.level
    engine_logger.setLevel(logging.WARNING)
    yield
    engine_logger.setLevel(level)


def _signed_in(app, email):
    client = app.test_client()
    client.post("/auth/login", data={"email": email, "password": PASSWORD})
    return client


def test_pulse_answers_cannot_be_traced(world_app, world, caplog, quiet_sql):
    from training.gamification.pulse.models import PulseAnswer, PulseProposal

    app = world_app.app
    round_id = world.arguments["pulse_round_id"]
    caplog.set_level(logging.DEBUG)
    with app.app_context():
        marks = identifiers(world, "employee")
    before = {who: read_everything(app, world, who) for who in VIEWERS}

    marker = f"Маркер-{uuid.uuid4().hex[:12]}: поставить кулер у окна выдачи"
    respondent = _signed_in(app, world.emails["employee"])
    rows_before = all_rows(world_app.path)
    caplog.clear()
    answered = respondent.post(f"/team/pulse/rounds/{round_id}", data={"enps": "1", "proposal": marker})
    assert answered.status_code == 303, answered.get_data(as_text=True)[-500:]
    action_records = list(caplog.records)
    rows_after = all_rows(world_app.path)
    for other, score in (("teacher", "9"), ("manager", "10"), ("admin", "8"), ("colleague", "10")):
        response = _signed_in(app, world.emails[other]).post(f"/team/pulse/rounds/{round_id}", data={"enps": score})
        assert response.status_code == 303, (other, response.get_data(as_text=True)[-300:])
    after = {who: read_everything(app, world, who) for who in VIEWERS}

    # the pages show what happened: the proposal, and the centre's results open
    assert any(marker in text for text in after["colleague"].values()), "the proposal is on no page"
    results = after["hr"][f"/team/pulse/surveys/{world.arguments['pulse_survey_id']}"]
    assert '<td class="enps">40</td>' in results  # 3 promoters (9, 10, 10), 1 detractor (1) of 5

    leaks = []
    for who in VIEWERS:
        for url, text in after[who].items():
            for at in (m.start() for m in re.finditer(re.escape(marker), text)):
                record = record_around(text, at, len(marker))
                leaks += [f"{url} as {who}: «{mark}» in the record with the marker" for mark in marks if mark in record]
            new = "\n".join(added_lines(before[who].get(url, ""), text))
            leaks += [f"{url} as {who}: the answers added «{mark}»" for mark in marks if mark in new]
    assert not leaks, "\n".join(leaks[:20])

    logged = [r.getMessage() for r in action_records]
    assert not [m for m in logged if marker in m or any(mark in m for mark in marks)], logged
    assert answered.request.path == f"/team/pulse/rounds/{round_id}" and not answered.request.query_string
    assert urlsplit(answered.headers["Location"]).path == "/team/pulse"

    assert not (rows_after["audit_entries"] - rows_before["audit_entries"]), "answering wrote the audit log"
    with app.app_context():
        pointing = rows_pointing_at(rows_before, rows_after, world.user_ids["employee"])
        assert set(pointing) == {"pulse_receipts"}, pointing
        assert [set(r) for r in pointing["pulse_receipts"]] == [{"round_id", "user_id"}]
        answer = db.session.scalar(select(PulseAnswer).where(PulseAnswer.enps == 1))
        proposal = db.session.scalar(select(PulseProposal).where(PulseProposal.text == marker))
        assert answer is not None and proposal is not None
        for table in ("pulse_answers", "pulse_proposals"):
            columns = db.metadata.tables[table].columns
            assert not [c.name for c in columns if c.name.endswith("_at")], table
