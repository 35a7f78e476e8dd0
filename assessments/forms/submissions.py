"""Forms of 書面資料送審: the precinct's 送審 (the build confirmed), the bureau's decision."""

from django import forms

from sq_portal.fields import NoNullCharField, clean_text

from ..submission_writes import decision_errors

DECISIONS = [("return", "退回補正"), ("accept", "核定")]
COMMENT_MAX = 4000


class SubmitForm(forms.Form):
    """What the confirmation page showed: the build to send (the page's own latest finished build)."""

    build = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={"required": "請重新開啟送審確認頁。", "invalid": "請重新開啟送審確認頁。"},
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="審查結果",
        choices=DECISIONS,
        widget=forms.RadioSelect,
        error_messages={"required": "請選擇退回補正或核定。", "invalid_choice": "請選擇退回補正或核定。"},
    )
    comment = NoNullCharField(
        label="審查意見",
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="退回補正時必填，說明需補正之處；核定時可留空。",
        error_messages={"max_length": f"審查意見請勿超過 {COMMENT_MAX} 字。"},
    )

    def clean_comment(self) -> str:
        return clean_text(self.cleaned_data["comment"])

    def clean(self):
        data = super().clean()
        if data.get("decision") and "comment" not in self.errors:
            for name, message in decision_errors(accept=data["decision"] == "accept", comment=data["comment"]).items():
                self.add_error(name, message)
        return data

    @property
    def accept(self) -> bool:
        return self.cleaned_data["decision"] == "accept"
