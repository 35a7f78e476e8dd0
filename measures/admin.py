"""措施、指標、填報、佐證與措施草案的後台；評核項目的頁面在此加上其措施。"""

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from import_export.admin import ImportMixin
from import_export.formats.base_formats import XLSX
from import_export.forms import ConfirmImportForm, ImportForm
from simple_history.admin import SimpleHistoryAdmin

from diagnosis.admin import ItemAdmin
from diagnosis.models import Item, Plan

from .importers import MeasureResource
from .models import Evidence, Indicator, IndicatorActual, Measure, MeasureDraft, PlannedProgress, ProgressReport
from .models.measures import MeasureLeadUnit, MeasureSupportUnit
from .plan_units import is_inside, outside_message


class UnitLinkFormSet(forms.BaseInlineFormSet):
    """A measure's 主辦 (or 協辦) rows: each unit inside the plan's organisation, as the measure form asks."""

    role = ""

    def clean(self):
        super().clean()
        measure = self.instance
        if measure.plan_id is None:
            return  # the measure's own form says its plan is missing
        for form in self.forms:
            unit = form.cleaned_data.get("unit") if not form.cleaned_data.get("DELETE") else None
            if unit is not None and not is_inside(measure.plan, unit):
                form.add_error("unit", outside_message(measure.plan, [unit], self.role))


class LeadUnitFormSet(UnitLinkFormSet):
    role = "lead_units"


class SupportUnitFormSet(UnitLinkFormSet):
    role = "support_units"


class LeadUnitInline(admin.TabularInline):
    model = MeasureLeadUnit
    formset = LeadUnitFormSet
    extra = 0
    autocomplete_fields = ["unit"]


class SupportUnitInline(admin.TabularInline):
    model = MeasureSupportUnit
    formset = SupportUnitFormSet
    extra = 0
    autocomplete_fields = ["unit"]


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    fields = ["position", "name", "unit", "baseline_year", "baseline_value", "target_value"]


class PlannedProgressInline(admin.TabularInline):
    model = PlannedProgress
    extra = 0


class PlanImportForm(ImportForm):
    plan = forms.ModelChoiceField(label="匯入至計畫", queryset=Plan.objects.select_related("organization"))
    field_order = ["plan", "resource", "import_file", "format"]


class PlanConfirmImportForm(ConfirmImportForm):
    plan = forms.ModelChoiceField(queryset=Plan.objects.all(), widget=forms.HiddenInput)


@admin.register(Measure)
class MeasureAdmin(ImportMixin, SimpleHistoryAdmin):
    """Measures, with import from the flat template (header in the first row) into a chosen plan."""

    resource_classes = [MeasureResource]
    import_formats = [XLSX]
    import_form_class = PlanImportForm
    confirm_form_class = PlanConfirmImportForm

    def get_import_resource_kwargs(self, request, **kwargs):
        form = kwargs.get("form")
        plan = form.cleaned_data.get("plan") if form is not None and form.is_bound and form.is_valid() else None
        return {"plan": plan, "user": request.user}

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            initial["plan"] = import_form.cleaned_data["plan"].pk
        return initial

    list_display = ["name", "plan", "source", "item", "deadline_display", "units_display"]
    list_filter = ["plan", "source", "item__dimension", "ongoing"]
    list_select_related = ["plan", "item"]
    search_fields = ["name", "content", "responsible_text"]
    autocomplete_fields = ["item", "focus_point"]
    readonly_fields = ["version", "created_at", "updated_at"]
    inlines = [LeadUnitInline, SupportUnitInline, IndicatorInline, PlannedProgressInline]
    ordering = ["plan", "item__dimension__position", "item__position", "source", "position"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("lead_units", "support_units")

    @admin.display(description="完成期限")
    def deadline_display(self, obj: Measure) -> str:
        return obj.deadline_display

    @admin.display(description="承辦單位")
    def units_display(self, obj: Measure) -> str:
        return obj.units_display()


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "measure", "unit", "baseline_value", "target_value"]
    list_select_related = ["measure"]
    search_fields = ["name", "measure__name"]
    autocomplete_fields = ["measure"]


class IndicatorActualInline(admin.TabularInline):
    model = IndicatorActual
    extra = 0
    autocomplete_fields = ["indicator"]


class EvidenceInline(admin.TabularInline):
    """Evidence is listed, never served from a public URL: the link goes through the access-checked view."""

    model = Evidence
    extra = 0
    can_delete = False
    fields = ["download", "content_type", "size", "sha256", "uploaded_by", "uploaded_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="檔案")
    def download(self, obj: Evidence) -> str:
        return format_html('<a href="{}">{}</a>', reverse("measures:evidence", kwargs={"pk": obj.pk}), obj.original_name)


@admin.register(ProgressReport)
class ProgressReportAdmin(SimpleHistoryAdmin):
    list_display = ["measure", "unit", "period", "status", "progress", "submitted_at"]
    list_filter = ["status", "measure__plan"]
    list_select_related = ["measure", "unit"]
    search_fields = ["measure__name", "unit__name", "narrative"]
    autocomplete_fields = ["measure", "unit"]
    readonly_fields = ["submitted_by", "submitted_at", "reviewed_by", "reviewed_at", "version", "created_at", "updated_at"]
    inlines = [IndicatorActualInline, EvidenceInline]


@admin.register(Evidence)
class EvidenceAdmin(SimpleHistoryAdmin):
    list_display = ["original_name", "report", "content_type", "size", "uploaded_by", "uploaded_at"]
    list_select_related = ["report__measure", "report__unit", "uploaded_by"]
    search_fields = ["original_name", "sha256"]
    fields = ["report", "download", "original_name", "content_type", "size", "sha256", "uploaded_by", "uploaded_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    @admin.display(description="檔案")
    def download(self, obj: Evidence) -> str:
        return EvidenceInline.download(None, obj)


class MeasureInline(admin.StackedInline):
    model = Measure
    extra = 0
    fields = [
        ("source", "position"),
        "focus_point",
        "name",
        "content",
        ("all_units", "responsible_text"),
        ("deadline", "ongoing"),
    ]
    show_change_link = True

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # Offer only this item's focus points; a new measure belongs to the item's plan.
        if obj is not None:
            formset.form.base_fields["focus_point"].queryset = obj.focus_points.all()
        return formset

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("focus_point__item")


admin.site.unregister(Item)


@admin.register(Item)
class ItemWithMeasuresAdmin(ItemAdmin):
    """The item's page with its measures below its focus points: one page to edit an item and its measures."""

    inlines = [*ItemAdmin.inlines, MeasureInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is Measure:
            for measure_form in formset.forms:
                if not measure_form.instance.pk and measure_form.has_changed():
                    measure_form.instance.plan = form.instance.dimension.plan
        super().save_formset(request, form, formset, change)


@admin.register(MeasureDraft)
class MeasureDraftAdmin(SimpleHistoryAdmin):
    list_display = ["name", "plan", "unit", "state", "proposed_at"]
    list_filter = ["state", "plan__year"]
    list_select_related = ["plan", "unit"]
    search_fields = ["name", "content"]
    raw_id_fields = ["item", "focus_point", "answer", "proposed_by", "decided_by", "measure"]
