"""載入單位樹與計畫原件（可於正式環境使用；不建立任何帳號）。"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from diagnosis.unit_tree import unit_tree_load
from measures.plan_fixture import PlanFixtureError, plan_load

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
DEFAULT_PLAN = "plan_106_shilin"


class Command(BaseCommand):
    help = "載入 fixtures/ 的單位樹與年度計畫（已存在者保持不變，可重複執行）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "plans", nargs="*", default=[DEFAULT_PLAN], help=f"fixtures/ 下的計畫資料夾（預設 {DEFAULT_PLAN}）"
        )

    def handle(self, *args, plans, **options):
        load_fixtures(self, plans)


def load_fixtures(command: BaseCommand, plans: list[str]) -> None:
    created_units = unit_tree_load(path=FIXTURES / "units.yaml")
    command.stdout.write(f"單位：新增 {created_units} 個。")
    for name in plans:
        directory = FIXTURES / name
        if not (directory / "plan.yaml").exists():
            raise CommandError(f"找不到計畫資料夾 {directory}（需含 plan.yaml）。")
        try:
            result = plan_load(directory=directory)
        except PlanFixtureError as exc:
            raise CommandError(str(exc)) from exc
        plan = result.plan
        if result.created:
            command.stdout.write(command.style.SUCCESS(f"已載入「{plan}」：{plan.measures.count()} 項措施。"))
        else:
            command.stdout.write(f"「{plan}」已存在，未變更。")
