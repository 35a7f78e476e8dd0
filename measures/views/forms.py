"""附表1 / 附表2 downloads: the view picks an exporter and a renderer and returns the bytes."""

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from diagnosis.access import get_plan_for_user
from sq_portal.sheets import RENDERERS

from ..exporters import FORM_EXPORTERS


@login_required
@require_safe
def form_download(request: HttpRequest, year: int, form: int, extension: str) -> HttpResponse:
    access = get_plan_for_user(request.user, year, request.GET.get("org"))
    if form not in FORM_EXPORTERS or extension not in RENDERERS:
        raise Http404("沒有這種附表或檔案格式。")
    exporter = FORM_EXPORTERS[form](access.plan)
    renderer = RENDERERS[extension]()
    response = HttpResponse(renderer.render(exporter), content_type=renderer.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(exporter.filename(extension))}"
    return response
