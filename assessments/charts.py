"""Server-rendered charts: a stacked bar of status counts as SVG segments (no script, prints as it shows)."""

from dataclasses import dataclass

from .progress import StatusCounts
from .status import Status


@dataclass(frozen=True)
class Segment:
    status: Status
    count: int
    x: float
    width: float


def status_bar(counts: StatusCounts) -> list[Segment]:
    """Segments of a 100-unit-wide bar, one per status with measures, in the legend's order."""
    total = counts.total
    segments, x = [], 0.0
    if not total:
        return segments
    for status, count in counts.ordered():
        if count:
            width = count / total * 100
            segments.append(Segment(status, count, round(x, 3), round(width, 3)))
            x += width
    return segments
