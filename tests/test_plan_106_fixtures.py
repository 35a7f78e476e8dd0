"""The 106 plan as loaded from fixtures/ matches the seed document, count for count and word for word."""

from datetime import date
from decimal import Decimal

import pytest

from diagnosis.models import Criterion, Dimension, FocusPoint, Item, Unit
from measures.models import Indicator, Measure

pytestmark = pytest.mark.django_db

SEED_DIMENSIONS = [
    ("基礎服務", "individual", 200, ["服務一致及正確", "服務友善"]),
    ("服務遞送", "individual", 300, ["服務便捷", "服務可近性", "服務成長及優化"]),
    ("服務量能", "individual", 200, ["內部作業簡化", "服務精進機制"]),
    ("服務評價", "individual", 200, ["服務滿意情形", "意見回應處理情形"]),
    ("開放創新", "overall", 100, ["開放參與", "創新性"]),
]

# 附表2 as the seed has it: 構面, 項目, 措施名稱, 承辦單位 (the seed's names, 「、」 between them), 主辦, 協辦.
SEED_FORM2 = [
    ("基礎服務", "服務一致及正確", "臺北市政府網路申辦單一窗口網站", "秘書室、各單位", ["秘書室"], []),
    ("基礎服務", "服務友善", "提供友善服務設施", "行政組、秘書室、各單位", ["行政組"], ["秘書室"]),
    ("服務遞送", "服務便捷", "減除申辦案件需檢附之書表謄本", "秘書室、各單位", ["秘書室"], []),
    ("服務遞送", "服務可近性", "主動服務", "秘書室、偵查隊、各單位", ["秘書室"], ["偵查隊"]),
    ("服務遞送", "服務成長及優化", "加強宣導市府 e 點通申辦服務", "秘書室、各單位", ["秘書室"], []),
    ("服務量能", "內部作業簡化", "檢討冗事並落實市府減章、減紙作業。", "秘書室、各單位", ["秘書室"], []),
    ("服務量能", "服務精進機制", "持續辦理創意提案工作，及辦理改善員警服務態度示範演", "秘書室、督察組、各單位", ["秘書室"], ["督察組"]),
    ("服務評價", "服務滿意情形", "定期進行滿意度調查", "秘書室、各單位", ["秘書室"], []),
    ("服務評價", "意見回應處理情形", "運用其他機制瞭解民眾對服務的評價", "行政組、各單位", ["行政組"], []),
    ("開放創新", "開放參與", "機關網站主動公開基本相關資料，並設有臉書及連結單一陳情系統及台北市民 E 點通等系統", "秘書室、各單位", ["秘書室"], []),
    ("開放創新", "創新性", "無", "", [], []),
]

SEED_FORM1_FOCUS_POINTS = [
    "申辦業務標準作業流程訂定情形", "服務及時性", "服務人員專業度", "其他服務作法",
    "服務設施合宜程度", "網站使用便利性", "服務行為的友善性", "服務資訊透明度", "其他服務作法",
    "建置單一窗口整合服務", "減除申辦案件需檢附之書表謄本", "開發線上申辦或跨平臺通用服務", "其他服務作法",
    "客製化服務", "專人全程服務", "主動服務", "其他服務作法",
    "突破成長", "優質服務",
    "簡化內部作業，並聚焦核心業務，創新精進服務",
    "組織內部建立常態性運作機制，以及在首長領導及成員合作下，投入服務創新及精進",
    "定期進行滿意度調查", "運用其他機制瞭解民眾對服務的評價",
    "針對民眾意見、抱怨及陳情積極回應",
    "開放參與", "創新性",
]


def form(plan, source):
    return list(plan.measures.for_form(source).in_plan_order().with_units())


def test_it_loads_the_plan_header(plan_106):
    assert plan_106.title == "臺北市政府警察局士林分局 106 年度提升服務品質細部執行計畫"
    assert plan_106.organization.official_name() == "臺北市政府警察局士林分局"
    assert (plan_106.start_date, plan_106.end_date) == (date(2017, 1, 1), date(2017, 12, 31))
    assert "警署秘字第 1060065171 號函頒「警察機關 106 年度提升服務品質實施計畫」" in plan_106.basis
    assert "北市警秘字第 10633959700 號" in plan_106.basis
    assert plan_106.objectives.startswith("為回應民眾日益升高的服務期待")
    assert "三、運用多面向的整合性服務功能" in plan_106.objectives
    assert plan_106.scope == "本分局所屬各內、外勤單位。"
    assert "四、定期管制考核：於每月或每季重要會議" in plan_106.steps
    assert "依「警察人員獎懲標準」辦理獎懲" in plan_106.evaluation
    milestones = [(m.when_display, m.title) for m in plan_106.milestones.all()]
    assert ("106年5月", "警察局書面資料送審") in milestones
    assert ("106/12/31", "計畫執行期程結束") in milestones


def test_it_has_the_five_dimensions_worth_1000_points(plan_106):
    dimensions = list(plan_106.dimensions.prefetch_related("items"))
    assert [(d.name, d.scope, d.points, [i.name for i in d.items.all()]) for d in dimensions] == SEED_DIMENSIONS
    assert sum(d.points for d in dimensions) == 1000
    assert str(dimensions[-1]) == "整體評核構面-開放創新（100 分）"


def test_it_has_every_focus_point_and_criterion(plan_106):
    assert Item.objects.filter(dimension__plan=plan_106).count() == 11
    assert FocusPoint.objects.filter(item__dimension__plan=plan_106).count() == 26
    assert Criterion.objects.filter(focus_point__item__dimension__plan=plan_106).count() == 30
    timeliness = FocusPoint.objects.get(item__dimension__plan=plan_106, name="服務及時性")
    assert [(c.label, c.text) for c in timeliness.criteria.all()] == [
        ("A.", "重視民眾申辦案件的處理效率，確保於處理時限內完成。"),
        ("B.", "提供申辦案件於處理時限內完成之案件比率。"),
    ]
    transparency = FocusPoint.objects.get(item__dimension__plan=plan_106, name="服務資訊透明度")
    assert [c.label for c in transparency.criteria.all()] == ["A.", "B.", "C.", "D.", "E.", "F."]
    assert transparency.criteria.get(label="E.").text.startswith("從民眾應用面思考，盤點業務資料")
    improvement = FocusPoint.objects.get(item__name="服務精進機制", item__dimension__plan=plan_106)
    assert [c.text for c in improvement.criteria.all()] == ["機關內部服務精進機制運作情形。", "創新服務提案情形及採行率。"]
    companion = FocusPoint.objects.get(item__dimension__plan=plan_106, name="專人全程服務")
    # The seed's own typo (服模式) is kept: the fixtures are word for word.
    assert companion.description == "改變由民眾四處奔波洽辦業務的服模式，由政府機關內部進行協調整合提供專人全程服務。"


def test_it_has_every_form2_row_with_its_units(plan_106):
    rows = form(plan_106, Measure.Source.FORM2)
    assert [
        (
            m.item.dimension.name,
            m.item.name,
            m.name,
            m.units_display(),
            [u.name for u in m.lead_units.all()],
            [u.name for u in m.support_units.all()],
        )
        for m in rows
    ] == SEED_FORM2
    assert all(m.all_units for m in rows[:-1]) and not rows[-1].all_units
    assert rows[-1].content == "無"
    assert rows[1].content.splitlines()[1].startswith("二、本分局設置之哺集乳室，計有 6 處(本分局文林派出所")
    assert "溪山派出所），均已申請參加安心場所認證" in rows[1].content


def test_it_has_every_form1_row(plan_106):
    rows = form(plan_106, Measure.Source.FORM1)
    assert [m.focus_point.name for m in rows] == SEED_FORM1_FOCUS_POINTS
    assert [m.item.dimension.name for m in rows].count("服務遞送") == 10
    empty = rows[8]
    assert (empty.item.name, empty.content, empty.deadline, empty.ongoing, empty.units_display()) == ("服務友善", "", None, False, "")
    open_rows = rows[-2:]
    assert all(m.deadline is None and not m.ongoing and m.units_display() == "" for m in open_rows)
    assert all(m.ongoing for m in rows if m.content and m.item.dimension.name != "開放創新")


def test_it_keeps_long_form1_texts_word_for_word(plan_106):
    rows = {(m.item.name, m.focus_point.name): m for m in form(plan_106, Measure.Source.FORM1)}
    sop = rows[("服務一致及正確", "申辦業務標準作業流程訂定情形")]
    assert sop.content.splitlines()[0] == (
        "一、本局現有提供民眾申辦之各項業務，計有：集會遊行申請等 26 項，均已訂定各項標準作業流程 SOP，"
        "並公布於「臺北市民 e 點通」網站，如有異動由各業務單位負責更新，訂定比率 100%。"
    )
    growth = rows[("服務成長及優化", "突破成長")]
    assert "本局錄影監視系統第一期 1 萬 3,699 支監視器已於全市各治安要點規劃設置" in growth.content
    assert "第二期增設 1,717 支監視器建置工程" in growth.content
    facilities = rows[("服務友善", "服務設施合宜程度")]
    # Joined across the seed's page break (「如交」 + 「通違規申訴單」).
    assert "提供民眾可能需用到的各類申請表，如交通違規申訴單、臨時使用道路申請表等" in facilities.content
    timeliness = rows[("服務一致及正確", "服務及時性")]
    lines = timeliness.content.splitlines()
    assert lines[2] == "(二)網路查詢："
    assert lines[3].startswith("1. 本局各分局網站—申請案件均連結")
    assert timeliness.units_display() == "各分局、大隊、隊、公關室、外事科、督察室、資訊室、勤指中心、秘書室"
    # The bureau's 公關室 … 秘書室 are printed, not linked: nobody in 士林分局 heads them.
    assert list(timeliness.lead_units.all()) == [] and list(timeliness.support_units.all()) == []
    simplification = rows[("內部作業簡化", "簡化內部作業，並聚焦核心業務，創新精進服務")]
    assert "由原規定之 2.5 日縮短為 2 小時核發" in simplification.content
    assert simplification.ongoing  # the seed writes 赓續辦理 here with a simplified character


def test_it_has_the_indicators_the_texts_state_as_targets(plan_106):
    indicators = {
        i.name: i for i in Indicator.objects.filter(measure__plan=plan_106).select_related("measure")
    }
    expected = {
        "辦理策略專業職能講習班期": ("服務人員專業度", "場", 105, Decimal(20), Decimal(20)),
        "獲臺北市政府頒發優良哺乳室認證單位": ("服務設施合宜程度", "個單位", None, None, Decimal(16)),
        "少年犯罪預防宣導、到校訪查及勸導少年": ("主動服務", "人次", None, None, Decimal(14000)),
        "犯罪預防宣導活動": ("其他服務作法", "場次", None, None, Decimal(2000)),
        "機動派出所規劃執行處所": ("主動服務", "處", None, None, Decimal(61)),
        "第二期增設監視器": ("突破成長", "支", None, None, Decimal(1717)),
        "應勤簿冊電子化系統全面上線分局": ("簡化內部作業，並聚焦核心業務，創新精進服務", "個分局", None, None, Decimal(14)),
    }
    assert {
        name: (i.measure.name, i.unit, i.baseline_year, i.baseline_value, i.target_value)
        for name, i in indicators.items()
    } == expected
    assert indicators["辦理策略專業職能講習班期"].target_display(106) == "106 年目標值 20 場（105 年實際值 20 場）"
    assert indicators["少年犯罪預防宣導、到校訪查及勸導少年"].target_display(106) == "106 年目標值 14,000 人次"


def test_it_builds_the_unit_tree(db):
    shilin = Unit.objects.get(code="tcpd-shilin")
    stations = list(shilin.children.filter(kind=Unit.Kind.STATION).values_list("name", flat=True))
    assert stations == [
        "文林派出所", "芝山岩派出所", "天母派出所", "蘭雅派出所", "社子派出所",
        "後港派出所", "山仔后派出所", "永福派出所", "翠山派出所", "溪山派出所",
    ]
    assert set(shilin.children.exclude(kind=Unit.Kind.STATION).values_list("name", flat=True)) == {
        "秘書室", "行政組", "督察組", "偵查隊", "勤務指揮中心",
    }
    assert Unit.objects.get(code="shilin-tianmu").official_name() == "臺北市政府警察局士林分局天母派出所"
    assert Unit.objects.matching_name("勤指中心").count() == 2  # the bureau's and, by its short name, the precinct's
    bureau_units = Unit.objects.filter(parent__code="tcpd").exclude(code="tcpd-shilin")
    assert bureau_units.count() == 18
    assert Dimension.objects.count() == 5
