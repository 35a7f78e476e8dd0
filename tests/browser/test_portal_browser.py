"""End-to-end journeys through the portal in Chromium, each page checked with axe (WCAG 2.1 A/AA)."""

import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from diagnosis.models import Unit
from measures.evidence_files import inspect_upload
from measures.models import Measure
from measures.report_writes import report_save

from .conftest import DEMO_PASSWORD, assert_accessible, login, logout

pytestmark = pytest.mark.django_db(transaction=True)

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def form2_active_service(page):
    """On the plan tree: the row of the 附表2 measure 「主動服務」 (a 附表1 measure has the same name)."""
    return (
        page.locator("li.tree-measure")
        .filter(has=page.get_by_role("link", name="主動服務", exact=True))
        .filter(has=page.locator(".badge", has_text="附表2"))
    )


def dd_after(page, term: str):
    """The <dd> that follows the <dt> `term` on a detail page."""
    return page.locator(f"xpath=//dt[normalize-space()='{term}']/following-sibling::dd[1]")


def test_staff_edits_a_deadline_and_sees_it_in_history(portal, chromium_page):
    page = chromium_page
    login(page, portal, "secretariat")
    expect(page).to_have_url(f"{portal}/")  # staff land on the plan dashboard
    assert_accessible(page)
    page.get_by_role("link", name="年度計畫", exact=True).click()
    expect(page).to_have_url(f"{portal}/plans/106/")
    assert_accessible(page)

    row = form2_active_service(page)
    expect(row).to_have_count(1)
    row.get_by_role("link", name="主動服務", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("主動服務")
    expect(dd_after(page, "來源")).to_have_text("附表2 分局措施")
    expect(dd_after(page, "完成期限")).to_have_text("未訂（至計畫期末 106/12/31，每月填報）")
    measure_url = page.url
    assert_accessible(page)

    # An impossible date: a Chinese error on the form, and nothing saved.
    page.get_by_role("link", name="編修措施").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("編修措施：主動服務")
    assert_accessible(page)
    page.get_by_label("完成期限").fill("106/02/29")
    page.get_by_role("button", name="儲存").click()
    expect(page.locator("[data-error-summary]")).to_contain_text("106/02/29 不是有效的日期")
    expect(page.locator("#div_id_deadline")).to_contain_text("106/02/29 不是有效的日期")
    expect(page.get_by_text("已儲存措施。")).to_have_count(0)
    assert_accessible(page)
    page.goto(measure_url)
    expect(dd_after(page, "完成期限")).to_have_text("未訂（至計畫期末 106/12/31，每月填報）")

    # A real date is saved and shown.
    page.get_by_role("link", name="編修措施").click()
    page.get_by_label("完成期限").fill("106/09/30")
    page.get_by_role("button", name="儲存").click()
    expect(page.get_by_role("status").filter(has_text="已儲存措施。")).to_be_visible()
    assert page.url == measure_url
    expect(dd_after(page, "完成期限")).to_have_text("106/09/30")
    assert_accessible(page)

    page.get_by_role("link", name="異動紀錄").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("異動紀錄：主動服務")
    change = page.locator("li.border-bottom").filter(has_text="完成期限：由「（空白）」改為「106/09/30」")
    expect(change).to_have_count(1)
    expect(change).to_contain_text("研考承辦")
    expect(change).to_contain_text("修改")
    assert_accessible(page)


def test_unit_head_submits_a_report_with_a_pdf_and_staff_accepts_it(portal, chromium_page, tmp_path):
    page = chromium_page
    pdf = tmp_path / "佐證.pdf"
    pdf.write_bytes(PDF_BYTES)

    login(page, portal, "tianmu")
    expect(page).to_have_url(f"{portal}/units/shilin-tianmu/")
    assert_accessible(page)
    page.get_by_role("table").get_by_role("link", name="主動服務", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("主動服務")
    assert_accessible(page)

    page.get_by_role("link", name="填報進度").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("填報進度")
    assert_accessible(page)
    page.get_by_label("執行情形").fill("本月於所內公布標準處理流程，並主動以簡訊告知申請人處理進度。")
    page.get_by_label("累計執行進度（%）").fill("60")
    page.get_by_label("佐證資料").set_input_files(str(pdf))
    page.get_by_role("button", name="送出給研考承辦").click()
    expect(page.get_by_role("status").filter(has_text="已送出填報。")).to_be_visible()
    expect(dd_after(page, "狀態")).to_have_text("已送出 逾時填報")  # a 106 month, sent today: long after its due day
    expect(dd_after(page, "累計執行進度")).to_have_text("60%")
    report_url = page.url
    assert re.search(r"/reports/\d+/$", report_url)
    assert_accessible(page)
    logout(page)

    login(page, portal, "secretariat")
    page.get_by_role("link", name="進度填報 1 筆待審核", exact=True).click()  # the navigation counts what awaits review
    expect(page).to_have_url(f"{portal}/plans/106/reports/")
    assert_accessible(page)
    queue_row = page.get_by_role("row").filter(has_text="天母派出所")
    expect(queue_row).to_have_count(1)
    queue_row.get_by_role("link", name="主動服務").click()
    assert page.url == report_url
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="佐證.pdf").click()
    download = download_info.value
    assert download.suggested_filename == "佐證.pdf"
    assert Path(download.path()).read_bytes() == PDF_BYTES

    page.get_by_label("核可").check()
    page.get_by_role("button", name="送出審核").click()
    expect(page.get_by_role("status").filter(has_text="已核可填報。")).to_be_visible()
    # Nothing else awaits review: back to the list, which says so.
    expect(page.get_by_role("status").filter(has_text="此清單已沒有待審核的填報。")).to_be_visible()
    page.goto(report_url)
    expect(dd_after(page, "狀態")).to_have_text("已核可 逾時填報")
    assert_accessible(page)
    logout(page)

    login(page, portal, "tianmu")
    latest = page.get_by_role("row").filter(has=page.get_by_role("link", name="主動服務", exact=True))
    expect(latest.get_by_role("link", name=re.compile("已核可"))).to_have_count(1)
    latest.get_by_role("link", name=re.compile("已核可")).click()
    assert page.url == report_url
    expect(dd_after(page, "狀態")).to_have_text("已核可 逾時填報")
    expect(page.get_by_role("link", name="編修填報")).to_have_count(0)
    assert_accessible(page)


def test_unit_head_cannot_open_another_units_report(portal, chromium_page):
    page = chromium_page
    measure = Measure.objects.get(plan__year=106, source=Measure.Source.FORM2, name="主動服務")
    investigation = Unit.objects.get(code="shilin-investigation")
    assert investigation in measure.support_units.all() and measure.all_units  # both units carry it
    head = get_user_model().objects.get(username="investigation")
    plan = measure.plan
    reports = []
    for month, submit in ((plan.start_date.month, False), (plan.start_date.month + 1, True)):
        upload = SimpleUploadedFile("偵查隊.pdf", PDF_BYTES, content_type="application/pdf")
        reports.append(
            report_save(
                measure=measure,
                unit=investigation,
                period=plan.start_date.replace(month=month, day=1),
                user=head,
                narrative="偵查隊主動以簡訊慰問被害人。",
                progress=30,
                actuals={},
                files=[(upload, inspect_upload(upload))],
                submit=submit,
            )
        )
    assert [r.status for r in reports] == ["draft", "submitted"]

    login(page, portal, "tianmu")
    for report in reports:
        for url in (f"/reports/{report.pk}/", f"/evidence/{report.evidence.get().pk}/"):
            response = page.goto(f"{portal}{url}")
            assert response.status == 404, url
            expect(page.get_by_role("heading", level=1)).to_have_text("找不到頁面")
            assert_accessible(page)


def test_pages_work_on_a_phone_and_with_the_keyboard(portal, new_chromium_page):
    page = new_chromium_page(viewport={"width": 375, "height": 740})

    def no_sideways_scrolling():
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{page.url} scrolls sideways: {width}px wide at a 375px viewport"

    login(page, portal, "secretariat")
    expect(page).to_have_url(f"{portal}/")
    no_sideways_scrolling()  # the plan dashboard
    assert_accessible(page)
    page.goto(f"{portal}/plans/106/")
    no_sideways_scrolling()
    assert_accessible(page)
    menu = page.locator("#portal-nav")
    expect(menu).to_be_hidden()
    toggler = page.get_by_role("button", name="展開選單")
    toggler.click()
    expect(menu).to_be_visible()
    expect(toggler).to_have_attribute("aria-expanded", "true")
    expect(menu.get_by_role("link", name="進度填報")).to_be_visible()
    assert_accessible(page)

    form2_active_service(page).get_by_role("link", name="主動服務", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("主動服務")
    no_sideways_scrolling()
    assert_accessible(page)
    # A measure nobody can report (its only unit has no head account): the dashboard's warning, on a phone.
    from diagnosis.models import Unit
    from measures.models import Measure

    Measure.objects.get(plan__year=106, source="form2", name="無").lead_units.add(Unit.objects.get(code="shilin-command"))
    page.goto(f"{portal}/plans/106/dashboard/?as_of=106/05/31")
    expect(page.get_by_role("heading", name="無人可填報的措施（1）")).to_be_visible()
    no_sideways_scrolling()
    assert_accessible(page)
    for path in ("/units/shilin-tianmu/", "/plans/106/reports/", "/plans/106/settings/"):
        page.goto(f"{portal}{path}")
        no_sideways_scrolling()
        assert_accessible(page)
    logout(page)

    # Keyboard only, at desktop size: from the login page to a measure page.
    page = new_chromium_page()

    def first_tab_is_skip_link():
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.textContent.trim()")
        assert focused == "跳到主要內容", f"first Tab on {page.url} focused {focused!r}"
        expect(page.get_by_role("link", name="跳到主要內容")).to_be_visible()

    def tab_to(predicate_js: str, limit: int = 400) -> str:
        """Press Tab until the focused element satisfies `predicate_js` (a JS expression on `el`)."""
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(f"(el => Boolean({predicate_js}))(document.activeElement)"):
                return page.evaluate("document.activeElement.outerHTML")
        raise AssertionError(f"Tab never reached {predicate_js} on {page.url}")

    page.goto(f"{portal}/accounts/login/")
    assert_accessible(page)
    first_tab_is_skip_link()
    tab_to("el.id === 'id_username'")
    expect(page.get_by_label("使用者名稱")).to_be_focused()
    page.keyboard.type("viewer")
    page.keyboard.press("Tab")
    expect(page.get_by_label("密碼")).to_be_focused()
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="登入")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{portal}/")
    assert_accessible(page)
    tab_to("el.tagName === 'A' && el.textContent.trim() === '年度計畫'")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{portal}/plans/106/")

    first_tab_is_skip_link()
    page.keyboard.press("Enter")  # the skip link moves focus into <main>
    expect(page.locator("main")).to_be_focused()
    tab_to("el.tagName === 'A' && el.textContent.trim() === '主動服務' && el.closest('li').textContent.includes('附表2')")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("主動服務")
    expect(dd_after(page, "來源")).to_have_text("附表2 分局措施")
    expect(page.get_by_role("link", name="編修措施")).to_have_count(0)  # viewers read only
    assert_accessible(page)
    first_tab_is_skip_link()


def test_five_wrong_passwords_lock_the_account(portal, chromium_page):
    page = chromium_page
    for attempt in range(1, 5):
        login(page, portal, "investigation", password=f"wrong-{attempt}", check=False)
        expect(page).to_have_url(re.compile(r"/accounts/login/$"))
        error = page.locator("form .alert-danger").filter(has_text="請輸入正確的")
        expect(error).to_be_visible()
        expect(page.get_by_label("使用者名稱")).to_have_value("investigation")
        if attempt == 1:
            assert_accessible(page)

    # The fifth wrong password reaches the limit: django-axes answers with the lockout page at once...
    login(page, portal, "investigation", password="wrong-5", check=False)
    expect(page.get_by_role("heading", level=1)).to_have_text("帳號暫時鎖定")
    # ...and the right password no longer signs in either.
    login(page, portal, "investigation", check=False)
    expect(page.get_by_role("heading", level=1)).to_have_text("帳號暫時鎖定")
    expect(page.get_by_role("alert")).to_contain_text("連續登入失敗已達 5 次")
    expect(page.get_by_role("button", name="登出")).to_have_count(0)
    assert_accessible(page)
    page.goto(f"{portal}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
