"""表單欄位：以民國紀年輸入與顯示日期的 `RocDateField` 及其文字輸入元件 `RocDateInput`。"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import forms
from django.utils import timezone

from .roc_dates import RocDateError, format_roc, parse_roc

__all__ = ["RocDateField", "RocDateInput"]

ROC_PLACEHOLDER = "例：106/05/31"


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


class RocDateField(forms.DateField):
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
