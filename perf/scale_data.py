"""Realistic data at bureau and national scale, written with bulk inserts.

Per organisation a precinct with five 內勤 units and ten 派出所; per organisation and year a plan with the
106 plan's framework (5 構面, 11 項目, 26 評核重點, their criteria), about 100 measures with 主辦/協辦 units,
an indicator on every third measure, twelve months of planned progress, twelve monthly reports (mostly
accepted, some returned or late), a closed 管制考核 with its items, and the rest of the year's work (組織診斷,
創意提案, 滿意度調查, 陳情 counts, 教育訓練, 電話禮貌測試, 獎懲, 推動小組). Bulk inserts write no history rows."""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

import yaml
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from assessments.models import (
    Commendation,
    ControlReview,
    CourtesyTest,
    PetitionTally,
    Proposal,
    ProposalDecision,
    ReviewItem,
    SatisfactionSurvey,
    SurveyResult,
    TeamMember,
    TrainingAttendance,
    TrainingSession,
)
from assessments.models.team import TeamRole
from diagnosis.models import (
    Criterion,
    DiagnosisAnswer,
    DiagnosisRound,
    Dimension,
    FocusPoint,
    Item,
    Plan,
    Unit,
    UnitDiagnosis,
)
from diagnosis.models.units import tree_order_segment
from measures.models import Indicator, Measure, PlannedProgress, ProgressReport
from measures.models.measures import MeasureLeadUnit, MeasureSupportUnit

from .scale_scoring import ScoringSummary, generate_scoring_round

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
    scoring: ScoringSummary | None = None  # with scoring_round: the newest year's figures and 評分回合


def _framework() -> list[dict]:
    spec = yaml.safe_load((Path(settings.BASE_DIR) / "fixtures" / "plan_106_shilin" / "plan.yaml").read_text(encoding="utf-8"))
    return spec["dimensions"]


def _aware(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour=hour)))


def _units(agency: Unit, index: int) -> tuple[Unit, list[Unit]]:
    precinct = Unit.objects.create(code=f"scale-p{index:04d}", name=f"第{index}分局", kind=Unit.Kind.PRECINCT,
                                   parent=agency, position=index, path="")
    precinct.path = f"{agency.path}{precinct.pk}/"
    precinct.tree_order = f"{agency.tree_order}{tree_order_segment(precinct.position, precinct.pk)}"
    precinct.save(update_fields=["path", "tree_order"])
    children = [Unit(code=f"scale-p{index:04d}-o{n}", name=name, kind=Unit.Kind.OFFICE, parent=precinct, position=n, path="")
                for n, name in enumerate(OFFICES, start=1)]
    children += [Unit(code=f"scale-p{index:04d}-s{n}", name=f"第{n}派出所", kind=Unit.Kind.STATION, parent=precinct,
                      position=10 + n, path="") for n in range(1, 11)]
    children = Unit.objects.bulk_create(children)
    for child in children:
        child.path = f"{precinct.path}{child.pk}/"
        child.tree_order = f"{precinct.tree_order}{tree_order_segment(child.position, child.pk)}"
    Unit.objects.bulk_update(children, ["path", "tree_order"])
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
    for dimension in dimensions:  # the allotment: each dimension's points split evenly over its items
        mine = [item for item in items if item.dimension is dimension]
        for item, share in zip(mine, _split(dimension.points, len(mine)), strict=True):
            item.points = share
    items = Item.objects.bulk_create(items)
    points, point_specs = [], []
    for item, i in zip(items, specs, strict=True):
        focus_specs = i.get("focus_points", [])
        for p, (f, share) in enumerate(zip(focus_specs, _split(item.points, len(focus_specs)), strict=True), start=1):
            points.append(FocusPoint(item=item, position=p, name=f["name"], description=f.get("description", ""),
                                     points=share))
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


def _split(total: int, count: int) -> list[int]:
    base, extra = divmod(total, count) if count else (0, 0)
    return [base + (1 if n < extra else 0) for n in range(count)]


def _machinery(rng: random.Random, plan: Plan, units: list[Unit], staff, focus_points: list[FocusPoint]) -> None:
    """The rest of a year's work: a closed 組織診斷 round answered by every unit, 創意提案 with decisions,
    two 滿意度調查 with all five categories, a year of 陳情 counts per unit, 教育訓練 with attendance,
    電話禮貌測試 twice per unit, some 獎懲 and the 推動小組名冊."""
    year = plan.start_date.year
    round_ = DiagnosisRound.objects.create(
        plan=plan, title=f"{plan.year}年組織診斷", opens_on=date(year, 2, 1), due_on=date(year, 2, 28),
        state=DiagnosisRound.State.CLOSED, created_by=staff, closed_at=_aware(date(year, 3, 1), 9),
    )
    diagnoses = UnitDiagnosis.objects.bulk_create(
        UnitDiagnosis(round=round_, unit=unit, state=UnitDiagnosis.State.SUBMITTED, submitted_by=staff,
                      submitted_at=_aware(date(year, 2, rng.randint(1, 28)), 10))
        for unit in units
    )
    DiagnosisAnswer.objects.bulk_create(
        (DiagnosisAnswer(unit_diagnosis=d, focus_point=fp, score=rng.randint(fp.points // 2, fp.points),
                         problems="人力不足，宣導不夠普及。" if rng.random() < 0.2 else "", improvements="")
         for d in diagnoses for fp in focus_points),
        batch_size=BATCH,
    )
    states = [Proposal.State.FILED, Proposal.State.REVIEWING, Proposal.State.ADOPTED, Proposal.State.REJECTED,
              Proposal.State.IMPLEMENTED]
    proposals = Proposal.objects.bulk_create(
        Proposal(plan=plan, unit=rng.choice(units), title=f"創意提案{n}", problem="現行作業流程繁複。",
                 suggestion="簡化表單並以系統填報。", filed_by=staff, filed_at=_aware(date(year, rng.randint(1, 11), 5), 9),
                 state=rng.choice(states))
        for n in range(1, 13)
    )
    path = {Proposal.State.REVIEWING: [Proposal.State.REVIEWING],
            Proposal.State.ADOPTED: [Proposal.State.REVIEWING, Proposal.State.ADOPTED],
            Proposal.State.REJECTED: [Proposal.State.REVIEWING, Proposal.State.REJECTED],
            Proposal.State.IMPLEMENTED: [Proposal.State.REVIEWING, Proposal.State.ADOPTED, Proposal.State.IMPLEMENTED]}
    decisions = []
    for proposal in proposals:
        before = Proposal.State.FILED
        for step in path.get(proposal.state, []):
            decisions.append(ProposalDecision(proposal=proposal, from_state=before, to_state=step, decided_by=staff,
                                              reason="" if step == Proposal.State.REVIEWING else "經推動小組審查。"))
            before = step
    ProposalDecision.objects.bulk_create(decisions)
    surveys = SatisfactionSurvey.objects.bulk_create(
        SatisfactionSurvey(plan=plan, title=f"{plan.year}年{half}半年服務滿意度調查", period_start=date(year, month, 1),
                           period_end=date(year, month + 5, 28), design="臨櫃洽公民眾問卷調查", population=5000,
                           sampling_method=SatisfactionSurvey.Sampling.SYSTEMATIC, sample_size=400, recorded_by=staff)
        for half, month in (("上", 1), ("下", 7))
    )
    results = []
    for survey in surveys:
        for category in SurveyResult.Category.values:
            respondents = rng.randint(300, 420)
            results.append(SurveyResult(survey=survey, category=category, respondents=respondents,
                                        satisfied=rng.randint(respondents * 7 // 10, respondents)))
    SurveyResult.objects.bulk_create(results)
    tallies = []
    for unit in units:
        for month in range(1, 13):
            closed = rng.randint(0, 20)
            satisfied = rng.randint(0, closed)
            tallies.append(PetitionTally(plan=plan, unit=unit, month=date(year, month, 1), closed=closed, satisfied=satisfied,
                                         dissatisfied=rng.randint(0, closed - satisfied), recorded_by=staff))
    PetitionTally.objects.bulk_create(tallies, batch_size=BATCH)
    sessions = TrainingSession.objects.bulk_create(
        TrainingSession(plan=plan, held_on=date(year, month, 15), topic=f"提升服務品質講習（{month}月）", speaker="講座",
                        speaker_is_expert=month % 4 == 0, hours=2, organizer=units[0], recorded_by=staff)
        for month in (2, 4, 6, 8, 10, 12)
    )
    TrainingAttendance.objects.bulk_create(
        TrainingAttendance(session=session, unit=unit, attendees=rng.randint(5, 30)) for session in sessions for unit in units
    )
    tests = CourtesyTest.objects.bulk_create(
        CourtesyTest(plan=plan, unit=unit, tested_on=date(year, month, rng.randint(1, 28)),
                     score=rng.randint(60, 100), findings="接聽時未報單位名稱。", tester="督察組", recorded_by=staff)
        for unit in units for month in (3, 9)
    )
    Commendation.objects.bulk_create(
        Commendation(plan=plan, unit=test.unit, kind=Commendation.Kind.COMMEND if test.score >= 90 else Commendation.Kind.REPRIMAND,
                     reason="電話禮貌測試結果。", decided_on=test.tested_on, courtesy_test=test, recorded_by=staff)
        for test in tests[:5]
    )
    TeamMember.objects.bulk_create(
        TeamMember(plan=plan, role=role, name=f"成員{n}", title=title, unit=units[0] if n > 1 else plan.organization, position=n)
        for n, (role, title) in enumerate([(TeamRole.CONVENER, "分局長"), (TeamRole.DEPUTY, "副分局長"),
                                           (TeamRole.SECRETARY, "秘書室主任")] + [(TeamRole.MEMBER, "組長")] * 5, start=1)
    )


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
                submitted_by=head_of.get(lead.pk, staff), submitted_at=_aware(sent_on, 9), first_submitted_at=_aware(sent_on, 9),
                sent_late=plan.is_late(date(year, month, 1), _aware(sent_on, 9)),
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
                        progress: Callable[[int, int], None] | None = None, scoring_round: bool = False) -> ScaleSummary:
    """Add `organizations` precincts with `years` plans each, under the agency 「規模測試警察局」; with `scoring_round`,
    the newest year's figures and a published 評分回合 over its plans too (`perf.scale_scoring`)."""
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
    agency.tree_order = tree_order_segment(agency.position, agency.pk)
    agency.save(update_fields=["path", "tree_order"])
    measures = reports = 0
    total = organizations * years
    done = 0
    for index in range(1, organizations + 1):
        with transaction.atomic():
            precinct, units = _units(agency, index)
            for year in range(first_year, first_year + years):
                plan, items, points = _plan(precinct, year, framework)
                m, r = _measures(rng, plan, items, points, precinct, units, staff, {})
                _machinery(rng, plan, units, staff, [fp for item in items for fp in points.get(item.pk, [])])
                measures, reports = measures + m, reports + r
                done += 1
                if progress:
                    progress(done, total)
    scoring = generate_scoring_round(agency=agency, year=first_year + years - 1, seed=seed) if scoring_round else None
    _analyze()
    return ScaleSummary(organizations=organizations, plans=total, measures=measures, reports=reports, scoring=scoring)


def _analyze() -> None:
    """Refresh the planner's statistics after the bulk load. Without them PostgreSQL estimates the new
    tables as nearly empty and picks sequential scans of the report and planned-progress tables.

    On PostgreSQL, outside a transaction, VACUUM too, as autovacuum would on a server in use (it is off on
    some, this project's development machines among them): it marks the freshly written pages all-visible,
    so index-only scans and the planner's probes of the ends of an index need not visit the table."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")
