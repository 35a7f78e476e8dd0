"""diagnosis.framework_tree.plan_framework: the plan's framework as plain rows, as the models hold it, in the same
queries however large the framework."""

from diagnosis.framework_tree import plan_framework
from diagnosis.models import Criterion, Dimension, FocusPoint, Item

from .conftest import count_queries


def ten_times_the_framework(plan):
    """Nine copies of each focus point of the plan with its criteria (and points), written in bulk."""
    originals = list(FocusPoint.objects.filter(item__dimension__plan=plan).prefetch_related("criteria"))
    pairs = [
        (FocusPoint(item_id=f.item_id, position=f.position + 100 * n, name=f"{f.name}（{n}）", description=f.description,
                    points=f.points), f)
        for n in range(1, 10)
        for f in originals
    ]
    FocusPoint.objects.bulk_create([copy for copy, _ in pairs])
    Criterion.objects.bulk_create(
        Criterion(focus_point=copy, position=c.position, label=c.label, text=c.text) for copy, f in pairs for c in f.criteria.all()
    )
    assert FocusPoint.objects.filter(item__dimension__plan=plan).count() == 10 * len(originals)


def _from_models(plan, criteria=True):
    return [
        (d.pk, d.name, d.get_scope_display(), d.points, [
            (i.pk, i.name, i.description, [
                (f.pk, f.name, f.description, [(c.label, c.text) for c in f.criteria.order_by("position")] if criteria else [])
                for f in i.focus_points.order_by("position")
            ])
            for i in d.items.order_by("position")
        ])
        for d in plan.dimensions.order_by("position")
    ]


def _from_rows(framework):
    return [
        (d.pk, d.name, d.scope_display, d.points, [
            (i.pk, i.name, i.description, [(f.pk, f.name, f.description, [(c.label, c.text) for c in f.criteria]) for f in i.focus_points])
            for i in d.items
        ])
        for d in framework
    ]


def test_it_reads_the_106_framework_as_the_models_hold_it(plan_106):
    framework = plan_framework(plan_106)
    assert _from_rows(framework) == _from_models(plan_106)
    assert [d.name for d in framework] == ["基礎服務", "服務遞送", "服務量能", "服務評價", "開放創新"]
    assert sum(d.points for d in framework) == 1000
    assert framework[4].scope_display == "整體評核構面"
    assert sum(len(f.criteria) for d in framework for i in d.items for f in i.focus_points) == Criterion.objects.filter(
        focus_point__item__dimension__plan=plan_106).count() > 0


def test_without_criteria_it_reads_no_criterion(plan_106):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        framework = plan_framework(plan_106, criteria=False)
    assert not any("criterion" in query["sql"].lower() for query in captured.captured_queries)
    assert _from_rows(framework) == _from_models(plan_106, criteria=False)


def test_it_reads_the_framework_in_the_same_queries_with_ten_times_the_focus_points_and_criteria(plan_106):
    from diagnosis.score_reads import framework_of

    reads = (lambda: plan_framework(plan_106), lambda: plan_framework(plan_106, criteria=False), lambda: framework_of(plan_106.pk))
    before = [count_queries(read) for read in reads]
    ten_times_the_framework(plan_106)
    assert [count_queries(read) for read in reads] == before
    assert _from_rows(plan_framework(plan_106)) == _from_models(plan_106)


def test_it_keeps_a_dimension_without_items_and_an_item_without_focus_points_in_position_order(plan_106):
    first = Dimension.objects.filter(plan=plan_106).order_by("position").first()
    empty_item = Item.objects.create(dimension=first, position=0, name="新項目（尚無重點）")
    empty_dimension = Dimension.objects.create(plan=plan_106, position=99, name="新構面", points=10)
    lone = FocusPoint.objects.create(item=empty_item, position=5, name="後加的重點")
    FocusPoint.objects.create(item=empty_item, position=1, name="先的重點")
    framework = plan_framework(plan_106)
    assert framework[-1].pk == empty_dimension.pk and framework[-1].items == []
    assert framework[0].items[0].pk == empty_item.pk
    assert [f.name for f in framework[0].items[0].focus_points] == ["先的重點", "後加的重點"]
    assert framework[0].items[0].focus_points[1].pk == lone.pk and lone.criteria.count() == 0
    assert framework[0].items[0].focus_points[1].criteria == []
    assert _from_rows(framework) == _from_models(plan_106)


def test_it_reads_only_its_own_plan(plan_106):
    from assessments.plan_copy import plan_copy

    plan_copy(source=plan_106, year=107)
    framework = plan_framework(plan_106)
    assert {d.pk for d in framework} == set(plan_106.dimensions.values_list("pk", flat=True))


def test_the_scoring_framework_is_built_from_the_same_read_with_the_allotment(plan_106):
    from diagnosis.score_reads import framework_of
    from diagnosis.scores import even_allotment

    items, focus_points = even_allotment(framework_of(plan_106))
    for pk, points in items.items():
        Item.objects.filter(pk=pk).update(points=points)
    for pk, points in focus_points.items():
        FocusPoint.objects.filter(pk=pk).update(points=points)
    framework = framework_of(plan_106.pk)  # the round's plan id, as round_result_of passes it
    assert count_queries(lambda: framework_of(plan_106.pk)) == count_queries(lambda: plan_framework(plan_106, criteria=False))
    assert [(d.pk, d.name, d.points) for d in framework.dimensions] == list(
        plan_106.dimensions.order_by("position").values_list("pk", "name", "points"))
    slots = [(i.pk, i.points, [(f.pk, f.points, f.key) for f in i.focus_points]) for d in framework.dimensions for i in d.items]
    expected = [
        (i.pk, i.points, [(f.pk, f.points, (i.dimension.name, i.name, f.name)) for f in i.focus_points.order_by("position")])
        for i in Item.objects.filter(dimension__plan=plan_106).select_related("dimension").order_by("dimension__position", "position")
    ]
    assert slots == expected and all(points is not None for _, points, _ in slots)
    assert framework.max_total == 1000
