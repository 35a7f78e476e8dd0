"""diagnosis.scores: the one module that computes 組織診斷 figures, tested table by table without the database."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from diagnosis.scores import (
    Framework,
    ScoreOutOfRange,
    allotment_problems,
    compare,
    even_allotment,
    precinct_total_1000,
    round_result,
    unit_score,
    weakest_points,
)

# Two dimensions, 600 + 400 = 1000; focus points 1..5.
SPEC = [
    ("基礎服務", 600, [
        ("服務友善", 400, [("設施", 300), ("網站", 100)]),
        ("服務便捷", 200, [("單一窗口", 200)]),
    ]),
    ("服務評價", 400, [
        ("服務滿意情形", 400, [("滿意度", 250), ("回應", 150)]),
    ]),
]
FRAMEWORK = Framework.build(SPEC)
FULL = {1: 300, 2: 100, 3: 200, 4: 250, 5: 150}


def unit(pk):
    return SimpleNamespace(pk=pk, name=f"單位{pk}")


@pytest.mark.parametrize(
    ("spec", "problems"),
    [
        pytest.param(SPEC, [], id="complete"),
        pytest.param(
            [("基礎服務", 200, [("服務友善", 150, [("設施", 150)]), ("服務便捷", 40, [("單一窗口", 40)])])],
            ["構面「基礎服務」各評核項目配分合計 190 分，應等於構面配分 200 分。"],
            id="items-short-of-the-dimension",
        ),
        pytest.param(
            [("基礎服務", 200, [("服務友善", 200, [("設施", 150), ("網站", 60)])])],
            ["評核項目「基礎服務／服務友善」各評核重點配分合計 210 分，應等於項目配分 200 分。"],
            id="focus-points-over-the-item",
        ),
        pytest.param(
            [("基礎服務", 200, [("服務友善", None, [("設施", None), ("網站", 10)])])],
            ["構面「基礎服務」的評核項目「服務友善」尚未配分。", "評核項目「基礎服務／服務友善」的評核重點「設施」尚未配分。"],
            id="nothing-allotted",
        ),
        pytest.param(
            [("開放創新", 100, [])],
            ["構面「開放創新」沒有評核項目，無法分配其 100 分。"],
            id="dimension-without-items",
        ),
        pytest.param(
            [("開放創新", 100, [("創新性", 100, [])])],
            ["評核項目「開放創新／創新性」沒有評核重點，無法分配其 100 分。"],
            id="item-without-focus-points",
        ),
        pytest.param(
            [("開放創新", 100, [("創新性", 100, [("創新性", 100)]), ("開放參與", 0, [("開放參與", 0)])])],
            [],
            id="zero-points-add-up",
        ),
    ],
)
def test_it_checks_that_the_allotment_adds_up(spec, problems):
    assert allotment_problems(Framework.build(spec)) == problems


def test_it_proposes_an_even_allotment_that_adds_up():
    bare = Framework.build([
        ("基礎服務", 200, [("甲", None, [("a", None), ("b", None), ("c", None)]), ("乙", None, [("d", None)]), ("丙", None, [("e", None)])]),
    ])
    items, focus_points = even_allotment(bare)
    assert items == {1: 67, 2: 67, 3: 66}
    assert focus_points == {1: 23, 2: 22, 3: 22, 4: 67, 5: 66}
    assert allotment_problems(bare.with_points(items, focus_points)) == []


@pytest.mark.parametrize(
    ("answers", "by_dimension", "total", "total_1000"),
    [
        pytest.param(FULL, {1: 600, 2: 400}, 1000, Decimal("1000.0"), id="every-score-at-its-maximum"),
        pytest.param(dict.fromkeys(FULL, 0), {1: 0, 2: 0}, 0, Decimal("0.0"), id="every-score-at-zero"),
        pytest.param({1: 150, 4: 125}, {1: 150, 2: 125}, 275, Decimal("275.0"), id="blanks-count-zero"),
        pytest.param({1: 1, 2: None}, {1: 1, 2: 0}, 1, Decimal("1.0"), id="one-point"),
    ],
)
def test_it_scores_a_unit_by_dimension_and_out_of_1000(answers, by_dimension, total, total_1000):
    score = unit_score(FRAMEWORK, answers)
    assert (score.by_dimension, score.total, score.total_1000) == (by_dimension, total, total_1000)


def test_it_scales_to_1000_when_the_dimensions_do_not_add_up_to_1000():
    small = Framework.build([("基礎服務", 200, [("甲", 200, [("a", 200)])]), ("服務評價", 100, [("乙", 100, [("b", 100)])])])
    assert unit_score(small, {1: 100, 2: 100}).total_1000 == Decimal("666.7")  # 200 of 300
    assert unit_score(small, {1: 1, 2: 0}).total_1000 == Decimal("3.3")


@pytest.mark.parametrize("answers", [{}, {1: None, 2: None}], ids=["no-answers", "only-blanks"])
def test_a_unit_with_no_answers_has_no_score(answers):
    assert unit_score(FRAMEWORK, answers) is None


@pytest.mark.parametrize("bad", [{1: 301}, {1: -1}], ids=["above-the-points", "negative"])
def test_a_score_outside_its_points_is_refused(bad):
    with pytest.raises(ScoreOutOfRange, match="「設施」的分數"):
        unit_score(FRAMEWORK, bad)


@pytest.mark.parametrize(
    ("units", "answers", "counted", "precinct_total", "precinct_dims"),
    [
        pytest.param(
            [(unit(1), True), (unit(2), True)],
            {1: FULL, 2: dict.fromkeys(FULL, 0)},
            2, Decimal("500.0"), {1: Decimal("300.0"), 2: Decimal("200.0")},
            id="average-of-two",
        ),
        pytest.param(
            [(unit(1), True), (unit(2), False), (unit(3), True)],
            {1: FULL, 2: FULL, 3: {1: 100, 2: 0, 3: 0, 4: 0, 5: 0}},
            2, Decimal("550.0"), {1: Decimal("350.0"), 2: Decimal("200.0")},
            id="a-draft-is-not-counted",
        ),
        pytest.param(
            [(unit(1), True), (unit(2), True)],
            {1: FULL},
            1, Decimal("1000.0"), {1: Decimal("600.0"), 2: Decimal("400.0")},
            id="a-submitted-unit-without-answers-is-not-counted",
        ),
        pytest.param([(unit(1), False), (unit(2), False)], {}, 0, None, None, id="all-units-missing"),
        pytest.param([], {}, 0, None, None, id="no-units"),
        pytest.param(
            [(unit(1), True), (unit(2), True), (unit(3), True)],
            {1: {1: 1, 2: 0, 3: 0, 4: 0, 5: 0}, 2: {1: 0, 2: 1, 3: 0, 4: 0, 5: 0}, 3: {1: 0, 2: 0, 3: 0, 4: 0, 5: 0}},
            3, Decimal("0.7"), {1: Decimal("0.7"), 2: Decimal("0.0")},
            id="rounded-once-at-the-end",
        ),
    ],
)
def test_the_precinct_is_the_average_of_the_units_that_submitted(units, answers, counted, precinct_total, precinct_dims):
    result = round_result(FRAMEWORK, units, answers)
    assert result.counted_count == counted
    assert result.unit_count == len(units)
    if precinct_total is None:
        assert result.precinct is None
        assert result.weakest() == []
        assert all(u.score is None for u in result.units)
    else:
        assert result.precinct.total_1000 == precinct_total
        assert result.precinct.by_dimension == precinct_dims


def test_the_summary_total_matches_the_average_of_the_units():
    result = round_result(FRAMEWORK, [(unit(1), True), (unit(2), True), (unit(3), True)],
                          {1: FULL, 2: {1: 1, 2: 0, 3: 0, 4: 0, 5: 0}, 3: {1: 0, 2: 0, 3: 0, 4: 0, 5: 0}})
    assert precinct_total_1000(1001, 3, 1000) == result.precinct.total_1000 == Decimal("333.7")
    assert precinct_total_1000(0, 0, 1000) is None


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        pytest.param(FULL, ["設施", "網站", "單一窗口"], id="all-full-keeps-plan-order"),
        pytest.param({1: 150, 2: 100, 3: 20, 4: 250, 5: 0}, ["回應", "單一窗口", "設施"], id="lowest-ratio-first"),
        pytest.param({1: 0, 2: 0, 3: 0, 4: 0, 5: 0}, ["設施", "網站", "單一窗口"], id="all-zero"),
    ],
)
def test_the_weakest_focus_points_have_the_lowest_score_ratio(scores, expected):
    weakest = weakest_points(FRAMEWORK, scores, 3)
    assert [w.place.focus_point.name for w in weakest] == expected


def test_the_weakest_give_the_ratio_in_per_cent():
    [weakest] = weakest_points(FRAMEWORK, {1: 150, 2: 100, 3: 20, 4: 250, 5: 150}, 1)
    assert (weakest.place.item.name, weakest.score, weakest.ratio) == ("服務便捷", Decimal("20.0"), Decimal("10.0"))


def test_without_a_previous_round_there_is_no_comparison():
    result = round_result(FRAMEWORK, [(unit(1), True)], {1: FULL})
    assert compare(result, None) is None


def test_it_compares_by_names_across_years_and_by_unit():
    # Next year's plan is a copy with new rows: other primary keys, the same names, one focus point renamed.
    previous_spec = [("服務評價", 400, [("服務滿意情形", 400, [("回應", 150), ("滿意度", 250)])]),
                     ("基礎服務", 600, [("服務友善", 400, [("設施", 300), ("網站（舊）", 100)]), ("服務便捷", 200, [("單一窗口", 200)])])]
    previous_framework = Framework.build(previous_spec)
    # previous pks: 1 回應, 2 滿意度, 3 設施, 4 網站（舊）, 5 單一窗口
    previous = round_result(previous_framework, [(unit(1), True), (unit(2), True)],
                            {1: {1: 75, 2: 125, 3: 150, 4: 50, 5: 100}, 2: {1: 75, 2: 125, 3: 150, 4: 50, 5: 100}})
    current = round_result(FRAMEWORK, [(unit(1), True), (unit(2), False), (unit(3), True)], {1: FULL, 3: FULL})
    comparison = compare(current, previous)
    assert (comparison.total.previous, comparison.total.current, comparison.total.change) == (
        Decimal("500.0"), Decimal("1000.0"), Decimal("500.0"))
    assert comparison.by_dimension[1].change == Decimal("300.0")  # 基礎服務 600 vs 300
    assert comparison.by_dimension[2].change == Decimal("200.0")
    assert comparison.by_unit[1].change == Decimal("500.0")
    assert comparison.by_unit[2].change is None  # did not submit this time
    assert comparison.by_unit[3].previous is None  # did not take part last time
    assert comparison.by_focus_point[1].previous == Decimal("50.0")  # 設施 matched by name
    assert comparison.by_focus_point[4].previous == Decimal("50.0")  # 滿意度
    assert comparison.by_focus_point[2].previous is None  # 網站 was called 網站（舊）


def test_comparing_with_a_round_nobody_submitted_gives_no_changes():
    previous = round_result(FRAMEWORK, [(unit(1), False)], {})
    current = round_result(FRAMEWORK, [(unit(1), True)], {1: FULL})
    comparison = compare(current, previous)
    assert comparison.total.previous is None and comparison.total.change is None
    assert all(d.change is None for d in comparison.by_dimension.values())


def test_one_rounding_and_one_scaling_serve_the_diagnosis_and_the_scoring_round():
    """Halves round up (as people round), on the exact value; both the 組織診斷 and the 評分回合 go through them."""
    from fractions import Fraction

    from assessments.scoring_results import PointResult, Totals
    from diagnosis.scores import one_decimal, per_1000

    assert one_decimal(Fraction(1, 8)) == Decimal("0.1") and one_decimal(Fraction(3, 20)) == Decimal("0.2")
    assert one_decimal(Decimal("2.25")) == Decimal("2.3") and one_decimal(7) == Decimal("7.0")
    assert per_1000(150, 300) == 500 and per_1000(Decimal("0.5"), 3) == Fraction(500, 3) and per_1000(5, 0) == 0
    assert PointResult((Decimal("2.0"), Decimal("2.5"))).average == Decimal("2.3")  # 2.25 → 2.3, as one_decimal
    assert Totals({}, Decimal("0.5"), 3).total_1000 == one_decimal(Fraction(500, 3)) == Decimal("166.7")
    assert precinct_total_1000(1, 8, 1000) == Decimal("0.1")  # 0.125 → 0.1; the sum's exact share, then rounded
