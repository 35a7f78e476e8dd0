"""列管追蹤: 追蹤單位 inside the plan's organisation, the unit's answer with evidence, who reads which review items,
the next review showing the answers, reminders of follow-ups due, and pages whose queries do not grow."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.follow_up_writes import follow_up_answer
from assessments.models import ControlReview, FollowUpAnswer, FollowUpEvidence, ReminderLog, ReviewItem
from assessments.reminders import send_reminders
from assessments.review_writes import review_close, review_open
from diagnosis.models import Membership, Unit
from measures.evidence_files import inspect_upload

from .conftest import copy_measures, shilin_unit, unit
from .test_reviews import formset_data

pytestmark = pytest.mark.django_db
KEEP, RELEASE = ReviewItem.Decision.KEEP, ReviewItem.Decision.RELEASE


def opened(plan, user):
    return review_open(plan=plan, as_of=date(2017, 5, 31), meeting_date=date(2017, 6, 1), title="106年5月份管制考核", user=user)


def closed_with(plan, user, kept: dict[str, str], due=date(2017, 6, 30)) -> ControlReview:
    """A closed review that kept the measures named in `kept` (name → unit code under 士林分局) and released the rest."""
    review = opened(plan, user)
    review.items.update(decision=RELEASE, follow_up_unit=shilin_unit("secretariat"))
    for name, code in kept.items():
        review.items.filter(measure__name=name).update(decision=KEEP, follow_up_unit=shilin_unit(code), follow_up_due=due)
    return review_close(review=review, user=user)


def kept_item(review, name) -> ReviewItem:
    return review.items.get(measure__name=name)


def answer_url(item) -> str:
    return f"/plans/106/reviews/{item.review_id}/items/{item.pk}/answer/"


# ---------------------------------------------------------------- 追蹤單位 choices


def test_the_follow_up_units_are_the_organisations_grouped_by_the_tree(client, plan_106, user):
    client.force_login(user("secretariat"))
    review = opened(plan_106, user("secretariat"))
    response = client.get(f"/plans/106/reviews/{review.pk}/")
    field = response.context["formset"].forms[0].fields["follow_up_unit"]
    choices = list(field.choices)
    assert choices[0][0] == ""
    groups = dict(choices[1:])
    inside = {u.pk for u in Unit.objects.within(plan_106.organization)}
    offered = {value.value for options in groups.values() for value, _ in options}
    assert offered == inside
    assert [label for _, label in groups["士林分局"]][:2] == ["秘書室", "行政組"]
    assert "臺北市政府警察局" in groups  # 士林分局 itself, under its parent
    content = response.content.decode()
    assert '<optgroup label="士林分局">' in content
    assert content.count(">秘書室</option>") == len(response.context["formset"].forms)  # once per row, not twice


def test_an_outside_unit_is_refused_in_chinese_and_nothing_is_written(client, plan_106, user):
    client.force_login(user("secretariat"))
    review = opened(plan_106, user("secretariat"))
    bureau_office = Unit.objects.exclude(pk__in=Unit.objects.within(plan_106.organization)).exclude(parent=None).first()
    before = list(review.items.order_by("pk").values_list("follow_up_unit_id", "finding", "decision"))
    first = review.items.order_by("pk").first().measure.name
    data = formset_data(review, **{"*": {"decision": "release", "finding": "寫了"},
                                   first: {"decision": "keep", "follow_up_unit": bureau_office.pk, "follow_up_due": "106/06/30", "finding": "寫了"}})
    response = client.post(f"/plans/106/reviews/{review.pk}/", data)
    assert response.status_code == 400
    assert "追蹤單位須為士林分局或其所屬單位，請從清單中選擇。" in response.content.decode()
    assert list(review.items.order_by("pk").values_list("follow_up_unit_id", "finding", "decision")) == before


def test_keep_needs_a_unit_and_a_due_date(client, plan_106, user):
    client.force_login(user("secretariat"))
    review = opened(plan_106, user("secretariat"))
    response = client.post(f"/plans/106/reviews/{review.pk}/", formset_data(review, **{"*": {"decision": "keep"}}))
    content = response.content.decode()
    assert response.status_code == 400
    assert "繼續列管時請選擇追蹤單位。" in content and "繼續列管時請填追蹤期限。" in content
    assert not review.items.exclude(decision="").exists()


# ---------------------------------------------------------------- the unit's answer


def test_the_unit_answers_with_evidence(client, plan_106, user, pdf_file, evidence_dir):
    review = closed_with(plan_106, user("secretariat"), {"服務及時性": "tianmu"})
    item = kept_item(review, "服務及時性")
    client.force_login(user("tianmu"))
    page = client.get("/units/shilin-tianmu/")
    assert "列管追蹤（1）" in page.content.decode() and answer_url(item) in page.content.decode()
    assert client.get(answer_url(item)).status_code == 200
    response = client.post(answer_url(item), {"text": "已完成改善\n並召開檢討會", "evidence": [pdf_file("會議紀錄.pdf")]})
    assert response.status_code == 302 and response["Location"] == "/units/shilin-tianmu/"
    answer = FollowUpAnswer.objects.get(item=item)
    assert (answer.text, answer.answered_by.username) == ("已完成改善\n並召開檢討會", "tianmu")
    evidence = answer.files.get()
    assert evidence.original_name == "會議紀錄.pdf" and (evidence_dir / evidence.file.name).exists()
    assert answer.history.count() == 1
    download = client.get(f"/plans/106/follow-up-files/{evidence.pk}/")
    assert download.status_code == 200 and download["Content-Security-Policy"] == "default-src 'none'; sandbox"
    # Changed again: the same answer, its history grows, the first file stays.
    client.post(answer_url(item), {"text": "補充說明"})
    answer.refresh_from_db()
    assert answer.text == "補充說明" and answer.history.count() == 2 and answer.files.count() == 1
    page = client.get("/units/shilin-tianmu/").content.decode()
    assert "已於" in page and "檢視或修改辦理情形" in page


def test_a_bad_file_or_no_text_is_refused_and_nothing_is_written(client, plan_106, user, pdf_file, evidence_dir):
    item = kept_item(closed_with(plan_106, user("secretariat"), {"服務及時性": "tianmu"}), "服務及時性")
    client.force_login(user("tianmu"))
    response = client.post(answer_url(item), {"text": "已辦理", "evidence": [pdf_file("好.pdf"), pdf_file("壞.pdf", b"MZ\x90\x00 not a pdf")]})
    assert response.status_code == 400
    assert "壞.pdf：" in response.content.decode() and "未能送出" in response.content.decode()
    response = client.post(answer_url(item), {"text": "  ", "evidence": [pdf_file()]})
    assert response.status_code == 400 and "請填寫辦理情形。" in response.content.decode()
    assert not FollowUpAnswer.objects.exists() and not FollowUpEvidence.objects.exists()
    assert not evidence_dir.exists() or not any(p.is_file() for p in evidence_dir.rglob("*"))


def test_only_the_follow_up_unit_answers(client, plan_106, user, outsider):
    item = kept_item(closed_with(plan_106, user("secretariat"), {"服務及時性": "tianmu"}), "服務及時性")
    for username, status in (("investigation", 404), ("viewer", 403), ("secretariat", 403)):
        client.force_login(user(username))
        assert client.post(answer_url(item), {"text": "x"}).status_code == status
    client.force_login(outsider)
    assert client.get(answer_url(item)).status_code == 404
    assert client.post(answer_url(item), {"text": "x"}).status_code == 404
    assert not FollowUpAnswer.objects.exists()


def test_staff_answer_for_the_organisation_itself(client, plan_106, user):
    item = kept_item(closed_with(plan_106, user("secretariat"), {"服務及時性": "tianmu"}), "服務及時性")
    ReviewItem.objects.filter(pk=item.pk).update(follow_up_unit=unit("tcpd-shilin"))
    client.force_login(user("secretariat"))
    assert "列管追蹤（1）" in client.get("/units/tcpd-shilin/").content.decode()
    assert client.post(answer_url(item), {"text": "分局已辦理"}).status_code == 302
    assert FollowUpAnswer.objects.get(item=item).answered_by.username == "secretariat"


def test_a_released_or_superseded_item_takes_no_answer(client, plan_106, user):
    review = closed_with(plan_106, user("secretariat"), {"服務及時性": "tianmu"})
    item = kept_item(review, "服務及時性")
    client.force_login(user("tianmu"))
    later = closed_with(plan_106, user("secretariat"), {})
    assert later.pk != review.pk
    response = client.post(answer_url(item), {"text": "太晚了"}, follow=True)
    assert "已不在列管中" in response.content.decode()
    assert not FollowUpAnswer.objects.exists()
    assert "列管追蹤" not in client.get("/units/shilin-tianmu/").content.decode()


# ---------------------------------------------------------------- who reads which items of a review


def test_a_unit_head_reads_only_the_items_they_follow_up(client, plan_106, user, outsider):
    review = closed_with(plan_106, user("secretariat"), {"服務及時性": "tianmu", "服務人員專業度": "investigation"})
    page = f"/plans/106/reviews/{review.pk}/"
    client.force_login(user("tianmu"))
    content = client.get(page).content.decode()
    assert "服務及時性" in content and "服務人員專業度" not in content
    assert "courtesy-heading" not in content and "下載管制表" not in content
    assert client.post(page, {}).status_code == 403
    assert client.get(f"/plans/106/reviews/{review.pk}/export.xlsx").status_code == 404
    client.force_login(user("investigation"))
    content = client.get(page).content.decode()
    assert "服務人員專業度" in content and "服務及時性" not in content
    wenlin = get_user_model().objects.create_user("wenlin-head", password="x-unused-9")
    Membership.objects.create(user=wenlin, unit=shilin_unit("wenlin"), role=Membership.Role.HEAD)
    client.force_login(wenlin)  # follows up nothing of it
    assert client.get(page).status_code == 404
    client.force_login(outsider)
    assert client.get(page).status_code == 404
    client.force_login(user("viewer"))
    content = client.get(page).content.decode()
    assert "服務及時性" in content and "服務人員專業度" in content


def test_the_next_review_shows_each_answer_beside_its_item(client, plan_106, user, pdf_file, evidence_dir):
    item = kept_item(closed_with(plan_106, user("secretariat"), {"服務及時性": "tianmu"}), "服務及時性")
    upload = pdf_file("改善照片.pdf")
    follow_up_answer(item=item, user=user("tianmu"), text="已加派人力", files=[(upload, inspect_upload(upload))])
    following = opened(plan_106, user("secretariat"))
    carried = following.items.get(measure__name="服務及時性")
    assert carried.origin == ReviewItem.Origin.CARRIED and carried.follow_up_unit == shilin_unit("tianmu")
    client.force_login(user("secretariat"))
    content = client.get(f"/plans/106/reviews/{following.pk}/").content.decode()
    assert "追蹤單位辦理情形" in content and "已加派人力" in content and "改善照片.pdf" in content and "天母所長" in content
    # decided as today: 解除列管
    data = formset_data(following, **{"*": {"decision": "release"}})
    assert client.post(f"/plans/106/reviews/{following.pk}/", data).status_code == 302
    review_close(review=following, user=user("secretariat"))
    client.force_login(user("viewer"))
    assert "已加派人力" in client.get(f"/plans/106/reviews/{following.pk}/").content.decode()


# ---------------------------------------------------------------- reminders


def test_follow_ups_due_are_told_once_to_the_unit_and_staff(plan_106, user):
    review = closed_with(plan_106, user("secretariat"), {"服務及時性": "tianmu", "服務人員專業度": "investigation"})
    follow_up_answer(item=kept_item(review, "服務人員專業度"), user=user("investigation"), text="已辦理")
    send_reminders(plan_106, date(2017, 6, 29))
    tianmu = [m.body for m in mail.outbox if m.to == ["tianmu@sq-demo.invalid"]]
    staff = [m.body for m in mail.outbox if m.to == ["secretariat@sq-demo.invalid"]]
    told = "「服務及時性」列管追蹤（天母派出所）明天到期（追蹤期限 106/06/30），尚未填報辦理情形。"
    assert told in tianmu[0] and told in staff[0]
    assert not any("服務人員專業度」列管追蹤" in m.body for m in mail.outbox)  # answered
    assert not any("列管追蹤" in m.body for m in mail.outbox if m.to == ["investigation@sq-demo.invalid"])
    assert ReminderLog.objects.filter(kind=ReminderLog.Kind.FOLLOW_UP).count() == 2
    mail.outbox.clear()
    send_reminders(plan_106, date(2017, 7, 3))  # overdue now: already told
    assert not any("列管追蹤" in m.body for m in mail.outbox)


def test_an_overdue_follow_up_is_told_when_first_seen(plan_106, user):
    closed_with(plan_106, user("secretariat"), {"服務及時性": "tianmu"}, due=date(2017, 6, 15))
    send_reminders(plan_106, date(2017, 6, 20))
    body = next(m.body for m in mail.outbox if m.to == ["tianmu@sq-demo.invalid"])
    assert "「服務及時性」列管追蹤（天母派出所）已於 106/06/15 逾期" in body


# ---------------------------------------------------------------- the unit dashboard's section


def test_the_unit_dashboard_marks_overdue_follow_ups_in_roc_dates(client, plan_106, user):
    review = closed_with(plan_106, user("secretariat"), {"服務及時性": "tianmu", "服務人員專業度": "tianmu"})
    ReviewItem.objects.filter(pk=kept_item(review, "服務人員專業度").pk).update(follow_up_due=date(2099, 1, 1))
    client.force_login(user("tianmu"))
    content = client.get("/units/shilin-tianmu/").content.decode()
    assert "列管追蹤（2）" in content and "106/06/30" in content and "188/01/01" in content
    assert content.count("（已逾期）") == 1


# ---------------------------------------------------------------- queries that do not grow


def _kept_review(plan, user, measures, unit_code="tianmu"):
    """A closed review keeping every one of `measures` for the unit, each answered with a file (rows written
    directly: the data of a query-count test)."""
    staff = user("secretariat")
    review = ControlReview.objects.create(plan=plan, title="前次", as_of=date(2017, 4, 30), meeting_date=date(2017, 5, 2),
                                          state="closed", created_by=staff)
    items = ReviewItem.objects.bulk_create(
        ReviewItem(review=review, measure=m, origin="proposed", status_label="落後", decision=KEEP,
                   follow_up_unit=shilin_unit(unit_code), follow_up_due=date(2017, 6, 30)) for m in measures
    )
    answers = FollowUpAnswer.objects.bulk_create(
        FollowUpAnswer(item=i, text="辦理", answered_by=user("tianmu"), answered_at=timezone.now()) for i in items
    )
    FollowUpEvidence.objects.bulk_create(
        FollowUpEvidence(answer=a, file=f"follow-ups/x/{a.pk}.pdf", original_name="a.pdf", content_type="application/pdf",
                         size=10, sha256="0" * 64, uploaded_by=user("tianmu")) for a in answers
    )
    return review


def _count(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.mark.parametrize("who", ["tianmu", "secretariat"])
def test_follow_up_pages_cost_the_same_with_ten_times_the_items(client, plan_106, user, who):
    measures = list(plan_106.measures.order_by("pk")) + [copy for copy, _ in copy_measures(plan_106)]
    client.force_login(user(who))
    counts = []
    for n in (3, 30):
        ControlReview.objects.filter(plan=plan_106).delete()
        review = _kept_review(plan_106, user, measures[:n])
        following = ControlReview.objects.create(plan=plan_106, title="本次", as_of=date(2017, 5, 31), meeting_date=date(2017, 6, 1),
                                                 previous=review, created_by=user("secretariat"))
        ReviewItem.objects.bulk_create(
            ReviewItem(review=following, measure=m, origin="carried", status_label="落後", follow_up_unit=shilin_unit("tianmu"))
            for m in measures[:n]
        )
        counts.append((
            _count(client, "/units/shilin-tianmu/"),
            _count(client, f"/plans/106/reviews/{review.pk}/"),
            _count(client, f"/plans/106/reviews/{following.pk}/"),
        ))
    assert counts[0] == counts[1]


# ---------------------------------------------------------------- hostile input


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(st.text(max_size=300), st.just("長" * 6000), st.just("\x00"),
                      st.builds(lambda t: "<script>alert(1)</script>" + t, st.text(max_size=20))),
       unit_value=st.one_of(st.text(max_size=30), st.integers()))
def test_hostile_answers_and_units_never_fail(client, plan_106, user, text, unit_value):
    if not ControlReview.objects.filter(state="closed").exists():
        closed_with(plan_106, user("secretariat"), {"服務及時性": "tianmu"})
    item = ReviewItem.objects.get(review__state="closed", measure__name="服務及時性")
    client.force_login(user("tianmu"))
    response = client.post(answer_url(item), {"text": text})
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert not FollowUpAnswer.objects.filter(item=item, text=text).exists()
    assert "<script>alert(1)</script>" not in client.get(answer_url(item)).content.decode()
    review = ControlReview.objects.filter(state="open").first() or opened(plan_106, user("secretariat"))
    client.force_login(user("secretariat"))
    data = formset_data(review, **{"*": {"decision": "keep", "follow_up_unit": unit_value, "follow_up_due": "106/06/30"}})
    assert client.post(f"/plans/106/reviews/{review.pk}/", data).status_code in (302, 400)
