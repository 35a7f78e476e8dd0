"""評核架構的後台：一個頁面編修評核重點與其評核基準、項目與其措施。"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Criterion,
    DiagnosisAnswer,
    DiagnosisRound,
    Dimension,
    FocusPoint,
    Item,
    Milestone,
    Plan,
    UnitDiagnosis,
)


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
