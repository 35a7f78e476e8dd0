"""Importing measures from an xlsx: the 附表2 layout as the bureau receives it, or the flat template.

The file is measured first (sq_portal.spreadsheet_limits), read with openpyxl (merged 構面/項目 cells filled
down), then handed to a django-import-export resource: a dry run says, row by row with its Excel row number, what
will be added or changed and every error by row and column in Chinese; a confirmed run writes every row or none
(measure_writes.measures_bulk_save: bulk inserts with their history, in queries that do not grow with the rows)."""

import io
import zipfile
from dataclasses import dataclass, field
from datetime import date

import tablib
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from import_export import fields, resources, widgets
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from diagnosis.models import FocusPoint, Item, Plan
from sq_portal.roc_dates import RocDateError, parse_roc
from sq_portal.spreadsheet_limits import SpreadsheetLimits, SpreadsheetTooLarge, check_spreadsheet

from .measure_writes import MeasureRowWrite, StaleMeasures, default_listed_on, measures_bulk_save
from .models import Measure
from .unit_names import UnitNameError, UnitNameIndex

REQUIRED = ["構面名稱", "項目", "措施名稱", "措施內容", "承辦單位"]
OPTIONAL = ["評核重點", "完成期限"]
TEMPLATE_HEADERS = ["構面名稱", "項目", "評核重點", "措施名稱", "措施內容", "承辦單位", "完成期限"]
ONGOING_TEXT = "賡續辦理"
KEEP = object()  # the sheet has no such column: leave the field as it is
HEADER_SEARCH_ROWS = 10


class ImportFileError(Exception):
    """The file as a whole cannot be imported; the message says why, in Chinese."""


def max_import_bytes() -> int:
    return getattr(settings, "IMPORT_MAX_BYTES", 5 * 1024 * 1024)


def max_import_rows() -> int:
    return getattr(settings, "IMPORT_MAX_ROWS", 10_000)


@dataclass
class Sheet:
    headers: list[str]
    columns: dict[str, str]  # header → Excel column letter
    rows: list[tuple[int, dict]]  # (Excel row number, header → value)


def read_sheet(data: bytes) -> Sheet:
    """The measures table of an uploaded xlsx, or ImportFileError in Chinese."""
    if not data:
        raise ImportFileError("檔案是空的。")
    if len(data) > max_import_bytes():
        raise ImportFileError(
            f"檔案大小 {len(data) / 1048576:.1f} MB，超過匯入上限 {max_import_bytes() / 1048576:.0f} MB。"
        )
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError("檔案已加密或為舊版 Excel（.xls）格式；請移除密碼並另存為 .xlsx 後再上傳。")
    try:
        check_spreadsheet(data, SpreadsheetLimits(rows=max_import_rows() + HEADER_SEARCH_ROWS))  # before parsing
        workbook = load_workbook(io.BytesIO(data), data_only=True)
    except SpreadsheetTooLarge as error:  # a ValueError: caught before the clause below
        raise ImportFileError(str(error)) from None
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError, IndexError):
        raise ImportFileError("無法讀取此檔案：請上傳 Excel 活頁簿（.xlsx）。") from None
    sheet = workbook.worksheets[0]
    if sheet.max_row > max_import_rows() + HEADER_SEARCH_ROWS:
        raise ImportFileError(f"資料列數 {sheet.max_row} 超過匯入上限 {max_import_rows()} 列。")
    grid = [[cell for cell in row] for row in sheet.iter_rows(min_row=1, max_row=sheet.max_row)]
    for merged in list(sheet.merged_cells.ranges):
        value = sheet.cell(row=merged.min_row, column=merged.min_col).value
        for r in range(merged.min_row, merged.max_row + 1):
            for c in range(merged.min_col, merged.max_col + 1):
                if r - 1 < len(grid) and c - 1 < len(grid[r - 1]):
                    grid[r - 1][c - 1] = _Filled(value)
    header_row, headers = None, []
    for index, row in enumerate(grid[:HEADER_SEARCH_ROWS], start=1):
        texts = [_text(cell.value) for cell in row]
        if all(name in texts for name in REQUIRED):
            header_row, headers = index, texts
            break
    if header_row is None:
        raise ImportFileError(
            "找不到表頭列：前 10 列中須有一列依序含「" + "、".join(REQUIRED) + "」（或下載範本填寫）。"
        )
    columns = {name: get_column_letter(i + 1) for i, name in enumerate(headers) if name in REQUIRED + OPTIONAL}
    rows = []
    for offset, row in enumerate(grid[header_row:], start=header_row + 1):
        values = {name: _text(row[i].value) if i < len(row) else "" for i, name in enumerate(headers) if name in columns}
        if any(values.values()):
            rows.append((offset, values))
    if not rows:
        raise ImportFileError("表頭以下沒有任何資料列。")
    return Sheet(headers=[h for h in headers if h in columns], columns=columns, rows=rows)


@dataclass(frozen=True)
class _Filled:
    value: object


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value).replace("\r\n", "\n").strip()


class MeasureResource(resources.ModelResource):
    """One row of 附表2 (or the flat template) as a measure of `plan`; a row matching an existing measure
    of the same 項目 and 措施名稱 updates it."""

    dimension = fields.Field(attribute=None, column_name="構面名稱", readonly=True)
    item = fields.Field(attribute="item", column_name="項目", widget=widgets.Widget())
    focus_point = fields.Field(attribute="focus_point", column_name="評核重點", widget=widgets.Widget())
    name = fields.Field(attribute="name", column_name="措施名稱")
    content = fields.Field(attribute="content", column_name="措施內容")
    units = fields.Field(attribute="responsible_text", column_name="承辦單位")
    deadline = fields.Field(attribute="deadline", column_name="完成期限", widget=widgets.Widget())

    class Meta:
        model = Measure
        fields = ("dimension", "item", "focus_point", "name", "content", "units", "deadline")
        import_id_fields = ()
        skip_unchanged = False
        skip_diff = True  # the preview is ours; import-export's HTML diff costs most of the time
        clean_model_instances = False
        use_transactions = True
        # Rows are checked one by one but written together at the end (see bulk_create): no savepoint and no
        # INSERT per row, so a confirmed import runs a number of queries that does not grow with its rows.
        use_bulk = True
        batch_size = None

    def __init__(self, *, plan: Plan | None = None, source: str = Measure.Source.FORM2, user=None, **kwargs):
        super().__init__()
        self.plan = plan
        self.source = source
        self.user = user
        self.sheet_rows: list[int] | None = None
        if plan is None:
            return  # the admin only lists the fields before a plan is chosen
        self.items = {
            (item.dimension.name, item.name): item
            for item in Item.objects.filter(dimension__plan=plan).select_related("dimension")
        }
        self.focus_points = {
            (fp.item_id, fp.name): fp for fp in FocusPoint.objects.filter(item__dimension__plan=plan)
        }
        self.unit_index = UnitNameIndex(plan)
        self.existing = {
            (m.item_id, m.name): m
            for m in Measure.objects.filter(plan=plan, source=source).prefetch_related("lead_units", "support_units")
        }
        self.next_position = max((m.position for m in self.existing.values()), default=0) + 1
        self.listed_on = default_listed_on(plan)  # once: reading the current time zone costs per row
        self.parsed = {}
        self.snapshots = {}
        self.seen: dict[tuple[int, str], int] = {}
        self.row_numbers: dict[int, int] = {}  # id(row) → Excel row, set while importing
        self.pending: list[MeasureRowWrite] = []  # rows to write once every row is checked
        self.pending_rows: dict[int, int] = {}  # id(measure) → Excel row

    def excel_row(self, row) -> int:
        return self.row_numbers.get(id(row), 0)

    def before_import_row(self, row, **kwargs):
        # import-export numbers rows from 1 in dataset order; the sheet knows their Excel rows (in the admin,
        # the header is Excel row 1 and the data follow it).
        number = kwargs["row_number"]
        self.row_numbers[id(row)] = self.sheet_rows[number - 1] if self.sheet_rows else number + 1

    COMPARED = ["item_id", "focus_point_id", "name", "content", "responsible_text", "all_units", "ongoing", "deadline"]

    def _snapshot(self, measure: Measure) -> tuple:
        return (
            tuple(getattr(measure, f) for f in self.COMPARED),
            [u.pk for u in measure.lead_units.all()],
            [u.pk for u in measure.support_units.all()],
        )

    # --- reading a row -------------------------------------------------------------------------
    def _resolve(self, row) -> tuple[dict, dict]:
        errors: dict[str, list[str]] = {}
        values: dict = {}
        dimension, item_name = row.get("構面名稱", ""), row.get("項目", "")
        item = self.items.get((dimension, item_name))
        if not dimension:
            errors.setdefault("構面名稱", []).append("未填構面名稱。")
        elif not any(d == dimension for d, _ in self.items):
            errors.setdefault("構面名稱", []).append(f"計畫中沒有構面「{dimension}」。")
        elif item is None:
            errors.setdefault("項目", []).append(f"構面「{dimension}」下沒有評核項目「{item_name}」。")
        values["item"] = item
        point = row.get("評核重點", "")
        values["focus_point"] = KEEP if "評核重點" not in row else None
        if point and item is not None:
            values["focus_point"] = self.focus_points.get((item.pk, point))
            if values["focus_point"] is None:
                errors.setdefault("評核重點", []).append(f"評核項目「{item_name}」下沒有評核重點「{point}」。")
        name = row.get("措施名稱", "")
        if not name:
            errors.setdefault("措施名稱", []).append("未填措施名稱。")
        elif len(name) > 200:
            errors.setdefault("措施名稱", []).append(f"措施名稱最多 200 字（目前 {len(name)} 字）。")
        values["name"] = name
        if item is not None and name:
            earlier = self.seen.setdefault((item.pk, name), self.excel_row(row))
            if earlier != self.excel_row(row):
                errors.setdefault("措施名稱", []).append(f"與第 {earlier} 列重複（同一評核項目下的措施名稱相同）。")
        units_text = row.get("承辦單位", "")
        try:
            values["units"] = self.unit_index.parse(units_text, self.source)
        except UnitNameError as error:
            errors.setdefault("承辦單位", []).append(f"{error}。")
        if len(units_text) > 300:
            errors.setdefault("承辦單位", []).append("承辦單位最多 300 字。")
        deadline_text = row.get("完成期限", "")
        values["ongoing"], values["deadline"] = (KEEP, KEEP) if "完成期限" not in row else (False, None)
        if deadline_text == ONGOING_TEXT:
            values["ongoing"] = True
        elif deadline_text:
            try:
                values["deadline"] = parse_roc(deadline_text)
            except RocDateError as error:
                errors.setdefault("完成期限", []).append(str(error))
            else:
                if not (self.plan.start_date <= values["deadline"] <= self.plan.end_date):
                    errors.setdefault("完成期限", []).append("完成期限應在計畫執行期程內。")
        return values, errors

    def get_or_init_instance(self, instance_loader, row):
        values, errors = self._resolve(row)
        self.parsed[id(row)] = (values, errors)
        existing = self.existing.get((values["item"].pk, values["name"])) if values.get("item") else None
        if existing is not None:
            self.snapshots[id(row)] = self._snapshot(existing)
            return existing, False
        return Measure(plan=self.plan, source=self.source, listed_on=None), True

    def import_instance(self, instance, row, **kwargs):
        values, errors = self.parsed[id(row)]
        if errors:
            raise ValidationError(errors)
        instance.item = values["item"]
        if values["focus_point"] is not KEEP:
            instance.focus_point = values["focus_point"]
        instance.name = values["name"]
        instance.content = row.get("措施內容", "")
        parsed_units = values["units"]
        instance.responsible_text = parsed_units.text
        instance.all_units = parsed_units.all_units
        if values["ongoing"] is not KEEP:
            instance.ongoing = values["ongoing"]
            instance.deadline = values["deadline"]
        if instance.pk is None:
            instance.position = self.next_position
            self.next_position += 1
            instance.listed_on = self.listed_on

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """An existing measure the row leaves exactly as it is: reported as 無變更 and not saved."""
        before = self.snapshots.pop(id(row), None)
        if import_validation_errors or before is None:
            return False
        parsed_units = self.parsed[id(row)][0]["units"]
        after = (
            tuple(getattr(instance, f) for f in self.COMPARED),
            [u.pk for u in parsed_units.lead],
            [u.pk for u in parsed_units.support],
        )
        if after != before:
            return False
        self.parsed.pop(id(row))
        return True

    def save_instance(self, instance, is_create, row, **kwargs):
        """Keep the checked row for bulk_create; a dry run only checks and classifies the rows."""
        values, _ = self.parsed.pop(id(row))
        if kwargs.get("dry_run"):
            return
        units = values["units"]
        self.pending.append(MeasureRowWrite(measure=instance, lead_units=units.lead, support_units=units.support))
        self.pending_rows[id(instance)] = self.excel_row(row)

    def save_m2m(self, instance, row, **kwargs):
        """The units are written with the measures in bulk_create."""

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        """Write every checked row at once (import-export calls this after the last row)."""
        pending, self.pending = self.pending, []
        if dry_run or not pending or (result is not None and (result.has_errors() or result.has_validation_errors())):
            return
        try:
            measures_bulk_save(plan=self.plan, rows=pending, user=self.user)
        except StaleMeasures as stale:
            rows = "、".join(str(self.pending_rows.get(id(m), "?")) for m in stale.measures)
            self.handle_import_error(
                result, ImportWriteError(f"第 {rows} 列的措施在匯入期間已被其他人修改，未寫入任何資料；請重新上傳試算。"), raise_errors
            )
        except Exception as error:  # reported like a row that cannot be written; nothing is kept
            self.handle_import_error(result, error, raise_errors)

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        """Changed rows are written by bulk_create."""

    def bulk_delete(self, using_transactions, dry_run, raise_errors, result=None):
        """An import never deletes."""


class ImportWriteError(Exception):
    """The checked rows could not be written; the message says why, in Chinese."""


@dataclass
class ImportRowReport:
    number: int  # Excel row
    action: str  # 新增 / 更新 / 錯誤
    values: dict
    errors: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    rows: list[ImportRowReport]
    errors: list[str]  # "第 N 列 X 欄（欄名）：訊息"

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def added(self) -> int:
        return sum(r.action == "新增" for r in self.rows)

    @property
    def changed(self) -> int:
        return sum(r.action == "更新" for r in self.rows)


def import_measures(*, plan: Plan, data: bytes, user, dry_run: bool) -> ImportReport:
    """Import the measures of an xlsx into `plan` (a dry run writes nothing; a real run writes all or none)."""
    sheet = read_sheet(data)
    dataset = tablib.Dataset(headers=list(sheet.columns))
    for _, values in sheet.rows:
        dataset.append([values.get(name, "") for name in sheet.columns])
    resource = MeasureResource(plan=plan, user=user)
    resource.sheet_rows = [number for number, _ in sheet.rows]
    with transaction.atomic():
        result = resource.import_data(
            dataset, dry_run=dry_run, use_transactions=True, rollback_on_validation_errors=True, raise_errors=False
        )
        report = _report(sheet, result)
        if not report.ok or dry_run:
            transaction.set_rollback(True)
    return report


def _report(sheet: Sheet, result) -> ImportReport:
    rows, errors = [], []
    labels = {"new": "新增", "update": "更新", "skip": "無變更", "invalid": "錯誤", "error": "錯誤"}
    for (number, values), row_result in zip(sheet.rows, result.rows, strict=True):
        row_errors = []
        if row_result.validation_error is not None:
            for column, messages in row_result.validation_error.message_dict.items():
                letter = sheet.columns.get(column, "")
                for message in messages:
                    text = f"第 {number} 列 {letter} 欄（{column}）：{message}" if letter else f"第 {number} 列：{message}"
                    row_errors.append(text)
        for error in row_result.errors:
            row_errors.append(f"第 {number} 列：無法寫入（{type(error.error).__name__}）")
        errors.extend(row_errors)
        rows.append(ImportRowReport(number, labels.get(row_result.import_type, row_result.import_type), values, row_errors))
    for error in result.base_errors:
        errors.append(str(error.error) if isinstance(error.error, ImportWriteError) else f"無法寫入（{type(error.error).__name__}）")
    return ImportReport(rows=rows, errors=errors)


def template_workbook() -> bytes:
    """The flat template: one header row, an example row showing the 民國 date and 賡續辦理."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "措施"
    sheet.append(TEMPLATE_HEADERS)
    sheet.append(["基礎服務", "服務友善", "服務設施合宜程度", "（範例）提供友善服務設施", "一、……\n二、……", "行政組 秘書室各單位", "106/06/30"])
    sheet.append(["服務遞送", "服務可近性", "", "（範例）主動服務", "……", "秘書室偵查隊各單位", "賡續辦理"])
    for column, width in zip("ABCDEFG", [12, 16, 22, 30, 60, 20, 12], strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
