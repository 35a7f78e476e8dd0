"""次年度計畫: plan_copy, `manage.py copy_plan` and the staff confirmation page."""

import sqlite3
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Prefetch
from django.utils import timezone

from assessments import plan_copy as plan_copy_module
from assessments.models import ControlReview, TeamMember
from assessments.plan_copy import PlanCopyError, copied_title, plan_copy, plan_copy_preview, shift_years
from assessments.review_writes import review_open
from assessments.team_writes import team_member_save
from diagnosis.models import Criterion, Dimension, FocusPoint, Item, Milestone, Plan, Unit
from diagnosis.unit_tree import unit_save
from measures.measure_writes import planned_progress_set
from measures.models import Indicator, Measure, PlannedProgress, ProgressReport
from measures.models.measures import MeasureLeadUnit, MeasureSupportUnit
from measures.report_writes import report_save

from .conftest import count_queries, unit

pytestmark = pytest.mark.django_db
COPY_URL = "/plans/106/copy/"
PRACTICE = "服務人員專業度"  # the 附表1 measure with the indicator 辦理策略專業職能講習班期 (105 年 20 場)


def report(measure, code, month, values, submit=True, user=None):
    return report_save(
        measure=measure, unit=unit(code), period=date(2017, month, 1), user=user, narrative="辦理情形",
        progress=50, actuals=values, submit=submit,
    )


@pytest.fixture
def year_of_work(plan_106, user):
    """The 106 plan after a year: allotments, a deadline, indicators with reports, a retired measure, a team,
    planned progress and a review — what is copied and what is left behind."""
    staff = user("secretariat")
    for dimension in plan_106.dimensions.all():
        for item in dimension.items.all():
            item.points = 40
            item.save()
            item.focus_points.update(points=10)
    ongoing = plan_106.measures.get(source="form1", name=PRACTICE)
    indicator = ongoing.indicators.get()
    report(ongoing, "shilin-tianmu", 5, {indicator: Decimal(8)}, user=user("tianmu"))
    report(ongoing, "shilin-tianmu", 10, {indicator: Decimal(12)}, user=user("tianmu"))
    report(ongoing, "shilin-investigation", 10, {indicator: Decimal(5)}, user=user("investigation"))
    report(ongoing, "shilin-investigation", 11, {indicator: Decimal(50)}, submit=False, user=user("investigation"))
    dated = plan_106.measures.get(source="form2", name="主動服務")
    dated.deadline = date(2017, 6, 30)
    dated.save()
    unreported = dated.indicators.create(name="主動服務件數", unit="件", target_value=30, position=1)
    dated.indicators.create(name="已停用的指標", unit="件", target_value=1, position=2, retired_at=timezone.now())
    retired = plan_106.measures.get(source="form2", name="加強宣導市府 e 點通申辦服務")
    retired.retired_at = timezone.now()
    retired.save()
    planned_progress_set(measure=dated, user=staff, months={date(2017, 6, 1): 100})
    review_open(plan=plan_106, as_of=date(2017, 5, 31), meeting_date=date(2017, 6, 1), title="106年5月份管制考核", user=staff)
    for role, name, code in [("convener", "成員甲", "tcpd-shilin"), ("member", "成員乙", "shilin-tianmu")]:
        team_member_save(member=TeamMember(plan=plan_106, role=role, name=name, title="職稱", unit=unit(code), user=staff if role == "convener" else None), user=staff)
    return {"ongoing": ongoing, "indicator": indicator, "dated": dated, "unreported": unreported, "retired": retired}


def test_it_shifts_dates_by_a_year_and_feb_29_to_feb_28():
    assert shift_years(date(2017, 6, 30), 1) == date(2018, 6, 30)
    assert shift_years(date(2020, 2, 29), 1) == date(2021, 2, 28)
    assert shift_years(None, 1) is None


def test_it_replaces_the_year_in_the_title():
    assert copied_title("臺北市政府警察局士林分局 106 年度提升服務品質細部執行計畫", 106, 107) == (
        "臺北市政府警察局士林分局 107 年度提升服務品質細部執行計畫"
    )
    assert copied_title("士林分局106年度計畫（1106 案）", 106, 107) == "士林分局107年度計畫（1106 案）"
    assert copied_title("提升服務品質計畫", 106, 107) == "提升服務品質計畫（107年度）"


def test_it_copies_the_plan_its_framework_and_allotments(plan_106, user, year_of_work):
    plan_106.courtesy_pass_score = 85  # not the defaults, so the copy must carry them
    plan_106.report_due_day = 10
    plan_106.closing_date = date(2018, 2, 15)
    plan_106.save(update_fields=["courtesy_pass_score", "report_due_day", "closing_date"])
    result = plan_copy(source=plan_106, year=107, user=user("secretariat"))
    new = result.plan
    assert new.organization == plan_106.organization and new.year == 107
    assert new.title == "臺北市政府警察局士林分局 107 年度提升服務品質細部執行計畫"
    for field in ["basis", "objectives", "scope", "content_intro", "steps", "evaluation", "amendment", "lag_threshold",
                  "courtesy_pass_score", "report_due_day"]:
        assert getattr(new, field) == getattr(plan_106, field)
    assert new.closing_date == date(2019, 2, 15)  # the 結算日 moved by the years between
    assert (new.start_date, new.end_date) == (date(2018, 1, 1), date(2018, 12, 31))
    assert [(m.date, m.month_only, m.title) for m in new.milestones.all()] == [
        (date(2018, 1, 1), False, "計畫開始執行"), (date(2018, 5, 1), True, "警察局書面資料送審"),
        (date(2018, 12, 31), False, "計畫執行期程結束"),
    ]

    def framework(plan):
        return [
            (d.position, d.name, d.scope, d.points, [
                (i.position, i.name, i.description, i.points, [
                    (f.position, f.name, f.description, f.points, [(c.position, c.label, c.text) for c in f.criteria.all()])
                    for f in i.focus_points.all()
                ])
                for i in d.items.all()
            ])
            for d in plan.dimensions.prefetch_related(
                Prefetch("items", Item.objects.order_by("position")),
                Prefetch("items__focus_points", FocusPoint.objects.order_by("position")),
                Prefetch("items__focus_points__criteria", Criterion.objects.order_by("position")),
            ).order_by("position")
        ]

    assert framework(new) == framework(plan_106)
    assert Item.objects.filter(dimension__plan=new, points=40).count() == Item.objects.filter(dimension__plan=plan_106).count()
    assert result.counts == {
        "重要期程": 3, "評核構面": 5, "評核項目": 11,
        "評核重點": FocusPoint.objects.filter(item__dimension__plan=plan_106).count(),
        "評核基準": Criterion.objects.filter(focus_point__item__dimension__plan=plan_106).count(),
        "措施": 36, "績效指標": Indicator.objects.filter(measure__plan=plan_106, retired_at__isnull=True).count(),
        "推動小組成員": 2,
    }
    assert new.history.get().history_user == user("secretariat")
    assert Dimension.history.filter(plan_id=new.pk, history_type="+").count() == 5


def test_it_copies_the_measures_in_force_with_their_units(plan_106, year_of_work):
    new = plan_copy(source=plan_106, year=107).plan

    def rows(plan):
        return [
            (m.source, m.position, m.item.dimension.name, m.item.name, m.focus_point.name if m.focus_point else None,
             m.name, m.content, [u.code for u in m.lead_units.all()], [u.code for u in m.support_units.all()],
             m.all_units, m.responsible_text, m.ongoing)
            for m in Measure.objects.filter(plan=plan, retired_at__isnull=True).with_units().in_plan_order()
        ]

    assert rows(new) == rows(plan_106)
    copied = Measure.objects.filter(plan=new)
    assert copied.count() == 36 and not copied.filter(name="加強宣導市府 e 點通申辦服務").exists()
    assert set(copied.values_list("listed_on", flat=True)) == {date(2018, 1, 1)}
    assert copied.get(source="form2", name="主動服務").deadline == date(2018, 6, 30)
    assert copied.get(source="form1", name=PRACTICE).deadline is None
    assert all(m.item.dimension.plan_id == new.pk for m in copied.select_related("item__dimension"))
    assert all(m.focus_point.item.dimension.plan_id == new.pk for m in copied.filter(focus_point__isnull=False).select_related("focus_point__item__dimension"))
    assert set(copied.values_list("version", flat=True)) == {1}


def test_the_old_years_actual_becomes_the_baseline(plan_106, year_of_work):
    new = plan_copy(source=plan_106, year=107).plan
    practice = Indicator.objects.get(measure__plan=new, name="辦理策略專業職能講習班期")
    # 天母's latest (12, October) + 偵查隊's (5, October); the draft of November does not count.
    assert (practice.baseline_year, practice.baseline_value, practice.target_value) == (106, Decimal(17), Decimal(20))
    assert practice.target_display(107) == "107 年目標值 20 場（106 年實際值 17 場）"
    unreported = Indicator.objects.get(measure__plan=new, name="主動服務件數")
    assert (unreported.baseline_year, unreported.baseline_value, unreported.target_value) == (None, None, Decimal(30))
    others = Indicator.objects.filter(measure__plan=new).exclude(name__in=["辦理策略專業職能講習班期", "主動服務件數"])
    old = {i.name: (i.baseline_year, i.baseline_value) for i in Indicator.objects.filter(measure__plan=plan_106)}
    assert all((i.baseline_year, i.baseline_value) == old[i.name] for i in others)
    assert not Indicator.objects.filter(measure__plan=new, name="已停用的指標").exists()


def test_it_copies_the_team_and_leaves_the_years_work_behind(plan_106, user, year_of_work):
    new = plan_copy(source=plan_106, year=107).plan
    assert [(t.role, t.name, t.unit.code, t.user) for t in new.team_members.in_roster_order()] == [
        ("convener", "成員甲", "tcpd-shilin", user("secretariat")), ("member", "成員乙", "shilin-tianmu", None),
    ]
    assert not PlannedProgress.objects.filter(measure__plan=new).exists()
    assert not ProgressReport.objects.filter(measure__plan=new).exists()
    assert not ControlReview.objects.filter(plan=new).exists()
    assert PlannedProgress.objects.filter(measure__plan=plan_106).count() == 1
    assert ProgressReport.objects.filter(measure__plan=plan_106).count() == 4


def test_a_copy_for_another_precinct_bears_its_name_without_the_sources_units_or_team(plan_106, year_of_work):
    datong = unit_save(Unit(code="tcpd-datong", name="大同分局", kind=Unit.Kind.PRECINCT, parent=unit("tcpd")))
    new = plan_copy(source=plan_106, year=106, organization=datong).plan
    assert new.title == plan_106.title.replace("士林分局", "大同分局") and "士林" not in new.title
    assert new.measures.count() == plan_106.measures.filter(retired_at__isnull=True).count()
    assert not MeasureLeadUnit.objects.filter(measure__plan=new).exists()
    assert not TeamMember.objects.filter(plan=new).exists()


def test_it_refuses_a_year_that_exists_and_writes_nothing(plan_106, year_of_work):
    plan_copy(source=plan_106, year=107)
    before = (Plan.objects.count(), Measure.objects.count(), Milestone.objects.count(), TeamMember.objects.count())
    with pytest.raises(PlanCopyError, match="士林分局已有 107 年度的計畫"):
        plan_copy(source=plan_106, year=107)
    with pytest.raises(PlanCopyError, match="新計畫的年度須晚於 106 年"):
        plan_copy(source=plan_106, year=106)
    assert (Plan.objects.count(), Measure.objects.count(), Milestone.objects.count(), TeamMember.objects.count()) == before


def test_a_failure_half_way_leaves_nothing(plan_106, year_of_work, monkeypatch):
    def broken(plan):
        raise RuntimeError("磁碟已滿")

    monkeypatch.setattr(plan_copy_module, "_year_actuals", broken)  # after the measures and their units are written
    counts = lambda: (  # noqa: E731
        Plan.objects.count(), Dimension.objects.count(), Measure.objects.count(), MeasureLeadUnit.objects.count(),
        MeasureSupportUnit.objects.count(), Measure.history.count(), Plan.history.count(),
    )
    before = counts()
    with pytest.raises(RuntimeError):
        plan_copy(source=plan_106, year=107)
    assert counts() == before
    assert not Plan.objects.filter(year=107).exists()


def test_feb_29_moves_to_feb_28(user):
    bureau = unit("tcpd")
    leap = Plan.objects.create(organization=bureau, year=105, title="105年度計畫", start_date=date(2016, 1, 1), end_date=date(2016, 12, 31))
    Milestone.objects.create(plan=leap, date=date(2016, 2, 29), title="書面資料送審")
    new = plan_copy(source=leap, year=106).plan
    assert new.milestones.get().date == date(2017, 2, 28)
    assert new.title == "106年度計畫"


@pytest.fixture
def real_sqlite_limit(monkeypatch):
    """Django assumes SQLite takes 999 parameters a statement and splits bulk inserts into batches of that;
    the SQLite here takes its real limit (32766 since 3.32), as PostgreSQL takes 65535. With the real limit
    each table is one insert, so the count below shows the copy does not grow with the plan."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        monkeypatch.setattr(connection.features, "max_query_params", limit)


def ten_times_the_measures(plan):
    template = list(Measure.objects.filter(plan=plan).prefetch_related("lead_links", "support_links", "indicators"))
    for copy in range(1, 10):
        clones = []
        for measure in template:
            clone = Measure(**{f.attname: getattr(measure, f.attname) for f in Measure._meta.concrete_fields if f.name != "id"})
            clone.position += 100 * copy
            clones.append(clone)
        clones = Measure.objects.bulk_create(clones)
        MeasureLeadUnit.objects.bulk_create(
            MeasureLeadUnit(measure=clone, unit_id=link.unit_id) for measure, clone in zip(template, clones, strict=True) for link in measure.lead_links.all()
        )
        MeasureSupportUnit.objects.bulk_create(
            MeasureSupportUnit(measure=clone, unit_id=link.unit_id) for measure, clone in zip(template, clones, strict=True) for link in measure.support_links.all()
        )
        Indicator.objects.bulk_create(
            Indicator(measure=clone, name=i.name, unit=i.unit, target_value=i.target_value, position=i.position)
            for measure, clone in zip(template, clones, strict=True) for i in measure.indicators.all()
        )


def test_it_costs_the_same_queries_with_ten_times_the_measures(plan_106, user, year_of_work, real_sqlite_limit):
    staff = user("secretariat")
    before = count_queries(lambda: plan_copy(source=plan_106, year=107, user=staff))
    ten_times_the_measures(plan_106)
    assert Measure.objects.filter(plan=plan_106, retired_at__isnull=True).count() == 360
    results = []
    assert count_queries(lambda: results.append(plan_copy(source=plan_106, year=108, user=staff))) == before
    result = results[0]
    assert result.counts["措施"] == 360
    assert MeasureLeadUnit.objects.filter(measure__plan=result.plan).count() == 10 * MeasureLeadUnit.objects.filter(
        measure__plan__year=107
    ).count()


# --- manage.py copy_plan ---


def test_the_command_copies_and_says_what(plan_106, year_of_work):
    out = StringIO()
    call_command("copy_plan", "106", "107", stdout=out)
    text = out.getvalue()
    assert "已建立「臺北市政府警察局士林分局 107 年度提升服務品質細部執行計畫」" in text
    assert "措施：36 筆" in text and "推動小組成員：2 筆" in text and "評核構面：5 筆" in text
    assert "預定進度、進度填報" in text and "未複製" in text
    with pytest.raises(CommandError, match="士林分局已有 107 年度的計畫"):
        call_command("copy_plan", "106", "107", stdout=StringIO())
    assert Plan.objects.filter(year=107).count() == 1


def test_the_command_refuses_a_missing_year_or_an_ambiguous_organisation(plan_106):
    with pytest.raises(CommandError, match="找不到任何機關的 105 年度計畫"):
        call_command("copy_plan", "105", "106")
    with pytest.raises(CommandError, match="找不到機關代碼「nowhere」的 106 年度計畫"):
        call_command("copy_plan", "106", "107", "--organization", "nowhere")
    beitou = unit_save(Unit(code="tcpd-beitou", name="北投分局", kind=Unit.Kind.PRECINCT, parent=unit("tcpd"), position=99))
    Plan.objects.create(organization=beitou, year=106, title="北投分局106年度計畫", start_date=date(2017, 1, 1), end_date=date(2017, 12, 31))
    with pytest.raises(CommandError, match="請以 --organization 指定機關代碼：tcpd-shilin（士林分局）、tcpd-beitou（北投分局）"):
        call_command("copy_plan", "106", "107")
    assert not Plan.objects.filter(year=107).exists()
    call_command("copy_plan", "106", "107", "--organization", "tcpd-beitou", stdout=StringIO())
    assert list(Plan.objects.filter(year=107).values_list("title", flat=True)) == ["北投分局107年度計畫"]


# --- the staff page ---


def test_the_page_shows_what_is_copied_and_what_not(client, user, plan_106, year_of_work):
    client.force_login(user("secretariat"))
    response = client.get(COPY_URL)
    assert response.status_code == 200
    html = response.content.decode()
    preview = response.context["preview"]
    assert ("措施", 36) in preview.copied and ("推動小組成員", 2) in preview.copied
    assert ("已停用的措施", 1) in preview.not_copied and ("進度填報", 4) in preview.not_copied
    assert ("預定進度", 1) in preview.not_copied and ("定期管制考核", 1) in preview.not_copied
    assert ("已停用的績效指標", 1) in preview.not_copied
    assert "以 106 年度計畫建立 107 年度計畫" in html and "不複製" in html and "建立 107 年度計畫</button>" in html
    assert plan_copy_preview(plan_106).copied == preview.copied


def test_the_page_costs_the_same_queries_with_ten_times_the_measures(client, user, plan_106, year_of_work):
    client.force_login(user("secretariat"))
    before = count_queries(lambda: client.get(COPY_URL))
    ten_times_the_measures(plan_106)
    responses = []
    assert count_queries(lambda: responses.append(client.get(COPY_URL))) == before
    assert ("措施", 360) in responses[0].context["preview"].copied


def test_the_page_copies_and_goes_to_the_new_plan(client, user, plan_106, year_of_work):
    client.force_login(user("secretariat"))
    response = client.post(COPY_URL)
    assert response.status_code == 302 and response["Location"] == "/plans/107/?org=tcpd-shilin"
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "已建立「臺北市政府警察局士林分局 107 年度提升服務品質細部執行計畫」，複製重要期程 3 筆" in html
    assert "共 36 項措施" in html
    again = client.post(COPY_URL)
    assert again.status_code == 400
    assert "士林分局已有 107 年度的計畫，不能再複製" in again.content.decode()
    assert Plan.objects.filter(year=107).count() == 1
    shown = client.get(COPY_URL).content.decode()
    assert "已有 107 年度的計畫" in shown and "建立 107 年度計畫</button>" not in shown


def test_the_plan_tree_links_the_page_for_staff_only(client, user):
    for username, shown in [("secretariat", True), ("viewer", False), ("tianmu", False)]:
        client.force_login(user(username))
        assert ("以本計畫建立 107 年度計畫" in client.get("/plans/106/").content.decode()) == shown


@pytest.mark.parametrize("username", ["viewer", "tianmu", "investigation"])
def test_readers_who_may_not_edit_get_403(client, user, plan_106, username):
    client.force_login(user(username))
    assert client.get(COPY_URL).status_code == 403
    assert client.post(COPY_URL).status_code == 403
    assert not Plan.objects.filter(year=107).exists()


def test_outsiders_get_404_and_strangers_the_login(client, outsider, plan_106):
    response = client.post(COPY_URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(outsider)
    assert client.get(COPY_URL).status_code == 404
    assert client.post(COPY_URL).status_code == 404
    assert not Plan.objects.filter(year=107).exists()
