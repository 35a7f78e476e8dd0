"""The server-error page: a database that cannot be reached is a Chinese 503, anything else the 500 page.

Django calls `handler500` while it handles the exception, so the exception is at hand. Both pages are
rendered without a request, so no context processor touches the database that just failed. Django opens
a new connection for the next request, so the portal recovers by itself once the database is back."""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


def server_error(request: HttpRequest) -> HttpResponse:
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        logger.error("資料庫無法連線：%s", error)
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponse(render_to_string("500.html"), status=500)
