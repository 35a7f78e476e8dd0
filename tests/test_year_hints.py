"""Date hints of the plan's year: a 115 plan's forms say 「例：115/05/31」 (and 115/05 for a month), not the seed's
106, through one helper (`roc_example`, `hint_year`); the accepted formats are the DESIGN's."""

from datetime import date

import pytest
from django.urls import reverse

from assessments.forms.reviews import ReviewOpenForm
from assessments.forms.surveys import PetitionMonthForm
from diagnosis.forms import RoundOpenForm
from diagnosis.models import Plan, Unit
from measures.forms.measure_forms import MeasureForm
from measures.forms.plan_forms import PlanSettingsForm
from sq_portal.fields import RocDateField
from sq_portal.roc_dates import parse_roc, roc_example

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan_115(db) -> Plan:
    return Plan.objects.create(
        organization=Unit.objects.get(code="tcpd-shilin"),
        year=115,
        title="臺北市政府警察局士林分局 115 年度提升服務品質細部執行計畫",
        start_date=date(2026, 1, 1),
        end_date=date(2026, 12, 31),
        closing_date=date(2999, 12, 31),
    )


@pytest.mark.parametrize(
    ("style", "shown"), [("slash", "115/05/31"), ("dot", "115.5.31"), ("long", "115年5月31日"), ("month", "115/05")]
)
def test_the_example_is_of_the_year_given_and_parses_back(style, shown):
    assert roc_example(115, style) == shown
    if style != "month":
        assert parse_roc(shown) == date(2026, 5, 31)  # a format the forms accept (DESIGN)


def test_without_a_year_the_hint_stays_the_seeds():
    field = RocDateField(help_text="如 {example}（{year} 年）")
    assert field.widget.attrs["placeholder"] == "例：106/05/31"
    assert field.help_text == "如 106/05/31（106 年）"


def test_a_115_plans_forms_hint_115_dates(plan_115):
    forms = [
        MeasureForm(plan=plan_115),
        PlanSettingsForm(plan=plan_115),
        ReviewOpenForm(plan=plan_115),
        RoundOpenForm(year=plan_115.year),
    ]
    for form in forms:
        html = str(form)
        assert 'placeholder="例：115/05/31"' in html, type(form).__name__
        assert "106/05/31" not in html and "例：106" not in html, type(form).__name__
    assert MeasureForm(plan=plan_115).fields["deadline"].help_text == "民國日期，如 115/05/31。"
    assert (
        "（如 115 年 5 月份送審，填 115/05/31）" in PlanSettingsForm(plan=plan_115).fields["submission_due"].help_text
    )
    assert RoundOpenForm(year=115).fields["title"].help_text == "如「115年上半年組織診斷」。"
    month = PetitionMonthForm(plan=plan_115).fields["month"]
    assert (month.widget.attrs["placeholder"], month.help_text) == ("例：115/05", "如 115/05。")


def test_one_forms_year_does_not_leak_into_another(plan_115, plan_106):
    MeasureForm(plan=plan_115)
    assert MeasureForm(plan=plan_106).fields["deadline"].help_text == "民國日期，如 106/05/31。"
    assert MeasureForm.base_fields["deadline"].widget.attrs["placeholder"] == "例：106/05/31"


def test_the_pages_of_a_115_plan_hint_115(client, user, plan_115):
    client.force_login(user("secretariat"))
    pages = {
        reverse("measures:measure_new", kwargs={"year": 115}): "例：115/05/31",
        reverse("home"): "可輸入 115/05/31、115.5.31 或 115年5月31日",
        reverse("assessments:training_new", kwargs={"year": 115}): "如 115/05/31",
        reverse("assessments:survey_new", kwargs={"year": 115}): "如 115/05/31",
        reverse("assessments:petitions", kwargs={"year": 115}): 'placeholder="例：115/05"',
        reverse("assessments:reviews", kwargs={"year": 115}): 'placeholder="例：115/05/31"',
    }
    for path, hint in pages.items():
        html = client.get(path).content.decode()
        assert hint in html, path
        assert "例：106" not in html and "如 106/05/31" not in html, path
