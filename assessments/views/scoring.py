"""評分回合 pages for the bureau: the list, a new round, the round's page (precincts × dimensions), its precincts
and reviewers, settling a flagged point, and starting, closing and publishing (each with a confirmation page).
Access: `assessments.scoring_access`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from diagnosis.models import FocusPoint
from sq_portal.lookups import one_or_none

from ..forms.scoring import AssignmentForm, PrecinctsForm, RoundForm, SettleForm
from ..models import ReviewerAssignment, Settlement
from ..scoring_access import (
    assignable_reviewers,
    bureaus_of,
    get_precinct,
    get_round_for_user,
    published_precincts_for_user,
    require_reads_all,
    rounds_for_user,
)
from ..scoring_reads import (
    flagged_points,
    flagged_results,
    reviewer_assignments,
    round_dimension_names,
    round_precincts,
    round_progress,
)
from ..scoring_writes import (
    ScoringError,
    assignment_add,
    assignment_remove,
    precinct_plans,
    round_close,
    round_create,
    round_precincts_set,
    round_publish,
    round_start,
    settle,
)

ROUNDS_SHOWN = 50


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def round_list(request: HttpRequest) -> HttpResponse:
    bureaus = bureaus_of(request.user)
    form = RoundForm(request.POST or None, bureaus=bureaus) if bureaus else None
    if request.method == "POST":
        if form is None:
            raise Http404("找不到此頁。")
        if form.is_valid():
            scoring_round = round_create(user=request.user, **form.cleaned_data)
            messages.success(request, f"已建立評分回合「{scoring_round.title}」，請選定受評分局並指派評審委員。")
            return redirect("assessments:scoring_round", pk=scoring_round.pk)
    return render(
        request,
        "assessments/scoring_list.html",
        {
            "rounds": list(rounds_for_user(request.user)[:ROUNDS_SHOWN]),
            "own_results": list(published_precincts_for_user(request.user)[:ROUNDS_SHOWN]),
            "form": form,
        },
    )


@login_required
@require_safe
def round_page(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_round_for_user(request.user, pk)
    progress = round_progress(
        access.round, mine=access.dimensions, reads_all=access.reads_all, page=request.GET.get("page")
    )
    shown = {row.precinct.plan_id for row in progress.rows}  # the flagged points of the page's precincts
    flagged = (
        flagged_points(access.round, {key: r for key, r in progress.flagged.items() if key[0] in shown})
        if access.reads_all
        else []
    )
    return render(
        request,
        "assessments/scoring_round.html",
        {
            "access": access,
            "round": access.round,
            "progress": progress,
            "flagged": flagged,
            "page": progress.page,
            "page_links": list(
                progress.page.paginator.get_elided_page_range(progress.page.number, on_each_side=2, on_ends=1)
            ),
            "ellipsis": Paginator.ELLIPSIS,
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def precincts_page(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_round_for_user(request.user, pk)
    require_reads_all(access)
    access.require_manage()
    chosen = {p.plan_id: p.group for p in round_precincts(access.round)}
    form = PrecinctsForm(
        request.POST or None, plans=precinct_plans(access.round.organization, access.round.year), chosen=chosen
    )
    if request.method == "POST" and form.is_valid():
        try:
            round_precincts_set(scoring_round=access.round, groups=form.groups(), user=request.user)
        except ScoringError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "已更新受評分局。")
            return redirect("assessments:scoring_round", pk=pk)
    return render(request, "assessments/scoring_precincts.html", {"round": access.round, "form": form})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def round_assignments(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_round_for_user(request.user, pk)
    require_reads_all(access)
    access.require_manage()
    form = AssignmentForm(
        request.POST or None,
        dimensions=round_dimension_names(access.round),  # every dimension of the precincts' plans
        reviewers=assignable_reviewers(access.round),
        bureau_name=access.round.organization.name,
    )
    if request.method == "POST" and form.is_valid():
        try:
            assignment_add(
                scoring_round=access.round,
                reviewer=form.cleaned_data["reviewer"],
                dimension=form.cleaned_data["dimension"],
                user=request.user,
            )
        except ScoringError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "已指派評審委員。")
            return redirect("assessments:scoring_assignments", pk=pk)
    return render(
        request,
        "assessments/scoring_assignments.html",
        {"round": access.round, "form": form, "assignments": reviewer_assignments(access.round)},
    )


@login_required
@require_POST
def assignment_remove_view(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    access = get_round_for_user(request.user, pk)
    require_reads_all(access)
    access.require_manage()
    assignment = one_or_none(
        ReviewerAssignment.objects.filter(round=access.round, pk=assignment_pk).select_related("round")
    )
    if assignment is None:
        raise Http404("找不到此分工。")
    try:
        assignment_remove(assignment=assignment, user=request.user)
    except ScoringError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "已取消分工。")
    return redirect("assessments:scoring_assignments", pk=pk)


STATE_ACTIONS = {
    "start": ("開始評分", round_start, "開始後評審委員即可評分；受評分局與分工仍可調整。"),
    "close": ("結案", round_close, "結案後所有分數凍結，不能再修改；委員分數差距超過門檻的評核重點須先裁定。"),
    "publish": (
        "公布成績",
        round_publish,
        "公布後各分局研考承辦可看到本分局各評核重點的分數與評語（看不到其他分局）。",
    ),
}


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def round_state(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    access = get_round_for_user(request.user, pk)
    require_reads_all(access)
    access.require_manage()
    if action not in STATE_ACTIONS:
        raise Http404("找不到此頁。")
    label, write, explanation = STATE_ACTIONS[action]
    if request.method == "POST":
        try:
            write(scoring_round=access.round, user=request.user)
        except ScoringError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"評分回合已{label}。")
        return redirect("assessments:scoring_round", pk=pk)
    return render(
        request, "assessments/scoring_state.html", {"round": access.round, "label": label, "explanation": explanation}
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def settle_page(request: HttpRequest, pk: int, precinct_pk: int, focus_point_pk: int) -> HttpResponse:
    access = get_round_for_user(request.user, pk)
    require_reads_all(access)
    access.require_manage()
    precinct = get_precinct(access, precinct_pk)
    focus_point = one_or_none(
        FocusPoint.objects.filter(pk=focus_point_pk, item__dimension__plan_id=precinct.plan_id).select_related(
            "item__dimension"
        )
    )
    result = flagged_results(access.round).get((precinct.plan_id, focus_point_pk))
    if focus_point is None or result is None:
        raise Http404("此評核重點不需裁定。")
    current = one_or_none(
        Settlement.objects.filter(round=access.round, plan_id=precinct.plan_id, focus_point=focus_point).select_related(
            "settled_by"
        )
    )
    initial = {"points": current.points, "reason": current.reason} if current else {"points": result.average}
    form = SettleForm(request.POST or None, initial=initial, allotted=focus_point.points or 0)
    if request.method == "POST" and form.is_valid():
        try:
            settle(
                scoring_round=access.round,
                plan=precinct.plan,
                focus_point=focus_point,
                user=request.user,
                **form.cleaned_data,
            )
        except ScoringError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"已裁定「{focus_point.name}」。")
            return redirect("assessments:scoring_round", pk=pk)
    return render(
        request,
        "assessments/scoring_settle.html",
        {
            "round": access.round,
            "precinct": precinct,
            "focus_point": focus_point,
            "result": result,
            "current": current,
            "form": form,
        },
    )
