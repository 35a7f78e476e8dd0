"""民國紀年日期：以民國年（西元年 − 1911）格式化與解析日期。

- `format_roc(value, style)`：把 date／datetime 寫成 `106/05/31`、`106年5月31日` 或 `106年5月`。
- `parse_roc(text)`：讀入使用者輸入的民國或西元日期，失敗時拋出 `RocDateError`（訊息為繁體中文）。

本模組為純 Python；僅 `format_roc` 處理帶時區的 datetime 時才延遲匯入 Django 的時區工具。
"""

from __future__ import annotations

import re
from datetime import MAXYEAR, date, datetime
from typing import Final, Literal

__all__ = ["ROC_OFFSET", "RocDateError", "format_roc", "parse_roc", "roc_example", "to_roc_year"]

ROC_OFFSET: Final = 1911
"""民國年 = 西元年 − ROC_OFFSET。"""

RocStyle = Literal["slash", "long", "month"]

MSG_EMPTY: Final = "請輸入日期"
MSG_FORMAT: Final = "日期格式無法辨識，請輸入如 106/05/31、106.5.31、106年5月31日 或 2017-05-31"
MSG_BEFORE_ROC: Final = "民國元年（1912 年）以前的日期不受理"
MSG_TOO_LATE: Final = f"年份超出可處理的範圍：最晚只到西元 {MAXYEAR} 年（民國 {MAXYEAR - ROC_OFFSET} 年）"


class RocDateError(ValueError):
    """日期無法解析或不受理；str() 為可直接顯示給使用者的繁體中文訊息。

    `code` 為機器可讀的原因：`empty`、`invalid`（格式無法辨識）、`invalid_date`（日期不存在）、
    `before_roc`（民國元年以前）、`out_of_range`（超出 Python date 可表示的年份）。
    """

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


# 全形 ASCII（！～）轉半形、全形空白轉半形；中文句號「。」視同「.」。
_WIDTH_TABLE: Final = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {
    0x3000: " ",
    0x3002: ".",
}

_SEP_RE: Final = re.compile(
    r"(?P<roc>民[國国])?\s*(?P<y>[0-9]+)\s*(?P<sep>[/.\-])\s*(?P<m>[0-9]{1,2})\s*(?P=sep)\s*(?P<d>[0-9]{1,2})"
)
_CJK_RE: Final = re.compile(
    r"(?P<roc>民[國国])?\s*(?P<y>[0-9]+)\s*年\s*(?P<m>[0-9]{1,2})\s*月\s*(?P<d>[0-9]{1,2})\s*日?"
)


def to_roc_year(year: int) -> int:
    """西元年轉民國年（不檢查範圍）。"""
    return year - ROC_OFFSET


def format_roc(value: date | datetime | None, style: RocStyle | str = "slash") -> str:
    """把日期寫成民國格式：slash → `106/05/31`、long → `106年5月31日`、month → `106年5月`。

    帶時區的 datetime 先轉成目前時區（`django.utils.timezone.localtime`）再取日期；
    None 得空字串。民國元年以前的日期拋出 `RocDateError`，未知的 style 拋出 ValueError。
    """
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.tzinfo is not None and value.utcoffset() is not None:
            from django.utils import timezone

            value = timezone.localtime(value)
        value = value.date()
    if not isinstance(value, date):
        raise TypeError(f"format_roc() 需要 date 或 datetime，收到 {type(value).__name__}")
    roc_year = to_roc_year(value.year)
    if roc_year < 1:
        raise RocDateError(MSG_BEFORE_ROC, "before_roc")
    if style == "slash":
        return f"{roc_year}/{value.month:02d}/{value.day:02d}"
    if style == "long":
        return f"{roc_year}年{value.month}月{value.day}日"
    if style == "month":
        return f"{roc_year}年{value.month}月"
    raise ValueError(f"未知的民國日期樣式：{style!r}（可用 slash、long、month）")


def parse_roc(text: str) -> date:
    """解析民國或西元日期字串，回傳 date；無法受理時拋出 `RocDateError`。

    受理 `106/05/31`、`106/5/31`、`106.5.31`、`106-5-31`、`106年5月31日`、`民國106年5月31日`
    與西元 `2017-05-31`、`2017/05/31`。年份一到三位數為民國年、四位數以上為西元年；
    冠上「民國」時一律視為民國年。可含前後空白、分隔符號旁的空白、全形數字與全形標點。
    """
    raw = str(text).strip()
    if not raw:
        raise RocDateError(MSG_EMPTY, "empty")
    normalized = raw.translate(_WIDTH_TABLE).strip()
    match = _SEP_RE.fullmatch(normalized) or _CJK_RE.fullmatch(normalized)
    if match is None:
        raise RocDateError(MSG_FORMAT, "invalid")

    year_digits = match["y"].lstrip("0") or "0"
    if len(year_digits) > 5:  # 遠超 9999，且避免把超長數字字串交給 int()
        raise RocDateError(MSG_TOO_LATE, "out_of_range")
    year = int(year_digits)
    if match["roc"] is not None or len(match["y"]) <= 3:
        year += ROC_OFFSET  # 民國 0 年 → 1911，下面一併拒絕
    if year <= ROC_OFFSET:
        raise RocDateError(MSG_BEFORE_ROC, "before_roc")
    if year > MAXYEAR:
        raise RocDateError(MSG_TOO_LATE, "out_of_range")
    try:
        return date(year, int(match["m"]), int(match["d"]))
    except ValueError:
        raise RocDateError(f"{raw} 不是有效的日期", "invalid_date") from None


EXAMPLE_YEAR: Final = 106
"""提示範例的預設民國年（不知道是哪一年度的計畫時；即種子計畫的年度）。"""

ExampleStyle = Literal["slash", "dot", "long", "month"]


def roc_example(roc_year: int | None = None, style: ExampleStyle = "slash") -> str:
    """表單提示用的範例日期（該年 5 月 31 日）：slash → `115/05/31`、dot → `115.5.31`、long → `115年5月31日`、
    month → `115/05`。`roc_year` 為 None 時用 EXAMPLE_YEAR。表單的日期提示都經由此處，隨計畫年度變動。"""
    year = EXAMPLE_YEAR if roc_year is None else roc_year
    return {
        "slash": f"{year}/05/31",
        "dot": f"{year}.5.31",
        "long": f"{year}年5月31日",
        "month": f"{year}/05",
    }[style]
