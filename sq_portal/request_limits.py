"""A request whose body is larger than settings.REQUEST_MAX_BYTES is answered 413 before anything reads it."""

from django.conf import settings
from django.template.response import TemplateResponse


class RequestBodyLimitMiddleware:
    """Early in the chain, before the session, CSRF or any view reads the body: the declared Content-Length
    decides. (A body sent without a length, chunked, is bounded by the reverse proxy: README, 正式環境.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.REQUEST_MAX_BYTES:
            response = TemplateResponse(
                request, "413.html", {"limit_mb": settings.REQUEST_MAX_BYTES // (1024 * 1024)}, status=413
            )
            response["Connection"] = "close"
            return response.render()
        return self.get_response(request)
