"""措施／具體作法：附表1（警察局具體作法）與附表2（分局措施）的每一列。"""

from collections import defaultdict

from django.db import models
from django.db.models import BooleanField, Prefetch, Q, Value
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from diagnosis.models import Unit

from ..status import deadline_label


class MeasureQuerySet(models.QuerySet):
    def active(self) -> "MeasureQuerySet":
        return self.filter(retired_at__isnull=True)

    def for_tree(self, plan) -> "MeasureQuerySet":
        """The plan's measures, retired ones too, by item, source and position, as the plan tree lists them."""
        return self.filter(plan_id=plan.pk).order_by("item_id", "source", "position", "pk")

    def for_form(self, source: str) -> "MeasureQuerySet":
        return self.filter(source=source)

    def in_plan_order(self) -> "MeasureQuerySet":
        """構面 → 項目 → 評核重點 → 列序, the order the plan's tables print in."""
        return self.order_by(
            "item__dimension__position", "item__position", "source", "position", "pk"
        )

    def with_units(self) -> "MeasureQuerySet":
        """Item, dimension and focus point joined; 主辦/協辦 units prefetched (two queries)."""
        return self.select_related("item__dimension", "focus_point").prefetch_related(
            Prefetch("lead_units", queryset=Unit.objects.order_by("measure_lead_links__pk")),
            Prefetch("support_units", queryset=Unit.objects.order_by("measure_support_links__pk")),
        )


class MeasureLeadUnit(models.Model):
    """主辦單位, kept in the order the plan lists them."""

    measure = models.ForeignKey("measures.Measure", on_delete=models.CASCADE, related_name="lead_links")
    unit = models.ForeignKey("diagnosis.Unit", on_delete=models.PROTECT, related_name="measure_lead_links")

    class Meta:
        verbose_name = _("主辦單位")
        verbose_name_plural = _("主辦單位")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["measure", "unit"], name="measure_lead_unit_unique", violation_error_message=_("主辦單位不可重複。"))]

    def __str__(self) -> str:
        return str(self.unit)


class MeasureSupportUnit(models.Model):
    """協辦單位, kept in the order the plan lists them."""

    measure = models.ForeignKey("measures.Measure", on_delete=models.CASCADE, related_name="support_links")
    unit = models.ForeignKey("diagnosis.Unit", on_delete=models.PROTECT, related_name="measure_support_links")

    class Meta:
        verbose_name = _("協辦單位")
        verbose_name_plural = _("協辦單位")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["measure", "unit"], name="measure_support_unit_unique", violation_error_message=_("協辦單位不可重複。"))]

    def __str__(self) -> str:
        return str(self.unit)


class Measure(models.Model):
    class Source(models.TextChoices):
        FORM1 = "form1", _("附表1 警察局具體作法")
        FORM2 = "form2", _("附表2 分局措施")

    plan = models.ForeignKey("diagnosis.Plan", on_delete=models.CASCADE, related_name="measures", verbose_name=_("計畫"))
    item = models.ForeignKey("diagnosis.Item", on_delete=models.RESTRICT, related_name="measures", verbose_name=_("評核項目"))
    focus_point = models.ForeignKey(
        "diagnosis.FocusPoint",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="measures",
        verbose_name=_("評核重點"),
    )
    source = models.CharField(_("來源"), max_length=10, choices=Source.choices)
    position = models.PositiveIntegerField(_("順序"), default=0)
    name = models.CharField(_("措施名稱"), max_length=200)
    content = models.TextField(_("措施內容"), blank=True)
    lead_units = models.ManyToManyField(
        "diagnosis.Unit",
        through=MeasureLeadUnit,
        related_name="led_measures",
        blank=True,
        verbose_name=_("主辦單位"),
    )
    support_units = models.ManyToManyField(
        "diagnosis.Unit",
        through=MeasureSupportUnit,
        related_name="supported_measures",
        blank=True,
        verbose_name=_("協辦單位"),
    )
    all_units = models.BooleanField(_("各單位"), default=False, help_text=_("勾選表示所有單位均須辦理"))
    responsible_text = models.CharField(
        _("承辦單位（原文）"),
        max_length=300,
        blank=True,
        help_text=_("附表列印的承辦單位文字；空白時依主辦、協辦單位自動組成。"),
    )
    deadline = models.DateField(_("完成期限"), null=True, blank=True)
    ongoing = models.BooleanField(_("賡續辦理"), default=False)
    listed_on = models.DateField(
        _("列管日期"),
        null=True,
        blank=True,
        help_text=_("自此日起列入進度管考；計畫原件所列措施為計畫起始日。"),
    )
    retired_at = models.DateTimeField(_("停用時間"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    created_at = models.DateTimeField(_("建立時間"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新時間"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"], m2m_fields=[lead_units, support_units])

    objects = MeasureQuerySet.as_manager()

    class Meta:
        verbose_name = _("措施")
        verbose_name_plural = _("措施")
        ordering = ["plan", "source", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(ongoing=True, deadline__isnull=False), name="measure_deadline_or_ongoing", violation_error_message=_("已勾選賡續辦理時不填完成期限；請擇一。")
            ),
        ]
        indexes = [models.Index(fields=["plan", "source", "position"], name="measure_plan_order_idx")]

    def __str__(self) -> str:
        return self.name

    def is_carried_by(self, unit, organization_id: int) -> bool:
        """Whether `unit` (the plan's organisation or a unit below it) carries this measure (`carries`), on
        prefetched units (no query)."""
        named = {u.pk for u in self.lead_units.all()} | {u.pk for u in self.support_units.all()}
        return carries(self, named, unit.pk, organization_id)

    @property
    def deadline_display(self) -> str:
        """完成期限 as every page words it (status.deadline_label)."""
        return deadline_label(self.deadline, self.ongoing, self.plan.end_date)

    def units_display(self) -> str:
        """承辦單位 as the plan's tables print it."""
        if self.responsible_text:
            return self.responsible_text
        return compose_responsible_text(
            self.source,
            [u.display_name for u in self.lead_units.all()],
            [u.display_name for u in self.support_units.all()],
            self.all_units,
        )


ALL_UNITS_LABEL = {Measure.Source.FORM1: "各分局、大隊、隊", Measure.Source.FORM2: "各單位"}


UNIT_SEPARATOR = "、"


def compose_responsible_text(source: str, lead: list[str], support: list[str], all_units: bool) -> str:
    """承辦單位 as the plan's tables print it, each name readable on its own: 主辦 before 協辦, 「、」 between
    names; 附表1 leads with 各分局、大隊、隊 (as the seed does), 附表2 ends with 各單位."""
    names = [*lead, *support]
    if all_units:
        label = ALL_UNITS_LABEL[source]
        names = [label, *names] if source == Measure.Source.FORM1 else [*names, label]
    return UNIT_SEPARATOR.join(names)


def carries(measure, named, unit_id: int, organization_id: int) -> bool:
    """Whether the unit `unit_id` (the plan's organisation or a unit below it) reports `measure` (an instance or
    any row with its source and all_units), given the ids of its 主辦/協辦 units `named` (all of them inside the
    organisation): a named unit; for 附表2's 各單位 every unit below the organisation; and when nobody is named
    (附表1's 各分局、大隊、隊 until 研考承辦 name the precinct's own units, or a measure with no unit at all),
    the organisation itself, which 研考承辦 report for. The one statement of the carrying rule."""
    if measure.all_units and measure.source == Measure.Source.FORM2:
        return unit_id != organization_id or unit_id in named
    return unit_id in named or (unit_id == organization_id and not named)


def carrying_pairs(measure, named, units_with_ids: list[tuple[object, int]], organization_id: int) -> list[tuple[object, int]]:
    """The (unit, its id) pairs of `units_with_ids` (the organisation and its units) that carry `measure`, by
    `carries`: for a whole plan's progress (a hundred measures times every unit)."""
    return [pair for pair in units_with_ids if carries(measure, named, pair[1], organization_id)]


def unit_links_query(*columns: str, **link_filter) -> models.QuerySet:
    """(is 協辦, link id, measure id, *`columns`) for every 主辦 and 協辦 link matching `link_filter` (lookups
    from the link, e.g. measure__plan_id=…): 主辦 first, each in the order they were linked (as `with_units`
    gives them). One query, a UNION of both link tables; `unit_links` reads its rows."""
    lead, support = (
        links.objects.filter(**link_filter).order_by()
        .annotate(support=Value(is_support, output_field=BooleanField()))
        .values_list("support", "pk", "measure_id", *columns)
        for links, is_support in ((MeasureLeadUnit, False), (MeasureSupportUnit, True))
    )
    return lead.union(support, all=True).order_by("support", "pk")


def unit_links(rows):
    """(is 協辦, measure id, [the link's columns]) for each row of a `unit_links_query`."""
    for is_support, _link, measure_id, *values in rows:
        yield bool(is_support), measure_id, values


# The pages' and exports' reads of the links.
def plan_unit_ids(*, plan_id):
    """Every link of the plan's measures with its unit id (the plan dashboard, the review's proposals)."""
    return unit_links_query("unit_id", measure__plan_id=plan_id)


def plan_unit_names(*, plan_id):
    """Every link of the plan's measures, retired ones too, with the unit's names (the plan tree)."""
    return unit_links_query("unit__short_name", "unit__name", measure__plan_id=plan_id)


def form_unit_names(*, plan_id, source):
    """The links of the plan's active measures of one form with the unit's names (附表1, 附表2)."""
    return unit_links_query(
        "unit__short_name", "unit__name", measure__plan_id=plan_id, measure__source=source, measure__retired_at__isnull=True
    )


def linked_unit_names(rows) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    """The 主辦 and the 協辦 unit names of each measure in `rows` (`plan_unit_names` or `form_unit_names`), each
    measure's in the order they were linked, written as Unit.display_name writes them."""
    names = {False: defaultdict(list), True: defaultdict(list)}  # is a 協辦 link → measure → unit names
    for is_support, measure_id, (short_name, name) in unit_links(rows):
        names[is_support][measure_id].append(short_name or name)
    return names[False], names[True]
