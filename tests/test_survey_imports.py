"""Uploading a survey's results as xlsx: the template, a good file, and every kind of bad one (nothing written)."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from assessments.models import SatisfactionSurvey, SurveyResult
from assessments.survey_imports import SurveyImportError, read_results
from assessments.survey_writes import ResultFigures, survey_results_set, survey_save

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def survey(plan_106, user):
    survey = survey_save(
        plan=plan_106, user=user("secretariat"), title="106年第1季調查", period_start=date(2017, 1, 1),
        period_end=date(2017, 3, 31), sampling_method=SatisfactionSurvey.Sampling.SIMPLE_RANDOM,
    )
    survey_results_set(survey=survey, user=user("secretariat"), results={"internal": ResultFigures(80, 60)})
    return survey


def workbook(*rows, header=("類別", "受訪人數", "滿意人數"), before=()) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in before:
        sheet.append(row)
    if header:
        sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client, survey, data: bytes, name="結果.xlsx"):
    url = reverse("assessments:survey_import", kwargs={"year": 106, "pk": survey.pk})
    return client.post(url, {"file": SimpleUploadedFile(name, data, content_type=XLSX)})


def stored(survey):
    return {r.category: (r.respondents, r.satisfied) for r in SurveyResult.objects.filter(survey=survey)}


def test_the_template_is_the_header_row_and_a_row_per_category(client, user):
    client.force_login(user("secretariat"))
    response = client.get(reverse("assessments:survey_import_template", kwargs={"year": 106}))
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["類別", "受訪人數", "滿意人數"],
        ["洽公環境", None, None], ["服務禮儀", None, None], ["服務專業性", None, None], ["服務措施", None, None],
        ["內部同仁滿意度", None, None],
    ]


def test_staff_upload_the_filled_template_and_the_categories_it_names_are_set(client, user, survey):
    client.force_login(user("secretariat"))
    template = client.get(reverse("assessments:survey_import_template", kwargs={"year": 106})).content
    book = load_workbook(io.BytesIO(template))
    sheet = book.active
    sheet["B2"], sheet["C2"] = 400, 352  # 洽公環境
    sheet["B3"], sheet["C3"] = "400", "400"  # 服務禮儀, typed as text
    sheet["B5"], sheet["C5"] = 0, 0.0  # 服務措施: nobody answered
    buffer = io.BytesIO()
    book.save(buffer)
    response = upload(client, survey, buffer.getvalue())
    assert response.status_code == 302, response.content.decode()
    assert response["Location"] == reverse("assessments:survey", kwargs={"year": 106, "pk": survey.pk})
    # 內部同仁 was not filled in the file: it keeps what it had
    assert stored(survey) == {"environment": (400, 352), "courtesy": (400, 400), "measures": (0, 0), "internal": (80, 60)}
    page = client.get(response["Location"]).content.decode()
    assert "已匯入 3 個類別的調查結果。" in page and "88.0%" in page


def test_the_header_may_sit_below_a_title_and_columns_may_be_in_any_order(survey, user):
    data = workbook(
        ("100", "服務專業性", 90), (50, " 內部同仁 ", 45),
        header=("受訪人數", "類別", "滿意人數"), before=[("106年第1季滿意度調查結果",), ()],
    )
    rows = read_results(data)
    assert [(r.number, r.category, r.figures) for r in rows] == [
        (4, "expertise", ResultFigures(100, 90)), (5, "internal", ResultFigures(50, 45)),
    ]


@pytest.mark.parametrize(
    ("rows", "errors"),
    [
        ([("服務速度", 100, 90)], ["第 3 列 A 欄（類別）：沒有「服務速度」這個類別（可用：洽公環境、服務禮儀、服務專業性、服務措施、內部同仁滿意度）。"]),
        ([("洽公環境", -3, 0)], ["第 3 列 B 欄（受訪人數）：不可為負數（-3）。"]),
        ([("洽公環境", 100, 101)], ["第 3 列 C 欄（滿意人數）：滿意人數（101）不可多於受訪人數（100）。"]),
        ([("洽公環境", 100.5, 90)], ["第 3 列 B 欄（受訪人數）：「100.5」不是整數。"]),
        ([("洽公環境", "一百", 90)], ["第 3 列 B 欄（受訪人數）：「一百」不是整數。"]),
        ([("洽公環境", 100, None)], ["第 3 列 C 欄（滿意人數）：未填滿意人數（沒有時填 0）。"]),
        ([(None, 100, 90)], ["第 3 列 A 欄（類別）：未填類別。"]),
        (
            [("洽公環境", 100, 90), ("服務專業性", 10, 11), ("洽公環境", 100, 80)],
            ["第 4 列 C 欄（滿意人數）：滿意人數（11）不可多於受訪人數（10）。", "第 5 列 A 欄（類別）：與第 3 列重複。"],
        ),
    ],
)
def test_a_bad_row_is_named_by_row_and_column_and_nothing_is_written(client, user, survey, rows, errors):
    client.force_login(user("secretariat"))
    response = upload(client, survey, workbook(("服務禮儀", 200, 150), *rows))  # row 2 is good
    assert response.status_code == 400
    html = response.content.decode()
    for error in errors:
        assert error in html
    assert f"有 {len(errors)} 個錯誤，未寫入任何資料" in html
    assert stored(survey) == {"internal": (80, 60)}


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"", "檔案是空的。"),
        (b"not a workbook", "無法讀取此檔案：請上傳 Excel 活頁簿（.xlsx）。"),
        (b"\xd0\xcf\x11\xe0old excel", "舊版 Excel（.xls）"),
        (workbook(("洽公環境", 1, 1), header=("項目", "人數", "滿意")), "找不到表頭列：前 10 列中須有一列含「類別、受訪人數、滿意人數」"),
        (workbook(("洽公環境", None, None)), "表頭以下沒有任何填了人數的資料列。"),
    ],
)
def test_a_file_that_is_not_the_results_sheet_is_refused(client, user, survey, data, error):
    client.force_login(user("secretariat"))
    response = upload(client, survey, data)
    assert response.status_code == 400 and error in response.content.decode()
    assert stored(survey) == {"internal": (80, 60)}


def test_the_size_and_row_limits_come_from_the_settings(client, user, survey, settings):
    client.force_login(user("secretariat"))
    settings.IMPORT_MAX_ROWS = 3
    rows = [("洽公環境", 1, 1), ("服務禮儀", 1, 1), ("服務措施", 1, 1), ("服務專業性", 1, 1)]
    response = upload(client, survey, workbook(*rows))
    assert response.status_code == 400 and "資料列數超過匯入上限 3 列。" in response.content.decode()
    settings.IMPORT_MAX_ROWS = 10_000
    settings.IMPORT_MAX_BYTES = 1024
    response = upload(client, survey, workbook(*rows))
    assert response.status_code == 400 and "超過匯入上限 0 MB" in response.content.decode()
    assert stored(survey) == {"internal": (80, 60)}
    with pytest.raises(SurveyImportError, match="超過匯入上限"):
        read_results(workbook(*rows))


def test_only_staff_upload(client, user, survey, outsider):
    data = workbook(("洽公環境", 10, 9))
    for username, status in [("viewer", 403), ("tianmu", 403)]:
        client.force_login(user(username))
        assert upload(client, survey, data).status_code == status
    client.force_login(outsider)
    assert upload(client, survey, data).status_code == 404
    assert stored(survey) == {"internal": (80, 60)}
    client.force_login(user("secretariat"))
    page = client.get(reverse("assessments:survey_import", kwargs={"year": 106, "pk": survey.pk})).content.decode()
    assert "匯入範本" in page and 'accept=".xlsx"' in page
    url = reverse("assessments:survey_import", kwargs={"year": 106, "pk": survey.pk})
    response = client.post(url, {})
    assert response.status_code == 400 and "請選擇要上傳的 Excel 檔案（.xlsx）。" in response.content.decode()
