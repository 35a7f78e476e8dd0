"""Pages of the evaluation framework."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from measures.models import Membership

from .access import plans_for_user


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The plans the user may see, each with its 構面, 配分 and counts of items, focus points and measures."""
    plans = (
        plans_for_user(request.user)
        .with_framework()
        .annotate(measure_count=Count("measures", filter=Q(measures__retired_at__isnull=True)))
        .order_by("-year", "organization__position")
    )
    memberships = Membership.objects.filter(user=request.user).select_related("unit")
    return render(request, "diagnosis/home.html", {"plans": plans, "memberships": memberships})
