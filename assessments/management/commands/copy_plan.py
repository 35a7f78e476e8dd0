"""以某年度計畫建立次年度計畫：copy_plan 106 107 [--organization tcpd-shilin]。"""

from django.core.management.base import BaseCommand, CommandError

from assessments.plan_copy import PlanCopyError, plan_copy
from diagnosis.models import Plan

SHOWN_ORGANIZATIONS = 20


class Command(BaseCommand):
    help = (
        "複製年度計畫為新年度計畫：評核架構與配分、措施（含主辦／協辦單位，期限順延）、績效指標與推動小組名冊；"
        "預定進度、填報、佐證、管制考核等不複製。例如：copy_plan 106 107 --organization tcpd-shilin"
    )

    def add_arguments(self, parser):
        parser.add_argument("source_year", type=int, help="來源計畫年度（民國），如 106")
        parser.add_argument("year", type=int, help="新計畫年度（民國），如 107")
        parser.add_argument("--organization", help="機關代碼（來源年度有多個機關的計畫時必填），如 tcpd-shilin")

    def handle(self, *args, source_year, year, organization, **options):
        plans = Plan.objects.filter(year=source_year).select_related("organization").order_by("organization__tree_order")
        if organization:
            plans = plans.filter(organization__code=organization)
        found = list(plans[: SHOWN_ORGANIZATIONS + 1])
        if not found:
            where = f"機關代碼「{organization}」" if organization else "任何機關"
            raise CommandError(f"找不到{where}的 {source_year} 年度計畫，未複製。")
        if len(found) > 1:
            names = "、".join(f"{p.organization.code}（{p.organization.name}）" for p in found[:SHOWN_ORGANIZATIONS])
            more = "等" if len(found) > SHOWN_ORGANIZATIONS else ""
            raise CommandError(f"{source_year} 年度有多個機關的計畫，請以 --organization 指定機關代碼：{names}{more}。")
        try:
            result = plan_copy(source=found[0], year=year, user=None)
        except PlanCopyError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"已建立「{result.plan.title}」。"))
        for label, number in result.counts.items():
            self.stdout.write(f"  {label}：{number} 筆")
        self.stdout.write("預定進度、進度填報、佐證資料、管制考核、組織診斷、提案、調查、訓練與獎懲未複製。")
