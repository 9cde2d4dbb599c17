"""Peer ratings in competence scores: normalised per rater and damped for mutual top marks when each rating is
recorded, with no per-rater row anywhere (the engagement domain's anonymity holds in metrics too)."""
from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, inspect, select

from tests.factories import make_org, make_user
from tests.metrics.test_competence_scores import months_ago, score, this_month
from training.competence import peer_evidence
from training.competence import services as competence
from training.competence.models import PeerEvidenceSum, PeerKeySalt, PeerRaterStat, PeerTopMark
from training.extensions import db
from training.gamification.ratings import services as ratings
from training.gamification.ratings.models import PeerRatingTotal
from training.measures.periods import local_today
from training.measures.scales import normalise_per_rater


def _rate(rater, rated, value: int | dict[str, int], now: datetime | None = None) -> None:
    aspects = ratings.aspects_for(rater.regional_service_id)
    if isinstance(value, int):
        value = dict.fromkeys((a.code for a in aspects), value)
    ratings.submit_rating(rater, rated, {a.id: value[a.code] for a in aspects if a.code in value}, now=now)
    db.session.commit()


def _sums(person, code: str = "politeness") -> PeerEvidenceSum:
    db.session.expire_all()
    return db.session.scalar(select(PeerEvidenceSum).where(PeerEvidenceSum.rated_id == person.id,
                                                           PeerEvidenceSum.aspect_code == code))


def _adjusted(row: PeerEvidenceSum, grand: float) -> float:
    return (row.centred_sum + grand * row.shrink_sum) / row.weight_sum


@pytest.fixture
def people(app, org):
    ratings.seed_default_aspects()
    db.session.commit()
    names = ["harsh", "lenient", "p1", "p2", "q1", "q2"]
    return {name: make_user(department=org.front_a, full_name=f"Сотрудник {name}") for name in names}


def test_a_harsh_and_a_lenient_rater_weigh_the_same(app, people):
    """The harsh colleague gives 3 and 4, the lenient one 4 and 5, to colleagues in the same order: after
    per-rater normalisation their ratings count the same, although the raw marks differ by a whole point."""
    _rate(people["harsh"], people["p1"], 3)
    _rate(people["harsh"], people["p2"], 4)
    _rate(people["lenient"], people["q1"], 4)
    _rate(people["lenient"], people["q2"], 5)
    p1, p2, q1, q2 = (_sums(people[k]) for k in ("p1", "p2", "q1", "q2"))
    assert (p1.raw_sum, p2.raw_sum, q1.raw_sum, q2.raw_sum) == (3, 4, 4, 5)
    assert (p1.centred_sum, p1.shrink_sum) == pytest.approx((q1.centred_sum, q1.shrink_sum))
    assert (p2.centred_sum, p2.shrink_sum) == pytest.approx((q2.centred_sum, q2.shrink_sum))
    grand = (3 + 4 + 4 + 5) / 4
    assert _adjusted(p2, grand) == pytest.approx(_adjusted(q2, grand))
    # each rater's latest rating is centred with their full mean: exactly scales.normalise_per_rater
    table = normalise_per_rater({"harsh": {"p1": 3, "p2": 4}, "lenient": {"q1": 4, "q2": 5}})
    assert _adjusted(p2, grand) == pytest.approx(table["harsh"]["p2"]) == pytest.approx(4.5)
    assert _adjusted(q2, grand) == pytest.approx(table["lenient"]["q2"])
    # the raters themselves appear nowhere: only sums per rated person
    assert db.session.scalar(select(func.count()).select_from(PeerEvidenceSum)
                             .where(PeerEvidenceSum.rated_id.in_([people["harsh"].id, people["lenient"].id]))) == 0


def test_harsh_and_lenient_raters_give_the_same_competence_score(app, org):
    """Through to the stored scores: five harsh raters and five lenient raters with the same preferences rank
    two colleagues the same way and give them the same peer evidence."""
    ratings.seed_default_aspects()
    db.session.commit()
    rated = [make_user(department=org.front_a, full_name=f"Оцениваемый {n}") for n in range(4)]
    harsh = [make_user(department=org.front_a) for _ in range(5)]
    lenient = [make_user(department=org.front_a) for _ in range(5)]
    for rater in harsh:  # rated[0] is their favourite, rated[1] less so
        _rate(rater, rated[1], 3)
        _rate(rater, rated[0], 4)
    for rater in lenient:  # the same preferences on rated[2] / rated[3], one point higher
        _rate(rater, rated[3], 4)
        _rate(rater, rated[2], 5)
    competence.recompute_month(this_month())
    db.session.commit()
    peer = [score(p).breakdown["competences"]["politeness"]["evidence"]["peer"] for p in rated]
    assert [e["status"] for e in peer] == ["used"] * 4
    assert peer[0]["raw"] == 4.0 and peer[2]["raw"] == 5.0  # raw marks differ …
    assert peer[0]["score"] == pytest.approx(peer[2]["score"])  # … the evidence does not
    assert peer[1]["score"] == pytest.approx(peer[3]["score"])
    assert peer[0]["score"] > peer[1]["score"]


def test_mutual_top_marks_are_damped_for_both_and_one_sided_ones_are_not(app, people):
    a, b, c = people["p1"], people["p2"], people["q1"]
    _rate(a, b, {"teamwork": 5})
    assert _sums(b, "teamwork").weight_sum == 1.0  # nothing to answer yet
    _rate(b, a, {"teamwork": 5})  # «ты мне — я тебе»: both count half
    assert _sums(a, "teamwork").weight_sum == pytest.approx(0.5)
    assert _sums(b, "teamwork").weight_sum == pytest.approx(0.5)
    assert _sums(b, "teamwork").rating_count == 1  # the rating still counts as one for n
    _rate(c, a, {"teamwork": 5})  # a one-sided top mark keeps its full weight
    assert _sums(a, "teamwork").weight_sum == pytest.approx(1.5)
    _rate(a, c, {"teamwork": 4})  # an answer below the top is not a mutual top mark
    assert _sums(c, "teamwork").weight_sum == pytest.approx(1.0)
    assert _sums(a, "teamwork").weight_sum == pytest.approx(1.5)
    # a top mark answered a month later, within the window, is damped too
    _rate(people["q2"], people["lenient"], {"teamwork": 5}, now=datetime.now(UTC) - timedelta(days=40))
    _rate(people["lenient"], people["q2"], {"teamwork": 5})
    assert _sums(people["q2"], "teamwork").weight_sum == pytest.approx(0.5)


def test_nothing_links_a_rater_to_a_score_and_old_keys_are_erased(app, people):
    rater, rated = people["harsh"], people["p1"]
    _rate(rater, rated, 5)
    inspector = inspect(db.engine)
    for table in ("competence_peer_sums", "competence_peer_rater_stats", "competence_peer_top_marks",
                  "competence_peer_salts"):
        columns = {c["name"] for c in inspector.get_columns(table)}
        assert not {c for c in columns if "rater_id" in c or c in ("user_id", "giver_id")}, table
        users_fks = [fk["constrained_columns"] for fk in inspector.get_foreign_keys(table)
                     if fk["referred_table"] == "users"]
        assert users_fks == ([["rated_id"]] if table == "competence_peer_sums" else []), table
    keys = db.session.scalars(select(PeerRaterStat.rater_key)).all()
    assert keys and all(len(k) == 64 and str(rater.id) != k for k in keys)
    assert db.session.scalar(select(func.count()).select_from(PeerTopMark)) == 5  # five top marks, as tokens
    # once the month has left every window, the keys, statistics and tokens go; the sums stay
    removed = peer_evidence.purge_peer_keys(local_today() + timedelta(days=100))
    db.session.commit()
    assert removed == 5 + 5 + 1
    assert db.session.scalar(select(func.count()).select_from(PeerRaterStat)) == 0
    assert db.session.scalar(select(func.count()).select_from(PeerKeySalt)) == 0
    assert _sums(rated).rating_count == 1


def test_peer_evidence_waits_for_five_ratings_from_three_colleagues(app, org):
    ratings.seed_default_aspects()
    db.session.commit()
    person = make_user(department=org.front_a)
    raters = [make_user(department=org.front_a) for _ in range(5)]
    for rater in raters[:4]:
        _rate(rater, person, 4)
    competence.recompute_month(this_month())
    db.session.commit()
    entry = score(person).breakdown["competences"]["politeness"]["evidence"]["peer"]
    assert entry["status"] == "insufficient" and entry["n"] == 4 and "score" not in entry
    _rate(raters[4], person, 4)
    competence.refresh_stale()
    row = score(person)
    entry = row.breakdown["competences"]["politeness"]["evidence"]["peer"]
    assert entry["status"] == "used" and entry["n"] == 5 and row.breakdown["raters"] == row.peer_raters == 5


def test_ratings_older_than_the_window_do_not_count(app, people):
    old = datetime.combine(months_ago(3).start + timedelta(days=5), datetime.min.time(), tzinfo=UTC)
    _rate(people["harsh"], people["p1"], 2, now=old)
    competence.recompute_month(this_month())
    db.session.commit()
    assert "peer" not in score(people["p1"]).breakdown["competences"]["politeness"]["evidence"]
    competence.recompute_month(months_ago(3))
    db.session.commit()
    assert score(people["p1"], months_ago(3)).breakdown["competences"]["politeness"]["evidence"]["peer"]["n"] == 1


@pytest.mark.postgres
def test_parallel_ratings_of_one_person_lose_nothing(pg_app):
    """Twelve colleagues rate one person at the same moment: every rating lands in the sums once."""
    org = make_org()
    ratings.seed_default_aspects()
    db.session.commit()
    person = make_user(department=org.front_a)
    raters = [make_user(department=org.front_a) for _ in range(12)]
    person_id, rater_ids = person.id, [r.id for r in raters]
    barrier = threading.Barrier(len(rater_ids))
    errors: list[BaseException] = []

    def work(rater_id: int) -> None:
        from training.accounts.models import User

        with pg_app.app_context():
            try:
                rater, rated = db.session.get(User, rater_id), db.session.get(User, person_id)
                scores = {a.id: 5 for a in ratings.aspects_for(rater.regional_service_id)}
                barrier.wait()
                ratings.submit_rating(rater, rated, scores)
                db.session.commit()
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=work, args=(rid,)) for rid in rater_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    db.session.expire_all()
    assert db.session.scalar(select(PeerRatingTotal.score_count).where(PeerRatingTotal.rated_id == person_id)
                             .limit(1)) == 12
    rows = db.session.scalars(select(PeerEvidenceSum).where(PeerEvidenceSum.rated_id == person_id)).all()
    assert {r.rating_count for r in rows} == {12}
    assert {r.raw_sum for r in rows} == {60}
    from training.competence.models import CompetenceScore

    row = db.session.scalar(select(CompetenceScore).where(CompetenceScore.user_id == person_id,
                                                          CompetenceScore.period_start == this_month().start))
    assert row.data_version >= 12  # every rating bumped the stored score; none was lost
