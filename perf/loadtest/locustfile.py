"""Load test: signed-in 研考承辦 and 單位主管 mixing the portal's everyday requests, and the bureau's 研考承辦 and
檢視者 reading every precinct side by side and the 評分回合 (LOAD_BUREAU_USERS of the users, default 10).

Run through `make loadtest` (see README, 效能). Reads the accounts `manage.py loadtest_accounts` wrote
(LOAD_ACCOUNTS, default var/loadtest/accounts.json); each simulated user takes one account.

The server runs as in production (DEBUG off), so its cookies are marked Secure; over plain HTTP on the
loopback the client keeps them itself: the session key from the accounts file and each form's CSRF token
from the response that set it."""

import http.cookiejar
import itertools
import json
import os
import re
from pathlib import Path

from locust import HttpUser, between, events, task

ACCOUNTS_FILE = json.loads(Path(os.environ.get("LOAD_ACCOUNTS", "var/loadtest/accounts.json")).read_text(encoding="utf-8"))
ACCOUNTS = ACCOUNTS_FILE["accounts"]
BUREAU_ACCOUNTS = ACCOUNTS_FILE.get("bureau", [])
_next_account = itertools.count()
_next_bureau_account = itertools.count()
# The side-by-side page's sorts (assessments.side_by_side.SORTS), each way round.
SORTS = ["org", "-done", "lagging", "-lagging", "-overdue", "late", "-follow_ups", "submission", "-diagnosis", "-as_of"]
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


# Think time between a user's requests, in seconds: "2-8" by default (a person reading a page before the
# next click); LOAD_WAIT=0.5-1.5 turns the same 50 users into a stress test that finds the server's capacity.
WAIT = tuple(float(x) for x in os.environ.get("LOAD_WAIT", "2-8").split("-", 1))


class SignedInUser(HttpUser):
    """One account of the accounts file, its session sent by hand (see the module's docstring)."""

    abstract = True
    wait_time = between(*WAIT)

    def sign_in(self, account):
        self.account = account
        self.client.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))  # keep none
        self.session_cookie = f"sessionid={account['session_key']}"

    def _get(self, url, name):
        with self.client.get(url, name=name, headers={"Cookie": self.session_cookie}, allow_redirects=False,
                             catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} {response.headers.get('Location', '')}")
            return response


class PortalUser(SignedInUser):
    def on_start(self):
        self.sign_in(ACCOUNTS[next(_next_account) % len(ACCOUNTS)])
        self.year = self.account["year"]
        self.measures = itertools.cycle(self.account["measures"])
        self.slots = iter(self.account["slots"])
        self.months = itertools.cycle(range(1, 13))

    @task(3)
    def dashboard(self):
        self._get(f"/plans/{self.year}/dashboard/", "進度總覽")

    @task(2)
    def plan_tree(self):
        self._get(f"/plans/{self.year}/", "年度計畫")

    @task(3)
    def measure_page(self):
        self._get(f"/plans/{self.year}/measures/{next(self.measures)}/", "措施頁")

    @task(2)
    def month_page(self):
        """A unit head opens their unit's month page (every measure of the month, with last month's figures)."""
        if self.account["role"] != "head":
            return self.measure_page()
        self._get(f"/units/{self.account['unit_code']}/months/{self.year}-{next(self.months):02d}/", "單位月填報")

    @task(1)
    def form2_download(self):
        self._get(f"/plans/{self.year}/forms/2.xlsx", "附表2下載")

    @task(1)
    def report_submission(self):
        if self.account["role"] != "head":
            return self.measure_page()
        slot = next(self.slots, None)
        if slot is None:
            return self.measure_page()
        url = f"/plans/{self.year}/measures/{slot['measure']}/reports/new/"
        form = self._get(url, "填報表單")
        token = CSRF_INPUT.search(form.text)
        cookie = form.cookies.get("csrftoken")
        if not token or not cookie:
            return
        data = {"csrfmiddlewaretoken": token.group(1), "unit": slot["unit"], "period": slot["period"],
                "narrative": "負載測試填報：依計畫辦理。", "progress": 50, "submit": "1"}
        headers = {"Cookie": f"{self.session_cookie}; csrftoken={cookie}", "Referer": self.host + url}
        with self.client.post(url, data=data, name="填報送出", headers=headers, allow_redirects=False,
                              catch_response=True) as response:
            if response.status_code != 302:
                response.failure(f"{response.status_code}")


class BureauUser(SignedInUser):
    """The bureau's staff and viewers: 各機關進度比較 (sorted, sometimes downloaded), the round's page and its
    results matrix. A fixed number of the users (LOAD_BUREAU_USERS); none without bureau accounts."""

    fixed_count = min(int(os.environ.get("LOAD_BUREAU_USERS", "10")), len(BUREAU_ACCOUNTS))
    abstract = fixed_count == 0  # with a count of 0 locust would spawn them by weight instead

    def on_start(self):
        self.sign_in(BUREAU_ACCOUNTS[next(_next_bureau_account) % len(BUREAU_ACCOUNTS)])
        self.sorts = itertools.cycle(SORTS)

    @task(3)
    def side_by_side(self):
        self._get(f"/side-by-side/{self.account['year']}/?sort={next(self.sorts)}", "各機關進度比較")

    @task(1)
    def side_by_side_export(self):
        self._get(f"/side-by-side/{self.account['year']}/export.xlsx?sort={next(self.sorts)}", "各機關進度比較下載")

    @task(2)
    def results_matrix(self):
        if self.account["round"] is None:
            return self.side_by_side()
        self._get(f"/scoring/{self.account['round']}/results/", "評分成績矩陣")

    @task(2)
    def round_page(self):
        if self.account["round"] is None:
            return self.side_by_side()
        self._get(f"/scoring/{self.account['round']}/", "評分回合")


@events.quitting.add_listener
def _summary(environment, **kwargs):
    stats = environment.stats.total
    print(
        f"\n等候 {WAIT[0]:g}–{WAIT[1]:g} 秒；合計 {stats.num_requests} 個請求，{stats.total_rps:.1f} 請求/秒；"
        f"p50 {stats.get_response_time_percentile(0.5):.0f} ms，p95 {stats.get_response_time_percentile(0.95):.0f} ms，"
        f"p99 {stats.get_response_time_percentile(0.99):.0f} ms；錯誤 {stats.num_failures} 個。"
    )
