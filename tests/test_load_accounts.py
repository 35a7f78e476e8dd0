"""`loadtest_accounts`: the load test's signed-in accounts work as the locustfile uses them."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from diagnosis.models import Membership, Plan
from measures.models import ProgressReport

from .conftest import OPEN_UNTIL

pytestmark = pytest.mark.django_db


@pytest.fixture
def accounts(tmp_path):
    call_command("generate_scale_data", "--organizations", "2", "--years", "1", "--seed", "3", stdout=StringIO())
    Plan.objects.filter(year=106).update(closing_date=OPEN_UNTIL)  # 106 closed long ago; the load test's 115 is open
    out = StringIO()
    path = tmp_path / "accounts.json"
    call_command("loadtest_accounts", "--users", "4", "--output", str(path), stdout=out)
    assert "已建立 4 個帳號（單位主管 2 個）" in out.getvalue()
    return json.loads(path.read_text(encoding="utf-8"))["accounts"]


def test_it_gives_half_staff_half_heads_with_their_plan(accounts):
    assert [a["role"] for a in accounts] == ["staff", "head", "staff", "head"]
    assert {a["year"] for a in accounts} == {106}
    heads = Membership.objects.filter(user__username__in=[a["username"] for a in accounts], role="head")
    assert all(m.unit.kind == "station" for m in heads)
    assert all(a["slots"] for a in accounts if a["role"] == "head")
    assert not any(a["slots"] for a in accounts if a["role"] == "staff")


def test_its_sessions_are_signed_in_and_its_slots_can_be_reported(accounts):
    staff, head = accounts[0], accounts[1]
    client = Client()
    client.cookies["sessionid"] = staff["session_key"]
    assert client.get(f"/plans/{staff['year']}/dashboard/").status_code == 200
    assert client.get(f"/plans/{staff['year']}/measures/{staff['measures'][0]}/").status_code == 200
    client = Client()
    client.cookies["sessionid"] = head["session_key"]
    assert client.get(f"/units/{head['unit_code']}/months/{head['year']}-05/").status_code == 200  # the month page
    slot = head["slots"][0]
    url = f"/plans/{head['year']}/measures/{slot['measure']}/reports/new/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"unit": slot["unit"], "period": slot["period"], "narrative": "負載測試", "progress": 50,
                                 "submit": "1"})
    assert response.status_code == 302
    assert ProgressReport.objects.filter(measure_id=slot["measure"], unit_id=slot["unit"], status="submitted").exists()


def test_it_refuses_without_enough_precincts(db, tmp_path):
    with pytest.raises(CommandError, match="規模測試資料的分局不足"):
        call_command("loadtest_accounts", "--users", "4", "--output", str(tmp_path / "a.json"), stdout=StringIO())
    with pytest.raises(CommandError, match="至少需要 2 個使用者"):
        call_command("loadtest_accounts", "--users", "1", "--output", str(tmp_path / "a.json"), stdout=StringIO())
