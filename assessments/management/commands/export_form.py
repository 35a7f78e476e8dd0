"""匯出附表1、附表2或附表3（推動小組名冊）（xlsx 或 ods），供批次作業使用。"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments.team_exporter import TeamExporter
from measures.exporters import FORM_EXPORTERS
from measures.management.plan_option import plan_named
from sq_portal.sheets import RENDERERS

EXPORTERS = {**FORM_EXPORTERS, 3: TeamExporter}


class Command(BaseCommand):
    help = "匯出年度計畫的附表1、附表2或附表3（推動小組名冊），例如：export_form --plan 106 --form 2 --format xlsx -o 附表2.xlsx"

    def add_arguments(self, parser):
        parser.add_argument("--plan", type=int, required=True, help="計畫年度（民國），如 106")
        parser.add_argument("--org", help="機關代碼（同一年度有多個機關的計畫時必填），如 tcpd-shilin")
        parser.add_argument("--form", type=int, choices=sorted(EXPORTERS), required=True, help="附表 1、2 或 3")
        parser.add_argument("--format", choices=sorted(RENDERERS), default="xlsx", help="xlsx（預設）或 ods")
        parser.add_argument("-o", "--output", help="輸出檔案；省略時依附表名稱命名於目前目錄")

    def handle(self, *args, plan, org, form, format, output, **options):
        chosen = plan_named(plan, org)
        exporter = EXPORTERS[form](chosen)
        renderer = RENDERERS[format]()
        path = Path(output or exporter.filename(format))
        try:
            path.write_bytes(renderer.render(exporter))
        except OSError as error:
            raise CommandError(f"無法寫入 {path}：{error.strerror}") from None
        self.stdout.write(self.style.SUCCESS(f"已匯出 {exporter.name}（{format}）：{path}"))
