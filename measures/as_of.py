"""The "as of" date every progress page takes (`?as_of=106/05/31`), with a Chinese message when it is unusable."""

from dataclasses import dataclass
from datetime import date

from django.http import HttpRequest

from diagnosis.models import Plan
from sq_portal.roc_dates import RocDateError, format_roc, parse_roc

from .progress import default_as_of


@dataclass(frozen=True)
class AsOf:
    date: date
    error: str = ""
    asked: str = ""

    @property
    def display(self) -> str:
        return format_roc(self.date)


def as_of_from_request(request: HttpRequest, plan: Plan) -> AsOf:
    """The date asked for (from the plan's first day to its 結算日), or the plan's default (`default_as_of`) with
    the reason."""
    fallback = default_as_of(plan)
    asked = request.GET.get("as_of", "").strip()
    if not asked:
        return AsOf(fallback)
    try:
        day = parse_roc(asked)
    except RocDateError as error:
        return AsOf(fallback, f"檢視基準日「{asked[:40]}」無法使用：{error}；改為顯示 {format_roc(fallback)} 的進度。", asked)
    if not (plan.start_date <= day <= plan.closes_on):
        return AsOf(
            fallback,
            f"檢視基準日 {format_roc(day)} 不在計畫執行期程至結算日（{format_roc(plan.start_date)}至"
            f"{format_roc(plan.closes_on)}）內；改為顯示 {format_roc(fallback)} 的進度。",
            asked,
        )
    return AsOf(day, "", asked)
