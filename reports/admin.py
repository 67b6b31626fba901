from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Report, ReportEvent


class ReportEventInline(admin.TabularInline):
    model = ReportEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "user", "from_state", "to_state", "comment"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Report)
class ReportAdmin(SimpleHistoryAdmin):
    """Read mostly: the workflow goes through the pages (reports/services.py)."""

    list_display = ["unit", "period_kind", "year", "number", "state", "due_on", "submitted_at", "decided_at"]
    list_filter = ["state", "period_kind", "year"]
    search_fields = ["unit__name", "unit__code", "document_number"]
    readonly_fields = [
        "unit",
        "period_kind",
        "year",
        "number",
        "state",
        "figures",
        "submitted_at",
        "decided_at",
        "decided_by",
        "version",
    ]
    inlines = [ReportEventInline]

    def has_add_permission(self, request):
        return False


from .models import Assessment, AssessmentAnswer, CriteriaGroup, CriteriaItem, CriteriaSet  # noqa: E402


class CriteriaGroupInline(admin.TabularInline):
    model = CriteriaGroup
    extra = 0


class CriteriaItemInline(admin.TabularInline):
    model = CriteriaItem
    extra = 1


@admin.register(CriteriaSet)
class CriteriaSetAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "year_from", "year_to"]
    list_filter = ["kind"]
    inlines = [CriteriaGroupInline]


@admin.register(CriteriaGroup)
class CriteriaGroupAdmin(SimpleHistoryAdmin):
    list_display = ["criteria_set", "number", "name"]
    list_filter = ["criteria_set"]
    inlines = [CriteriaItemInline]


@admin.register(CriteriaItem)
class CriteriaItemAdmin(SimpleHistoryAdmin):
    list_display = ["group", "number", "text", "is_active"]
    list_filter = ["group__criteria_set", "is_active"]
    search_fields = ["text"]


class AssessmentAnswerInline(admin.TabularInline):
    model = AssessmentAnswer
    extra = 0


@admin.register(Assessment)
class AssessmentAdmin(SimpleHistoryAdmin):
    list_display = ["unit", "criteria_set", "year", "state", "submitted_at", "decided_at"]
    list_filter = ["state", "year", "criteria_set"]
    search_fields = ["unit__name", "unit__code"]
    autocomplete_fields = ["unit"]
    inlines = [AssessmentAnswerInline]
