"""Forms of the 教育訓練: a session, every unit's attendance on the same page, and the list's filter."""

from datetime import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Fieldset, Layout
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from diagnosis.models import Unit
from measures.forms.measure_forms import plan_months
from measures.models import Indicator
from sq_portal.fields import RocDateField, clean_text, hint_year
from sq_portal.roc_dates import format_roc

from ..models import TrainingAttendance, TrainingSession
from ..models.training import UNIT_COUNTS_AS, counts_as_for_unit


def attendance_units(plan) -> list[Unit]:
    """The units whose attendance a session of `plan` records: those directly under the plan's organisation
    (a precinct's offices, 偵查隊 and 派出所). One query."""
    return list(Unit.objects.filter(parent=plan.organization_id).order_by("position", "pk"))


def organizer_units(plan):
    """The plan's organisation and every unit below it, in the unit tree's order."""
    return Unit.objects.within(plan.organization).in_tree_order()


def countable_indicators(plan):
    """The plan's active indicators a session can count toward (measured in 場, 人次, 小時 …)."""
    return (
        Indicator.objects.filter(
            measure__plan=plan,
            measure__retired_at__isnull=True,
            retired_at__isnull=True,
            unit__in=list(UNIT_COUNTS_AS),
        )
        .select_related("measure")
        .order_by("measure__source", "measure__position", "position")
    )


class IndicatorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Indicator) -> str:
        counts_as = counts_as_for_unit(obj.unit)
        return f"{obj.measure.name}：{obj.name}（目標 {obj.target_value:g} {obj.unit}；{counts_as.label if counts_as else ''}）"


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return obj.name


class TrainingSessionForm(forms.ModelForm):
    held_on = RocDateField(label="辦理日期")
    organizer = UnitChoiceField(
        label="主辦單位", queryset=Unit.objects.none(), empty_label=None,
        error_messages={"invalid_choice": "請選擇本機關的單位。", "required": "請選擇主辦單位。"},
    )
    indicator = IndicatorChoiceField(
        label="計入績效指標",
        queryset=Indicator.objects.none(),
        required=False,
        empty_label="（不計入指標）",
        error_messages={"invalid_choice": "請選擇本計畫使用中、以場、人次或小時計的績效指標。"},
        help_text="此場次計入的指標，其實際值由教育訓練紀錄自動計算：以「場」計者每場計 1，以「人次」計者合計各單位參訓人數，以「小時」計者合計時數。",
    )
    # The session's updated_at when the form was opened: a save is refused if the session changed since.
    opened_version = forms.CharField(required=False, widget=forms.HiddenInput)

    STALE_FORM = "此表單缺少開啟時的版本資訊，請重新載入後再儲存。"

    class Meta:
        model = TrainingSession
        fields = [
            "held_on", "topic", "speaker", "speaker_title", "speaker_is_expert", "hours", "place", "organizer", "indicator", "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "topic": {"required": "請填寫主題。"},
            "speaker": {"required": "請填寫講座姓名。"},
            "hours": {"required": "請填寫時數。", "invalid": "時數請輸入數字，如 2 或 1.5。", "max_digits": "時數過大。", "max_decimal_places": "時數最多一位小數。",
                      "max_whole_digits": "時數過大。"},
        }

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.instance.plan = plan
        hint_year(self, plan.year)
        # Each list is read once and its choices built from it (a select's template may walk its choices twice).
        organizers = organizer_units(plan)
        self.fields["organizer"].queryset = organizers
        self.fields["organizer"].choices = [(u.pk, u.name) for u in organizers]
        indicators = countable_indicators(plan)
        indicator_field = self.fields["indicator"]
        indicator_field.queryset = indicators
        indicator_field.choices = [("", indicator_field.empty_label)] + [
            (i.pk, indicator_field.label_from_instance(i)) for i in indicators
        ]
        self.fields["hours"].widget.attrs.update({"min": "0.5", "step": "0.5"})
        if self.instance.pk is not None:
            self.fields["opened_version"].initial = self.instance.updated_at.isoformat()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the page's own form tag carries the token
        self.helper.layout = Layout(
            "opened_version",
            Fieldset(
                "場次",
                Div(Div("held_on", css_class="col-md-4"), Div("hours", css_class="col-md-4"), Div("place", css_class="col-md-4"), css_class="row"),
                "topic",
                Div(Div("speaker", css_class="col-md-4"), Div("speaker_title", css_class="col-md-8"), css_class="row"),
                Field("speaker_is_expert"),
                "organizer",
                "indicator",
                "notes",
            ),
        )

    def _text(self, name: str, required: bool = False) -> str:
        text = clean_text(self.cleaned_data.get(name) or "")
        if required and not text:
            raise forms.ValidationError(self.fields[name].error_messages["required"], code="required")
        return text

    def clean_topic(self) -> str:
        return self._text("topic", required=True)

    def clean_speaker(self) -> str:
        return self._text("speaker", required=True)

    def clean_speaker_title(self) -> str:
        return self._text("speaker_title")

    def clean_place(self) -> str:
        return self._text("place")

    def clean_notes(self) -> str:
        return self._text("notes")

    def clean_hours(self):
        hours = self.cleaned_data["hours"]
        if hours is not None and hours <= 0:
            raise forms.ValidationError("時數須大於 0。", code="min_value")
        return hours

    def clean_opened_version(self) -> datetime | None:
        """When changing a session: the `updated_at` the form was opened with (required, aware)."""
        if self.instance.pk is None:
            return None
        value = aware_time(self.cleaned_data.get("opened_version"))
        if value is None:
            # A hidden field shows no error of its own: the form's general error says what to do.
            self.add_error(None, self.STALE_FORM)
        return value

    def session_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


def aware_time(raw: str | None) -> datetime | None:
    """An ISO time with its zone, as a hidden field carries it; None when missing, malformed or without a zone."""
    try:
        value = datetime.fromisoformat(raw or "")
    except ValueError:
        return None
    return value if value.tzinfo is not None else None


class AttendanceForm(forms.Form):
    """One number per unit; the units the user may not change are shown but not editable.

    On its own page (`opened_at=True`) it carries the time it was opened, so a save is refused when one of
    the units it writes was changed by someone else meanwhile (inside the session form, the session's version
    does that)."""

    STALE_FORM = TrainingSessionForm.STALE_FORM

    def __init__(self, *args, units: list[Unit], editable: set[int] | None, opened_at: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = units
        if opened_at:
            self.fields["opened_at"] = forms.CharField(
                required=False, widget=forms.HiddenInput, initial=lambda: timezone.now().isoformat()
            )
        self.editable_units = [u for u in units if editable is None or u.pk in editable]
        for unit in units:
            self.fields[self.field_name(unit)] = forms.IntegerField(
                label=unit.name,
                required=False,
                min_value=0,
                max_value=100000,
                disabled=editable is not None and unit.pk not in editable,
                widget=forms.NumberInput(attrs={"min": "0", "inputmode": "numeric"}),
                error_messages={
                    "min_value": f"{unit.name}的參訓人數不可為負數。",
                    "max_value": f"{unit.name}的參訓人數過大。",
                    "invalid": f"{unit.name}的參訓人數請輸入整數。",
                },
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the page's own form tag carries the token
        self.helper.layout = Layout(
            *(["opened_at"] if opened_at else []),
            Fieldset("各單位參訓人數", Div(*[Div(self.field_name(u), css_class="col-6 col-md-4 col-lg-3") for u in units], css_class="row")),
        )

    def clean_opened_at(self) -> datetime | None:
        value = aware_time(self.cleaned_data.get("opened_at"))
        if value is None:
            self.add_error(None, self.STALE_FORM)
        return value

    @staticmethod
    def field_name(unit: Unit) -> str:
        return f"unit_{unit.pk}"

    def attendance(self) -> dict[Unit, int | None]:
        """What the user may write: each editable unit's count (None for blank)."""
        return {unit: self.cleaned_data.get(self.field_name(unit)) for unit in self.editable_units}


class TrainingFilterForm(forms.Form):
    month = forms.TypedChoiceField(label="月份", required=False, coerce=lambda v: v, empty_value=None)
    unit = forms.TypedChoiceField(label="單位", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, plan, units: list[Unit], **kwargs):
        super().__init__(*args, **kwargs)
        self.months = plan_months(plan)
        self.fields["month"].choices = [("", "（全年）")] + [(m.strftime("%Y-%m"), format_roc(m, "month")) for m in self.months]
        # The choices are built from the units already read, so the form costs no query of its own.
        self.fields["unit"].choices = [("", "（全部單位）")] + [(u.pk, u.name) for u in units]
        self.units = {u.pk: u for u in units}
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"

    def filter(self, sessions):
        """The sessions the filter asks for; an unusable filter is ignored (its error is shown)."""
        if not self.is_bound or not self.is_valid():
            return sessions, None
        month = next((m for m in self.months if m.strftime("%Y-%m") == self.cleaned_data["month"]), None)
        if month is not None:
            sessions = sessions.filter(held_on__year=month.year, held_on__month=month.month)
        unit = self.units.get(self.cleaned_data["unit"])
        if unit is not None:
            attended = TrainingAttendance.objects.filter(session=OuterRef("pk"), unit=unit, attendees__gt=0)
            sessions = sessions.filter(Q(organizer=unit) | Exists(attended))
        return sessions, unit
