"""Admin: target definitions are edited here; runs, snapshots and figures are read-only records
(an administrator may retry a run: the action, or the button on the run's page)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from simple_history.admin import SimpleHistoryAdmin

from . import tasks
from .models import ComputationRun, RecomputeRequest, Snapshot, TargetDefinition, UnitFigures


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
    list_display = [
        "id",
        "year",
        "as_of",
        "scope",
        "shown_state",
        "queued_at",
        "started_at",
        "duration",
        "rows_changed",
    ]
    list_filter = ["state", "year"]
    date_hierarchy = "queued_at"
    actions = ["retry_runs"]
    change_form_template = "admin/dashboards/computationrun/change_form.html"

    @admin.display(description=_("state"), ordering="state")
    def shown_state(self, run):
        return run.get_shown_state_display()

    def has_retry_permission(self, request, obj=None) -> bool:
        """Administrators (superusers, or staff allowed to add runs) may run a recomputation again."""
        return request.user.is_superuser or request.user.has_perm("dashboards.add_computationrun")

    @admin.action(description=_("Run the selected recomputations again"), permissions=["retry"])
    def retry_runs(self, request, queryset):
        with transaction.atomic():
            again = [tasks.retry_run(run, request.user) for run in queryset]
        self.message_user(
            request,
            ngettext("%(count)d recomputation queued again.", "%(count)d recomputations queued again.", len(again))
            % {"count": len(again)},
            messages.SUCCESS,
        )

    def get_urls(self):
        retry = self.admin_site.admin_view(require_POST(self.retry_view))
        return [path("<int:pk>/retry/", retry, name="dashboards_computationrun_retry"), *super().get_urls()]

    def retry_view(self, request, pk):
        if not self.has_retry_permission(request):
            raise PermissionDenied
        run = get_object_or_404(ComputationRun, pk=pk)
        with transaction.atomic():
            again = tasks.retry_run(run, request.user)
        again.refresh_from_db()
        level = messages.ERROR if again.state == ComputationRun.State.FAILED else messages.SUCCESS
        self.message_user(request, _("Recomputation queued again: %(run)s") % {"run": again}, level)
        return redirect(reverse("admin:dashboards_computationrun_change", args=[again.pk]))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "may_retry": self.has_retry_permission(request)}
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(RecomputeRequest)
class RecomputeRequestAdmin(ReadOnlyAdmin):
    """The outbox: what the next drain will recompute (read-only)."""

    list_display = ["unit", "year", "requested_at", "claimed_at"]
    list_filter = ["year"]
    list_select_related = ["unit"]


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
