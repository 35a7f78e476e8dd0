"""A session cookie that cannot be a session key is dropped before Django's session middleware reads it."""

import string

from django.conf import settings

# Django's session keys are 32 of these characters (django.contrib.sessions.backends.base.VALID_KEY_CHARS).
SESSION_KEY_CHARACTERS = frozenset(string.ascii_lowercase + string.digits)
SESSION_KEY_LENGTH = 32


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
