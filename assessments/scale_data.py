"""Realistic data at bureau and national scale, written with bulk inserts.

Per organisation a precinct with five 內勤 units and ten 派出所; per organisation and year a plan with the
106 plan's framework (5 構面, 11 項目, 26 評核重點, their criteria), about 100 measures with 主辦/協辦 units,
an indicator on every third measure, twelve months of planned progress, twelve monthly reports (mostly
accepted, some returned or late), and a closed 管制考核 with its items. Bulk inserts write no history rows."""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

import yaml
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from assessments.models import ControlReview, ReviewItem
from diagnosis.models import Criterion, Dimension, FocusPoint, Item, Plan
from measures.models import Indicator, Measure, PlannedProgress, ProgressReport, Unit
from measures.models.measures import MeasureLeadUnit, MeasureSupportUnit

AGENCY_CODE = "scale"
MEASURES_PER_PLAN = 100
BATCH = 5000
OFFICES = ["秘書室", "行政組", "督察組", "偵查隊", "勤務指揮中心"]


class ScaleDataError(Exception):
    """The data cannot be generated as asked; the message says why, in Chinese."""


@dataclass(frozen=True)
class ScaleSummary:
    organizations: int
    plans: int
    measures: int
    reports: int


def _framework() -> list[dict]:
    spec = yaml.safe_load((Path(settings.BASE_DIR) / "fixtures" / "plan_106_shilin" / "plan.yaml").read_text(encoding="utf-8"))
    return spec["dimensions"]


def _aware(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour=hour)))


def _units(agency: Unit, index: int) -> tuple[Unit, list[Unit]]:
    precinct = Unit.objects.create(code=f"scale-p{index:04d}", name=f"第{index}分局", kind=Unit.Kind.PRECINCT,
                                   parent=agency, position=index, path="")
    precinct.path = f"{agency.path}{precinct.pk}/"
    precinct.save(update_fields=["path"])
    children = [Unit(code=f"scale-p{index:04d}-o{n}", name=name, kind=Unit.Kind.OFFICE, parent=precinct, position=n, path="")
                for n, name in enumerate(OFFICES, start=1)]
    children += [Unit(code=f"scale-p{index:04d}-s{n}", name=f"第{n}派出所", kind=Unit.Kind.STATION, parent=precinct,
                      position=10 + n, path="") for n in range(1, 11)]
    children = Unit.objects.bulk_create(children)
    for child in children:
        child.path = f"{precinct.path}{child.pk}/"
    Unit.objects.bulk_update(children, ["path"])
    return precinct, children


def _plan(precinct: Unit, roc_year: int, framework: list[dict]) -> tuple[Plan, list[Item], dict[int, list[FocusPoint]]]:
    year = roc_year + 1911
    plan = Plan.objects.create(
        organization=precinct, year=roc_year, title=f"{precinct.name} {roc_year} 年度提升服務品質細部執行計畫",
        start_date=date(year, 1, 1), end_date=date(year, 12, 31),
    )
    dimensions = Dimension.objects.bulk_create(
        Dimension(plan=plan, position=p, name=d["name"], scope=d["scope"], points=d["points"])
        for p, d in enumerate(framework, start=1)
    )
    items, specs = [], []
    for dimension, d in zip(dimensions, framework, strict=True):
        for p, i in enumerate(d["items"], start=1):
            items.append(Item(dimension=dimension, position=p, name=i["name"], description=i.get("description", "")))
            specs.append(i)
    items = Item.objects.bulk_create(items)
    points, point_specs = [], []
    for item, i in zip(items, specs, strict=True):
        for p, f in enumerate(i.get("focus_points", []), start=1):
            points.append(FocusPoint(item=item, position=p, name=f["name"], description=f.get("description", "")))
            point_specs.append(f)
    points = FocusPoint.objects.bulk_create(points)
    Criterion.objects.bulk_create(
        Criterion(focus_point=point, position=p, label=c["label"], text=c["text"])
        for point, f in zip(points, point_specs, strict=True)
        for p, c in enumerate(f.get("criteria", []), start=1)
    )
    by_item: dict[int, list[FocusPoint]] = {}
    for point in points:
        by_item.setdefault(point.item_id, []).append(point)
    return plan, items, by_item


def _measures(rng: random.Random, plan: Plan, items, points_by_item, precinct: Unit, units: list[Unit], staff, head_of):
    year = plan.start_date.year
    measures = []
    for n in range(MEASURES_PER_PLAN):
        item = items[n % len(items)]
        points = points_by_item.get(item.pk, [])
        ongoing = rng.random() < 0.4
        measures.append(Measure(
            plan=plan, item=item, focus_point=rng.choice(points) if points and rng.random() < 0.8 else None,
            source=Measure.Source.FORM1 if n % 4 == 0 else Measure.Source.FORM2, position=n + 1,
            name=f"{item.name}措施{n + 1}", content=f"一、{item.name}之具體作法第 {n + 1} 項。\n二、按月檢討辦理情形。",
            all_units=rng.random() < 0.2, ongoing=ongoing,
            deadline=None if ongoing else date(year, rng.randint(3, 12), rng.randint(1, 28)),
            listed_on=plan.start_date,
        ))
    measures = Measure.objects.bulk_create(measures)
    leads, supports, indicators, planned, reports = [], [], [], [], []
    for measure in measures:
        lead = rng.choice(units)
        leads.append(MeasureLeadUnit(measure=measure, unit=lead))
        for support in rng.sample([u for u in units if u.pk != lead.pk], rng.randint(0, 2)):
            supports.append(MeasureSupportUnit(measure=measure, unit=support))
        if measure.position % 3 == 0:
            indicators.append(Indicator(measure=measure, position=1, name=f"{measure.name}辦理場次", unit="場",
                                        target_value=rng.randint(10, 200)))
        progress = 0
        for month in range(1, 13):
            planned.append(PlannedProgress(measure=measure, month=date(year, month, 1), percent=round(month * 100 / 12)))
            progress = min(100, progress + rng.randint(0, 15))
            sent_on = date(year + (month == 12), month % 12 + 1, rng.randint(1, 10))
            status = rng.choices(
                [ProgressReport.Status.ACCEPTED, ProgressReport.Status.SUBMITTED, ProgressReport.Status.RETURNED],
                weights=[85, 10, 5],
            )[0]
            reports.append(ProgressReport(
                measure=measure, unit=lead, period=date(year, month, 1), status=status,
                narrative=f"{month} 月辦理情形：依計畫推動。", progress=progress,
                submitted_by=head_of.get(lead.pk, staff), submitted_at=_aware(sent_on, 9),
                reviewed_by=staff if status != ProgressReport.Status.SUBMITTED else None,
                reviewed_at=_aware(sent_on, 15) if status != ProgressReport.Status.SUBMITTED else None,
                review_comment="請補充佐證資料" if status == ProgressReport.Status.RETURNED else "",
            ))
    MeasureLeadUnit.objects.bulk_create(leads, batch_size=BATCH)
    MeasureSupportUnit.objects.bulk_create(supports, batch_size=BATCH)
    Indicator.objects.bulk_create(indicators, batch_size=BATCH)
    PlannedProgress.objects.bulk_create(planned, batch_size=BATCH)
    ProgressReport.objects.bulk_create(reports, batch_size=BATCH)
    review = ControlReview.objects.create(
        plan=plan, title=f"{plan.year}年6月份管制考核", as_of=date(year, 6, 30), meeting_date=date(year, 7, 5),
        state=ControlReview.State.CLOSED, created_by=staff, closed_at=_aware(date(year, 7, 5), 17),
    )
    ReviewItem.objects.bulk_create(
        ReviewItem(review=review, measure=m, origin=ReviewItem.Origin.PROPOSED, status_label="落後",
                   finding="進度落後", action="加強督導", decision=rng.choice(["keep", "release"]))
        for m in rng.sample(measures, 10)
    )
    return len(measures), len(reports)


def generate_scale_data(*, organizations: int, years: int, seed: int = 106, first_year: int = 106,
                        progress: Callable[[int, int], None] | None = None) -> ScaleSummary:
    """Add `organizations` precincts with `years` plans each, under the agency 「規模測試警察局」."""
    if organizations < 1 or years < 1:
        raise ScaleDataError("機關數與年數都至少為 1。")
    if Unit.objects.filter(code=AGENCY_CODE).exists():
        raise ScaleDataError("資料庫已有規模測試資料（機關代碼 scale）；請於新的資料庫執行。")
    rng = random.Random(seed)
    framework = _framework()
    User = get_user_model()
    staff, _ = User.objects.get_or_create(username="scale-staff", defaults={"first_name": "規模測試研考"})
    agency = Unit.objects.create(code=AGENCY_CODE, name="規模測試警察局", kind=Unit.Kind.AGENCY, path="")
    agency.path = f"/{agency.pk}/"
    agency.save(update_fields=["path"])
    measures = reports = 0
    total = organizations * years
    done = 0
    for index in range(1, organizations + 1):
        with transaction.atomic():
            precinct, units = _units(agency, index)
            for year in range(first_year, first_year + years):
                plan, items, points = _plan(precinct, year, framework)
                m, r = _measures(rng, plan, items, points, precinct, units, staff, {})
                measures, reports = measures + m, reports + r
                done += 1
                if progress:
                    progress(done, total)
    return ScaleSummary(organizations=organizations, plans=total, measures=measures, reports=reports)
