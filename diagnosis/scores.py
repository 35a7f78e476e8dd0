"""組織診斷的分數：唯一計算分數的模組。

- 配分：構面配分分給評核項目、項目配分分給評核重點；`allotment_problems` 以中文說明哪裡不合計。
- 單位得分：各評核重點分數（0 至配分）加總為各構面得分與總分，總分換算為千分（構面配分合計為 1000 分時即原分）。
- 分局（全機關）：已送出單位的平均；未送出（未填）的單位不列入平均。
- 最弱的評核重點：得分率（分數÷配分）最低者，同分依計畫順序。
- 與前次比較：同一計畫的前一次診斷，沒有時用前一年度計畫最後一次已結束的診斷；跨年度以
  「構面名稱＋項目名稱＋重點名稱」對應評核重點（次年度計畫是複製出的新資料列）。

只用下列資料類別，不查資料庫（表格驅動測試直接建構）；從資料庫讀出這些資料類別的是 `diagnosis.score_reads`。
分數的進位（`one_decimal`）與千分換算（`per_1000`）也在此說一次，評分回合（`assessments.scoring_results`）同用。"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

SCALE = 1000
WEAKEST_COUNT = 5
ONE_DECIMAL = Decimal("0.1")


def one_decimal(value: Fraction | Decimal | int) -> Decimal:
    """A number, computed exactly, as a Decimal with one decimal place, halves rounded up (as people round): every
    score, average and total out of 1000 the portal shows is rounded here."""
    value = Fraction(value)
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def per_1000(points: Fraction | Decimal | int, max_points: int) -> Fraction:
    """`points` out of `max_points` scaled to 1000 (the points themselves when the framework's points add up to
    1000), exact; 0 when nothing is allotted."""
    return Fraction(points) * SCALE / max_points if max_points else Fraction(0)


# ---------------------------------------------------------------- the framework and its allotment


@dataclass(frozen=True)
class FocusPointSlot:
    pk: int
    name: str
    points: int | None
    key: tuple[str, str, str] = ("", "", "")  # (構面, 項目, 重點) names: the same focus point in another year


@dataclass(frozen=True)
class ItemSlot:
    pk: int
    name: str
    points: int | None
    focus_points: tuple[FocusPointSlot, ...] = ()


@dataclass(frozen=True)
class DimensionSlot:
    pk: int
    name: str
    points: int
    items: tuple[ItemSlot, ...] = ()


@dataclass(frozen=True)
class Located:
    """A focus point with the dimension and item it belongs to."""

    dimension: DimensionSlot
    item: ItemSlot
    focus_point: FocusPointSlot


@dataclass(frozen=True)
class Framework:
    dimensions: tuple[DimensionSlot, ...]

    @property
    def max_total(self) -> int:
        """The points of every dimension together (1000 for the seed's plan)."""
        return sum(d.points for d in self.dimensions)

    def located(self) -> list[Located]:
        """Every focus point in plan order, with its dimension and item."""
        return [Located(d, i, f) for d in self.dimensions for i in d.items for f in i.focus_points]

    def focus_point_points(self) -> dict[int, int]:
        return {f.pk: f.points or 0 for d in self.dimensions for i in d.items for f in i.focus_points}

    @classmethod
    def build(cls, spec: Iterable[tuple[str, int, Iterable[tuple[str, int | None, Iterable[tuple[str, int | None]]]]]]) -> Framework:
        """A framework from nested tuples (tests): [(構面, 配分, [(項目, 配分, [(重點, 配分), …]), …]), …].
        Primary keys are numbered 1, 2, 3 … per level in the order given."""
        dimensions, item_pk, fp_pk = [], 0, 0
        for d_pk, (d_name, d_points, items) in enumerate(spec, start=1):
            item_slots = []
            for i_name, i_points, focus_points in items:
                item_pk += 1
                fp_slots = []
                for f_name, f_points in focus_points:
                    fp_pk += 1
                    fp_slots.append(FocusPointSlot(fp_pk, f_name, f_points, (d_name, i_name, f_name)))
                item_slots.append(ItemSlot(item_pk, i_name, i_points, tuple(fp_slots)))
            dimensions.append(DimensionSlot(d_pk, d_name, d_points, tuple(item_slots)))
        return cls(tuple(dimensions))

    def with_points(self, items: Mapping[int, int | None], focus_points: Mapping[int, int | None]) -> Framework:
        """The same framework with the item and focus-point points replaced (a missing key leaves no points)."""
        return Framework(
            tuple(
                DimensionSlot(
                    d.pk,
                    d.name,
                    d.points,
                    tuple(
                        ItemSlot(
                            i.pk,
                            i.name,
                            items.get(i.pk),
                            tuple(FocusPointSlot(f.pk, f.name, focus_points.get(f.pk), f.key) for f in i.focus_points),
                        )
                        for i in d.items
                    ),
                )
                for d in self.dimensions
            )
        )


def allotment_problems(framework: Framework) -> list[str]:
    """What is wrong with the allotment, one Chinese sentence each; empty when it is complete and adds up.

    Each dimension's items must add up to the dimension's points, each item's focus points to the item's."""
    problems: list[str] = []
    for d in framework.dimensions:
        if not d.items:
            problems.append(f"構面「{d.name}」沒有評核項目，無法分配其 {d.points} 分。")
            continue
        missing = [i.name for i in d.items if i.points is None]
        if missing:
            problems.append(f"構面「{d.name}」的評核項目「{'」、「'.join(missing)}」尚未配分。")
        else:
            total = sum(i.points for i in d.items)
            if total != d.points:
                problems.append(f"構面「{d.name}」各評核項目配分合計 {total} 分，應等於構面配分 {d.points} 分。")
        for i in d.items:
            if not i.focus_points:
                if i.points:
                    problems.append(f"評核項目「{d.name}／{i.name}」沒有評核重點，無法分配其 {i.points} 分。")
                continue
            missing = [f.name for f in i.focus_points if f.points is None]
            if missing:
                problems.append(f"評核項目「{d.name}／{i.name}」的評核重點「{'」、「'.join(missing)}」尚未配分。")
            elif i.points is not None:
                total = sum(f.points for f in i.focus_points)
                if total != i.points:
                    problems.append(
                        f"評核項目「{d.name}／{i.name}」各評核重點配分合計 {total} 分，應等於項目配分 {i.points} 分。"
                    )
    return problems


def even_allotment(framework: Framework) -> tuple[dict[int, int], dict[int, int]]:
    """A starting proposal: each dimension's points split evenly over its items, each item's over its focus
    points, the remainder going to the first ones. Returns (item points, focus-point points)."""

    def split(total: int, count: int) -> list[int]:
        base, extra = divmod(total, count)
        return [base + (1 if n < extra else 0) for n in range(count)]

    items: dict[int, int] = {}
    focus_points: dict[int, int] = {}
    for d in framework.dimensions:
        for item, points in zip(d.items, split(d.points, len(d.items)) if d.items else [], strict=True):
            items[item.pk] = points
            if item.focus_points:
                for fp, fp_points in zip(item.focus_points, split(points, len(item.focus_points)), strict=True):
                    focus_points[fp.pk] = fp_points
    return items, focus_points


# ---------------------------------------------------------------- one unit's score


class ScoreOutOfRange(ValueError):
    """A stored score is below 0 or above its focus point's points."""


@dataclass(frozen=True)
class UnitScore:
    scores: dict[int, int]  # focus point pk → score (a focus point left blank counts 0)
    by_dimension: dict[int, int]  # dimension pk → points scored
    total: int
    total_1000: Decimal
    exact_1000: Fraction = field(repr=False, compare=False, default=Fraction(0))


def unit_score(framework: Framework, answers: Mapping[int, int | None]) -> UnitScore | None:
    """A unit's score from its answers (focus point pk → score); None when it answered nothing (未填)."""
    given = {pk: score for pk, score in answers.items() if score is not None}
    if not given:
        return None
    scores: dict[int, int] = {}
    by_dimension: dict[int, int] = {}
    for place in framework.located():
        fp = place.focus_point
        score = given.get(fp.pk, 0)
        if score < 0 or score > (fp.points or 0):
            raise ScoreOutOfRange(f"「{fp.name}」的分數 {score} 超出 0 至 {fp.points or 0} 分。")
        scores[fp.pk] = score
        by_dimension[place.dimension.pk] = by_dimension.get(place.dimension.pk, 0) + score
    for d in framework.dimensions:
        by_dimension.setdefault(d.pk, 0)
    total = sum(scores.values())
    exact = per_1000(total, framework.max_total)
    return UnitScore(scores=scores, by_dimension=by_dimension, total=total, total_1000=one_decimal(exact), exact_1000=exact)


# ---------------------------------------------------------------- a whole round


@dataclass(frozen=True)
class UnitResult:
    unit: Any  # a Unit, or anything with a pk
    submitted: bool
    score: UnitScore | None  # None: 未填 (not submitted, or no answers); not counted in the average


@dataclass(frozen=True)
class PrecinctScore:
    """The average of the units that submitted."""

    unit_count: int
    by_dimension: dict[int, Decimal]
    total_1000: Decimal
    by_focus_point: dict[int, Fraction]  # average score, exact


@dataclass(frozen=True)
class WeakPoint:
    place: Located
    score: Decimal  # the unit's score, or the precinct's average
    ratio: Decimal  # 得分率 in per cent, one decimal


@dataclass(frozen=True)
class RoundResult:
    framework: Framework
    units: tuple[UnitResult, ...]
    precinct: PrecinctScore | None  # None when no unit has submitted

    @property
    def unit_count(self) -> int:
        return len(self.units)

    @property
    def counted_count(self) -> int:
        return sum(1 for u in self.units if u.score is not None)

    def unit(self, unit_pk: int) -> UnitResult | None:
        return next((u for u in self.units if u.unit.pk == unit_pk), None)

    def weakest(self, unit_pk: int | None = None, count: int = WEAKEST_COUNT) -> list[WeakPoint]:
        """The focus points with the lowest score ratio: of one unit, or (unit_pk None) of the precinct average."""
        if unit_pk is None:
            scores = self.precinct.by_focus_point if self.precinct else None
        else:
            found = self.unit(unit_pk)
            scores = found.score.scores if found and found.score else None
        if scores is None:
            return []
        return weakest_points(self.framework, scores, count)


def weakest_points(framework: Framework, scores: Mapping[int, Fraction | int], count: int = WEAKEST_COUNT) -> list[WeakPoint]:
    """The `count` focus points with the lowest score ÷ points; ties keep plan order; focus points worth 0 are left out."""
    ranked = []
    for order, place in enumerate(framework.located()):
        points = place.focus_point.points or 0
        if points <= 0 or place.focus_point.pk not in scores:
            continue
        score = Fraction(scores[place.focus_point.pk])
        ranked.append((score / points, order, place, score))
    ranked.sort(key=lambda row: (row[0], row[1]))
    return [WeakPoint(place=place, score=one_decimal(score), ratio=one_decimal(ratio * 100)) for ratio, _, place, score in ranked[:count]]


def round_result(
    framework: Framework,
    units: Sequence[tuple[Any, bool]],
    answers: Mapping[int, Mapping[int, int | None]],
) -> RoundResult:
    """Every unit's score and the precinct average. `units` is (unit, submitted) in display order; `answers`
    maps a unit pk to its answers. Only submitted units with at least one score count."""
    results = []
    for unit, submitted in units:
        score = unit_score(framework, answers.get(unit.pk, {})) if submitted else None
        results.append(UnitResult(unit=unit, submitted=submitted, score=score))
    counted = [r.score for r in results if r.score is not None]
    precinct = None
    if counted:
        n = len(counted)
        by_dimension = {d.pk: one_decimal(Fraction(sum(s.by_dimension[d.pk] for s in counted), n)) for d in framework.dimensions}
        by_focus_point = {pk: Fraction(sum(s.scores[pk] for s in counted), n) for pk in counted[0].scores}
        total = one_decimal(sum((s.exact_1000 for s in counted), Fraction(0)) / n)
        precinct = PrecinctScore(unit_count=n, by_dimension=by_dimension, total_1000=total, by_focus_point=by_focus_point)
    return RoundResult(framework=framework, units=tuple(results), precinct=precinct)


def precinct_total_1000(score_sum: int, unit_count: int, max_total: int) -> Decimal | None:
    """The precinct's average out of 1000 from the sum of every counted unit's scores (the summary card)."""
    if not unit_count or not max_total:
        return None
    return one_decimal(per_1000(Fraction(score_sum, unit_count), max_total))


# ---------------------------------------------------------------- comparison with an earlier round


@dataclass(frozen=True)
class Delta:
    current: Decimal | None
    previous: Decimal | None

    @property
    def change(self) -> Decimal | None:
        if self.current is None or self.previous is None:
            return None
        return self.current - self.previous


@dataclass(frozen=True)
class Comparison:
    total: Delta  # the precinct, out of 1000
    by_dimension: dict[int, Delta]  # current dimension pk → average points
    by_unit: dict[int, Delta]  # unit pk → total out of 1000
    by_focus_point: dict[int, Delta]  # current focus point pk → precinct score ratio in per cent


def compare(current: RoundResult, previous: RoundResult | None) -> Comparison | None:
    """Deltas against `previous`; dimensions match by name, focus points by (構面, 項目, 重點) names, units by unit.
    None when there is nothing to compare with."""
    if previous is None:
        return None
    cur, prev = current.precinct, previous.precinct
    prev_dims = {d.name: d for d in previous.framework.dimensions}
    by_dimension = {}
    for d in current.framework.dimensions:
        old = prev_dims.get(d.name)
        by_dimension[d.pk] = Delta(
            cur.by_dimension[d.pk] if cur else None,
            prev.by_dimension[old.pk] if prev and old else None,
        )
    prev_ratio = _ratios(previous)
    prev_by_key = {place.focus_point.key: prev_ratio.get(place.focus_point.pk) for place in previous.framework.located()}
    cur_ratio = _ratios(current)
    by_focus_point = {
        place.focus_point.pk: Delta(cur_ratio.get(place.focus_point.pk), prev_by_key.get(place.focus_point.key))
        for place in current.framework.located()
    }
    prev_units = {u.unit.pk: u for u in previous.units}
    by_unit = {}
    for u in current.units:
        old = prev_units.get(u.unit.pk)
        by_unit[u.unit.pk] = Delta(
            u.score.total_1000 if u.score else None,
            old.score.total_1000 if old and old.score else None,
        )
    return Comparison(
        total=Delta(cur.total_1000 if cur else None, prev.total_1000 if prev else None),
        by_dimension=by_dimension,
        by_unit=by_unit,
        by_focus_point=by_focus_point,
    )


def _ratios(result: RoundResult) -> dict[int, Decimal]:
    if result.precinct is None:
        return {}
    points = result.framework.focus_point_points()
    return {pk: one_decimal(avg * 100 / points[pk]) for pk, avg in result.precinct.by_focus_point.items() if points.get(pk)}
