"""單位樹、單位角色與評核架構的後台：一個頁面編修評核重點與其評核基準；項目與其措施見 measures/admin.py。"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Criterion,
    DiagnosisAnswer,
    DiagnosisRound,
    Dimension,
    FocusPoint,
    Item,
    Membership,
    Milestone,
    Plan,
    Unit,
    UnitDiagnosis,
)
from .unit_tree import unit_save


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


class DimensionInline(admin.TabularInline):
    model = Dimension
    extra = 0
    fields = ["position", "name", "scope", "points"]
    show_change_link = True


@admin.register(Plan)
class PlanAdmin(SimpleHistoryAdmin):
    list_display = ["title", "organization", "year", "start_date", "end_date"]
    list_filter = ["year"]
    list_select_related = ["organization"]
    search_fields = ["title"]
    autocomplete_fields = ["organization"]
    inlines = [MilestoneInline, DimensionInline]


class ItemInline(admin.TabularInline):
    model = Item
    extra = 0
    fields = ["position", "name"]
    show_change_link = True


@admin.register(Dimension)
class DimensionAdmin(SimpleHistoryAdmin):
    list_display = ["name", "plan", "position", "scope", "points"]
    list_filter = ["plan", "scope"]
    list_select_related = ["plan"]
    ordering = ["plan", "position"]
    inlines = [ItemInline]


class FocusPointInline(admin.TabularInline):
    model = FocusPoint
    extra = 0
    fields = ["position", "name"]
    show_change_link = True


@admin.register(Item)
class ItemAdmin(SimpleHistoryAdmin):
    list_display = ["name", "dimension", "position"]
    list_filter = ["dimension__plan"]
    list_select_related = ["dimension"]
    search_fields = ["name"]
    ordering = ["dimension__plan", "dimension__position", "position"]
    readonly_fields = ["points"]  # 配分 is set on the allotment page, which checks the sums
    inlines = [FocusPointInline]  # measures/admin.py adds the item's measures



class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0
    fields = ["position", "label", "text"]


@admin.register(FocusPoint)
class FocusPointAdmin(SimpleHistoryAdmin):
    list_display = ["name", "item", "position"]
    list_filter = ["item__dimension__plan", "item__dimension"]
    list_select_related = ["item"]
    search_fields = ["name"]
    ordering = ["item__dimension__plan", "item__dimension__position", "item__position", "position"]
    readonly_fields = ["points"]  # 配分 is set on the allotment page, which checks the sums
    inlines = [CriterionInline]


@admin.register(Criterion)
class CriterionAdmin(SimpleHistoryAdmin):
    list_display = ["label", "text", "focus_point"]
    list_select_related = ["focus_point__item"]
    search_fields = ["text"]


# --- 組織診斷 ---


class UnitDiagnosisInline(admin.TabularInline):
    model = UnitDiagnosis
    extra = 0
    fields = ["unit", "state", "submitted_by", "submitted_at", "return_reason", "returned_by", "returned_at"]
    readonly_fields = ["submitted_at", "returned_at"]
    raw_id_fields = ["submitted_by", "returned_by"]
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("unit", "submitted_by", "returned_by")


@admin.register(DiagnosisRound)
class DiagnosisRoundAdmin(SimpleHistoryAdmin):
    list_display = ["title", "plan", "opens_on", "due_on", "state"]
    list_filter = ["state", "plan__year"]
    list_select_related = ["plan"]
    search_fields = ["title"]
    raw_id_fields = ["created_by"]
    inlines = [UnitDiagnosisInline]


class DiagnosisAnswerInline(admin.TabularInline):
    model = DiagnosisAnswer
    extra = 0
    fields = ["focus_point", "score", "problems", "improvements"]
    raw_id_fields = ["focus_point"]


@admin.register(UnitDiagnosis)
class UnitDiagnosisAdmin(SimpleHistoryAdmin):
    list_display = ["round", "unit", "state", "submitted_at"]
    list_filter = ["state", "round__plan__year"]
    list_select_related = ["round", "unit"]
    raw_id_fields = ["submitted_by", "returned_by"]
    inlines = [DiagnosisAnswerInline]


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
    readonly_fields = ["path", "tree_order"]
    inlines = [ChildUnitInline]

    def save_model(self, request, obj, form, change):
        unit_save(obj)

    def save_formset(self, request, form, formset, change):
        # Child units added inline get their paths through the same service.
        for child in formset.save(commit=False):
            unit_save(child)
        for child in formset.deleted_objects:
            child.delete()


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "unit", "role"]
    list_filter = ["role"]
    list_select_related = ["user", "unit"]
    search_fields = ["user__username", "unit__name"]
    autocomplete_fields = ["user", "unit"]
