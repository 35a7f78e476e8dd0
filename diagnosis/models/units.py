"""單位樹：機關 → 分局 → 內勤單位、派出所；機關本部的科、室、中心、大隊、隊。"""

from django.core.validators import slug_re
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

TREE_ORDER_SEGMENT_LENGTH = 17  # "00001-0000000003/": five digits of position, a dash, ten of pk, a slash


def tree_order_segment(position: int, pk: int) -> str:
    """One level of `Unit.tree_order`: zero-padded position then pk, so text order is tree order, and every
    level as long as the others, so the key's length is the unit's depth in TREE_ORDER_SEGMENT_LENGTHs
    (positions fit in five digits, a PositiveSmallIntegerField; ids in ten)."""
    return f"{position:05d}-{pk:010d}/"


class UnitQuerySet(models.QuerySet):
    def matching_name(self, name: str) -> "UnitQuerySet":
        """Units whose name or short name is `name` (the seed writes both 勤務指揮中心 and 勤指中心)."""
        return self.filter(Q(name=name) | Q(short_name=name))

    def within(self, unit: "Unit") -> "UnitQuerySet":
        """`unit` and every unit below it, by the materialised path (one indexed prefix query)."""
        return self.filter(path__startswith=unit.path)

    def in_tree_order(self) -> "UnitQuerySet":
        """A unit, then its children by position (then pk), depth first, by the materialised sort key."""
        return self.order_by("tree_order", "pk")


class Unit(models.Model):
    class Kind(models.TextChoices):
        AGENCY = "agency", _("機關")
        PRECINCT = "precinct", _("分局")
        OFFICE = "office", _("內勤單位")
        BRIGADE = "brigade", _("大隊、隊")
        STATION = "station", _("派出所")

    code = models.SlugField(_("代碼"), max_length=60, unique=True, help_text=_("網址與匯入使用的英數代碼"))
    name = models.CharField(_("單位名稱"), max_length=60)
    short_name = models.CharField(_("簡稱"), max_length=30, blank=True)
    kind = models.CharField(_("類別"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("上級單位")
    )
    position = models.PositiveSmallIntegerField(_("順序"), default=0)
    path = models.CharField(
        _("樹狀路徑"),
        max_length=255,
        editable=False,
        db_index=True,
        help_text=_("上級單位至本單位的代號序列（如 /1/2/15/），由系統維護"),
    )
    tree_order = models.CharField(
        _("樹狀排序鍵"),
        max_length=255,
        editable=False,
        db_index=True,
        help_text=_("上級單位至本單位各層的順序與代號（如 00001-0000000003/），供依樹狀順序排列，由系統維護"),
    )
    history = HistoricalRecords(excluded_fields=["path", "tree_order"], table_name="measures_historicalunit")

    objects = UnitQuerySet.as_manager()

    class Meta:
        db_table = "measures_unit"  # moved from the measures app; the table keeps its name
        verbose_name = _("單位")
        verbose_name_plural = _("單位")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="unit_name_unique_under_parent", violation_error_message=_("同一上級單位下的單位名稱不可重複。")),
            models.UniqueConstraint(
                fields=["name"], condition=Q(parent__isnull=True), name="unit_root_name_unique", violation_error_message=_("最上層單位名稱不可重複。")
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        """The name written in plan tables: the short form where the unit has one."""
        return self.short_name or self.name

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1

    def is_within(self, other: "Unit") -> bool:
        """True when this unit is `other` or lies below it."""
        return bool(other.path) and self.path.startswith(other.path)

    def ancestor_ids(self) -> list[int]:
        """Primary keys from the root down to this unit, read from the path (no query)."""
        return [int(part) for part in self.path.strip("/").split("/") if part]

    def official_name(self) -> str:
        """Name with its agency, as a document title writes it: 臺北市政府警察局士林分局.

        Walks up the parents already read (select_related), then reads the rest of the ancestors in one query
        by the materialised path: no query for a root or a joined parent, one at most."""
        names = [self.name]
        unit: Unit = self
        while unit.parent_id is not None and Unit.parent.is_cached(unit):
            unit = unit.parent
            names.append(unit.name)
        if unit.parent_id is not None:
            ancestors = unit.ancestor_ids()[:-1]  # the root down to the parent
            by_id = dict(Unit.objects.filter(pk__in=ancestors).values_list("pk", "name"))
            if ancestors and ancestors[-1] == unit.parent_id and set(ancestors) <= by_id.keys():
                names.extend(by_id[pk] for pk in reversed(ancestors))
            else:  # a path out of step with the parents (never written so by the services): walk them
                while unit.parent is not None:
                    unit = unit.parent
                    names.append(unit.name)
        return "".join(reversed(names))


def units_in_tree_order(*, path):
    """The unit at `path` and every unit below it, in tree order (`within`, `in_tree_order`): the plan dashboard
    reads every unit of the plan's organisation."""
    return Unit.objects.within(Unit(path=path)).in_tree_order()


def could_be_unit_code(text: str) -> bool:
    """Whether `text` (a query string's ?org=, say) has the form of a Unit.code, a slug no longer than the field:
    anything else names no unit and is answered without a query. PostgreSQL refuses a NUL in a query's text (an error, not an empty
    result), so a typed or crafted ?org=%00 would otherwise end in a 500."""
    return len(text) <= Unit._meta.get_field("code").max_length and bool(slug_re.match(text))
