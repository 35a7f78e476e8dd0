"""效能剖析用：以效能基準的登入身分請求同一頁 N 次（先暖身 3 次），供 valgrind、pyinstrument 等工具包住整個程序量測。"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from perf.bench import request_loop


class Command(BaseCommand):
    help = (
        "以效能基準的登入身分（系統管理者）請求同一網址 N 次，結束後資料不變。"
        "以 valgrind --tool=callgrind 分別包住 --count 0 與 --count 10，兩者指令數之差除以 10 即每個請求的 Python 端成本。"
    )

    def add_arguments(self, parser):
        parser.add_argument("url", help="站內網址，例如 /plans/115/?org=scale-p0001")
        parser.add_argument("--count", type=int, default=10, help="暖身之後的請求次數（預設 10）")

    def handle(self, *args, url, count, **options):
        if count < 0:
            raise CommandError("--count 不可為負數。")
        with transaction.atomic():
            try:
                request_loop(url, count)
            except RuntimeError as error:
                raise CommandError(str(error)) from error
            transaction.set_rollback(True)
        self.stdout.write(f"已請求 {url} 暖身 3 次、量測 {count} 次。")
