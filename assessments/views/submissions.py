"""書面資料送審 pages: a plan's submissions and its 送審 (the precinct's 研考承辦), every precinct's latest for the
bureau, one submission with its files and what changed, the bureau's decision."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from diagnosis.access import get_plan_for_user
from measures.evidence_responses import evidence_file_response
from measures.models import Measure

from ..forms.submissions import DecisionForm, SubmitForm
from ..submission_writes import SubmissionError, submission_create, submission_decide
from ..submissions import (
    bureau_rows,
    decision_refusal,
    form_counts,
    frozen_files,
    get_frozen_file,
    get_submission_for_user,
    latest_finished_build,
    latest_submission,
    plan_submissions,
    previous_submission,
    require_decider,
    require_reader,
    require_submitter,
    submission_changes,
    submission_refusal,
)


@login_required
@require_safe
def submission_list(request: HttpRequest, year: int) -> HttpResponse:
    access = get_plan_for_user(request.user, year, request.GET.get("org"))
    require_reader(access)
    submissions = plan_submissions(access.plan)
    return render(
        request,
        "assessments/submission_list.html",
        {"plan": access.plan, "access": access, "submissions": submissions},
    )


@login_required
def submission_new(request: HttpRequest, year: int) -> HttpResponse:
    """GET: what will be sent (the latest finished binder build, the 附表's measures, the deadline) and why it may
    not be; POST: send it."""
    access = get_plan_for_user(request.user, year, request.GET.get("org"))
    require_submitter(access)
    plan = access.plan
    build = latest_finished_build(plan)
    latest = latest_submission(plan)
    error = None
    if request.method == "POST":
        form = SubmitForm(request.POST)
        if form.is_valid():
            chosen = plan.binder_builds.filter(pk=form.cleaned_data["build"]).first()
            if chosen is None:
                raise Http404("找不到此佐證資料冊。")
            try:
                submission = submission_create(plan=plan, build=chosen, user=request.user)
            except SubmissionError as refused:
                error = str(refused)
            else:
                messages.success(request, f"已完成第 {submission.number} 次送審，等待警察局審查。")
                return redirect("assessments:submission", year=year, pk=submission.pk)
        else:
            error = "；".join(form.errors["build"])
    counts = form_counts(plan)
    return render(
        request,
        "assessments/submission_new.html",
        {
            "plan": plan,
            "access": access,
            "build": build,
            "latest": latest,
            "error": error,
            "refusal": submission_refusal(plan, build, latest),
            "form2_count": counts[Measure.Source.FORM2],
            "form1_count": counts[Measure.Source.FORM1],
        },
        status=400 if error else 200,
    )


@login_required
@require_safe
def bureau_submission_list(request: HttpRequest, year: int) -> HttpResponse:
    """Every plan of `year` the user reads whole (the bureau: each precinct's) with its latest submission."""
    return render(
        request, "assessments/bureau_submissions.html", {"year": year, "rows": bureau_rows(request.user, year)}
    )


@login_required
@require_safe
def submission_detail(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    access, submission = get_submission_for_user(request.user, year, pk)
    previous = previous_submission(submission)
    return render(
        request,
        "assessments/submission_detail.html",
        {
            "plan": access.plan,
            "access": access,
            "submission": submission,
            "files": frozen_files(submission),
            "changes": submission_changes(submission, previous),
        },
    )


@login_required
def submission_decide_page(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    """GET: the decision form; POST: its confirmation, then (confirmed) the decision."""
    access, submission = get_submission_for_user(request.user, year, pk)
    require_decider(access)
    back = reverse("assessments:submission", kwargs={"year": year, "pk": pk})
    refusal = decision_refusal(submission)
    if refusal:
        messages.error(request, refusal)
        return redirect(back)
    form = DecisionForm(request.POST if request.method == "POST" else None)
    confirming = False
    if request.method == "POST" and form.is_valid():
        if "confirmed" not in request.POST:
            confirming = True
        else:
            try:
                submission_decide(
                    submission=submission, user=request.user, accept=form.accept, comment=form.cleaned_data["comment"]
                )
            except ValidationError as error:
                form.add_error(None, error)
            except SubmissionError as error:
                messages.error(request, str(error))
                return redirect(back)
            else:
                messages.success(request, f"已{'核定' if form.accept else '退回補正'}第 {submission.number} 次送審。")
                return redirect(back)
    return render(
        request,
        "assessments/submission_decide.html",
        {"plan": access.plan, "access": access, "submission": submission, "form": form, "confirming": confirming},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_safe
def submission_file(request: HttpRequest, year: int, pk: int, kind: str) -> HttpResponse:
    submission = get_submission_for_user(request.user, year, pk)[1]
    return evidence_file_response(get_frozen_file(submission, kind))
