"""A unit's month on one page and its 填報紀錄: access, drafts and sending, all or nothing, the closed year, the
query counts."""

from datetime import date

import pytest
from django.urls import reverse

from diagnosis.models import Unit
from measures.models import Evidence, Measure, ProgressReport
from measures.report_writes import report_review, report_save
from measures.unit_months import month_rows

from .conftest import copy_measures

pytestmark = pytest.mark.django_db

MAY = date(2017, 5, 1)


def month_url(code="shilin-tianmu", month="106-05"):
    return f"/units/{code}/months/{month}/"


def rows_of(plan, code="shilin-tianmu", month=MAY):
    return month_rows(plan, Unit.objects.get(code=code), month)


def fill(rows, values: dict, **extra) -> dict:
    """POST data: {measure pk: (progress, narrative)} for the rows named, nothing for the others."""
    data = {}
    for row in rows:
        if row.measure.pk in values:
            progress, narrative = values[row.measure.pk]
            data[f"m{row.measure.pk}-progress"] = progress
            data[f"m{row.measure.pk}-narrative"] = narrative
    data.update(extra)
    return data


def test_it_shows_a_unit_head_every_measure_of_the_month(client, user, plan_106):
    client.force_login(user("tianmu"))
    response = client.get(month_url())
    assert response.status_code == 200
    html = response.content.decode()
    rows = rows_of(plan_106)
    assert len(rows) == 10
    assert "本月應填報 10 項措施" in html and "送出全部" in html and "暫存草稿" in html
    for row in rows:
        assert row.measure.name in html


def test_the_index_opens_the_month_now_due(client, user):
    client.force_login(user("tianmu"))
    response = client.get("/units/shilin-tianmu/months/")
    assert response.status_code == 302 and response["Location"] == month_url(month="106-12")  # the 106 plan has ended


def test_a_month_outside_the_plan_says_so(client, user):
    client.force_login(user("tianmu"))
    for month in ("106-13", "107-01", "105-12"):
        response = client.get(month_url(month=month), follow=True)
        assert "不在本單位的年度計畫" in response.content.decode(), month
        assert response.redirect_chain[-1][0] == month_url(month="106-12")
