"""佐證資料冊 pages: 研考承辦 choose, order and add the files per focus point and have the binder built in the
background; viewers read the choice and download the builds; unit heads and outsiders get 404."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from diagnosis.access import PlanAccess, get_plan_for_user
from measures.evidence_responses import evidence_file_response
from measures.models.evidence import evidence_storage
from measures.progress import default_as_of

from ..binder_selection import binder_sections, section_for
from ..binder_writes import BinderError, binder_build_request, binder_choice_save, binder_entry_remove, binder_upload
from ..forms.binders import BinderUploadForm
from ..models import BinderBuild, BinderEntry

BUILDS_SHOWN = 10


def get_binder_access(request: HttpRequest, year: int) -> PlanAccess:
    """The plan, for those who read all of it (研考承辦 and viewers); 404 for unit heads and outsiders."""
    access = get_plan_for_user(request.user, year, request.GET.get("org"))
    if not access.reads_all:
        raise Http404("找不到此年度計畫的佐證資料冊。")
    return access


def binder_url(access: PlanAccess, anchor: str = "") -> str:
    url = reverse("assessments:binder", kwargs={"year": access.plan.year}) + f"?org={access.plan.organization.code}"
    return url + (f"#{anchor}" if anchor else "")


def render_binder(
    request: HttpRequest, access: PlanAccess, *, upload_form=None, upload_section: str = "", status: int = 200
):
    plan = access.plan
    as_of = default_as_of(plan)
    builds = list(BinderBuild.objects.filter(plan=plan).select_related("requested_by")[:BUILDS_SHOWN])
    running = next((b for b in builds if b.in_progress), None)
    return render(
        request,
        "assessments/binder.html",
        {
            "plan": plan,
            "access": access,
            "as_of": as_of,
            "sections": binder_sections(plan, as_of),
            "builds": builds,
            "running": running,
            "waits_long": running is not None and running.waits_long(timezone.now()),
            "can_change": access.can_change_year,
            "upload_form": upload_form or BinderUploadForm(),
            "upload_section": upload_section,
        },
        status=status,
    )


@login_required
@require_safe
def binder_page(request: HttpRequest, year: int) -> HttpResponse:
    return render_binder(request, get_binder_access(request, year))


def section_or_404(access: PlanAccess, key: str):
    found = section_for(access.plan, key)
    if found is None:
        raise Http404("找不到此評核重點。")
    return found


@login_required
@require_POST
def binder_choose(request: HttpRequest, year: int, section: str) -> HttpResponse:
    """Save which unit files of one section are in the binder, and the order of all its files."""
    access = get_binder_access(request, year)
    access.require_edit()
    item, focus_point = section_or_404(access, section)
    try:
        included = [int(value) for value in request.POST.getlist("include")]
        positions = {
            name.removeprefix("position-"): int(value)
            for name, value in request.POST.items()
            if name.startswith("position-") and value.strip()
        }
    except ValueError:
        messages.error(request, "順序請填整數；未儲存任何變更。")
        return redirect(binder_url(access, section))
    try:
        kept = binder_choice_save(
            plan=access.plan,
            item=item,
            focus_point=focus_point,
            user=request.user,
            included=included,
            positions=positions,
        )
    except BinderError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"已儲存「{focus_point or item}」的資料冊檔案（{len(kept)} 個）。")
    return redirect(binder_url(access, section))


@login_required
@require_POST
def binder_upload_page(request: HttpRequest, year: int, section: str) -> HttpResponse:
    access = get_binder_access(request, year)
    access.require_edit()
    item, focus_point = section_or_404(access, section)
    form = BinderUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render_binder(request, access, upload_form=form, upload_section=section, status=400)
    upload, info = form.cleaned_data["file"]
    try:
        binder_upload(plan=access.plan, item=item, focus_point=focus_point, user=request.user, upload=upload, info=info)
    except BinderError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"已上傳「{info.original_name}」並編入資料冊。")
    return redirect(binder_url(access, section))


def own_entry_or_404(access: PlanAccess, pk: int) -> BinderEntry:
    entry = (
        BinderEntry.objects.filter(plan=access.plan, pk=pk, evidence__isnull=True)
        .select_related("plan", "item", "focus_point")
        .first()
    )
    if entry is None:
        raise Http404("找不到此檔案。")
    return entry


@login_required
@require_POST
def binder_entry_remove_page(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    access = get_binder_access(request, year)
    access.require_edit()
    entry = own_entry_or_404(access, pk)
    anchor = f"p{entry.focus_point_id}" if entry.focus_point_id else f"i{entry.item_id}"
    try:
        binder_entry_remove(entry=entry)
    except BinderError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"已自資料冊移除「{entry.original_name}」。")
    return redirect(binder_url(access, anchor))


@login_required
@require_safe
def binder_entry_file(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    return evidence_file_response(own_entry_or_404(get_binder_access(request, year), pk))


@login_required
@require_POST
def binder_build_start(request: HttpRequest, year: int) -> HttpResponse:
    """製作資料冊: queue a build, or show the one already queued or running."""
    access = get_binder_access(request, year)
    access.require_edit()
    build, created = binder_build_request(plan=access.plan, user=request.user, as_of=default_as_of(access.plan))
    if created:
        messages.success(request, "已排入背景作業製作資料冊；完成後可在本頁下載。")
    else:
        messages.info(
            request,
            f"資料冊{build.get_state_display()}（已完成 {build.steps_done}／{build.steps_total} 步），請稍候；不會重複製作。",
        )
    return redirect(binder_url(access, "builds"))


@dataclass(frozen=True)
class BuildFile:
    """A build's PDF or zip, in the shape `evidence_file_response` serves."""

    name: str
    download_name: str
    content_type: str

    def open_file(self):
        return evidence_storage().open(self.name, "rb")


@login_required
@require_safe
def binder_build_file(request: HttpRequest, year: int, pk: int, kind: str) -> HttpResponse:
    access = get_binder_access(request, year)
    build = BinderBuild.objects.filter(plan=access.plan, pk=pk, state=BinderBuild.State.DONE).first()
    if build is None or kind not in ("pdf", "zip"):
        raise Http404("找不到此資料冊。")
    stored = build.pdf if kind == "pdf" else build.archive
    content_type = "application/pdf" if kind == "pdf" else "application/zip"
    name = f"{access.plan.year}年度佐證資料冊-{build.pk}.{kind}"
    return evidence_file_response(BuildFile(stored.name, name, content_type))
