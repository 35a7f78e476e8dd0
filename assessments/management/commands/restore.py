"""還原：把備份檔還原到空的資料庫，先核對每個檔案的 SHA-256。"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "把 backup 指令產生的備份檔還原到空的資料庫（先執行 migrate）；檢查碼不符時拒絕還原。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="備份檔路徑")

    def handle(self, *args, file, **options):
        source = Path(file)
        if not source.is_file():
            raise CommandError(f"找不到備份檔 {source}。")
        try:
            summary = backup_restore(source)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"已還原 {summary.objects} 筆資料、{summary.files} 個佐證檔案。"))
