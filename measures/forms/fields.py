"""Form fields shared by the measure and report forms."""

from django import forms

from diagnosis.models import Unit


class UnitsByParent(forms.models.ModelChoiceIterator):
    """The choices grouped by each unit's parent (an <optgroup> per parent), in the queryset's (tree) order:
    the field's `offered` units where it has them, else its queryset."""

    def listed(self):
        return self.queryset if self.field.offered is None else self.field.offered

    def __len__(self):
        return self.listed().count()

    def __iter__(self):
        groups: dict[str, list] = {}
        for unit in self.listed().select_related("parent"):
            groups.setdefault(unit.parent.name if unit.parent_id else "最上層", []).append(self.choice(unit))
        yield from groups.items()


class UnitTreeMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Units as a list grouped by their parent unit, in tree order (keyboard-usable native select).

    `offered` (a queryset, optional) narrows the units listed while the field still accepts any of `queryset`:
    the form then refuses the others with a message of its own rather than Django's 「請選擇有效的項目」."""

    iterator = UnitsByParent

    def __init__(self, queryset, *, offered=None, **kwargs):
        kwargs.setdefault("widget", forms.SelectMultiple(attrs={"size": 10}))
        self.offered = offered
        super().__init__(queryset=queryset, **kwargs)

    def label_from_instance(self, obj: Unit) -> str:
        return obj.name


def units_for_plan(plan) -> "forms.QuerySet[Unit]":
    """Every unit of the agency the plan's organisation belongs to: the units a 附表 text may name (the bureau's
    科、室 in 附表1) and a form accepts before it says which lie outside the organisation (measures.plan_units)."""
    organization = plan.organization
    agency_id = organization.ancestor_ids()[0] if organization.path else organization.pk
    agency = Unit.objects.get(pk=agency_id)
    return Unit.objects.within(agency).in_tree_order()
