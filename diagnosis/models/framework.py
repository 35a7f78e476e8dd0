"""評核架構：構面 → 項目 → 評核重點 → 評核基準（A./B./C. 子項）。"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Dimension(models.Model):
    class Scope(models.TextChoices):
        INDIVIDUAL = "individual", _("個別評核構面")
        OVERALL = "overall", _("整體評核構面")

    plan = models.ForeignKey("diagnosis.Plan", on_delete=models.CASCADE, related_name="dimensions", verbose_name=_("計畫"))
    position = models.PositiveSmallIntegerField(_("順序"))
    name = models.CharField(_("構面名稱"), max_length=100)
    scope = models.CharField(_("評核方式"), max_length=20, choices=Scope.choices, default=Scope.INDIVIDUAL)
    points = models.PositiveSmallIntegerField(_("配分"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("評核構面")
        verbose_name_plural = _("評核構面")
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="dimension_position_unique", violation_error_message=_("同一計畫的構面順序不可重複。")),
            models.UniqueConstraint(fields=["plan", "name"], name="dimension_name_unique", violation_error_message=_("同一計畫的構面名稱不可重複。")),
            models.CheckConstraint(condition=Q(points__gt=0), name="dimension_points_positive", violation_error_message=_("構面配分須大於 0。")),
        ]

    def __str__(self) -> str:
        return f"{self.get_scope_display()}-{self.name}（{self.points} 分）"


class Item(models.Model):
    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="items", verbose_name=_("構面"))
    position = models.PositiveSmallIntegerField(_("順序"))
    name = models.CharField(_("評核項目"), max_length=100)
    description = models.TextField(_("說明"), blank=True)
    points = models.PositiveSmallIntegerField(
        _("配分"), null=True, blank=True, help_text=_("研考承辦將構面配分分配到各評核項目；各項目合計須等於構面配分。")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("評核項目")
        verbose_name_plural = _("評核項目")
        ordering = ["dimension", "position"]
        constraints = [
            models.UniqueConstraint(fields=["dimension", "position"], name="item_position_unique", violation_error_message=_("同一構面的評核項目順序不可重複。")),
            models.UniqueConstraint(fields=["dimension", "name"], name="item_name_unique", violation_error_message=_("同一構面的評核項目名稱不可重複。")),
        ]

    def __str__(self) -> str:
        return self.name


class FocusPoint(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="focus_points", verbose_name=_("評核項目"))
    position = models.PositiveSmallIntegerField(_("順序"))
    name = models.CharField(_("評核重點"), max_length=200)
    description = models.TextField(_("說明"), blank=True)
    points = models.PositiveSmallIntegerField(
        _("配分"), null=True, blank=True, help_text=_("評核項目配分分配到各評核重點；各重點合計須等於項目配分。")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("評核重點")
        verbose_name_plural = _("評核重點")
        ordering = ["item", "position"]
        constraints = [
            models.UniqueConstraint(fields=["item", "position"], name="focuspoint_position_unique", violation_error_message=_("同一評核項目的評核重點順序不可重複。")),
            models.UniqueConstraint(fields=["item", "name"], name="focuspoint_name_unique", violation_error_message=_("同一評核項目的評核重點名稱不可重複。")),
        ]

    def __str__(self) -> str:
        return f"{self.item.name}／{self.name}"


class Criterion(models.Model):
    focus_point = models.ForeignKey(FocusPoint, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("評核重點"))
    position = models.PositiveSmallIntegerField(_("順序"))
    label = models.CharField(_("標號"), max_length=10, help_text=_("如 A.、B.、(1)"))
    text = models.TextField(_("內容"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("評核基準")
        verbose_name_plural = _("評核基準")
        ordering = ["focus_point", "position"]
        constraints = [
            models.UniqueConstraint(fields=["focus_point", "position"], name="criterion_position_unique", violation_error_message=_("同一評核重點的評核基準順序不可重複。")),
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.text[:30]}"
