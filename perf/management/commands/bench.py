"""效能基準：頁面、匯出與匯入的中位數時間與查詢數（匯入另列每秒列數）。"""

from django.core.management.base import BaseCommand, CommandError

from diagnosis.models import Plan
from perf.bench import run_bench


class Command(BaseCommand):
    help = (
        "在現有資料上量測頁面、附表匯出與 Excel 匯入，印出每一項的中位數時間（毫秒）與查詢數；"
        "--quick 在數秒內跑完縮小版。全部在回復的交易中執行，結束後資料不變。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--quick", action="store_true", help="縮小版（次數與資料量較少）")
        parser.add_argument("--plan", type=int, help="計畫年度（民國）；預設為最新一年")
        parser.add_argument("--org", help="機關代碼；預設為該年度第一個機關")
        parser.add_argument("--explain", action="store_true", help="在 PostgreSQL 上以 EXPLAIN 檢查頁面的查詢是否循序掃描大資料表")

    def handle(self, *args, quick=False, plan=None, org=None, explain=False, **options):
        # As the pages' plan lookup (measures.access.preferred_plan) reads it: with the organisation's parent, which
        # the exports' titles (the official name) need.
        plans = Plan.objects.select_related("organization__parent").order_by("-year", "organization__tree_order")
        if plan:
            plans = plans.filter(year=plan)
        if org:
            plans = plans.filter(organization__code=org)
        chosen = plans.first()
        if chosen is None:
            raise CommandError("沒有可量測的計畫；請先執行 load_plan 或 generate_scale_data。")
        self.stdout.write(f"量測「{chosen}」（{'縮小版' if quick else '完整版'}）：")
        run_bench(plan=chosen, quick=quick, out=self.stdout.write, explain=explain)
