"""年度計畫與其重要期程。"""

import calendar
from datetime import date

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sq_portal.roc_dates import format_roc

from .people import ReadingScope

ROC_OFFSET = 1911


def add_months(day: date, months: int) -> date:
    """`day` moved by `months` months, kept within the month (1/31 + 1 month = 2/28)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


class PlanQuerySet(models.QuerySet):
    def for_year(self, roc_year: int) -> "PlanQuerySet":
        return self.filter(year=roc_year)

    def readable_by(self, user) -> "PlanQuerySet":
        """The plans `user` may read. A superuser reads every plan. Anyone else reads the plans of the
        organisations at or above any of their units (their own chain) and, as 研考承辦 or 檢視者 of a unit,
        the plans of every unit below it (`ReadingScope`). Reads the user's memberships (one small query) and
        filters the plans by organisation ids and path prefixes, which the indexes answer at any number of plans."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        scope = ReadingScope.of(user.memberships.select_related("unit").order_by())
        return self.filter(scope.plan_filter()) if scope.own_chain else self.none()

    def read_from_above(self, user) -> "PlanQuerySet":
        """The bureau's rule over plans: those of organisations strictly below a unit where `user` is 研考承辦 or
        檢視者 (the bureau reads each precinct's; a precinct's staff do not find their own plan here); every plan
        for a superuser. `diagnosis.access.roles_above` states the same for one organisation."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        paths = ReadingScope.of(user.memberships.select_related("unit").order_by()).read_below
        condition = Q()
        for path in sorted(paths):
            condition |= Q(organization__path__startswith=path) & ~Q(organization__path=path)
        return self.filter(condition) if paths else self.none()

    def preferred_for(self, user) -> "PlanQuerySet":
        """These plans, the user's preferred first: the newest year's plan of the user's own organisation, the
        deepest organisation at or above one of their units (a unit head's precinct, not the bureau); failing
        that (bureau staff looking down), the one nearest the root, the first of those in the tree's order. The
        organisation and its parent joined (the navigation titles the plan with its official name)."""
        depth = Length("organization__tree_order")  # the organisation's depth: its sort key's length
        plans = self.select_related("organization__parent")
        if not user.is_authenticated:
            return plans.alias(nearness=depth).order_by("-year", "nearness", "organization__tree_order")
        # The own chain as SQL (ReadingScope's own_chain): the preference stays one query over any plans given.
        own = Exists(user.memberships.filter(unit__path__startswith=OuterRef("organization__path")))
        return plans.alias(
            foreign=Case(When(own, then=Value(0)), default=Value(1)), nearness=Case(When(own, then=-depth), default=depth)
        ).order_by("-year", "foreign", "nearness", "organization__tree_order")

    def newest_year(self) -> "PlanQuerySet":
        """Only the newest year's plans among these."""
        return self.filter(year=Subquery(self.order_by("-year").values("year")[:1]))


class Plan(models.Model):
    organization = models.ForeignKey(
        "diagnosis.Unit", on_delete=models.PROTECT, related_name="plans", verbose_name=_("機關")
    )
    year = models.PositiveSmallIntegerField(_("年度（民國）"), help_text=_("例如 106"))
    title = models.CharField(_("計畫名稱"), max_length=200)
    basis = models.TextField(_("計畫依據"), blank=True)
    objectives = models.TextField(_("計畫目標"), blank=True)
    scope = models.TextField(_("執行對象"), blank=True)
    content_intro = models.TextField(_("計畫內容說明"), blank=True)
    steps = models.TextField(_("執行步驟"), blank=True)
    evaluation = models.TextField(_("考核獎懲作業"), blank=True)
    amendment = models.TextField(_("附則"), blank=True)
    start_date = models.DateField(_("執行期程起日"))
    end_date = models.DateField(_("執行期程迄日"))
    lag_threshold = models.PositiveSmallIntegerField(
        _("落後門檻（百分點）"),
        default=10,
        help_text=_("實際進度低於預定進度達此百分點數時列為落後。"),
    )
    report_due_day = models.PositiveSmallIntegerField(
        _("每月填報期限（次月幾日）"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("某月的進度應於次月此日（含）前送出；逾期送出者標示為逾時填報。"),
    )
    closing_date = models.DateField(
        _("結算日"),
        null=True,
        blank=True,
        help_text=_("此日（含）前各單位仍可填報及修正本年度進度（包括 12 月份）；此日後年度結算，數據不再變動。空白時為計畫迄日後一個月。"),
    )
    courtesy_pass_score = models.PositiveSmallIntegerField(
        _("電話禮貌測試及格分數"),
        default=80,
        validators=[MaxValueValidator(100)],
        help_text=_("單位最近一次電話禮貌測試低於此分數時，列入下次管制考核。"),
    )
    submission_due = models.DateField(
        _("書面資料送審期限"),
        null=True,
        blank=True,
        help_text=_("警察局訂定的書面資料送審日期；此日後送審者標示為逾期送審。空白為未訂期限。"),
    )
    history = HistoricalRecords()

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("年度計畫")
        verbose_name_plural = _("年度計畫")
        ordering = ["organization", "-year"]
        # The pages find a plan by year (and the navigation the newest year) across every organisation a
        # national user may read: without it each page sorted every plan of every year.
        indexes = [models.Index(fields=["year"], name="plan_year_idx")]
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="plan_one_per_organization_year", violation_error_message=_("此機關已有該年度的計畫。")),
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="plan_end_after_start", violation_error_message=_("執行期程迄日不可早於起日。")),
            models.CheckConstraint(condition=Q(year__gte=1), name="plan_year_roc", violation_error_message=_("年度須為民國 1 年以後。")),
            models.CheckConstraint(
                condition=Q(closing_date__isnull=True) | Q(closing_date__gte=F("end_date")),
                name="plan_closes_after_end",
                violation_error_message=_("結算日不可早於計畫執行期程迄日。"),
            ),
            models.CheckConstraint(
                condition=Q(report_due_day__gte=1, report_due_day__lte=28),
                name="plan_report_due_day_in_month",
                violation_error_message=_("每月填報期限須為 1 至 28 日。"),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def default_closes_on(self) -> date:
        """The 結算日 when none is set: one month after the plan's end."""
        return add_months(self.end_date, 1)

    @property
    def closes_on(self) -> date:
        """結算日: the day after which the year's reports no longer change (by default one month after the end)."""
        return self.closing_date or self.default_closes_on

    def is_closed(self, today: date | None = None) -> bool:
        return (today or timezone.localdate()) > self.closes_on

    @property
    def has_ended(self) -> bool:
        """Today is after the plan's period (whether or not the year is closed yet)."""
        return timezone.localdate() > self.end_date

    @property
    def is_settling(self) -> bool:
        """The period is over and the year not yet closed: units still file and correct its reports."""
        return self.has_ended and not self.is_closed()

    def report_due_on(self, month: date) -> date:
        """The day the report for `month` (any day of it) is due: `report_due_day` of the next month."""
        return add_months(month.replace(day=1), 1).replace(day=self.report_due_day)

    def is_late(self, month: date, sent_at) -> bool:
        """逾時填報: the report for `month`, first sent at `sent_at`, was sent after its due day (local time).
        measures.plan_settings.reports_lateness_recompute states the same in SQL for a whole plan."""
        return timezone.localdate(sent_at) > self.report_due_on(month)

    def is_submission_late(self, sent_at) -> bool:
        """逾期送審: a submission sent at `sent_at` after the plan's 送審期限 (local date); never without one."""
        return self.submission_due is not None and timezone.localdate(sent_at) > self.submission_due

    @property
    def period_display(self) -> str:
        return f"{format_roc(self.start_date, 'long')}至{format_roc(self.end_date, 'long')}"


class Milestone(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("計畫"))
    date = models.DateField(_("日期"))
    month_only = models.BooleanField(
        _("僅指定月份"), default=False, help_text=_("計畫只寫到月份（如 106 年 5 月份）時勾選，日期填該月 1 日。")
    )
    title = models.CharField(_("事項"), max_length=200)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("重要期程")
        verbose_name_plural = _("重要期程")
        ordering = ["plan", "date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "date", "title"], name="milestone_unique_per_plan", violation_error_message=_("此計畫在同一天已有相同的期程事項。")),
        ]

    def __str__(self) -> str:
        return f"{self.when_display} {self.title}"

    @property
    def when_display(self) -> str:
        return format_roc(self.date, "month" if self.month_only else "slash")
