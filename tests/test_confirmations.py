"""Confirmation pages before steps that cannot be undone: 採行／不採行 of a measure draft and 刪除草稿 of a
progress report; and the report page's note to 研考承辦 on a report they sent themselves."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from diagnosis.models import DiagnosisAnswer, Membership, Unit
from measures.draft_writes import measure_draft_propose
from measures.models import Measure, MeasureDraft, ProgressReport
from measures.report_writes import report_save

from .diagnosis_fixtures import fill, open_round

pytestmark = pytest.mark.django_db
OWN_NOTE = "此填報由您送出，請由其他研考承辦審核。"


@pytest.fixture
def draft(plan_106, user):
    diagnosis_round = open_round(plan_106, user("secretariat"))
    diagnosis = diagnosis_round.unit_diagnoses.select_related("round").get(unit__code="shilin-tianmu")
    fill(
        diagnosis,
        user("tianmu"),
        submit=False,
        problems=lambda fp: "櫃檯缺愛心鈴" if fp.name == "服務設施合宜程度" else "",
    )
    answer = DiagnosisAnswer.objects.get(unit_diagnosis=diagnosis, focus_point__name="服務設施合宜程度")
    return measure_draft_propose(answer=answer, name="增設愛心鈴", content="櫃檯增設愛心鈴", user=user("tianmu"))


def decide_url(draft, action=None):
    address = reverse("measures:draft_decide", kwargs={"year": 106, "pk": draft.pk})
    return f"{address}?action={action}" if action else address


@pytest.fixture
def measure(plan_106):
    return plan_106.measures.get(source=Measure.Source.FORM2, name="主動服務")


def report(measure, code, username, user, submit):
    return report_save(
        measure=measure,
        unit=Unit.objects.get(code=code),
        period=date(2017, 5, 1),
        user=user(username),
        narrative="本月辦理情形",
        progress=40,
        actuals={},
        submit=submit,
    )


def test_it_asks_before_adopting_a_draft(client, user, draft):
    client.force_login(user("secretariat"))
    listing = client.get("/plans/106/diagnosis/drafts/").content.decode()
    assert decide_url(draft, "adopt") in listing and decide_url(draft, "decline") in listing
    page = client.get(decide_url(draft, "adopt"))
    html = page.content.decode()
    assert page.status_code == 200 and "採行措施草案：增設愛心鈴" in html and "確定採行" in html
    assert "列入附表2成為新的措施，由天母派出所主辦" in html
    assert MeasureDraft.objects.get().state == "pending" and not Measure.objects.filter(name="增設愛心鈴").exists()
    response = client.post(decide_url(draft), {"action": "adopt"})
    measure = Measure.objects.get(name="增設愛心鈴")
    assert response["Location"] == reverse("measures:measure", kwargs={"year": 106, "pk": measure.pk})
    assert MeasureDraft.objects.get().state == "adopted"
    again = client.get(decide_url(draft, "decline"), follow=True).content.decode()
    assert "此措施草案已處理（已採行），不能重複處理。" in again


def test_it_asks_before_declining_a_draft(client, user, draft):
    client.force_login(user("secretariat"))
    html = client.get(decide_url(draft, "decline")).content.decode()
    assert "不採行措施草案：增設愛心鈴" in html and "確定不採行" in html
    assert MeasureDraft.objects.get().state == "pending"
    client.post(decide_url(draft), {"action": "decline"})
    assert MeasureDraft.objects.get().state == "declined"
    unknown = client.get(decide_url(draft, "maybe"), follow=True).content.decode()
    assert "請選擇採行或不採行。" in unknown


def test_it_hides_the_draft_confirmation_from_others(client, user, draft, outsider):
    for person, status in [(outsider, 404), (user("investigation"), 404), (user("viewer"), 403), (user("tianmu"), 403)]:
        client.force_login(person)
        assert client.get(decide_url(draft, "adopt")).status_code == status
        assert client.post(decide_url(draft), {"action": "adopt"}).status_code == status
    assert MeasureDraft.objects.get().state == "pending"


def test_it_asks_before_deleting_a_report_draft(client, user, measure):
    kept = report(measure, "shilin-tianmu", "tianmu", user, submit=False)
    client.force_login(user("tianmu"))
    delete = reverse("measures:report_delete", kwargs={"pk": kept.pk})
    assert delete in client.get(reverse("measures:report", kwargs={"pk": kept.pk})).content.decode()
    page = client.get(delete)
    html = page.content.decode()
    assert page.status_code == 200 and "刪除草稿：天母派出所 106年5月" in html and "確定刪除草稿" in html
    assert "本月辦理情形" in html
    assert ProgressReport.objects.filter(pk=kept.pk).exists()
    assert client.post(delete).status_code == 302
    assert not ProgressReport.objects.filter(pk=kept.pk).exists()


def test_it_hides_the_delete_confirmation_from_others(client, user, measure, outsider):
    kept = report(measure, "shilin-tianmu", "tianmu", user, submit=False)
    delete = reverse("measures:report_delete", kwargs={"pk": kept.pk})
    for person in [outsider, user("investigation"), user("viewer"), user("secretariat")]:
        client.force_login(person)
        assert client.get(delete).status_code == 404
        assert client.post(delete).status_code == 404
    assert ProgressReport.objects.filter(pk=kept.pk).exists()


def test_it_sends_a_sent_report_back_to_its_page_instead_of_asking(client, user, measure):
    sent = report(measure, "shilin-tianmu", "tianmu", user, submit=True)
    client.force_login(user("tianmu"))
    landing = client.get(reverse("measures:report_delete", kwargs={"pk": sent.pk}), follow=True).content.decode()
    assert "只能刪除草稿；已送出的填報請先撤回。" in landing
    assert ProgressReport.objects.filter(pk=sent.pk).exists()


def test_it_shows_no_review_form_on_a_report_the_reviewer_sent(client, user, measure):
    own = report(measure, "tcpd-shilin", "secretariat", user, submit=True)
    other = report(measure, "shilin-tianmu", "tianmu", user, submit=True)
    client.force_login(user("secretariat"))
    html = client.get(reverse("measures:report", kwargs={"pk": own.pk})).content.decode()
    assert OWN_NOTE in html and 'id="review-heading"' not in html
    colleague = get_user_model().objects.create_user("colleague", password="x-unused-9")
    Membership.objects.create(user=colleague, unit=Unit.objects.get(code="tcpd-shilin"), role=Membership.Role.STAFF)
    client.force_login(colleague)
    html = client.get(reverse("measures:report", kwargs={"pk": own.pk})).content.decode()
    assert OWN_NOTE not in html and 'id="review-heading"' in html
    client.force_login(user("secretariat"))
    html = client.get(reverse("measures:report", kwargs={"pk": other.pk})).content.decode()
    assert OWN_NOTE not in html and 'id="review-heading"' in html
