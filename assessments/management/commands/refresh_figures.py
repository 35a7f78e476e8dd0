"""重新計算一個年度各計畫的數字（各機關進度比較頁讀的 PlanFigures）。供 cron 執行。"""

import time

from django.core.management.base import BaseCommand, CommandError

from assessments.figure_writes import plan_figures_refresh
from diagnosis.models import Plan


class Command(BaseCommand):
    help = "重新計算一個年度（民國）各計畫的數字，供各機關進度比較頁使用。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="年度（民國，如 115）")

    def handle(self, *args, year, **options):
        plans = list(Plan.objects.filter(year=year).select_related("organization").order_by("organization__tree_order"))
        if not plans:
            raise CommandError(f"{year} 年度沒有計畫。")
        started = time.monotonic()
        for number, plan in enumerate(plans, start=1):
            plan_figures_refresh(plan)
            self.stdout.write(f"{number}/{len(plans)} {plan.organization.name}")
        self.stdout.write(f"已重新計算 {len(plans)} 個計畫的數字（{time.monotonic() - started:.1f} 秒）。")
