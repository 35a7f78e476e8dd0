"""附表1 and 附表2 exports in the official layout, xlsx and ods, read back cell by cell."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from measures.exporters import Form1Exporter, Form2Exporter
from measures.models import Measure
from sq_portal.sheets import OdsRenderer, XlsxRenderer
from sq_portal.sheets.page import MIN_PRINTED_SIZE, print_layout
from tests.sheets import ods_grid, xlsx_sheet, xlsx_values
from tests.sheets_print import TOOLS_MISSING, print_problems, printed_pages
from tests.test_plan_106_fixtures import SEED_FORM2

from .conftest import copy_measures, count_queries

pytestmark = pytest.mark.django_db

FORM2_TITLE = "臺北市政府警察局士林分局 106 年提升服務品質組織診斷具體作法措施調查表"
FORM2_HEADERS = ["構面名稱", "項目", "措施名稱", "措施內容", "承辦單位"]


def joined(rows: list[list], key: int, text: int) -> list[list]:
    """Rows as the exporter wrote them: a row the print layout added to continue a cell too tall for a page
    (its `text` cell goes on; every other cell is empty, merged from above, or repeats the row's text after a
    page break) joined back to the row above."""
    out, seen = [], []  # seen: the row above as a reader sees it (merged cells filled)
    for row in rows:
        continues = out and row[text] is not None and row[key] in (None, seen[key]) and all(
            v is None or v == seen[c] for c, v in enumerate(row) if c != text
        )
        if continues:
            out[-1] = [*out[-1][:text], f"{out[-1][text]}\n{row[text]}", *out[-1][text + 1 :]]
        else:
            out.append(list(row))
            seen = [v if v is not None or not seen else seen[c] for c, v in enumerate(row)]
    return out


def filled(rows: list[list], merged_columns=(0, 1)) -> list[list]:
    """Fill the cells merged downward (構面, 項目) from the row above, as a reader sees the table."""
    out = []
    for r, row in enumerate(rows):
        out.append([
            out[r - 1][c] if value is None and c in merged_columns and r else value for c, value in enumerate(row)
        ])
    return out


def test_form2_xlsx_is_the_seeds_table(plan_106):
    sheet = xlsx_sheet(XlsxRenderer().render(Form2Exporter(plan_106)))
    values = xlsx_values(sheet)
    assert values[0][0] == "附表2"
    assert values[1][0] == FORM2_TITLE
    assert values[2] == FORM2_HEADERS
    body = filled(joined(values[3:], key=2, text=3))
    assert [(r[0], r[1], r[2], r[4] or "") for r in body] == [(d, i, n, u) for d, i, n, u, _, _ in SEED_FORM2]
    assert body[1][3].splitlines()[0].startswith("一、本分局提供「核心設施」(含法定設施)")
    # 附表2 and the title across the table; 構面 merged over its rows (whose values `body` checked), never across a
    # page break (the next page repeats it)
    breaks = {brk.id for brk in sheet.row_breaks.brk}  # a break after row id
    merges = list(sheet.merged_cells.ranges)
    assert {"A1:E1", "A2:E2"} <= {str(r) for r in merges}
    down = [r for r in merges if r.min_col == r.max_col == 1 and r.min_row > 3]
    assert down, "no 構面 merged over its rows"
    for merged in down:
        assert not any(merged.min_row <= brk < merged.max_row for brk in breaks), merged
    assert sheet["A5"].border.left.style == "thin" and sheet["E14"].border.bottom.style == "thin"
    assert sheet["D5"].alignment.wrap_text and sheet.row_dimensions[5].height > 100
    assert sheet["D5"].font.name == "標楷體" and sheet["A2"].font.name == "標楷體" and sheet["A3"].font.b
    assert sheet.freeze_panes == "A4"
    assert sheet.page_setup.orientation == "landscape" and str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4
    assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$1:$3"
    assert sheet.oddFooter.center.text == "第 &P 頁，共 &N 頁"
    assert sheet.column_dimensions["D"].width > sheet.column_dimensions["A"].width


def test_form2_ods_has_the_same_cells_and_merges(plan_106):
    exporter = Form2Exporter(plan_106)
    xlsx = xlsx_values(xlsx_sheet(XlsxRenderer().render(exporter)))
    rows, merges = ods_grid(OdsRenderer().render(Form2Exporter(plan_106)))
    normalise = lambda grid: [[v if v not in ("",) else None for v in row] for row in grid]  # noqa: E731
    assert normalise(rows) == normalise(xlsx)
    assert set(merges) == {str(r) for r in xlsx_sheet(XlsxRenderer().render(exporter)).merged_cells.ranges}


def test_form1_has_a_section_per_dimension_with_its_points(plan_106):
    sheet = xlsx_sheet(XlsxRenderer().render(Form1Exporter(plan_106)))
    values = xlsx_values(sheet)
    assert values[0][0] == "附表1" and values[1][0] == "警察局提升服務品質組織診斷具體作法表"
    assert sheet.print_title_rows == "$1:$3"
    sections = [row[0] for row in values if row[0] and row[0][1:2] == "、" and "構面" in row[0]]
    assert sections == [
        "一、個別評核構面-基礎服務（200 分）",
        "二、個別評核構面-服務遞送（300 分）",
        "三、個別評核構面-服務量能（200 分）",
        "四、個別評核構面-服務評價（200 分）",
        "五、整體評核構面-開放創新（100 分）",
    ]
    assert values[2] == ["評核項目", "評核重點", "具體作法", "完成期限", "承辦單位"]
    assert values[3][0] == "一、個別評核構面-基礎服務（200 分）"
    body = filled(joined(values[4:], key=1, text=2)[:4], merged_columns=(0,))
    assert [r[0] for r in body] == ["服務一致及正確"] * 4
    assert [r[1] for r in body] == ["申辦業務標準作業流程訂定情形", "服務及時性", "服務人員專業度", "其他服務作法"]
    assert body[1][2].splitlines()[3].startswith("1. 本局各分局網站—申請案件均連結")
    assert body[1][3] == "賡續辦理"
    assert body[1][4] == "各分局、大隊、隊、公關室、外事科、督察室、資訊室、勤指中心、秘書室"
    # 服務一致及正確 merged over its four focus points, page by page (a page break starts the cell again)
    down = {r.min_row: r.max_row for r in sheet.merged_cells.ranges if r.min_col == r.max_col == 1}
    last, row = next(i for i, r in enumerate(values, start=1) if r[1] == "其他服務作法"), 5
    while row <= last:
        assert values[row - 1][0] == "服務一致及正確"
        row = down.get(row, row) + 1
    assert any(5 <= top < bottom <= last for top, bottom in down.items())
    merges = {str(r) for r in sheet.merged_cells.ranges}
    overall = values.index(["五、整體評核構面-開放創新（100 分）", None, None, None, None])
    assert values[overall + 1][0] == "評核重點" and values[overall + 1][2] == "具體作法"
    assert values[overall + 2][0] == "開放參與" and values[overall + 2][2].startswith("一、提供單一窗口服務")
    assert f"A{overall + 3}:B{overall + 3}" in merges and f"C{overall + 3}:E{overall + 3}" in merges
    empty_row = [r for r in filled(values[4:], merged_columns=(0,)) if r[0] == "服務友善" and r[1] == "其他服務作法"][0]
    assert empty_row[2:] == [None, None, None]


def test_no_cell_from_user_text_is_a_formula(plan_106):
    measure = plan_106.measures.get(source=Measure.Source.FORM2, name="主動服務")
    measure.name = "=HYPERLINK(\"http://evil\",\"x\")"
    measure.content = "+1-1\x07\x1b鈴"
    measure.responsible_text = "@SUM(A1)"
    measure.save()
    sheet = xlsx_sheet(XlsxRenderer().render(Form2Exporter(plan_106)))
    row = next(r for r in sheet.iter_rows(min_row=3) if r[2].value and r[2].value.startswith("=HYPERLINK"))
    assert row[2].data_type == "s" and row[2].quotePrefix
    assert row[3].value == "+1-1鈴" and row[3].quotePrefix
    assert row[4].value == "@SUM(A1)" and row[4].data_type == "s"
    rows, _ = ods_grid(OdsRenderer().render(Form2Exporter(plan_106)))
    assert any(v == "=HYPERLINK(\"http://evil\",\"x\")" for r in rows for v in r)


@pytest.mark.parametrize(("form", "extension"), [(1, "xlsx"), (1, "ods"), (2, "xlsx"), (2, "ods")])
def test_staff_and_viewers_download_the_forms(client, user, form, extension):
    for username in ["secretariat", "viewer"]:
        client.force_login(user(username))
        response = client.get(reverse("measures:form_download", kwargs={"year": 106, "form": form, "extension": extension}))
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment; filename*=UTF-8''")
        assert response["Content-Type"] == {"xlsx": XlsxRenderer.content_type, "ods": OdsRenderer.content_type}[extension]


def test_outsiders_and_bad_urls_get_404(client, user, outsider):
    url = reverse("measures:form_download", kwargs={"year": 106, "form": 2, "extension": "xlsx"})
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(user("viewer"))
    assert client.get(reverse("measures:form_download", kwargs={"year": 106, "form": 3, "extension": "xlsx"})).status_code == 404
    assert client.get(reverse("measures:form_download", kwargs={"year": 106, "form": 2, "extension": "csv"})).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


@pytest.mark.parametrize("form", [1, 2])
def test_exports_cost_the_same_queries_with_ten_times_the_measures(client, user, plan_106, form):
    client.force_login(user("viewer"))
    url = reverse("measures:form_download", kwargs={"year": 106, "form": form, "extension": "xlsx"})
    before = count_queries(lambda: client.get(url))
    copy_measures(plan_106)
    responses = []
    assert count_queries(lambda: responses.append(client.get(url))) == before
    assert responses[0].status_code == 200


def test_the_command_writes_each_form(tmp_path, plan_106):
    for form in (1, 2):
        for extension in ("xlsx", "ods"):
            target = tmp_path / f"附表{form}.{extension}"
            out = StringIO()
            call_command("export_form", "--plan", "106", "--form", str(form), "--format", extension, "-o", str(target), stdout=out)
            assert target.stat().st_size > 1000 and "已匯出" in out.getvalue()
    with pytest.raises(CommandError, match="找不到 105 年度的計畫"):
        call_command("export_form", "--plan", "105", "--form", "2")
    with pytest.raises(CommandError, match="無法寫入"):
        call_command("export_form", "--plan", "106", "--form", "2", "-o", str(tmp_path / "no" / "dir" / "x.xlsx"))


@pytest.mark.skipif(TOOLS_MISSING is not None, reason=TOOLS_MISSING or "")
def test_every_export_prints_whole_from_libreoffice(tmp_path, plan_106, user):
    """Each exporter, in both formats, converted by LibreOffice in one call: every page holds the header rows,
    its rows' text character for character (nothing cut) and 「第 N 頁，共 M 頁」; no page is empty or ends with
    a heading; text that looks like a formula prints as typed."""
    from assessments.exporters import ControlSheetExporter
    from assessments.review_writes import review_open
    from assessments.survey_imports import SurveyResultTemplate
    from assessments.team_exporter import TeamExporter

    measure = plan_106.measures.get(source=Measure.Source.FORM2, name="主動服務")
    measure.name = "=HYPERLINK(\"http://evil\",\"x\")"
    measure.responsible_text = "@SUM(A1)"
    measure.save()
    review = review_open(plan=plan_106, user=user("secretariat"), title="106年5月份", as_of=date(2017, 5, 31), meeting_date=date(2017, 6, 5))
    exporters = [Form1Exporter(plan_106), Form2Exporter(plan_106), TeamExporter(plan_106), ControlSheetExporter(review), SurveyResultTemplate()]
    files = {}
    for exporter in exporters:
        assert print_layout(exporter).printed_size >= MIN_PRINTED_SIZE, exporter
        for renderer in (XlsxRenderer(), OdsRenderer()):
            source = tmp_path / f"{exporter.identifier}-{renderer.extension}.{renderer.extension}"
            source.write_bytes(renderer.render(exporter))
            files[source] = exporter
    pages = printed_pages(list(files), tmp_path)
    problems = {file.name: print_problems(exporter, pages[file]) for file, exporter in files.items()}
    assert problems == {file.name: [] for file in files}
    assert any("=HYPERLINK(\"http://evil\",\"x\")" in "".join(page.split()) for page in pages[tmp_path / "form2-xlsx.xlsx"])
    assert len(pages[tmp_path / "form1-xlsx.xlsx"]) == len(pages[tmp_path / "form1-ods.ods"])


def test_a_page_break_repeats_the_merged_text_and_never_follows_a_heading(plan_106):
    layout = print_layout(Form1Exporter(plan_106))
    assert len(layout.pages) > 1 and layout.rows[0].spans[0].value == "附表1"
    for body in layout.pages:
        first = layout.rows[body.start]
        assert first.page_break or body.start == layout.header_rows
        assert layout.rows[body.stop - 1].kind != "section"
        if first.kind == "body":
            assert first.spans[0].column == 1  # the 評核項目 (or 評核重點) column has its text on every page
    assert all(row.height <= 409 for row in layout.rows)


def test_responsible_units_are_written_leads_first_each_in_the_plans_order(plan_106):
    """Where 承辦單位 is not typed, it is composed from the links: 主辦 then 協辦, each in the order they were
    linked (read for every measure in one UNION of both link tables)."""
    from diagnosis.models import Unit
    from measures.models.measures import MeasureLeadUnit, MeasureSupportUnit

    measures = list(plan_106.measures.filter(source="form2").order_by("pk")[:2])
    units = {code: Unit.objects.get(code=code) for code in ("shilin-tianmu", "shilin-secretariat", "shilin-command")}
    for measure in measures:
        MeasureLeadUnit.objects.filter(measure=measure).delete()
        MeasureSupportUnit.objects.filter(measure=measure).delete()
        Measure.objects.filter(pk=measure.pk).update(responsible_text="", all_units=False)
    first, second = measures
    MeasureLeadUnit.objects.create(measure=first, unit=units["shilin-tianmu"])
    MeasureLeadUnit.objects.create(measure=first, unit=units["shilin-command"])
    MeasureSupportUnit.objects.create(measure=first, unit=units["shilin-secretariat"])
    MeasureSupportUnit.objects.create(measure=second, unit=units["shilin-command"])
    MeasureLeadUnit.objects.create(measure=second, unit=units["shilin-secretariat"])
    exported = {m.name: m.units for m in Form2Exporter(plan_106).measures}
    for measure in Measure.objects.filter(pk__in=[first.pk, second.pk]).with_units():
        assert exported[measure.name] == measure.units_display()
    names = [u.display_name for u in (units["shilin-tianmu"], units["shilin-command"], units["shilin-secretariat"])]
    assert exported[first.name] == "、".join(names)
    assert exported[second.name] == f"{units['shilin-secretariat'].display_name}、{units['shilin-command'].display_name}"
