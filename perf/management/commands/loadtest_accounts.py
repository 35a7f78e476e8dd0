"""負載測試的登入帳號：在規模測試資料上建立研考承辦與單位主管的帳號與登入狀態。"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from perf.load_accounts import LoadAccountsError, prepare_load_accounts


class Command(BaseCommand):
    help = "為負載測試建立已登入的帳號（研考承辦與單位主管各半），寫成 JSON 供 perf/loadtest/locustfile.py 讀取。"

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=50, help="使用者數（預設 50）")
        parser.add_argument("--bureau-users", type=int, default=0,
                            help="另建警察局的研考承辦與檢視者帳號數（各機關進度比較、評分回合；預設 0）")
        parser.add_argument("--output", default=str(Path(settings.BASE_DIR) / "var" / "loadtest" / "accounts.json"))

    def handle(self, *args, users=50, bureau_users=0, output="", **options):
        try:
            accounts, bureau = prepare_load_accounts(users=users, output=Path(output), bureau_users=bureau_users)
        except LoadAccountsError as error:
            raise CommandError(str(error)) from error
        heads = sum(1 for a in accounts if a.role == "head")
        self.stdout.write(f"已建立 {len(accounts)} 個帳號（單位主管 {heads} 個）"
                          + (f"與警察局帳號 {len(bureau)} 個" if bureau else "") + f"，寫入 {output}。")
