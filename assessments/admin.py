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
    list_display = ["sent_at", "kind", "measure", "courtesy_item", "unit", "key_date", "recipient"]
    list_filter = ["kind"]
    list_select_related = ["measure", "unit", "courtesy_item__review", "courtesy_item__unit"]
    search_fields = ["recipient", "measure__name"]

    def has_change_permission(self, request, obj=None):
        return False


# 推動小組名冊（附表3）
from .models import TeamMember  # noqa: E402


@admin.register(TeamMember)
class TeamMemberAdmin(SimpleHistoryAdmin):
    list_display = ["name", "role", "title", "unit", "plan", "position"]
    list_filter = ["role", "plan"]
    list_select_related = ["plan", "unit"]
    search_fields = ["name", "title", "unit__name"]
    autocomplete_fields = ["unit"]
    raw_id_fields = ["user"]


# 教育訓練
from .models import TrainingAttendance, TrainingSession  # noqa: E402


class TrainingAttendanceInline(admin.TabularInline):
    model = TrainingAttendance
    extra = 0
    fields = ["unit", "attendees"]
    autocomplete_fields = ["unit"]


@admin.register(TrainingSession)
class TrainingSessionAdmin(SimpleHistoryAdmin):
    list_display = ["held_on", "topic", "speaker", "speaker_is_expert", "hours", "organizer", "indicator", "plan"]
    list_filter = ["plan", "speaker_is_expert"]
    list_select_related = ["plan", "organizer", "indicator"]
    search_fields = ["topic", "speaker", "speaker_title"]
    date_hierarchy = "held_on"
    raw_id_fields = ["indicator"]
    autocomplete_fields = ["organizer"]
    readonly_fields = ["recorded_by", "created_at", "updated_at"]
    inlines = [TrainingAttendanceInline]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)


# --- 滿意度調查、陳情案件 ---
from .models import PetitionTally, SatisfactionSurvey, SurveyResult  # noqa: E402


class SurveyResultInline(admin.TabularInline):
    model = SurveyResult
    extra = 0
    fields = ["category", "respondents", "satisfied"]


@admin.register(SatisfactionSurvey)
class SatisfactionSurveyAdmin(SimpleHistoryAdmin):
    list_display = ["title", "plan", "period_start", "period_end", "sampling_method", "sample_size"]
    list_filter = ["sampling_method", "plan"]
    list_select_related = ["plan"]
    search_fields = ["title"]
    readonly_fields = ["recorded_by", "created_at", "updated_at"]
    inlines = [SurveyResultInline]

    def save_model(self, request, obj, form, change):
        if obj.recorded_by_id is None:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(PetitionTally)
class PetitionTallyAdmin(SimpleHistoryAdmin):
    list_display = ["month", "unit", "plan", "closed", "satisfied", "dissatisfied"]
    list_filter = ["plan", "month"]
    list_select_related = ["plan", "unit"]
    autocomplete_fields = ["unit"]
    readonly_fields = ["recorded_by", "updated_at"]

    def save_model(self, request, obj, form, change):
        if obj.recorded_by_id is None:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)


# --- 創意提案、電話禮貌測試、獎懲 ---
from .models import (  # noqa: E402
    Commendation,
    CourtesyTest,
    Proposal,
    ProposalDecision,
    ReviewCourtesyItem,
)


class ProposalDecisionInline(admin.TabularInline):
    model = ProposalDecision
    extra = 0
    fields = ["from_state", "to_state", "reason", "decided_by", "decided_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False  # steps are taken on the proposal page, where the allowed transitions are enforced


@admin.register(Proposal)
class ProposalAdmin(SimpleHistoryAdmin):
    list_display = ["title", "unit", "plan", "state", "filed_by", "filed_at"]
    list_filter = ["state", "plan"]
    list_select_related = ["unit", "plan", "filed_by"]
    search_fields = ["title", "problem", "suggestion"]
    autocomplete_fields = ["unit"]
    readonly_fields = ["state", "filed_by", "filed_at"]
    inlines = [ProposalDecisionInline]

    def save_model(self, request, obj, form, change):
        if obj.filed_by_id is None:
            obj.filed_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(CourtesyTest)
class CourtesyTestAdmin(SimpleHistoryAdmin):
    list_display = ["tested_on", "unit", "score", "tester", "plan"]
    list_filter = ["plan"]
    list_select_related = ["unit", "plan"]
    search_fields = ["unit__name", "tester", "findings"]
    autocomplete_fields = ["unit"]
    readonly_fields = ["recorded_by", "recorded_at"]

    def save_model(self, request, obj, form, change):
        if obj.recorded_by_id is None:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)


class ReviewCourtesyItemInline(admin.TabularInline):
    model = ReviewCourtesyItem
    extra = 0
    fields = ["unit", "courtesy_test", "origin", "pass_score", "finding", "action", "follow_up_due", "decision"]
    raw_id_fields = ["courtesy_test"]
    autocomplete_fields = ["unit"]


ControlReviewAdmin.inlines = [*ControlReviewAdmin.inlines, ReviewCourtesyItemInline]


@admin.register(Commendation)
class CommendationAdmin(SimpleHistoryAdmin):
    list_display = ["decided_on", "unit", "person_name", "kind", "times", "plan"]
    list_filter = ["kind", "plan"]
    list_select_related = ["unit", "plan"]
    search_fields = ["person_name", "reason", "unit__name"]
    autocomplete_fields = ["unit"]
    raw_id_fields = ["review", "courtesy_test"]
    readonly_fields = ["recorded_by", "recorded_at"]

    def save_model(self, request, obj, form, change):
        if obj.recorded_by_id is None:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)


# 書面資料送審: read only here too (a submission never changes; the bureau decides on its page).
from .models import Submission  # noqa: E402


@admin.register(Submission)
class SubmissionAdmin(SimpleHistoryAdmin):
    list_display = ["plan", "number", "submitted_at", "submitted_by", "state", "late", "decided_at"]
    list_filter = ["state", "late"]
    list_select_related = ["plan", "submitted_by"]
    exclude = ["measures", "manifest"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
