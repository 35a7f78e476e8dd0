"""The reviewer's workbench: its filters (unit, month, 附表, status) and the batch approval of the reports ticked."""

from datetime import date
from urllib.parse import urlencode

from django import forms

from sq_portal.roc_dates import format_roc

from ..models import Measure, ProgressReport
from .measure_forms import plan_months

Status = ProgressReport.Status
REVIEW_STATUSES = [(value, label) for value, label in Status.choices if value != Status.DRAFT]
FILTER_NAMES = ("unit", "month", "source")


def unit_choices(units, organization) -> list:
    """The plan's organisation first, then every unit below it grouped under its parent, in tree order
    (`units` is the organisation's tree, `units_in_tree_order`)."""
    names = {unit.pk: unit.name for unit in units}
    choices: list = [("", "全部單位"), (organization.code, f"{organization.name}（本機關）")]
    groups: dict[int, list] = {}
    for unit in units:
        if unit.pk != organization.pk:
            groups.setdefault(unit.parent_id, []).append((unit.code, unit.name))
    choices.extend((f"{names.get(parent_id, '')}所屬單位", options) for parent_id, options in groups.items())
    return choices


class WorkbenchFilterForm(forms.Form):
    """The list's filters, read from the query string; a value that names nothing is an error, not a 500."""

    unit = forms.ChoiceField(label="單位", required=False)
    month = forms.ChoiceField(label="月份", required=False)
    source = forms.ChoiceField(label="附表", required=False, choices=[("", "全部附表"), *Measure.Source.choices])
    status = forms.ChoiceField(label="狀態", required=False, choices=REVIEW_STATUSES)

    def __init__(self, data, *, plan, units):
        super().__init__(data)
        self.units = {unit.code: unit for unit in units}
        self.fields["unit"].choices = unit_choices(units, plan.organization)
        self.fields["month"].choices = [("", "全部月份")] + [
            (month.strftime("%Y-%m"), format_roc(month, "month")) for month in plan_months(plan)
        ]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"
            field.error_messages["invalid_choice"] = "「%(value)s」不在可選的項目中，已略過此條件。"

    def filters(self) -> dict:
        """The valid filters (an invalid one is left out; its error is shown): unit (a Unit), month (its first
        day), source."""
        data = self.valid_data()
        chosen = {}
        if data.get("unit"):
            chosen["unit"] = self.units[data["unit"]]
        if data.get("month"):
            year, month = data["month"].split("-")
            chosen["month"] = date(int(year), int(month), 1)
        if data.get("source"):
            chosen["source"] = data["source"]
        return chosen

    def valid_data(self) -> dict:
        self.is_valid()
        return self.cleaned_data  # Django keeps only the fields that validated

    @property
    def chosen_status(self) -> str:
        return self.valid_data().get("status") or Status.SUBMITTED

    def query(self, **changes) -> str:
        """The filters as a query string (without the page), with `changes`; the status only when not the default."""
        values = {name: self.valid_data().get(name) for name in (*FILTER_NAMES, "status")}
        values.update(changes)
        if values.get("status") == Status.SUBMITTED:
            values["status"] = ""
        return urlencode({name: value for name, value in values.items() if value})


class ReportIdsField(forms.Field):
    """Report ids from ticked checkboxes."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        values = value if isinstance(value, (list, tuple)) else ([value] if value else [])
        try:
            ids = sorted({int(item) for item in values})
            if any(not 0 < pk < 2**63 for pk in ids):
                raise ValueError
            return ids
        except (TypeError, ValueError):
            raise forms.ValidationError("所選的填報有誤，請重新勾選。", code="invalid") from None


class BatchReviewForm(forms.Form):
    """The reports ticked on the workbench, by id, to approve at once."""

    reports = ReportIdsField(label="所選填報", error_messages={"required": "請先勾選要核可的填報。"})
