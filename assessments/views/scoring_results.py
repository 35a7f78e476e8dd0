"""評分回合的成績: the matrix (bureau staff and viewers; xlsx and ods too), and one precinct's result per focus
point, which its own 研考承辦 read once the round is published and from which they turn a comment into a measure
draft for next year's plan."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from sq_portal.sheets import RENDERERS

from ..forms.scoring import CommentDraftForm
from ..scoring_access import get_published_precinct_for_user, get_round_for_user, is_precinct_staff, require_reads_all
from ..scoring_exporter import ScoringResultsExporter
from ..scoring_matrix import results_matrix
from ..scoring_published import comment_to_draft, get_comment, next_year_plan, precinct_points, precinct_standing
from ..scoring_reads import PRECINCTS_PER_PAGE
from ..scoring_writes import ScoringError


@login_required
@require_safe
def results_page(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_round_for_user(request.user, pk)
    require_reads_all(access)
    matrix = results_matrix(access.round)
    page = Paginator(matrix.rows, PRECINCTS_PER_PAGE).get_page(request.GET.get("page"))  # the download holds all
    return render(
        request,
        "assessments/scoring_results.html",
        {
            "round": access.round,
            "matrix": matrix,
            "page": page,
            "page_links": list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)),
            "ellipsis": Paginator.ELLIPSIS,
        },
    )


@login_required
@require_safe
def results_export(request: HttpRequest, pk: int, extension: str) -> HttpResponse:
    access = get_round_for_user(request.user, pk)
    require_reads_all(access)
    if extension not in RENDERERS:
        raise Http404("沒有這種檔案格式。")
    exporter = ScoringResultsExporter(results_matrix(access.round))
    renderer = RENDERERS[extension]()
    response = HttpResponse(renderer.render(exporter), content_type=renderer.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(exporter.filename(extension))}"
    return response


@login_required
@require_safe
def precinct_result(request: HttpRequest, pk: int, precinct_pk: int) -> HttpResponse:
    precinct = get_published_precinct_for_user(request.user, pk, precinct_pk)
    return render(
        request,
        "assessments/scoring_precinct.html",
        {
            "round": precinct.round,
            "precinct": precinct,
            "points": precinct_points(precinct),
            "standing": precinct_standing(precinct),
            "can_draft": precinct.round.is_published and is_precinct_staff(request.user, precinct),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def comment_draft(request: HttpRequest, pk: int, precinct_pk: int, score_pk: int) -> HttpResponse:
    precinct = get_published_precinct_for_user(request.user, pk, precinct_pk)
    score = get_comment(precinct, score_pk)
    if score is None:
        raise Http404("找不到此評語。")
    if not (precinct.round.is_published and is_precinct_staff(request.user, precinct)):
        raise PermissionDenied("只有該分局研考承辦可以把評語轉為措施草案。")
    form = CommentDraftForm(request.POST or None, initial={"name": score.focus_point.name, "content": score.comment})
    if request.method == "POST" and form.is_valid():
        try:
            draft = comment_to_draft(precinct=precinct, score=score, user=request.user, **form.cleaned_data)
        except ScoringError as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            form.add_error(None, "；".join(error.messages))
        else:
            messages.success(
                request, f"已在 {draft.plan.year} 年度計畫提出措施草案「{draft.name}」，請到措施草案清單採行或不採行。"
            )
            return redirect("assessments:scoring_precinct", pk=pk, precinct_pk=precinct_pk)
    return render(
        request,
        "assessments/scoring_comment_draft.html",
        {
            "round": precinct.round,
            "precinct": precinct,
            "score": score,
            "form": form,
            "next_plan": next_year_plan(precinct),
        },
    )
