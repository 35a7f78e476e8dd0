"""A signed-in session ends after 30 idle minutes: it is renewed while it is used, but written at most once
every SESSION_RENEW_SECONDS instead of on every request.

SESSION_SAVE_EVERY_REQUEST wrote the session on every click (three queries: savepoint, update, release, and
a row version for PostgreSQL to clean up), for every user, whatever the page. Here a request marks the session
for saving only when it was last saved a minute or more ago; Django then moves its end to SESSION_COOKIE_AGE
from now. A session therefore ends 29–30 minutes after its last request."""

import string
import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

RENEWED_AT = "_sq_renewed_at"  # when the session was last saved, in seconds since the epoch
# Django's session keys are 32 of these characters (django.contrib.sessions.backends.base.VALID_KEY_CHARS).
SESSION_KEY_CHARACTERS = frozenset(string.ascii_lowercase + string.digits)
SESSION_KEY_LENGTH = 32


def now() -> int:
    return int(time.time())


class SessionCookieCheckMiddleware:
    """Before SessionMiddleware: a session cookie that cannot be a key Django made (a NUL, other characters, another
    length) is dropped, so the request is simply not signed in. PostgreSQL refuses a NUL in a query's text, which
    made such a cookie a 500 when the session store looked it up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        if key is not None and (len(key) != SESSION_KEY_LENGTH or not SESSION_KEY_CHARACTERS.issuperset(key)):
            del request.COOKIES[settings.SESSION_COOKIE_NAME]
        return self.get_response(request)


class SessionRenewalMiddleware:
    """After AuthenticationMiddleware: its response phase runs before SessionMiddleware saves."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session, user = getattr(request, "session", None), getattr(request, "user", None)
        if session is not None and user is not None and user.is_authenticated:
            moment = now()
            if session.modified or moment - session.get(RENEWED_AT, 0) >= settings.SESSION_RENEW_SECONDS:
                session[RENEWED_AT] = moment  # saved by SessionMiddleware, with a new end
        return response


@receiver(user_logged_in)
def stamp_new_session(sender, request, user, **kwargs):
    """Signing in saves the session: it counts as its first renewal."""
    if request is not None and hasattr(request, "session"):
        request.session[RENEWED_AT] = now()
