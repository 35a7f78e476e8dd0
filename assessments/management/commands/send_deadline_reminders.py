"""寄送期限提醒：到期前一日、逾期、每月未填報（每項只寄一次）。供 cron 每日執行。"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from assessments.reminders import send_reminders
from diagnosis.models import Plan
from sq_portal.roc_dates import RocDateError, format_roc, parse_roc


class Command(BaseCommand):
    help = "寄送期限提醒給單位主管與研考承辦（到期前一日、逾期、未填報）；重複執行不會重複寄送。"

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="檢視基準日（民國，如 106/05/30；預設今天）")
        parser.add_argument("--plan", type=int, help="只處理此年度（民國）的計畫")
        parser.add_argument("--dry-run", action="store_true", help="只列出將寄送的件數，不寄送也不記錄")

    def handle(self, *args, as_of=None, plan=None, dry_run=False, **options):
        try:
            day = parse_roc(as_of) if as_of else timezone.localdate()
        except RocDateError as error:
            raise CommandError(f"--as-of：{error}") from None
        plans = Plan.objects.filter(start_date__lte=day, end_date__gte=day).select_related("organization")
        if plan is not None:
            plans = plans.filter(year=plan)
        plans = list(plans)
        if not plans:
            self.stdout.write(f"{format_roc(day)} 沒有執行中的計畫，未寄送任何提醒。")
            return
        for each in plans:
            result = send_reminders(each, day, dry_run=dry_run)
            verb = "將寄送" if dry_run else "已寄送"
            self.stdout.write(f"{each}：{verb} {result.emails} 封提醒，共 {result.items} 項（{format_roc(day)}）。")
