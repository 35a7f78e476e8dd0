"""The bureau reads a precinct's plan; it does not edit it. Its 研考承辦 (staff at 臺北市政府警察局, above 士林分局)
read everything of the precinct's plan, decide its submissions, open 各機關進度比較 and the scoring rounds, and get
403 on every change of the plan itself (measures, report review, 管制考核); nobody decides their own organisation's
submission, not even someone who is staff at both the precinct and the bureau."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from assessments.models import Submission
from assessments.review_writes import review_open
from assessments.submission_writes import SubmissionError, submission_decide
from diagnosis.access import plan_access
from diagnosis.models import Membership, Unit
from measures.models import Measure, ProgressReport
from measures.report_writes import report_save

from .test_submissions import page, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def measure(plan_106):
    return plan_106.measures.prefetch_related("lead_units", "support_units").get(
        source=Measure.Source.FORM2, name="主動服務"
    )


def sent_report(measure, user) -> ProgressReport:
    return report_save(
        measure=measure,
        unit=Unit.objects.get(code="shilin-tianmu"),
        period=date(2017, 5, 1),
        user=user("tianmu"),
        narrative="本月辦理情形",
        progress=40,
        actuals={},
        submit=True,
    )


def test_the_bureaus_staff_read_the_precincts_plan_and_change_nothing_in_it(user, bureau, plan_106):
    access = plan_access(bureau, plan_106)
    assert access.reads_all and access.staff_above and access.decides_submissions
    assert not access.can_edit and not access.own_staff and not access.submits_to_bureau
    assert access.reporting_units == ()  # the precinct's own 研考承辦 report for 士林分局, not the bureau
    own = plan_access(user("secretariat"), plan_106)
    assert own.can_edit and not own.decides_submissions
    assert [u.code for u in own.reporting_units] == ["tcpd-shilin"]


def test_the_bureaus_staff_get_403_on_a_measure_edit_a_report_review_and_a_review_close(
    client, user, bureau, plan_106, measure
):
    report = sent_report(measure, user)
    review = review_open(
        plan=plan_106,
        as_of=date(2017, 5, 31),
        meeting_date=date(2017, 5, 31),
        title="106年5月份管制考核",
        user=user("secretariat"),
    )
    client.force_login(bureau)
    edit = reverse("measures:measure_edit", kwargs={"year": 106, "pk": measure.pk})
    assert client.get(edit).status_code == 403
    assert client.post(edit, {"name": "改名"}).status_code == 403
    review_url = reverse("measures:report_review", kwargs={"pk": report.pk})
    assert client.post(review_url, {"decision": "accept", "comment": ""}).status_code == 403
    close = reverse("assessments:review_close", kwargs={"year": 106, "pk": review.pk})
    assert client.post(close, {"confirm": "close"}).status_code == 403
    assert client.get(reverse("measures:plan_settings", kwargs={"year": 106})).status_code == 403
    measure.refresh_from_db()
    report.refresh_from_db()
    review.refresh_from_db()
    assert measure.name == "主動服務" and report.status == "submitted" and review.state == "open"
    # … and still read them all.
    for path in (
        reverse("measures:measure", kwargs={"year": 106, "pk": measure.pk}),
        reverse("measures:report", kwargs={"pk": report.pk}),
        reverse("measures:plan_reports", kwargs={"year": 106}),
        reverse("assessments:review", kwargs={"year": 106, "pk": review.pk}),
        reverse("measures:plan", kwargs={"year": 106}),
    ):
        assert client.get(path).status_code == 200, path
    # The report's page offers the bureau no review form.
    assert 'name="decision"' not in client.get(reverse("measures:report", kwargs={"pk": report.pk})).content.decode()


def test_the_bureaus_staff_still_decide_submissions_and_open_the_side_by_side_page(
    client, user, bureau, plan_106, evidence_dir
):
    sent = submitted(plan_106, user("secretariat"))
    client.force_login(bureau)
    assert client.get(reverse("assessments:side_by_side", kwargs={"year": 106})).status_code == 200
    assert client.get(reverse("assessments:scoring_rounds")).status_code == 200
    assert client.get(reverse("assessments:bureau_submissions", kwargs={"year": 106})).status_code == 200
    response = client.post(page("submission_decide", sent), {"decision": "accept", "comment": "", "confirmed": "1"})
    assert response.status_code == 302
    sent.refresh_from_db()
    assert sent.state == Submission.State.ACCEPTED and sent.decided_by == bureau


def test_staff_of_both_the_precinct_and_the_bureau_do_not_decide_their_own_submission(
    client, user, plan_106, evidence_dir
):
    both = get_user_model().objects.create_user("both-roles", password="x-unused-9")
    for code in ("tcpd-shilin", "tcpd"):
        Membership.objects.create(user=both, unit=Unit.objects.get(code=code), role=Membership.Role.STAFF)
    access = plan_access(both, plan_106)
    assert access.can_edit and access.staff_above and not access.decides_submissions
    sent = submitted(plan_106, user("secretariat"))
    client.force_login(both)
    assert client.get(page("submission_decide", sent)).status_code == 403
    assert (
        client.post(
            page("submission_decide", sent), {"decision": "accept", "comment": "", "confirmed": "1"}
        ).status_code
        == 403
    )
    with pytest.raises(SubmissionError, match="不能審查本機關的送審"):
        submission_decide(submission=sent, user=both, accept=True, comment="")
    sent.refresh_from_db()
    assert sent.is_pending and sent.decided_by is None


def test_an_outsider_cannot_decide_through_the_service_either(user, outsider, plan_106, evidence_dir):
    sent = submitted(plan_106, user("secretariat"))
    with pytest.raises(SubmissionError):
        submission_decide(submission=sent, user=outsider, accept=False, comment="請補正")
    sent.refresh_from_db()
    assert sent.is_pending


def test_the_bureau_lands_on_its_own_pages_and_its_navigation_leads_to_them(client, user, bureau, plan_106, measure):
    """The bureau has no plan of its own: its home is 各機關進度比較 of the newest year, its navigation names the
    bureau and leads to the comparison, the submissions and the scoring rounds; none of the precinct's work (the
    pending reviews' count, 計畫設定)."""
    sent_report(measure, user)
    for username in ("bureau", "bureau-viewer"):
        client.force_login(user(username))
        response = client.get(reverse("home"))
        assert response["Location"] == reverse("assessments:side_by_side", kwargs={"year": 106}), username
        html = client.get(response["Location"]).content.decode()
        nav = html[html.index('aria-label="主選單"') : html.index("<main")]
        assert "臺北市政府警察局　106 年度" in nav and "士林分局" not in nav
        for link in ("/side-by-side/106/", "/submissions/106/", "/scoring/"):
            assert f'href="{link}"' in nav, (username, link)
        assert "筆待審核" not in nav and "計畫設定" not in nav and "進度填報" not in nav
    client.force_login(user("secretariat"))
    html = client.get(reverse("home")).content.decode()
    assert "筆待審核" in html and "計畫設定" in html and "各機關進度比較" not in html
    assert "臺北市政府警察局士林分局　106 年度" in html
