"""製作年度計畫的佐證資料冊（PDF 與原始檔 zip），與頁面的「製作資料冊」相同，但在命令列直接執行。"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments.binder_build import build_binder
from measures.management.plan_option import plan_named
from measures.progress import default_as_of
from sq_portal.roc_dates import RocDateError, parse_roc


def progress_bar(stream, width: int = 30):
    """A text progress bar on `stream` (stderr), redrawn in place."""

    def show(done: int, total: int) -> None:
        filled = width * done // total if total else width
        stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done >= total:
            stream.write("\n")
        stream.flush()

    return show


class Command(BaseCommand):
    help = "製作佐證資料冊，例如：build_binder --plan 115 -o 資料冊.pdf（zip 檔寫在 PDF 旁，同名 .zip）"

    def add_arguments(self, parser):
        parser.add_argument("--plan", type=int, required=True, help="計畫年度（民國），如 115")
        parser.add_argument("--org", help="機關代碼（同一年度有多個機關的計畫時必填），如 tcpd-shilin")
        parser.add_argument("--as-of", help="資料基準日，如 115/05/31；省略時為今天（計畫期間內）")
        parser.add_argument("-o", "--output", required=True, help="PDF 檔案；zip 檔寫在旁邊（副檔名 .zip）")

    def handle(self, *args, plan, org, as_of, output, **options):
        chosen = plan_named(plan, org)
        try:
            day = parse_roc(as_of) if as_of else default_as_of(chosen)
        except RocDateError as error:
            raise CommandError(f"資料基準日「{as_of}」無法使用：{error}") from None
        pdf_path = Path(output)
        zip_path = pdf_path.with_suffix(".zip")
        try:
            result = build_binder(chosen, day, pdf_path, zip_path, progress_bar(sys.stderr))
        except OSError as error:
            raise CommandError(f"無法寫入 {pdf_path}：{error.strerror}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"已製作 {pdf_path}（{result.pages} 頁）與 {zip_path}（{len(result.manifest)} 個檔案"
                + (f"，{result.failed} 個未能轉為 PDF" if result.failed else "")
                + "）"
            )
        )
