"""Uploading a survey's results as xlsx: a header row 類別／受訪人數／滿意人數 and a row per category.

The sheet is read with openpyxl in read-only mode within the size and row limits of settings IMPORT_MAX_BYTES and
IMPORT_MAX_ROWS. Every row is checked first; any error (an unknown or repeated category, a number that is not a
whole number of 0 or more, 滿意 more than 受訪) is reported by row and column in Chinese and nothing is written.
Categories the file names are set; those it leaves out keep what they had. A category row with both numbers
blank is skipped (the template lists all five)."""

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from measures.importers import max_import_bytes, max_import_rows
from sq_portal.sheets import Cell, Exporter, Row
from sq_portal.spreadsheet_limits import SpreadsheetLimits, SpreadsheetTooLarge, check_spreadsheet

from .models import SatisfactionSurvey, SurveyResult
from .survey_writes import ResultFigures, survey_results_set

HEADERS = ["類別", "受訪人數", "滿意人數"]
HEADER_SEARCH_ROWS = 10
ALIASES = {"內部同仁": "internal", "內部同仁滿意": "internal", "專業性": "expertise", "服務專業": "expertise"}


class SurveyImportError(Exception):
    """The upload cannot be used; `errors` lists every problem, in Chinese, by row and column."""

    def __init__(self, errors: list[str]):
        super().__init__("；".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class ImportedRow:
    number: int  # Excel row
    category: str
    figures: ResultFigures


def category_of(text: str) -> str | None:
    text = "".join(text.split())
    for value, label in SurveyResult.Category.choices:
        if text in (label, value):
            return value
    return ALIASES.get(text)


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _count(value) -> tuple[int | None, str | None]:
    """A cell as a whole number of 0 or more: (number, None), (None, None) when blank, or (None, error)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, bool):
        return None, "須為整數。"
    if isinstance(value, float):
        if not value.is_integer():
            return None, f"「{value:g}」不是整數。"
        value = int(value)
    if isinstance(value, str):
        text = value.strip().replace(",", "")
        if not text.lstrip("-").isdigit():
            return None, f"「{value.strip()[:20]}」不是整數。"
        value = int(text)
    if not isinstance(value, int):
        return None, "須為整數。"
    if value < 0:
        return None, f"不可為負數（{value}）。"
    return value, None


def read_results(data: bytes) -> list[ImportedRow]:
    """The rows of an uploaded xlsx, or SurveyImportError listing every error."""
    if not data:
        raise SurveyImportError(["檔案是空的。"])
    if len(data) > max_import_bytes():
        raise SurveyImportError([f"檔案大小 {len(data) / 1048576:.1f} MB，超過匯入上限 {max_import_bytes() / 1048576:.0f} MB。"])
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise SurveyImportError(["檔案已加密或為舊版 Excel（.xls）格式；請移除密碼並另存為 .xlsx 後再上傳。"])
    try:
        check_spreadsheet(data, SpreadsheetLimits(rows=max_import_rows() + HEADER_SEARCH_ROWS))  # before parsing
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except SpreadsheetTooLarge as error:  # a ValueError: caught before the clause below
        raise SurveyImportError([str(error)]) from None
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError, IndexError):
        raise SurveyImportError(["無法讀取此檔案：請上傳 Excel 活頁簿（.xlsx）。"]) from None
    try:
        return _rows(workbook.worksheets[0].iter_rows(values_only=True))
    finally:
        workbook.close()


def _rows(sheet_rows: Iterator[tuple]) -> list[ImportedRow]:
    limit = max_import_rows()
    header_row, columns = None, {}
    rows, errors, seen = [], [], {}
    for number, values in enumerate(sheet_rows, start=1):
        if header_row is None:
            texts = ["".join(_text(v).split()) for v in values]
            if all(name in texts for name in HEADERS):
                header_row, columns = number, {name: texts.index(name) for name in HEADERS}
            elif number >= HEADER_SEARCH_ROWS:
                break
            continue
        if number - header_row > limit:
            raise SurveyImportError([f"資料列數超過匯入上限 {limit} 列。"])

        cells = {name: values[index] if index < len(values) else None for name, index in columns.items()}
        at = {name: f"第 {number} 列 {get_column_letter(index + 1)} 欄（{name}）" for name, index in columns.items()}
        category_text = _text(cells["類別"])
        respondents, respondents_error = _count(cells["受訪人數"])
        satisfied, satisfied_error = _count(cells["滿意人數"])
        blank_numbers = respondents is None and satisfied is None and not respondents_error and not satisfied_error
        if not category_text:
            if not blank_numbers:
                errors.append(f"{at['類別']}：未填類別。")
            continue
        category = category_of(category_text)
        row_errors = []
        if category is None:
            names = "、".join(str(label) for _, label in SurveyResult.Category.choices)
            row_errors.append(f"{at['類別']}：沒有「{category_text[:20]}」這個類別（可用：{names}）。")
        elif category in seen:
            row_errors.append(f"{at['類別']}：與第 {seen[category]} 列重複。")
        else:
            seen[category] = number
        if blank_numbers:
            errors.extend(row_errors)
            continue  # a category listed without figures: nothing to set
        for name, value, error in (("受訪人數", respondents, respondents_error), ("滿意人數", satisfied, satisfied_error)):
            if error:
                row_errors.append(f"{at[name]}：{error}")
            elif value is None:
                row_errors.append(f"{at[name]}：未填{name}（沒有時填 0）。")
        if not row_errors and satisfied > respondents:
            row_errors.append(f"{at['滿意人數']}：滿意人數（{satisfied}）不可多於受訪人數（{respondents}）。")
        errors.extend(row_errors)
        if not row_errors:
            rows.append(ImportedRow(number, category, ResultFigures(respondents, satisfied)))
    if header_row is None:
        raise SurveyImportError([f"找不到表頭列：前 {HEADER_SEARCH_ROWS} 列中須有一列含「{'、'.join(HEADERS)}」（或下載範本填寫）。"])
    if errors:
        raise SurveyImportError(errors)
    if not rows:
        raise SurveyImportError(["表頭以下沒有任何填了人數的資料列。"])
    return rows


def import_survey_results(*, survey: SatisfactionSurvey, data: bytes, user) -> list[ImportedRow]:
    """Read the upload and set the categories it names (all or nothing); SurveyImportError on any error."""
    rows = read_results(data)
    survey_results_set(survey=survey, user=user, results={row.category: row.figures for row in rows})
    return rows


class SurveyResultTemplate(Exporter):
    """The upload template: the header row and one row per category, numbers left blank."""

    identifier = "survey-results-template"
    name = "滿意度調查結果"
    header_rows = 1

    def title(self) -> str:
        return "滿意度調查結果匯入範本"

    def column_widths(self) -> list[float]:
        return [20, 12, 12]

    def rows(self) -> Iterator[Row]:
        yield Row([Cell(header) for header in HEADERS], kind="header")
        for _, label in SurveyResult.Category.choices:
            yield Row([Cell(str(label)), Cell(None), Cell(None)])
