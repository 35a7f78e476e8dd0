"""佐證資料冊 in Chromium at a desktop (1366 px) and a phone (375 px): 研考承辦 tick a unit's file with the
keyboard, give it its place and save; once a build is done the page lists its downloads. Each state checked with
axe; nothing scrolls sideways on the phone."""

import re
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from assessments.models import BinderBuild, BinderEntry
from assessments.tasks import run_binder_build
from diagnosis.models import Plan

from ..test_binder import pdf_bytes, points_with_measures, sent_file
from .conftest import assert_accessible, login

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("width", [1366, 375])
def test_staff_choose_a_file_and_build_the_binder(portal, new_chromium_page, width):
    plan = Plan.objects.get(year=106, organization__code="tcpd-shilin")
    staff = get_user_model().objects.get(username="secretariat")
    (point,) = points_with_measures(plan, 1)
    file = sent_file(point.measures.first(), staff, pdf_bytes(2), "成果報告.pdf", "application/pdf")
    page = new_chromium_page(viewport={"width": width, "height": 800})
    login(page, portal, "secretariat")
    page.goto(f"{portal}/plans/106/binder/")
    expect(page.get_by_role("heading", level=1)).to_have_text("書面資料送審佐證資料冊")
    assert_accessible(page)
    if width == 375:
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, "the binder page scrolls sideways"

    box = page.get_by_label("編入「成果報告.pdf」")
    box.focus()
    page.keyboard.press("Space")
    page.get_by_label("「成果報告.pdf」的順序").fill("1")
    page.locator(f"#p{point.pk}").get_by_role("button", name="儲存此評核重點的選擇與順序").click()
    expect(page.locator(".alert-success")).to_contain_text("已儲存")
    assert BinderEntry.objects.get().evidence_id == file.pk
    assert_accessible(page)

    # The build, as the worker runs it; the page then lists its downloads.
    build = BinderBuild.objects.create(plan=plan, as_of=date(2017, 5, 31), requested_by=staff)
    run_binder_build(build.pk)
    page.reload()
    expect(page.get_by_role("link", name=re.compile("^PDF"))).to_be_visible()
    assert_accessible(page)
