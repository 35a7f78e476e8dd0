"""A report's page shows its whole review history in order, and a resent report no longer shows the old return
comment as if it were the current review."""

from datetime import date

import pytest
from django.urls import reverse

from diagnosis.models import Unit
from measures.models import Measure
from measures.report_history import review_history
from measures.report_writes import report_review, report_save, report_withdraw

from .conftest import count_queries

pytestmark = pytest.mark.django_db


def save(measure, user, report=None, submit=True, progress=40):
    return report_save(
        measure=measure, unit=Unit.objects.get(code="shilin-tianmu"), period=date(2017, 5, 1), user=user,
        narrative="本月辦理情形", progress=progress, actuals={}, submit=submit, report=report,
    )


def test_the_history_in_order_sent_returned_resent_approved(client, user, plan_106):
    measure = plan_106.measures.get(source=Measure.Source.FORM2, name="主動服務")
    tianmu, staff = user("tianmu"), user("secretariat")
    report = save(measure, tianmu, submit=False)  # a draft first: not a review step
    report = save(measure, tianmu, report=report)
    report = report_review(report=report, user=staff, accept=False, comment="請補附宣導照片")
    report = save(measure, tianmu, report=report, progress=60)
    page_url = reverse("measures:report", kwargs={"pk": report.pk})
    client.force_login(tianmu)
    resent = client.get(page_url).content.decode()
    assert "審核意見：" not in resent  # the old comment is history now, not the current review
    report = report_withdraw(report=report, user=tianmu)
    report = save(measure, tianmu, report=report, progress=70)
    report = report_review(report=report, user=staff, accept=True, comment="")
    events = review_history(report)
    assert [(e.action, e.who.username, e.comment) for e in events] == [
        ("送出", "tianmu", ""),
        ("退回", "secretariat", "請補附宣導照片"),
        ("再送出", "tianmu", ""),
        ("撤回", "tianmu", ""),
        ("再送出", "tianmu", ""),
        ("核可", "secretariat", ""),
    ]
    assert [e.when for e in events] == sorted(e.when for e in events)
    html = client.get(page_url).content.decode()
    history = html.split('id="history-heading"')[1]
    positions = [history.index(f"<strong>{action}</strong>") for action in ("送出", "退回", "撤回", "核可")]
    assert positions == sorted(positions)
    assert "意見：請補附宣導照片" in history


def test_a_resent_report_shows_no_review_as_current(client, user, plan_106):
    measure = plan_106.measures.get(source=Measure.Source.FORM2, name="主動服務")
    tianmu = user("tianmu")
    report = save(measure, tianmu)
    report = report_review(report=report, user=user("secretariat"), accept=False, comment="請補附宣導照片")
    client.force_login(tianmu)
    page_url = reverse("measures:report", kwargs={"pk": report.pk})
    returned = client.get(page_url).content.decode()
    assert "審核意見：" in returned and "已退回</dd>" in returned
    save(measure, tianmu, report=report)
    resent = client.get(page_url).content.decode()
    summary = resent.split("<dl")[1].split("</dl>")[0]
    assert "已退回" not in summary and "審核意見：" not in resent
    assert "<strong>退回</strong>" in resent and "意見：請補附宣導照片" in resent


def test_the_history_costs_the_same_queries_whatever_its_length(user, plan_106):
    measure = plan_106.measures.get(source=Measure.Source.FORM2, name="主動服務")
    tianmu, staff = user("tianmu"), user("secretariat")
    report = save(measure, tianmu)

    def returned_and_resent(times):
        nonlocal report
        for _ in range(times):
            report = report_review(report=report, user=staff, accept=False, comment="再補")
            report = save(measure, tianmu, report=report)

    returned_and_resent(1)
    assert len(review_history(report)) == 3
    before = count_queries(lambda: review_history(report))
    returned_and_resent(10)
    assert count_queries(lambda: review_history(report)) == before
    assert len(review_history(report)) == 23
