"""Hostile input, generated: random Unicode, control and bidi characters, markup, huge strings and random
bytes reach every form, the importer and the uploads. Never a 500, never a half-written row, never
unescaped output."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from assessments.models import ControlReview
from diagnosis.models import Unit
from measures.importers import ImportFileError, import_measures
from measures.models import Evidence, Measure, ProgressReport

pytestmark = pytest.mark.django_db
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

MARKUP = st.sampled_from(["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "{{ 7*7 }}", "=1+1", "\u202e\u2066"])
HOSTILE = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x3000), max_size=200),
    st.builds(lambda a, b: a + b, MARKUP, st.text(max_size=50)),
    st.just("長" * 100_000),
    st.just("\x00"),
)


def no_raw_markup(html: str, value: str) -> None:
    for piece in ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"]:
        if piece in value:
            assert piece not in html


@SETTINGS
@given(name=HOSTILE, content=HOSTILE, units=HOSTILE, deadline=HOSTILE)
def test_the_measure_form(client, user, plan_106, name, content, units, deadline):
    client.force_login(user("secretariat"))
    # By position, not by name: an accepted random edit renames it.
    measure = plan_106.measures.prefetch_related("lead_units").filter(source="form2").order_by("position").first()
    before = Measure.objects.count()
    url = reverse("measures:measure_edit", kwargs={"year": 106, "pk": measure.pk})
    response = client.post(url, {
        "item": measure.item_id, "source": "form2", "name": name, "content": content, "responsible_text": units,
        "deadline": deadline, "version": measure.version, "lead_units": [u.pk for u in measure.lead_units.all()],
    })
    assert response.status_code in (200, 302)
    assert Measure.objects.count() == before
    page = client.get(reverse("measures:measure", kwargs={"year": 106, "pk": measure.pk})).content.decode()
    no_raw_markup(page, name + content + units)


@SETTINGS
@given(narrative=HOSTILE, progress=st.one_of(st.text(max_size=10), st.integers(-10**6, 10**6).map(str)))
def test_the_report_form(client, user, plan_106, narrative, progress):
    client.force_login(user("tianmu"))
    measure = plan_106.measures.get(source="form2", name="主動服務")
    url = reverse("measures:report_new", kwargs={"year": 106, "pk": measure.pk})
    before = ProgressReport.objects.count()
    response = client.post(url, {"unit": Unit.objects.get(code="shilin-tianmu").pk, "period": "2017-05-01",
                                 "narrative": narrative, "progress": progress, "draft": "1"})
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert ProgressReport.objects.count() == before
        no_raw_markup(response.content.decode(), narrative)
    else:
        ProgressReport.objects.all().delete()


@SETTINGS
@given(title=HOSTILE, as_of=HOSTILE)
def test_the_review_form_and_the_as_of_date(client, user, plan_106, title, as_of):
    client.force_login(user("secretariat"))
    response = client.post(reverse("assessments:reviews", kwargs={"year": 106}),
                           {"title": title, "as_of": as_of, "meeting_date": "106/06/01"})
    assert response.status_code in (200, 302)
    ControlReview.objects.all().delete()
    page = client.get(reverse("assessments:plan_dashboard", kwargs={"year": 106}), {"as_of": as_of[:2000]})
    assert page.status_code == 200
    no_raw_markup(page.content.decode(), as_of)


@SETTINGS
@given(data=st.binary(max_size=5000), name=HOSTILE)
def test_evidence_uploads_of_random_bytes(client, user, plan_106, evidence_dir, data, name):
    client.force_login(user("tianmu"))
    measure = plan_106.measures.get(source="form2", name="主動服務")
    upload = SimpleUploadedFile((name[:100] or "x").replace("\x00", "") + ".pdf", data, content_type="application/pdf")
    response = client.post(reverse("measures:report_new", kwargs={"year": 106, "pk": measure.pk}), {
        "unit": Unit.objects.get(code="shilin-tianmu").pk, "period": "2017-06-01", "narrative": "x", "progress": "1",
        "submit": "1", "evidence": [upload],
    })
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert not ProgressReport.objects.filter(period=date(2017, 6, 1)).exists()
    ProgressReport.objects.all().delete()
    assert not Evidence.objects.exists()


def test_evidence_names_cannot_escape_or_overwrite(client, user, plan_106, evidence_dir, pdf_file):
    client.force_login(user("tianmu"))
    measure = plan_106.measures.get(source="form2", name="主動服務")
    names = ["../../../../tmp/escape.pdf", "..\\..\\windows.pdf", "same.pdf", "same.pdf"]
    client.post(reverse("measures:report_new", kwargs={"year": 106, "pk": measure.pk}), {
        "unit": Unit.objects.get(code="shilin-tianmu").pk, "period": "2017-06-01", "narrative": "x", "progress": "1",
        "submit": "1", "evidence": [pdf_file(n) for n in names],
    })
    stored = list(Evidence.objects.order_by("pk"))
    assert [e.original_name for e in stored] == ["escape.pdf", "windows.pdf", "same.pdf", "same.pdf"]
    assert len({e.file.name for e in stored}) == 4
    for evidence in stored:
        path = (evidence_dir / evidence.file.name).resolve()
        assert path.is_file() and evidence_dir.resolve() in path.parents
        assert ".." not in evidence.file.name and "escape" not in evidence.file.name


@SETTINGS
@given(data=st.binary(max_size=20_000))
def test_the_importer_with_random_bytes(plan_106, user, data):
    before = Measure.objects.count()
    try:
        import_measures(plan=plan_106, data=data, user=user("secretariat"), dry_run=False)
    except ImportFileError:
        pass
    assert Measure.objects.count() == before


@SETTINGS
@given(cells=st.lists(st.lists(st.one_of(HOSTILE, st.integers(), st.floats(allow_nan=False), st.none()), min_size=7, max_size=7), max_size=8))
def test_the_importer_with_random_spreadsheets(plan_106, user, cells):
    book = Workbook()
    sheet = book.active
    sheet.append(["構面名稱", "項目", "評核重點", "措施名稱", "措施內容", "承辦單位", "完成期限"])
    for row in cells:
        try:
            sheet.append(row)
        except Exception:  # openpyxl refuses some characters itself; such a file cannot be made
            return
    buffer = io.BytesIO()
    book.save(buffer)
    before = Measure.objects.count()
    try:
        report = import_measures(plan=plan_106, data=buffer.getvalue(), user=user("secretariat"), dry_run=False)
    except ImportFileError:
        assert Measure.objects.count() == before
        return
    if not report.ok:
        assert Measure.objects.count() == before
    Measure.objects.filter(plan=plan_106).exclude(pk__in=Measure.objects.filter(plan=plan_106).order_by("pk")[:37]).delete()


@SETTINGS
@given(name=HOSTILE, unit=HOSTILE, target=HOSTILE, baseline_year=HOSTILE)
def test_the_indicator_form(client, user, plan_106, name, unit, target, baseline_year):
    from measures.models import Indicator

    client.force_login(user("secretariat"))
    measure = plan_106.measures.filter(source="form2").order_by("position").first()
    before = Indicator.objects.count()
    response = client.post(reverse("measures:indicator_new", kwargs={"year": 106, "pk": measure.pk}),
                           {"name": name, "unit": unit, "target_value": target, "baseline_year": baseline_year})
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert Indicator.objects.count() == before


@SETTINGS
@given(values=st.lists(HOSTILE, min_size=12, max_size=12))
def test_the_planned_progress_form(client, user, plan_106, values):
    client.force_login(user("secretariat"))
    measure = plan_106.measures.filter(source="form2").order_by("position").first()
    data = {f"m2017{month:02d}": value[:50] for month, value in enumerate(values, start=1)}
    response = client.post(reverse("measures:measure_planned", kwargs={"year": 106, "pk": measure.pk}), data)
    assert response.status_code in (200, 302)


@SETTINGS
@given(username=HOSTILE, password=HOSTILE)
def test_the_sign_in_form(client, username, password):
    response = client.post(reverse("login"), {"username": username[:1000], "password": password[:1000]})
    assert response.status_code in (200, 302, 429)
    no_raw_markup(response.content.decode(), username)


# The forms of the plan's machinery (issue 6): each create page with every field hostile. Whatever comes in,
# the answer is a page or a redirect, never a 500; a refused POST writes no row; markup never comes back raw.
MACHINERY_FORMS = [
    ("/plans/106/proposals/new/", ["unit", "title", "problem", "suggestion"], "assessments.Proposal"),
    ("/plans/106/courtesy/new/", ["unit", "tested_on", "score", "findings", "tester"], "assessments.CourtesyTest"),
    ("/plans/106/commendations/new/", ["unit", "person_name", "person_title", "kind", "times", "reason", "decided_on",
                                       "review", "courtesy_test", "finding"], "assessments.Commendation"),
    ("/plans/106/surveys/new/", ["title", "period_start", "period_end", "design", "population", "sampling_method",
                                 "sample_size", "notes"], "assessments.SatisfactionSurvey"),
    ("/plans/106/training/new/", ["held_on", "topic", "speaker", "speaker_title", "hours", "place", "organizer",
                                  "indicator", "notes"], "assessments.TrainingSession"),
    ("/plans/106/team/new/", ["role", "name", "title", "unit", "duty"], "assessments.TeamMember"),
    ("/plans/106/diagnosis/", ["title", "opens_on", "due_on"], "diagnosis.DiagnosisRound"),
    ("/plans/106/petitions/entry/", ["month"], "assessments.PetitionTally"),
]


@SETTINGS
@pytest.mark.parametrize(("url", "fields", "model"), MACHINERY_FORMS, ids=[f[0] for f in MACHINERY_FORMS])
@given(values=st.lists(HOSTILE, min_size=10, max_size=10))
def test_the_machinery_forms(client, user, plan_106, url, fields, model, values):
    from django.apps import apps

    client.force_login(user("secretariat"))
    rows = apps.get_model(model).objects.count()
    data = dict(zip(fields, values, strict=False))
    response = client.post(url, data)
    assert response.status_code < 500
    if response.status_code != 302:
        assert apps.get_model(model).objects.count() == rows
        for value in data.values():
            no_raw_markup(response.content.decode(), value)


PLAN_SETTINGS = ["closing_date", "report_due_day", "lag_threshold", "courtesy_pass_score"]


@SETTINGS
@given(values=st.lists(st.one_of(HOSTILE, st.integers(-10**30, 10**30).map(str)), min_size=4, max_size=4))
def test_the_plan_settings_form(client, user, plan_106, values):
    from diagnosis.models import Plan

    client.force_login(user("secretariat"))
    stored = Plan.objects.filter(pk=plan_106.pk).values_list(*PLAN_SETTINGS)
    before = stored.get()
    data = dict(zip(PLAN_SETTINGS, values, strict=True))
    response = client.post(reverse("measures:plan_settings", kwargs={"year": 106}), data)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert stored.get() == before
        for value in values:
            no_raw_markup(response.content.decode(), value)


@pytest.mark.parametrize("org", ["\x00", "shilin\x00", "\x00baked-read-0", "士林", "<b>", "a b", "x" * 5000])
def test_an_organisation_code_that_cannot_be_one_is_a_404_not_a_500(client, user, plan_106, org):
    """?org= names a unit by its code, a slug. PostgreSQL refuses a NUL in a query (an error, where SQLite finds
    nothing), so text that cannot be a code is answered without a query: CI's PostgreSQL run pins the 500 away."""
    from diagnosis.models.units import could_be_unit_code

    assert not could_be_unit_code(org) and could_be_unit_code("shilin") and could_be_unit_code("scale-p0001_2")
    client.force_login(user("secretariat"))
    for url in ("/plans/106/", "/plans/105/", "/plans/106/reports/", "/open-data/plans/106/measures.json",
                "/open-data/plans/106/measures.csv"):
        response = client.get(url, {"org": org})
        assert response.status_code == 404 and "找不到" in response.content.decode()


@pytest.mark.parametrize("session_key", ["\x00baked-read-1", "\x00" * 40, "a" * 5000, "<script>"])
def test_a_session_cookie_that_cannot_be_a_session_gets_the_sign_in_not_a_500(client, session_key):
    client.cookies["sessionid"] = session_key
    response = client.get("/plans/106/dashboard/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.get("/accounts/login/").status_code == 200
