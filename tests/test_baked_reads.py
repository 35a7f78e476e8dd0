"""sq_portal.baked_reads: a values_list read compiled once per connection gives what its QuerySet gives, is counted
as a query, and refuses a function whose SQL or parameters would not be the same on the next call."""

import threading
from datetime import date, datetime, timedelta
from unittest import mock

import pytest
from django.db import connections
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from assessments.progress import (
    COUNTED_REPORT_STATUSES,
    plan_measure_rows,
    plan_planned_progress,
    plan_report_summaries,
    report_summaries,
    unit_report_summaries,
)
from assessments.scale_data import generate_scale_data
from assessments.status import due_month, month_start
from assessments.unit_progress import unit_measure_rows, unit_planned_progress, unit_reports
from diagnosis.framework_tree import framework_rows, framework_rows_without_criteria
from diagnosis.models import Plan
from measures.exporters import form1_rows, form2_rows
from measures.models import Measure, ProgressReport
from measures.models.measures import form_unit_names, plan_unit_ids, plan_unit_names, unit_links_in_plan
from measures.tree_measures import tree_measure_rows
from sq_portal.baked_reads import NotFixedShape, baked_read

pytestmark = pytest.mark.django_db


@baked_read
def measures_due_by(*, plan_id, day):
    """Dates, booleans and a nullable datetime: the columns SQLite hands back as text and integers."""
    return (
        Measure.objects.filter(plan_id=plan_id, deadline__lte=day)
        .order_by("pk")
        .values_list("pk", "deadline", "ongoing", "all_units", "retired_at", "item__dimension__name")
    )


@pytest.fixture
def scale_plans(db):
    """Two precincts' 106 plans with a hundred measures each, their units, planned progress and reports."""
    generate_scale_data(organizations=2, years=1, seed=7)
    first, second = Plan.objects.filter(organization__code__startswith="scale-p").order_by("pk")
    return first, second


def _compiles():
    return mock.patch.object(SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql)


def test_it_gives_what_the_queryset_gives_for_each_plan_and_day(scale_plans):
    first, second = scale_plans
    for plan in (first, second, first):
        for day in (date(2017, 3, 31), date(2017, 12, 31)):
            expected = list(measures_due_by.build(plan_id=plan.pk, day=day))
            assert measures_due_by(plan_id=plan.pk, day=day) == expected
            assert all(type(row) is tuple and isinstance(row[1], date) and type(row[2]) is bool for row in expected)
    assert measures_due_by(plan_id=first.pk, day=date(2017, 12, 31)) != measures_due_by(plan_id=second.pk, day=date(2017, 12, 31))
    assert measures_due_by(plan_id=first.pk, day=date(2016, 1, 1)) == []


def test_it_compiles_twice_on_the_first_call_and_never_again(plan_106):
    @baked_read
    def names(*, plan_id):
        return Measure.objects.filter(plan_id=plan_id).order_by("pk").values_list("pk", "name")

    with _compiles() as compiled:
        first = names(plan_id=plan_106.pk)
        assert compiled.call_count == 2  # the real parameters and the stand-ins
        again = names(plan_id=plan_106.pk)
        other = names(plan_id=-1)
        assert compiled.call_count == 2
    assert first == again == list(Measure.objects.filter(plan=plan_106).order_by("pk").values_list("pk", "name"))
    assert len(first) == Measure.objects.filter(plan=plan_106).count() > 0 and other == []


def test_it_is_one_query_as_the_test_tools_and_debug_log_count_it(plan_106, django_assert_num_queries):
    measures_due_by(plan_id=plan_106.pk, day=date(2017, 12, 31))
    with django_assert_num_queries(1) as captured:
        measures_due_by(plan_id=plan_106.pk, day=date(2017, 12, 31))
    assert "measures_measure" in captured.captured_queries[0]["sql"]


def test_each_connection_compiles_its_own(plan_106):
    expected = measures_due_by(plan_id=plan_106.pk, day=date(2017, 12, 31))
    main = connections["default"]
    seen = {}

    def other_thread():
        other = connections["default"]
        seen["other connection"] = other is not main
        seen["baked before"] = other in measures_due_by._compiled
        connections.close_all()

    thread = threading.Thread(target=other_thread)
    thread.start()
    thread.join()
    assert seen == {"other connection": True, "baked before": False}
    assert main in measures_due_by._compiled and expected == list(measures_due_by.build(plan_id=plan_106.pk, day=date(2017, 12, 31)))


def test_it_refuses_sql_that_changes_with_the_values(plan_106):
    @baked_read
    def by_sign(*, plan_id):
        measures = Measure.objects.filter(plan_id=plan_id)
        return (measures if plan_id > 0 else measures.filter(ongoing=True)).values_list("pk")

    with pytest.raises(NotFixedShape, match="SQL"):
        by_sign(plan_id=plan_106.pk)

    @baked_read
    def either(*, code):
        return Measure.objects.filter(source=code, ongoing=len(code) > 5).values_list("pk")

    with pytest.raises(NotFixedShape, match="SQL"):  # ongoing = True / False: another WHERE, or another constant
        either(code="form2")


def test_it_refuses_a_value_computed_from_a_parameter(plan_106):
    @baked_read
    def due_after(*, plan_id, day):
        return Measure.objects.filter(plan_id=plan_id, deadline__gt=day + timedelta(days=1)).values_list("pk")

    with pytest.raises(NotFixedShape, match="SQL 參數不是原樣傳入的參數"):
        due_after(plan_id=plan_106.pk, day=date(2017, 5, 31))

    @baked_read
    def reported_in_month(*, plan_id, day):
        return ProgressReport.objects.filter(measure__plan_id=plan_id, period=month_start(day)).values_list("pk")

    with pytest.raises(NotFixedShape):
        reported_in_month(plan_id=plan_106.pk, day=date(2017, 5, 31))


@pytest.mark.parametrize("value", [[1, 2], True, None, 1.5])
def test_it_refuses_parameters_that_are_not_ids_text_or_dates(plan_106, value):
    @baked_read
    def by(*, value):
        return Measure.objects.filter(pk__in=value if isinstance(value, list) else [value]).values_list("pk")

    with pytest.raises(NotFixedShape, match="只能是整數、字串、日期或時間"):
        by(value=value)


def test_it_refuses_a_model_instance_as_parameter(plan_106):
    @baked_read
    def of(*, plan):
        return Measure.objects.filter(plan=plan).values_list("pk")

    with pytest.raises(NotFixedShape, match="不是 Plan"):
        of(plan=plan_106)


@pytest.mark.parametrize("shape", ["instances", "flat", "named", "values"])
def test_it_reads_tuples_only(plan_106, shape):
    @baked_read
    def rows(*, plan_id):
        measures = Measure.objects.filter(plan_id=plan_id)
        return {
            "instances": measures,
            "flat": measures.values_list("pk", flat=True),
            "named": measures.values_list("pk", named=True),
            "values": measures.values("pk"),
        }[shape]

    with pytest.raises(NotFixedShape, match="values_list"):
        rows(plan_id=plan_106.pk)


def test_it_refuses_a_query_that_may_not_run(plan_106):
    @baked_read
    def none_of(*, plan_id):
        return Measure.objects.filter(plan_id=plan_id, pk__in=[]).values_list("pk")

    with pytest.raises(NotFixedShape, match="EmptyResultSet"):
        none_of(plan_id=plan_106.pk)


def test_a_refused_read_stays_unbaked_and_is_refused_again(plan_106):
    @baked_read
    def by_sign(*, plan_id):
        return Measure.objects.filter(plan_id=plan_id, ongoing=plan_id > 0).values_list("pk")

    for _ in range(2):
        with pytest.raises(NotFixedShape):
            by_sign(plan_id=plan_106.pk)
    assert connections["default"] not in by_sign._compiled


# Every read the pages and exports bake, against its own QuerySet, on two plans in turn (the second call of each
# runs the SQL compiled for the first), with a retired measure and reports of every status in them.
def _reads(first, second):
    unit = first.organization.children.order_by("pk").first()
    other_unit = second.organization.children.order_by("pk").last()
    as_of = date(2017, 5, 31)
    window = {"last_month": month_start(as_of), "sent_before": timezone.make_aware(datetime(2017, 6, 1)),
              "due": due_month(as_of, first.start_date)}
    return [
        (plan_unit_ids, lambda plan: {"plan_id": plan.pk}),
        (unit_links_in_plan, lambda plan: {"plan_id": plan.pk, "unit_id": (unit if plan == first else other_unit).pk}),
        (plan_unit_names, lambda plan: {"plan_id": plan.pk}),
        (form_unit_names, lambda plan: {"plan_id": plan.pk, "source": Measure.Source.FORM2}),
        (form_unit_names, lambda plan: {"plan_id": plan.pk, "source": "form1"}),
        (plan_measure_rows, lambda plan: {"plan_id": plan.pk}),
        (tree_measure_rows, lambda plan: {"plan_id": plan.pk}),
        (form1_rows, lambda plan: {"plan_id": plan.pk}),
        (form2_rows, lambda plan: {"plan_id": plan.pk}),
        (plan_planned_progress, lambda plan: {"plan_id": plan.pk}),
        (plan_report_summaries, lambda plan: {"plan_id": plan.pk, **window}),
        (unit_report_summaries, lambda plan: {"plan_id": plan.pk, **window, "unit_id": (unit if plan == first else other_unit).pk}),
        (unit_reports, lambda plan: {"plan_id": plan.pk, "unit_id": (unit if plan == first else other_unit).pk}),
        (unit_measure_rows, lambda plan: {"plan_id": plan.pk, "unit_id": (unit if plan == first else other_unit).pk}),
        (unit_measure_rows, lambda plan: {"plan_id": plan.pk, "unit_id": plan.organization_id}),
        (unit_planned_progress, lambda plan: {"plan_id": plan.pk, "unit_id": (unit if plan == first else other_unit).pk}),
        (framework_rows, lambda plan: {"plan_id": plan.pk}),
        (framework_rows_without_criteria, lambda plan: {"plan_id": plan.pk}),
    ]


def test_every_baked_read_of_the_pages_gives_what_its_queryset_gives(scale_plans):
    first, second = scale_plans
    retired = Measure.objects.filter(plan=first, source=Measure.Source.FORM2).order_by("pk").first()
    Measure.objects.filter(pk=retired.pk).update(retired_at=timezone.now())
    assert ProgressReport.objects.filter(measure__plan=first).exclude(status__in=COUNTED_REPORT_STATUSES).exists()
    for read, params in _reads(first, second):
        results = []
        for plan in (first, second, first):
            expected = list(read.build(**params(plan)))
            assert read(**params(plan)) == expected, read.__name__
            results.append(expected)
        assert results[0] and results[0] != results[1], read.__name__  # the reads tell the plans apart


def test_report_summaries_before_the_first_due_month_are_read_unbaked(plan_106, django_assert_num_queries):
    # On 106/01/15 no month is due yet: the due-report count is a constant, another SQL than the baked one
    # (which would refuse due=None). January's report sent on 01/10 counts, with no due report.
    measure = Measure.objects.filter(plan=plan_106).order_by("pk").first()
    unit = plan_106.organization.children.order_by("pk").first()
    ProgressReport.objects.create(
        measure=measure, unit=unit, period=date(2017, 1, 1), narrative="x", progress=30,
        status=ProgressReport.Status.SUBMITTED, submitted_at=timezone.make_aware(datetime(2017, 1, 10, 10)),
    )
    for _ in range(2):
        with django_assert_num_queries(1):
            summaries = report_summaries(plan_106, date(2017, 1, 15))
        assert {key: tuple(summary) for key, summary in summaries.items()} == {(measure.pk, unit.pk): (30, False)}
        assert report_summaries(plan_106, date(2017, 1, 15), unit=unit).keys() == summaries.keys()
    assert report_summaries(plan_106, date(2017, 1, 9)) == {}  # not yet sent
