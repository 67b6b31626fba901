from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import (
    AdministrativeUnit,
    Assignment,
    CommitteeMember,
    LockException,
    PeriodLock,
    SelfManagementTeam,
    SteeringCommittee,
    TeamMember,
)


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "kind", "level", "parent", "is_remote", "is_placeholder", "valid_until"]
    list_filter = ["level", "kind", "is_remote", "is_placeholder"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent", "merged_into"]
    readonly_fields = ["level", "path"]

    def save_model(self, request, obj, form, change):
        services.unit_save(unit=obj)


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
class PeriodLockAdmin(SimpleHistoryAdmin):
    list_display = ["unit", "start", "end", "locked_at", "locked_by", "source_report_id", "reason"]
    list_filter = ["unit__level"]
    search_fields = ["unit__name", "unit__code", "reason"]
    autocomplete_fields = ["unit"]
    readonly_fields = ["locked_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.locked_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(LockException)
class LockExceptionAdmin(SimpleHistoryAdmin):
    """An administrator lets one unit write records of a locked period until `valid_until`."""

    list_display = ["unit", "start", "end", "valid_until", "granted_by", "reason"]
    search_fields = ["unit__name", "unit__code", "reason"]
    autocomplete_fields = ["unit"]
    readonly_fields = ["granted_by", "granted_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.granted_by = request.user
        super().save_model(request, obj, form, change)
