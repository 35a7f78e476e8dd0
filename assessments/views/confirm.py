"""The deletion confirmation page every removable record shares (`assessments/confirm_delete.html`)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from diagnosis.access import PlanAccess


def confirm_delete_page(
    request: HttpRequest,
    access: PlanAccess,
    *,
    heading: str,
    here: str,
    rows: list[tuple[str, str]],
    button: str,
    cancel_url: str,
    kept: str | None = None,
    status: int = 200,
) -> HttpResponse:
    """Asks to confirm deleting what `rows` describe (label, value); with `kept`, says why it may not be
    deleted and offers only the way back. The page's form posts back to its own address."""
    return render(
        request,
        "assessments/confirm_delete.html",
        {
            "plan": access.plan, "access": access, "heading": heading, "here": here, "rows": rows,
            "kept": kept, "button": button, "cancel_url": cancel_url,
        },
        status=status,
    )
