"""The navigation (assessments.context.portal and base.html): the links a user's roles open, for the year of
the user's plan, and a page rendered without a request still linking home."""

from django.test import Client
from django.urls import reverse

NAV_YEAR_LINKS = [
    "measures:plan", "measures:plan_reports", "assessments:reviews", "diagnosis:rounds", "assessments:proposals",
    "assessments:training_list", "assessments:surveys", "assessments:petitions", "assessments:courtesy_tests",
    "assessments:commendations", "assessments:team",
]


def test_the_page_links_the_year_of_the_users_plan(client, user, plan_106):
    client.force_login(user("secretariat"))
    html = client.get(reverse("measures:plan", kwargs={"year": 106})).content.decode()
    for name in NAV_YEAR_LINKS:
        assert f'href="{reverse(name, kwargs={"year": 106})}"' in html, name
    assert f'action="{reverse("logout")}"' in html and f'href="{reverse("home")}"' in html


def test_a_viewer_has_no_commendations_and_a_head_no_workbench_link(client, user, plan_106):
    client.force_login(user("viewer"))
    html = client.get(reverse("measures:plan", kwargs={"year": 106})).content.decode()
    assert reverse("assessments:reviews", kwargs={"year": 106}) in html
    assert reverse("assessments:commendations", kwargs={"year": 106}) not in html
    client.force_login(user("tianmu"))
    html = client.get(reverse("measures:plan", kwargs={"year": 106})).content.decode()
    assert f'href="{reverse("measures:plan_reports", kwargs={"year": 106})}"' not in html
    assert reverse("assessments:reviews", kwargs={"year": 106}) in html  # the reviews concerning their unit
    assert reverse("assessments:unit", kwargs={"code": "shilin-tianmu"}) in html


def test_a_page_rendered_without_a_request_still_links_home(db, client):
    """The CSRF failure page is rendered by Django without the context processors."""
    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert f'class="navbar-brand fw-bold" href="{reverse("home")}"' in response.content.decode()


def test_scoring_is_linked_for_staff_viewers_and_assigned_reviewers_only(client, user, plan_106):
    from .scoring_fixtures import person, scene

    s = scene(plan_106, user("secretariat"))
    link = f'href="{reverse("assessments:scoring_rounds")}"'
    for who, linked in ((s.staff, True), (s.viewer, True), (s.reviewer1, True), (user("secretariat"), True),
                        (user("tianmu"), False), (person("nobody"), False)):
        client.force_login(who)
        assert (link in client.get(reverse("home"), follow=True).content.decode()) is linked, who.username
