"""Tests of training/measures/formulas.py: methodology examples, edge cases, every refusal path."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from training.measures import formulas as F
from training.measures.formulas import (
    CES_LABELS_5,
    EXPECTATION_LABELS,
    TTFR,
    MetricValueError,
    QualityItem,
    ces,
    conversation_volume,
    csat,
    csi,
    enps,
    escalation_rate,
    expectations_met,
    fcr,
    iqs,
    net_fcr,
    nps,
    replies_per_conversation,
    resolution_rate,
    ttfr,
)

BAD_NUMBERS = [True, False, float("nan"), float("inf"), float("-inf"), "5", None]


def test_error_class_is_value_error():
    assert issubclass(MetricValueError, ValueError)


# ------------------------------------------------------------------------------------------ NPS / eNPS


class TestNps:
    def test_promoters_minus_detractors_passives_in_denominator(self):
        # 3 promoters, 2 passives, 5 detractors of 10 → 30 % − 50 %
        assert nps([10, 9, 9, 8, 7, 6, 5, 3, 0, 1]) == pytest.approx(-20.0)

    def test_boundaries_of_each_category(self):
        assert nps([9]) == 100.0
        assert nps([8]) == 0.0
        assert nps([7]) == 0.0
        assert nps([6]) == -100.0
        assert nps([0]) == -100.0

    def test_not_rounded(self):
        assert nps([10, 10, 8]) == pytest.approx(200 / 3)
        assert nps([10, 10, 8]) != round(nps([10, 10, 8]))

    def test_accepts_any_iterable(self):
        assert nps(x for x in [10, 0, 8, 9]) == 25.0
        assert nps((10,)) == 100.0

    def test_enps_uses_the_same_formula(self):
        answers = [10, 9, 7, 4, 2]
        assert enps(answers) == nps(answers) == pytest.approx(0.0)

    @pytest.mark.parametrize("func", [nps, enps])
    @pytest.mark.parametrize(
        "scores",
        [[], [11], [-1], [9.5], [True], [9, None], ["9"], [float("nan")], [10.0]],
    )
    def test_refuses_bad_samples(self, func, scores):
        with pytest.raises(ValueError):
            func(scores)

    @pytest.mark.parametrize("func", [nps, enps])
    @pytest.mark.parametrize("scores", ["9", b"9", {9: 1}, 9, None])
    def test_refuses_non_sequences(self, func, scores):
        with pytest.raises(ValueError, match="последовательность"):
            func(scores)

    def test_messages_are_russian_and_specific(self):
        with pytest.raises(ValueError, match="пустая выборка"):
            nps([])
        with pytest.raises(ValueError, match="вне шкалы 0…10"):
            nps([3, 12])
        with pytest.raises(ValueError, match="логическое"):
            nps([True])
        with pytest.raises(ValueError, match="eNPS"):
            enps([42])

    @given(st.lists(st.integers(0, 10), min_size=1))
    def test_property_range_and_definition(self, scores):
        value = nps(scores)
        assert -100.0 <= value <= 100.0
        p = sum(s >= 9 for s in scores)
        d = sum(s <= 6 for s in scores)
        assert value == pytest.approx(100 * (p - d) / len(scores))

    @given(st.lists(st.integers(0, 10), min_size=1), st.randoms())
    def test_property_order_does_not_matter(self, scores, rnd):
        shuffled = list(scores)
        rnd.shuffle(shuffled)
        assert nps(shuffled) == pytest.approx(nps(scores))


# ------------------------------------------------------------------------------------------ CES


class TestCes:
    def test_five_point_halves_middle_in_total(self):
        assert CES_LABELS_5[4] == "Очень легко"
        # easy 4,5 (3 answers), difficult 1,2 (1 answer), middle 3 (1 answer) of 5
        assert ces([5, 5, 4, 3, 1]) == pytest.approx(40.0)

    def test_very_easy_and_very_difficult_count_as_halves(self):
        assert ces([5]) == 100.0
        assert ces([4]) == 100.0
        assert ces([3]) == 0.0
        assert ces([2]) == -100.0
        assert ces([1]) == -100.0

    def test_seven_point_scale(self):
        assert ces([5, 6, 7], scale=7) == 100.0
        assert ces([1, 2, 3], scale=7) == -100.0
        assert ces([4], scale=7) == 0.0
        assert ces([7, 4, 4, 1], scale=7) == 0.0
        assert ces([7, 7, 4, 2], scale=7) == pytest.approx(25.0)

    def test_even_scales_have_no_middle(self):
        assert ces([3, 4], scale=4) == 100.0
        assert ces([1, 2], scale=4) == -100.0
        assert ces([2, 1, 2], scale=2) == pytest.approx(100 / 3)

    @pytest.mark.parametrize("scale", [1, 8, 0, -5, 5.0, True, "5", None])
    def test_refuses_bad_scale(self, scale):
        with pytest.raises(ValueError, match="шкал"):
            ces([1], scale=scale)

    @pytest.mark.parametrize(
        "answers,scale", [([6], 5), ([0], 5), ([8], 7), ([4.0], 5), ([False], 5), ([], 5)]
    )
    def test_refuses_answers_off_the_scale(self, answers, scale):
        with pytest.raises(ValueError):
            ces(answers, scale=scale)

    @given(
        st.integers(2, 7).flatmap(lambda k: st.tuples(st.just(k), st.lists(st.integers(1, k), min_size=1)))
    )
    def test_property_range(self, case):
        k, answers = case
        assert -100.0 <= ces(answers, scale=k) <= 100.0

    @given(
        st.integers(2, 7).flatmap(lambda k: st.tuples(st.just(k), st.lists(st.integers(1, k), min_size=1)))
    )
    def test_property_mirror_answers_flip_the_sign(self, case):
        k, answers = case
        mirrored = [k + 1 - a for a in answers]
        assert ces(mirrored, scale=k) == pytest.approx(-ces(answers, scale=k))


# ---------------------------------------------------------------------------------- CSAT / expectations


class TestCsatAndExpectations:
    def test_top_two_of_five(self):
        assert csat([5, 4, 3, 2, 1]) == pytest.approx(40.0)
        assert csat([3, 3]) == 0.0  # the middle is not «satisfied»

    def test_other_scales(self):
        assert csat([7, 6, 5], scale=7) == pytest.approx(200 / 3)
        assert csat([10, 9, 8], scale=10) == pytest.approx(200 / 3)
        assert csat([3, 2, 1], scale=3) == pytest.approx(200 / 3)

    @pytest.mark.parametrize("scale", [2, 11, 5.5, True])
    def test_refuses_bad_scale(self, scale):
        with pytest.raises(ValueError):
            csat([1], scale=scale)

    @pytest.mark.parametrize("answers", [[], [6], [0], [4.5], [True], "55"])
    def test_refuses_bad_answers(self, answers):
        with pytest.raises(ValueError):
            csat(answers)

    def test_expectations_met_counts_matched_or_better(self):
        assert EXPECTATION_LABELS[2] == "Ожидания совпали"
        assert expectations_met([1, 2, 3, 4, 5]) == pytest.approx(60.0)
        assert expectations_met([3]) == 100.0
        assert expectations_met([2, 1]) == 0.0

    @pytest.mark.parametrize("answers", [[], [6], [0], [3.0], [None]])
    def test_expectations_refuses_bad_answers(self, answers):
        with pytest.raises(ValueError):
            expectations_met(answers)

    @given(st.lists(st.integers(1, 5), min_size=1))
    def test_property_csat_never_exceeds_expectations_met(self, answers):
        # the top two levels are a subset of «met or better»
        assert 0.0 <= csat(answers) <= expectations_met(answers) <= 100.0


# ------------------------------------------------------------------------------------------ CSI


class TestCsi:
    def test_formula_with_normalised_weights(self):
        # Σ(w·P) = 0.5·5 + 0.25·4 + 0.25·3 = 4.25 → 4.25 / 5 = 85 %
        assert csi([2, 1, 1], [5, 4, 3], 5) == pytest.approx(85.0)
        assert csi([0.5, 0.25, 0.25], [5, 4, 3], 5) == pytest.approx(85.0)

    def test_weights_summing_to_one_reproduce_the_methodology_formula(self):
        w, p, p_max = [0.4, 0.3, 0.2, 0.1], [4.2, 3.8, 4.5, 2.9], 5
        methodology = sum(wi * pi for wi, pi in zip(w, p, strict=True)) / p_max * 100
        assert csi(w, p, p_max) == pytest.approx(methodology)

    def test_equal_weights_give_mean_over_max(self):
        assert csi([1, 1], [6, 8], 10) == pytest.approx(70.0)

    def test_zero_weight_parameter_is_ignored(self):
        assert csi([1, 0], [5, 1], 5) == 100.0

    def test_fractions_accepted(self):
        assert csi([Fraction(1, 3), Fraction(2, 3)], [Fraction(3), 6], 6) == pytest.approx(500 / 6)

    @pytest.mark.parametrize(
        "weights,scores,p_max,message",
        [
            ([1, 1], [5], 5, "не совпадает"),
            ([], [], 5, "пустая"),
            ([0, 0], [3, 4], 5, "все веса равны нулю"),
            ([-1, 2], [3, 4], 5, "отрицательн"),
            ([1], [3], 0, "P_max"),
            ([1], [3], -5, "P_max"),
            ([1], [6], 5, "больше максимума"),
            ([1], [-1], 5, "отрицательной"),
            ([float("nan")], [3], 5, "конечным"),
            ([1], [float("inf")], 5, "конечным"),
            ([1], [3], float("nan"), "конечным"),
            ([True], [3], 5, "логическое"),
            ([1], [3], True, "логическое"),
            ([1], ["3"], 5, "ожидается число"),
            ("1", [3], 5, "последовательность"),
        ],
    )
    def test_refusals(self, weights, scores, p_max, message):
        with pytest.raises(ValueError, match=message):
            csi(weights, scores, p_max)

    @given(
        st.lists(
            st.tuples(st.floats(0, 100, allow_nan=False), st.floats(0, 1)), min_size=1, max_size=10
        ).filter(lambda rows: sum(w for w, _ in rows) > 1e-6),
        st.floats(0.5, 100),
    )
    def test_property_range_and_weight_scale_invariance(self, rows, factor):
        weights = [w for w, _ in rows]
        scores = [s * 10 for _, s in rows]
        value = csi(weights, scores, 10)
        assert -1e-9 <= value <= 100 + 1e-9
        assert csi([w * factor for w in weights], scores, 10) == pytest.approx(value)


# ------------------------------------------------------------------------------------------ rates


RATES = [resolution_rate, escalation_rate, fcr]


class TestRates:
    def test_values(self):
        assert resolution_rate(45, 50) == 90.0
        assert escalation_rate(3, 40) == pytest.approx(7.5)
        assert fcr(2, 3) == pytest.approx(200 / 3)
        assert resolution_rate(0, 7) == 0.0
        assert fcr(7, 7) == 100.0

    def test_messages(self):
        with pytest.raises(ValueError, match="решено больше обращений, чем поступило"):
            resolution_rate(51, 50)
        with pytest.raises(ValueError, match="эскалировано больше обращений, чем поступило"):
            escalation_rate(5, 4)
        with pytest.raises(ValueError, match="при первом контакте больше"):
            fcr(5, 4)

    @pytest.mark.parametrize("func", RATES)
    def test_zero_denominator(self, func):
        with pytest.raises(ValueError, match="не определ"):
            func(0, 0)

    @pytest.mark.parametrize("func", RATES)
    @pytest.mark.parametrize(
        "part,whole",
        [
            (-1, 5),
            (1, -5),
            (1.0, 5),
            (1, 5.0),
            (True, 5),
            (1, True),
            ("1", 5),
            (float("nan"), 5),
            (1, float("inf")),
            (None, 5),
        ],
    )
    def test_refuses_non_counts(self, func, part, whole):
        with pytest.raises(ValueError):
            func(part, whole)

    def test_count_messages(self):
        with pytest.raises(ValueError, match="отрицательным"):
            resolution_rate(-1, 5)
        with pytest.raises(ValueError, match="целое число"):
            resolution_rate(1.0, 5)
        with pytest.raises(ValueError, match="логическое"):
            resolution_rate(True, 5)

    @pytest.mark.parametrize("func", RATES)
    @given(data=st.data())
    def test_property_percentage(self, func, data):
        whole = data.draw(st.integers(1, 10**6))
        part = data.draw(st.integers(0, whole))
        assert 0.0 <= func(part, whole) <= 100.0


class TestNetFcr:
    def test_excludes_not_resolvable_from_denominator(self):
        # 60 of 100 resolved at once; 20 could never be → 60 / 80
        assert net_fcr(60, 100, 20) == pytest.approx(75.0)
        assert fcr(60, 100) == pytest.approx(60.0)

    def test_without_unresolvable_equals_fcr(self):
        assert net_fcr(33, 90, 0) == pytest.approx(fcr(33, 90))

    def test_all_resolvable_resolved(self):
        assert net_fcr(80, 100, 20) == 100.0

    @pytest.mark.parametrize(
        "args,message",
        [
            ((1, 5, 6), "больше, чем всего обращений"),
            ((0, 5, 5), "Net FCR не определён"),
            ((0, 0, 0), "Net FCR не определён"),
            ((5, 10, 6), "больше обращений, чем можно было решить"),
            ((-1, 10, 0), "отрицательным"),
            ((1, 10, -1), "отрицательным"),
            ((1, 10, 1.5), "целое"),
            ((1, 10, False), "логическое"),
        ],
    )
    def test_refusals(self, args, message):
        with pytest.raises(ValueError, match=message):
            net_fcr(*args)

    @given(data=st.data())
    def test_property_net_at_least_gross(self, data):
        total = data.draw(st.integers(1, 10_000))
        impossible = data.draw(st.integers(0, total - 1))
        first = data.draw(st.integers(0, total - impossible))
        assert fcr(first, total) <= net_fcr(first, total, impossible) + 1e-9 <= 100 + 1e-9


# ------------------------------------------------------------------------------------------ TTFR, RPC, volume


class TestTtfr:
    def test_mean_and_median(self):
        result = ttfr([1, 2, 3, 100])
        assert result == (26.5, 2.5)
        assert isinstance(result, TTFR) and result.mean == 26.5 and result.median == 2.5

    def test_median_resists_an_outlier(self):
        result = ttfr([5, 6, 7, 8, 600])
        assert result.median == 7.0
        assert result.mean == pytest.approx(125.2)

    def test_single_and_floats(self):
        assert ttfr([4.5]) == (4.5, 4.5)
        assert ttfr(iter([0, 0.5])) == (0.25, 0.25)
        assert all(isinstance(x, float) for x in ttfr([1, 2, 4]))

    @pytest.mark.parametrize(
        "durations", [[], [-1], [1, float("nan")], [float("inf")], [True], ["5"], "12", None]
    )
    def test_refusals(self, durations):
        with pytest.raises(ValueError):
            ttfr(durations)

    @given(st.lists(st.floats(0, 1e6), min_size=1))
    def test_property_between_min_and_max(self, durations):
        mean, median = ttfr(durations)
        lo, hi = min(durations), max(durations)
        assert lo - 1e-6 <= mean <= hi + 1e-6
        assert lo <= median <= hi


class TestRepliesAndVolume:
    def test_replies_per_conversation(self):
        assert replies_per_conversation(150, 100) == 1.5
        assert replies_per_conversation(0, 3) == 0.0

    @pytest.mark.parametrize("args", [(1, 0), (-1, 3), (3, -1), (1.5, 3), (3, 2.0), (True, 3), (3, None)])
    def test_replies_refusals(self, args):
        with pytest.raises(ValueError):
            replies_per_conversation(*args)

    def test_volume_is_the_total(self):
        assert conversation_volume({"телефон": 120, "e-mail": 30, "чат": 0, "соцсети": 7}) == 157
        assert conversation_volume({"портал": 0}) == 0

    @pytest.mark.parametrize(
        "counts", [{}, [1, 2], {"a": -1}, {"a": 1.0}, {"a": True}, {"a": None}, None, "телефон"]
    )
    def test_volume_refusals(self, counts):
        with pytest.raises(ValueError):
            conversation_volume(counts)

    def test_volume_names_the_channel(self):
        with pytest.raises(ValueError, match="телефон"):
            conversation_volume({"телефон": -3})

    def test_mention_volume_counts_mentions_by_tone_and_source(self):
        volume = F.mention_volume([("positive", "Городская газета"), ("negative", "ВКонтакте"),
                                   ("positive", "ВКонтакте"), ("neutral", " ВКонтакте ")])
        assert volume.total == 4
        assert volume.by_tone == {"positive": 2, "neutral": 1, "negative": 1}
        assert volume.by_source == {"Городская газета": 1, "ВКонтакте": 3}
        assert F.mention_volume([]) == (0, {"positive": 0, "neutral": 0, "negative": 0}, {})

    @pytest.mark.parametrize("mentions", [[("восторг", "Газета")], [("positive", "")], [("positive", None)]])
    def test_mention_volume_refusals(self, mentions):
        with pytest.raises(ValueError):
            F.mention_volume(mentions)


# ------------------------------------------------------------------------------------------ IQS


class TestIqs:
    METHODOLOGY = [
        (1.5, True, False),  # знание услуг, «хорошо»
        (1, True, True),  # грамотность речи, критичная, «хорошо»
        (0.75, False, False),  # вежливость, «плохо»
    ]

    def test_methodology_example_77_percent(self):
        value = iqs(self.METHODOLOGY)
        assert value == pytest.approx(2.5 / 3.25 * 100)
        assert round(value, 1) == 76.9
        assert round(value) == 77  # the text's rounded figure

    def test_methodology_example_with_ones_and_zeros(self):
        assert iqs([(1.5, 1, 0), (1, 1, 1), (0.75, 0, 0)]) == pytest.approx(iqs(self.METHODOLOGY))

    def test_all_passed_is_100(self):
        assert iqs([(1.5, True, False), (1, True, True), (0.75, True, False)]) == 100.0

    def test_failed_critical_item_zeroes_the_score(self):
        assert iqs([(1.5, True, False), (1, False, True), (0.75, True, False)]) == 0.0

    def test_zero_weight_critical_item_is_a_pure_gate(self):
        assert iqs([(1, True, False), (0, True, True)]) == 100.0
        assert iqs([(1, True, False), (0, False, True)]) == 0.0

    def test_quality_item_named_tuple(self):
        items = [QualityItem(1.5, True), QualityItem(1, True, critical=True), QualityItem(0.75, False)]
        assert iqs(items) == pytest.approx(iqs(self.METHODOLOGY))

    @pytest.mark.parametrize(
        "items,message",
        [
            ([], "пустая"),
            ([(0, True, False), (0, False, False)], "все веса"),
            ([(-1, True, False)], "отрицательным"),
            ([(1, True)], "тройка"),
            ([(1, True, False, 0)], "тройка"),
            (["abc"], "тройка"),
            ([5], "тройка"),
            ([(1, 2, False)], "да/нет"),
            ([(1, "да", False)], "да/нет"),
            ([(1, True, None)], "да/нет"),
            ([(True, True, False)], "логическое"),
            ([(float("nan"), True, False)], "конечным"),
            ({(1, True, False)}, None),
        ],
    )
    def test_refusals(self, items, message):
        if message is None:  # a set is iterable and accepted; only its items are checked
            assert iqs(items) == 100.0
            return
        with pytest.raises(ValueError, match=message):
            iqs(items)

    @given(
        st.lists(st.tuples(st.floats(0, 10), st.booleans(), st.booleans()), min_size=1).filter(
            lambda items: sum(w for w, _, _ in items) > 0
        )
    )
    def test_property_range_and_critical_rule(self, items):
        value = iqs(items)
        assert 0.0 <= value <= 100.0 + 1e-9
        if any(critical and not passed for _, passed, critical in items):
            assert value == 0.0


def test_public_api_names():
    for name in [
        "nps",
        "enps",
        "ces",
        "csat",
        "csi",
        "resolution_rate",
        "escalation_rate",
        "fcr",
        "net_fcr",
        "ttfr",
        "replies_per_conversation",
        "conversation_volume",
        "mention_volume",
        "iqs",
    ]:
        assert name in F.__all__
        assert callable(getattr(F, name))
        assert getattr(F, name).__doc__


def test_no_flask_import():
    import ast
    import pathlib

    for module in ("formulas.py", "scales.py"):
        tree = ast.parse(pathlib.Path(F.__file__).with_name(module).read_text(encoding="utf-8"))
        imported = {
            alias.name.split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        } | {
            node.module.split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module
        }
        assert not imported & {"flask", "sqlalchemy", "flask_sqlalchemy", "werkzeug"}


def test_results_are_not_rounded():
    assert not math.isclose(resolution_rate(1, 3), round(resolution_rate(1, 3), 2), abs_tol=1e-12)
