"""A round's results: per unit and for the precinct, by dimension and out of 1000, the weakest focus points,
and the comparison with the previous round (or the previous year's). All figures come from `diagnosis.scores`."""

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .. import score_reads, scores
from ..access import get_round_for_user
from ._common import plan_access_for

UNIT_WEAKEST = 3


def signed(value: Decimal | None) -> str:
    """A change as people write it: +12.5, −3.0, ±0.0; — when there is nothing to compare."""
    if value is None:
        return "—"
    if value > 0:
        return f"+{value}"
    if value < 0:
        return f"−{-value}"
    return "±0.0"


def _delta(delta: scores.Delta | None) -> dict:
    if delta is None:
        return {"previous": None, "change": "—", "direction": ""}
    change = delta.change
    direction = "" if change is None or change == 0 else ("up" if change > 0 else "down")
    return {"previous": delta.previous, "change": signed(change), "direction": direction}


@login_required
@require_safe
def results(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    access = plan_access_for(request, year)
    diagnosis_round = get_round_for_user(access, pk)
    result = score_reads.round_result_of(diagnosis_round)
    previous = score_reads.previous_round_of(diagnosis_round)
    comparison = scores.compare(result, score_reads.round_result_of(previous) if previous else None)
    dimensions = result.framework.dimensions
    shown_units = result.units if access.reads_all else [u for u in result.units if any(h.pk == u.unit.pk for h in access.head_units)]
    unit_rows = [
        {
            "unit": u.unit,
            "submitted": u.submitted,
            "dimensions": [(d.name, u.score.by_dimension[d.pk]) for d in dimensions] if u.score else None,
            "total": u.score.total_1000 if u.score else None,
            "delta": _delta(comparison.by_unit.get(u.unit.pk) if comparison else None),
            "weakest": result.weakest(u.unit.pk, UNIT_WEAKEST),
        }
        for u in shown_units
    ]
    precinct = result.precinct
    dimension_rows = [
        {
            "dimension": d,
            "average": precinct.by_dimension[d.pk] if precinct else None,
            "delta": _delta(comparison.by_dimension.get(d.pk) if comparison else None),
        }
        for d in dimensions
    ]
    weakest = [
        {"point": w, "delta": _delta(comparison.by_focus_point.get(w.place.focus_point.pk) if comparison else None)}
        for w in result.weakest()
    ]
    return render(
        request,
        "diagnosis/results.html",
        {
            "plan": access.plan,
            "access": access,
            "round": diagnosis_round,
            "result": result,
            "dimensions": dimensions,
            "unit_rows": unit_rows,
            "dimension_rows": dimension_rows,
            "precinct": precinct,
            "weakest": weakest,
            "previous": previous,
            "comparison": comparison,
            "total_delta": _delta(comparison.total if comparison else None),
            "column_count": len(dimensions) + 4,
        },
    )
