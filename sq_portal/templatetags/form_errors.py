"""The error summary every failed form shows at its top: `{% form_errors form formset … %}`.

Each field with an error becomes one entry linking to the field's id; a formset's forms are named by their
position (第 N 筆). Errors that belong to no field are listed without a link. The HTML is in
`templates/_form_errors.html`; `static/js/form-errors.js` moves the focus to the summary."""

from django import forms, template
from django.core.exceptions import NON_FIELD_ERRORS

register = template.Library()


def _form_entries(form: forms.BaseForm, prefix: str) -> list[dict]:
    entries = [{"label": prefix.rstrip("："), "messages": list(form.non_field_errors()), "href": ""}] if form.non_field_errors() else []
    for name, errors in form.errors.items():
        if name == NON_FIELD_ERRORS:
            continue
        if name not in form.fields:  # an error a form filed under a name it does not render: listed, unlinked
            entries.append({"label": prefix.rstrip("："), "messages": list(errors), "href": ""})
            continue
        field = form[name]
        href = "" if field.is_hidden else (field.id_for_label or field.auto_id)
        entries.append({"label": f"{prefix}{field.label or name}", "messages": list(errors), "href": f"#{href}" if href else ""})
    return entries


def error_entries(*forms_or_formsets) -> list[dict]:
    """One entry per field in error (label, messages, href) across the forms and formsets given."""
    entries = []
    for thing in forms_or_formsets:
        if not thing:
            continue
        if isinstance(thing, forms.BaseForm):
            if thing.is_bound:
                entries += _form_entries(thing, "")
            continue
        if not getattr(thing, "is_bound", False):
            continue
        if thing.non_form_errors():
            entries.append({"label": "", "messages": list(thing.non_form_errors()), "href": ""})
        for number, form in enumerate(thing.forms, start=1):
            if form.errors:
                entries += _form_entries(form, f"第 {number} 筆：")
    return entries


@register.inclusion_tag("_form_errors.html")
def form_errors(*forms_or_formsets) -> dict:
    entries = error_entries(*forms_or_formsets)
    return {"entries": entries, "count": sum(1 for e in entries if e["href"]) or len(entries)}
