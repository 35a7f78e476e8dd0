"""Every URL the project defines, for every role, with GET and POST: the status each one must get.

Roles: anonymous, 研考承辦 (staff), 檢視者 (viewer), the head of 天母派出所 (unit A) and the head of 偵查隊
(unit B). A report and its evidence belong to unit A. The test fails when a URL pattern has no row here."""

from datetime import date

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from assessments.review_writes import review_open
from measures.evidence_files import inspect_upload
from measures.models import Measure, Unit
from measures.report_writes import report_save

ROLES = ["anon", "staff", "viewer", "head_a", "head_b"]
USERS = {"staff": "secretariat", "viewer": "viewer", "head_a": "tianmu", "head_b": "investigation"}

# name: (kwargs key, GET statuses by role, POST statuses by role); "-" means the method is not checked.
#                                                    anon  staff viewer head_a head_b
MATRIX = {
    "home": ("none", "302 200 200 302 302", "302 405 405 405 405"),
    "login": ("none", "200 302 302 302 302", "-"),
    "logout": ("none", "405 405 405 405 405", "302 302 302 302 302"),
    "measures:plan": ("year", "302 200 200 200 200", "302 405 405 405 405"),
    "measures:plan_reports": ("year", "302 200 200 403 403", "302 405 405 405 405"),
    "measures:form_download": ("form", "302 200 200 200 200", "302 405 405 405 405"),
    "measures:import": ("year", "302 200 403 403 403", "302 400 403 403 403"),
    "measures:import_template": ("year", "302 200 403 403 403", "302 405 405 405 405"),
    "measures:measure_new": ("year", "302 200 403 403 403", "302 200 403 403 403"),
    "measures:measure": ("measure", "302 200 200 200 200", "302 405 405 405 405"),
    "measures:measure_edit": ("measure", "302 200 403 403 403", "302 200 403 403 403"),
    "measures:measure_move": ("measure", "302 405 405 405 405", "302 302 403 403 403"),
    "measures:measure_retire": ("measure", "302 405 405 405 405", "302 302 403 403 403"),
    "measures:measure_planned": ("measure", "302 200 403 403 403", "302 302 403 403 403"),
    "measures:measure_history": ("measure", "302 200 200 200 200", "302 405 405 405 405"),
    "measures:indicator_new": ("measure", "302 200 403 403 403", "302 200 403 403 403"),
    "measures:indicator_edit": ("indicator", "302 200 403 403 403", "302 200 403 403 403"),
    "measures:indicator_retire": ("indicator", "302 405 405 405 405", "302 302 403 403 403"),
    "measures:report_new": ("measure", "302 403 403 200 200", "302 403 403 200 200"),
    # A draft of unit A: only unit A sees it; to everyone else it does not exist.
    "measures:report": ("draft", "302 404 404 200 404", "302 405 405 405 405"),
    "measures:report_edit": ("draft", "302 404 404 200 404", "302 404 404 200 404"),
    "measures:report_delete": ("draft", "302 405 405 405 405", "302 404 404 302 404"),
    "measures:evidence": ("draft_evidence", "302 404 404 200 404", "302 405 405 405 405"),
    "measures:evidence_delete": ("draft_evidence", "302 405 405 405 405", "302 404 404 302 404"),
    # A report unit A sent: staff and viewers read it, unit B still does not see it.
    "measures:report_withdraw": ("sent", "302 405 405 405 405", "302 403 403 302 404"),
    "measures:report_review": ("sent", "302 405 405 405 405", "302 400 403 403 404"),
    "measures:open_data_json": ("year", "200 200 200 200 200", "405 405 405 405 405"),
    "measures:open_data_csv": ("year", "200 200 200 200 200", "405 405 405 405 405"),
    "assessments:plan_dashboard": ("year", "302 200 200 200 200", "302 405 405 405 405"),
    "assessments:reviews": ("year", "302 200 200 404 404", "302 200 403 404 404"),
    "assessments:review": ("review", "302 200 200 404 404", "302 400 403 404 404"),
    "assessments:review_close": ("review", "302 405 405 405 405", "302 302 403 404 404"),
    "assessments:review_export": ("review", "302 200 200 404 404", "302 405 405 405 405"),
    "assessments:unit": ("unit_a", "302 200 200 200 404", "302 405 405 405 405"),
}
# The same views with other objects: the sent report and its evidence are readable by staff and viewers.
VARIANTS = {
    "measures:report@sent": ("measures:report", "sent", "302 200 200 200 404", "-"),
    "measures:evidence@sent": ("measures:evidence", "sent_evidence", "302 200 200 200 404", "-"),
    "assessments:unit@unit_b": ("assessments:unit", "unit_b", "302 200 200 404 200", "-"),
}


def all_pattern_names(patterns=None, namespace="") -> set[str]:
    names = set()
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin":
                continue  # the admin is for superusers only; see test_the_admin_is_for_superusers_only
            prefix = f"{pattern.namespace}:" if pattern.namespace else namespace
            names |= all_pattern_names(pattern.url_patterns, prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(namespace + pattern.name)
    return names


def test_every_url_has_a_row():
    missing = all_pattern_names() - set(MATRIX)
    assert not missing, f"add these URLs to the access matrix: {sorted(missing)}"


@pytest.fixture
def objects(plan_106, user, pdf_file, evidence_dir):
    measure = plan_106.measures.prefetch_related("lead_units").get(source=Measure.Source.FORM2, name="主動服務")
    indicator = measure.indicators.create(name="指標", unit="件", target_value=10, position=1)
    tianmu = Unit.objects.get(code="shilin-tianmu")

    def report(month, submit):
        upload = pdf_file()
        return report_save(
            measure=measure, unit=tianmu, period=date(2017, month, 1), user=user("tianmu"), narrative="x",
            progress=10, actuals={}, files=[(upload, inspect_upload(upload))], submit=submit,
        )

    draft, sent = report(4, False), report(5, True)
    review = review_open(plan=plan_106, as_of=date(2017, 5, 31), meeting_date=date(2017, 6, 1), title="t", user=user("secretariat"))
    return {
        "none": {},
        "year": {"year": 106},
        "form": {"year": 106, "form": 2, "extension": "xlsx"},
        "measure": {"year": 106, "pk": measure.pk},
        "indicator": {"year": 106, "pk": measure.pk, "indicator_pk": indicator.pk},
        "draft": {"pk": draft.pk},
        "draft_evidence": {"pk": draft.evidence.get().pk},
        "sent": {"pk": sent.pk},
        "sent_evidence": {"pk": sent.evidence.get().pk},
        "review": {"year": 106, "pk": review.pk},
        "unit_a": {"code": "shilin-tianmu"},
        "unit_b": {"code": "shilin-investigation"},
    }


CASES = [
    (row, name, key, method, role, int(statuses.split()[i]))
    for row, (name, key, get, post) in {
        **{n: (n, k, g, p) for n, (k, g, p) in MATRIX.items()},
        **VARIANTS,
    }.items()
    for method, statuses in (("GET", get), ("POST", post))
    if statuses != "-"
    for i, role in enumerate(ROLES)
]


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "name", "key", "method", "role", "expected"), CASES, ids=[f"{c[0]}-{c[3]}-{c[4]}" for c in CASES])
def test_the_status_of_every_url_for_every_role(client, user, objects, row, name, key, method, role, expected):
    if role != "anon":
        client.force_login(user(USERS[role]))
    url = reverse(name, kwargs=objects[key])
    response = client.get(url) if method == "GET" else client.post(url, {})
    assert response.status_code == expected, f"{method} {url} as {role}: {response.status_code}, expected {expected}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_the_admin_is_for_superusers_only(client, user, role):
    if role != "anon":
        client.force_login(user(USERS[role]))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(user("admin"))
    assert client.get(reverse("admin:index")).status_code == 200
