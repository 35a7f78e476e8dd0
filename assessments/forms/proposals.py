"""Forms of the 創意提案: filing or editing a proposal, staff's decision, the list's filters."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from diagnosis.models import Unit
from sq_portal.fields import NoNullCharField, clean_text

from ..models import Proposal
from ..models.proposals import TRANSITIONS


def organization_units(plan):
    """The units of the plan's organisation (itself and everything below it), in tree order."""
    return Unit.objects.within(plan.organization).in_tree_order()


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return obj.name


class ProposalForm(forms.Form):
    unit = UnitChoiceField(label="提案單位", queryset=Unit.objects.none(), empty_label=None)
    title = NoNullCharField(label="提案名稱", max_length=200)
    problem = NoNullCharField(label="現況問題", widget=forms.Textarea(attrs={"rows": 5}), help_text="目前勤務或業務上遇到的問題。")
    suggestion = NoNullCharField(
        label="改善建議", widget=forms.Textarea(attrs={"rows": 5}), help_text="具體的改善做法與預期效益。"
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["unit"].error_messages["invalid_choice"] = "請從清單中選擇提案單位（您可提案的單位）。"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("save", "送出提案"))

    def _required_text(self, name: str, label: str) -> str:
        value = clean_text(self.cleaned_data[name])
        if not value:
            raise forms.ValidationError(f"請填寫{label}。", code="required")
        return value

    def clean_title(self) -> str:
        return self._required_text("title", "提案名稱")

    def clean_problem(self) -> str:
        return self._required_text("problem", "現況問題")

    def clean_suggestion(self) -> str:
        return self._required_text("suggestion", "改善建議")


class ProposalDecisionForm(forms.Form):
    to_state = forms.ChoiceField(label="改為", choices=())
    reason = NoNullCharField(
        label="理由", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="採行、不採行須說明審查理由；已實施須說明實施情形。",
    )
    expected_state = forms.ChoiceField(choices=Proposal.State.choices, widget=forms.HiddenInput)

    def __init__(self, *args, proposal: Proposal, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("expected_state", proposal.state)
        super().__init__(*args, **kwargs)
        self.proposal = proposal
        # Every state is offered to a bound form: the service refuses a wrong step with its own message.
        states = TRANSITIONS.get(proposal.state, ()) if not self.is_bound else Proposal.State.values
        self.fields["to_state"].choices = [(s, Proposal.State(s).label) for s in states]
        self.fields["to_state"].error_messages["invalid_choice"] = "請從清單中選擇新狀態。"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("decide", "送出決定"))

    def clean_reason(self) -> str:
        return clean_text(self.cleaned_data["reason"])


class ProposalFilterForm(forms.Form):
    state = forms.ChoiceField(label="狀態", required=False, choices=[("", "全部")] + Proposal.State.choices)
    unit = UnitChoiceField(label="提案單位", required=False, queryset=Unit.objects.none(), empty_label="全部")

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["unit"].error_messages["invalid_choice"] = "請從清單中選擇單位。"
        self.fields["state"].error_messages["invalid_choice"] = "請從清單中選擇狀態。"

    def apply(self, proposals):
        """The proposals narrowed by the valid filters (an invalid form filters nothing)."""
        if not self.is_valid():
            return proposals
        if state := self.cleaned_data.get("state"):
            proposals = proposals.filter(state=state)
        if unit := self.cleaned_data.get("unit"):
            proposals = proposals.filter(unit=unit)
        return proposals
