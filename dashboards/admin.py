"""Admin: target definitions are edited here; runs, snapshots and figures are read-only records."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ComputationRun, Snapshot, TargetDefinition, UnitFigures


@admin.register(TargetDefinition)
class TargetDefinitionAdmin(SimpleHistoryAdmin):
    list_display = ["year", "code", "unit", "rule", "threshold", "description"]
    list_filter = ["year", "code", "group"]
    list_editable = ["threshold"]
    search_fields = ["code", "unit__name", "unit__code", "description"]
    autocomplete_fields = ["unit"]
    ordering = ["-year", "code", "unit__path"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ComputationRun)
class ComputationRunAdmin(ReadOnlyAdmin):
    list_display = ["id", "year", "as_of", "scope", "state", "queued_at", "started_at", "duration", "rows_changed"]
    list_filter = ["state", "year"]
    date_hierarchy = "queued_at"


@admin.register(Snapshot)
class SnapshotAdmin(ReadOnlyAdmin):
    list_display = ["unit", "target", "year", "period_start", "period_end", "as_of", "status", "computed_at"]
    list_filter = ["year", "target", "status"]
    search_fields = ["unit__name", "unit__code"]
    list_select_related = ["unit"]


@admin.register(UnitFigures)
class UnitFiguresAdmin(ReadOnlyAdmin):
    list_display = ["unit", "year", "period_start", "period_end", "as_of", "computed_at"]
    list_filter = ["year"]
    search_fields = ["unit__name", "unit__code"]
    list_select_related = ["unit"]
