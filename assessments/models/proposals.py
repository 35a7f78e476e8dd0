"""創意提案：同仁提出問題與建議，研考承辦審查後決定採行或不採行，採行者追蹤至實施（陸、執行步驟二）。"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

__all__ = ["Proposal", "ProposalDecision"]


class ProposalQuerySet(models.QuerySet):
    def for_list(self) -> "ProposalQuerySet":
        """Proposals as the list shows them: with their unit and filer, newest first."""
        return self.select_related("unit", "filed_by").order_by("-filed_at", "-pk")

    def for_detail(self) -> "ProposalQuerySet":
        return self.select_related("plan__organization", "unit", "filed_by")


class Proposal(models.Model):
    class State(models.TextChoices):
        FILED = "filed", _("已提案")
        REVIEWING = "reviewing", _("審查中")
        ADOPTED = "adopted", _("採行")
        REJECTED = "rejected", _("不採行")
        IMPLEMENTED = "implemented", _("已實施")

    plan = models.ForeignKey("diagnosis.Plan", on_delete=models.CASCADE, related_name="proposals", verbose_name=_("計畫"))
    unit = models.ForeignKey("diagnosis.Unit", on_delete=models.PROTECT, related_name="proposals", verbose_name=_("提案單位"))
    title = models.CharField(_("提案名稱"), max_length=200)
    problem = models.TextField(_("現況問題"), help_text=_("目前勤務或業務上遇到的問題。"))
    suggestion = models.TextField(_("改善建議"), help_text=_("具體的改善做法與預期效益。"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("提案人")
    )
    filed_at = models.DateTimeField(_("提案時間"), default=timezone.now)
    state = models.CharField(_("狀態"), max_length=12, choices=State.choices, default=State.FILED)
    history = HistoricalRecords()

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("創意提案")
        verbose_name_plural = _("創意提案")
        ordering = ["plan", "-filed_at", "-pk"]
        indexes = [models.Index(fields=["plan", "unit", "state"], name="proposal_plan_unit_state")]

    def __str__(self) -> str:
        return self.title

    @property
    def next_states(self) -> tuple[str, ...]:
        return TRANSITIONS.get(self.state, ())

    @property
    def is_open_for_edit(self) -> bool:
        return self.state == self.State.FILED


# Which state may follow which: 已提案 → 審查中 → 採行 | 不採行; 採行 → 已實施. Nothing else.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Proposal.State.FILED: (Proposal.State.REVIEWING,),
    Proposal.State.REVIEWING: (Proposal.State.ADOPTED, Proposal.State.REJECTED),
    Proposal.State.ADOPTED: (Proposal.State.IMPLEMENTED,),
}
# Moving to these states needs a reason (審查意見、不採行理由、實施情形).
REASON_REQUIRED = (Proposal.State.ADOPTED, Proposal.State.REJECTED, Proposal.State.IMPLEMENTED)


class ProposalDecision(models.Model):
    """One step of a proposal's review: from which state to which, why, by whom, when."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("提案"))
    from_state = models.CharField(_("原狀態"), max_length=12, choices=Proposal.State.choices)
    to_state = models.CharField(_("新狀態"), max_length=12, choices=Proposal.State.choices)
    reason = models.TextField(_("理由"), blank=True, help_text=_("採行、不採行與已實施須說明理由或實施情形。"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("決定者")
    )
    decided_at = models.DateTimeField(_("決定時間"), default=timezone.now)

    class Meta:
        verbose_name = _("提案審查紀錄")
        verbose_name_plural = _("提案審查紀錄")
        ordering = ["proposal", "decided_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_state=models.F("to_state")),
                name="proposal_decision_changes_state",
                violation_error_message=_("審查紀錄的新狀態須與原狀態不同。"),
            ),
            models.CheckConstraint(
                condition=Q(to_state__in=["filed", "reviewing"]) | ~Q(reason=""),
                name="proposal_decision_reason_required",
                violation_error_message=_("採行、不採行或已實施時請填寫理由。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal}：{self.get_from_state_display()} → {self.get_to_state_display()}"
