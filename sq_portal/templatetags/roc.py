"""民國日期的樣板過濾器：`{{ d|roc }}` → 106/05/31、`{{ d|roc_long }}` → 106年5月31日、`{{ d|roc_month }}` → 106年5月。

用法：`{% load roc %}`。None、空字串或非日期值得空字串；帶時區的 datetime 以目前時區取日期。
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import template

from ..roc_dates import format_roc
from ..roc_dates import roc_example as example_of

register = template.Library()


def _format(value: Any, style: str) -> str:
    """日期值寫成指定樣式；無法格式化者（含民國元年以前）得空字串，比照 Django 的 date 過濾器。"""
    if not isinstance(value, date):
        return ""
    try:
        return format_roc(value, style)
    except ValueError:
        return ""


@register.filter(is_safe=True)
def roc(value: Any) -> str:
    """民國日期，如 106/05/31。"""
    return _format(value, "slash")


@register.filter(is_safe=True)
def roc_long(value: Any) -> str:
    """民國日期，如 106年5月31日。"""
    return _format(value, "long")


@register.filter(is_safe=True)
def roc_month(value: Any) -> str:
    """民國年月，如 106年5月。"""
    return _format(value, "month")


@register.filter(is_safe=True)
def roc_example(roc_year: Any, style: str = "slash") -> str:
    """表單提示的範例日期（`roc_dates.roc_example`）：`{{ plan.year|roc_example }}` → 115/05/31，
    `{{ plan.year|roc_example:"month" }}` → 115/05；年度不明時用預設年度。"""
    return example_of(roc_year if isinstance(roc_year, int) else None, style)
