"""The navigation's links (sq_portal.context.nav_urls): reversed once per year, URL configuration and script
prefix, and the same addresses `{% url %}` gave."""

import pytest
from django.test import Client
from django.urls import reverse, set_script_prefix

from sq_portal.context import NAV_YEAR_LINKS, YEAR_PAGE_LINKS, nav_urls


def test_it_gives_the_addresses_reverse_gives(db):
    urls = nav_urls(106)
    for key, name in NAV_YEAR_LINKS.items():
        assert urls[key] == reverse(name, kwargs={"year": 106})
    for key, (name, more) in YEAR_PAGE_LINKS.items():
        assert urls[key] == reverse(name, kwargs={"year": 106, **more})
    assert urls["form2_ods"] == "/plans/106/forms/2.ods"
    assert urls["home"] == reverse("home") and urls["logout"] == reverse("logout") and urls["admin_index"] == reverse("admin:index")
    assert nav_urls(107)["plan"] == reverse("measures:plan", kwargs={"year": 107})
    assert "plan" not in nav_urls(None) and nav_urls(None)["home"] == reverse("home")


def test_it_follows_the_script_prefix_and_is_read_only(db):
    try:
        set_script_prefix("/portal/")
        assert nav_urls(106)["plan"] == reverse("measures:plan", kwargs={"year": 106})
        assert nav_urls(106)["plan"].startswith("/portal/")
    finally:
        set_script_prefix("/")
    assert not nav_urls(106)["plan"].startswith("/portal/")
    with pytest.raises(TypeError):  # one mapping serves every request: nobody may change it
        nav_urls(106)["plan"] = "/elsewhere/"
    assert nav_urls(106)["plan"] == reverse("measures:plan", kwargs={"year": 106})


def test_the_page_links_the_year_of_the_users_plan(client, user, plan_106):
    client.force_login(user("secretariat"))
    html = client.get(reverse("measures:plan", kwargs={"year": 106})).content.decode()
    for key in ("plan", "plan_reports", "reviews", "rounds", "proposals", "training", "surveys", "petitions", "courtesy_tests", "team"):
        assert f'href="{nav_urls(106)[key]}"' in html, key


def test_a_page_rendered_without_a_request_still_links_home(db, client):
    """The CSRF failure page is rendered by Django without the context processors."""
    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert f'class="navbar-brand fw-bold" href="{reverse("home")}"' in response.content.decode()
