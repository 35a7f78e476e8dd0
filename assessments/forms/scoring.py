"""Forms of the 評分回合: a new round, its precincts, a reviewer's assignment, a sheet, a settlement, and a
comment turned into a measure draft."""

from django import forms

from sq_portal.fields import NoNullCharField

from ..scoring_sheet import SheetInput
from ..scoring_writes import NOT_ASSIGNABLE

STALE_PAGE = "頁面資料不完整，請重新整理後再填。"
POINT_MESSAGES = {
    "required": "請輸入分數。",
    "invalid": "請輸入數字。",
    "max_decimal_places": "分數最多到小數一位。",
    "max_digits": "分數超出範圍。",
    "max_whole_digits": "分數超出範圍。",
}


def points_field(label: str, allotted: int, required: bool) -> forms.DecimalField:
    messages = {**POINT_MESSAGES, "min_value": "分數不可小於 0。", "max_value": f"分數不可超過配分 {allotted} 分。"}
    return forms.DecimalField(
        label=label,
        min_value=0,
        max_value=allotted,
        max_digits=5,
        decimal_places=1,
        required=required,
        error_messages=messages,
        widget=forms.NumberInput(attrs={"step": "0.1", "min": 0, "max": allotted, "inputmode": "decimal"}),
    )


class RoundForm(forms.Form):
    organization = forms.ChoiceField(label="評分機關")
    year = forms.IntegerField(
        label="年度（民國）",
        min_value=100,
        max_value=200,
        error_messages={
            "required": "請輸入年度。",
            "invalid": "請輸入民國年度（數字）。",
            "min_value": "年度不正確。",
            "max_value": "年度不正確。",
        },
    )
    title = NoNullCharField(label="名稱", max_length=200, error_messages={"required": "請輸入名稱。"})
    spread_threshold = forms.DecimalField(
        label="差距門檻（分）",
        min_value=0,
        max_digits=5,
        decimal_places=1,
        initial=5,
        help_text="同一評核重點各委員分數最高與最低相差超過此分數時，須由研考承辦裁定。",
        error_messages={**POINT_MESSAGES, "required": "請輸入差距門檻。", "min_value": "差距門檻不可小於 0。"},
    )

    def __init__(self, *args, bureaus, **kwargs):
        super().__init__(*args, **kwargs)
        self.bureaus = {str(unit.pk): unit for unit in bureaus}
        self.fields["organization"].choices = [(pk, unit.name) for pk, unit in self.bureaus.items()]
        self.fields["organization"].error_messages["invalid_choice"] = "請從清單中選擇評分機關。"

    def clean_organization(self):
        return self.bureaus[self.cleaned_data["organization"]]


class PrecinctsForm(forms.Form):
    """One checkbox and one group label per plan the round may take."""

    def __init__(self, *args, plans, chosen: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.plans = list(plans)
        for plan in self.plans:
            self.fields[f"take_{plan.pk}"] = forms.BooleanField(
                label=plan.organization.name, required=False, initial=plan.pk in chosen
            )
            self.fields[f"group_{plan.pk}"] = NoNullCharField(
                label=f"{plan.organization.name}組別",
                max_length=30,
                required=False,
                initial=chosen.get(plan.pk, ""),
                error_messages={"max_length": "組別最多 30 個字。"},
            )

    def rows(self):
        return [(plan, self[f"take_{plan.pk}"], self[f"group_{plan.pk}"]) for plan in self.plans]

    def groups(self) -> dict[int, str]:
        return {
            plan.pk: self.cleaned_data[f"group_{plan.pk}"]
            for plan in self.plans
            if self.cleaned_data[f"take_{plan.pk}"]
        }


class ReviewerChoiceField(forms.ModelChoiceField):
    """The people who may be assigned (`scoring_access.assignable_reviewers`), one radio button each, named with
    their unit and account; templates/assessments/_reviewer_field.html lists them with a 「搜尋」 box."""

    widget = forms.RadioSelect(attrs={"class": "form-check-input"})

    def __init__(self, queryset, *, bureau_name: str, **kwargs):
        self.bureau_name = bureau_name
        super().__init__(queryset=queryset, empty_label=None, **kwargs)

    def label_from_instance(self, user) -> str:
        unit = f"{self.bureau_name}研考承辦" if user.bureau_staff else "外聘評審委員"
        return f"{user.get_full_name() or user.username}（{unit}，帳號 {user.username}）"


class AssignmentForm(forms.Form):
    dimension = forms.ChoiceField(label="構面")

    def __init__(self, *args, dimensions: list[str], reviewers, bureau_name: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"] = ReviewerChoiceField(
            reviewers,
            bureau_name=bureau_name,
            label="評審委員",
            error_messages={"required": "請選擇評審委員。", "invalid_choice": NOT_ASSIGNABLE},
        )
        self.order_fields(["reviewer", "dimension"])
        self.fields["dimension"].choices = [(name, name) for name in dimensions]
        self.fields["dimension"].error_messages["invalid_choice"] = "請從清單中選擇構面。"


class SheetForm(forms.Form):
    """Per focus point: its points (0 to the allotment), a comment, and the version the page showed."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.sheet_rows = rows
        for row in rows:
            fp, score = row.focus_point, row.score
            self.fields[f"points_{fp.pk}"] = points_field(f"{fp.name}分數", fp.points or 0, required=False)
            self.fields[f"comment_{fp.pk}"] = NoNullCharField(
                label=f"{fp.name}評語", required=False, widget=forms.Textarea(attrs={"rows": 2})
            )
            self.fields[f"version_{fp.pk}"] = forms.IntegerField(
                label=f"{fp.name}（頁面版本）",
                min_value=0,
                widget=forms.HiddenInput,
                required=False,
                error_messages={"invalid": STALE_PAGE, "min_value": STALE_PAGE},
            )
            self.initial.setdefault(f"points_{fp.pk}", score.points if score else None)
            self.initial.setdefault(f"comment_{fp.pk}", score.comment if score else "")
            self.initial.setdefault(f"version_{fp.pk}", score.version if score else 0)

    def bound_rows(self):
        return [
            (
                row,
                self[f"points_{row.focus_point.pk}"],
                self[f"comment_{row.focus_point.pk}"],
                self[f"version_{row.focus_point.pk}"],
            )
            for row in self.sheet_rows
        ]

    def inputs(self) -> list[SheetInput]:
        return [
            SheetInput(
                focus_point=row.focus_point,
                version=self.cleaned_data[f"version_{row.focus_point.pk}"] or 0,
                points=self.cleaned_data[f"points_{row.focus_point.pk}"],
                comment=self.cleaned_data[f"comment_{row.focus_point.pk}"],
            )
            for row in self.sheet_rows
        ]


class SettleForm(forms.Form):
    reason = NoNullCharField(
        label="裁定理由", widget=forms.Textarea(attrs={"rows": 2}), error_messages={"required": "請填寫裁定理由。"}
    )

    def __init__(self, *args, allotted: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["points"] = points_field("裁定分數", allotted, required=True)
        self.order_fields(["points", "reason"])


class CommentDraftForm(forms.Form):
    name = NoNullCharField(label="措施名稱", max_length=200, error_messages={"required": "請輸入措施名稱。"})
    content = NoNullCharField(label="措施內容", required=False, widget=forms.Textarea(attrs={"rows": 4}))
