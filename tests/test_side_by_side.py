"""各機關進度比較: the bureau's staff and viewers read each precinct's stored figures side by side."""

import io
import re
from datetime import date, timedelta

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from assessments.figure_activity import plans_changed_since_figures
from assessments.figure_writes import plan_figures_refresh
from assessments.models import ControlReview, PlanFigures
from assessments.review_writes import review_open
from assessments.side_by_side import side_by_side
from assessments.side_by_side_exporter import SideBySideExporter
from assessments.tasks import refresh_plan_figures
from diagnosis.models import DiagnosisRound, Membership, Plan, Unit
from diagnosis.unit_tree import unit_save
from measures.measure_writes import planned_progress_set
from measures.models import Measure
from measures.progress import PlanProgress, default_as_of, late_report_counts
from measures.report_writes import report_save
from measures.status import Status
from sq_portal.roc_dates import format_roc
from sq_portal.sheets import OdsRenderer, XlsxRenderer
from sq_portal.sheets.page import MIN_PRINTED_SIZE, print_layout

from .conftest import count_queries
from .scoring_fixtures import person, precinct
from .sheets_print import TOOLS_MISSING, print_problems, printed_pages


def page(**query) -> str:
    url = reverse("assessments:side_by_side", kwargs={"year": 106})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def export(extension="xlsx") -> str:
    return reverse("assessments:side_by_side_export", kwargs={"year": 106, "extension": extension})


def tbody(html: str) -> str:
    return html[html.index("<tbody>") :]


REFRESH = reverse("assessments:side_by_side_refresh", kwargs={"year": 106})


@pytest.fixture
def datong(plan_106) -> Plan:
    return precinct("tcpd-datong", "大同分局", plan_106)


def test_it_stores_what_the_plan_dashboard_counts(plan_106):
    figures = plan_figures_refresh(plan_106)
    as_of = default_as_of(plan_106)
    progress = PlanProgress.counts(plan_106, as_of)
    counts = progress.counts_for(progress.measures)
    assert figures.as_of == as_of and figures.computed_at is not None
    assert [
        figures.done,
        figures.in_progress,
        figures.not_started,
        figures.report_due,
        figures.lagging,
        figures.overdue,
    ] == [
        counts.count(status)
        for status in (
            Status.DONE,
            Status.IN_PROGRESS,
            Status.NOT_STARTED,
            Status.REPORT_DUE,
            Status.LAGGING,
            Status.OVERDUE,
        )
    ]
    assert (
        figures.done
        + figures.in_progress
        + figures.not_started
        + figures.report_due
        + figures.lagging
        + figures.overdue
        == counts.total
        > 0
    )
    assert figures.late_reports == sum(late_report_counts(plan_106).values())
    assert plan_figures_refresh(plan_106).pk == figures.pk  # a second refresh updates the same row
    assert PlanFigures.objects.count() == 1


def test_bureau_staff_and_viewer_read_it_others_get_404(client, plan_106, datong, bureau, user, outsider):
    plan_figures_refresh(plan_106)
    plan_figures_refresh(datong)
    for username in ("bureau", "bureau-viewer"):
        client.force_login(user(username))
        response = client.get(page())
        assert response.status_code == 200
        assert "士林分局" in response.text and "大同分局" in response.text
        assert f'href="{page()}">各機關進度比較</a>' in response.text  # the navigation's link
    other_root = unit_save(Unit(code="ntpd", name="新北市政府警察局", kind=Unit.Kind.AGENCY))
    for someone in (
        user("secretariat"),
        user("tianmu"),
        outsider,
        person("ntpd-staff", other_root, Membership.Role.STAFF),
    ):
        client.force_login(someone)
        assert client.get(page()).status_code == 404
        assert client.get(export()).status_code == 404
    client.logout()
    assert client.get(page()).status_code == 302  # to the login page


def test_only_bureau_staff_may_recalculate(client, plan_106, datong, bureau, user):
    client.force_login(user("bureau-viewer"))
    assert client.post(REFRESH).status_code == 403
    assert "重新計算</button>" not in client.get(page()).text
    client.force_login(bureau)
    before = DBTaskResult.objects.count()
    assert client.post(REFRESH).status_code == 302
    assert DBTaskResult.objects.count() == before + 1  # one task for both plans, even though they were just queued
    client.force_login(user("secretariat"))
    assert client.post(REFRESH).status_code == 404


def test_a_precincts_staff_who_is_the_bureaus_viewer_reads_every_precinct_but_may_not_recalculate(
    client, plan_106, datong, user
):
    """The bureau's rule (研考承辦 or 檢視者 of a unit above the plan's organisation) decides both the rows and who may
    recalculate: 士林分局's own 研考承辦 reads 士林 here only as the bureau's 檢視者, and may not recalculate it."""
    secretariat = user("secretariat")
    Membership.objects.create(user=secretariat, unit=Unit.objects.get(code="tcpd"), role=Membership.Role.VIEWER)
    client.force_login(secretariat)
    response = client.get(page())
    assert [plan.organization.name for plan in response.context["view"].plans] == ["大同分局", "士林分局"]
    assert "重新計算</button>" not in response.text
    assert client.post(REFRESH).status_code == 403


def test_missing_figures_or_figures_of_another_day_are_refreshed_once_in_one_task(client, plan_106, datong, bureau):
    plan_figures_refresh(plan_106)
    PlanFigures.objects.filter(plan=plan_106).update(as_of=default_as_of(plan_106) - timedelta(days=1))
    client.force_login(bureau)
    before = DBTaskResult.objects.count()
    response = client.get(page())
    assert tbody(response.text).count("重新計算中") == 2  # yesterday's row and the missing one
    assert response.context["view"].stale_ids == [datong.pk, plan_106.pk]
    assert DBTaskResult.objects.count() == before + 1  # one task for both
    task = DBTaskResult.objects.order_by("-enqueued_at").first()
    assert task.task_path == "assessments.tasks.refresh_plan_figures"
    assert sorted(task.args_kwargs["args"][0]) == sorted([plan_106.pk, datong.pk])
    assert PlanFigures.objects.filter(refresh_requested_at__isnull=False).count() == 2
    client.get(page())
    assert DBTaskResult.objects.count() == before + 1  # already queued: not again
    refresh_plan_figures.call([plan_106.pk, datong.pk])  # what the worker does
    assert not PlanFigures.objects.filter(refresh_requested_at__isnull=False).exists()
    response = client.get(page())
    assert response.context["view"].stale_ids == [] and "重新計算中" not in tbody(response.text)
    assert DBTaskResult.objects.count() == before + 1


def fresh_figures(*plans):
    """Figures computed now: what the test does next is newer than them."""
    for plan in plans:
        plan_figures_refresh(plan)


def test_a_report_sent_after_the_figures_marks_that_plan_s_row_and_queues_its_refresh(
    client, plan_106, datong, bureau, user
):
    fresh_figures(plan_106, datong)
    client.force_login(bureau)
    before = DBTaskResult.objects.count()
    assert client.get(page()).context["view"].stale_ids == []
    assert DBTaskResult.objects.count() == before
    report_save(
        measure=plan_106.measures.get(source="form2", name="主動服務"),
        unit=Unit.objects.get(code="shilin-tianmu"),
        period=date(2017, 5, 1),
        user=user("tianmu"),
        narrative="已辦理",
        progress=40,
        actuals={},
        submit=True,
    )
    response = client.get(page())
    assert response.context["view"].stale_ids == [plan_106.pk]  # 大同分局 had nothing new
    row = tbody(response.text).split("</tr>")
    shilin = next(r for r in row if "士林分局" in r)
    datong_row = next(r for r in row if "大同分局" in r)
    computed = timezone.localtime(PlanFigures.objects.get(plan=plan_106).computed_at)
    assert f"{format_roc(computed.date())} {computed:%H:%M}" in shilin  # when the shown figures were computed
    assert "重新計算中" in shilin and "重新計算中" not in datong_row
    assert DBTaskResult.objects.count() == before + 1
    assert DBTaskResult.objects.order_by("-enqueued_at").first().args_kwargs["args"] == [[plan_106.pk]]
    client.get(page())
    assert DBTaskResult.objects.count() == before + 1  # queued once, however often the page is read
    refresh_plan_figures.call([plan_106.pk])
    assert client.get(page()).context["view"].stale_ids == []


def test_each_kind_of_activity_the_figures_count_marks_the_row(plan_106, datong, bureau):
    """Each timestamp `figure_activity` reads, moved after the figures, makes that plan (and only it) stale."""
    secretariat = Membership.objects.filter(role=Membership.Role.STAFF, unit__code="tcpd-shilin").first().user
    review = review_open(
        plan=plan_106, as_of=date(2017, 5, 31), meeting_date=date(2017, 6, 5), title="5月", user=secretariat
    )
    measure = plan_106.measures.first()

    def stale_after(change) -> list[int]:
        fresh_figures(plan_106, datong)
        assert plans_changed_since_figures([plan_106.pk, datong.pk]) == set()
        change()
        return sorted(plans_changed_since_figures([plan_106.pk, datong.pk]))

    changes = {
        "measure": lambda: Measure.objects.filter(pk=measure.pk).update(updated_at=timezone.now()),
        "planned progress": lambda: planned_progress_set(
            measure=measure, user=secretariat, months={date(2017, 6, 1): 50}
        ),
        "plan settings": lambda: plan_106.save(),  # a history entry, as plan_settings_save leaves
        "review closed": lambda: ControlReview.objects.filter(pk=review.pk).update(closed_at=timezone.now()),
        "diagnosis round": lambda: DiagnosisRound.objects.create(
            plan=plan_106,
            title="106 組織診斷",
            opens_on=date(2017, 3, 1),
            due_on=date(2017, 3, 31),
            created_by=secretariat,
        ),
    }
    for name, change in changes.items():
        assert stale_after(change) == [plan_106.pk], name


def test_it_sorts_by_each_column(client, plan_106, datong, bureau):
    plan_figures_refresh(plan_106)
    plan_figures_refresh(datong)
    PlanFigures.objects.filter(plan=plan_106).update(late_reports=5)
    PlanFigures.objects.filter(plan=datong).update(late_reports=9)
    client.force_login(bureau)
    ascending = tbody(client.get(page(sort="late")).text)
    descending = client.get(page(sort="-late")).text
    assert 'aria-sort="descending"' in descending
    descending = tbody(descending)
    assert ascending.index("士林分局") < ascending.index("大同分局")
    assert descending.index("大同分局") < descending.index("士林分局")
    for nonsense in ("nonsense", "--late", "-", "figures__late_reports"):  # back to the organisations' own order
        response = client.get(page(sort=nonsense))
        assert response.status_code == 200
        assert response.context["view"].sort == "org"
        assert '<th scope="col" aria-sort="ascending"><a href="?sort=-org">機關 ▲</a>' in response.text
        assert tbody(response.text).index("大同分局") < tbody(response.text).index("士林分局")
    # Each column's own order: 士林分局 above 大同分局 in every column, the opposite of the tree's order (the ties').
    now = timezone.now()
    columns = {
        "done": "done",
        "in_progress": "in_progress",
        "not_started": "not_started",
        "report_due": "report_due",
        "lagging": "lagging",
        "overdue": "overdue",
        "follow_ups": "open_follow_ups",
        "submission": "submission_state",
        "submitted_at": "submitted_at",
        "diagnosis": "diagnosis_total",
        "as_of": "computed_at",
    }
    low = {
        "submission_state": "accepted",
        "submitted_at": now - timedelta(days=1),
        "computed_at": now - timedelta(hours=1),
    }
    high = {"submission_state": "submitted", "submitted_at": now, "computed_at": now}
    PlanFigures.objects.filter(plan=datong).update(**{field: low.get(field, 1) for field in columns.values()})
    PlanFigures.objects.filter(plan=plan_106).update(**{field: high.get(field, 2) for field in columns.values()})
    for key in [*columns, "org"]:
        response = client.get(page(sort=f"-{key}"))
        assert response.status_code == 200
        assert response.context["view"].sort == f"-{key}", key
        rows = tbody(response.text)
        assert rows.index("士林分局") < rows.index("大同分局"), key


def test_the_export_has_one_row_per_organisation(client, plan_106, datong, bureau):
    plan_figures_refresh(plan_106)
    plan_figures_refresh(datong)
    PlanFigures.objects.filter(plan=datong).update(submission_number=2, submission_state="returned")
    client.force_login(bureau)
    response = client.get(export())
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = {row[0]: row for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert sorted(rows) == ["士林分局", "大同分局"]
    # 送審狀態, as the page shows it too
    assert (rows["士林分局"][9], rows["大同分局"][9]) == ("尚未送審", "第 2 次，退回補正")
    shown = tbody(client.get(page()).text)
    assert "尚未送審" in shown and "第 2 次，退回補正" in shown
    assert sheet.print_title_rows == "$1:$2"
    assert sheet.page_setup.orientation == "landscape"
    assert client.get(export("ods")).status_code == 200
    assert client.get(export("pdf")).status_code == 404


def test_the_page_s_queries_do_not_grow_with_the_precincts(client, plan_106, bureau, monkeypatch):
    monkeypatch.setattr("assessments.side_by_side.PAGE_SIZE", 2)  # a second page with 3 organisations as with 21
    client.force_login(bureau)

    def precincts(first, last):
        for number in range(first, last):
            plan_figures_refresh(precinct(f"tcpd-p{number}", f"第{number}分局", plan_106))

    def all_stale(**query):  # every row of another day: the page's are queued again on the next read, in one task
        PlanFigures.objects.update(as_of=default_as_of(plan_106) - timedelta(days=1), refresh_requested_at=None)
        before = DBTaskResult.objects.count()
        queries = count_queries(lambda: client.get(page(sort="-overdue", **query)))
        assert DBTaskResult.objects.count() == before + 1
        PlanFigures.objects.update(as_of=default_as_of(plan_106), refresh_requested_at=None)
        return queries

    def costs():
        return [
            count_queries(lambda: client.get(page(sort="-overdue"))),
            count_queries(lambda: client.get(page(sort="-overdue", page=2))),
            count_queries(lambda: client.get(export())),
            all_stale(),
            all_stale(page=2),
        ]

    precincts(0, 2)
    plan_figures_refresh(plan_106)
    few = costs()
    precincts(2, 20)
    assert costs() == few
    response = client.get(page(page=2))
    assert response.text.count("分局</a></th>") == 2 and "共 21 個機關，第 2／11 頁" in response.text
    assert len(openpyxl.load_workbook(io.BytesIO(client.get(export()).content)).active["A"]) == 2 + 21


def bare_precinct(number: int, like: Plan) -> Plan:
    """An organisation with a plan of the year and no measures: cheap rows to page through."""
    unit = unit_save(
        Unit(code=f"tcpd-b{number}", name=f"第{number}分局", kind=Unit.Kind.PRECINCT, parent=like.organization.parent)
    )
    return Plan.objects.create(
        organization=unit, year=like.year, title="計畫", start_date=like.start_date, end_date=like.end_date
    )


def row_names(html: str) -> list[str]:
    return re.findall(r'<th scope="row" data-label="機關"><a [^>]*>([^<]*)</a>', html)


def test_it_pages_50_organisations_sorted_and_checks_only_the_shown_page_s_plans(client, plan_106, bureau):
    """60 organisations: page 1 shows the first 50 in the chosen order (ties in the tree's order), page 2 the other
    10; the export has all 60 in that order. The rule: only the shown page's plans are checked for staleness and
    queued for a refresh; a plan changed since its figures that is on page 2 waits until page 2 is read."""
    plans = [plan_106] + [bare_precinct(number, plan_106) for number in range(59)]
    fresh_figures(*plans)
    for rank, plan in enumerate(plans):
        PlanFigures.objects.filter(plan=plan).update(late_reports=rank % 7)  # many ties
    expected = [
        plan.organization.name
        for plan in sorted(
            Plan.objects.filter(year=106).select_related("organization", "figures"),
            key=lambda plan: (-plan.figures.late_reports, plan.organization.tree_order),
        )
    ]
    client.force_login(bureau)
    first, second = client.get(page(sort="-late")), client.get(page(sort="-late", page=2))
    assert row_names(first.text) == expected[:50] and row_names(second.text) == expected[50:]
    assert "共 60 個機關，第 1／2 頁" in first.text
    assert '<a class="page-link" href="?sort=-late&amp;page=2">下一頁</a>' in first.text
    assert '<a class="page-link" href="?sort=-late&amp;page=1">上一頁</a>' in second.text
    assert row_names(client.get(page(sort="-late", page=99)).text) == expected[50:]  # too high: the last page
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(export() + "?sort=-late").content)).active
    assert [row[0] for row in sheet.iter_rows(min_row=3, values_only=True)] == expected

    on_page_2 = Plan.objects.get(organization__name=expected[55])
    on_page_2.save()  # a change to the plan's settings after its figures
    before = DBTaskResult.objects.count()
    assert client.get(page(sort="-late")).context["view"].stale_ids == []
    assert DBTaskResult.objects.count() == before  # not checked, not queued
    response = client.get(page(sort="-late", page=2))
    assert response.context["view"].stale_ids == [on_page_2.pk]
    assert DBTaskResult.objects.order_by("-enqueued_at").first().args_kwargs["args"] == [[on_page_2.pk]]
    assert DBTaskResult.objects.count() == before + 1


@pytest.mark.skipif(TOOLS_MISSING is not None, reason=TOOLS_MISSING or "")
def test_the_export_prints_whole_from_libreoffice(client, plan_106, datong, bureau, tmp_path):
    """Both formats, as a clerk prints them: every header and figure whole on the page (nothing cut)."""
    plan_figures_refresh(plan_106)
    plan_figures_refresh(datong)
    exporter = SideBySideExporter(side_by_side(bureau, plan_106.year, ""))
    assert print_layout(exporter).printed_size >= MIN_PRINTED_SIZE
    files = {}
    for renderer in (XlsxRenderer(), OdsRenderer()):
        files[tmp_path / f"side-by-side.{renderer.extension}"] = renderer.render(exporter)
    for path, content in files.items():
        path.write_bytes(content)
    pages = printed_pages(list(files), tmp_path)
    assert {path.name: print_problems(exporter, pages[path]) for path in files} == {path.name: [] for path in files}
