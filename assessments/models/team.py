"""提升服務品質專案推動小組名冊（附表3）：計畫「柒、三」所定推動小組的成員、小組職稱與任務分工。"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

__all__ = ["TeamMember"]


class TeamRole(models.TextChoices):
    CONVENER = "convener", _("召集人")
    DEPUTY = "deputy", _("副召集人")
    SECRETARY = "secretary", _("執行秘書")
    MEMBER = "member", _("委員")


# 召集人 → 副召集人 → 執行秘書 → 委員: the order the 名冊 lists them in (the values do not sort that way).
ROLE_RANK = Case(
    *[When(role=role, then=Value(rank)) for rank, role in enumerate(TeamRole.values)],
    default=Value(len(TeamRole.values)),
    output_field=models.PositiveSmallIntegerField(),
)


class TeamMemberQuerySet(models.QuerySet):
    def in_roster_order(self) -> "TeamMemberQuerySet":
        return self.order_by(ROLE_RANK, "position", "pk")

    def for_list(self) -> "TeamMemberQuerySet":
        """The 名冊 of a plan in its printed order, with each member's unit and linked account (one query)."""
        return self.select_related("unit", "user").in_roster_order()


class TeamMember(models.Model):
    Role = TeamRole

    plan = models.ForeignKey("diagnosis.Plan", on_delete=models.CASCADE, related_name="team_members", verbose_name=_("計畫"))
    role = models.CharField(_("小組職稱"), max_length=20, choices=TeamRole.choices, default=TeamRole.MEMBER)
    name = models.CharField(_("姓名"), max_length=60)
    title = models.CharField(_("職稱"), max_length=60, help_text=_("本職職稱，如分局長、秘書室主任。"))
    unit = models.ForeignKey(
        "diagnosis.Unit",
        on_delete=models.PROTECT,
        related_name="team_members",
        verbose_name=_("單位"),
        help_text=_("計畫所屬機關或其所屬單位。"),
    )
    duty = models.TextField(_("任務分工"), blank=True)
    position = models.PositiveSmallIntegerField(_("順序"), default=0, help_text=_("同一小組職稱內的排列順序。"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="team_memberships",
        verbose_name=_("使用者帳號"),
        help_text=_("成員有平台帳號時可連結，非必填。"),
    )
    history = HistoricalRecords()

    objects = TeamMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("推動小組成員")
        verbose_name_plural = _("推動小組名冊")
        ordering = ["plan", ROLE_RANK, "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan"],
                condition=Q(role="convener"),
                name="teammember_one_convener_per_plan",
                violation_error_message=_("每個計畫的推動小組只能有一位召集人。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.title} {self.name}"

    def clean(self) -> None:
        super().clean()
        if self.plan_id and self.unit_id:
            organization = self.plan.organization
            if not self.unit.is_within(organization):
                raise ValidationError({"unit": _("單位須為「%(org)s」或其所屬單位。") % {"org": organization.name}})
