"""把計畫各措施列印用的承辦單位文字改為本系統的寫法（單位間以「、」分隔，主辦在前、各單位在後）：
升級前載入或匯入的計畫使用，例如 normalize_unit_texts --plan 106 [--org tcpd-shilin] [--dry-run]。"""

from django.core.management.base import BaseCommand

from measures.management.plan_option import plan_named
from measures.unit_text_writes import responsible_texts_normalize


class Command(BaseCommand):
    help = "把計畫各措施的承辦單位文字改為以「、」分隔的寫法（升級前的資料使用）。"

    def add_arguments(self, parser):
        parser.add_argument("--plan", type=int, required=True, help="計畫年度（民國），如 106")
        parser.add_argument("--org", help="機關代碼；同一年度有多個機關的計畫時必填")
        parser.add_argument("--dry-run", action="store_true", help="只列出會改的措施，不寫入")

    def handle(self, *args, plan, org=None, dry_run=False, **options):
        result = responsible_texts_normalize(plan=plan_named(plan, org), dry_run=dry_run)
        for measure, before, after in result.changed:
            self.stdout.write(f"{measure.name}：「{before}」→「{after}」")
        for measure, why in result.unreadable:
            self.stdout.write(f"未更動 {measure.name}：{why}")
        verb = "將改寫" if dry_run else "已改寫"
        self.stdout.write(f"{verb} {len(result.changed)} 項措施的承辦單位文字；{len(result.unreadable)} 項無法辨識而未更動。")
