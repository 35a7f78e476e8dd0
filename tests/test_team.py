"""推動小組名冊 (附表3): the list for every reader, staff edits, the one-召集人 rule, the xlsx/ods export."""

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from assessments.models import TeamMember
from assessments.team_exporter import TeamExporter
from assessments.team_writes import TeamError, team_member_move, team_member_save
from sq_portal.sheets import OdsRenderer, XlsxRenderer
from tests.sheets import ods_grid, xlsx_sheet, xlsx_values

from .conftest import count_queries, unit

pytestmark = pytest.mark.django_db
LIST = "/plans/106/team/"
NEW = "/plans/106/team/new/"
TITLE = "臺北市政府警察局士林分局106年提升服務品質專案推動小組名冊"
HEADERS = ["職稱（小組）", "姓名", "單位", "職稱", "任務分工"]


def member(plan, role, name, code="shilin-secretariat", title="職稱", duty="", user=None) -> TeamMember:
    return team_member_save(
        member=TeamMember(plan=plan, role=role, name=name, title=title, unit=unit(code), duty=duty), user=user
    )


@pytest.fixture
def team(plan_106):
    """A small 名冊 added out of order: the list must still print 召集人 → 副召集人 → 執行秘書 → 委員."""
    Role = TeamMember.Role
    return [
        member(plan_106, Role.MEMBER, "成員丁", code="shilin-tianmu", title="所長", duty="督導所內服務品質"),
        member(plan_106, Role.CONVENER, "成員甲", code="tcpd-shilin", title="分局長", duty="綜理小組業務"),
        member(plan_106, Role.SECRETARY, "成員丙", title="主任"),
        member(plan_106, Role.MEMBER, "成員戊", code="shilin-investigation", title="隊長"),
        member(plan_106, Role.DEPUTY, "成員乙", code="tcpd-shilin", title="副分局長"),
    ]


def form_data(**values) -> dict:
    data = {"role": "member", "name": "成員己", "title": "組長", "unit": unit("shilin-administration").pk, "duty": "", "user": ""}
    data.update(values)
    return data


# --- the list ---


@pytest.mark.parametrize("username", ["secretariat", "viewer", "tianmu", "investigation"])
def test_it_lists_the_team_in_role_order_for_every_reader(client, user, team, username):
    client.force_login(user(username))
    response = client.get(LIST)
    assert response.status_code == 200
    names = [m.name for m in response.context["members"]]
    assert names == ["成員甲", "成員乙", "成員丙", "成員丁", "成員戊"]
    html = response.content.decode()
    assert "召集人" in html and "督導所內服務品質" in html and "附表3（xlsx）" in html
    assert ("新增成員" in html) == (username == "secretariat")
    assert ("上移" in html) == (username == "secretariat")


def test_it_hides_the_team_from_outsiders_and_strangers(client, outsider, team):
    assert client.get(LIST).status_code == 302
    client.force_login(outsider)
    assert client.get(LIST).status_code == 404
    assert client.get("/plans/106/team.xlsx").status_code == 404
    assert client.get(f"/plans/106/team/{team[0].pk}/edit/").status_code == 404
    assert client.post(f"/plans/106/team/{team[0].pk}/remove/").status_code == 404
    assert TeamMember.objects.count() == 5


def test_it_says_so_when_the_team_is_empty(client, user):
    client.force_login(user("viewer"))
    assert "尚未建立推動小組名冊" in client.get(LIST).content.decode()


def test_it_shows_text_escaped(client, user, plan_106):
    member(plan_106, TeamMember.Role.MEMBER, '<img src=x onerror="alert(1)">')
    client.force_login(user("viewer"))
    html = client.get(LIST).content.decode()
    assert '<img src=x onerror="alert(1)">' not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html


def test_the_list_costs_the_same_queries_with_ten_times_the_members(client, user, plan_106, team):
    client.force_login(user("secretariat"))
    before = count_queries(lambda: client.get(LIST))
    for n in range(45):
        member(plan_106, TeamMember.Role.MEMBER, f"委員{n}", code="shilin-wenlin")
    responses = []
    assert count_queries(lambda: responses.append(client.get(LIST))) == before
    assert len(responses[0].context["members"]) == 50


# --- staff edits ---


def test_it_adds_a_member_at_the_end_of_the_role(client, user, plan_106, team):
    client.force_login(user("secretariat"))
    response = client.post(NEW, form_data(duty="  彙整各單位執行情形\r\n按月提報  "))
    assert response.status_code == 302 and response["Location"] == LIST
    added = TeamMember.objects.get(name="成員己")
    assert added.plan == plan_106 and added.role == "member" and added.unit.code == "shilin-administration"
    assert added.duty == "彙整各單位執行情形\n按月提報"
    assert added.position == 3  # after 成員丁 (1) and 成員戊 (2)
    assert added.history.get().history_user == user("secretariat")
    assert [m.name for m in plan_106.team_members.in_roster_order()][-1] == "成員己"


def test_it_links_a_member_to_an_account_of_the_organisation_only(client, user, plan_106, outsider):
    client.force_login(user("secretariat"))
    response = client.post(NEW, form_data(user=outsider.pk))
    assert response.status_code == 400
    assert "請從清單中選擇本機關人員的帳號。" in response.content.decode()
    response = client.post(NEW, form_data(user=user("viewer").pk))
    assert response.status_code == 302
    assert TeamMember.objects.get(name="成員己").user == user("viewer")


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"name": "  "}, "請填寫姓名。"),
        ({"title": ""}, "請填寫職稱。"),
        ({"role": "chair"}, "小組職稱不正確，請重新選擇。"),
        ({"unit": "999999"}, "單位須為「士林分局」或其所屬單位。"),
        ({"role": "convener"}, "每個計畫的推動小組只能有一位召集人。"),
        ({"name": "甲\x00乙"}, "內容含有無法儲存的控制字元（NUL）"),
        ({"duty": "甲\x00乙"}, "內容含有無法儲存的控制字元（NUL）"),
    ],
)
def test_it_refuses_bad_input_in_chinese_and_writes_nothing(client, user, team, values, message):
    client.force_login(user("secretariat"))
    response = client.post(NEW, form_data(**values))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert TeamMember.objects.count() == 5


def test_it_refuses_a_unit_of_another_organisation(client, user, plan_106):
    """Units of the bureau above the precinct (秘書室 of 警察局) are not the precinct's."""
    client.force_login(user("secretariat"))
    response = client.post(NEW, form_data(unit=unit("tcpd-secretariat").pk))
    assert response.status_code == 400 and "單位須為「士林分局」或其所屬單位。" in response.content.decode()
    with pytest.raises(ValidationError, match="單位須為「士林分局」或其所屬單位。"):
        member(plan_106, TeamMember.Role.MEMBER, "成員庚", code="tcpd-secretariat")
    assert not TeamMember.objects.exists()


def test_the_database_allows_one_convener_per_plan(plan_106, team):
    with pytest.raises(ValidationError, match="只能有一位召集人"):
        member(plan_106, TeamMember.Role.CONVENER, "成員庚")
    with pytest.raises(IntegrityError), transaction.atomic():
        TeamMember.objects.create(plan=plan_106, role="convener", name="成員庚", title="t", unit=unit("tcpd-shilin"))
    assert plan_106.team_members.filter(role="convener").count() == 1


def test_it_edits_a_member_and_moves_it_to_the_end_of_a_new_role(client, user, plan_106, team):
    client.force_login(user("secretariat"))
    deputy = TeamMember.objects.get(name="成員乙")
    url = reverse("assessments:team_edit", kwargs={"year": 106, "pk": deputy.pk})
    page = client.get(url)
    assert page.status_code == 200 and "編修推動小組成員：成員乙" in page.content.decode()
    response = client.post(url, form_data(name="成員乙", role="member", title="副分局長", unit=deputy.unit_id))
    assert response.status_code == 302
    deputy.refresh_from_db()
    assert deputy.role == "member" and deputy.position == 3
    assert [m.name for m in plan_106.team_members.in_roster_order()] == ["成員甲", "成員丙", "成員丁", "成員戊", "成員乙"]


def test_the_convener_may_be_saved_again(client, user, team):
    client.force_login(user("secretariat"))
    convener = TeamMember.objects.get(role="convener")
    url = reverse("assessments:team_edit", kwargs={"year": 106, "pk": convener.pk})
    response = client.post(url, form_data(name="成員甲", role="convener", title="分局長", unit=convener.unit_id, duty="綜理"))
    assert response.status_code == 302
    convener.refresh_from_db()
    assert convener.duty == "綜理" and convener.position == 1


def test_it_reorders_within_a_role(client, user, plan_106, team):
    client.force_login(user("secretariat"))
    last = TeamMember.objects.get(name="成員戊")
    url = reverse("assessments:team_move", kwargs={"year": 106, "pk": last.pk})
    assert client.post(url, {"direction": "up"}).status_code == 302
    assert [m.name for m in plan_106.team_members.in_roster_order()] == ["成員甲", "成員乙", "成員丙", "成員戊", "成員丁"]
    response = client.post(url, {"direction": "up"}, follow=True)
    assert "已在該小組職稱的最前或最後" in response.content.decode()
    response = client.post(url, {"direction": "sideways"}, follow=True)
    assert "排序方向不正確。" in response.content.decode()
    with pytest.raises(TeamError):
        team_member_move(member=last, user=None, direction="left")
    convener = TeamMember.objects.get(role="convener")
    assert team_member_move(member=convener, user=None, direction="down") is False


def test_it_removes_a_member(client, user, team):
    client.force_login(user("secretariat"))
    gone = TeamMember.objects.get(name="成員丙")
    response = client.post(reverse("assessments:team_remove", kwargs={"year": 106, "pk": gone.pk}), follow=True)
    assert "已自推動小組名冊移除「成員丙」。" in response.content.decode()
    assert not TeamMember.objects.filter(pk=gone.pk).exists()
    assert TeamMember.history.filter(id=gone.pk, history_type="-").get().history_user == user("secretariat")


@pytest.mark.parametrize("username", ["viewer", "tianmu", "investigation"])
def test_readers_who_may_not_edit_get_403_and_nothing_changes(client, user, team, username):
    client.force_login(user(username))
    target = team[0]
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, form_data()).status_code == 403
    kwargs = {"year": 106, "pk": target.pk}
    assert client.get(reverse("assessments:team_edit", kwargs=kwargs)).status_code == 403
    assert client.post(reverse("assessments:team_edit", kwargs=kwargs), form_data()).status_code == 403
    assert client.post(reverse("assessments:team_move", kwargs=kwargs), {"direction": "up"}).status_code == 403
    assert client.post(reverse("assessments:team_remove", kwargs=kwargs)).status_code == 403
    assert TeamMember.objects.count() == 5 and not TeamMember.objects.filter(name="成員己").exists()


def test_a_member_of_another_plan_is_not_found(client, user, team, plan_106):
    from datetime import date

    from diagnosis.models import Plan

    other = Plan.objects.create(organization=plan_106.organization, year=105, title="105", start_date=date(2016, 1, 1), end_date=date(2016, 12, 31))
    stranger = member(other, TeamMember.Role.MEMBER, "成員庚")
    client.force_login(user("secretariat"))
    assert client.get(reverse("assessments:team_edit", kwargs={"year": 106, "pk": stranger.pk})).status_code == 404
    assert client.post(reverse("assessments:team_remove", kwargs={"year": 106, "pk": stranger.pk})).status_code == 404
    assert TeamMember.objects.filter(pk=stranger.pk).exists()


# --- 附表3 export ---


def test_the_xlsx_has_the_official_look(plan_106, team):
    sheet = xlsx_sheet(XlsxRenderer().render(TeamExporter(plan_106)))
    values = xlsx_values(sheet)
    assert values[0][0] == "附表3"
    assert values[1][0] == TITLE
    assert values[2] == HEADERS
    assert values[3:] == [
        ["召集人", "成員甲", "士林分局", "分局長", "綜理小組業務"],
        ["副召集人", "成員乙", "士林分局", "副分局長", None],
        ["執行秘書", "成員丙", "秘書室", "主任", None],
        ["委員", "成員丁", "天母派出所", "所長", "督導所內服務品質"],
        [None, "成員戊", "偵查隊", "隊長", None],
    ]
    assert {str(r) for r in sheet.merged_cells.ranges} == {"A1:E1", "A2:E2", "A7:A8"}
    assert sheet.title == "附表3"
    assert sheet["A8"].border.left.style == "thin" and sheet["E8"].border.bottom.style == "thin"
    assert sheet["E4"].alignment.wrap_text
    assert sheet.freeze_panes == "A4"
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4 and sheet.page_setup.fitToWidth == 1
    assert sheet.print_title_rows == "$1:$3"
    assert sheet.oddFooter.center.text == "第 &P 頁，共 &N 頁"


def test_the_ods_has_the_same_cells_and_merges(plan_106, team):
    xlsx = xlsx_values(xlsx_sheet(XlsxRenderer().render(TeamExporter(plan_106))))
    rows, merges = ods_grid(OdsRenderer().render(TeamExporter(plan_106)))
    normalise = lambda grid: [[v if v != "" else None for v in row] for row in grid]  # noqa: E731
    assert normalise(rows) == normalise(xlsx)
    assert set(merges) == {"A1:E1", "A2:E2", "A7:A8"}


def test_formula_like_text_is_written_as_text(plan_106):
    member(plan_106, TeamMember.Role.MEMBER, "=HYPERLINK(\"http://x\")", duty="@SUM(A1)")
    sheet = xlsx_sheet(XlsxRenderer().render(TeamExporter(plan_106)))
    assert sheet["B4"].value == '=HYPERLINK("http://x")' and sheet["B4"].data_type == "s" and sheet["B4"].quotePrefix
    assert sheet["E4"].value == "@SUM(A1)" and sheet["E4"].quotePrefix


@pytest.mark.parametrize(("extension", "content_type"), [
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("ods", "application/vnd.oasis.opendocument.spreadsheet"),
])
def test_every_reader_downloads_it(client, user, team, extension, content_type):
    client.force_login(user("tianmu"))
    response = client.get(f"/plans/106/team.{extension}")
    assert response.status_code == 200 and response["Content-Type"] == content_type
    assert "%E9%99%84%E8%A1%A83" in response["Content-Disposition"]  # 附表3 in the file name
    assert client.get("/plans/106/team.csv").status_code == 404
    assert client.post(f"/plans/106/team.{extension}").status_code == 405


def test_the_export_costs_the_same_queries_with_ten_times_the_members(client, user, plan_106, team):
    client.force_login(user("viewer"))
    before = count_queries(lambda: client.get("/plans/106/team.xlsx"))
    for n in range(45):
        member(plan_106, TeamMember.Role.MEMBER, f"委員{n}", code="shilin-wenlin")
    responses = []
    assert count_queries(lambda: responses.append(client.get("/plans/106/team.xlsx"))) == before
    assert xlsx_sheet(responses[0].content).max_row == 53


def test_export_form_writes_form_3(plan_106, team, tmp_path):
    out = StringIO()
    target = tmp_path / "附表3.ods"
    call_command("export_form", "--plan", "106", "--form", "3", "--format", "ods", "-o", str(target), stdout=out)
    assert "已匯出 附表3（ods）" in out.getvalue()
    rows, _ = ods_grid(target.read_bytes())
    assert rows[1][0] == TITLE and rows[3][1] == "成員甲"
