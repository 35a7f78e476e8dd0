"""sq_portal.signed_in_reads: the session and the signed-in user, read with SQL compiled once per connection,
let in exactly whom Django's own session store and ModelBackend let in."""

from datetime import timedelta
from importlib import import_module
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.contrib.sessions.models import Session
from django.db import connections
from django.db.models.sql.compiler import SQLCompiler
from django.urls import reverse
from django.utils import timezone

from diagnosis.demo_accounts import DEMO_PASSWORD
from diagnosis.models import Membership
from measures.readable_plans import user_memberships
from sq_portal.signed_in_reads import ModelBackend, SessionStore, live_session, user_by_id

pytestmark = pytest.mark.django_db


def signed_in(client, username):
    assert client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD}).status_code == 302
    return client


def is_signed_in(client) -> bool:
    response = client.get("/")
    return response.status_code == 200 or not response["Location"].startswith(reverse("login"))


def test_it_is_the_store_and_backend_the_settings_name():
    assert import_module(settings.SESSION_ENGINE).SessionStore is SessionStore
    assert settings.AUTHENTICATION_BACKENDS[-1] == f"{ModelBackend.__module__}.{ModelBackend.__qualname__}"


def test_it_signs_in_keeps_and_ends_a_session(client):
    signed_in(client, "secretariat")
    assert client.session[BACKEND_SESSION_KEY] == settings.AUTHENTICATION_BACKENDS[-1]
    assert is_signed_in(client)
    client.post(reverse("logout"))
    assert not is_signed_in(client)


def test_it_lets_no_one_in_on_an_ended_session(client):
    signed_in(client, "secretariat")
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    assert not is_signed_in(client)
    store = SessionStore(key)
    assert store.load() == {} and store.session_key is None  # as Django's store forgets an ended session


def test_it_lets_no_one_in_on_an_unknown_or_malformed_key(client):
    for key in ("x" * 32, "short"):
        client.cookies[settings.SESSION_COOKIE_NAME] = key
        assert not is_signed_in(client)
    assert SessionStore("short").load() == {}  # too short to be a key: not even read


@pytest.mark.parametrize("change", ["deactivated", "deleted", "password changed"])
def test_it_lets_no_one_in_whom_django_would_not(client, user, change):
    signed_in(client, "viewer")
    viewer = user("viewer")
    if change == "deactivated":
        viewer.is_active = False
        viewer.save()
    elif change == "deleted":
        Membership.objects.filter(user=viewer).delete()
        viewer.delete()
    else:
        viewer.set_password("another-Long-pass-42")
        viewer.save()
    assert not is_signed_in(client)


def test_a_session_of_djangos_own_backend_must_sign_in_again(client):
    # Sessions from before this backend name Django's; that backend is no longer listed, so Django ignores them.
    signed_in(client, "secretariat")
    session = client.session
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session.save()
    assert not is_signed_in(client)


def test_the_backend_reads_what_djangos_reads(user):
    backend, viewer = ModelBackend(), user("viewer")
    assert backend.get_user(viewer.pk) == viewer and backend.get_user(str(viewer.pk)) == viewer
    assert backend.get_user(-1) is None and backend.get_user(str(-1)) is None
    viewer.is_active = False
    viewer.save()
    assert backend.get_user(viewer.pk) is None


def test_each_read_gives_what_its_queryset_gives(client, user):
    signed_in(client, "tianmu")
    key, someone = client.session.session_key, user("tianmu")
    now = timezone.now()
    cases = [
        (live_session, {"session_key": key, "now": now}),
        (live_session, {"session_key": key, "now": now + timedelta(days=1)}),  # ended by then: none
        (user_by_id, {"user_id": someone.pk}),
        (user_by_id, {"user_id": user("viewer").pk}),
        (user_memberships, {"user_id": someone.pk}),
        (user_memberships, {"user_id": user("secretariat").pk}),
    ]
    for read, params in cases:
        expected = list(read.build(**params))
        got = read(**params)
        assert [vars(x) | {"_state": None} for x in got] == [vars(x) | {"_state": None} for x in expected]
        for got_one, expected_one in zip(got, expected, strict=True):
            assert got_one._state.fields_cache.keys() == expected_one._state.fields_cache.keys()
            for name, related in expected_one._state.fields_cache.items():
                assert vars(got_one._state.fields_cache[name]) | {"_state": None} == vars(related) | {"_state": None}
    assert live_session(session_key=key, now=now)[0].session_data
    assert not live_session(session_key=key, now=now + timedelta(days=1))


def test_a_signed_in_page_compiles_none_of_the_three_again(client):
    signed_in(client, "secretariat")
    client.get("/")  # the first request on the connection compiles them
    with mock.patch.object(SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql) as as_sql:
        assert client.get("/").status_code == 200
        assert Session.objects.filter(pk="x").count() == 0  # a read compiled here is seen
    compiled = [call.args[0].query.model for call in as_sql.call_args_list]
    assert compiled[-1] is Session and not set(compiled[:-1]) & {Session, get_user_model(), Membership}
    assert connections["default"] in live_session._compiled
