"""Tests of training/measures/scales.py: anchors, the index, shrinkage, rater effects, weights over time."""

from __future__ import annotations

import dataclasses
import math
from datetime import date, datetime

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from training.measures.formulas import ces, iqs, net_fcr, nps, ttfr
from training.measures.scales import (
    ANCHORS,
    COMPETENCE_BLOCKS,
    COMPETENCE_EVIDENCE,
    DEFAULT_BLOCK_WEIGHTS,
    DEFAULT_GROUP_WEIGHTS,
    DEFAULT_PRIOR_WEIGHT,
    GROUPS,
    INDEX_INDICATORS,
    MASTER_BLOCK_MINIMUM,
    MASTER_PERIODS,
    MASTER_THRESHOLD,
    Anchor,
    Observation,
    WeightSet,
    bayesian_average,
    centre_index,
    held_above,
    normalise,
    normalise_per_rater,
    pair_damping_weights,
    weighted_index,
    weights_in_force,
)

finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)


# ------------------------------------------------------------------------------------------ anchors


class TestAnchor:
    def test_fields_and_equality_ignore_notes(self):
        assert Anchor(60, 10) == Anchor(60, 10, "мин", "why")
        assert Anchor(60, 10).worst == 60.0 and Anchor(60, 10).best == 10.0

    def test_frozen(self):
        with pytest.raises(dataclasses.FrozenInstanceError):
            Anchor(0, 1).best = 2  # type: ignore[misc]

    @pytest.mark.parametrize(
        "worst,best", [(5, 5), (float("nan"), 1), (0, float("inf")), (True, 5), ("0", 5)]
    )
    def test_refusals(self, worst, best):
        with pytest.raises(ValueError):
            Anchor(worst, best)


class TestNormalise:
    def test_waiting_time_target_and_cap(self):
        a = Anchor(worst=60, best=10)
        assert normalise(10, a) == 100.0
        assert normalise(60, a) == 0.0
        assert normalise(35, a) == 50.0
        assert normalise(5, a) == 100.0  # clamped
        assert normalise(240, a) == 0.0  # clamped

    def test_registry_by_name(self):
        assert normalise(-100, "nps") == 0.0
        assert normalise(0, "nps") == 50.0
        assert normalise(100, "nps") == 100.0
        assert normalise(15, "waiting_time_minutes") == pytest.approx(90.0)
        assert normalise(3, "client_aspect_rating") == 50.0
        assert normalise(0, "escalation_rate") == 100.0
        assert normalise(25, "escalation_rate") == 50.0
        assert normalise(1, "replies_per_conversation") == 100.0

    def test_fixed_anchors_do_not_depend_on_other_centres(self):
        # a centre's score is a function of its own value only
        before = normalise(35, "nps")
        _others = [normalise(v, "nps") for v in (-80, 90, 12)]
        assert normalise(35, "nps") == before == 67.5

    @pytest.mark.parametrize("value", [float("nan"), float("inf"), True, "3", None])
    def test_refuses_bad_values(self, value):
        with pytest.raises(ValueError):
            normalise(value, "nps")

    def test_refuses_unknown_or_bad_anchor(self):
        with pytest.raises(ValueError, match="неизвестный показатель"):
            normalise(1, "happiness")
        with pytest.raises(ValueError, match="Anchor"):
            normalise(1, (0, 100))

    @given(finite, finite, st.sampled_from(sorted(ANCHORS)))
    def test_property_registry_monotonic_and_bounded(self, a, b, key):
        anchor = ANCHORS[key]
        lo, hi = sorted((a, b))
        s_lo, s_hi = normalise(lo, key), normalise(hi, key)
        assert 0.0 <= s_lo <= 100.0 and 0.0 <= s_hi <= 100.0
        if anchor.best > anchor.worst:
            assert s_lo <= s_hi
        else:
            assert s_lo >= s_hi

    @given(finite, finite, finite, finite)
    def test_property_any_anchor_monotonic_and_bounded(self, worst, best, a, b):
        assume(worst != best and abs(best - worst) > 1e-9)
        anchor = Anchor(worst, best)
        lo, hi = sorted((a, b))
        s_lo, s_hi = normalise(lo, anchor), normalise(hi, anchor)
        assert 0.0 <= min(s_lo, s_hi) and max(s_lo, s_hi) <= 100.0
        assert (s_lo <= s_hi) if best > worst else (s_lo >= s_hi)
        assert normalise(worst, anchor) == 0.0 and normalise(best, anchor) == 100.0


class TestRegistry:
    REQUIRED = {
        "nps",
        "ces",
        "csat",
        "expectations_met",
        "resolution_rate",
        "fcr",
        "net_fcr",
        "escalation_rate",
        "ttfr_minutes",
        "waiting_time_minutes",
        "replies_per_conversation",
        "iqs",
        "peer_aspect_rating",
        "client_aspect_rating",
    }

    def test_required_indicators_present_and_justified(self):
        assert self.REQUIRED <= set(ANCHORS)
        for key, anchor in ANCHORS.items():
            assert isinstance(anchor, Anchor)
            assert len(anchor.why) > 40, key
            assert anchor.unit, key

    def test_specific_anchors(self):
        assert ANCHORS["nps"] == Anchor(-100, 100)
        assert ANCHORS["ces"] == Anchor(-100, 100)
        assert ANCHORS["csat"] == Anchor(0, 100)
        assert ANCHORS["waiting_time_minutes"] == Anchor(60, 10)
        assert ANCHORS["peer_aspect_rating"] == ANCHORS["client_aspect_rating"] == Anchor(1, 5)
        for lower_is_better in (
            "escalation_rate",
            "ttfr_minutes",
            "waiting_time_minutes",
            "replies_per_conversation",
        ):
            assert ANCHORS[lower_is_better].worst > ANCHORS[lower_is_better].best

    def test_read_only(self):
        with pytest.raises(TypeError):
            ANCHORS["nps"] = Anchor(0, 1)  # type: ignore[index]


# ------------------------------------------------------------------------------------------ weighted index


class TestWeightedIndex:
    def test_all_present(self):
        r = weighted_index({"a": 80, "b": 40}, {"a": 3, "b": 1})
        assert r.value == pytest.approx(70.0)
        assert r.used == ("a", "b") and r.missing == ()
        assert dict(r.weights) == pytest.approx({"a": 0.75, "b": 0.25})
        assert r.coverage == 1.0

    def test_missing_groups_renormalise(self):
        weights = {"a": 0.3, "b": 0.2, "c": 0.5}
        r = weighted_index({"a": 90, "b": 60, "c": None}, weights)
        assert r.value == pytest.approx((0.3 * 90 + 0.2 * 60) / 0.5)
        assert r.used == ("a", "b") and r.missing == ("c",)
        assert sum(r.weights.values()) == pytest.approx(1.0)
        assert r.coverage == pytest.approx(0.5)
        # an absent key is the same as None
        assert weighted_index({"a": 90, "b": 60}, weights) == r

    def test_present_group_with_zero_weight_is_neither_used_nor_missing(self):
        r = weighted_index({"a": 50, "b": 100}, {"a": 1, "b": 0})
        assert r.value == 50.0 and r.used == ("a",) and r.missing == ()

    def test_accepts_weight_set(self):
        ws = WeightSet(date(2025, 1, 1), {"a": 1, "b": 1})
        assert weighted_index({"a": 20, "b": 40}, ws).value == pytest.approx(30.0)

    @pytest.mark.parametrize(
        "scores,weights,message",
        [
            ({"a": None, "b": None}, {"a": 1, "b": 1}, "нет данных"),
            ({}, {"a": 1}, "нет данных"),
            ({"a": 50}, {"a": 0, "b": 1}, "нет данных"),
            ({"x": 50}, {"a": 1}, "не задан вес"),
            ({"a": 101}, {"a": 1}, "0…100"),
            ({"a": -1}, {"a": 1}, "0…100"),
            ({"a": float("nan")}, {"a": 1}, "конечным"),
            ({"a": True}, {"a": 1}, "логическое"),
            ({"a": 50}, {"a": -1}, "отрицательным"),
            ({"a": 50}, {"a": 0}, "все веса равны нулю"),
            ({"a": 50}, {}, "пуст"),
            ({"a": 50}, [("a", 1)], "словарь"),
            ([("a", 50)], {"a": 1}, "словарь"),
        ],
    )
    def test_refusals(self, scores, weights, message):
        with pytest.raises(ValueError, match=message):
            weighted_index(scores, weights)

    @given(
        st.dictionaries(
            st.sampled_from("abcdefg"),
            st.tuples(st.one_of(st.none(), st.floats(0, 100)), st.floats(0, 10)),
            min_size=1,
        )
    )
    def test_property_within_present_scores(self, groups):
        scores = {k: s for k, (s, _) in groups.items()}
        weights = {k: w for k, (_, w) in groups.items()}
        present = [scores[k] for k in scores if scores[k] is not None and weights[k] > 0]
        assume(present and math.fsum(weights.values()) > 0)
        r = weighted_index(scores, weights)
        assert min(present) <= r.value <= max(present)
        assert sum(r.weights.values()) == pytest.approx(1.0)
        assert 0.0 <= r.coverage <= 1.0 + 1e-12

    @given(st.dictionaries(st.sampled_from("abcde"), st.floats(0, 100), min_size=1), st.floats(0.01, 100))
    def test_property_weight_scale_invariance(self, scores, factor):
        weights = {k: 1 + i for i, k in enumerate(sorted(scores))}
        scaled = {k: w * factor for k, w in weights.items()}
        assert weighted_index(scores, scaled).value == pytest.approx(weighted_index(scores, weights).value)


# ------------------------------------------------------------------------------------------ Bayesian average


class TestBayesianAverage:
    def test_formula(self):
        # (Σx + m·C) / (n + m) = (9 + 10·4) / (2 + 10)
        assert bayesian_average(9, 2, 4.0, 10) == pytest.approx(49 / 12)

    def test_no_data_returns_the_prior(self):
        assert bayesian_average(0, 0, 4.2) == pytest.approx(4.2)

    def test_prior_weight_zero_is_the_plain_mean(self):
        assert bayesian_average(14, 4, 1.0, 0) == 3.5

    def test_default_prior_weight_is_documented_value(self):
        assert DEFAULT_PRIOR_WEIGHT == 10.0

    def test_one_five_star_does_not_beat_thirty_four_point_eight(self):
        centre_mean = 4.3
        single = bayesian_average(5, 1, centre_mean)
        thirty = bayesian_average(30 * 4.8, 30, centre_mean)
        assert single < thirty
        assert single == pytest.approx((5 + 10 * 4.3) / 11)
        assert thirty == pytest.approx((144 + 43) / 40)

    def test_without_shrinkage_the_single_rating_would_win(self):
        # this is why a prior is needed at all
        assert bayesian_average(5, 1, 4.3, 0) > bayesian_average(144, 30, 4.3, 0)

    @given(st.floats(1.0, 4.7))
    def test_property_holds_for_any_realistic_centre_mean(self, centre_mean):
        # holds for every prior mean up to ~4.77 with m = 10: a centre whose mean is 4.8+ is not realistic
        assert bayesian_average(5, 1, centre_mean) < bayesian_average(144, 30, centre_mean)

    @given(st.floats(1, 5), st.integers(1, 500), st.floats(1, 5), st.floats(0, 100))
    def test_property_between_sample_mean_and_prior(self, mean, n, prior, m):
        value = bayesian_average(mean * n, n, prior, m)
        assert min(mean, prior) - 1e-9 <= value <= max(mean, prior) + 1e-9

    def test_fractional_n_from_damped_ratings(self):
        assert bayesian_average(5 * 0.5 + 4, 1.5, 4.0, 10) == pytest.approx((6.5 + 40) / 11.5)

    @pytest.mark.parametrize(
        "args,message",
        [
            ((5, -1, 4, 10), "отрицательным"),
            ((5, 1, 4, -1), "отрицательным"),
            ((0, 0, 4, 0), "не определено"),
            ((3, 0, 4, 10), "нулевом числе"),
            ((float("nan"), 1, 4, 10), "конечным"),
            ((5, 1, float("inf"), 10), "конечным"),
            ((5, True, 4, 10), "логическое"),
            ((5, 1, 4, None), "число"),
        ],
    )
    def test_refusals(self, args, message):
        with pytest.raises(ValueError, match=message):
            bayesian_average(*args)


# ------------------------------------------------------------------------------------------ rater effects


class TestNormalisePerRater:
    def test_harsh_and_lenient_rater_with_same_preferences_weigh_the_same(self):
        ratings = {
            "строгий": {"Анна": 4, "Борис": 3, "Вера": 2},
            "мягкий": {"Анна": 5, "Борис": 4, "Вера": 3},
        }
        adjusted = normalise_per_rater(ratings)
        assert adjusted["строгий"] == pytest.approx(adjusted["мягкий"])
        # global mean G = (9 + 12) / 6 = 3.5; each rater is shifted onto it
        assert adjusted["строгий"] == pytest.approx({"Анна": 4.5, "Борис": 3.5, "Вера": 2.5})

    def test_definition_each_rater_centred_on_global_mean(self):
        ratings = {"r1": {"a": 2, "b": 3}, "r2": {"a": 4}, "r3": {"b": 4, "c": 5, "d": 3}}
        grand = (2 + 3 + 4 + 4 + 5 + 3) / 6
        adjusted = normalise_per_rater(ratings)
        for rater, row in ratings.items():
            offset = sum(row.values()) / len(row) - grand
            for target, value in row.items():
                assert adjusted[rater][target] == pytest.approx(value - offset)
        # with no clamping the overall mean is preserved
        flat = [v for row in adjusted.values() for v in row.values()]
        assert sum(flat) / len(flat) == pytest.approx(grand)

    def test_single_rating_collapses_to_global_mean_unless_shrunk(self):
        ratings = {"r1": {"a": 5}, "r2": {"a": 3, "b": 3}}
        grand = 11 / 3
        assert normalise_per_rater(ratings)["r1"]["a"] == pytest.approx(grand)
        # k = 1: the offset (5 − G) is halved for a rater with one rating
        assert normalise_per_rater(ratings, rater_prior_weight=1)["r1"]["a"] == pytest.approx(
            5 - (5 - grand) / 2
        )

    def test_results_clamped_to_the_scale(self):
        ratings = {"harsh": {"a": 1, "b": 1, "c": 5}, "lenient": {"a": 5, "b": 5, "c": 5}}
        adjusted = normalise_per_rater(ratings)
        for row in adjusted.values():
            assert all(1.0 <= v <= 5.0 for v in row.values())
        assert adjusted["harsh"]["c"] == 5.0

    def test_empty_rater_kept_and_input_untouched(self):
        ratings = {"r1": {"a": 4, "b": 2}, "r2": {}}
        adjusted = normalise_per_rater(ratings)
        assert adjusted["r2"] == {}
        assert ratings == {"r1": {"a": 4, "b": 2}, "r2": {}}

    def test_other_scale(self):
        assert normalise_per_rater({"r": {"a": 10, "b": 0}}, low=0, high=10) == {"r": {"a": 10.0, "b": 0.0}}

    @pytest.mark.parametrize(
        "ratings,kwargs,message",
        [
            ({"r": {"a": 6}}, {}, "вне шкалы"),
            ({"r": {"a": 0}}, {}, "вне шкалы"),
            ({"r": {"a": float("nan")}}, {}, "конечным"),
            ({"r": {"a": True}}, {}, "логическое"),
            ({"r": {}}, {}, "нет ни одной оценки"),
            ({}, {}, "нет ни одной оценки"),
            ({"r": [4]}, {}, "словарь"),
            ([("r", "a", 4)], {}, "словарь"),
            ({"r": {"a": 4}}, {"low": 5, "high": 1}, "меньше"),
            ({"r": {"a": 4}}, {"rater_prior_weight": -1}, "отрицательным"),
        ],
    )
    def test_refusals(self, ratings, kwargs, message):
        with pytest.raises(ValueError, match=message):
            normalise_per_rater(ratings, **kwargs)

    @given(
        st.dictionaries(
            st.sampled_from(["r1", "r2", "r3", "r4"]),
            st.dictionaries(st.sampled_from("abcdef"), st.integers(1, 5), min_size=1),
            min_size=1,
        ),
        st.floats(0, 20),
    )
    def test_property_bounded_and_order_preserving_per_rater(self, ratings, k):
        adjusted = normalise_per_rater(ratings, rater_prior_weight=k)
        for rater, row in ratings.items():
            for t1, v1 in row.items():
                assert 1.0 <= adjusted[rater][t1] <= 5.0
                for t2, v2 in row.items():
                    if v1 < v2:
                        assert adjusted[rater][t1] <= adjusted[rater][t2]

    @given(
        st.dictionaries(st.sampled_from("abcdef"), st.integers(2, 4), min_size=2),
        st.integers(-1, 1),
    )
    def test_property_shifted_rater_is_indistinguishable(self, row, shift):
        # a rater who gives everybody `shift` more is adjusted to the same numbers (no clamping: 1…5 kept)
        adjusted = normalise_per_rater({"x": row, "y": {t: v + shift for t, v in row.items()}})
        assert adjusted["x"] == pytest.approx(adjusted["y"])


class TestPairDamping:
    def test_mutual_top_marks_are_damped(self):
        ratings = {"A": {"B": 5, "C": 4}, "B": {"A": 5, "C": 5}, "C": {"A": 4}}
        w = pair_damping_weights(ratings)
        assert w[("A", "B")] == w[("B", "A")] == 0.5
        assert w[("A", "C")] == w[("C", "A")] == 1.0
        assert w[("B", "C")] == 1.0  # C did not return a top mark

    def test_custom_top_and_factor(self):
        w = pair_damping_weights({"A": {"B": 9}, "B": {"A": 10}}, top=9, factor=0.25)
        assert w == {("A", "B"): 0.25, ("B", "A"): 0.25}

    def test_damped_ratings_feed_the_bayesian_average(self):
        ratings = {"A": {"B": 5}, "B": {"A": 5}, "C": {"B": 4}}
        w = pair_damping_weights(ratings)
        received = [(ratings[r][t], w[(r, t)]) for r, row in ratings.items() for t in row if t == "B"]
        total = sum(v * wt for v, wt in received)
        n = sum(wt for _, wt in received)
        assert n == 1.5
        assert bayesian_average(total, n, 4.0) == pytest.approx((2.5 + 4 + 40) / 11.5)

    @pytest.mark.parametrize(
        "ratings,kwargs,message",
        [
            ({"A": {"A": 5}}, {}, "самооценка"),
            ({"A": {"B": 5}}, {"factor": 1.5}, "0…1"),
            ({"A": {"B": 5}}, {"factor": -0.1}, "0…1"),
            ({"A": {"B": 5}}, {"top": float("nan")}, "конечным"),
            ({}, {}, "нет ни одной оценки"),
        ],
    )
    def test_refusals(self, ratings, kwargs, message):
        with pytest.raises(ValueError, match=message):
            pair_damping_weights(ratings, **kwargs)


# ------------------------------------------------------------------------------------------ weights over time


class TestWeightsInForce:
    SETS = [
        WeightSet(date(2025, 1, 1), {"a": 1, "b": 1}, "2025"),
        WeightSet(date(2026, 7, 1), {"a": 2, "b": 1}, "2026-H2"),
        WeightSet(date(2026, 1, 1), {"a": 1, "b": 2}, "2026"),
    ]

    def test_latest_effective_on_or_before(self):
        assert weights_in_force(self.SETS, date(2025, 6, 30)).label == "2025"
        assert weights_in_force(self.SETS, date(2026, 1, 1)).label == "2026"  # inclusive
        assert weights_in_force(self.SETS, date(2026, 6, 30)).label == "2026"
        assert weights_in_force(self.SETS, date(2030, 1, 1)).label == "2026-H2"

    def test_pairs_accepted(self):
        chosen = weights_in_force(
            [(date(2025, 1, 1), {"a": 1}), (date(2025, 3, 1), {"a": 3})], date(2025, 4, 1)
        )
        assert chosen.effective_from == date(2025, 3, 1) and dict(chosen.weights) == {"a": 3.0}

    def test_default_group_weights_always_in_force(self):
        assert weights_in_force([DEFAULT_GROUP_WEIGHTS], date(2000, 1, 1)) is DEFAULT_GROUP_WEIGHTS

    @pytest.mark.parametrize(
        "sets,on,message",
        [
            (SETS, date(2024, 12, 31), "не действует ни один"),
            ([], date(2025, 1, 1), "не задан ни один"),
            (SETS + [WeightSet(date(2025, 1, 1), {"a": 5})], date(2025, 2, 1), "в один день"),
            (SETS, datetime(2025, 2, 1, 12, 0), "дата"),
            (SETS, "2025-02-01", "дата"),
            ([(date(2025, 1, 1),)], date(2025, 2, 1), "пара"),
            ({"a": 1}, date(2025, 2, 1), "список"),
        ],
    )
    def test_refusals(self, sets, on, message):
        with pytest.raises(ValueError, match=message):
            weights_in_force(sets, on)

    @pytest.mark.parametrize(
        "effective,weights,message",
        [
            (datetime(2025, 1, 1), {"a": 1}, "дата"),
            ("2025-01-01", {"a": 1}, "дата"),
            (date(2025, 1, 1), {}, "пуст"),
            (date(2025, 1, 1), {"a": 0}, "равны нулю"),
            (date(2025, 1, 1), {"a": -1}, "отрицательным"),
            (date(2025, 1, 1), {"a": float("inf")}, "конечным"),
        ],
    )
    def test_weight_set_validation(self, effective, weights, message):
        with pytest.raises(ValueError, match=message):
            WeightSet(effective, weights)

    def test_weight_set_is_immutable_copy(self):
        source = {"a": 1}
        ws = WeightSet(date(2025, 1, 1), source)
        source["a"] = 99
        assert ws.weights["a"] == 1.0
        with pytest.raises(TypeError):
            ws.weights["a"] = 2  # type: ignore[index]


# ------------------------------------------------------------------------------------------ index design


class TestIndexDesign:
    def test_default_group_weights(self):
        assert set(DEFAULT_GROUP_WEIGHTS.weights) == set(GROUPS)
        assert math.fsum(DEFAULT_GROUP_WEIGHTS.weights.values()) == pytest.approx(1.0)

    def test_indicators_consistent(self):
        keys = [ind.key for ind in INDEX_INDICATORS]
        assert len(keys) == len(set(keys))
        for ind in INDEX_INDICATORS:
            assert ind.group in GROUPS
            assert ind.anchor in ANCHORS
            assert ind.min_n >= 1
        for group in GROUPS:
            members = [ind.weight for ind in INDEX_INDICATORS if ind.group == group]
            assert members, group
            assert math.fsum(members) == pytest.approx(1.0), group
        # every group can be fed by surveys and by something other than surveys
        for group in GROUPS:
            sources = {ind.source for ind in INDEX_INDICATORS if ind.group == group}
            assert "опрос клиентов" in sources and len(sources) >= 2, group

    def test_competence_model_consistent(self):
        assert set(DEFAULT_BLOCK_WEIGHTS.weights) == set(COMPETENCE_BLOCKS)
        assert math.fsum(DEFAULT_BLOCK_WEIGHTS.weights.values()) == pytest.approx(1.0)
        competences = {c for block in COMPETENCE_BLOCKS.values() for c in block}
        assert len(competences) == 11
        assert set(COMPETENCE_EVIDENCE) == competences
        for competence, mix in COMPETENCE_EVIDENCE.items():
            assert set(mix) <= {"client", "peer", "iqs", "quiz", "actions"}, competence
            assert math.fsum(mix.values()) == pytest.approx(1.0), competence
        assert 0 < MASTER_BLOCK_MINIMUM <= MASTER_THRESHOLD <= 100 and MASTER_PERIODS >= 1


WORKED_EXAMPLE = {
    # results of formulas over a quarter, with their n
    "expectations_met": Observation(72.0, 180),
    "resolution_rate": Observation(88.0, 1250),
    "on_time_share": Observation(96.0, 900),
    "nps": Observation(31.0, 180),
    "csi": Observation(78.0, 140),  # 2.4's CSI: 78 % of the maximum → (78 − 20) / 80 = 72.5
    "personal_support_share": Observation(40.0, 2100),
    "personalisation_rating": Observation(4.1, 150),
    "ces": Observation(46.0, 210),
    "net_fcr": Observation(75.0, 400),
    "waiting_time_minutes": Observation(18.0, 3400),
    "ttfr_minutes": Observation(150.0, 600),
    "replies_per_conversation": Observation(2.2, 600),
    "escalation_rate": Observation(8.0, 1250),
    "comfort_rating": Observation(4.4, 150),
    "comfort_checklist": Observation(85.0, 1),
    "csat_staff": Observation(64.0, 12),  # too few answers: set aside
    "staff_rating": Observation(4.6, 170),
    "iqs": Observation(81.0, 24),
}


class TestCentreIndex:
    def test_worked_example_from_docs(self):
        r = centre_index(WORKED_EXAMPLE)
        s = r.indicator_scores
        assert s["nps"] == pytest.approx(65.5)
        assert s["csi"] == pytest.approx(72.5)
        assert s["personalisation_rating"] == pytest.approx(77.5)
        assert s["waiting_time_minutes"] == pytest.approx(84.0)
        assert s["ttfr_minutes"] == pytest.approx(330 / 420 * 100)
        assert s["replies_per_conversation"] == pytest.approx(70.0)
        assert s["escalation_rate"] == pytest.approx(84.0)
        assert r.insufficient == ("csat_staff",)
        g = {k: v.value for k, v in r.groups.items()}
        assert g["effectiveness"] == pytest.approx(0.28 * 72 + 0.28 * 88 + 0.12 * 96 + 0.12 * 65.5 + 0.20 * 72.5)
        assert g["personalisation"] == pytest.approx(0.5 * 40 + 0.5 * 77.5)
        effort = 0.3 * 73 + 0.2 * 75 + 0.2 * 84 + 0.1 * (330 / 4.2) + 0.1 * 70 + 0.1 * 84
        assert g["effort"] == pytest.approx(effort)
        assert g["comfort"] == pytest.approx(0.6 * 85 + 0.4 * 85)
        assert g["friendliness"] == pytest.approx((0.3 * 90 + 0.3 * 81) / 0.6)
        assert r.groups["friendliness"].missing == ("csat_staff",)
        expected = (
            0.30 * g["effectiveness"]
            + 0.15 * g["personalisation"]
            + 0.25 * g["effort"]
            + 0.10 * g["comfort"]
            + 0.20 * g["friendliness"]
        )
        assert r.index.value == pytest.approx(expected)
        assert round(r.index.value, 1) == 77.3
        assert r.index.coverage == 1.0

    def test_values_come_straight_from_formulas(self):
        r = centre_index(
            {
                "nps": (nps([10] * 20 + [8] * 10 + [3] * 10), 40),
                "ces": (ces([5] * 25 + [3] * 5 + [1] * 10), 40),
                "waiting_time_minutes": (ttfr([5, 12, 14, 30, 95] * 10).median, 50),
                "net_fcr": (net_fcr(60, 100, 20), 100),
                "iqs": (iqs([(1.5, True, False), (1, True, True), (0.75, False, False)]), 10),
            }
        )
        assert r.indicator_scores["nps"] == pytest.approx(62.5)  # NPS 25
        assert r.indicator_scores["ces"] == pytest.approx(68.75)  # CES 37.5
        assert r.indicator_scores["waiting_time_minutes"] == pytest.approx(92.0)  # median 14 min
        assert set(r.index.missing) == {"personalisation", "comfort"}

    def test_gross_fcr_stands_in_only_when_net_is_missing(self):
        r = centre_index({"fcr": (60.0, 100), "ces": (0.0, 50)})
        assert r.indicator_scores["net_fcr"] == 60.0 and r.substituted == {"net_fcr": "fcr"}
        r = centre_index({"fcr": (60.0, 100), "net_fcr": (75.0, 80), "ces": (0.0, 50)})
        assert r.indicator_scores["net_fcr"] == 75.0 and dict(r.substituted) == {}
        assert "fcr" not in r.indicator_scores

    def test_weights_over_time(self):
        comfort_year = WeightSet(
            date(2026, 1, 1),
            {
                "effectiveness": 0.25,
                "personalisation": 0.15,
                "effort": 0.25,
                "comfort": 0.20,
                "friendliness": 0.15,
            },
        )
        ws = weights_in_force([DEFAULT_GROUP_WEIGHTS, comfort_year], date(2026, 3, 31))
        assert ws is comfort_year
        assert centre_index(WORKED_EXAMPLE, ws).index.value != centre_index(WORKED_EXAMPLE).index.value

    @pytest.mark.parametrize(
        "observations,message",
        [
            ({"happiness": (1, 100)}, "неизвестные"),
            ({"nps": (10, 5)}, "нет данных"),
            ({}, "нет данных"),
            ({"nps": None}, "нет данных"),
            ({"nps": (10, -1)}, "n должно"),
            ({"nps": (10, 40.0)}, "n должно"),
            ({"nps": (10, True)}, "n должно"),
            ({"nps": (10,)}, "пара"),
            ({"nps": (float("nan"), 40)}, "конечным"),
            ([("nps", (10, 40))], "словарь"),
        ],
    )
    def test_refusals(self, observations, message):
        with pytest.raises(ValueError, match=message):
            centre_index(observations)


# ------------------------------------------------------------------------------------------ master rule


class TestHeldAbove:
    def test_streak(self):
        assert held_above([70, 82, 85, 81], 80, 3)
        assert not held_above([82, 85, 79], 80, 3)
        assert held_above([80, 80, 80], 80, 3)  # «at least» the threshold
        assert not held_above([85, 85], 80, 3)  # not long enough yet
        assert not held_above([85, None, 85, 85], 80, 4)
        assert held_above([None, 85, 85, 85], 80, 3)

    @pytest.mark.parametrize(
        "args,message",
        [
            (([80], 80, 0), "периодов"),
            (([80], 80, True), "периодов"),
            (([80], 80, 1.0), "периодов"),
            (([80], float("nan"), 1), "конечным"),
            ((["80"], 80, 1), "число"),
            (("888", 80, 1), "последовательность"),
            ((iter([80]), 80, 1), "последовательность"),
        ],
    )
    def test_refusals(self, args, message):
        with pytest.raises(ValueError, match=message):
            held_above(*args)


def test_without_csi_the_other_indicators_of_effectiveness_keep_their_former_proportions():
    """CSI took 0.20 of «Результативность» and the other four kept their proportions, so a centre whose clients
    have not answered the CSI module yet scores as before (80.2 in the worked example without CSI)."""
    without = {k: v for k, v in WORKED_EXAMPLE.items() if k != "csi"}
    r = centre_index(without)
    assert r.groups["effectiveness"].value == pytest.approx(0.35 * 72 + 0.35 * 88 + 0.15 * 96 + 0.15 * 65.5)
    assert r.groups["effectiveness"].missing == ("csi",)
    assert round(r.index.value, 1) == 77.7
