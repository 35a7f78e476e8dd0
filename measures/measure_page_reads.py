"""What the measure page reads of its measure, with SQL compiled once per connection (sq_portal.baked_reads).

Each is the QuerySet the page read through the measure's related managers (`measure.reports…`), filtered by
the measure's id instead: a related manager's QuerySet also sets the measure on each row, which the page sets
itself where it needs it."""

from django.db.models import Count

from sq_portal.baked_reads import baked_read

from .models import Indicator, PlannedProgress, ProgressReport


@baked_read
def measure_planned_progress(*, measure_id):
    """(month, percent) of the measure's planned progress; unordered, the page keys them by month."""
    return PlannedProgress.objects.filter(measure_id=measure_id).order_by().values_list("month", "percent")


@baked_read
def measure_page_reports(*, measure_id):
    """Every unit's reports on the measure, as ProgressReportQuerySet.for_measure_page gives them."""
    return ProgressReport.objects.filter(measure_id=measure_id).for_measure_page()


@baked_read
def measure_page_indicators(*, measure_id):
    """The measure's indicators, each with how many 教育訓練 sessions count toward it (`from_training`: its
    actual value is computed from them, not reported)."""
    return Indicator.objects.filter(measure_id=measure_id).annotate(from_training=Count("training_sessions"))
