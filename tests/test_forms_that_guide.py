"""Forms that guide (issue 24): the error summary at the top of a failed form, the confirmation before what
cannot be undone (結案, 送出自評), planned progress no later than the deadline, the scripts as static files."""

import re
from datetime import date

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from assessments.review_writes import review_open
from diagnosis.models import Unit
from measures.models import Measure, PlannedProgress

from .diagnosis_fixtures import open_round

SUMMARY = re.compile(r'<div class="alert alert-danger form-error-summary" role="alert" tabindex="-1" data-error-summary')


def summary_of(html: str) -> tuple[int, list[str]]:
    """The number the summary states and the fields it links to."""
    count = re.search(r"有 (\d+) 個欄位需要修正，尚未儲存任何資料", html)
    assert count and SUMMARY.search(html), "no error summary"
    block = html[SUMMARY.search(html).start():]
    block = block[: block.index("</div>")]
    return int(count.group(1)), re.findall(r'<a href="#([^"]+)"', block)


def test_it_sums_up_a_failed_measure_form_with_a_link_to_each_field(client, user, plan_106):
    client.force_login(user("secretariat"))
    response = client.post(reverse("measures:measure_new", kwargs={"year": 106}), {"name": "", "source": "form2"})
    html = response.content.decode()
    count, links = summary_of(html)
    assert count == len(links) >= 2 and "id_name" in links and "id_item" in links
    for field_id in links:
        assert f'id="{field_id}"' in html
    assert html.index("data-error-summary") < html.index('name="name"')
    assert '<script src="/static/js/form-errors.js" defer></script>' in html
    assert not Measure.objects.filter(name="").exists()


def test_the_review_page_with_21_missing_dates_shows_the_summary_first(client, user, plan_106):
    from .test_reviews import formset_data

    client.force_login(user("secretariat"))
    review = review_open(plan=plan_106, as_of=date(2017, 5, 31), meeting_date=date(2017, 5, 31), title="106年5月份管制考核", user=user("secretariat"))
    names = list(review.items.order_by("pk").values_list("measure__name", flat=True))
    tianmu = Unit.objects.get(code="shilin-tianmu")
    keep = {name: {"decision": "keep", "follow_up_unit": tianmu.pk} for name in names[:21]}
    url = reverse("assessments:review", kwargs={"year": 106, "pk": review.pk})
    response = client.post(url, formset_data(review, **{"*": {"decision": "release"}}, **keep))
    html = response.content.decode()
    assert response.status_code == 400
    count, links = summary_of(html)
    assert count == 21 and links[0] == "id_form-0-follow_up_due" and len(links) == 21
    assert "第 1 筆：追蹤期限" in html
    assert html.index("data-error-summary") < html.index("<fieldset")
    assert 'class="sticky-actions' in html and 'value="close">儲存並結案' in html
    assert not review.items.exclude(decision="").exists()


@pytest.mark.parametrize(
    ("name", "kwargs", "data", "fields"),
    [
        ("assessments:proposal_new", {"year": 106}, {}, {"id_title"}),
        ("diagnosis:rounds", {"year": 106}, {"title": "", "opens_on": "106/02/30"}, {"id_title", "id_opens_on"}),
        ("password_change", {}, {"old_password": "wrong"}, {"id_old_password", "id_new_password1"}),
    ],
)
def test_every_form_family_shows_the_summary(client, user, plan_106, name, kwargs, data, fields):
    client.force_login(user("secretariat"))
    html = client.post(reverse(name, kwargs=kwargs), data).content.decode()
    count, links = summary_of(html)
    assert fields <= set(links) and count == len(links)


def test_a_form_that_did_not_fail_has_no_summary(client, user, plan_106):
    client.force_login(user("secretariat"))
    html = client.get(reverse("measures:measure_new", kwargs={"year": 106})).content.decode()
    assert "data-error-summary" not in html and "form-errors.js" not in html


def test_closing_a_review_needs_its_confirmation(client, user, plan_106, outsider):
    from .test_reviews import formset_data

    staff = user("secretariat")
    review = review_open(plan=plan_106, as_of=date(2017, 5, 31), meeting_date=date(2017, 5, 31), title="106年5月份管制考核", user=staff)
    url = reverse("assessments:review", kwargs={"year": 106, "pk": review.pk})
    close = reverse("assessments:review_close", kwargs={"year": 106, "pk": review.pk})
    client.force_login(staff)
    # Chosen but not saved: the close page says so and offers no 確認結案.
    page = client.get(close).content.decode()
    assert "尚有 37 項未決議" in page and "只選定而未儲存的決議不會列入" in page and "確認結案" not in page
    # 儲存並結案 saves, then asks.
    saved = client.post(url, {**formset_data(review, **{"*": {"decision": "release"}}), "then": "close"})
    assert saved.status_code == 302 and saved.url == close
    page = client.get(close).content.decode()
    assert "解除列管 37 項" in page and "確認結案" in page
    # A POST without the confirmation closes nothing.
    assert client.post(close).url == close
    review.refresh_from_db()
    assert review.is_open
    for person, status in [(user("viewer"), 403), (user("tianmu"), 404), (outsider, 404)]:
        client.force_login(person)
        assert client.get(close).status_code == status
        assert client.post(close, {"confirm": "close"}).status_code == status
    review.refresh_from_db()
    assert review.is_open
    client.force_login(staff)
    assert client.post(close, {"confirm": "close"}).status_code == 302
    review.refresh_from_db()
    assert not review.is_open
    assert client.get(close).status_code == 302  # closed: nothing left to confirm


def test_submitting_a_self_check_needs_its_confirmation(client, user, plan_106, outsider):
    diagnosis_round = open_round(plan_106, user("secretariat"))
    submit = reverse("diagnosis:unit_submit", kwargs={"year": 106, "pk": diagnosis_round.pk, "code": "shilin-tianmu"})
    client.force_login(user("tianmu"))
    page = client.get(submit).content.decode()
    assert "尚有 26 個評核重點未評分" in page and "確認送出" not in page
    refused = client.post(submit, {"confirm": "submit"}, follow=True).content.decode()
    assert "尚有 26 個評核重點未評分" in refused
    diagnosis = diagnosis_round.unit_diagnoses.get(unit__code="shilin-tianmu")
    assert diagnosis.state == "draft"
    for person, status in [(user("secretariat"), 404), (user("viewer"), 404), (user("investigation"), 404), (outsider, 404)]:
        client.force_login(person)
        assert client.get(submit).status_code == status
        assert client.post(submit, {"confirm": "submit"}).status_code == status
    diagnosis.refresh_from_db()
    assert diagnosis.state == "draft"


def test_planned_progress_after_the_deadline_is_refused(client, user, plan_106):
    measure = plan_106.measures.get(source=Measure.Source.FORM2, name="主動服務")
    Measure.objects.filter(pk=measure.pk).update(deadline=date(2017, 6, 30), ongoing=False)
    client.force_login(user("secretariat"))
    url = reverse("measures:measure_planned", kwargs={"year": 106, "pk": measure.pk})
    page = client.get(url).content.decode()
    assert 'data-last-month="201706"' in page and "平均分配至完成期限" in page and "完成期限當月 100%" in page
    assert '<script src="/static/js/planned-fill.js" defer></script>' in page
    response = client.post(url, {"m201703": "20", "m201706": "100", "m201707": "100"})
    html = response.content.decode()
    assert "完成期限為 106年6月30日，不可在其後的 106年7月 設定預定進度。" in html
    assert summary_of(html) == (1, ["id_m201707"])
    assert not PlannedProgress.objects.filter(measure=measure).exists()
    assert client.post(url, {"m201703": "20", "m201706": "100"}).status_code == 302
    assert list(measure.planned_progress.values_list("percent", flat=True)) == [20, 100]


@pytest.mark.parametrize("path", ["js/form-errors.js", "js/planned-fill.js"])
def test_the_scripts_are_static_files(path):
    assert finders.find(path)


def test_no_page_of_the_forms_has_an_inline_script(client, user, plan_106):
    client.force_login(user("secretariat"))
    html = client.post(reverse("measures:measure_new", kwargs={"year": 106}), {}).content.decode()
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
