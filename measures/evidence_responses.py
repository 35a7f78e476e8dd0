"""An evidence file as an HTTP response: the one place its safety headers are written, for reports' evidence
(download and preview) and follow-ups' files alike. The caller has already checked access."""

from django.http import FileResponse, Http404

DOWNLOAD_CSP = "default-src 'none'; sandbox"
# Shown in the report page's <iframe>/<img>: framed by this site's pages only, still sandboxed by its own CSP (an
# <iframe sandbox> attribute would make Chromium refuse to run its PDF viewer).
PREVIEW_CSP = "default-src 'none'; frame-ancestors 'self'; sandbox"


def evidence_file_response(evidence, *, inline: bool = False) -> FileResponse:
    """`evidence` (anything with open_file, download_name and content_type) as an attachment, or inline for a
    preview; never sniffed, never cached by a shared cache. A file missing from the storage: 404."""
    try:
        handle = evidence.open_file()
    except FileNotFoundError:
        raise Http404("找不到此佐證資料的檔案。") from None
    response = FileResponse(
        handle, as_attachment=not inline, filename=evidence.download_name, content_type=evidence.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = PREVIEW_CSP if inline else DOWNLOAD_CSP
    response["Cache-Control"] = "private, no-store"
    return response
