"""備份：資料庫內容與所有佐證檔案，附 SHA-256 檢查碼清單。"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments.backup import backup_write


class Command(BaseCommand):
    help = "備份資料庫內容（含異動紀錄）與所有佐證檔案為一個 zip 檔，附 SHA-256 檢查碼清單。"

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, help="備份檔路徑，如 backup-20261126.zip")

    def handle(self, *args, output, **options):
        target = Path(output)
        if target.exists():
            raise CommandError(f"{target} 已存在，不覆寫；請指定新的檔名。")
        try:
            summary = backup_write(target)
        except OSError as error:
            target.unlink(missing_ok=True)
            raise CommandError(f"無法寫入備份：{error}") from None
        self.stdout.write(self.style.SUCCESS(f"已備份 {summary.objects} 筆資料、{summary.files} 個佐證檔案至 {target}"))
