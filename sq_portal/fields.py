"""表單欄位：以民國紀年輸入與顯示日期的 `RocDateField` 及其文字輸入元件 `RocDateInput`。"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import forms
from django.utils import timezone

from .roc_dates import EXAMPLE_YEAR, ExampleStyle, RocDateError, format_roc, parse_roc, roc_example

__all__ = ["RocDateField", "RocDateInput", "YearHint", "hint_year"]

ROC_PLACEHOLDER = f"例：{roc_example()}"


class RocDateInput(forms.TextInput):
    """純文字輸入框（民國日期需鍵入「年月日」等字，故不用日期選擇器），日期值顯示為 `106/05/31`。"""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"placeholder": ROC_PLACEHOLDER, **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        """date／datetime 寫成民國 slash 格式；其他值（如使用者送出的原字串）照原樣顯示。"""
        if isinstance(value, date):
            try:
                return format_roc(value)
            except RocDateError:  # 民國元年以前：照西元顯示，送出時再由欄位拒絕
                return (value.date() if isinstance(value, datetime) else value).isoformat()
        return super().format_value(value)


class YearHint:
    """民國日期（或年月）欄位的年度提示：預留文字「例：106/05/31」，`help_text` 裡的 {example}（範例）與 {year}
    （民國年）；`hint(115)` 改成 115 年度的（`hint_year` 對整張表單呼叫）。"""

    example_style: ExampleStyle = "slash"

    def __init__(self, **kwargs: Any) -> None:
        self.help_template = str(kwargs.get("help_text", ""))
        super().__init__(**kwargs)
        self.hint(None)

    def hint(self, roc_year: int | None) -> None:
        """預留文字與說明文字改用 `roc_year` 的範例（None：預設年度 EXAMPLE_YEAR）。自訂的預留文字不動。"""
        example = roc_example(roc_year, self.example_style)
        if self.widget.attrs.get("placeholder", "例：").startswith("例："):
            self.widget.attrs["placeholder"] = f"例：{example}"
        year = str(EXAMPLE_YEAR if roc_year is None else roc_year)
        self.help_text = self.help_template.replace("{example}", example).replace("{year}", year)


def hint_year(form: forms.BaseForm, roc_year: int) -> None:
    """表單的日期提示改用 `roc_year`（計畫的年度）：每個 `YearHint` 欄位的預留文字「例：115/05/31」與說明文字裡的
    {example}、{year}。表單 __init__ 知道計畫時呼叫。"""
    for field in form.fields.values():
        if isinstance(field, YearHint):
            field.hint(roc_year)


class RocDateField(YearHint, forms.DateField):
    """以 `parse_roc` 解析輸入的日期欄位；錯誤訊息為 `RocDateError` 的繁體中文訊息。

    ValidationError 的 code 沿用 `RocDateError.code`：`invalid`（格式無法辨識）、
    `invalid_date`、`before_roc`、`out_of_range`。空值依 `required` 照 Django 慣例處理。
    """

    widget = RocDateInput

    def to_python(self, value: Any) -> date | None:
        """把輸入轉成 date；空值得 None。"""
        if isinstance(value, str):
            value = value.strip()
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            if timezone.is_aware(value):
                value = timezone.localtime(value)
            return value.date()
        if isinstance(value, date):
            return value
        try:
            return parse_roc(str(value))
        except RocDateError as err:
            raise forms.ValidationError(str(err), code=err.code) from err


def clean_text(value: str) -> str:
    """Text as typed, with Windows line ends and surrounding blanks removed; NUL is refused by the caller."""
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


class NoNullCharField(forms.CharField):
    """A CharField that refuses the NUL character (PostgreSQL cannot store it) with a Chinese message."""

    default_error_messages = {"null_characters_not_allowed": "內容含有無法儲存的控制字元（NUL），請移除後再送出。"}
