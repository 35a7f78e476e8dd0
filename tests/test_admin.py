"""The Django admin, in Traditional Chinese, holds the whole plan; inlines edit a page's children."""

import pytest
from django.contrib import admin
from django.urls import reverse

from diagnosis.models import FocusPoint, Item
from measures.models import Measure

from .conftest import count_queries
from .test_dashboards import grow_tenfold

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_zh(client, user):
    client.force_login(user("admin"))
    return client


def test_it_speaks_traditional_chinese(admin_client_zh):
    html = admin_client_zh.get(reverse("admin:index")).content.decode()
    assert "服務品質管考平台 系統管理" in html
    for label in ["年度計畫", "評核構面", "評核項目", "評核重點", "評核基準", "措施", "績效指標", "單位", "單位角色"]:
        assert label in html
    assert "登出" in html


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m._meta.label)
def test_it_lists_and_opens_every_model(admin_client_zh, plan_106, model):
    opts = model._meta
    changelist = admin_client_zh.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert changelist.status_code == 200
    obj = model.objects.first()
    if obj is not None:
        change = admin_client_zh.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
        assert change.status_code == 200
        history = admin_client_zh.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk]))
        assert history.status_code == 200


def test_it_edits_an_items_measures_on_the_item_page(admin_client_zh, plan_106):
    item = Item.objects.get(dimension__plan=plan_106, name="服務可近性")
    html = admin_client_zh.get(reverse("admin:diagnosis_item_change", args=[item.pk])).content.decode()
    for name in ["客製化服務", "專人全程服務", "主動服務", "其他服務作法"]:
        assert name in html
    assert "防宣導等，本局業建立司法、警政、社政及醫療等跨網絡整合性處理模式" in html


def test_it_edits_a_focus_points_criteria_on_its_page(admin_client_zh, plan_106):
    focus_point = FocusPoint.objects.get(item__dimension__plan=plan_106, name="服務設施合宜程度")
    html = admin_client_zh.get(reverse("admin:diagnosis_focuspoint_change", args=[focus_point.pk])).content.decode()
    assert "服務設施之使用說明與必要管理。" in html
    assert html.count('name="criteria-') >= 4


def test_the_measure_list_costs_the_same_queries_with_ten_times_the_measures(admin_client_zh, plan_106):
    url = reverse("admin:measures_measure_changelist")
    assert admin_client_zh.get(url).status_code == 200
    before = count_queries(lambda: admin_client_zh.get(url))
    grow_tenfold(plan_106)
    assert count_queries(lambda: admin_client_zh.get(url)) == before


def test_it_shows_units_and_deadline_as_the_seed_writes_them(admin_client_zh, plan_106):
    html = admin_client_zh.get(reverse("admin:measures_measure_changelist") + "?source=form2").content.decode()
    assert "秘書室、偵查隊、各單位" in html
    assert Measure.objects.filter(source="form1", ongoing=True).exists()
    html = admin_client_zh.get(reverse("admin:measures_measure_changelist") + "?source=form1").content.decode()
    assert "賡續辦理" in html
