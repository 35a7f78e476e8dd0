"""`/`: each role lands where its work is; nobody sees a plan they have no part in."""

from datetime import date

import pytest
from django.urls import reverse

from diagnosis.models import Plan

from .conftest import count_queries
from .test_dashboards import grow_tenfold

pytestmark = pytest.mark.django_db


def test_it_sends_anonymous_visitors_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/"


@pytest.mark.parametrize("username", ["secretariat", "viewer", "admin"])
def test_staff_and_viewers_see_the_plan_dashboard(client, user, username):
    client.force_login(user(username))
    response = client.get("/")
    assert response.status_code == 200
    assert "進度總覽：臺北市政府警察局士林分局 106 年度提升服務品質細部執行計畫" in response.content.decode()


@pytest.mark.parametrize(("username", "landing"), [("tianmu", "/units/shilin-tianmu/"), ("investigation", "/units/shilin-investigation/")])
def test_unit_heads_land_on_their_unit(client, user, username, landing):
    client.force_login(user(username))
    assert client.get("/")["Location"] == landing


def test_it_shows_staff_the_newest_plan(client, user, plan_106):
    Plan.objects.create(
        organization=plan_106.organization, year=107, title="107 年度計畫", start_date=date(2018, 1, 1), end_date=date(2018, 12, 31)
    )
    client.force_login(user("secretariat"))
    assert "進度總覽：107 年度計畫" in client.get("/").content.decode()


def test_it_shows_an_outsider_nothing_of_the_precinct(client, outsider):
    client.force_login(outsider)
    response = client.get("/", follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == "/units/beitou-xinbeitou/"
    assert "目前沒有本單位所屬的年度計畫" in html
    assert "士林分局" not in html


def test_a_unit_head_redirect_costs_the_same_queries_with_ten_times_the_plans_and_reports(client, user, plan_106):
    client.force_login(user("tianmu"))
    before = count_queries(lambda: client.get("/"))
    for year in range(96, 106):
        Plan.objects.create(organization=plan_106.organization, year=year, title=f"{year} 年度計畫",
                            start_date=date(year + 1911, 1, 1), end_date=date(year + 1911, 12, 31))
    grow_tenfold(plan_106)
    assert count_queries(lambda: client.get("/")) == before
    assert client.get("/")["Location"] == "/units/shilin-tianmu/"
