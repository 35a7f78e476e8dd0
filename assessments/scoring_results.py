"""評分回合的計分：唯一計算平均、差距、裁定後分數、構面與總分、排名的模組（不查資料庫；讀出資料的是
`assessments.scoring_reads`）。

- 每個評核重點：已送出分數的平均（四捨五入至小數一位，與組織診斷同一個 `diagnosis.scores.one_decimal`）；兩位以上委員且最高減最低超過門檻者「待裁定」；
  有裁定時以裁定分數為準；沒有任何已送出分數時不計分（總分以 0 計）。
- 構面得分為其評核重點得分之和；總分換算為千分（`diagnosis.scores.per_1000`，架構配分合計為 1000 分時即原分）。
- 排名：千分總分由高至低，同分同名次（1、2、2、4），全體一次、各組別內各一次。"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from diagnosis.scores import one_decimal, per_1000


@dataclass(frozen=True)
class PointResult:
    """The submitted scores of one focus point of one precinct, and its settlement if any."""

    scores: tuple[Decimal, ...] = ()
    settled: Decimal | None = None
    threshold: Decimal = Decimal(0)

    @property
    def average(self) -> Decimal | None:
        return one_decimal(Fraction(sum(self.scores, Decimal(0))) / len(self.scores)) if self.scores else None

    @property
    def spread(self) -> Decimal:
        return max(self.scores) - min(self.scores) if self.scores else Decimal(0)

    @property
    def flagged(self) -> bool:
        return len(self.scores) >= 2 and self.spread > self.threshold

    @property
    def needs_settling(self) -> bool:
        return self.flagged and self.settled is None

    @property
    def final(self) -> Decimal | None:
        return self.settled if self.settled is not None else self.average


@dataclass(frozen=True)
class Totals:
    by_dimension: dict[str, Decimal]  # dimension name → points
    total: Decimal
    max_total: int

    @property
    def total_1000(self) -> Decimal:
        return one_decimal(per_1000(self.total, self.max_total))


def totals(
    points: Mapping[int, PointResult], dimension_of: Mapping[int, str], dimension_points: Mapping[str, int]
) -> Totals:
    """A precinct's totals from its focus points' results (`points`: focus point pk → result), the dimension
    each focus point belongs to and each dimension's points."""
    by_dimension = {name: Decimal(0) for name in dimension_points}
    for fp_pk, name in dimension_of.items():
        result = points.get(fp_pk)
        if result is not None and result.final is not None:
            by_dimension[name] += result.final
    return Totals(by_dimension, sum(by_dimension.values(), Decimal(0)), sum(dimension_points.values()))


def ranks(values: Sequence[Decimal]) -> list[int]:
    """Competition ranks of `values`, highest first: [90, 80, 80, 70] → [1, 2, 2, 4] (one more than the number of
    values above; counted in the sorted values, not by comparing every pair: 300 precincts are 90,000 pairs)."""
    ascending = sorted(values)
    return [1 + len(ascending) - bisect_right(ascending, value) for value in values]


def group_ranks(values: Sequence[Decimal], groups: Sequence[str]) -> list[int | None]:
    """Ranks within each group (None for a precinct without a group)."""
    result: list[int | None] = [None] * len(values)
    for group in set(groups) - {""}:
        members = [n for n, g in enumerate(groups) if g == group]
        for n, rank in zip(members, ranks([values[n] for n in members]), strict=True):
            result[n] = rank
    return result


def unsettled(points: Iterable[PointResult]) -> int:
    """How many focus points are flagged and not yet settled (closing waits for none)."""
    return sum(1 for p in points if p.needs_settling)
