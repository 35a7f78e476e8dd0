"""評分回合：警察局（上級機關）的評審委員依構面為各分局的評核重點評分，多位委員的分數取平均，差距過大者由
研考承辦裁定，結案後公布成績。規則見 `assessments.scoring_access`，寫入見 `assessments.scoring_writes`。"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class ScoringRound(models.Model):
    class State(models.TextChoices):
        PREPARING = "preparing", _("準備中")
        SCORING = "scoring", _("評分中")
        CLOSED = "closed", _("已結案")
        PUBLISHED = "published", _("已公布")

    organization = models.ForeignKey(
        "diagnosis.Unit", on_delete=models.PROTECT, related_name="scoring_rounds", verbose_name=_("評分機關")
    )
    year = models.PositiveSmallIntegerField(_("年度（民國）"))
    title = models.CharField(_("名稱"), max_length=200)
    state = models.CharField(_("狀態"), max_length=12, choices=State.choices, default=State.PREPARING)
    spread_threshold = models.DecimalField(
        _("差距門檻（分）"),
        max_digits=5,
        decimal_places=1,
        default=5,
        help_text=_("同一評核重點各委員分數的最高與最低相差超過此分數時，須由研考承辦裁定。"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("建立者")
    )
    created_at = models.DateTimeField(_("建立時間"), auto_now_add=True)
    closed_at = models.DateTimeField(_("結案時間"), null=True, blank=True)
    published_at = models.DateTimeField(_("公布時間"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("評分回合")
        verbose_name_plural = _("評分回合")
        ordering = ["-year", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(spread_threshold__gte=0),
                name="scoring_round_threshold_not_negative",
                violation_error_message=_("差距門檻不可小於 0。"),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_frozen(self) -> bool:
        """Closed or published: no score, settlement or assignment is written any more."""
        return self.state in (self.State.CLOSED, self.State.PUBLISHED)

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED


class ScoringPrecinct(models.Model):
    """A precinct in the round: its plan of the round's year, and the group it is ranked within."""

    round = models.ForeignKey(
        ScoringRound, on_delete=models.CASCADE, related_name="precincts", verbose_name=_("評分回合")
    )
    plan = models.ForeignKey(
        "diagnosis.Plan", on_delete=models.PROTECT, related_name="scoring_entries", verbose_name=_("計畫")
    )
    group = models.CharField(_("組別"), max_length=30, blank=True, help_text=_("如 大型、中型、小型；同組內另行排名。"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("受評分局")
        verbose_name_plural = _("受評分局")
        ordering = ["round", "plan__organization__tree_order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "plan"],
                name="scoring_precinct_unique",
                violation_error_message=_("此分局已在評分回合中。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round}：{self.plan.organization}"


class ReviewerAssignment(models.Model):
    """A reviewer scores one dimension (by its name, the same in every precinct's plan) of every precinct."""

    round = models.ForeignKey(
        ScoringRound, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("評分回合")
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="scoring_assignments",
        verbose_name=_("評審委員"),
    )
    dimension = models.CharField(_("構面名稱"), max_length=100)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("評審分工")
        verbose_name_plural = _("評審分工")
        ordering = ["round", "dimension", "reviewer__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "reviewer", "dimension"],
                name="reviewer_assignment_unique",
                violation_error_message=_("此委員已負責這個構面。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round}：{self.reviewer}（{self.dimension}）"


class ScoreQuerySet(models.QuerySet):
    def submitted(self) -> "ScoreQuerySet":
        return self.filter(state=Score.State.SUBMITTED)


class Score(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("暫存")
        SUBMITTED = "submitted", _("已送出")

    round = models.ForeignKey(ScoringRound, on_delete=models.CASCADE, related_name="scores", verbose_name=_("評分回合"))
    plan = models.ForeignKey("diagnosis.Plan", on_delete=models.PROTECT, related_name="+", verbose_name=_("計畫"))
    focus_point = models.ForeignKey(
        "diagnosis.FocusPoint", on_delete=models.PROTECT, related_name="+", verbose_name=_("評核重點")
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("評審委員")
    )
    points = models.DecimalField(_("分數"), max_digits=5, decimal_places=1)
    comment = models.TextField(_("評語"), blank=True)
    state = models.CharField(_("狀態"), max_length=10, choices=State.choices, default=State.DRAFT)
    version = models.PositiveIntegerField(_("版本"), default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("最後修改者")
    )
    updated_at = models.DateTimeField(_("最後修改時間"), auto_now=True)
    history = HistoricalRecords()

    objects = ScoreQuerySet.as_manager()

    class Meta:
        verbose_name = _("評分")
        verbose_name_plural = _("評分")
        ordering = ["round", "plan", "focus_point", "reviewer"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "plan", "focus_point", "reviewer"],
                name="score_one_per_reviewer",
                violation_error_message=_("此委員已為這個評核重點評分。"),
            ),
            models.CheckConstraint(
                condition=Q(points__gte=0),
                name="score_points_not_negative",
                violation_error_message=_("分數不可小於 0。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.focus_point}：{self.points}（{self.reviewer}）"


class Settlement(models.Model):
    """Staff's settled points for a focus point whose reviewers' scores spread beyond the round's threshold."""

    round = models.ForeignKey(
        ScoringRound, on_delete=models.CASCADE, related_name="settlements", verbose_name=_("評分回合")
    )
    plan = models.ForeignKey("diagnosis.Plan", on_delete=models.PROTECT, related_name="+", verbose_name=_("計畫"))
    focus_point = models.ForeignKey(
        "diagnosis.FocusPoint", on_delete=models.PROTECT, related_name="+", verbose_name=_("評核重點")
    )
    points = models.DecimalField(_("裁定分數"), max_digits=5, decimal_places=1)
    reason = models.TextField(_("裁定理由"))
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("裁定者")
    )
    settled_at = models.DateTimeField(_("裁定時間"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("分數裁定")
        verbose_name_plural = _("分數裁定")
        ordering = ["round", "plan", "focus_point"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "plan", "focus_point"],
                name="settlement_one_per_focus_point",
                violation_error_message=_("此評核重點已有裁定。"),
            ),
            models.CheckConstraint(
                condition=Q(points__gte=0),
                name="settlement_points_not_negative",
                violation_error_message=_("分數不可小於 0。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.focus_point}：裁定 {self.points}"

    @property
    def settled_local(self):
        """When it was settled, in the portal's time zone (a 民國 date and a time are shown from it)."""
        return timezone.localtime(self.settled_at)


class ScoringResult(models.Model):
    """A precinct's result of a closed round, written by `round_close` from the one computation of the results
    matrix (`assessments.scoring_matrix`): a closed round's scores never change, so its matrix is read from here."""

    precinct = models.OneToOneField(
        ScoringPrecinct, on_delete=models.CASCADE, related_name="result", verbose_name=_("受評分局")
    )
    by_dimension = models.JSONField(_("各構面得分"), default=dict)  # dimension name → points, as a decimal string
    total = models.DecimalField(_("總分"), max_digits=8, decimal_places=1)
    max_total = models.PositiveIntegerField(_("配分合計"))
    rank = models.PositiveIntegerField(_("總排名"))
    group_rank = models.PositiveIntegerField(_("組內排名"), null=True, blank=True)
    self_score = models.DecimalField(_("自評總分"), max_digits=6, decimal_places=1, null=True, blank=True)
    last_year = models.DecimalField(_("去年成績"), max_digits=6, decimal_places=1, null=True, blank=True)

    class Meta:
        verbose_name = _("評分成績")
        verbose_name_plural = _("評分成績")
        ordering = ["precinct"]

    def __str__(self) -> str:
        return f"{self.precinct}：第 {self.rank} 名"
