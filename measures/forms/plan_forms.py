"""The 計畫設定 form (研考承辦): 結算日, 每月填報期限, 落後門檻, 電話禮貌測試及格分數, 書面資料送審期限."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from sq_portal.fields import RocDateField, hint_year
from sq_portal.roc_dates import format_roc

from ..plan_settings import SETTINGS_FIELDS, plan_settings_errors


def whole_number(label: str, help_text: str) -> forms.IntegerField:
    return forms.IntegerField(label=label, help_text=help_text, error_messages={"invalid": "請輸入整數。"})


class PlanSettingsForm(forms.Form):
    closing_date = RocDateField(label="結算日", required=False)
    report_due_day = whole_number(
        "每月填報期限（次月幾日，1–28）",
        "某月的進度應於次月此日（含）前送出，逾期送出者標示為逾時填報；變更後，已送出的填報依新期限重新判定。",
    )
    lag_threshold = whole_number("落後門檻（百分點）", "實際進度低於預定進度達此百分點數時列為落後。")
    courtesy_pass_score = whole_number("電話禮貌測試及格分數", "單位最近一次電話禮貌測試低於此分數時，列入下次管制考核。")
    submission_due = RocDateField(
        label="書面資料送審期限",
        required=False,
        help_text="民國日期，警察局訂定的書面資料送審日（如 {year} 年 5 月份送審，填 {example}）；此日後送審者標示為逾期送審。空白為未訂期限。",
    )

    def __init__(self, *args, plan, **kwargs):
        kwargs.setdefault("initial", {name: getattr(plan, name) for name in SETTINGS_FIELDS})
        super().__init__(*args, **kwargs)
        self.plan = plan
        hint_year(self, plan.year)
        self.fields["closing_date"].help_text = (
            f"民國日期；空白為計畫迄日後一個月（{format_roc(plan.default_closes_on)}）。"
            f"此日（含）前各單位仍可填報及修正本年度進度（含 {plan.end_date.month} 月份）；此日後年度結算，填報與審核均關閉。"
            "已結算的年度，改為較晚的結算日即重新開放填報，此一變更記入計畫的變更紀錄。"
        )
        self.helper = FormHelper()
        self.helper.form_tag = False  # the page's own <form> holds it
        self.helper.add_input(Submit("save", "儲存"))

    def clean(self):
        data = super().clean()
        errors = plan_settings_errors(self.plan, **{name: data.get(name) for name in SETTINGS_FIELDS})
        for name, message in errors.items():
            if name not in self.errors:
                self.add_error(name, message)
        return data
