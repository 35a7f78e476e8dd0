"""產生規模測試資料：N 個機關 × Y 個年度的計畫、措施、預定進度、每月填報與管制考核（批次寫入）。"""

import time

from django.core.management.base import BaseCommand, CommandError

from perf.scale_data import ScaleDataError, generate_scale_data


class Command(BaseCommand):
    help = "產生全局或全國規模的測試資料，例如 --organizations 30 --years 10（約 3 萬項措施、36 萬筆填報）。"

    def add_arguments(self, parser):
        parser.add_argument("--organizations", type=int, default=2, help="機關（分局）數，預設 2")
        parser.add_argument("--years", type=int, default=1, help="每個機關的計畫年數，預設 1（自民國 106 年起）")
        parser.add_argument("--seed", type=int, default=106, help="亂數種子，同一種子產生相同資料")
        parser.add_argument("--scoring-round", action="store_true",
                            help="另為最新年度算好各機關進度比較的數字，並建立一個已公布的評分回合（涵蓋每個分局）")

    def handle(self, *args, organizations, years, seed, scoring_round=False, **options):
        started = time.monotonic()
        width = 30

        def bar(done: int, total: int) -> None:
            filled = round(width * done / total)
            self.stdout.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} 個計畫", ending="")
            self.stdout.flush()

        try:
            summary = generate_scale_data(organizations=organizations, years=years, seed=seed, progress=bar,
                                          scoring_round=scoring_round)
        except ScaleDataError as error:
            raise CommandError(str(error)) from None
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(
            f"已產生 {summary.organizations} 個機關、{summary.plans} 個計畫、{summary.measures} 項措施、"
            f"{summary.reports} 筆填報，費時 {time.monotonic() - started:.1f} 秒。"
        ))
        if summary.scoring:
            s = summary.scoring
            self.stdout.write(f"{s.year} 年度：{s.precincts} 個分局的進度數字與評分回合（{s.scores} 筆評分、{s.settlements} 筆裁定，已公布）。")
