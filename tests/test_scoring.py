"""評分回合: averaging, flags, settling, closing and freezing; the sheet (drafts, sending, bad input, edit
conflicts); who sees what; the results matrix, its exports and a precinct's own published result."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.models import Score, Settlement
from assessments.plan_copy import plan_copy
from assessments.scoring_exporter import ScoringResultsExporter
from assessments.scoring_matrix import results_matrix
from assessments.scoring_results import PointResult, group_ranks, ranks
from assessments.scoring_sheet import SheetInput, sheet_focus_points, sheet_save
from assessments.scoring_writes import ScoringError, assignment_add, round_close, round_publish, settle
from diagnosis.models import FocusPoint
from measures.models import MeasureDraft
from sq_portal.roc_dates import format_roc
from sq_portal.sheets import OdsRenderer, XlsxRenderer
from sq_portal.sheets.page import MIN_PRINTED_SIZE, print_layout

from .scoring_fixtures import dimension, fill_sheet, scene
from .sheets_print import TOOLS_MISSING, print_problems, printed_pages

pytestmark = pytest.mark.django_db


@pytest.fixture
def s(plan_106, user):
    return scene(plan_106, user("secretariat"))


def round_url(s, name="scoring_round", **kwargs):
    return reverse(f"assessments:{name}", kwargs={"pk": s.round.pk, **kwargs})


def sheet_url(s, plan=None, position=1):
    precinct = s.round.precincts.get(plan=plan or s.shilin)
    return round_url(s, "scoring_sheet", precinct_pk=precinct.pk, position=position)


def precinct_url(s, plan):
    return round_url(s, "scoring_precinct", precinct_pk=s.round.precincts.get(plan=plan).pk)


def sheet_data(plan, position=1, points=lambda fp: fp.points, action="save", versions=None):
    data = {"action": action}
    for fp in sheet_focus_points(dimension(plan, position)):
        data[f"points_{fp.pk}"] = points(fp)
        data[f"comment_{fp.pk}"] = "評語"
        data[f"version_{fp.pk}"] = (versions or {}).get(fp.pk, 0)
    return data


def close_and_publish(s):
    round_close(scoring_round=s.round, user=s.staff)
    round_publish(scoring_round=s.round, user=s.staff)
    s.round.refresh_from_db()


# ---------------------------------------------------------------- the arithmetic


def test_it_averages_flags_and_settles():
    assert PointResult((Decimal(10), Decimal(7)), None, Decimal(3)).flagged is False  # a spread of 3 is not above 3
    flagged = PointResult((Decimal(10), Decimal(6)), None, Decimal(3))
    assert flagged.flagged and flagged.needs_settling and flagged.average == Decimal("8.0")
    assert PointResult((Decimal(10), Decimal(6)), Decimal(9), Decimal(3)).final == Decimal(9)
    assert PointResult((Decimal(10),), None, Decimal(0)).flagged is False  # one reviewer: nothing to compare
    assert ranks([Decimal(90), Decimal(80), Decimal(80), Decimal(70)]) == [1, 2, 2, 4]
    assert group_ranks([Decimal(90), Decimal(80), Decimal(85)], ["大", "小", "小"]) == [1, 2, 1]


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])  # a busy CI machine is not a failure
@given(st.lists(st.decimals(min_value=0, max_value=1000, places=1), max_size=40))
def test_a_rank_is_one_more_than_the_totals_above_it(values):
    """Ranks are counted in the sorted totals (300 precincts would be 90,000 pairs); each is still one more than the
    number of totals above it, ties sharing a rank."""
    assert ranks(values) == [1 + sum(1 for other in values if other > value) for value in values]


def test_it_refuses_to_close_with_unsettled_spread_then_closes_and_freezes(s):
    fill_sheet(s, s.reviewer1, s.shilin, points=lambda fp: fp.points)
    fill_sheet(s, s.reviewer2, s.shilin, points=lambda fp: 0)
    with pytest.raises(ScoringError, match="未裁定"):
        round_close(scoring_round=s.round, user=s.staff)
    matrix = results_matrix(s.round)
    first = next(r for r in matrix.rows if r.precinct.plan_id == s.shilin.pk)
    for fp in sheet_focus_points(dimension(s.shilin)):
        settle(
            scoring_round=s.round,
            plan=s.shilin,
            focus_point=fp,
            points=Decimal(fp.points),
            reason="依佐證資料",
            user=s.staff,
        )
    round_close(scoring_round=s.round, user=s.staff)
    settled = next(r for r in results_matrix(s.round).rows if r.precinct.plan_id == s.shilin.pk)
    assert settled.totals.by_dimension[s.dimensions[0]] == Decimal(dimension(s.shilin).points)
    assert first.totals.by_dimension[s.dimensions[0]] == Decimal(dimension(s.shilin).points) / 2
    before = (Score.objects.count(), Settlement.objects.count())
    fp = sheet_focus_points(dimension(s.shilin, 2))[0]
    with pytest.raises(ScoringError, match="已結案"):
        sheet_save(
            scoring_round=s.round,
            plan=s.shilin,
            reviewer=s.reviewer1,
            rows=[SheetInput(fp, 0, Decimal(1), "")],
            submit=False,
        )
    with pytest.raises(ScoringError, match="已結案"):
        settle(scoring_round=s.round, plan=s.shilin, focus_point=fp, points=Decimal(1), reason="x", user=s.staff)
    assert (Score.objects.count(), Settlement.objects.count()) == before


def test_it_ranks_overall_and_within_groups_beside_self_score(s):
    fill_sheet(s, s.reviewer1, s.shilin, points=lambda fp: fp.points)
    fill_sheet(s, s.reviewer1, s.other, points=lambda fp: 0)
    matrix = results_matrix(s.round)
    rows = {r.precinct.plan_id: r for r in matrix.rows}
    assert rows[s.shilin.pk].rank == 1 and rows[s.other.pk].rank == 2
    assert rows[s.shilin.pk].group_rank == 1 and rows[s.other.pk].group_rank == 1  # 大型 and 小型 each alone
    assert rows[s.shilin.pk].totals.total_1000 == Decimal(dimension(s.shilin).points)
    assert rows[s.shilin.pk].self_score is None and rows[s.shilin.pk].last_year is None


# ---------------------------------------------------------------- the sheet


def test_it_saves_a_draft_then_sends_after_confirmation(client, s):
    client.force_login(s.reviewer1)
    page = client.get(sheet_url(s))
    assert page.status_code == 200 and "分局自評" in page.content.decode()
    response = client.post(sheet_url(s), sheet_data(s.shilin))
    assert response.status_code == 302
    assert set(Score.objects.filter(reviewer=s.reviewer1).values_list("state", flat=True)) == {Score.State.DRAFT}
    versions = dict(Score.objects.filter(reviewer=s.reviewer1).values_list("focus_point_id", "version"))
    confirm = client.post(sheet_url(s), sheet_data(s.shilin, action="submit", versions=versions))
    assert "確認送出" in confirm.content.decode()
    assert not Score.objects.filter(state=Score.State.SUBMITTED).exists()
    client.post(sheet_url(s), sheet_data(s.shilin, action="confirm", versions=versions))
    assert set(Score.objects.filter(reviewer=s.reviewer1).values_list("state", flat=True)) == {Score.State.SUBMITTED}
    sent = dict(Score.objects.filter(reviewer=s.reviewer1).values_list("focus_point_id", "points"))
    again = client.post(
        sheet_url(s),
        sheet_data(s.shilin, points=lambda fp: 0, versions={k: v + 1 for k, v in versions.items()}),
    )
    assert "此評分表已送出，不能再修改。" in again.content.decode()  # the page's own 「您已送出」 is not enough
    assert dict(Score.objects.filter(reviewer=s.reviewer1).values_list("focus_point_id", "points")) == sent


@pytest.mark.parametrize(
    "value, message",
    [
        (lambda fp: fp.points + 1, "不可超過配分"),
        (lambda fp: -1, "不可小於 0"),
        (lambda fp: "十分", "請輸入數字"),
    ],
)
def test_it_refuses_bad_points_beside_the_field_and_writes_nothing(client, s, value, message):
    client.force_login(s.reviewer1)
    first = sheet_focus_points(dimension(s.shilin))[0]
    response = client.post(sheet_url(s), sheet_data(s.shilin, points=lambda fp: value(fp) if fp.pk == first.pk else 1))
    assert response.status_code == 200
    assert message in response.content.decode() and f'id="id_points_{first.pk}-error"' in response.content.decode()
    assert not Score.objects.exists()


def test_it_refuses_a_tampered_page_version_in_chinese(client, s):
    client.force_login(s.reviewer1)
    first = sheet_focus_points(dimension(s.shilin))[0]
    data = {**sheet_data(s.shilin), f"version_{first.pk}": "abc"}
    response = client.post(sheet_url(s), data)
    assert response.status_code == 200
    assert f"{first.name}（頁面版本）" in response.content.decode()
    assert "頁面資料不完整，請重新整理後再填。" in response.content.decode()
    assert not Score.objects.exists()


def test_it_refuses_sending_with_empty_points(client, s):
    client.force_login(s.reviewer1)
    response = client.post(sheet_url(s), sheet_data(s.shilin, points=lambda fp: "", action="confirm"))
    assert "送出前請為每個評核重點評分" in response.content.decode()
    assert not Score.objects.exists()


def test_it_refuses_a_save_over_a_change_made_meanwhile(client, s):
    client.force_login(s.reviewer1)
    stale = sheet_data(s.shilin, points=lambda fp: 1)  # the page read before the other window saved
    fill_sheet(s, s.reviewer1, s.shilin, points=lambda fp: 2, submit=False)
    # 16:30 UTC on 31 May 2017 is 00:30 on 1 June in Taipei: the message speaks Taipei's date and time.
    Score.objects.update(updated_at=datetime(2017, 5, 31, 16, 30, tzinfo=UTC))
    response = client.post(sheet_url(s), stale)
    text = response.content.decode()
    assert response.status_code == 200 and "rev1 已於 106/06/01 00:30 將分數改為 2.0 分" in text
    assert set(Score.objects.values_list("points", flat=True)) == {Decimal(2)}


def test_it_refuses_scoring_a_closed_round_on_the_page(client, s):
    round_close(scoring_round=s.round, user=s.staff)
    client.force_login(s.reviewer1)
    response = client.post(sheet_url(s), sheet_data(s.shilin, points=lambda fp: 1))
    # the error itself, not the state 「已結案」 the page shows anyway
    assert "此評分回合已結案，分數不能再修改。" in response.content.decode() and not Score.objects.exists()


def test_it_refuses_closing_on_the_page_with_a_chinese_message(client, s):
    fill_sheet(s, s.reviewer1, s.shilin, points=lambda fp: fp.points)
    fill_sheet(s, s.reviewer2, s.shilin, points=lambda fp: 0)
    client.force_login(s.staff)
    response = client.post(round_url(s, "scoring_state", action="close"), follow=True)
    assert "請先裁定再結案" in response.content.decode()
    s.round.refresh_from_db()
    assert s.round.state == "scoring"


def test_it_settles_a_flagged_point_with_a_reason(client, s):
    fill_sheet(s, s.reviewer1, s.shilin, points=lambda fp: fp.points)
    fill_sheet(s, s.reviewer2, s.shilin, points=lambda fp: 0)
    fp = sheet_focus_points(dimension(s.shilin))[0]
    client.force_login(s.staff)
    url = round_url(s, "scoring_settle", precinct_pk=s.round.precincts.get(plan=s.shilin).pk, focus_point_pk=fp.pk)
    bad = client.post(url, {"points": fp.points + 5, "reason": ""})
    assert "不可超過配分" in bad.content.decode() and "請填寫裁定理由" in bad.content.decode()
    assert not Settlement.objects.exists()
    client.post(url, {"points": 3, "reason": "依佐證資料"})
    assert Settlement.objects.get().points == Decimal(3)
    assert "目前裁定 3.0 分，bureau-staff於" in client.get(url).content.decode()
    calm = sheet_focus_points(dimension(s.shilin, 2))[0]  # nobody scored it: nothing to settle
    calm_url = round_url(
        s, "scoring_settle", precinct_pk=s.round.precincts.get(plan=s.shilin).pk, focus_point_pk=calm.pk
    )
    assert client.post(calm_url, {"points": 1, "reason": "x"}).status_code == 404
    assert Settlement.objects.count() == 1


def test_the_round_page_shows_who_settled_a_point_when_the_value_and_the_reason(client, s):
    fill_sheet(s, s.reviewer1, s.shilin, points=lambda fp: fp.points)
    fill_sheet(s, s.reviewer2, s.shilin, points=lambda fp: 0)
    fp = sheet_focus_points(dimension(s.shilin))[0]
    settle(
        scoring_round=s.round,
        plan=s.shilin,
        focus_point=fp,
        points=Decimal("2.5"),
        reason="依佐證資料\n第二行",
        user=s.staff,
    )
    settled_at = timezone.localtime(Settlement.objects.get().settled_at)
    for who in (s.staff, s.viewer):
        client.force_login(who)
        page = client.get(round_url(s)).content.decode()
        row = next(r for r in page.split("</tr>") if f"／{fp.name}（" in r)
        assert "<strong>2.5 分</strong>" in row
        assert f"bureau-staff於 {format_roc(settled_at.date())} {settled_at:%H:%M} 裁定" in row
        assert "依佐證資料<br>第二行" in row
        assert "未裁定" in page  # the points still waiting say so
    client.force_login(s.reviewer1)
    assert "依佐證資料" not in client.get(round_url(s)).content.decode()


# ---------------------------------------------------------------- who sees what


def test_it_shows_a_reviewer_only_their_dimensions(client, s):
    client.force_login(s.reviewer2)
    page = client.get(round_url(s)).content.decode()
    assert s.dimensions[0] in page and s.dimensions[1] not in page
    assert client.get(sheet_url(s, position=2)).status_code == 404
    assert client.get(round_url(s, "scoring_results")).status_code == 404
    assert client.get(precinct_url(s, s.shilin)).status_code == 404


@pytest.mark.parametrize("who", ["rev-outside", "tianmu", "secretariat", "datong-staff"])
def test_it_hides_the_round_from_outsiders(client, s, user, who):
    from .scoring_fixtures import person

    visitor = person(who) if who == "rev-outside" else (s.other_staff if who == "datong-staff" else user(who))
    client.force_login(visitor)
    for url in [
        round_url(s),
        round_url(s, "scoring_results"),
        sheet_url(s),
        round_url(s, "scoring_export", extension="xlsx"),
    ]:
        assert client.get(url).status_code == 404, url


def test_it_lets_bureau_viewers_read_but_not_change(client, s):
    client.force_login(s.viewer)
    assert client.get(round_url(s)).status_code == 200
    assert client.get(round_url(s, "scoring_results")).status_code == 200
    assert client.post(round_url(s, "scoring_state", action="close")).status_code == 403
    assert client.post(round_url(s, "scoring_precincts"), {}).status_code == 403


def test_it_shows_a_precinct_its_own_published_result_only(client, s):
    fill_sheet(s, s.reviewer1, s.shilin, points=lambda fp: 1)
    fill_sheet(s, s.reviewer1, s.other, points=lambda fp: 2)
    client.force_login(s.other_staff)
    assert client.get(precinct_url(s, s.other)).status_code == 404  # not yet published
    close_and_publish(s)
    own = client.get(precinct_url(s, s.other))
    assert own.status_code == 200 and "評語：" in own.content.decode()
    # Its own total, ranks and points per dimension; nothing of the other precinct's.
    rows = {row.precinct.plan_id: row for row in results_matrix(s.round).rows}
    mine, theirs = rows[s.other.pk], rows[s.shilin.pk]
    page = own.content.decode()
    assert f"總分 <strong>{mine.totals.total_1000}</strong>／1000 分；全部 2 個分局中第 1 名" in page
    assert "小型組 1 個分局中第 1 名" in page
    assert str(theirs.totals.total_1000) not in page and "士林分局" not in page
    assert client.get(precinct_url(s, s.shilin)).status_code == 404
    assert client.get(round_url(s, "scoring_results")).status_code == 404
    listing = client.get(reverse("assessments:scoring_rounds")).content.decode()
    assert "大同分局" in listing and "士林分局" not in listing


def test_a_precinct_sees_which_of_its_points_the_bureau_settled(client, s):
    first = sheet_focus_points(dimension(s.other))[0]
    fill_sheet(s, s.reviewer1, s.other, points=lambda fp: fp.points)
    fill_sheet(s, s.reviewer2, s.other, points=lambda fp: 0 if fp == first else fp.points)  # only `first` spreads
    settle(scoring_round=s.round, plan=s.other, focus_point=first, points=Decimal(3), reason="依佐證資料", user=s.staff)
    close_and_publish(s)
    client.force_login(s.other_staff)
    page = client.get(precinct_url(s, s.other)).text
    assert page.count("由警察局裁定") == 1
    assert (
        page.index(first.name) < page.index("由警察局裁定") < page.index(sheet_focus_points(dimension(s.other))[1].name)
    )


def test_it_turns_a_published_comment_into_next_years_measure_draft(client, s, user):
    fill_sheet(s, s.reviewer1, s.shilin, points=lambda fp: 1)
    close_and_publish(s)
    score = Score.objects.filter(plan=s.shilin).first()
    url = round_url(s, "scoring_comment_draft", precinct_pk=s.round.precincts.get(plan=s.shilin).pk, score_pk=score.pk)
    client.force_login(user("secretariat"))
    refused = client.post(url, {"name": "改善", "content": ""})
    assert "尚未建立 107 年度計畫" in refused.content.decode() and not MeasureDraft.objects.exists()
    next_plan = plan_copy(source=s.shilin, year=107, user=user("secretariat")).plan
    assert client.post(url, {"name": "改善服務", "content": score.comment}).status_code == 302
    draft = MeasureDraft.objects.get()
    assert (
        draft.plan == next_plan
        and draft.focus_point.name == score.focus_point.name
        and draft.unit == s.shilin.organization
    )
    client.force_login(s.other_staff)
    assert client.get(url).status_code == 404


# ---------------------------------------------------------------- exports


@pytest.mark.parametrize("extension", ["xlsx", "ods"])
def test_it_exports_the_results(client, s, extension):
    from urllib.parse import quote

    from .sheets import ods_grid, xlsx_sheet, xlsx_values

    fill_sheet(s, s.reviewer1, s.shilin, points=lambda fp: fp.points)
    fill_sheet(s, s.reviewer1, s.other, points=lambda fp: 0)
    client.force_login(s.staff)
    response = client.get(round_url(s, "scoring_export", extension=extension))
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert quote(f"臺北市政府警察局106年度服務品質評分成績表.{extension}") in response["Content-Disposition"]
    grid = xlsx_values(xlsx_sheet(response.content)) if extension == "xlsx" else ods_grid(response.content)[0]
    text = [["" if v is None else str(v) for v in row] for row in grid]
    assert text[0][0].endswith("106年度服務品質評分成績表") and text[1][0].startswith("狀態：評分中")
    header = text[2]
    assert header[:2] == ["分局", "組別"] and "總分\n（1000 分）" in header and "組內排名" in header
    assert f"{s.dimensions[0]}\n（{dimension(s.shilin).points} 分）" in header
    total, rank = header.index("總分\n（1000 分）"), header.index("總排名")
    rows = {row[0]: row for row in text[3:] if row and row[0]}
    assert rows["士林分局"][1] == "大型" and rows["大同分局"][1] == "小型"
    assert Decimal(rows["士林分局"][total]) == Decimal(dimension(s.shilin).points) and rows["士林分局"][rank] == "1"
    assert Decimal(rows["大同分局"][total]) == 0 and rows["大同分局"][rank] == "2"
    assert client.get(round_url(s, "scoring_export", extension="csv")).status_code == 404


@pytest.mark.skipif(TOOLS_MISSING is not None, reason=TOOLS_MISSING or "")
def test_the_results_print_whole_from_libreoffice(s, tmp_path):
    """Both formats, as a clerk prints them: every header and score whole on the page (nothing cut)."""
    fill_sheet(s, s.reviewer1, s.shilin, points=lambda fp: fp.points)
    exporter = ScoringResultsExporter(results_matrix(s.round))
    assert print_layout(exporter).printed_size >= MIN_PRINTED_SIZE
    files = {tmp_path / f"results.{r.extension}": r.render(exporter) for r in (XlsxRenderer(), OdsRenderer())}
    for path, content in files.items():
        path.write_bytes(content)
    pages = printed_pages(list(files), tmp_path)
    assert {path.name: print_problems(exporter, pages[path]) for path in files} == {path.name: [] for path in files}


# ---------------------------------------------------------------- query counts: N vs 10N precincts and scores


def test_the_round_page_sheet_and_matrix_cost_the_same_with_ten_times_the_precincts(client, s):
    from .conftest import count_queries
    from .scoring_fixtures import precinct

    def add(count, start):
        plans = [precinct(f"tcpd-p{n}", f"第{n}分局", s.other) for n in range(start, start + count)]
        for plan in plans:
            s.round.precincts.create(plan=plan, group="中型")
            fill_sheet(s, s.reviewer1, plan, points=lambda fp: fp.points)
            fill_sheet(s, s.reviewer2, plan, points=lambda fp: 0)

    fill_sheet(s, s.reviewer2, s.shilin, points=lambda fp: 1)
    add(1, 1)
    pages = {
        "round": (s.staff, round_url(s)),
        "round, page 2": (s.staff, round_url(s) + "?page=2"),
        "settle": (
            s.staff,
            round_url(
                s,
                "scoring_settle",
                precinct_pk=s.round.precincts.get(plan=s.shilin).pk,
                focus_point_pk=sheet_focus_points(dimension(s.shilin))[0].pk,
            ),
        ),
        "results": (s.staff, round_url(s, "scoring_results")),
        "sheet": (s.reviewer1, sheet_url(s)),
        "export": (s.staff, round_url(s, "scoring_export", extension="xlsx")),
    }

    def counts():
        found = {}
        for name, (who, url) in pages.items():
            client.force_login(who)
            found[name] = count_queries(lambda url=url: client.get(url))
        return found

    before = counts()
    add(9, 2)
    assert counts() == before


def test_the_round_page_shows_its_precincts_a_page_at_a_time_and_every_flagged_point(client, s, monkeypatch):
    """Fifty precincts a page, each page's flagged points under its table and the whole round's count; the flagged
    points are exactly those whose result says so (`PointResult.flagged`), the database only narrowing the read."""
    from assessments import scoring_reads
    from assessments.scoring_reads import flagged_results, point_results

    monkeypatch.setattr(scoring_reads, "PRECINCTS_PER_PAGE", 1)
    fill_sheet(s, s.reviewer1, s.other, points=lambda fp: fp.points)
    fill_sheet(s, s.reviewer2, s.other, points=lambda fp: 0)  # every point of 大同 spread beyond the threshold
    fill_sheet(s, s.reviewer1, s.shilin, points=lambda fp: fp.points)
    fill_sheet(s, s.reviewer2, s.shilin, points=lambda fp: fp.points - s.round.spread_threshold)  # at it: not flagged
    everything = point_results([s.round.pk], {s.round.pk: s.round.spread_threshold})
    expected = {(plan, fp) for (_round, plan, fp), result in everything.items() if result.flagged}
    assert set(flagged_results(s.round)) == expected and {plan for plan, _fp in expected} == {s.other.pk}
    client.force_login(s.staff)
    first, second = client.get(round_url(s)).text, client.get(round_url(s) + "?page=2").text
    assert "共 2 個分局，第 1／2 頁" in first and "共 2 個分局，第 2／2 頁" in second
    shown = [[name for name in ("士林分局", "大同分局") if f">{name}</a>" in text] for text in (first, second)]
    assert sorted(sum(shown, [])) == ["士林分局", "大同分局"]
    assert len(shown[0]) == len(shown[1]) == 1
    # Under each page, the flagged points of its own precincts; the whole round's count on both.
    rows = {name: text.count('data-label="委員分數"') for [name], text in zip(shown, (first, second), strict=True)}
    assert rows == {"大同分局": len(expected), "士林分局": 0}
    assert all(f"全回合共 {len(expected)} 項差距過大，其中" in text for text in (first, second))
    assert 'href="?page=2"' in first
    # A settled point of the page's precinct shows its settlement (read for the page's flagged points only).
    _plan, fp_pk = min(expected)
    settle(
        scoring_round=s.round,
        plan=s.other,
        focus_point=FocusPoint.objects.get(pk=fp_pk),
        points=Decimal(1),
        reason="依佐證資料",
        user=s.staff,
    )
    datong = 1 if shown[0] == ["大同分局"] else 2
    page = client.get(round_url(s) + f"?page={datong}").text
    assert "<strong>1.0 分</strong>" in page and "依佐證資料" in page


def test_the_results_page_shows_a_page_of_precincts_and_the_download_all(client, s, monkeypatch):
    from assessments.views import scoring_results

    from .sheets import xlsx_sheet, xlsx_values

    monkeypatch.setattr(scoring_results, "PRECINCTS_PER_PAGE", 1)
    fill_sheet(s, s.reviewer1, s.shilin, points=lambda fp: fp.points)
    client.force_login(s.staff)
    pages = [client.get(round_url(s, "scoring_results") + f"?page={n}").text for n in (1, 2)]
    names = [[name for name in ("士林分局", "大同分局") if f">{name}</a>" in page] for page in pages]
    assert sorted(sum(names, [])) == ["士林分局", "大同分局"] and all(len(found) == 1 for found in names)
    assert "共 2 個分局，第 2／2 頁" in pages[1] and 'href="?page=1"' in pages[1]
    grid = xlsx_values(xlsx_sheet(client.get(round_url(s, "scoring_export", extension="xlsx")).content))
    assert {row[0] for row in grid[3:]} == {"士林分局", "大同分局"}


def test_a_plan_copied_to_another_precinct_leaves_the_source_units_and_team_behind(s):
    from assessments.models import TeamMember
    from measures.models.measures import MeasureLeadUnit

    assert s.other.organization.name == "大同分局" and s.other.year == s.shilin.year
    assert s.other.measures.count() == s.shilin.measures.filter(retired_at__isnull=True).count()
    assert not MeasureLeadUnit.objects.filter(measure__plan=s.other).exists()
    assert not TeamMember.objects.filter(plan=s.other).exists()
    assert FocusPoint.objects.filter(item__dimension__plan=s.other, points__isnull=True).count() == 0


# ---------------------------------------------------------------- the precinct's accepted submission beside the sheet


def test_a_reviewer_reads_the_precincts_accepted_submission_beside_the_sheet(client, s, user, evidence_dir):
    from assessments.submission_writes import submission_create, submission_decide

    from .scoring_fixtures import person
    from .test_submissions import make_build

    client.force_login(s.reviewer1)
    assert "尚無警察局核定的書面資料送審" in client.get(sheet_url(s)).content.decode()
    pending = submission_create(
        plan=s.shilin, build=make_build(s.shilin, user("secretariat")), user=user("secretariat")
    )
    precinct = s.round.precincts.get(plan=s.shilin)
    binder = round_url(s, "scoring_submission_file", precinct_pk=precinct.pk, kind="binder-pdf")
    assert client.get(binder).status_code == 404  # sent, not yet accepted
    submission_decide(submission=pending, user=s.staff, accept=True, comment="")
    sheet = client.get(sheet_url(s)).content.decode()
    assert "第 1 次送審" in sheet and binder in sheet
    response = client.get(binder)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    for outsider in (person("rev-outside"), user("tianmu"), s.other_staff):
        client.force_login(outsider)
        assert client.get(binder).status_code == 404


# ---------------------------------------------------------------- the bureau's pages: a new round, its precincts, its reviewers


def test_it_assigns_a_reviewer_to_a_dimension_on_the_page(client, s):
    from assessments.models import ReviewerAssignment

    from .scoring_fixtures import person

    newcomer = person("rev-new")
    client.force_login(s.staff)
    url = round_url(s, "scoring_assignments")
    page = client.get(url).content.decode()
    assert f'<option value="{s.dimensions[2]}">' in page  # every dimension of the precincts' plans is offered
    assert 'type="radio" name="reviewer"' in page and f'value="{newcomer.pk}"' in page
    assert "rev-new（外聘評審委員，帳號 rev-new）" in page
    assert "bureau-staff（臺北市政府警察局研考承辦，帳號 bureau-staff）" in page
    before = ReviewerAssignment.objects.count()
    bad = client.post(url, {"dimension": "不存在的構面"}).content.decode()
    assert "請選擇評審委員。" in bad and "請從清單中選擇構面" in bad
    twice = client.post(url, {"reviewer": s.reviewer1.pk, "dimension": s.dimensions[0]}).content.decode()
    assert "已負責" in twice and ReviewerAssignment.objects.count() == before
    assert client.post(url, {"reviewer": newcomer.pk, "dimension": s.dimensions[2]}).status_code == 302
    assert ReviewerAssignment.objects.filter(round=s.round, reviewer=newcomer, dimension=s.dimensions[2]).exists()
    assert client.post(url, {"reviewer": s.staff.pk, "dimension": s.dimensions[2]}).status_code == 302  # bureau staff


def test_it_offers_only_bureau_staff_and_outside_reviewers_and_refuses_anyone_else_beside_the_field(
    client, s, user, outsider
):
    """A precinct's people, the bureau's 檢視者, another precinct's staff, a disabled account, an administrator, a
    made-up id: not offered, and refused in Chinese beside the field with nothing written, on the page and in the
    service."""
    from assessments.models import ReviewerAssignment
    from assessments.scoring_access import assignable_reviewers

    from .scoring_fixtures import person

    disabled = person("rev-gone")
    disabled.is_active = False
    disabled.save()
    admin = get_user_model().objects.create_superuser("root-admin", password="x-unused-9")
    refused = [user("tianmu"), user("secretariat"), s.viewer, s.other_staff, outsider, disabled, admin]
    offered = set(assignable_reviewers(s.round))
    assert {s.staff, s.reviewer1, s.reviewer2} <= offered
    assert offered.isdisjoint(refused)
    client.force_login(s.staff)
    url = round_url(s, "scoring_assignments")
    page = client.get(url).content.decode()
    for person_refused in refused:
        assert f'value="{person_refused.pk}"' not in page
    before = ReviewerAssignment.objects.count()
    for value in [*(p.pk for p in refused), 999999, "x' OR 1=1", ""]:
        response = client.post(url, {"reviewer": value, "dimension": s.dimensions[2]})
        assert response.status_code == 200
        html = response.content.decode()
        expected = "請選擇評審委員。" if value == "" else "只能指派警察局研考承辦或外聘評審委員擔任評審委員"
        assert 'id="id_reviewer_error"' in html and expected in html, value
    assert ReviewerAssignment.objects.count() == before
    for person_refused in refused[:-2]:  # the service says the same to any caller
        with pytest.raises(ScoringError, match="只能指派"):
            assignment_add(scoring_round=s.round, reviewer=person_refused, dimension=s.dimensions[2], user=s.staff)
    assert ReviewerAssignment.objects.count() == before
    client.force_login(s.viewer)
    assert client.post(url, {"reviewer": s.reviewer1.pk, "dimension": s.dimensions[2]}).status_code == 403
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_it_opens_a_round_on_the_page_and_refuses_bad_input_in_chinese(client, s, user):
    from assessments.models import ScoringRound

    url = reverse("assessments:scoring_rounds")
    bureau = s.round.organization
    client.force_login(s.staff)
    for data, message in [
        (
            {"organization": bureau.pk, "year": "一〇七", "title": "x", "spread_threshold": "5"},
            "請輸入民國年度（數字）",
        ),
        ({"organization": bureau.pk, "year": "107", "title": "x", "spread_threshold": "-1"}, "差距門檻不可小於 0"),
        ({"organization": bureau.pk, "year": "107", "title": "x", "spread_threshold": "五"}, "請輸入數字"),
        ({"organization": "999999", "year": "107", "title": "x", "spread_threshold": "5"}, "請從清單中選擇評分機關"),
        ({"organization": bureau.pk, "year": "107", "title": "", "spread_threshold": "5"}, "請輸入名稱"),
    ]:
        response = client.post(url, data)
        assert response.status_code == 200 and message in response.content.decode(), message
    assert ScoringRound.objects.count() == 1
    created = client.post(
        url, {"organization": bureau.pk, "year": "107", "title": "107年度評分", "spread_threshold": "4.5"}
    )
    assert created.status_code == 302 and ScoringRound.objects.get(year=107).spread_threshold == Decimal("4.5")
    client.force_login(user("secretariat"))  # 研考承辦 of a precinct, not of the bureau
    assert (
        client.post(url, {"organization": bureau.pk, "year": "108", "title": "x", "spread_threshold": "5"}).status_code
        == 404
    )
    assert ScoringRound.objects.count() == 2


def test_it_sets_the_precincts_on_the_page_but_keeps_one_already_scored(client, s):
    from assessments.models import ScoringPrecinct

    fill_sheet(s, s.reviewer1, s.shilin, points=lambda fp: 1, submit=False)
    client.force_login(s.staff)
    url = round_url(s, "scoring_precincts")
    kept = client.post(url, {f"take_{s.other.pk}": "on", f"group_{s.other.pk}": "小型"})
    assert "已有委員評分的分局不能移出評分回合" in kept.content.decode()
    assert set(ScoringPrecinct.objects.filter(round=s.round).values_list("plan_id", flat=True)) == {
        s.shilin.pk,
        s.other.pk,
    }
    moved = client.post(url, {f"take_{s.shilin.pk}": "on", f"group_{s.shilin.pk}": "中型"})
    assert moved.status_code == 302
    assert dict(ScoringPrecinct.objects.filter(round=s.round).values_list("plan_id", "group")) == {s.shilin.pk: "中型"}
    too_long = client.post(url, {f"take_{s.shilin.pk}": "on", f"group_{s.shilin.pk}": "組" * 31})
    assert "組別最多 30 個字" in too_long.content.decode()
    assert ScoringPrecinct.objects.get(round=s.round).group == "中型"
