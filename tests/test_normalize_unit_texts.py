"""`normalize_unit_texts`: a plan loaded before 承辦單位 were written with 「、」 gets them so, with history."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from measures.models import Measure

pytestmark = pytest.mark.django_db


def test_it_rewrites_run_together_unit_names_and_leaves_unknown_ones(plan_106):
    measure = Measure.objects.filter(plan=plan_106, source="form2").order_by("pk").first()
    other = Measure.objects.filter(plan=plan_106, source="form2").order_by("pk")[1]
    Measure.objects.filter(pk=measure.pk).update(responsible_text="秘書室偵查隊各單位")  # as an older load stored it
    Measure.objects.filter(pk=other.pk).update(responsible_text="火星分局")
    history_before = measure.history.count()
    dry = StringIO()
    call_command("normalize_unit_texts", "--plan", "106", "--dry-run", stdout=dry)
    assert "「秘書室偵查隊各單位」→「秘書室、偵查隊、各單位」" in dry.getvalue() and "將改寫" in dry.getvalue()
    assert Measure.objects.get(pk=measure.pk).responsible_text == "秘書室偵查隊各單位"
    out = StringIO()
    call_command("normalize_unit_texts", "--plan", "106", stdout=out)
    assert Measure.objects.get(pk=measure.pk).responsible_text == "秘書室、偵查隊、各單位"
    assert measure.history.count() == history_before + 1
    assert Measure.objects.get(pk=other.pk).responsible_text == "火星分局"
    assert "未更動" in out.getvalue() and "找不到單位「火星分局」" in out.getvalue()
    again = StringIO()
    call_command("normalize_unit_texts", "--plan", "106", stdout=again)
    assert "已改寫 0 項" in again.getvalue()


def test_it_names_a_missing_plan_in_chinese(plan_106):
    with pytest.raises(CommandError, match="找不到 105 年度的計畫"):
        call_command("normalize_unit_texts", "--plan", "105", stdout=StringIO())
