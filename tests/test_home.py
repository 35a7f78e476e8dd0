"""`/`: the plans a user may see, scoped to their units."""

from datetime import date

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PLAN_TITLE = "臺北市政府警察局士林分局 106 年度提升服務品質細部執行計畫"


def test_it_sends_anonymous_visitors_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("username", ["secretariat", "tianmu", "investigation", "viewer", "admin"])
def test_it_shows_the_106_plan_to_its_people(client, user, username):
    client.force_login(user(username))
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert PLAN_TITLE in html
    assert "106年1月1日至106年12月31日" in html
    assert "共 37 項措施" in html
    assert "整體評核構面-開放創新" in html
    assert "服務一致及正確（4）、服務友善（5）" in html


def test_it_shows_an_outsider_nothing_of_the_precinct(client, outsider):
    client.force_login(outsider)
    html = client.get("/").content.decode()
    assert PLAN_TITLE not in html
    assert "目前沒有您可檢視的計畫" in html


def test_it_counts_only_active_measures(client, user, plan_106):
    from django.utils import timezone

    plan_106.measures.filter(name="無").update(retired_at=timezone.now())
    client.force_login(user("secretariat"))
    assert "共 36 項措施" in client.get("/").content.decode()


def test_it_escapes_text_from_the_database(client, user, plan_106):
    plan_106.title = "<script>alert(1)</script>"
    plan_106.save()
    client.force_login(user("viewer"))
    html = client.get("/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_it_costs_a_fixed_number_of_queries(client, user, plan_106, django_assert_num_queries):
    client.force_login(user("tianmu"))
    # session, user, memberships (scope), unit parents ×3 levels, plans + measure count,
    # prefetch dimensions, items, focus points, criteria, and the memberships shown in the header text.
    with django_assert_num_queries(12):
        client.get("/")
    # A second plan with ten dimensions' worth of framework does not add queries.
    from diagnosis.models import Plan
    from diagnosis.plan_fixture import _create_framework

    plan_107 = Plan.objects.create(
        organization=plan_106.organization, year=107, title="107 年度計畫",
        start_date=date(2018, 1, 1), end_date=date(2018, 12, 31),
    )
    _create_framework(plan_107, [
        {"name": f"測試構面{i}", "scope": "individual", "points": 10, "items": [
            {"name": "項目", "focus_points": [{"name": "重點", "criteria": [{"label": "A.", "text": "x"}]}]}
        ]}
        for i in range(10)
    ])
    with django_assert_num_queries(12):
        html = client.get("/").content.decode()
    assert "107 年度計畫" in html and html.index("107 年度計畫") < html.index(PLAN_TITLE)
