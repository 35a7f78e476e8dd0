"""滿意度調查與陳情案件滿意度分析。

- `SatisfactionSurvey`：一次服務滿意度調查（調查設計、抽樣設計、調查期間），其結果按類別記在 `SurveyResult`
  （洽公環境、服務禮儀、服務專業性、服務措施、內部同仁滿意度；一次調查可只含其中幾類）。
- `PetitionTally`：「單一陳情系統」內建的陳情案件滿意度調查，按單位、按月登錄滿意與不滿意件數。

滿意度、抽樣誤差、趨勢與不滿意比例一律由 `assessments.satisfaction` 計算。"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

__all__ = ["SatisfactionSurvey", "SurveyResult", "PetitionTally"]


class SatisfactionSurveyQuerySet(models.QuerySet):
    def for_list(self) -> "SatisfactionSurveyQuerySet":
        """Surveys in period order with their results (one extra prefetch query) and who recorded them."""
        return self.select_related("recorded_by").prefetch_related("results").order_by("period_start", "period_end", "pk")

    def latest_first(self) -> "SatisfactionSurveyQuerySet":
        return self.order_by("-period_end", "-period_start", "-pk")


class SatisfactionSurvey(models.Model):
    class Sampling(models.TextChoices):
        SIMPLE_RANDOM = "simple_random", _("簡單隨機抽樣")
        SYSTEMATIC = "systematic", _("系統抽樣")
        STRATIFIED = "stratified", _("分層抽樣")
        CLUSTER = "cluster", _("集群抽樣")
        CONVENIENCE = "convenience", _("便利抽樣")
        CENSUS = "census", _("普查（全數調查）")

    plan = models.ForeignKey(
        "diagnosis.Plan", on_delete=models.CASCADE, related_name="satisfaction_surveys", verbose_name=_("計畫")
    )
    title = models.CharField(_("調查名稱"), max_length=200, help_text=_("如「106年第1季臨櫃洽公服務滿意度調查」"))
    period_start = models.DateField(_("調查期間起日"))
    period_end = models.DateField(_("調查期間迄日"))
    design = models.TextField(
        _("調查設計"), blank=True, help_text=_("調查對象、方式（現場問卷、電話訪問、線上問卷）、問卷題目與量表")
    )
    population = models.PositiveIntegerField(
        _("母體數"), null=True, blank=True, help_text=_("調查期間的服務人次或對象人數；未知時留空（不作有限母體校正）")
    )
    sampling_method = models.CharField(_("抽樣方法"), max_length=20, choices=Sampling.choices)
    sample_size = models.PositiveIntegerField(_("預定樣本數"), null=True, blank=True)
    notes = models.TextField(_("備註"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("登錄者")
    )
    created_at = models.DateTimeField(_("建立時間"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新時間"), auto_now=True)
    history = HistoricalRecords()

    objects = SatisfactionSurveyQuerySet.as_manager()

    class Meta:
        verbose_name = _("滿意度調查")
        verbose_name_plural = _("滿意度調查")
        ordering = ["plan", "period_start", "period_end", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="survey_period_end_after_start",
                violation_error_message=_("調查期間迄日不可早於起日。"),
            ),
            models.CheckConstraint(
                condition=Q(sample_size__isnull=True) | Q(population__isnull=True) | Q(sample_size__lte=F("population")),
                name="survey_sample_within_population",
                violation_error_message=_("預定樣本數不可大於母體數。"),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class SurveyResult(models.Model):
    class Category(models.TextChoices):
        ENVIRONMENT = "environment", _("洽公環境")
        COURTESY = "courtesy", _("服務禮儀")
        EXPERTISE = "expertise", _("服務專業性")
        MEASURES = "measures", _("服務措施")
        INTERNAL = "internal", _("內部同仁滿意度")

    survey = models.ForeignKey(SatisfactionSurvey, on_delete=models.CASCADE, related_name="results", verbose_name=_("調查"))
    category = models.CharField(_("類別"), max_length=20, choices=Category.choices)
    respondents = models.PositiveIntegerField(_("受訪人數"), help_text=_("此類別有效回答的人數"))
    satisfied = models.PositiveIntegerField(_("滿意人數"), help_text=_("回答「滿意」及「非常滿意」的人數"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("滿意度調查結果")
        verbose_name_plural = _("滿意度調查結果")
        ordering = ["survey", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "category"],
                name="survey_result_one_per_category",
                violation_error_message=_("同一次調查的每個類別只能有一筆結果。"),
            ),
            models.CheckConstraint(
                condition=Q(satisfied__lte=F("respondents")),
                name="survey_result_satisfied_within_respondents",
                violation_error_message=_("滿意人數不可多於受訪人數。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey}／{self.get_category_display()}"


class PetitionTallyQuerySet(models.QuerySet):
    def for_analysis(self) -> "PetitionTallyQuerySet":
        return self.select_related("unit").order_by("month", "unit__tree_order")


class PetitionTally(models.Model):
    """One unit's 陳情案件 of one month as the 單一陳情系統 counts them: closed cases and the petitioners'
    answers to its built-in satisfaction question (滿意, 不滿意; the rest gave no answer)."""

    plan = models.ForeignKey(
        "diagnosis.Plan", on_delete=models.CASCADE, related_name="petition_tallies", verbose_name=_("計畫")
    )
    unit = models.ForeignKey("diagnosis.Unit", on_delete=models.PROTECT, related_name="petition_tallies", verbose_name=_("單位"))
    month = models.DateField(_("月份"), help_text=_("該月 1 日；畫面以民國年月輸入與顯示"))
    closed = models.PositiveIntegerField(_("結案件數"))
    satisfied = models.PositiveIntegerField(_("滿意件數"))
    dissatisfied = models.PositiveIntegerField(_("不滿意件數"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("登錄者")
    )
    updated_at = models.DateTimeField(_("更新時間"), auto_now=True)
    history = HistoricalRecords()

    objects = PetitionTallyQuerySet.as_manager()

    class Meta:
        verbose_name = _("陳情案件滿意度")
        verbose_name_plural = _("陳情案件滿意度")
        ordering = ["plan", "month", "unit"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "unit", "month"],
                name="petition_tally_one_per_unit_month",
                violation_error_message=_("此單位該月份已有陳情案件滿意度資料。"),
            ),
            models.CheckConstraint(
                condition=Q(closed__gte=F("satisfied") + F("dissatisfied")),
                name="petition_tally_answers_within_closed",
                violation_error_message=_("滿意與不滿意件數合計不可多於結案件數。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit}／{self.month:%Y-%m}"

    @property
    def no_answer(self) -> int:
        """未表示意見: closed cases whose petitioner answered neither."""
        return self.closed - self.satisfied - self.dissatisfied
