"""列管追蹤 that reaches the units, beyond measures: 電話禮貌測試 items kept under control are answered by the unit
tested; a unit head's list of the reviews concerning their unit; removing a file of an answer; and answers
closing with the plan's 結算日."""

from contextlib import contextmanager
from datetime import date, datetime
from functools import partial
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from assessments.follow_up_writes import follow_up_answer
from assessments.models import ControlReview, CourtesyTest, FollowUpAnswer, FollowUpEvidence, ReviewItem
from assessments.review_writes import review_close, review_open
from measures.evidence_files import inspect_upload

from .conftest import copy_measures, count_queries, shilin_unit

pytestmark = pytest.mark.django_db
KEEP = ReviewItem.Decision.KEEP
TITLE = "電話禮貌測試（106/04/10 測試 60.0 分）"
REFUSED = "本年度計畫已於 107/01/31 結算，填報不能再新增、修改或審核。"


def closed_review(plan, user, title="106年4月份管制考核", as_of=date(2017, 4, 30)) -> ControlReview:
    return ControlReview.objects.create(
        plan=plan, title=title, as_of=as_of, meeting_date=as_of, state="closed", created_by=user("secretariat")
    )


def kept_courtesy(review, user, code="tianmu", score=60):
    test = CourtesyTest.objects.create(
        plan=review.plan,
        unit=shilin_unit(code),
        tested_on=date(2017, 4, 10),
        score=score,
        tester="查測員",
        recorded_by=user("secretariat"),
    )
    return review.courtesy_items.create(
        unit=test.unit,
        courtesy_test=test,
        origin="proposed",
        pass_score=80,
        decision=KEEP,
        finding="接聽未報單位",
        action="加強訓練",
        follow_up_due=date(2017, 6, 30),
    )


def answer_url(item) -> str:
    return reverse(
        "assessments:courtesy_follow_up_answer", kwargs={"year": 106, "pk": item.review_id, "item_pk": item.pk}
    )


def answered(item, user, pdf_file, name="改善紀錄.pdf"):
    upload = pdf_file(name)
    return follow_up_answer(
        item=item, user=user("tianmu"), text="已辦理電話禮貌訓練", files=[(upload, inspect_upload(upload))]
    )


# ---------------------------------------------------------------- 電話禮貌測試 items as follow-ups


def test_it_takes_the_answer_to_a_kept_courtesy_test_from_the_unit(client, plan_106, user, pdf_file, evidence_dir):
    item = kept_courtesy(closed_review(plan_106, user), user)
    client.force_login(user("tianmu"))
    dashboard = client.get("/units/shilin-tianmu/").content.decode()
    assert "列管追蹤（1）" in dashboard and TITLE in dashboard and answer_url(item) in dashboard
    page = client.get(answer_url(item)).content.decode()
    assert "電話禮貌測試" in page and "60.0 分（及格分數 80 分）" in page and "接聽未報單位" in page
    bad = client.post(answer_url(item), {"text": " ", "evidence": [pdf_file()]})
    assert bad.status_code == 400 and "請填寫辦理情形。" in bad.content.decode()
    assert not FollowUpAnswer.objects.exists()
    response = client.post(answer_url(item), {"text": "已辦理電話禮貌訓練", "evidence": [pdf_file("訓練簽到.pdf")]})
    assert response.status_code == 302 and response["Location"] == "/units/shilin-tianmu/"
    answer = FollowUpAnswer.objects.get(courtesy_item=item)
    assert (
        answer.item is None
        and answer.text == "已辦理電話禮貌訓練"
        and answer.files.get().original_name == "訓練簽到.pdf"
    )
    dashboard = client.get("/units/shilin-tianmu/").content.decode()
    assert "檢視或修改辦理情形" in dashboard


def test_the_next_review_shows_the_courtesy_answer(client, plan_106, user, pdf_file, evidence_dir):
    item = kept_courtesy(closed_review(plan_106, user), user)
    answered(item, user, pdf_file)
    following = review_open(
        plan=plan_106, as_of=date(2017, 5, 31), meeting_date=date(2017, 6, 1), title="5月", user=user("secretariat")
    )
    carried = following.courtesy_items.get(unit=item.unit)
    assert carried.origin == "carried"
    client.force_login(user("secretariat"))
    page = client.get(f"/plans/106/reviews/{following.pk}/").content.decode()
    assert "受測單位辦理情形" in page and "已辦理電話禮貌訓練" in page and "改善紀錄.pdf" in page
    following.items.update(decision="release")
    following.courtesy_items.update(decision="release")
    review_close(review=following, user=user("secretariat"))
    client.force_login(user("viewer"))
    page = client.get(f"/plans/106/reviews/{following.pk}/").content.decode()
    assert "前次追蹤辦理情形" in page and "已辦理電話禮貌訓練" in page


def test_only_the_unit_tested_answers_its_courtesy_follow_up(client, plan_106, user, outsider, pdf_file, evidence_dir):
    item = kept_courtesy(closed_review(plan_106, user), user)
    file = answered(item, user, pdf_file).files.get()
    download = reverse("assessments:follow_up_file", kwargs={"year": 106, "pk": file.pk})
    for person in [outsider, user("investigation")]:
        client.force_login(person)
        assert client.get(answer_url(item)).status_code == 404
        assert client.post(answer_url(item), {"text": "x"}).status_code == 404
        assert client.get(download).status_code == 404
    for name in ["viewer", "secretariat"]:
        client.force_login(user(name))
        assert client.get(answer_url(item)).status_code == 200
        assert client.get(download).status_code == 200
        assert client.post(answer_url(item), {"text": "x"}).status_code == 403
    assert FollowUpAnswer.objects.get().text == "已辦理電話禮貌訓練"


def test_an_answer_answers_exactly_one_item(plan_106, user):
    review = closed_review(plan_106, user)
    courtesy = kept_courtesy(review, user)
    measure_item = review.items.create(
        measure=plan_106.measures.first(), origin="proposed", status_label="落後", decision=KEEP
    )
    for kept in [{}, {"item": measure_item, "courtesy_item": courtesy}]:
        with pytest.raises(IntegrityError), transaction.atomic():
            FollowUpAnswer.objects.create(text="x", answered_by=user("tianmu"), answered_at=timezone.now(), **kept)


# ---------------------------------------------------------------- a unit head's list of reviews


def test_a_unit_head_lists_only_the_reviews_concerning_their_unit(client, plan_106, user, outsider):
    theirs = closed_review(plan_106, user, title="四月管制考核")
    theirs.items.create(
        measure=plan_106.measures.first(),
        origin="proposed",
        status_label="落後",
        decision=KEEP,
        follow_up_unit=shilin_unit("tianmu"),
        finding="內部檢討內容",
    )
    courtesy_only = closed_review(plan_106, user, title="三月管制考核", as_of=date(2017, 3, 31))
    kept_courtesy(courtesy_only, user)
    other = closed_review(plan_106, user, title="二月管制考核", as_of=date(2017, 2, 28))
    other.items.create(
        measure=plan_106.measures.first(),
        origin="proposed",
        status_label="落後",
        decision=KEEP,
        follow_up_unit=shilin_unit("investigation"),
    )
    client.force_login(user("tianmu"))
    page = client.get("/plans/106/reviews/").content.decode()
    assert "四月管制考核" in page and "三月管制考核" in page and "二月管制考核" not in page
    assert f"/plans/106/reviews/{theirs.pk}/" in page and "開啟新的管制考核" not in page
    assert client.get(f"/plans/106/reviews/{courtesy_only.pk}/").status_code == 200
    assert client.get(f"/plans/106/reviews/{other.pk}/").status_code == 404
    assert client.post("/plans/106/reviews/", {"title": "x"}).status_code == 403
    client.force_login(user("investigation"))
    page = client.get("/plans/106/reviews/").content.decode()
    assert "二月管制考核" in page and "四月管制考核" not in page and "三月管制考核" not in page
    assert client.get(f"/plans/106/reviews/{theirs.pk}/").status_code == 404
    client.force_login(outsider)
    assert client.get("/plans/106/reviews/").status_code == 404


def test_a_unit_heads_review_list_counts_only_their_own_items_of_both_kinds(client, plan_106, user):
    review = closed_review(plan_106, user)
    for measure, code in zip(plan_106.measures.order_by("pk")[:3], ["tianmu", "tianmu", "investigation"], strict=True):
        review.items.create(
            measure=measure, origin="proposed", status_label="落後", decision=KEEP, follow_up_unit=shilin_unit(code)
        )
    kept_courtesy(review, user)
    kept_courtesy(review, user, code="shezi")
    for username, count in [("tianmu", 3), ("investigation", 1)]:
        client.force_login(user(username))
        page = client.get("/plans/106/reviews/").content.decode()
        assert f'data-label="本單位追蹤項目">{count} 項</td>' in page, username


def test_the_head_review_list_costs_the_same_with_ten_times_the_reviews(client, plan_106, user):
    measures = list(plan_106.measures.order_by("pk")) + [copy for copy, _ in copy_measures(plan_106)]
    client.force_login(user("tianmu"))
    counts = []
    for n in (3, 30):
        ControlReview.objects.filter(plan=plan_106).delete()
        for i in range(n):
            review = closed_review(plan_106, user, title=f"第{i}次", as_of=date(2017, 1, 1))
            review.items.create(
                measure=measures[i],
                origin="proposed",
                status_label="落後",
                decision=KEEP,
                follow_up_unit=shilin_unit("tianmu"),
            )
        counts.append(count_queries(lambda: client.get("/plans/106/reviews/")))
        assert client.get("/plans/106/reviews/").content.decode().count("次</a>") == n
    assert counts[0] == counts[1]


# ---------------------------------------------------------------- removing a file of an answer


def test_the_unit_removes_a_file_after_confirming(
    client, plan_106, user, pdf_file, evidence_dir, django_capture_on_commit_callbacks
):
    item = kept_courtesy(closed_review(plan_106, user), user)
    file = answered(item, user, pdf_file).files.get()
    remove = reverse("assessments:follow_up_file_remove", kwargs={"year": 106, "pk": file.pk})
    client.force_login(user("tianmu"))
    assert remove in client.get(answer_url(item)).content.decode()
    confirm = client.get(remove).content.decode()
    assert "移除辦理情形的檔案" in confirm and "改善紀錄.pdf" in confirm and "確定移除檔案" in confirm
    assert FollowUpEvidence.objects.filter(pk=file.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(remove)
    assert response["Location"] == answer_url(item)
    assert not FollowUpEvidence.objects.filter(pk=file.pk).exists() and not (evidence_dir / file.file.name).exists()
    history = FollowUpEvidence.history.filter(id=file.pk).order_by("history_date")
    assert [h.history_type for h in history] == ["+", "-"] and history.last().history_user.username == "tianmu"
    assert FollowUpAnswer.objects.get().text == "已辦理電話禮貌訓練"


def test_others_cannot_remove_a_file(client, plan_106, user, outsider, pdf_file, evidence_dir):
    item = kept_courtesy(closed_review(plan_106, user), user)
    file = answered(item, user, pdf_file).files.get()
    remove = reverse("assessments:follow_up_file_remove", kwargs={"year": 106, "pk": file.pk})
    for person, status in [
        (outsider, 404),
        (user("investigation"), 404),
        (user("viewer"), 403),
        (user("secretariat"), 403),
    ]:
        client.force_login(person)
        assert client.get(remove).status_code == status
        assert client.post(remove).status_code == status
    assert FollowUpEvidence.objects.filter(pk=file.pk).exists()


def test_a_file_stays_once_the_next_review_has_closed(client, plan_106, user, pdf_file, evidence_dir):
    item = kept_courtesy(closed_review(plan_106, user), user)
    file = answered(item, user, pdf_file).files.get()
    closed_review(plan_106, user, title="五月", as_of=date(2017, 5, 31))
    client.force_login(user("tianmu"))
    page = client.get(answer_url(item)).content.decode()
    assert "移除" not in page
    remove = reverse("assessments:follow_up_file_remove", kwargs={"year": 106, "pk": file.pk})
    landing = client.post(remove, follow=True).content.decode()
    assert "此項目已不在列管中" in landing and FollowUpEvidence.objects.filter(pk=file.pk).exists()


# ---------------------------------------------------------------- closed at the plan's 結算日


@contextmanager
def after_closing(plan):
    plan.closing_date = date(2018, 1, 31)
    plan.save(update_fields=["closing_date"])
    with time_machine.travel(datetime(2018, 2, 1, 10, tzinfo=ZoneInfo("Asia/Taipei")), tick=False):
        yield


def test_answers_and_files_close_with_the_plan(client, plan_106, user, pdf_file, evidence_dir):
    item = kept_courtesy(closed_review(plan_106, user), user)
    file = answered(item, user, pdf_file).files.get()
    measure_item = item.review.items.create(
        measure=plan_106.measures.first(),
        origin="proposed",
        status_label="落後",
        decision=KEEP,
        follow_up_unit=shilin_unit("tianmu"),
    )
    measure_answer = reverse(
        "assessments:follow_up_answer", kwargs={"year": 106, "pk": item.review_id, "item_pk": measure_item.pk}
    )
    remove = reverse("assessments:follow_up_file_remove", kwargs={"year": 106, "pk": file.pk})
    client.force_login(user("tianmu"))
    with after_closing(plan_106):
        page = client.get(answer_url(item)).content.decode()
        assert REFUSED in page and "送出辦理情形" not in page and remove not in page
        for address in [answer_url(item), measure_answer]:
            landing = client.post(address, {"text": "改過", "evidence": [pdf_file()]}, follow=True).content.decode()
            assert REFUSED in landing
        assert REFUSED in client.post(remove, follow=True).content.decode()
    assert FollowUpAnswer.objects.get().text == "已辦理電話禮貌訓練"
    assert FollowUpEvidence.objects.count() == 1 and FollowUpEvidence.objects.get().pk == file.pk
    assert not any(p.is_file() and p.name != file.file.name.rsplit("/", 1)[-1] for p in evidence_dir.rglob("*"))


def test_reviews_with_courtesy_answers_cost_the_same_with_ten_times_the_units(client, plan_106, user):
    codes = ["tianmu", "wenlin", "zhishanyan", "lanya", "shezi", "hougang", "shanzaihou", "yongfu", "cuishan", "xishan"]
    staff = user("secretariat")
    counts = []
    for n in (1, 10):
        ControlReview.objects.filter(plan=plan_106).delete()
        CourtesyTest.objects.filter(plan=plan_106).delete()
        review = closed_review(plan_106, user)
        for code in codes[:n]:
            answer = FollowUpAnswer.objects.create(
                courtesy_item=kept_courtesy(review, user, code=code),
                text="辦理",
                answered_by=staff,
                answered_at=timezone.now(),
            )
            answer.files.create(
                file=f"follow-ups/x/{answer.pk}.pdf",
                original_name="a.pdf",
                content_type="application/pdf",
                size=10,
                sha256="0" * 64,
                uploaded_by=staff,
            )
        following = ControlReview.objects.create(
            plan=plan_106,
            title="本次",
            as_of=date(2017, 5, 31),
            meeting_date=date(2017, 6, 1),
            previous=review,
            created_by=staff,
        )
        for item in review.courtesy_items.all():
            following.courtesy_items.create(
                unit=item.unit, courtesy_test=item.courtesy_test, origin="carried", pass_score=80
            )
        client.force_login(staff)
        counts.append(
            [
                count_queries(partial(client.get, f"/plans/106/reviews/{review.pk}/")),
                count_queries(partial(client.get, f"/plans/106/reviews/{following.pk}/")),
            ]
        )
        assert client.get(f"/plans/106/reviews/{following.pk}/").content.decode().count("受測單位辦理情形") == n
    assert counts[0] == counts[1]


# ---------------------------------------------------------------- reminders


def test_a_courtesy_follow_up_due_is_told_once_to_the_unit_and_staff_until_answered(plan_106, user, pdf_file, evidence_dir):
    from django.core import mail

    from assessments.models import ReminderLog
    from assessments.reminders import send_reminders

    review = closed_review(plan_106, user)
    item = kept_courtesy(review, user)
    follow_up_answer(item=kept_courtesy(review, user, code="investigation"), user=user("investigation"), text="已加強訓練")
    send_reminders(plan_106, date(2017, 6, 29))
    told = f"「{TITLE}」列管追蹤（天母派出所）明天到期（追蹤期限 106/06/30），尚未填報辦理情形。"
    tianmu = [m.body for m in mail.outbox if m.to == ["tianmu@sq-demo.invalid"]]
    staff = [m.body for m in mail.outbox if m.to == ["secretariat@sq-demo.invalid"]]
    assert told in tianmu[0] and told in staff[0]
    assert not any("列管追蹤（偵查隊）" in m.body for m in mail.outbox)  # answered
    assert ReminderLog.objects.filter(kind=ReminderLog.Kind.FOLLOW_UP).count() == 2
    assert set(ReminderLog.objects.filter(kind=ReminderLog.Kind.FOLLOW_UP).values_list("courtesy_item", "measure")) == {(item.pk, None)}
    mail.outbox.clear()
    send_reminders(plan_106, date(2017, 7, 3))  # overdue now: already told
    assert not any("列管追蹤（天母派出所）已於" in m.body for m in mail.outbox)
