"""Server-rendered charts: a stacked bar of status counts as SVG segments (no script, prints as it shows)."""

from dataclasses import dataclass

from measures.progress import StatusCounts
from measures.status import Status


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


# --- 滿意度趨勢 (a line per category across the surveys' periods) ----------------------------------------
TREND_WIDTH, TREND_HEIGHT = 640, 280
TREND_LEFT, TREND_RIGHT, TREND_TOP, TREND_BOTTOM = 48, 16, 16, 44
TREND_MAX_LABELS = 6
# A marker shape per category, so the lines differ by more than their colour (paths centred on 0,0).
TREND_MARKERS = [
    "M-4.5,0a4.5,4.5 0 1,0 9,0a4.5,4.5 0 1,0 -9,0Z",  # circle
    "M-4,-4h8v8h-8Z",  # square
    "M0,-5L5,4H-5Z",  # triangle
    "M0,-5.5L5.5,0L0,5.5L-5.5,0Z",  # diamond
    "M-5,-1.5h3.5v-3.5h3v3.5h3.5v3h-3.5v3.5h-3v-3.5h-3.5Z",  # cross
]


@dataclass(frozen=True)
class TrendPoint:
    x: float
    y: float
    label: str  # 「洽公環境 106年1月：85.0%」


@dataclass(frozen=True)
class TrendLine:
    category: str
    label: str
    css: str  # trend-<category>
    marker: str  # SVG path of the marker shape
    segments: list[str]  # polyline "x,y x,y" strings (none for a single point)
    points: list[TrendPoint]


@dataclass(frozen=True)
class TrendTick:
    position: float
    label: str


@dataclass(frozen=True)
class TrendChart:
    width: int
    height: int
    left: int
    right: int  # x of the plot's right edge
    top: int
    bottom: int  # y of the plot's bottom edge
    y_ticks: list[TrendTick]
    x_ticks: list[TrendTick]
    lines: list[TrendLine]
    description: str  # for aria-label: every rate, by category

    @property
    def label_y(self) -> int:
        return self.bottom + 20


def rate_trend_chart(periods: list[str], series: list[tuple[str, str, list[float | None]]]) -> TrendChart:
    """A line chart of percentages (0–100) over `periods`; `series` holds (category, label, values). A value of
    None has no marker and the line joins its neighbours; a single point gives a marker without a line."""
    right, bottom = TREND_WIDTH - TREND_RIGHT, TREND_HEIGHT - TREND_BOTTOM
    plot_width, plot_height = right - TREND_LEFT, bottom - TREND_TOP
    count = len(periods)

    def x_of(index: int) -> float:
        if count == 1:
            return round(TREND_LEFT + plot_width / 2, 2)
        return round(TREND_LEFT + plot_width * (0.04 + 0.92 * index / (count - 1)), 2)

    def y_of(percent: float) -> float:
        return round(bottom - plot_height * max(0.0, min(100.0, percent)) / 100, 2)

    y_ticks = [TrendTick(y_of(p), f"{p}%") for p in (0, 25, 50, 75, 100)]
    step = max(1, -(-count // TREND_MAX_LABELS))  # many periods: label every step-th (the table has them all)
    x_ticks = [TrendTick(x_of(i), period) for i, period in enumerate(periods) if i % step == 0]
    lines, parts = [], []
    for number, (category, label, values) in enumerate(series):
        points = [
            TrendPoint(x_of(index), y_of(value), f"{label} {periods[index]}：{value:.1f}%")
            for index, value in enumerate(values)
            if value is not None
        ]
        # A period without a rate (not asked, nobody answered) is skipped: the line joins the periods around it.
        segments = [" ".join(f"{p.x},{p.y}" for p in points)] if len(points) > 1 else []
        lines.append(
            TrendLine(category, label, f"trend-{category}", TREND_MARKERS[number % len(TREND_MARKERS)], segments, points)
        )
        shown = "、".join(f"{periods[i]} {'—' if v is None else f'{v:.1f}%'}" for i, v in enumerate(values))
        parts.append(f"{label}：{shown}")
    description = "各類別滿意度趨勢。" + "；".join(parts) + "。" if parts else "尚無滿意度資料。"
    return TrendChart(TREND_WIDTH, TREND_HEIGHT, TREND_LEFT, right, TREND_TOP, bottom, y_ticks, x_ticks, lines, description)
