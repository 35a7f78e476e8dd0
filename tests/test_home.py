"""`/`: each role lands where its work is; nobody sees a plan they have no part in."""

from datetime import date

import pytest
from django.urls import reverse

from diagnosis.models import Plan

pytestmark = pytest.mark.django_db


def test_it_sends_anonymous_visitors_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/"


@pytest.mark.parametrize(
    ("username", "landing"),
    [("secretariat", "/plans/106/"), ("viewer", "/plans/106/"), ("admin", "/plans/106/"), ("tianmu", "/units/shilin-tianmu/")],
)
def test_it_lands_each_role_on_its_page(client, user, username, landing):
    client.force_login(user(username))
    assert client.get("/")["Location"] == landing


def test_it_lands_staff_on_the_newest_plan(client, user, plan_106):
    Plan.objects.create(
        organization=plan_106.organization, year=107, title="107 年度計畫", start_date=date(2018, 1, 1), end_date=date(2018, 12, 31)
    )
    client.force_login(user("secretariat"))
    assert client.get("/")["Location"] == "/plans/107/"


def test_it_shows_an_outsider_nothing_of_the_precinct(client, outsider):
    client.force_login(outsider)
    response = client.get("/", follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == "/units/beitou-xinbeitou/"
    assert "目前沒有本單位所屬的年度計畫" in html
    assert "士林分局" not in html


def test_it_costs_a_fixed_number_of_queries(client, user, django_assert_num_queries):
    client.force_login(user("secretariat"))
    # session, user, memberships, the newest visible plan.
    with django_assert_num_queries(4):
        client.get("/")
