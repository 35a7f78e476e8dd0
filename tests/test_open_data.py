"""Open data: the plan's measures as public JSON and CSV, with no person in them."""

import csv
import io
import json

import pytest

from measures.models import Measure
from measures.progress import default_as_of
from sq_portal.roc_dates import format_roc

from .conftest import count_queries
from .test_dashboards import grow_tenfold

pytestmark = pytest.mark.django_db


def test_the_json_is_public_and_holds_every_measure(client, plan_106):
    response = client.get("/open-data/plans/106/measures.json")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    assert data["organization"] == "臺北市政府警察局士林分局" and data["as_of"] == format_roc(default_as_of(plan_106))
    assert len(data["measures"]) == 37
    first = data["measures"][0]
    assert set(first) == {"dimension", "item", "name", "content", "units", "deadline", "status", "progress"}
    assert first["status"] == "待填報" and first["deadline"] == "賡續辦理（每月填報）"


def test_the_csv_opens_in_excel_and_escapes_formulas(client, plan_106):
    measure = plan_106.measures.get(source=Measure.Source.FORM2, name="主動服務")
    measure.name = "=cmd|'/C calc'!A0"
    measure.save()
    response = client.get("/open-data/plans/106/measures.csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff構面,項目,措施名稱,措施內容,承辦單位,完成期限,執行狀態,執行進度")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 38
    assert "'=cmd|'/C calc'!A0" in [row[2] for row in rows]


def test_no_person_is_in_the_open_data(client, plan_106, user):
    from datetime import date

    from diagnosis.models import Unit
    from measures.report_writes import report_save

    report_save(
        measure=plan_106.measures.get(source="form2", name="主動服務"), unit=Unit.objects.get(code="shilin-tianmu"),
        period=date(2017, 5, 1), user=user("tianmu"), narrative="天母所長的內部說明", progress=30, actuals={}, submit=True,
    )
    body = client.get("/open-data/plans/106/measures.json").content.decode() + client.get(
        "/open-data/plans/106/measures.csv"
    ).content.decode()
    for secret in ["tianmu", "secretariat", "@", "天母所長", "sq-demo"]:
        assert secret not in body


def test_unknown_plans_and_writes_are_refused(client):
    assert client.get("/open-data/plans/105/measures.json").status_code == 404
    assert client.post("/open-data/plans/106/measures.json").status_code == 405


def test_open_data_costs_the_same_queries_with_ten_times_the_measures_and_reports(client, plan_106):
    addresses = ("/open-data/plans/106/measures.json", "/open-data/plans/106/measures.csv")
    before = [count_queries(lambda: client.get(address)) for address in addresses]  # noqa: B023
    grow_tenfold(plan_106)
    assert [count_queries(lambda: client.get(address)) for address in addresses] == before  # noqa: B023
    assert len(json.loads(client.get(addresses[0]).content)["measures"]) == 370
