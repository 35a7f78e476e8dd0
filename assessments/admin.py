"""定期管制考核與提醒紀錄的後台。"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ControlReview, ReminderLog, ReviewItem


class ReviewItemInline(admin.TabularInline):
    model = ReviewItem
    extra = 0
    fields = ["measure", "origin", "status_label", "finding", "action", "follow_up_unit", "follow_up_due", "decision"]
    raw_id_fields = ["measure"]
    autocomplete_fields = ["follow_up_unit"]


@admin.register(ControlReview)
class ControlReviewAdmin(SimpleHistoryAdmin):
    list_display = ["title", "plan", "as_of", "meeting_date", "state"]
    list_filter = ["state", "plan"]
    list_select_related = ["plan"]
    readonly_fields = ["created_by", "created_at", "closed_at"]
    raw_id_fields = ["previous"]
    inlines = [ReviewItemInline]


@admin.register(ReminderLog)
class ReminderLogAdmin(admin.ModelAdmin):
    list_display = ["sent_at", "kind", "measure", "unit", "key_date", "recipient"]
    list_filter = ["kind"]
    list_select_related = ["measure", "unit"]
    search_fields = ["recipient", "measure__name"]

    def has_change_permission(self, request, obj=None):
        return False
