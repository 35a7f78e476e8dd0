"""The 管制表 carries the follow-up answers the review's page shows, for 電話禮貌測試 items as for measures: a closed
review's kept items with the 追蹤單位's 辦理情形, the next review's carried items with the 前次追蹤辦理情形; in xlsx
and ods alike, printed whole by LibreOffice; its queries do not grow with the items."""

from datetime import date

import pytest

from assessments.exporters import ControlSheetExporter
from assessments.follow_up_writes import follow_up_answer
from assessments.models import ReviewItem
from assessments.review_writes import review_open
from measures.models import Measure
from sq_portal.sheets import OdsRenderer, XlsxRenderer

from .conftest import count_queries, shilin_unit
from .sheets import ods_grid, xlsx_sheet, xlsx_values
from .sheets_print import TOOLS_MISSING, print_problems, printed_pages
from .test_courtesy_follow_ups import closed_review, kept_courtesy

pytestmark = pytest.mark.django_db
KEEP = ReviewItem.Decision.KEEP
COURTESY_ANSWER = "已辦理電話禮貌訓練，六月複測"
MEASURE_ANSWER = "已於各所大門張貼宣導海報"


@pytest.fixture
def reviews(plan_106, user):
    """April's closed review keeping a measure and 天母派出所's 電話禮貌測試, both answered by 天母; May's review,
    opened after, carrying both."""
    april = closed_review(plan_106, user)
    measure = plan_106.measures.get(source=Measure.Source.FORM2, name="主動服務")
    kept = april.items.create(
        measure=measure,
        origin="proposed",
        status_label="落後",
        decision=KEEP,
        finding="宣導不足",
        follow_up_unit=shilin_unit("tianmu"),
        follow_up_due=date(2017, 5, 31),
    )
    courtesy = kept_courtesy(april, user)
    follow_up_answer(item=kept, user=user("tianmu"), text=MEASURE_ANSWER, files=[])
    follow_up_answer(item=courtesy, user=user("tianmu"), text=COURTESY_ANSWER, files=[])
    may = review_open(
        plan=plan_106,
        as_of=date(2017, 5, 31),
        meeting_date=date(2017, 6, 1),
        title="106年5月份管制考核",
        user=user("secretariat"),
    )
    return april, may


def cells(exporter) -> dict[str, list[str]]:
    """Every non-empty cell's text, by format: what the xlsx and the ods say."""
    xlsx = [v for row in xlsx_values(xlsx_sheet(XlsxRenderer().render(exporter))) for v in row if v]
    ods = [v for row in ods_grid(OdsRenderer().render(exporter))[0] for v in row if v]
    return {"xlsx": [str(v) for v in xlsx], "ods": ods}


def test_a_closed_reviews_sheet_shows_the_answers_to_its_kept_items(reviews):
    april, _ = reviews
    for kind, texts in cells(ControlSheetExporter(april)).items():
        assert f"接聽未報單位\n辦理情形：{COURTESY_ANSWER}" in texts, kind
        assert f"宣導不足\n辦理情形：{MEASURE_ANSWER}" in texts, kind


def test_the_next_reviews_sheet_shows_the_answers_beside_its_carried_items(reviews):
    _, may = reviews
    for kind, texts in cells(ControlSheetExporter(may)).items():
        assert f"前次追蹤辦理情形：{COURTESY_ANSWER}" in texts, kind
        assert f"前次追蹤辦理情形：{MEASURE_ANSWER}" in texts, kind
        assert not any("辦理情形：尚未填報" in text for text in texts), kind  # an open review asks no answer yet


def test_an_unanswered_kept_item_says_so(plan_106, user):
    april = closed_review(plan_106, user)
    kept_courtesy(april, user)
    for kind, texts in cells(ControlSheetExporter(april)).items():
        assert "接聽未報單位\n辦理情形：尚未填報。" in texts, kind


@pytest.mark.skipif(TOOLS_MISSING is not None, reason=TOOLS_MISSING or "")
def test_the_sheets_with_answers_print_whole(reviews, tmp_path):
    files = {}
    for review in reviews:
        exporter = ControlSheetExporter(review)
        for renderer in (XlsxRenderer(), OdsRenderer()):
            source = tmp_path / f"review-{review.pk}.{renderer.extension}"
            source.write_bytes(renderer.render(exporter))
            files[source] = exporter
    pages = printed_pages(list(files), tmp_path)
    assert {f.name: print_problems(e, pages[f]) for f, e in files.items()} == {f.name: [] for f in files}


def test_the_sheet_costs_the_same_queries_with_ten_times_the_courtesy_items(plan_106, user):
    april = closed_review(plan_106, user)
    item = kept_courtesy(april, user)
    follow_up_answer(item=item, user=user("tianmu"), text=COURTESY_ANSWER, files=[])

    def render():
        OdsRenderer().render(ControlSheetExporter(april))

    render()  # the review's plan, read once and kept
    before = count_queries(render)
    for code in ("wenlin", "zhishanyan", "lanya", "shezi", "hougang", "shanzaihou", "yongfu", "cuishan", "xishan"):
        other = kept_courtesy(april, user, code=code)
        follow_up_answer(item=other, user=user("tianmu"), text=COURTESY_ANSWER, files=[])
    assert count_queries(render) == before
