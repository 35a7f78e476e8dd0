"""組織診斷 services: the allotment, opening and closing rounds, a unit's self-check, measure drafts."""

from datetime import date

import pytest

from diagnosis.diagnosis_writes import (
    AllotmentError,
    AnswerInput,
    DiagnosisError,
    allotment_save,
    round_close,
    round_open,
    unit_diagnosis_return,
    unit_diagnosis_save,
)
from diagnosis.models import DiagnosisAnswer, DiagnosisRound, FocusPoint, Item, Unit, UnitDiagnosis
from diagnosis.score_reads import diagnosis_summary, framework_of, previous_round_of, round_result_of
from diagnosis.scores import even_allotment
from measures.draft_writes import measure_draft_adopt, measure_draft_decline, measure_draft_propose
from measures.models import Measure

from .conftest import count_queries
from .diagnosis_fixtures import allot_evenly, fill, open_round

pytestmark = pytest.mark.django_db


def even_points(plan):
    items, focus_points = even_allotment(framework_of(plan))
    return {"items": items, "focus_points": focus_points}


def test_it_saves_an_allotment_that_adds_up_with_history(plan_106, user):
    allotment_save(plan=plan_106, points=even_points(plan_106), user=user("secretariat"))
    item = Item.objects.get(dimension__plan=plan_106, name="服務一致及正確")
    assert item.points == 100
    assert [fp.points for fp in item.focus_points.order_by("position")] == [25, 25, 25, 25]
    assert item.history.first().history_user == user("secretariat")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda p, item, fp: p["items"].__setitem__(item.pk, 90), "構面「基礎服務」各評核項目配分合計 190 分，應等於構面配分 200 分。"),
        (lambda p, item, fp: p["focus_points"].__setitem__(fp.pk, 30), "評核項目「基礎服務／服務一致及正確」各評核重點配分合計 105 分，應等於項目配分 100 分。"),
        (lambda p, item, fp: p["focus_points"].pop(fp.pk), "評核項目「基礎服務／服務一致及正確」的評核重點「申辦業務標準作業流程訂定情形」尚未配分。"),
        (lambda p, item, fp: p["focus_points"].__setitem__(fp.pk, -1), "配分不可為負數。"),
        (lambda p, item, fp: p["items"].__setitem__(999999, 0), "配分含有不屬於此計畫的評核項目或評核重點。"),
    ],
    ids=["items-do-not-add-up", "focus-points-do-not-add-up", "missing", "negative", "another-plans-row"],
)
def test_an_allotment_that_does_not_add_up_writes_nothing(plan_106, user, change, message):
    points = even_points(plan_106)
    item = Item.objects.get(dimension__plan=plan_106, name="服務一致及正確")
    change(points, item, item.focus_points.order_by("position").first())
    with pytest.raises(AllotmentError) as raised:
        allotment_save(plan=plan_106, points=points, user=user("secretariat"))
    assert message in raised.value.problems
    assert not Item.objects.filter(points__isnull=False).exists()
    assert not FocusPoint.objects.filter(points__isnull=False).exists()


def test_a_round_opens_only_on_a_complete_allotment_with_a_draft_per_unit(plan_106, user):
    staff = user("secretariat")
    with pytest.raises(DiagnosisError, match="配分尚未完成，不能開啟組織診斷：構面「基礎服務」的評核項目"):
        open_round(plan_106, staff, allot=False)
    assert not DiagnosisRound.objects.exists()
    diagnosis_round = open_round(plan_106, staff)
    units = list(diagnosis_round.unit_diagnoses.for_round().values_list("unit__name", "state"))
    assert len(units) == 15
    assert ("天母派出所", "draft") in units and ("偵查隊", "draft") in units
    assert {name for name, _ in units} == set(Unit.objects.filter(parent=plan_106.organization).values_list("name", flat=True))
    with pytest.raises(DiagnosisError, match="此計畫已有進行中的組織診斷"):
        open_round(plan_106, staff)
    # The allotment is now fixed, so every round of the plan is scored alike.
    with pytest.raises(AllotmentError, match="配分不能再修改"):
        allotment_save(plan=plan_106, points=even_points(plan_106), user=staff)


def test_a_round_that_ends_before_it_starts_is_refused(plan_106, user):
    allot_evenly(plan_106, user("secretariat"))
    with pytest.raises(DiagnosisError, match="填報截止日不可早於開始日期。"):
        round_open(plan=plan_106, title="x", opens_on=date(2017, 3, 2), due_on=date(2017, 3, 1), user=user("secretariat"))


def tianmu_diagnosis(diagnosis_round) -> UnitDiagnosis:
    return diagnosis_round.unit_diagnoses.select_related("round").get(unit__code="shilin-tianmu")


def test_a_unit_saves_a_draft_then_submits(plan_106, user):
    diagnosis_round = open_round(plan_106, user("secretariat"))
    diagnosis = tianmu_diagnosis(diagnosis_round)
    head = user("tianmu")
    fill(diagnosis, head, score=lambda fp: None if fp.name == "創新性" else 0, submit=False,
         problems=lambda fp: "尚無標準作業流程" if fp.name == "申辦業務標準作業流程訂定情形" else "")
    assert diagnosis.answers.count() == 25  # a focus point left wholly blank is not stored
    with pytest.raises(DiagnosisError, match="尚有 1 個評核重點未評分（「創新性」等），不能送出。"):
        fill(diagnosis, head, score=lambda fp: None if fp.name == "創新性" else 0)
    diagnosis.refresh_from_db()
    assert diagnosis.state == "draft"
    fill(diagnosis, head)
    diagnosis.refresh_from_db()
    assert (diagnosis.state, diagnosis.submitted_by) == ("submitted", head)
    with pytest.raises(DiagnosisError, match="已送出，不能再修改"):
        fill(diagnosis, head)


def test_staff_return_a_submitted_diagnosis_and_the_unit_submits_it_again(plan_106, user):
    staff, head = user("secretariat"), user("tianmu")
    diagnosis_round = open_round(plan_106, staff)
    diagnosis = fill(tianmu_diagnosis(diagnosis_round), head, score=lambda fp: 0)
    assert round_result_of(diagnosis_round).counted_count == 1
    unit_diagnosis_return(diagnosis=diagnosis, reason="  「創新性」分數與佐證不符，請重新評分。\n", user=staff)
    diagnosis.refresh_from_db()
    assert (diagnosis.state, diagnosis.submitted_by, diagnosis.submitted_at) == ("draft", None, None)
    assert (diagnosis.return_reason, diagnosis.returned_by) == ("「創新性」分數與佐證不符，請重新評分。", staff)
    assert diagnosis.returned_at is not None and diagnosis.is_returned
    assert diagnosis.history.first().history_user == staff
    assert diagnosis.answers.count() == 26  # the answers stay for the unit to correct
    assert round_result_of(diagnosis_round).counted_count == 0  # a returned diagnosis is not counted
    fill(tianmu_diagnosis(diagnosis_round), head)
    diagnosis.refresh_from_db()
    assert (diagnosis.state, diagnosis.submitted_by, diagnosis.return_reason, diagnosis.returned_by) == ("submitted", head, "", None)
    assert not diagnosis.is_returned
    # The reason is cleared on the unit's next submission; its history keeps it.
    assert "「創新性」分數與佐證不符，請重新評分。" in diagnosis.history.values_list("return_reason", flat=True)
    result = round_result_of(diagnosis_round)
    assert result.counted_count == 1 and result.precinct.total_1000 == 1000


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("blank", "請填寫退回原因，讓單位知道要修正什麼。"),
        ("draft", "此單位的自評尚未送出（或已被退回），不能退回。"),
        ("closed", "此組織診斷已結束，不能再退回自評。"),
    ],
)
def test_a_return_that_cannot_be_done_writes_nothing(plan_106, user, case, message):
    staff = user("secretariat")
    diagnosis_round = open_round(plan_106, staff)
    diagnosis = fill(tianmu_diagnosis(diagnosis_round), user("tianmu"), submit=case != "draft")
    if case == "closed":
        round_close(diagnosis_round=diagnosis_round, user=staff)
    before = (diagnosis.state, diagnosis.submitted_at, diagnosis.history.count())
    with pytest.raises(DiagnosisError) as raised:
        unit_diagnosis_return(diagnosis=tianmu_diagnosis(diagnosis_round), reason="　 " if case == "blank" else "請修正", user=staff)
    assert str(raised.value) == message
    diagnosis.refresh_from_db()
    assert (diagnosis.state, diagnosis.submitted_at, diagnosis.history.count()) == before
    assert (diagnosis.return_reason, diagnosis.returned_by, diagnosis.returned_at) == ("", None, None)


def test_a_score_above_the_points_writes_nothing(plan_106, user):
    diagnosis_round = open_round(plan_106, user("secretariat"))
    diagnosis = tianmu_diagnosis(diagnosis_round)
    with pytest.raises(DiagnosisError, match="「申辦業務標準作業流程訂定情形」的分數應在 0 至 25 分之間。"):
        fill(diagnosis, user("tianmu"), score=lambda fp: fp.points + 1 if fp.name == "申辦業務標準作業流程訂定情形" else 0)
    assert not DiagnosisAnswer.objects.exists()


def test_a_closed_round_takes_no_more_answers(plan_106, user):
    diagnosis_round = open_round(plan_106, user("secretariat"))
    round_close(diagnosis_round=diagnosis_round, user=user("secretariat"))
    with pytest.raises(DiagnosisError, match="此組織診斷已結束"):
        fill(tianmu_diagnosis(diagnosis_round), user("tianmu"))
    with pytest.raises(DiagnosisError, match="此組織診斷已結束。"):
        round_close(diagnosis_round=diagnosis_round, user=user("secretariat"))


def test_a_focus_point_of_another_plan_is_refused(plan_106, user):
    diagnosis_round = open_round(plan_106, user("secretariat"))
    with pytest.raises(DiagnosisError, match="不屬於此計畫"):
        unit_diagnosis_save(diagnosis=tianmu_diagnosis(diagnosis_round), answers={999999: AnswerInput(score=1)}, user=user("tianmu"))


def test_a_problem_becomes_a_measure_when_staff_adopt_it(plan_106, user):
    diagnosis_round = open_round(plan_106, user("secretariat"))
    diagnosis = tianmu_diagnosis(diagnosis_round)
    fill(diagnosis, user("tianmu"), submit=False, problems=lambda fp: "櫃檯無愛心鈴" if fp.name == "服務設施合宜程度" else "")
    answer = diagnosis.answers.select_related("unit_diagnosis__round", "focus_point").get(focus_point__name="服務設施合宜程度")
    empty = diagnosis.answers.select_related("unit_diagnosis__round", "focus_point").get(focus_point__name="服務及時性")
    with pytest.raises(DiagnosisError, match="尚未填寫發現的問題"):
        measure_draft_propose(answer=empty, name="x", content="", user=user("tianmu"))
    draft = measure_draft_propose(answer=answer, name="增設愛心鈴", content="櫃檯增設愛心鈴", user=user("tianmu"))
    assert (draft.item.name, draft.unit.name, draft.state) == ("服務友善", "天母派出所", "pending")
    before = Measure.objects.filter(plan=plan_106, source="form2").count()
    measure = measure_draft_adopt(draft=draft, user=user("secretariat"))
    assert Measure.objects.filter(plan=plan_106, source="form2").count() == before + 1
    assert (measure.name, measure.focus_point.name, measure.source) == ("增設愛心鈴", "服務設施合宜程度", "form2")
    assert [u.name for u in measure.lead_units.all()] == ["天母派出所"]
    assert measure.position == Measure.objects.filter(plan=plan_106, source="form2").order_by("-position").first().position
    assert measure.history.first().history_type == "+"
    draft.refresh_from_db()
    assert (draft.state, draft.measure, draft.decided_by) == ("adopted", measure, user("secretariat"))
    with pytest.raises(DiagnosisError, match=r"此措施草案已處理（已採行），不能重複處理。"):
        measure_draft_decline(draft=draft, user=user("secretariat"))


def test_results_summary_and_comparison_with_the_previous_round(plan_106, user):
    staff = user("secretariat")
    first = open_round(plan_106, staff, title="上半年", opens_on=date(2017, 3, 1))
    fill(first.unit_diagnoses.select_related("round").get(unit__code="shilin-tianmu"), user("tianmu"), score=lambda fp: 0)
    round_close(diagnosis_round=first, user=staff)
    second = open_round(plan_106, staff, title="下半年", opens_on=date(2017, 9, 1), due_on=date(2017, 9, 30))
    assert previous_round_of(second) == first
    assert previous_round_of(first) is None
    fill(tianmu_diagnosis(second), user("tianmu"))
    fill(second.unit_diagnoses.select_related("round").get(unit__code="shilin-investigation"), user("investigation"), score=lambda fp: fp.points // 2)
    result = round_result_of(second)
    assert result.counted_count == 2 and result.unit_count == 15
    tianmu = result.unit(Unit.objects.get(code="shilin-tianmu").pk)
    assert tianmu.score.total_1000 == 1000
    assert result.precinct.total_1000 == pytest.approx(750, abs=5)
    # The summary card shows the latest closed round while another is open.
    summary = diagnosis_summary(plan_106)
    assert (summary.round, summary.total_1000, summary.submitted_count, summary.unit_count) == (first, 0, 1, 15)
    round_close(diagnosis_round=second, user=staff)
    summary = diagnosis_summary(plan_106)
    assert (summary.round, summary.total_1000, summary.submitted_count) == (second, result.precinct.total_1000, 2)


def test_the_summary_of_a_plan_without_rounds_is_none(plan_106):
    assert diagnosis_summary(plan_106) is None


def test_the_summary_costs_the_same_queries_with_ten_times_the_submitted_diagnoses(plan_106, user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    diagnosis_round = open_round(plan_106, user("secretariat"))
    fill(tianmu_diagnosis(diagnosis_round), user("tianmu"))
    summary = diagnosis_summary(plan_106)
    assert (summary.total_1000, summary.submitted_count, summary.unit_count) == (1000, 1, 15)
    # the dashboard passes the points of the framework it has already read (framework_tree.plan_framework): one read fewer
    assert diagnosis_summary(plan_106, max_total=1000) == summary
    before = count_queries(lambda: diagnosis_summary(plan_106)), count_queries(lambda: diagnosis_summary(plan_106, max_total=1000))
    assert before[1] < before[0]
    for other in diagnosis_round.unit_diagnoses.select_related("round").exclude(unit__code="shilin-tianmu")[:10]:
        fill(other, user("secretariat"))
    assert diagnosis_summary(plan_106).submitted_count == 11
    assert (count_queries(lambda: diagnosis_summary(plan_106)), count_queries(lambda: diagnosis_summary(plan_106, max_total=1000))) == before
    with CaptureQueriesContext(connection) as read:
        assert diagnosis_summary(plan_106, max_total=2000).total_1000 == 500
    # The card names the round, not who opened it: no user is read.
    assert not any("auth_user" in query["sql"] for query in read.captured_queries)


def test_the_previous_years_plan_is_compared_by_names(plan_106, user):
    """Next year's plan is a copy with new rows: its round is compared with 106's last closed round."""
    from diagnosis.models import Criterion, Dimension, Plan

    staff = user("secretariat")
    old_round = open_round(plan_106, staff, title="106年組織診斷")
    fill(tianmu_diagnosis(old_round), user("tianmu"), score=lambda fp: 0)
    round_close(diagnosis_round=old_round, user=staff)
    plan_107 = Plan.objects.create(
        organization=plan_106.organization, year=107, title="107 年度計畫", start_date=date(2018, 1, 1), end_date=date(2018, 12, 31)
    )
    for dimension in plan_106.dimensions.all():
        new_dimension = Dimension.objects.create(plan=plan_107, position=dimension.position, name=dimension.name, scope=dimension.scope, points=dimension.points)
        for item in dimension.items.all():
            new_item = Item.objects.create(dimension=new_dimension, position=item.position, name=item.name, points=item.points)
            for fp in item.focus_points.all():
                FocusPoint.objects.create(item=new_item, position=fp.position, name=fp.name, points=fp.points)
    assert not Criterion.objects.filter(focus_point__item__dimension__plan=plan_107).exists()
    new_round = round_open(plan=plan_107, title="107年組織診斷", opens_on=date(2018, 3, 1), due_on=date(2018, 3, 31), user=staff)
    assert previous_round_of(new_round) == old_round
