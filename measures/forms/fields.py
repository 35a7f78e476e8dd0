"""Form fields shared by the measure and report forms."""

from django import forms

from diagnosis.models import Unit


class UnitTreeMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Units as a list grouped by their parent unit, in tree order (keyboard-usable native select)."""

    def __init__(self, queryset, **kwargs):
        kwargs.setdefault("widget", forms.SelectMultiple(attrs={"size": 10}))
        super().__init__(queryset=queryset, **kwargs)

    def label_from_instance(self, obj: Unit) -> str:
        return obj.name

    def _grouped_choices(self):
        groups: dict[str, list] = {}
        if self.queryset is None:
            return []
        units = list(self.queryset.select_related("parent"))
        for unit in units:
            group = unit.parent.name if unit.parent_id else "最上層"
            groups.setdefault(group, []).append((unit.pk, unit.name))
        return list(groups.items())

    def _get_choices(self):
        return self._grouped_choices()

    choices = property(_get_choices, forms.ChoiceField.choices.fset)


def units_for_plan(plan) -> "forms.QuerySet[Unit]":
    """The units a plan may name: every unit of the agency the plan's organisation belongs to."""
    organization = plan.organization
    agency_id = organization.ancestor_ids()[0] if organization.path else organization.pk
    agency = Unit.objects.get(pk=agency_id)
    return Unit.objects.within(agency).in_tree_order()
