"""Form fields shared by the measure and report forms."""

from django import forms

from diagnosis.models import Unit


class UnitsByParent(forms.models.ModelChoiceIterator):
    """The choices grouped by each unit's parent (an <optgroup> per parent), in the queryset's (tree) order."""

    def __iter__(self):
        groups: dict[str, list] = {}
        for unit in self.queryset.select_related("parent"):
            groups.setdefault(unit.parent.name if unit.parent_id else "最上層", []).append(self.choice(unit))
        yield from groups.items()


class UnitTreeMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Units as a list grouped by their parent unit, in tree order (keyboard-usable native select)."""

    iterator = UnitsByParent

    def __init__(self, queryset, **kwargs):
        kwargs.setdefault("widget", forms.SelectMultiple(attrs={"size": 10}))
        super().__init__(queryset=queryset, **kwargs)

    def label_from_instance(self, obj: Unit) -> str:
        return obj.name


def units_for_plan(plan) -> "forms.QuerySet[Unit]":
    """The units a plan may name: every unit of the agency the plan's organisation belongs to."""
    organization = plan.organization
    agency_id = organization.ancestor_ids()[0] if organization.path else organization.pk
    agency = Unit.objects.get(pk=agency_id)
    return Unit.objects.within(agency).in_tree_order()
