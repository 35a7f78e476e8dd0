"""民國日期模組的測試：sq_portal.roc_dates、sq_portal.fields 與 roc 樣板過濾器。"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django import forms
from django.template import Context, Template
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from sq_portal.fields import RocDateField, RocDateInput
from sq_portal.roc_dates import RocDateError, format_roc, parse_roc

MSG_FORMAT_PART = "日期格式無法辨識，請輸入如 106/05/31"
MSG_BEFORE_ROC = "民國元年（1912 年）以前的日期不受理"
D = date(2017, 5, 31)


# ---------------------------------------------------------------- parse_roc：可受理的寫法


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("106/05/31", D),
        ("106/5/31", D),
        ("106.5.31", D),
        ("106.05.31", D),
        ("106-5-31", D),
        ("106年5月31日", D),
        ("106年05月31日", D),
        ("106年5月31", D),
        ("民國106年5月31日", D),
        ("民國 106 年 5 月 31 日", D),
        ("民國106/05/31", D),
        ("2017-05-31", D),
        ("2017/05/31", D),
        ("2017/5/31", D),
        ("2017.5.31", D),
        ("2017年5月31日", D),
        ("  106/05/31  ", D),
        ("\t106/05/31\n", D),
        ("106 / 05 / 31", D),
        ("106 . 5 . 31", D),
        ("１０６／０５／３１", D),
        ("１０６．５．３１", D),
        ("１０６－５－３１", D),
        ("１０６年５月３１日", D),
        ("民國１０６年５月３１日", D),
        ("\u3000１０６／０５／３１\u3000", D),
        ("106。5。31", D),
        ("099/01/02", date(2010, 1, 2)),
        ("99/1/2", date(2010, 1, 2)),
        ("1/01/01", date(1912, 1, 1)),
        ("001/01/01", date(1912, 1, 1)),
        ("民國1年1月1日", date(1912, 1, 1)),
        ("1912-01-01", date(1912, 1, 1)),
        ("999/12/31", date(2910, 12, 31)),
        ("9999-12-31", date(9999, 12, 31)),
        ("民國8088年12月31日", date(9999, 12, 31)),
    ],
)
def test_it_parses_accepted_forms(text: str, expected: date) -> None:
    assert parse_roc(text) == expected


# ---------------------------------------------------------------- parse_roc：錯誤


@pytest.mark.parametrize("text", ["", "   ", "\u3000", "\n\t"])
def test_it_rejects_empty_input(text: str) -> None:
    with pytest.raises(RocDateError) as info:
        parse_roc(text)
    assert str(info.value) == "請輸入日期"
    assert info.value.code == "empty"


@pytest.mark.parametrize(
    "text",
    [
        "abc",
        "106",
        "106/05",
        "106年5月",
        "1060531",
        "106/05-31",
        "106//05/31",
        "106/005/31",
        "106/05/031",
        "106/05/31/1",
        "民國",
        "民國二〇一七年",
        "一〇六年五月三十一日",
        "106年5月31日 上午",
        "２０１７-05-31x",
        "-106/05/31",
        "106/٥/31",  # 阿拉伯—印度數字不受理
    ],
)
def test_it_rejects_unreadable_formats(text: str) -> None:
    with pytest.raises(RocDateError) as info:
        parse_roc(text)
    message = str(info.value)
    assert message.startswith(MSG_FORMAT_PART)
    for example in ("106/05/31", "106.5.31", "106年5月31日", "2017-05-31"):
        assert example in message
    assert info.value.code == "invalid"


@pytest.mark.parametrize(
    "text",
    [
        "106/02/29",
        "106年2月29日",
        "106/13/01",
        "106/00/10",
        "106/04/31",
        "106/05/00",
        "2017-02-29",
        "189/02/29",
        " 106/02/30 ",
    ],
)
def test_it_rejects_dates_that_do_not_exist_naming_the_input(text: str) -> None:
    with pytest.raises(RocDateError) as info:
        parse_roc(text)
    assert str(info.value) == f"{text.strip()} 不是有效的日期"
    assert info.value.code == "invalid_date"


@pytest.mark.parametrize(
    "text",
    ["0/01/01", "000/05/31", "民國0年1月1日", "1911-12-31", "1911/01/01", "0106/05/31", "1900年1月1日", "0000-01-01"],
)
def test_it_rejects_dates_before_roc_year_one(text: str) -> None:
    with pytest.raises(RocDateError) as info:
        parse_roc(text)
    assert str(info.value) == MSG_BEFORE_ROC
    assert info.value.code == "before_roc"


@pytest.mark.parametrize(
    "text", ["10000-01-01", "民國8089年1月1日", "99999/1/1", "1" * 50 + "/1/1", "1" * 6000 + "-1-1"]
)
def test_it_rejects_years_beyond_python_date(text: str) -> None:
    with pytest.raises(RocDateError) as info:
        parse_roc(text)
    assert "年份超出可處理的範圍" in str(info.value)
    assert "9999" in str(info.value)
    assert info.value.code == "out_of_range"


def test_it_makes_roc_date_error_a_value_error() -> None:
    assert issubclass(RocDateError, ValueError)
    with pytest.raises(ValueError):
        parse_roc("不是日期")


# ---------------------------------------------------------------- 閏年與邊界


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("105/02/29", date(2016, 2, 29)),
        ("89/02/29", date(2000, 2, 29)),
        ("民國89年2月29日", date(2000, 2, 29)),
        ("189/02/28", date(2100, 2, 28)),
        ("1/01/01", date(1912, 1, 1)),
    ],
)
def test_it_accepts_leap_days_and_roc_year_one(text: str, expected: date) -> None:
    assert parse_roc(text) == expected


@pytest.mark.parametrize("text", ["106/02/29", "189/02/29", "2100-02-29"])
def test_it_rejects_non_leap_february_29(text: str) -> None:
    with pytest.raises(RocDateError, match="不是有效的日期"):
        parse_roc(text)


# ---------------------------------------------------------------- format_roc


@pytest.mark.parametrize(
    ("value", "style", "expected"),
    [
        (D, "slash", "106/05/31"),
        (D, "long", "106年5月31日"),
        (D, "month", "106年5月"),
        (date(1912, 1, 1), "slash", "1/01/01"),
        (date(1912, 1, 1), "long", "1年1月1日"),
        (date(1912, 1, 1), "month", "1年1月"),
        (date(2010, 12, 9), "slash", "99/12/09"),
        (date(2111, 12, 31), "slash", "200/12/31"),
        (date(2016, 2, 29), "long", "105年2月29日"),
        (date(9999, 12, 31), "slash", "8088/12/31"),
        (datetime(2017, 5, 31, 23, 59), "slash", "106/05/31"),  # naive：照原樣取日期
        (None, "slash", ""),
        (None, "long", ""),
        (None, "month", ""),
    ],
)
def test_it_formats_in_every_style(value: date | None, style: str, expected: str) -> None:
    assert format_roc(value, style) == expected


def test_it_formats_slash_by_default() -> None:
    assert format_roc(D) == "106/05/31"


def test_it_refuses_to_format_dates_before_roc_year_one() -> None:
    with pytest.raises(RocDateError, match="民國元年"):
        format_roc(date(1911, 12, 31))


def test_it_refuses_unknown_styles() -> None:
    with pytest.raises(ValueError, match="slash"):
        format_roc(D, "iso")


@pytest.mark.parametrize(
    ("utc_moment", "expected"),
    [
        (datetime(2017, 5, 30, 15, 59, tzinfo=UTC), "106/05/30"),
        (datetime(2017, 5, 30, 16, 0, tzinfo=UTC), "106/05/31"),  # 台北 00:00
        (datetime(2017, 5, 30, 23, 30, tzinfo=UTC), "106/05/31"),
        (datetime(2017, 5, 31, 15, 59, 59, tzinfo=UTC), "106/05/31"),  # 台北 23:59:59
        (datetime(2017, 5, 31, 16, 0, tzinfo=UTC), "106/06/01"),
        (datetime(2017, 12, 31, 16, 0, tzinfo=UTC), "107/01/01"),  # 跨年
    ],
)
def test_it_formats_aware_datetimes_in_taipei_time(utc_moment: datetime, expected: str) -> None:
    assert format_roc(utc_moment) == expected


def test_it_follows_the_active_time_zone() -> None:
    moment = datetime(2017, 5, 30, 16, 30, tzinfo=UTC)
    assert format_roc(moment) == "106/05/31"
    with timezone.override("UTC"):
        assert format_roc(moment) == "106/05/30"


# ---------------------------------------------------------------- 表單欄位


class _Form(forms.Form):
    when = RocDateField(label="日期")
    optional = RocDateField(label="選填日期", required=False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("106/05/31", D), ("民國106年5月31日", D), ("2017-05-31", D), (" １０６．５．３１ ", D)],
)
def test_it_cleans_valid_input_in_the_form_field(text: str, expected: date) -> None:
    form = _Form(data={"when": text, "optional": ""})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"when": expected, "optional": None}


@pytest.mark.parametrize(
    ("text", "message", "code"),
    [
        ("abc", MSG_FORMAT_PART, "invalid"),
        ("106/02/29", "106/02/29 不是有效的日期", "invalid_date"),
        ("1911-12-31", MSG_BEFORE_ROC, "before_roc"),
        ("10000-01-01", "年份超出可處理的範圍", "out_of_range"),
    ],
)
def test_it_reports_bad_input_in_chinese(text: str, message: str, code: str) -> None:
    form = _Form(data={"when": text})
    assert not form.is_valid()
    assert message in form.errors["when"][0]
    assert form.errors.as_data()["when"][0].code == code


@pytest.mark.parametrize("text", ["", "   "])
def test_it_requires_a_value_with_djangos_message(text: str) -> None:
    form = _Form(data={"when": text})
    assert not form.is_valid()
    assert form.errors["when"] == ["這個欄位是必須的。"]
    assert "optional" not in form.errors


def test_it_renders_an_initial_date_in_roc() -> None:
    html = str(_Form(initial={"when": D})["when"])
    assert 'value="106/05/31"' in html
    assert 'type="text"' in html
    assert 'placeholder="例：106/05/31"' in html


def test_it_renders_a_bound_date_in_roc() -> None:
    form = _Form(data={"when": "106/05/31"})
    assert 'value="106/05/31"' in str(form["when"])


def test_it_keeps_the_typed_text_when_input_is_bad() -> None:
    form = _Form(data={"when": "106/02/29"})
    assert not form.is_valid()
    assert 'value="106/02/29"' in str(form["when"])


def test_it_formats_values_in_the_widget() -> None:
    widget = RocDateInput()
    assert widget.format_value(D) == "106/05/31"
    assert widget.format_value(datetime(2017, 5, 30, 16, 30, tzinfo=UTC)) == "106/05/31"
    assert widget.format_value(date(1900, 1, 1)) == "1900-01-01"
    assert widget.format_value("民國106年5月31日") == "民國106年5月31日"
    assert widget.format_value(None) is None
    assert RocDateInput(attrs={"placeholder": "其他"}).attrs["placeholder"] == "其他"


def test_it_passes_dates_through_to_python() -> None:
    field = RocDateField()
    assert field.to_python(D) == D
    assert field.to_python(datetime(2017, 5, 30, 16, 30, tzinfo=UTC)) == D
    assert field.to_python("") is None


# ---------------------------------------------------------------- 樣板過濾器


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D, "106/05/31|106年5月31日|106年5月"),
        (datetime(2017, 5, 30, 16, 30, tzinfo=UTC), "106/05/31|106年5月31日|106年5月"),
        (None, "||"),
        ("", "||"),
        ("不是日期", "||"),
        (date(1900, 1, 1), "||"),
    ],
)
def test_it_renders_template_filters(value: object, expected: str) -> None:
    template = Template("{% load roc %}{{ d|roc }}|{{ d|roc_long }}|{{ d|roc_month }}")
    assert template.render(Context({"d": value})) == expected


def test_it_renders_template_filters_for_missing_variables() -> None:
    assert Template("{% load roc %}[{{ missing|roc }}]").render(Context({})) == "[]"


# ---------------------------------------------------------------- 性質測試

ROC_1 = date(1912, 1, 1)
ROC_200_END = date(2111, 12, 31)


@given(d=st.dates(min_value=ROC_1, max_value=ROC_200_END), style=st.sampled_from(["slash", "long"]))
def test_it_round_trips_every_date_from_roc_1_to_200(d: date, style: str) -> None:
    assert parse_roc(format_roc(d, style)) == d


@given(d=st.dates(min_value=ROC_1, max_value=ROC_200_END))
def test_it_round_trips_gregorian_iso_dates(d: date) -> None:
    assert parse_roc(d.isoformat()) == d


@given(text=st.text())
def test_it_only_ever_raises_roc_date_error(text: str) -> None:
    try:
        result = parse_roc(text)
    except RocDateError as err:
        assert str(err)
        assert err.code in {"empty", "invalid", "invalid_date", "before_roc", "out_of_range"}
    else:
        assert date(1912, 1, 1) <= result


_DIGITS = st.text(alphabet="0123456789０１２３４５６７８９", min_size=0, max_size=7)
_SEPARATORS = st.sampled_from(["/", ".", "-", "／", "．", "－", "。", "年", "月", "日", " ", ""])


@given(
    prefix=st.sampled_from(["", "民國", " "]),
    parts=st.lists(st.tuples(_DIGITS, _SEPARATORS), max_size=4),
)
def test_it_only_ever_raises_roc_date_error_on_date_like_text(
    prefix: str, parts: list[tuple[str, str]]
) -> None:
    text = prefix + "".join(digits + sep for digits, sep in parts)
    try:
        result = parse_roc(text)
    except RocDateError:
        pass
    else:
        assert ROC_1 <= result <= date(9999, 12, 31)
