"""The filters of a unit's 填報紀錄: by month of the plan and by state."""

from datetime import date
from urllib.parse import urlencode

from django import forms

from sq_portal.roc_dates import format_roc

from ..models import ProgressReport
from .measure_forms import plan_months


class UnitReportFilter(forms.Form):
    month = forms.TypedChoiceField(label="填報月份", required=False, coerce=date.fromisoformat, empty_value=None)
    status = forms.ChoiceField(label="狀態", required=False)

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = [("", "全部月份")] + [(m.isoformat(), format_roc(m, "month")) for m in plan_months(plan)]
        self.fields["status"].choices = [("", "全部狀態"), *ProgressReport.Status.choices]

    def filter(self, reports):
        """`reports` narrowed by the valid filters; an invalid one (a typed URL) is shown with its error and ignored."""
        if not self.is_bound or not self.is_valid():
            data = {name: value for name, value in getattr(self, "cleaned_data", {}).items() if name not in self.errors}
        else:
            data = self.cleaned_data
        if data.get("month"):
            reports = reports.filter(period=data["month"])
        if data.get("status"):
            reports = reports.filter(status=data["status"])
        return reports

    def query_without_page(self) -> str:
        """The filters as a query string for the pages' links ("" when none)."""
        if not self.is_bound:
            return ""
        pairs = [(name, self.data.get(name)) for name in ("month", "status") if self.data.get(name)]
        return urlencode(pairs)
