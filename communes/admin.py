from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from basecurity.lib.admin import AttributedAdmin

from . import lineage, services, villages
from .models import (
    AdministrativeUnit,
    Assignment,
    CommitteeMember,
    ImportJob,
    LockException,
    PeriodLock,
    SelfManagementTeam,
    SteeringCommittee,
    TeamMember,
    UnitLineage,
)


class LineageInline(admin.TabularInline):
    model = UnitLineage
    extra = 0


class FormationInline(LineageInline):
    """The units this one was formed from (lineage rows whose successor it is)."""

    fk_name = "successor"
    autocomplete_fields = ["predecessor", "villages"]
    verbose_name = verbose_name_plural = _("formed from")


class SuccessionInline(LineageInline):
    """The units this one passed into (lineage rows whose predecessor it is)."""

    fk_name = "predecessor"
    autocomplete_fields = ["successor", "villages"]
    verbose_name = verbose_name_plural = _("passed into")


class ValidOnFilter(admin.SimpleListFilter):
    title = _("in force")
    parameter_name = "in_force"

    def lookups(self, request, model_admin):
        return [("today", _("today")), ("ended", _("ended"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "today":
            return queryset.valid_on(today)
        if self.value() == "ended":
            return queryset.filter(valid_until__lt=today)
        return queryset


class VillagesFileForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or Excel (.xlsx) file"),
        help_text=_(
            "Columns: commune_code, code, name, kind (thon, ban, khu, to_dan_pho), optionally valid_from, valid_until."
        ),
    )


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(SimpleHistoryAdmin):
    change_list_template = "admin/communes/administrativeunit/change_list.html"
    actions = ["hand_over"]

    @admin.action(description=_("Move the seats and persons of the selected ended units to their successor"))
    def hand_over(self, request, queryset):
        for unit in queryset:
            try:
                counts = services.unit_hand_over(unit=unit, user=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                continue
            self.message_user(
                request,
                _("%(unit)s: %(assignments)d seats and %(persons)d persons' files moved.")
                % {"unit": unit.name, "assignments": counts.get("assignments", 0), "persons": counts.get("persons", 0)},
                messages.SUCCESS,
            )

    def get_urls(self):
        load = path("load-villages/", self.admin_site.admin_view(self.villages_view), name="communes_load_villages")
        return [load, *super().get_urls()]

    def villages_view(self, request):
        """Load villages from a file (communes/villages.py), all or nothing, errors by row and column."""
        if not self.has_add_permission(request):
            raise Http404
        form = VillagesFileForm(request.POST or None, request.FILES or None)
        errors = []
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            result = villages.villages_load(upload.read(), upload.name, user=request.user)
            if result.ok:
                services.history_paths_rebuild()
                self.message_user(
                    request,
                    _("Villages loaded: %(created)d new, %(updated)d updated.")
                    % {"created": result.created, "updated": result.updated},
                    messages.SUCCESS,
                )
                return redirect("admin:communes_administrativeunit_changelist")
            errors = result.errors
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Load villages from a file"),
            "form": form,
            "errors": errors,
        }
        return render(request, "admin/communes/administrativeunit/load_villages.html", context)

    list_display = ["code", "name", "kind", "level", "parent", "valid_from", "valid_until", "covered_from"]
    list_filter = [ValidOnFilter, "level", "kind", "is_remote", "is_placeholder"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["level", "path", "history_path", "map_history"]
    inlines = [FormationInline, SuccessionInline]

    @admin.display(description=_("history on the map"))
    def map_history(self, obj):
        return (
            format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lineage.history_lines(obj)))
            if obj.pk
            else ""
        )

    def save_model(self, request, obj, form, change):
        services.unit_save(unit=obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        rows = form.instance.formations.all() | form.instance.successions.all()
        services.lineage_saved(
            successor_ids={row.successor_id for row in rows}, since=min((row.date for row in rows), default=None)
        )


@admin.register(UnitLineage)
class UnitLineageAdmin(SimpleHistoryAdmin):
    list_display = ["predecessor", "successor", "date", "transfer", "legal_basis"]
    list_filter = ["date", "transfer"]
    search_fields = ["predecessor__name", "predecessor__code", "successor__name", "successor__code"]
    autocomplete_fields = ["predecessor", "successor", "villages"]
    date_hierarchy = "date"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.lineage_saved(successor_ids=[form.instance.successor_id], since=form.instance.date)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        services.lineage_saved(successor_ids=[obj.successor_id], since=obj.date)


class CommitteeMemberInline(admin.TabularInline):
    model = CommitteeMember
    extra = 0


@admin.register(SteeringCommittee)
class SteeringCommitteeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "unit", "decision_number", "decision_date", "launched_on"]
    search_fields = ["name", "unit__name", "decision_number"]
    autocomplete_fields = ["unit"]
    inlines = [CommitteeMemberInline]


@admin.register(CommitteeMember)
class CommitteeMemberAdmin(SimpleHistoryAdmin):
    list_display = ["full_name", "position", "committee_role", "committee", "joined_on", "left_on"]
    list_filter = ["committee_role"]
    search_fields = ["full_name", "position"]


class TeamMemberInline(admin.TabularInline):
    model = TeamMember
    extra = 0


@admin.register(SelfManagementTeam)
class SelfManagementTeamAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "village", "leader_name", "founded_on", "dissolved_on"]
    list_filter = ["kind"]
    search_fields = ["name", "village__name", "leader_name"]
    autocomplete_fields = ["village"]
    inlines = [TeamMemberInline]


@admin.register(TeamMember)
class TeamMemberAdmin(SimpleHistoryAdmin):
    list_display = ["full_name", "role", "team", "joined_on", "left_on"]
    search_fields = ["full_name"]


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(Assignment)
class AssignmentAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "unit"]
    list_filter = ["role"]
    search_fields = ["user__username", "unit__name", "unit__code"]
    autocomplete_fields = ["user", "unit"]


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class BasecurityUserAdmin(UserAdmin):
    inlines = [AssignmentInline]


@admin.register(PeriodLock)
class PeriodLockAdmin(AttributedAdmin):
    attributed_to = "locked_by"

    list_display = ["unit", "start", "end", "locked_at", "locked_by", "source_report_id", "reason"]
    list_filter = ["unit__level"]
    search_fields = ["unit__name", "unit__code", "reason"]
    autocomplete_fields = ["unit"]
    readonly_fields = ["locked_by"]


@admin.register(LockException)
class LockExceptionAdmin(AttributedAdmin):
    """An administrator lets one unit write records of a locked period until `valid_until`."""

    attributed_to = "granted_by"

    list_display = ["unit", "start", "end", "valid_until", "granted_by", "reason"]
    search_fields = ["unit__name", "unit__code", "reason"]
    autocomplete_fields = ["unit"]
    readonly_fields = ["granted_by", "granted_at"]


@admin.register(ImportJob)
class ImportJobAdmin(SimpleHistoryAdmin):
    """Import jobs are made by the import pages only: here they are read, with their history."""

    list_display = ["created_at", "user", "kind", "filename", "state", "written", "error_count", "finished_at"]
    list_filter = ["state", "kind"]
    search_fields = ["filename", "user__username"]
    exclude = ["file"]  # the stored upload is never served

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
