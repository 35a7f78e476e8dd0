"""Form fields shared by the measure and report forms."""

from django import forms

from diagnosis.models import Unit


class UnitsByParent(forms.models.ModelChoiceIterator):
    """The choices grouped by each unit's parent (a <fieldset> per parent), in the queryset's (tree) order:
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


class UnitTreeBoundField(forms.BoundField):
    """The field as the unit tree's template (measures/_unit_tree_field.html) reads it: each parent unit with its
    child units' checkboxes (name, value, label, selected, attrs.id)."""

    def groups(self) -> list[tuple[str, list[dict]]]:
        widget = self.field.widget
        options = widget.optgroups(self.html_name, widget.format_value(self.value()), {"id": self.auto_id})
        return [(name, group) for name, group, _index in options]


class UnitTreeMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Units as checkboxes grouped by their parent unit, in tree order, each group a <fieldset> (plain HTML, no
    script needed; static/js/unit-filter.js adds a 「搜尋單位」 box). Render it with
    `Field(name, template="measures/_unit_tree_field.html")`.

    `offered` (a queryset, optional) narrows the units listed while the field still accepts any of `queryset`:
    the form then refuses the others with a message of its own rather than Django's 「請選擇有效的項目」."""

    iterator = UnitsByParent
    widget = forms.CheckboxSelectMultiple

    def __init__(self, queryset, *, offered=None, **kwargs):
        self.offered = offered
        super().__init__(queryset=queryset, **kwargs)

    def get_bound_field(self, form, field_name):
        return UnitTreeBoundField(form, self, field_name)

    def label_from_instance(self, obj: Unit) -> str:
        return obj.name


class FocusPointSelect(forms.Select):
    """The focus point <select>: each option names its item (data-item), so static/js/focus-points.js lists only
    the chosen item's focus points. The form still checks the pair."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-item"] = instance.item_id
        return option


def units_for_plan(plan) -> "forms.QuerySet[Unit]":
    """Every unit of the agency the plan's organisation belongs to: the units a 附表 text may name (the bureau's
    科、室 in 附表1) and a form accepts before it says which lie outside the organisation (measures.plan_units)."""
    organization = plan.organization
    agency_id = organization.ancestor_ids()[0] if organization.path else organization.pk
    agency = Unit.objects.get(pk=agency_id)
    return Unit.objects.within(agency).in_tree_order()
