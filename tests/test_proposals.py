"""創意提案: filing, editing while 已提案, staff's decisions through the allowed steps, the list and its rates."""

import pytest

from assessments.models import Proposal, ProposalDecision
from assessments.proposal_writes import (
    ProposalError,
    StaleProposal,
    proposal_delete,
    proposal_file,
    proposal_transition,
)
from diagnosis.models import Unit

from .conftest import count_queries, url

pytestmark = pytest.mark.django_db
LIST = "/plans/106/proposals/"
NEW = "/plans/106/proposals/new/"


@pytest.fixture
def investigation():
    return Unit.objects.get(code="shilin-investigation")


@pytest.fixture
def proposal(plan_106, user, tianmu):
    return proposal_file(
        plan=plan_106, unit=tianmu, title="值班臺設置叫號機", problem="民眾久候", suggestion="設置叫號機", user=user("tianmu")
    )


def moved(proposal, user, *steps):
    for step in steps:
        proposal_transition(proposal=proposal, to_state=step, reason="審查理由", expected_state=proposal.state, user=user)
        proposal.refresh_from_db()
    return proposal


def test_a_head_files_a_proposal_for_their_own_unit(client, user, plan_106, tianmu):
    client.force_login(user("tianmu"))
    page = client.get(NEW).content.decode()
    assert "天母派出所" in page and "偵查隊" not in page  # only their own unit is offered
    response = client.post(NEW, {"unit": tianmu.pk, "title": "值班臺設置叫號機", "problem": "民眾久候\r\n尖峰時段", "suggestion": "設置叫號機"})
    proposal = Proposal.objects.get()
    assert response["Location"] == url("proposal", proposal)
    assert (proposal.unit, proposal.state, proposal.filed_by, proposal.problem) == (tianmu, "filed", user("tianmu"), "民眾久候\n尖峰時段")
    assert proposal.history.get().history_user == user("tianmu")


def test_staff_file_for_any_unit_of_the_organisation(client, user, investigation):
    client.force_login(user("secretariat"))
    page = client.get(NEW).content.decode()
    assert "偵查隊" in page and "天母派出所" in page
    assert client.post(NEW, {"unit": investigation.pk, "title": "t", "problem": "p", "suggestion": "s"}).status_code == 302
    assert Proposal.objects.get().unit == investigation


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "", "problem": "p", "suggestion": "s"}, "這個欄位是必須的。"),
        ({"title": "t", "problem": "   ", "suggestion": "s"}, "這個欄位是必須的。"),
        ({"title": "t" * 201, "problem": "p", "suggestion": "s"}, "請確認這個值至多包含 200 個字"),
        ({"title": "t\x00", "problem": "p", "suggestion": "s"}, "內容含有無法儲存的控制字元（NUL）"),
        ({"unit": "investigation", "title": "t", "problem": "p", "suggestion": "s"}, "請從清單中選擇提案單位（您可提案的單位）。"),
    ],
)
def test_filing_with_bad_input_writes_nothing(client, user, tianmu, investigation, data, message):
    client.force_login(user("tianmu"))
    data = {"unit": tianmu.pk, **data}
    if data["unit"] == "investigation":
        data["unit"] = investigation.pk  # another unit than the head's own
    response = client.post(NEW, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Proposal.objects.exists()


def test_a_unit_outside_the_organisation_is_refused_by_the_service(plan_106, user, outsider):
    other = outsider.memberships.get().unit
    with pytest.raises(ProposalError, match="「新北投派出所」不屬於士林分局"):
        proposal_file(plan=plan_106, unit=other, title="t", problem="p", suggestion="s", user=user("secretariat"))
    assert not Proposal.objects.exists()


def test_viewers_read_but_do_not_file_and_outsiders_see_nothing(client, user, proposal, outsider):
    client.force_login(user("viewer"))
    assert client.get(LIST).status_code == 200 and client.get(url("proposal", proposal)).status_code == 200
    assert "提出創意提案" not in client.get(LIST).content.decode()
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, {"title": "t", "problem": "p", "suggestion": "s"}).status_code == 403
    client.force_login(user("investigation"))  # another unit's head reads every proposal of the plan
    assert client.get(url("proposal", proposal)).status_code == 200
    client.force_login(outsider)
    for address in [LIST, NEW, url("proposal", proposal), url("proposal_edit", proposal)]:
        assert client.get(address).status_code == 404
    assert client.post(url("proposal_decide", proposal), {"to_state": "reviewing", "expected_state": "filed"}).status_code == 404
    assert Proposal.objects.count() == 1 and not ProposalDecision.objects.exists()


def test_the_filer_edits_while_filed_and_not_after(client, user, proposal, tianmu):
    client.force_login(user("tianmu"))
    assert "修改提案" in client.get(url("proposal", proposal)).content.decode()
    data = {"unit": tianmu.pk, "title": "值班臺設置叫號機（修正）", "problem": "民眾久候", "suggestion": "設置叫號機及座椅"}
    assert client.post(url("proposal_edit", proposal), data).status_code == 302
    proposal.refresh_from_db()
    assert proposal.suggestion == "設置叫號機及座椅"
    moved(proposal, user("secretariat"), "reviewing")
    assert "修改提案" not in client.get(url("proposal", proposal)).content.decode()
    response = client.post(url("proposal_edit", proposal), {**data, "title": "改不了"}, follow=True)
    assert "此提案已審查中，不能再修改內容。" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.title == "值班臺設置叫號機（修正）"


def test_only_the_filer_or_staff_edit(client, user, proposal, tianmu):
    data = {"unit": tianmu.pk, "title": "別人改的", "problem": "p", "suggestion": "s"}
    for name in ["investigation", "viewer"]:
        client.force_login(user(name))
        assert client.get(url("proposal_edit", proposal)).status_code == 403
        assert client.post(url("proposal_edit", proposal), data).status_code == 403
    client.force_login(user("secretariat"))
    assert client.post(url("proposal_edit", proposal), {**data, "title": "研考修正"}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.title == "研考修正"


def test_staff_move_a_proposal_through_its_review(client, user, proposal):
    client.force_login(user("secretariat"))
    decide = url("proposal_decide", proposal)
    assert client.post(decide, {"to_state": "reviewing", "expected_state": "filed"}).status_code == 302
    response = client.post(decide, {"to_state": "adopted", "expected_state": "reviewing", "reason": "具體可行，<b>採行</b>"})
    assert response.status_code == 302
    assert client.post(decide, {"to_state": "implemented", "expected_state": "adopted", "reason": "106/07 起各所設置"}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.state == "implemented"
    steps = [(d.from_state, d.to_state, d.decided_by.username) for d in proposal.decisions.all()]
    assert steps == [("filed", "reviewing", "secretariat"), ("reviewing", "adopted", "secretariat"), ("adopted", "implemented", "secretariat")]
    page = client.get(url("proposal", proposal)).content.decode()
    assert "審查中 → 採行" in page and "&lt;b&gt;採行&lt;/b&gt;" in page
    assert "審查決定" not in page  # 已實施 is the end


@pytest.mark.parametrize(
    ("steps", "data", "message"),
    [
        ((), {"to_state": "adopted", "reason": "x"}, "提案目前為「已提案」，不能改為「採行」；可改為：審查中。"),
        (("reviewing",), {"to_state": "implemented", "reason": "x"}, "提案目前為「審查中」，不能改為「已實施」；可改為：採行、不採行。"),
        (("reviewing", "rejected"), {"to_state": "adopted", "reason": "x"}, "提案目前為「不採行」，不能改為「採行」；可改為：（無）。"),
        (("reviewing",), {"to_state": "adopted", "reason": "  "}, "改為「採行」時請填寫理由。"),
        (("reviewing",), {"to_state": "rejected", "reason": ""}, "改為「不採行」時請填寫理由。"),
        (("reviewing", "adopted"), {"to_state": "implemented", "reason": ""}, "改為「已實施」時請填寫理由。"),
        ((), {"to_state": "maybe", "reason": "x"}, "請從清單中選擇新狀態。"),
    ],
)
def test_a_wrong_step_gets_a_chinese_error_and_writes_nothing(client, user, proposal, steps, data, message):
    moved(proposal, user("secretariat"), *steps)
    before = proposal.decisions.count()
    client.force_login(user("secretariat"))
    response = client.post(url("proposal_decide", proposal), {"expected_state": proposal.state, **data})
    assert response.status_code == 400
    assert message in response.content.decode()
    state = proposal.state
    proposal.refresh_from_db()
    assert proposal.state == state and proposal.decisions.count() == before


def test_two_staff_deciding_at_once_the_second_gets_the_chinese_message(client, user, proposal):
    moved(proposal, user("secretariat"), "reviewing")
    client.force_login(user("secretariat"))
    decide = url("proposal_decide", proposal)
    # Both loaded the page while it was 審查中; the first adopts it.
    assert client.post(decide, {"to_state": "adopted", "expected_state": "reviewing", "reason": "採行"}).status_code == 302
    response = client.post(decide, {"to_state": "rejected", "expected_state": "reviewing", "reason": "不採行"})
    assert response.status_code == 409
    assert "此提案的狀態已被他人改為「採行」，請重新整理頁面後再決定。" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.state == "adopted" and proposal.decisions.count() == 2
    with pytest.raises(StaleProposal):
        proposal_transition(proposal=proposal, to_state="rejected", reason="x", expected_state="reviewing", user=user("secretariat"))


def test_only_staff_decide(client, user, proposal):
    for name in ["viewer", "tianmu", "investigation"]:
        client.force_login(user(name))
        assert client.post(url("proposal_decide", proposal), {"to_state": "reviewing", "expected_state": "filed"}).status_code == 403
        assert "審查決定" not in client.get(url("proposal", proposal)).content.decode()
    proposal.refresh_from_db()
    assert proposal.state == "filed" and not proposal.decisions.exists()


def test_the_list_filters_by_state_and_unit_and_shows_the_rates(client, user, plan_106, proposal, investigation):
    staff = user("secretariat")
    other = proposal_file(plan=plan_106, unit=investigation, title="偵查隊提案", problem="p", suggestion="s", user=staff)
    moved(other, staff, "reviewing", "rejected")
    client.force_login(user("viewer"))
    page = client.get(LIST).content.decode()
    assert "值班臺設置叫號機" in page and "偵查隊提案" in page and "提案清單（2 件）" in page
    assert "0.0%" in page and "—" in page  # 偵查隊 none adopted; 天母 nothing decided
    only_rejected = client.get(LIST, {"state": "rejected"}).content.decode()
    assert "偵查隊提案" in only_rejected and "值班臺設置叫號機" not in only_rejected
    only_tianmu = client.get(LIST, {"unit": proposal.unit_id}).content.decode()
    assert "值班臺設置叫號機" in only_tianmu and "偵查隊提案" not in only_tianmu
    bad = client.get(LIST, {"state": "maybe", "unit": "x"}).content.decode()
    assert "請從清單中選擇狀態。" in bad and "請從清單中選擇單位。" in bad and "提案清單（2 件）" in bad


def test_the_list_pages_fifty_at_a_time(client, user, plan_106, tianmu):
    staff = user("secretariat")
    Proposal.objects.bulk_create(
        Proposal(plan=plan_106, unit=tianmu, title=f"提案{i:02d}", problem="p", suggestion="s", filed_by=staff) for i in range(51)
    )
    client.force_login(staff)
    first = client.get(LIST, {"state": "filed"}).content.decode()
    assert "第 1 頁，共 2 頁" in first and "state=filed&amp;page=2" in first
    assert "第 2 頁，共 2 頁" in client.get(LIST, {"state": "filed", "page": 2}).content.decode()
    assert client.get(LIST, {"page": "x"}).status_code == 200


def test_proposal_pages_cost_the_same_queries_with_ten_times_the_proposals(client, user, plan_106, proposal):
    staff = user("secretariat")
    units = list(Unit.objects.filter(parent=proposal.unit.parent))

    def more(count):
        for i in range(count):
            moved(proposal_file(plan=plan_106, unit=units[i % len(units)], title=f"t{i}", problem="p", suggestion="s", user=staff),
                  staff, "reviewing", "adopted")

    more(5)
    decided = Proposal.objects.filter(state="adopted").first()
    client.force_login(user("viewer"))

    def counts():
        return [
            count_queries(lambda: client.get(LIST)),
            count_queries(lambda: client.get(LIST, {"unit": proposal.unit_id, "state": "filed"})),
            count_queries(lambda: client.get(url("proposal", decided))),
        ]

    before = counts()
    more(45)
    assert Proposal.objects.count() == 51
    assert counts() == before


@pytest.mark.parametrize("who", ["tianmu", "secretariat"])
def test_it_deletes_a_filed_proposal_after_a_confirmation_page(client, user, proposal, who):
    client.force_login(user(who))
    assert "刪除提案" in client.get(url("proposal", proposal)).content.decode()
    page = client.get(url("proposal_delete", proposal))
    assert page.status_code == 200
    text = page.content.decode()
    assert "刪除提案「值班臺設置叫號機」" in text and "設置叫號機" in text and "確定刪除提案" in text
    assert Proposal.objects.filter(pk=proposal.pk).exists()  # GET only asks
    response = client.post(url("proposal_delete", proposal), follow=True)
    assert response.redirect_chain == [(LIST, 302)] and "已刪除提案「值班臺設置叫號機」。" in response.content.decode()
    assert not Proposal.objects.exists()
    assert Proposal.history.get(history_type="-").history_user == user(who)


@pytest.mark.parametrize("steps", [["reviewing"], ["reviewing", "rejected"], ["reviewing", "adopted", "implemented"]])
def test_it_keeps_a_proposal_once_staff_started_deciding_it(client, user, proposal, steps):
    moved(proposal, user("secretariat"), *steps)
    state = proposal.get_state_display()
    for who in ["tianmu", "secretariat"]:
        client.force_login(user(who))
        assert "刪除提案" not in client.get(url("proposal", proposal)).content.decode()
        for response in [client.get(url("proposal_delete", proposal), follow=True), client.post(url("proposal_delete", proposal), follow=True)]:
            assert response.redirect_chain == [(url("proposal", proposal), 302)]
            assert f"此提案已{state}，須保留作為紀錄，不能刪除。" in response.content.decode()
    with pytest.raises(ProposalError, match="須保留作為紀錄"):
        proposal_delete(proposal=proposal, user=user("secretariat"))
    assert Proposal.objects.filter(pk=proposal.pk).exists() and proposal.decisions.count() == len(steps)


def test_only_the_filer_or_staff_delete(client, user, proposal, outsider):
    for name in ["investigation", "viewer"]:  # they read the proposal, but may not delete it
        client.force_login(user(name))
        assert "刪除提案" not in client.get(url("proposal", proposal)).content.decode()
        assert client.get(url("proposal_delete", proposal)).status_code == 403
        assert client.post(url("proposal_delete", proposal)).status_code == 403
    client.force_login(outsider)
    assert client.get(url("proposal_delete", proposal)).status_code == 404
    assert client.post(url("proposal_delete", proposal)).status_code == 404
    assert Proposal.objects.filter(pk=proposal.pk).exists()
