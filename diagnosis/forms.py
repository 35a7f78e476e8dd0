"""Forms of the 組織診斷: the allotment, opening a round, a unit's self-check and a measure draft."""

from django import forms

from sq_portal.fields import NoNullCharField, RocDateField, clean_text, hint_year

from .diagnosis_writes import AnswerInput
from .scores import Framework

TEXT_MAX = 2000


def _points_field(label: str, maximum: int) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=maximum,
        error_messages={
            "required": "請填寫配分。",
            "invalid": "請填寫整數。",
            "min_value": "不可小於 0。",
            "max_value": f"不可大於 {maximum}。",
        },
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm points-input", "inputmode": "numeric"}),
    )


class AllotmentForm(forms.Form):
    """One field per item (`item_<pk>`) and per focus point (`fp_<pk>`) of the plan; the sums are checked by
    the service, which names the dimension or item that does not add up."""

    def __init__(self, *args, framework: Framework, **kwargs):
        super().__init__(*args, **kwargs)
        self.framework = framework
        for d in framework.dimensions:
            for item in d.items:
                self.fields[f"item_{item.pk}"] = _points_field(f"{d.name}／{item.name} 配分", d.points)
                for fp in item.focus_points:
                    self.fields[f"fp_{fp.pk}"] = _points_field(f"{item.name}／{fp.name} 配分", d.points)

    @staticmethod
    def initial_for(framework: Framework, items: dict | None = None, focus_points: dict | None = None) -> dict:
        """Initial values: the stored points, or where none is stored, the proposal given."""
        initial = {}
        for d in framework.dimensions:
            for item in d.items:
                initial[f"item_{item.pk}"] = item.points if item.points is not None else (items or {}).get(item.pk)
                for fp in item.focus_points:
                    initial[f"fp_{fp.pk}"] = fp.points if fp.points is not None else (focus_points or {}).get(fp.pk)
        return initial

    def rows(self):
        """(dimension, [(item, bound field, [(focus point, bound field), …]), …]) for the template."""
        return [
            (d, [(i, self[f"item_{i.pk}"], [(f, self[f"fp_{f.pk}"]) for f in i.focus_points]) for i in d.items])
            for d in self.framework.dimensions
        ]

    def points(self) -> dict:
        data = self.cleaned_data
        return {
            "items": {int(k[5:]): v for k, v in data.items() if k.startswith("item_")},
            "focus_points": {int(k[3:]): v for k, v in data.items() if k.startswith("fp_")},
        }


class RoundOpenForm(forms.Form):
    title = NoNullCharField(label="診斷名稱", max_length=200)
    opens_on = RocDateField(label="開始日期")
    due_on = RocDateField(label="填報截止日", help_text="民國日期，如 {example}；截止後至結束前仍可補填。")

    def __init__(self, *args, year: int, **kwargs):
        """`year`: the plan's (民國) year, which the hints name."""
        super().__init__(*args, **kwargs)
        self.fields["title"].help_text = f"如「{year}年上半年組織診斷」。"
        hint_year(self, year)

    def clean_title(self) -> str:
        title = clean_text(self.cleaned_data["title"])
        if not title:
            raise forms.ValidationError("請填寫診斷名稱。", code="required")
        return title

    def clean(self):
        data = super().clean()
        if data.get("opens_on") and data.get("due_on") and data["due_on"] < data["opens_on"]:
            self.add_error("due_on", "填報截止日不可早於開始日期。")
        return data


class UnitDiagnosisForm(forms.Form):
    """Every focus point of the plan: a score (0 to its points), the problems found, what to improve.

    Saving a draft accepts blanks; submitting (`submit=True`) needs every score."""

    def __init__(self, *args, framework: Framework, submit: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.framework = framework
        self.submit = submit
        for place in framework.located():
            fp = place.focus_point
            points = fp.points or 0
            self.fields[f"score_{fp.pk}"] = forms.IntegerField(
                label=f"分數（0 至 {points} 分）",
                min_value=0,
                max_value=points,
                required=False,
                error_messages={
                    "invalid": "請填寫整數分數。",
                    "min_value": "分數不可小於 0。",
                    "max_value": f"分數不可超過此評核重點的配分 {points} 分。",
                },
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )
            self.fields[f"problems_{fp.pk}"] = NoNullCharField(
                label="發現的問題", max_length=TEXT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 2})
            )
            self.fields[f"improvements_{fp.pk}"] = NoNullCharField(
                label="改善方向", max_length=TEXT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 2})
            )

    @staticmethod
    def initial_for(answers) -> dict:
        initial = {}
        for answer in answers:
            pk = answer.focus_point_id
            initial.update({f"score_{pk}": answer.score, f"problems_{pk}": answer.problems, f"improvements_{pk}": answer.improvements})
        return initial

    def clean(self):
        data = super().clean()
        for place in self.framework.located():
            pk = place.focus_point.pk
            for name in (f"problems_{pk}", f"improvements_{pk}"):
                if name in data:
                    data[name] = clean_text(data[name] or "")
            if self.submit and f"score_{pk}" in data and data[f"score_{pk}"] is None and not self.has_error(f"score_{pk}"):
                self.add_error(f"score_{pk}", "送出前請填寫分數。")
        return data

    def answers(self) -> dict[int, AnswerInput]:
        data = self.cleaned_data
        return {
            place.focus_point.pk: AnswerInput(
                score=data[f"score_{place.focus_point.pk}"],
                problems=data[f"problems_{place.focus_point.pk}"],
                improvements=data[f"improvements_{place.focus_point.pk}"],
            )
            for place in self.framework.located()
        }
