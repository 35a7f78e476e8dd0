"""A reviewer's 評分表 (one precinct, one dimension): 暫存 saves a draft; 送出 shows a confirmation page first,
whose 確認送出 sends the sheet (the scores travel along as hidden fields and are checked again)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from measures.evidence_responses import evidence_file_response

from ..forms.scoring import SheetForm
from ..models import ScoringRound
from ..scoring_access import get_precinct, get_round_for_user, get_sheet_dimension
from ..scoring_sheet import SheetErrors, sheet_rows, sheet_save, sheet_submitted
from ..scoring_writes import ScoringError
from ..submissions import accepted_submission, frozen_files, get_frozen_file


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def sheet_page(request: HttpRequest, pk: int, precinct_pk: int, position: int) -> HttpResponse:
    access = get_round_for_user(request.user, pk)
    precinct = get_precinct(access, precinct_pk)
    dimension = get_sheet_dimension(access, precinct, position)
    scoring_round = access.round
    rows = sheet_rows(scoring_round, precinct.plan, dimension, request.user)
    form = SheetForm(request.POST or None, rows=rows)
    action = request.POST.get("action", "")
    confirming = False
    if request.method == "POST" and form.is_valid():
        if action == "submit":
            missing = [row.focus_point.pk for row in rows if form.cleaned_data[f"points_{row.focus_point.pk}"] is None]
            for fp_pk in missing:
                form.add_error(f"points_{fp_pk}", "送出前請為每個評核重點評分。")
            confirming = not missing
        else:
            try:
                sheet_save(
                    scoring_round=scoring_round,
                    plan=precinct.plan,
                    reviewer=request.user,
                    rows=form.inputs(),
                    submit=action == "confirm",
                )
            except SheetErrors as error:
                for fp_pk, message in error.errors.items():
                    form.add_error(f"points_{fp_pk}", message)
            except ScoringError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "已送出評分表。" if action == "confirm" else "已暫存評分表。")
                return redirect("assessments:scoring_sheet", pk=pk, precinct_pk=precinct_pk, position=position)
    editable = scoring_round.state == ScoringRound.State.SCORING and not sheet_submitted(rows)
    submission = accepted_submission(precinct.plan)
    return render(
        request,
        "assessments/scoring_confirm.html" if confirming else "assessments/scoring_sheet.html",
        {
            "round": scoring_round,
            "precinct": precinct,
            "dimension": dimension,
            "form": form,
            "editable": editable,
            "submitted": sheet_submitted(rows),
            "submission": submission,
            "submission_files": frozen_files(submission) if submission else [],
        },
    )


@login_required
@require_safe
def sheet_submission_file(request: HttpRequest, pk: int, precinct_pk: int, kind: str) -> HttpResponse:
    """A file of the precinct's accepted submission, for whoever reads the round's precinct (its reviewers)."""
    precinct = get_precinct(get_round_for_user(request.user, pk), precinct_pk)
    submission = accepted_submission(precinct.plan)
    if submission is None:
        raise Http404("此分局尚無核定的書面資料送審。")
    return evidence_file_response(get_frozen_file(submission, kind))
