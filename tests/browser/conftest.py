"""Browser tests: the portal served by pytest-django's live_server, driven by Debian's Chromium through Playwright.

No browser is ever downloaded: Chromium is launched from /usr/bin/chromium, and the whole suite is skipped
(with the reason) when it is not installed. Each page a test visits is checked with axe (WCAG 2.1 A/AA)."""

import io
import os
import re
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEMO_PASSWORD = "sq-demo-106"
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}

# Playwright's sync API keeps an event loop running in the main thread; Django would otherwise refuse
# ORM calls made from the test (SynchronousOnlyOperation).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=f"browser tests need Debian's Chromium at {CHROMIUM}, which is not installed")
    browser_dir = Path(__file__).parent
    for item in items:
        if browser_dir in Path(item.path).parents:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def chromium():
    """One Chromium for the whole session (never pytest-playwright's downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def plan_data(transactional_db):
    """The 106 plan and the demo accounts, loaded again for this test (live_server's database is flushed
    after every test). Both loaders are idempotent. The 106 year is kept open, as in tests/conftest.py."""
    from django.core.management import call_command

    from diagnosis.demo_accounts import demo_accounts_create
    from diagnosis.models import Plan
    from tests.conftest import OPEN_UNTIL

    call_command("load_plan", stdout=io.StringIO())
    Plan.objects.filter(year=106).update(closing_date=OPEN_UNTIL)
    demo_accounts_create()


@pytest.fixture(autouse=True)
def _evidence_in_tmp(settings, tmp_path):
    """Uploaded evidence goes to the test's temporary folder, not var/evidence."""
    storages = {**settings.STORAGES}
    storages["evidence"] = {
        **storages["evidence"],
        "OPTIONS": {**storages["evidence"].get("OPTIONS", {}), "location": str(tmp_path / "evidence")},
    }
    settings.STORAGES = storages


@pytest.fixture
def portal(live_server, plan_data):
    """The live portal's base URL, with the plan and the demo accounts in its database."""
    return live_server.url


@pytest.fixture
def new_chromium_page(chromium):
    """`new_chromium_page(**context_options)`: a page in a fresh browser context (zh-TW), closed after the test."""
    contexts = []

    def make(**options):
        options.setdefault("locale", "zh-TW")
        context = chromium.new_context(**options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def chromium_page(new_chromium_page):
    return new_chromium_page()


def assert_accessible(page) -> None:
    """Run axe (WCAG 2.0/2.1 A and AA) on the page as it is now and fail on any violation."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=AXE_OPTIONS)
    violations = results.response["violations"]
    if violations:
        lines = [f"axe: {len(violations)} violation(s) on {page.url}"]
        for violation in violations:
            targets = [node["target"] for node in violation["nodes"][:3]]
            lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}; nodes: {targets}")
        raise AssertionError("\n".join(lines))


def login(page, base_url: str, username: str, password: str = DEMO_PASSWORD, check: bool = True) -> None:
    """Sign in through the real login page (checked with axe) and wait for the landing page."""
    page.goto(f"{base_url}/accounts/login/")
    assert_accessible(page)
    page.get_by_label("使用者名稱").fill(username)
    page.get_by_label("密碼").fill(password)
    page.get_by_role("button", name="登入").click()
    page.wait_for_load_state()
    if check:
        assert "/accounts/login/" not in page.url, f"{username} could not sign in: {page.url}"


def logout(page) -> None:
    button = page.get_by_role("button", name="登出")
    if not button.is_visible():  # a narrow screen: open the collapsed menu first
        page.get_by_role("button", name="展開選單").click()
        # Bootstrap marks the menu .show once its opening transition has ended; a click while it still slid
        # open was lost twice on a slow CI machine (the page never left, and wait_for_url timed out).
        page.locator("#portal-nav.show").wait_for()
    with page.expect_navigation(url=re.compile(r"/accounts/login/"), timeout=30_000):
        button.click()
