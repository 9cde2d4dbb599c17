"""Issue 17, «done when»: every indicator of the index (chapter 4, with the metrics of 2.4 it uses) is collected. For
each indicator a value is entered through its real source — the client's form, an answer typed by staff, the
operational import, an IQS check, the regional checklist, the comfort walk-through — and arrives in the centre's
index snapshot with its n; docs/metrics.md names the source of every indicator and has no «not collected» row."""
from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from tests.factories import make_user
from tests.metrics.helpers import at, refresh, seed_reference
from training.accounts.models import Role
from training.extensions import db
from training.measures.periods import MONTH, local_today, period_of
from training.measures.scales import INDEX_INDICATORS
from training.metrics.centre_index import regional_checklist, snapshots
from training.metrics.feedback import aspects, channels, mentions
from training.metrics.feedback import services as feedback
from training.metrics.operations import comfort, iqs
from training.metrics.operations import services as operational
from training.tabular import csv_bytes

MIN_N = {i.key: i.min_n for i in INDEX_INDICATORS}
DOCS = Path(__file__).resolve().parents[2] / "docs" / "metrics.md"


def _month():
    return period_of(MONTH, local_today()).previous()


def _day():
    return _month().start + timedelta(days=9)


def _qr(world, key, count=None, employee=None, **answer):
    """Answers through the QR form's service (what /f/<token> calls)."""
    link = feedback.link_for(world["centre"], None, employee)
    for _ in range(count or MIN_N[key]):
        feedback.submit_feedback(link, now=at(_day()), **answer)


def _typed(world, key, **answer):
    """Answers a client gave by phone, typed by the centre's manager (metrics/feedback/channels.py)."""
    for _ in range(MIN_N[key]):
        channels.enter_answer(world["manager"], world["centre"], channel="phone", answered_on=_day(),
                              now=at(local_today()), **answer)


def _import(world, key):
    rows = [["Обращений: колл-центр", 400], ["Обращений: личный приём", 600], ["Решено обращений", 900],
            ["Решено при первом контакте", 500], ["Не могли быть решены при первом контакте", 100],
            ["Передано (эскалировано)", 150], ["Ответов сотрудников (всего)", 2000],
            ["Первый ответ: медиана, мин", 300], ["Первый ответ: число обращений", 400],
            ["Ожидание в очереди: медиана, мин", 40], ["Ожидание в очереди: число посещений", 600],
            ["Услуг оказано", 800], ["Из них в установленный срок", 760], ["Активных клиентов", 2000],
            ["Из них с персональным сопровождением", 700]]
    operational.import_operational(world["hr"], world["centre"], _month().start, _month().end, "aic.csv",
                                   csv_bytes(["Показатель", "Значение"], rows), today=local_today())


def _iqs(world, key):
    for _ in range(MIN_N[key]):
        iqs.assess(world["manager"], world["specialist"], marks={c.id: True for c in iqs.active_categories()},
                   conversation_date=_day(), today=local_today())


def _checklist(world, key):
    regional_checklist.save(world["hr"], world["centre"].service, _month().start,
                            {"trudvsem_account": (True, "https://trudvsem.example.ru/lk"),
                             "omnichannel": (True, "https://szn.example.ru/channels")})


def _walk_through(world, key):
    comfort.record_audit(world["manager"], world["centre"], marks={i.id: True for i in comfort.active_items()},
                         visited_on=_day(), today=local_today())


#: indicator → (its source, how a value is entered through it, the value expected in the snapshot)
SOURCES = {
    "expectations_met": ("QR form", lambda w, k: _qr(w, k, expectations=4), 100.0),
    "nps": ("phone answer typed by staff", lambda w, k: _typed(w, k, recommend=9), 100.0),
    "ces": ("phone answer typed by staff", lambda w, k: _typed(w, k, ces=5), 100.0),
    "csi": ("QR form, CSI module", lambda w, k: _qr(w, k, csi_marks=dict.fromkeys(aspects.CSI_CODES, 4)), 80.0),
    "resolution_rate": ("operational import", _import, 90.0),
    "on_time_share": ("operational import", _import, 95.0),
    "personal_support_share": ("operational import", _import, 35.0),
    "net_fcr": ("operational import", _import, 500 / 900 * 100),
    "waiting_time_minutes": ("operational import", _import, 40.0),
    "ttfr_minutes": ("operational import", _import, 300.0),
    "replies_per_conversation": ("operational import", _import, 2.0),
    "escalation_rate": ("operational import", _import, 15.0),
    "personalisation_rating": ("QR form, centre module", lambda w, k: _qr(w, k, service_marks={"circumstances": 4}),
                               4.0),
    "comfort_rating": ("QR form, centre module", lambda w, k: _qr(w, k, service_marks={"premises": 4}), 4.0),
    "regional_personalisation": ("regional checklist", _checklist, 50.0),
    "regional_channels": ("regional checklist", _checklist, 100 / 3),
    "comfort_checklist": ("comfort walk-through", _walk_through, 100.0),
    "csat_staff": ("phone answer typed by staff", lambda w, k: _typed(w, k, specialist_satisfaction=5,
                                                                      employee=w["specialist"]), 100.0),
    "staff_rating": ("QR form, specialist module",
                     lambda w, k: _qr(w, k, employee=w["specialist"], aspects={"politeness": 5}), 5.0),
    "iqs": ("IQS check", _iqs, 100.0),
}


def test_every_indicator_of_the_index_has_a_source_here():
    assert set(SOURCES) == {i.key for i in INDEX_INDICATORS}


@pytest.mark.parametrize("key", list(SOURCES))
def test_a_value_entered_through_its_source_arrives_in_the_centre_index(app, org, key):
    seed_reference()
    comfort.seed_items()
    world = {"centre": org.centre_a, "hr": make_user(Role.HR, service=org.service),
             "manager": make_user(Role.MANAGER, department=org.front_a),
             "specialist": make_user(department=org.front_a)}
    _source, enter, expected = SOURCES[key]
    enter(world, key)
    refresh()
    db.session.expire_all()
    entry = snapshots.snapshot("centre", org.centre_a.id, _month()).indicators[key]
    assert entry["status"] == "used", entry
    assert entry["value"] == pytest.approx(expected) and entry["n"] >= MIN_N[key]
    assert not entry["substituted"]


def _mention(world):
    mentions.add_mention(world["hr"], world["centre"].service, mentioned_on=_day(), source="Городской портал",
                         tone="positive", url="https://news.example.ru/szn", today=local_today())


#: metrics of 2.4 outside the index → (how a value is entered through its source, where to read it, expected)
OUTSIDE_THE_INDEX = {
    "csat": (lambda w: _qr(w, "expectations_met", count=3, csat=5) or _typed_one(w, csat=2),
             lambda snap, w: (snap.figures["csat"]["value"], snap.figures["csat"]["n"]), (75.0, 4)),
    "fcr": (lambda w: _import(w, "fcr"), lambda snap, w: (snap.figures["fcr"]["value"], snap.figures["fcr"]["n"]),
            (50.0, 1000)),
    "volume": (lambda w: _import(w, "volume"),
               lambda snap, w: (snap.figures["volume"]["by_channel"], snap.figures["volume"]["value"]),
               ({"call_centre": 400, "in_person": 600}, 1000)),
    "mentions": (_mention, lambda snap, w: (mentions.volume(w["centre"].regional_service_id, _month()).total, None),
                 (1, None)),
}


def _typed_one(world, **answer):
    channels.enter_answer(world["manager"], world["centre"], channel="phone", answered_on=_day(),
                          now=at(local_today()), **answer)


@pytest.mark.parametrize("metric", list(OUTSIDE_THE_INDEX))
def test_the_metrics_of_2_4_outside_the_index_arrive_from_their_sources(app, org, metric):
    seed_reference()
    world = {"centre": org.centre_a, "hr": make_user(Role.HR, service=org.service),
             "manager": make_user(Role.MANAGER, department=org.front_a)}
    enter, read, expected = OUTSIDE_THE_INDEX[metric]
    enter(world)
    refresh()
    db.session.expire_all()
    kind, scope_id = ("service", org.service.id) if metric == "mentions" else ("centre", org.centre_a.id)
    snap = snapshots.snapshot(kind, scope_id, _month())
    value, n = read(snap, world)
    assert (value if metric == "volume" else pytest.approx(value)) == expected[0] and n == expected[1]


def _table_rows() -> dict[str, str]:
    text = DOCS.read_text(encoding="utf-8")
    table = text.split("### 3.3", 1)[1].split("Placement decisions", 1)[0]
    rows = {}
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        found = re.match(r"`([a-z_]+)`", cells[1]) if len(cells) > 3 else None
        if found:
            rows[found.group(1)] = line
    return rows


def test_the_docs_name_a_source_for_every_indicator_and_none_is_left_uncollected():
    rows = _table_rows()
    assert set(rows) == {i.key for i in INDEX_INDICATORS}
    for key, line in rows.items():
        entered = [c.strip() for c in line.strip().strip("|").split("|")][2]
        assert "/" in entered or "import" in entered, (key, entered)  # a page or an import, not a promise
        assert not re.search(r"not collected|не собирается|never collected", line), key
