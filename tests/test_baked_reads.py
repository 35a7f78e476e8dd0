"""sq_portal.baked_reads: a values_list read compiled once per connection gives what its QuerySet gives, is counted
as a query, and refuses a function whose SQL or parameters would not be the same on the next call."""

import threading
from datetime import date, datetime, timedelta
from unittest import mock

import pytest
from django.db import connections
from django.db.models import Count, Model, Q
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.adoption import proposal_counts
from assessments.indicators import training_groups
from assessments.models.reviews import plan_reviews
from assessments.satisfaction import latest_survey, survey_results
from diagnosis.framework_tree import framework_rows, framework_rows_without_criteria
from diagnosis.models import Plan
from diagnosis.models.units import units_in_tree_order
from diagnosis.scores import latest_diagnosis_round
from measures.access import measure_lead_units, measure_of_plan, measure_support_units
from measures.exporters import form1_rows, form2_rows
from measures.measure_page_reads import measure_page_indicators, measure_page_reports, measure_planned_progress
from measures.models import Measure, PlannedProgress, ProgressReport
from measures.models.measures import form_unit_names, plan_unit_ids, plan_unit_names, unit_links_in_plan
from measures.progress import (
    COUNTED_REPORT_STATUSES,
    plan_measure_rows,
    plan_planned_progress,
    plan_report_summaries,
    report_summaries,
    unit_report_summaries,
)
from measures.status import due_month, month_start
from measures.tree_measures import tree_measure_rows
from measures.unit_progress import unit_measure_rows, unit_planned_progress, unit_reports
from perf.scale_data import generate_scale_data
from sq_portal.baked_reads import NotFixedShape, as_prefetched, baked_read

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


@pytest.mark.parametrize("value", [True, None, 1.5, (1, 2), [1, None], [[1]]])
def test_it_refuses_parameters_that_are_not_ids_text_or_dates(plan_106, value):
    @baked_read
    def by(*, value):
        return Measure.objects.filter(pk__in=value if isinstance(value, list) else [value]).values_list("pk")

    with pytest.raises(NotFixedShape, match="只能是整數、字串、日期或時間"):
        by(value=value)


@baked_read
def measures_of_units(*, plan_id, unit_ids, names):
    """A list as IN's values, and a list that adds a condition per element (an OR of name prefixes)."""
    by_name = Q()
    for name in names:
        by_name |= Q(name__startswith=name)
    return (
        Measure.objects.filter(Q(lead_units__in=unit_ids) | by_name, plan_id=plan_id)
        .order_by("pk").distinct().values_list("pk", "name")
    )


def test_a_list_is_compiled_once_for_each_length(plan_106):
    units = list(plan_106.organization.children.order_by("pk").values_list("pk", flat=True))
    names = sorted({name[:2] for name in Measure.objects.filter(plan=plan_106).values_list("name", flat=True)})
    calls = [
        ([], names[:1]), (units[:1], []), (units[1:2], []), (units[:3], names[:2]), (units[3:6], names[2:4]),
        (units[:1], []), ([], names[1:2]),
    ]
    compiled_lengths = set()
    for unit_ids, prefixes in calls:
        with _compiles() as as_sql:
            got = measures_of_units(plan_id=plan_106.pk, unit_ids=unit_ids, names=prefixes)
        lengths = (len(prefixes), len(unit_ids))  # in the parameters' alphabetical order: names, unit_ids
        assert as_sql.call_count == (0 if lengths in compiled_lengths else 2)
        compiled_lengths.add(lengths)
        assert got == list(measures_of_units.build(plan_id=plan_106.pk, unit_ids=unit_ids, names=prefixes)) and got
    assert set(measures_of_units._compiled[connections["default"]]) == compiled_lengths


def test_it_reads_a_small_integer_field_and_a_prefix_pattern(plan_106):
    # A negative stand-in year is out of the field's range (Django makes the lookup empty): 32000 and below then.
    @baked_read
    def plans_of(*, year, prefix):
        return Plan.objects.filter(year=year, organization__path__startswith=prefix).order_by("pk").values_list("pk")

    path = plan_106.organization.path
    for year, prefix in ((106, path), (106, "/"), (107, path), (106, "%_")):
        assert plans_of(year=year, prefix=prefix) == list(plans_of.build(year=year, prefix=prefix))
    assert plans_of(year=106, prefix=path) == [(plan_106.pk,)] and plans_of(year=106, prefix="%_") == []


@pytest.mark.parametrize("pk", [2**63, 10**20])
def test_an_id_too_large_for_the_database_finds_nothing_as_the_queryset_does(plan_106, client, user, pk):
    measure = Measure.objects.filter(plan=plan_106).first()
    assert measure_of_plan(plan_id=plan_106.pk, pk=measure.pk) == [measure]  # baked on this connection
    assert measure_of_plan(plan_id=plan_106.pk, pk=pk) == list(measure_of_plan.build(plan_id=plan_106.pk, pk=pk)) == []
    client.force_login(user("secretariat"))
    assert client.get(f"/plans/106/measures/{measure.pk}/").status_code == 200
    assert client.get(f"/plans/106/measures/{pk}/").status_code == 404


def test_it_refuses_a_value_that_is_its_own_stand_in(plan_106):
    @baked_read
    def by_pk(*, pk):
        return Measure.objects.filter(pk=pk).values_list("pk")

    with pytest.raises(NotFixedShape, match="替身"):
        by_pk(pk=-1_000_000_007)


def test_a_parameter_is_a_list_on_every_call_or_on_none(plan_106):
    @baked_read
    def by_pk(*, pks):
        return Measure.objects.filter(pk__in=pks if type(pks) is list else [pks]).values_list("pk")

    measure = Measure.objects.filter(plan=plan_106).first()
    assert by_pk(pks=[measure.pk]) == [(measure.pk,)]
    with pytest.raises(NotFixedShape, match="前次"):
        by_pk(pks=measure.pk)

    @baked_read
    def by_one_pk(*, pk):
        return Measure.objects.filter(pk__in=pk if type(pk) is list else [pk]).values_list("pk")

    assert by_one_pk(pk=measure.pk) == [(measure.pk,)]
    with pytest.raises(NotFixedShape, match="前次"):
        by_one_pk(pk=[measure.pk])


def test_it_refuses_a_model_instance_as_parameter(plan_106):
    @baked_read
    def of(*, plan):
        return Measure.objects.filter(plan=plan).values_list("pk")

    with pytest.raises(NotFixedShape, match="不是 Plan"):
        of(plan=plan_106)


@pytest.mark.parametrize("shape", ["flat", "named", "values"])
def test_it_reads_tuples_or_instances_only(plan_106, shape):
    @baked_read
    def rows(*, plan_id):
        measures = Measure.objects.filter(plan_id=plan_id)
        return {
            "flat": measures.values_list("pk", flat=True),
            "named": measures.values_list("pk", named=True),
            "values": measures.values("pk"),
        }[shape]

    with pytest.raises(NotFixedShape, match="values_list"):
        rows(plan_id=plan_106.pk)


def _snapshot(value):
    """What a model instance holds: its class, its attributes, and what select_related cached on it, in turn."""
    if not isinstance(value, Model):
        return value
    attributes = {name: _snapshot(held) for name, held in vars(value).items() if name != "_state"}
    related = {name: _snapshot(held) for name, held in value._state.fields_cache.items()}
    return type(value), attributes, related, value._state.adding, value._state.db


@baked_read
def measures_with_framework(*, plan_id, day):
    """Instances with select_related (the focus point may be null), an annotation and a deferred field."""
    return (
        Measure.objects.filter(plan_id=plan_id, listed_on__lte=day)
        .select_related("item__dimension", "focus_point")
        .annotate(reports_sent=Count("reports", filter=Q(reports__status=ProgressReport.Status.ACCEPTED)))
        .defer("content")
        .order_by("pk")
    )


def test_it_builds_the_instances_the_queryset_builds(scale_plans):
    first, second = scale_plans
    Measure.objects.filter(pk=Measure.objects.filter(plan=first).order_by("pk").values("pk")[:1]).update(focus_point=None)
    for plan in (first, second, first):
        for day in (date(2017, 1, 1), date(2017, 12, 31)):
            expected = list(measures_with_framework.build(plan_id=plan.pk, day=day))
            baked = measures_with_framework(plan_id=plan.pk, day=day)
            assert [_snapshot(m) for m in baked] == [_snapshot(m) for m in expected]
    built = measures_with_framework(plan_id=first.pk, day=date(2017, 12, 31))
    assert any(m.focus_point is None for m in built) and any(m.reports_sent for m in built)
    assert built[0].get_deferred_fields() == {"content"}
    with CaptureQueriesContext(connections["default"]) as queries:
        assert built[0].item.dimension.plan_id == first.pk and built[0].content == Measure.objects.get(pk=built[0].pk).content
    assert len(queries) == 2  # the deferred field, and the check; nothing for the related objects


@pytest.mark.parametrize("way", ["prefetch", "related manager"])
def test_it_refuses_instances_it_would_build_otherwise_than_the_queryset(plan_106, way):
    measure = Measure.objects.filter(plan=plan_106).first()

    @baked_read
    def reports(*, measure_id):
        if way == "prefetch":
            return ProgressReport.objects.filter(measure_id=measure_id).prefetch_related("evidence")
        return Measure(pk=measure_id).reports.all()

    with pytest.raises(NotFixedShape, match="prefetch_related" if way == "prefetch" else "關聯管理器"):
        reports(measure_id=measure.pk)


def test_as_prefetched_leaves_what_prefetch_related_leaves(plan_106, django_assert_num_queries):
    measure = Measure.objects.filter(plan=plan_106, lead_units__isnull=False, support_units__isnull=False).first()
    prefetched = Measure.objects.prefetch_related("lead_units", "support_units").get(pk=measure.pk)
    fresh = Measure.objects.get(pk=measure.pk)
    as_prefetched(fresh, "lead_units", list(fresh.lead_units.all()))
    as_prefetched(fresh, "support_units", list(fresh.support_units.all()))
    with django_assert_num_queries(0):
        for relation in ("lead_units", "support_units"):
            got, expected = getattr(fresh, relation).all(), getattr(prefetched, relation).all()
            for unit in expected:  # the prefetch's own bookkeeping: the measure each unit was read for
                del unit._prefetch_related_val_measure_id
            assert [_snapshot(u) for u in got] == [_snapshot(u) for u in expected] and list(got)
            assert fresh._prefetched_objects_cache.keys() == prefetched._prefetched_objects_cache.keys()


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
    # A measure of each plan with 主辦 and 協辦 units, reports and an indicator: the measure page's reads.
    measures = {
        plan: Measure.objects.filter(plan=plan, support_units__isnull=False, reports__isnull=False, indicators__isnull=False)
        .order_by("pk").first()
        for plan in (first, second)
    }
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
        (measure_of_plan, lambda plan: {"plan_id": plan.pk, "pk": measures[plan].pk}),
        (measure_lead_units, lambda plan: {"measure_id": measures[plan].pk}),
        (measure_support_units, lambda plan: {"measure_id": measures[plan].pk}),
        (measure_planned_progress, lambda plan: {"measure_id": measures[plan].pk}),
        (measure_page_reports, lambda plan: {"measure_id": measures[plan].pk}),
        (measure_page_indicators, lambda plan: {"measure_id": measures[plan].pk}),
        (plan_reviews, lambda plan: {"plan_id": plan.pk}),
        (latest_diagnosis_round, lambda plan: {"plan_id": plan.pk}),
        (training_groups, lambda plan: {"plan_id": plan.pk, "as_of": as_of}),
        (latest_survey, lambda plan: {"plan_id": plan.pk}),
        (survey_results, lambda plan: {"survey_id": latest_survey(plan_id=plan.pk)[0].pk}),
        (proposal_counts, lambda plan: {"plan_id": plan.pk}),
        (units_in_tree_order, lambda plan: {"path": plan.organization.path}),
    ]


def test_every_baked_read_of_the_pages_gives_what_its_queryset_gives(scale_plans):
    first, second = scale_plans
    retired = Measure.objects.filter(plan=first, source=Measure.Source.FORM2).order_by("pk").first()
    Measure.objects.filter(pk=retired.pk).update(retired_at=timezone.now())
    PlannedProgress.objects.filter(measure__plan=second, month=date(2017, 1, 1)).update(percent=1)  # the plans differ
    assert ProgressReport.objects.filter(measure__plan=first).exclude(status__in=COUNTED_REPORT_STATUSES).exists()
    for read, params in _reads(first, second):
        results = []
        for plan in (first, second, first):
            expected = [_snapshot(row) for row in read.build(**params(plan))]
            assert [_snapshot(row) for row in read(**params(plan))] == expected, read.__name__
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
