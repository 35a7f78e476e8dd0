"""The two reads every signed-in request makes before its view runs, compiled once per connection.

Django's database session store reads the session (`Session.objects.get(...)`) and its ModelBackend reads the
user (`User.objects.get(pk=...)`) on every request, building and compiling each QuerySet anew: together about
a tenth of a page's time at N=30 (README, 效能). These are the same two reads as `baked_read`s; everything else
(decoding and verifying the session, the session-hash check of the password, is_active) stays Django's.

settings.SESSION_ENGINE names `sq_portal.signed_in_reads` and AUTHENTICATION_BACKENDS names `ModelBackend`
below in place of Django's, so a session signed in with Django's backend must sign in again once."""

from django.contrib.auth import backends, get_user_model
from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from .baked_reads import baked_read


@baked_read
def live_session(*, session_key, now):
    """The session of `session_key` that has not yet ended, as Django's database store reads it."""
    return Session.objects.filter(session_key=session_key, expire_date__gt=now).order_by()


@baked_read
def user_by_id(*, user_id):
    return get_user_model()._default_manager.filter(pk=user_id).order_by()


class SessionStore(db.SessionStore):
    """Django's database session store, reading the session through `live_session`."""

    def _get_session_from_db(self):
        key = self.session_key  # a valid key (the store checks its form), or None
        found = live_session(session_key=key, now=timezone.now()) if key is not None else []
        if not found:
            self._session_key = None  # as Django's store does when the session is gone or has ended
            return None
        return found[0]


class ModelBackend(backends.ModelBackend):
    """Django's ModelBackend, reading the signed-in user through `user_by_id`."""

    def get_user(self, user_id):
        if type(user_id) is not int:  # the session's id as the pk field gives it; anything else as Django would
            return super().get_user(user_id)
        found = user_by_id(user_id=user_id)
        return found[0] if found and self.user_can_authenticate(found[0]) else None
