"""推動小組名冊 (附表3) pages: everyone who reads the plan sees the 名冊 and may export it; 研考承辦 edit it."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from diagnosis.access import PlanAccess, get_plan_for_user
from sq_portal.lookups import one_or_none
from sq_portal.sheets import RENDERERS

from ..forms.team import TeamMemberForm
from ..models import TeamMember
from ..team_exporter import TeamExporter
from ..team_writes import TeamError, team_member_move, team_member_remove, team_member_save


def _member(access: PlanAccess, pk: int) -> TeamMember:
    """A member of the plan the user already has access to; 404 otherwise."""
    member = one_or_none(TeamMember.objects.filter(plan=access.plan, pk=pk).select_related("unit"))
    if member is None:
        raise Http404("找不到此推動小組成員。")
    member.plan = access.plan
    return member


def _list_url(access: PlanAccess, request: HttpRequest) -> str:
    url = reverse("assessments:team", kwargs={"year": access.plan.year})
    org = request.GET.get("org")
    return f"{url}?org={quote(org)}" if org else url


@login_required
@require_safe
def team_list(request: HttpRequest, year: int) -> HttpResponse:
    access = get_plan_for_user(request.user, year, request.GET.get("org"))
    members = list(TeamMember.objects.filter(plan=access.plan).for_list())
    return render(request, "assessments/team_list.html", {"plan": access.plan, "access": access, "members": members})


@login_required
def team_member_new(request: HttpRequest, year: int) -> HttpResponse:
    access = get_plan_for_user(request.user, year, request.GET.get("org"))
    access.require_edit()
    return _member_form(request, access, TeamMember(plan=access.plan))


@login_required
def team_member_edit(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    access = get_plan_for_user(request.user, year, request.GET.get("org"))
    access.require_edit()
    return _member_form(request, access, _member(access, pk))


def _member_form(request: HttpRequest, access: PlanAccess, member: TeamMember) -> HttpResponse:
    adding = member.pk is None
    form = TeamMemberForm(request.POST if request.method == "POST" else None, instance=member, plan=access.plan)
    if request.method == "POST" and form.is_valid():
        try:
            member = team_member_save(member=form.save(commit=False), user=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"已{'新增' if adding else '儲存'}推動小組成員「{member.name}」。")
            return redirect(_list_url(access, request))
    return render(
        request,
        "assessments/team_form.html",
        {"plan": access.plan, "access": access, "form": form, "member": None if adding else member},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def team_member_remove_page(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    access = get_plan_for_user(request.user, year, request.GET.get("org"))
    access.require_edit()
    member = _member(access, pk)
    team_member_remove(member=member, user=request.user)
    messages.success(request, f"已自推動小組名冊移除「{member.name}」。")
    return redirect(_list_url(access, request))


@login_required
@require_POST
def team_member_move_page(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    access = get_plan_for_user(request.user, year, request.GET.get("org"))
    access.require_edit()
    member = _member(access, pk)
    try:
        moved = team_member_move(member=member, user=request.user, direction=request.POST.get("direction", ""))
    except TeamError as error:
        messages.error(request, str(error))
    else:
        if not moved:
            messages.info(request, "已在該小組職稱的最前或最後，無法再移動。")
    return redirect(_list_url(access, request))


@login_required
@require_safe
def team_export(request: HttpRequest, year: int, extension: str) -> HttpResponse:
    access = get_plan_for_user(request.user, year, request.GET.get("org"))
    if extension not in RENDERERS:
        raise Http404("沒有這種檔案格式。")
    exporter = TeamExporter(access.plan)
    renderer = RENDERERS[extension]()
    response = HttpResponse(renderer.render(exporter), content_type=renderer.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(exporter.filename(extension))}"
    return response
