"""建立本機試用環境：單位樹、106 年計畫、示範帳號，以及士林、大同、內湖三個分局今年度到上個月為止的示範計畫、
書面資料送審與警察局的評分回合。"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from assessments.demo_precincts import DEMO_PRECINCTS
from assessments.demo_scoring import demo_scoring_create
from assessments.demo_submissions import demo_submissions_create
from assessments.demo_year import demo_year_create
from assessments.figure_writes import plan_figures_refresh
from diagnosis.demo_accounts import ALL_DEMO_ACCOUNTS, DEMO_PASSWORD, demo_accounts_create, demo_precincts_create
from diagnosis.models import Plan
from measures.management.commands.load_plan import DEFAULT_PLAN, load_fixtures


class Command(BaseCommand):
    help = (
        "載入 106 年計畫、建立示範帳號，並以 106 年計畫複製士林、大同、內湖分局今年度的計畫、重演今年到上個月為止的"
        "填報、推動作業與書面資料送審，再建立警察局的評分回合"
        "（僅限 DEBUG 開啟或加上 --force；可重複執行，已有今年度計畫時不再新增）。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="DEBUG 關閉時仍建立示範帳號（密碼公開，切勿用於正式環境）"
        )

    def handle(self, *args, force: bool, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG 未開啟：示範帳號的密碼是公開的，拒絕在正式環境建立。"
                "正式環境請改用 `manage.py load_plan` 載入計畫、`manage.py createsuperuser` 建立管理者；"
                "確定要建立示範帳號時請加上 --force。"
            )
        load_fixtures(self, [DEFAULT_PLAN])
        added = demo_precincts_create()
        if added:
            self.stdout.write(f"示範分局的單位：新增 {added} 個。")
        results = demo_accounts_create(ALL_DEMO_ACCOUNTS)
        years = []
        for precinct in DEMO_PRECINCTS:  # the scoring round below is made after their submissions are decided
            year = demo_year_create(precinct)
            self.stdout.write(self.style.SUCCESS(year.message) if year.created else year.message)
            if year.plan is not None:
                self.stdout.write(demo_submissions_create(year.plan, precinct))
                years.append(year.plan.year)
        if years:
            scoring = demo_scoring_create(years[0], DEMO_PRECINCTS)
            self.stdout.write(self.style.SUCCESS(scoring.message) if scoring.created else scoring.message)
            plans = list(Plan.objects.filter(year=years[0]).select_related("organization"))
            for plan in plans:  # 各機關進度比較's figures (a second run updates the same rows)
                plan_figures_refresh(plan)
            self.stdout.write(f"已計算 {len(plans)} 個計畫的進度數字。")
        self.stdout.write("")
        self.stdout.write(f"示範帳號（密碼皆為 {DEMO_PASSWORD}）：")
        for result in results:
            state = "新增" if result.created else "已存在"
            self.stdout.write(f"  {result.account.username:<22} {result.account.description}（{state}）")
