"""佐證資料冊的效能基準：產生指定數量與總大小的佐證檔案（多頁 PDF、PNG、JPEG），製作資料冊，印出時間、記憶體峰值、頁數與大小。"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments.management.commands.build_binder import progress_bar
from diagnosis.models import Plan
from perf.binder_bench import run_binder_bench


class Command(BaseCommand):
    help = (
        "佐證資料冊效能基準，例如 bench_binder --files 200 --total-mb 500：檔案寫在暫存目錄，資料在回復的交易中，"
        "結束後資料庫不變。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--files", type=int, default=200, help="佐證檔案數（預設 200）")
        parser.add_argument("--total-mb", type=int, default=500, help="檔案合計大小 MB（預設 500）")
        parser.add_argument("--plan", type=int, help="計畫年度（民國）；預設為最新一年")
        parser.add_argument("--keep", help="把製作的 PDF 與 zip 留在此目錄（預設不留）")

    def handle(self, *args, files, total_mb, plan=None, keep=None, **options):
        plans = Plan.objects.select_related("organization").order_by("-year", "organization__tree_order")
        chosen = (plans.filter(year=plan) if plan else plans).first()
        if chosen is None:
            raise CommandError("找不到計畫；請先執行 load_plan 或 setup_demo。")
        if files < 1 or total_mb < 1:
            raise CommandError("--files 與 --total-mb 須為正整數。")
        bench = run_binder_bench(
            chosen, files=files, total_mb=total_mb, keep=Path(keep) if keep else None, progress=progress_bar(sys.stderr)
        )
        mb = 1024 * 1024
        self.stdout.write(
            f"佐證資料冊（{chosen.year} 年度 {chosen.organization.name}）：{bench.files} 個檔案、{bench.input_bytes / mb:.0f} MB\n"
            f"  製作時間 {bench.seconds:.1f} 秒\n"
            f"  記憶體（RSS）製作前 {bench.baseline_rss_mb:.0f} MB，製作中峰值 {bench.peak_rss_mb:.0f} MB\n"
            f"  PDF {bench.pages} 頁、{bench.pdf_bytes / mb:.0f} MB；zip {bench.zip_bytes / mb:.0f} MB"
        )
