"""Admin for the incidents app: taxonomies are edited here; records are mainly for inspection.

Records saved here keep the rule of the pages: a new row is recorded by the admin who saves it,
and the history names the admin (simple-history's request middleware).
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from basecurity.lib.admin import AttributedAdmin
from communes.locks_admin import PeriodLockAdminMixin, PeriodLockInlineMixin

from . import deadlines, models


@admin.register(models.IncidentCategory)
class IncidentCategoryAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "group", "is_active"]
    list_filter = ["group", "is_active"]
    list_editable = ["name", "is_active"]
    search_fields = ["code", "name"]


@admin.register(models.BusinessKind)
class BusinessKindAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "is_active"]
    list_filter = ["is_active"]
    list_editable = ["name", "is_active"]
    search_fields = ["code", "name"]


class RecordAdmin(PeriodLockAdminMixin, AttributedAdmin):
    """Common settings: unit and village pickers, the recording user set on creation; locked periods refused."""

    autocomplete_fields = ["unit", "village"]
    readonly_fields = ["recorded_by", "created_at", "updated_at"]
    list_select_related = ["unit", "village"]
    list_filter = ["unit"]


@admin.register(models.Incident)
class IncidentAdmin(RecordAdmin):
    list_display = ["occurred_on", "category", "subjects", "unit", "village", "status", "outcome"]
    list_filter = ["category__group", "status", "outcome", "unit"]
    list_select_related = ["unit", "village", "category"]
    search_fields = ["description"]
    date_hierarchy = "occurred_on"


class CrimeTipExtensionInline(admin.TabularInline):
    model = models.CrimeTipExtension
    extra = 0
    readonly_fields = ["extended_on", "new_deadline", "reason", "recorded_by"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        # Extensions go through services.tip_extend, which checks the legal limits.
        return False


@admin.register(models.CrimeTip)
class CrimeTipAdmin(RecordAdmin):
    list_display = ["received_on", "kind", "unit", "deadline", "decision", "decided_on"]
    list_filter = ["kind", "decision", "unit"]
    search_fields = ["summary"]
    readonly_fields = [*RecordAdmin.readonly_fields, "deadline", "handover_due_at"]
    inlines = [CrimeTipExtensionInline]
    date_hierarchy = "received_on"

    def save_model(self, request, obj, form, change):
        obj.set_derived_fields()
        extensions = obj.extensions.values_list("new_deadline", flat=True) if obj.pk else []
        obj.deadline = deadlines.tip_decision_deadline(obj.received_on, extensions)
        super().save_model(request, obj, form, change)


@admin.register(models.CrimeTipExtension)
class CrimeTipExtensionAdmin(SimpleHistoryAdmin):
    list_display = ["tip", "extended_on", "new_deadline", "recorded_by"]
    readonly_fields = ["tip", "extended_on", "new_deadline", "reason", "recorded_by", "created_at", "updated_at"]

    def has_add_permission(self, request):
        return False


@admin.register(models.TrafficAccident)
class TrafficAccidentAdmin(RecordAdmin):
    list_display = ["occurred_on", "place", "unit", "deaths", "injuries", "damage_vnd"]
    search_fields = ["place", "description"]
    date_hierarchy = "occurred_on"


@admin.register(models.ForeignerStay)
class ForeignerStayAdmin(RecordAdmin):
    list_display = ["full_name", "nationality", "unit", "arrived_at", "declared_at", "departed_on"]
    list_filter = ["nationality", "accommodation_kind", "unit"]
    search_fields = ["full_name", "passport_number"]
    autocomplete_fields = [*RecordAdmin.autocomplete_fields, "business"]
    readonly_fields = [*RecordAdmin.readonly_fields, "arrived_on", "declaration_due_at"]


class BusinessInspectionInline(admin.TabularInline):
    model = models.BusinessInspection
    extra = 0
    fields = readonly_fields = ("inspected_on", "kind", "result", "fine_vnd")
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(models.ConditionalBusiness)
class ConditionalBusinessAdmin(RecordAdmin):
    list_display = ["name", "kind", "unit", "owner_name", "security_certificate_number", "status"]
    list_filter = ["kind", "status", "unit"]
    search_fields = ["name", "owner_name", "address", "security_certificate_number"]
    inlines = [BusinessInspectionInline]


@admin.register(models.BusinessInspection)
class BusinessInspectionAdmin(PeriodLockAdminMixin, SimpleHistoryAdmin):
    list_display = ["inspected_on", "business", "kind", "result", "fine_vnd"]
    list_filter = ["kind", "result"]
    autocomplete_fields = ["business"]
    readonly_fields = ["recorded_by", "created_at", "updated_at"]
    save_model = RecordAdmin.save_model


class WeaponSurrenderItemInline(PeriodLockInlineMixin, admin.TabularInline):
    model = models.WeaponSurrenderItem
    extra = 1


@admin.register(models.WeaponSurrender)
class WeaponSurrenderAdmin(RecordAdmin):
    list_display = ["surrendered_on", "unit", "village", "surrendered_by"]
    inlines = [WeaponSurrenderItemInline]


@admin.register(models.Patrol)
class PatrolAdmin(RecordAdmin):
    list_display = ["patrolled_on", "area_kind", "area", "unit", "forces"]
    list_filter = ["area_kind", "unit"]


@admin.register(models.OutreachSession)
class OutreachSessionAdmin(RecordAdmin):
    list_display = ["held_on", "topic", "attendees", "unit"]
    search_fields = ["topic"]


@admin.register(models.Mediation)
class MediationAdmin(RecordAdmin):
    list_display = ["mediated_on", "parties", "outcome", "unit"]
    list_filter = ["outcome", "unit"]


@admin.register(models.DoorToDoorCheck)
class DoorToDoorCheckAdmin(RecordAdmin):
    list_display = ["checked_on", "households_checked", "violations_found", "unit"]


@admin.register(models.WeaponSurrenderItem)
class WeaponSurrenderItemAdmin(PeriodLockAdminMixin, SimpleHistoryAdmin):
    list_display = ["surrender", "item_type", "quantity", "description"]
    list_filter = ["item_type"]
    list_select_related = ["surrender", "surrender__unit"]
