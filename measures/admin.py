"""單位、角色、措施與指標的後台。"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Indicator, Measure, Membership, Unit
from .models.measures import MeasureLeadUnit, MeasureSupportUnit


class ChildUnitInline(admin.TabularInline):
    model = Unit
    fk_name = "parent"
    extra = 0
    fields = ["position", "code", "name", "short_name", "kind"]
    show_change_link = True


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name", "code", "kind", "parent"]
    list_filter = ["kind"]
    list_select_related = ["parent"]
    search_fields = ["name", "short_name", "code"]
    autocomplete_fields = ["parent"]
    inlines = [ChildUnitInline]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "unit", "role"]
    list_filter = ["role"]
    list_select_related = ["user", "unit"]
    search_fields = ["user__username", "unit__name"]
    autocomplete_fields = ["user", "unit"]


class LeadUnitInline(admin.TabularInline):
    model = MeasureLeadUnit
    extra = 0
    autocomplete_fields = ["unit"]


class SupportUnitInline(admin.TabularInline):
    model = MeasureSupportUnit
    extra = 0
    autocomplete_fields = ["unit"]


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    fields = ["position", "name", "unit", "baseline_year", "baseline_value", "target_value"]


@admin.register(Measure)
class MeasureAdmin(SimpleHistoryAdmin):
    list_display = ["name", "plan", "source", "item", "deadline_display", "units_display"]
    list_filter = ["plan", "source", "item__dimension", "ongoing"]
    list_select_related = ["plan", "item"]
    search_fields = ["name", "content", "responsible_text"]
    autocomplete_fields = ["item", "focus_point"]
    readonly_fields = ["version", "created_at", "updated_at"]
    inlines = [LeadUnitInline, SupportUnitInline, IndicatorInline]
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
