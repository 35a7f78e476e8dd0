"""Template context every page gets: the portal's name, for the header."""

from django.http import HttpRequest

PORTAL_NAME = "服務品質管考平台"


def portal(request: HttpRequest) -> dict:
    return {"portal_name": PORTAL_NAME}
