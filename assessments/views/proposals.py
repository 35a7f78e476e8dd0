"""創意提案 pages: the list with its filters and 採行率, filing and editing a proposal, staff's decisions.

Who may do what:
- everyone who reads the plan reads every proposal and the rates;
- 研考承辦 file for any unit of the plan's organisation; a 單位主管 files for their own units; a 檢視者 reads
  only (403 on a change, as everywhere);
- the filer (a head, for a unit still theirs) and staff edit, or delete (one filed by mistake), a proposal while
  it is 已提案; once staff started deciding it, it is a record and stays;
- only staff move a proposal through 審查中 → 採行／不採行 → 已實施.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from diagnosis.access import PlanAccess, get_plan_for_user
from diagnosis.models import Unit
from sq_portal.lookups import one_or_none
from sq_portal.roc_dates import format_roc

from ..adoption import adoption_table
from ..forms.proposals import (
    ProposalDecisionForm,
    ProposalFilterForm,
    ProposalForm,
    organization_units,
)
from ..models import Proposal
from ..proposal_writes import (
    ProposalError,
    StaleProposal,
    proposal_delete,
    proposal_file,
    proposal_kept_reason,
    proposal_transition,
    proposal_update,
)
from .confirm import confirm_delete_page

PAGE_SIZE = 50


def _access(request: HttpRequest, year: int) -> PlanAccess:
    return get_plan_for_user(request.user, year, request.GET.get("org"))


def _filing_units(access: PlanAccess):
    """The units this user may file for: staff any unit of the organisation, a head their own; else None."""
    if access.can_edit:
        return organization_units(access.plan)
    if access.head_units:
        return Unit.objects.filter(pk__in=[u.pk for u in access.head_units]).in_tree_order()
    return None


def _proposal(access: PlanAccess, pk: int) -> Proposal:
    """A proposal of the plan the user already reads; 404 otherwise."""
    proposal = one_or_none(Proposal.objects.filter(plan=access.plan, pk=pk).select_related("unit", "filed_by"))
    if proposal is None:
        raise Http404("找不到此提案。")
    proposal.plan = access.plan
    return proposal


def _may_edit(access: PlanAccess, proposal: Proposal, user) -> bool:
    """Staff, or the filer while the unit is still theirs (the state is checked separately)."""
    if access.can_edit:
        return True
    return proposal.filed_by_id == user.pk and any(u.pk == proposal.unit_id for u in access.head_units)


@login_required
@require_safe
def proposal_list(request: HttpRequest, year: int) -> HttpResponse:
    access = _access(request, year)
    plan = access.plan
    filters = ProposalFilterForm(request.GET, units=organization_units(plan))
    proposals = filters.apply(Proposal.objects.filter(plan=plan).for_list())
    page = Paginator(proposals, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "assessments/proposal_list.html",
        {
            "plan": plan,
            "access": access,
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
            "adoption": adoption_table(plan),
            "can_file": access.can_edit or access.is_unit_head,
        },
    )


@login_required
def proposal_new(request: HttpRequest, year: int) -> HttpResponse:
    access = _access(request, year)
    units = _filing_units(access)
    if units is None:
        raise PermissionDenied("您沒有提案的權限。")
    form = ProposalForm(request.POST if request.method == "POST" else None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = proposal_file(plan=access.plan, user=request.user, **form.cleaned_data)
        except ProposalError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"已送出提案「{proposal.title}」。")
            return redirect("assessments:proposal", year=access.plan.year, pk=proposal.pk)
    return render(request, "assessments/proposal_form.html", {"plan": access.plan, "access": access, "form": form, "proposal": None})


@login_required
def proposal_edit(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    access = _access(request, year)
    proposal = _proposal(access, pk)
    if not _may_edit(access, proposal, request.user):
        raise PermissionDenied("只有提案人或研考承辦可以修改提案。")
    if not proposal.is_open_for_edit:
        messages.error(request, f"此提案已{proposal.get_state_display()}，不能再修改內容。")
        return redirect("assessments:proposal", year=access.plan.year, pk=proposal.pk)
    units = _filing_units(access)
    if request.method == "POST":
        form = ProposalForm(request.POST, units=units)
        if form.is_valid():
            try:
                proposal_update(proposal=proposal, user=request.user, **form.cleaned_data)
            except ProposalError as error:
                messages.error(request, str(error))
                return redirect("assessments:proposal", year=access.plan.year, pk=proposal.pk)
            messages.success(request, "已儲存提案。")
            return redirect("assessments:proposal", year=access.plan.year, pk=proposal.pk)
    else:
        form = ProposalForm(
            initial={"unit": proposal.unit_id, "title": proposal.title, "problem": proposal.problem, "suggestion": proposal.suggestion},
            units=units,
        )
    return render(
        request, "assessments/proposal_form.html", {"plan": access.plan, "access": access, "form": form, "proposal": proposal}
    )


def _render_detail(request, access, proposal, form=None, status=200) -> HttpResponse:
    if form is None and access.can_edit and proposal.next_states:
        form = ProposalDecisionForm(proposal=proposal)
    decisions = proposal.decisions.select_related("decided_by")
    return render(
        request,
        "assessments/proposal_detail.html",
        {
            "plan": access.plan,
            "access": access,
            "proposal": proposal,
            "decisions": decisions,
            "form": form,
            "may_edit": proposal.is_open_for_edit and _may_edit(access, proposal, request.user),
        },
        status=status,
    )


@login_required
@require_safe
def proposal_detail(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    access = _access(request, year)
    return _render_detail(request, access, _proposal(access, pk))


@login_required
@require_POST
def proposal_decide(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    access = _access(request, year)
    proposal = _proposal(access, pk)
    access.require_edit()
    form = ProposalDecisionForm(request.POST, proposal=proposal)
    if not form.is_valid():
        return _render_detail(request, access, proposal, form, status=400)
    try:
        decision = proposal_transition(proposal=proposal, user=request.user, **form.cleaned_data)
    except StaleProposal as error:
        # Show the proposal as it is now, with a fresh form; what this user chose is not written.
        messages.error(request, str(error))
        return _render_detail(request, access, _proposal(access, pk), status=409)
    except ProposalError as error:
        form.add_error(None, str(error))
        return _render_detail(request, access, proposal, form, status=400)
    messages.success(request, f"提案「{proposal.title}」已改為「{decision.get_to_state_display()}」。")
    return redirect("assessments:proposal", year=access.plan.year, pk=proposal.pk)


@login_required
def proposal_delete_page(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    """GET asks to confirm, POST deletes; the filer or staff, only while the proposal is 已提案."""
    access = _access(request, year)
    proposal = _proposal(access, pk)
    if not _may_edit(access, proposal, request.user):
        raise PermissionDenied("只有提案人或研考承辦可以刪除提案。")
    if reason := proposal_kept_reason(proposal):
        messages.error(request, reason)
        return redirect("assessments:proposal", year=access.plan.year, pk=proposal.pk)
    if request.method == "POST":
        try:
            proposal_delete(proposal=proposal, user=request.user)
        except ProposalError as error:  # staff started deciding it meanwhile
            messages.error(request, str(error))
            return redirect("assessments:proposal", year=access.plan.year, pk=proposal.pk)
        messages.success(request, f"已刪除提案「{proposal.title}」。")
        return redirect("assessments:proposals", year=access.plan.year)
    return confirm_delete_page(
        request,
        access,
        heading=f"刪除提案「{proposal.title}」",
        here="創意提案",
        rows=[
            ("提案單位", proposal.unit.name),
            ("提案日期", format_roc(proposal.filed_at, "long")),
            ("現況問題", proposal.problem),
            ("改善建議", proposal.suggestion),
        ],
        button="確定刪除提案",
        cancel_url=reverse("assessments:proposal", kwargs={"year": access.plan.year, "pk": proposal.pk}),
    )
