"""An uploaded xlsx is measured before it is parsed: parts' uncompressed sizes, then rows and columns, streaming."""

import io
import time
import tracemalloc
import zipfile

import pytest
from openpyxl import Workbook

from measures.importers import ImportFileError, read_sheet
from sq_portal.spreadsheet_limits import SpreadsheetLimits, SpreadsheetTooLarge, check_spreadsheet


def xlsx(rows: list[list]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def with_huge_shared_strings(megabytes: int) -> bytes:
    """A real small workbook with a shared strings part of `megabytes` MB of one repeated letter: a few hundred
    kilobytes on disk."""
    source = zipfile.ZipFile(io.BytesIO(xlsx([["措施名稱"], ["甲"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != "xl/sharedStrings.xml":
                target.writestr(info.filename, source.read(info))
        target.writestr("xl/sharedStrings.xml", b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                        b"<si><t>" + b"a" * (megabytes * 1024 * 1024) + b"</t></si></sst>")
    return out.getvalue()


def test_a_small_file_with_a_huge_part_is_refused_before_it_is_parsed():
    data = with_huge_shared_strings(50)
    assert len(data) < 1024 * 1024
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(ImportFileError) as refused:
            read_sheet(data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "xl/sharedStrings.xml" in str(refused.value) and "解壓縮後 50 MB，超過上限" in str(refused.value)
    assert peak < 20 * 1024 * 1024 and time.monotonic() - started < 2


def test_rows_and_columns_are_counted_while_streaming():
    limits = SpreadsheetLimits(rows=100, columns=10)
    check_spreadsheet(xlsx([[f"x{c}" for c in range(10)] for _ in range(100)]), limits)  # at the limits: fine
    with pytest.raises(SpreadsheetTooLarge, match="資料超過 100 列"):
        check_spreadsheet(xlsx([["x"] for _ in range(101)]), limits)
    with pytest.raises(SpreadsheetTooLarge, match="第 3 列超過 10 欄"):
        check_spreadsheet(xlsx([["x"], ["y"], ["z"] * 11]), limits)


def test_the_whole_uncompressed_size_is_bounded_too():
    with pytest.raises(SpreadsheetTooLarge, match="解壓縮後共"):
        check_spreadsheet(with_huge_shared_strings(3), SpreadsheetLimits(rows=10, part_bytes=5 * 1024 * 1024,
                                                                          total_bytes=2 * 1024 * 1024))


def test_what_is_not_a_workbook_is_left_to_the_importer():
    check_spreadsheet(b"junk", SpreadsheetLimits(rows=10))
    with pytest.raises(ImportFileError, match="無法讀取此檔案"):
        read_sheet(b"junk")


@pytest.mark.django_db
def test_the_survey_upload_is_bounded_the_same_way():
    from assessments.survey_imports import SurveyImportError, read_results

    with pytest.raises(SurveyImportError) as refused:
        read_results(with_huge_shared_strings(50))
    assert "解壓縮後 50 MB，超過上限" in str(refused.value.errors)
