"""主辦/協辦 name units inside the plan's organisation only (issue 23): 附表1's 承辦單位 are the bureau's 科、室、大隊,
which nobody in 士林分局 heads, so they are printed (responsible_text) and never linked. The loader, the importers,
the measure form and its service functions, the drafts, the admin and the plan copy each keep to it."""

import pytest
import tablib
import yaml
from django import forms
from django.conf import settings
from django.urls import reverse

from assessments.plan_copy import plan_copy
from diagnosis.models import Item, Unit
from measures.admin import LeadUnitFormSet, SupportUnitFormSet
from measures.draft_writes import measure_draft_adopt
from measures.forms.measure_forms import FORM1_UNITS_NOTE
from measures.importers import MeasureResource, import_measures
from measures.measure_writes import measure_create, measure_update
from measures.models import Measure, MeasureDraft
from measures.models.measures import MeasureLeadUnit, MeasureSupportUnit
from measures.plan_units import UnitsOutsidePlan

from .conftest import unit
from .test_imports import GOOD, workbook
from .test_measure_pages import form_data

pytestmark = pytest.mark.django_db
FIXTURES = settings.BASE_DIR / "fixtures" / "plan_106_shilin"
BUREAU_ROW = "各分局、大隊、隊、公關室、外事科、督察室、資訊室、勤指中心、秘書室"  # 服務及時性, as printed


def seed_rows(table: str) -> list[dict]:
    return yaml.safe_load((FIXTURES / f"{table}.yaml").read_text(encoding="utf-8"))["measures"]


def outside_links(plan):
    """Every 主辦/協辦 link of the plan's measures to a unit outside its organisation, as (measure, unit code)."""
    return [
        (link.measure.name, link.unit.code)
        for model in (MeasureLeadUnit, MeasureSupportUnit)
        for link in model.objects.filter(measure__plan=plan).exclude(unit__path__startswith=plan.organization.path)
        .select_related("measure", "unit")
    ]


@pytest.fixture
def timeliness(plan_106):
    """附表1's 服務及時性, whose 承辦單位 are six of the bureau's 科、室."""
    return plan_106.measures.get(source=Measure.Source.FORM1, name="服務及時性")


@pytest.fixture
def active(plan_106):
    """附表2's 主動服務: 主辦 秘書室, 協辦 偵查隊, 各單位."""
    return plan_106.measures.get(source=Measure.Source.FORM2, name="主動服務")


def edit_url(measure):
    return reverse("measures:measure_edit", kwargs={"year": 106, "pk": measure.pk})


# --- loading the 106 plan ------------------------------------------------------------------------------------------
def test_the_loader_links_no_measure_to_a_bureau_unit_and_prints_the_seeds_text(plan_106, timeliness):
    named = {code for row in seed_rows("form1") for code in row["lead_units"] + row["support_units"]}
    assert "tcpd-public-relations" in named and "tcpd-traffic" in named  # the fixture keeps the seed's word
    assert outside_links(plan_106) == []
    form1 = plan_106.measures.filter(source=Measure.Source.FORM1)
    assert not MeasureLeadUnit.objects.filter(measure__in=form1).exists()
    assert not MeasureSupportUnit.objects.filter(measure__in=form1).exists()
    assert timeliness.responsible_text == BUREAU_ROW
    traffic = form1.filter(responsible_text="交通大隊")
    assert traffic.count() == 2 and all(m.units_display() == "交通大隊" for m in traffic)


def test_the_loader_links_every_form2_unit_the_seed_names(plan_106):
    measures = plan_106.measures.filter(source=Measure.Source.FORM2).order_by("position").with_units()
    assert [([u.code for u in m.lead_units.all()], [u.code for u in m.support_units.all()]) for m in measures] == [
        (row["lead_units"], row["support_units"]) for row in seed_rows("form2")
    ]


# --- importing ------------------------------------------------------------------------------------------------------
def test_a_form1_row_naming_the_bureaus_units_keeps_them_in_the_text_and_links_none(plan_106, user):
    headers = ["構面名稱", "項目", "評核重點", "措施名稱", "措施內容", "承辦單位"]
    dataset = tablib.Dataset(headers=headers)
    dataset.append(["基礎服務", "服務一致及正確", "服務及時性", "局頒新作法", "一、……", "各分局、大隊、隊 公關室 外事科"])
    dataset.append(["基礎服務", "服務一致及正確", "服務及時性", "分局自辦作法", "一、……", "偵查隊"])
    resource = MeasureResource(plan=plan_106, source=Measure.Source.FORM1, user=user("secretariat"))
    result = resource.import_data(dataset, dry_run=False, use_transactions=True, raise_errors=True)
    assert not result.has_errors() and not result.has_validation_errors()
    bureaus = plan_106.measures.get(source=Measure.Source.FORM1, name="局頒新作法")
    assert (bureaus.responsible_text, bureaus.all_units) == ("各分局、大隊、隊、公關室、外事科", True)
    assert list(bureaus.lead_units.all()) == [] and list(bureaus.support_units.all()) == []
    own = plan_106.measures.get(source=Measure.Source.FORM1, name="分局自辦作法")
    assert [u.code for u in own.lead_units.all()] == ["shilin-investigation"]  # a unit of the precinct is linked


def test_a_form2_row_naming_a_bureau_unit_prints_it_and_links_only_the_precincts(plan_106, user):
    row = [*GOOD[:5], "公關室 秘書室各單位", GOOD[6]]
    report = import_measures(plan=plan_106, data=workbook([row]), user=user("secretariat"), dry_run=False)
    assert report.ok, report.errors
    measure = plan_106.measures.get(source=Measure.Source.FORM2, name=GOOD[3])
    assert measure.responsible_text == "公關室、秘書室、各單位"
    assert list(measure.lead_units.all()) == []  # the bureau's 公關室 was named 主辦: printed only
    assert [u.code for u in measure.support_units.all()] == ["shilin-secretariat"]


# --- the measure form -------------------------------------------------------------------------------------------------
def test_the_form_offers_only_the_organisation_and_its_units_by_the_tree(client, user, plan_106, active):
    client.force_login(user("secretariat"))
    form = client.get(edit_url(active)).context["form"]
    for name in ("lead_units", "support_units"):
        groups = dict(form.fields[name].widget.choices)
        offered = [str(value) for options in groups.values() for value, _ in options]
        inside = [str(pk) for pk in Unit.objects.within(plan_106.organization).values_list("pk", flat=True)]
        assert sorted(offered) == sorted(inside)
        assert [label for _, label in groups["臺北市政府警察局"]] == ["士林分局"]
        assert "天母派出所" in [label for _, label in groups["士林分局"]]


@pytest.mark.parametrize(
    ("field", "code", "message"),
    [
        ("lead_units", "tcpd-public-relations", "公關室不屬於士林分局，不能列為主辦單位。"),
        ("support_units", "tcpd-traffic", "交通大隊不屬於士林分局，不能列為協辦單位。"),
        ("support_units", "beitou-xinbeitou", "新北投派出所不屬於士林分局，不能列為協辦單位。"),
    ],
)
def test_a_unit_outside_the_organisation_is_refused_by_name_and_nothing_is_written(
    client, user, outsider, active, field, code, message
):
    client.force_login(user("secretariat"))
    history = active.history.count()
    links = (list(active.lead_units.all()), list(active.support_units.all()))
    response = client.post(edit_url(active), form_data(active, **{field: [unit(code).pk]}))
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert message in response.content.decode()
    active.refresh_from_db()
    assert active.version == 1 and active.history.count() == history
    assert (list(active.lead_units.all()), list(active.support_units.all())) == links


def test_a_new_measure_with_an_outside_unit_is_not_created(client, user, plan_106, active):
    client.force_login(user("secretariat"))
    before = Measure.objects.count()
    data = {**form_data(active, name="新措施", lead_units=[unit("tcpd-public-relations").pk]), "version": ""}
    response = client.post(reverse("measures:measure_new", kwargs={"year": 106}), data)
    assert response.context["form"].errors["lead_units"] == ["公關室不屬於士林分局，不能列為主辦單位。"]
    assert Measure.objects.count() == before


def test_a_form1_measure_says_who_reports_it_until_units_are_named(client, user, timeliness, active):
    client.force_login(user("secretariat"))
    assert FORM1_UNITS_NOTE in client.get(edit_url(timeliness)).content.decode()
    assert FORM1_UNITS_NOTE not in client.get(edit_url(active)).content.decode()
    posted = client.post(edit_url(active), form_data(active, source="form1", name=""))  # refused, shown as 附表1
    assert FORM1_UNITS_NOTE in posted.content.decode()


def test_naming_a_form1_measures_units_never_changes_its_print(client, user, timeliness):
    client.force_login(user("secretariat"))
    secretariat, tianmu = unit("shilin-secretariat"), unit("shilin-tianmu")
    response = client.post(edit_url(timeliness), form_data(timeliness, lead_units=[secretariat.pk], support_units=[tianmu.pk]))
    assert response.status_code == 302
    timeliness.refresh_from_db()
    assert timeliness.responsible_text == BUREAU_ROW
    assert [u.pk for u in timeliness.lead_units.all()] == [secretariat.pk]
    assert [u.pk for u in timeliness.support_units.all()] == [tianmu.pk]
    client.post(edit_url(timeliness), form_data(timeliness, lead_units=[], support_units=[], all_units=""))
    timeliness.refresh_from_db()
    assert timeliness.responsible_text == BUREAU_ROW and timeliness.units_display() == BUREAU_ROW


def test_a_blank_form1_text_is_written_out_as_it_printed_when_the_units_change(user, timeliness):
    secretariat, tianmu = unit("shilin-secretariat"), unit("shilin-tianmu")
    Measure.objects.filter(pk=timeliness.pk).update(responsible_text="")
    MeasureLeadUnit.objects.create(measure=timeliness, unit=secretariat)
    timeliness = Measure.objects.select_related("plan__organization").get(pk=timeliness.pk)
    assert timeliness.units_display() == "各分局、大隊、隊、秘書室"
    measure_update(measure=timeliness, user=user("secretariat"), expected_version=1, lead_units=[tianmu], support_units=[])
    timeliness.refresh_from_db()
    assert timeliness.responsible_text == "各分局、大隊、隊、秘書室"


@pytest.mark.parametrize(
    ("text", "after"),
    [
        ("秘書室、偵查隊、各單位", "秘書室、天母派出所、各單位"),  # what the units composed: follows them
        ("", ""),  # blank: composed from the units as they are
        ("秘書室、公關室、各單位", "秘書室、公關室、各單位"),  # says more than the units: kept
        ("秘書室偵查隊各單位辦理", "秘書室偵查隊各單位辦理"),  # a wording of its own: kept
    ],
)
def test_a_form2_text_untouched_by_a_change_of_units_is_never_silently_blanked(user, active, text, after):
    Measure.objects.filter(pk=active.pk).update(responsible_text=text)
    active = Measure.objects.select_related("plan__organization").get(pk=active.pk)
    measure_update(
        measure=active, user=user("secretariat"), expected_version=1, lead_units=[unit("shilin-secretariat")],
        support_units=[unit("shilin-tianmu")], responsible_text=text,
    )
    active.refresh_from_db()
    assert active.responsible_text == after
    assert active.units_display() == (after or "秘書室、天母派出所、各單位")


def test_the_service_functions_refuse_an_outside_unit(plan_106, user, active):
    item = Item.objects.select_related("dimension").get(pk=active.item_id)
    with pytest.raises(UnitsOutsidePlan, match="公關室不屬於士林分局，不能列為主辦單位。"):
        measure_create(plan=plan_106, item=item, focus_point=None, source="form1", position=99, name="x",
                       lead_units=[unit("tcpd-public-relations")])
    with pytest.raises(UnitsOutsidePlan, match="交通大隊不屬於士林分局，不能列為協辦單位。"):
        measure_update(measure=active, user=user("secretariat"), expected_version=1, lead_units=[],
                       support_units=[unit("tcpd-traffic")])
    assert not plan_106.measures.filter(name="x").exists()
    assert Measure.objects.get(pk=active.pk).version == 1


# --- drafts, the admin, the plan copy ---------------------------------------------------------------------------------
def test_a_draft_from_outside_the_organisation_is_adopted_without_a_lead(plan_106, user, active):
    draft = MeasureDraft.objects.create(plan=plan_106, item_id=active.item_id, unit=unit("tcpd-public-relations"),
                                        name="局本部提案", proposed_by=user("secretariat"))
    measure = measure_draft_adopt(draft=draft, user=user("secretariat"))
    assert list(measure.lead_units.all()) == []


@pytest.mark.parametrize(("formset", "code", "message"), [
    (LeadUnitFormSet, "tcpd-public-relations", "公關室不屬於士林分局，不能列為主辦單位。"),
    (SupportUnitFormSet, "tcpd-traffic", "交通大隊不屬於士林分局，不能列為協辦單位。"),
])
def test_the_admin_refuses_an_outside_unit_in_the_measures_inlines(active, formset, code, message):
    model = MeasureLeadUnit if formset is LeadUnitFormSet else MeasureSupportUnit
    inline = forms.inlineformset_factory(Measure, model, formset=formset, fields=["unit"], extra=0)
    data = {"links-TOTAL_FORMS": "1", "links-INITIAL_FORMS": "0", "links-0-unit": str(unit(code).pk)}
    refused = inline(data, instance=active, prefix="links", queryset=model.objects.none())
    assert not refused.is_valid() and refused.errors[0]["unit"] == [message]
    data["links-0-unit"] = str(unit("shilin-tianmu").pk)
    assert inline(data, instance=active, prefix="links", queryset=model.objects.none()).is_valid()


def test_a_copied_plan_links_only_units_inside_its_organisation(plan_106):
    new = plan_copy(source=plan_106, year=107).plan
    assert outside_links(new) == []
    assert new.measures.get(source=Measure.Source.FORM1, name="服務及時性").units_display() == BUREAU_ROW


def test_every_measure_of_the_106_plan_can_be_reported(client, user, plan_106):
    """Issue 23: 26 of the 37 measures linked only the bureau's units, heads of none of which are in 士林分局."""
    client.force_login(user("secretariat"))
    html = client.get(reverse("home")).content.decode()
    assert "無人可填報的措施：0 項" in html
