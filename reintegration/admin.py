from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from communes.locks import LockChecker, PeriodLockAdminMixin, PeriodLockInlineMixin

from . import services
from .models import Person, ReadLog, Reoffence, Status, SupportAction


class SupportActionInline(PeriodLockInlineMixin, admin.TabularInline):
    model = SupportAction
    lock_unit_path, lock_day_path = "person.unit", "date"
    extra = 0


class StatusInline(PeriodLockInlineMixin, admin.TabularInline):
    model = Status
    lock_unit_path, lock_day_path = "person.unit", "as_of"
    extra = 0


class ReoffenceInline(PeriodLockInlineMixin, admin.TabularInline):
    model = Reoffence
    lock_unit_path, lock_day_path = "person.unit", "date"
    extra = 0


# A person's dated rows: deleting the person would delete them too.
DATED_ROWS = ((SupportAction, "date"), (Status, "as_of"), (Reoffence, "date"))


@admin.register(Person)
class PersonAdmin(PeriodLockAdminMixin, SimpleHistoryAdmin):
    """A person is not dated, but deleting one deletes their dated rows: refused when one is locked."""

    list_display = ["ref", "full_name", "unit", "category", "masked_citizen_id", "returned_on", "management_end"]
    list_filter = ["category", "sex", ("unit", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["ref", "full_name", "unit__code", "unit__name"]
    autocomplete_fields = ["unit", "village", "assigned_officer"]
    readonly_fields = ["read_log_link"]
    inlines = [SupportActionInline, StatusInline, ReoffenceInline]

    @admin.display(description=_("citizen ID number"))
    def masked_citizen_id(self, obj):
        return obj.masked_citizen_id

    @admin.display(description=_("Who read this person's data"))
    def read_log_link(self, obj):
        if not obj.pk:
            return "-"
        url = reverse("admin:reintegration_readlog_changelist") + f"?person__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, _("Open the read log"))

    def _lock_message(self, obj) -> str | None:
        return self.locked_selection_message(Person.objects.filter(pk=obj.pk))

    def locked_selection_message(self, queryset) -> str | None:
        checker, reasons = LockChecker(), []
        for model, day in DATED_ROWS:
            for row in model.objects.filter(person__in=queryset).select_related("person__unit"):
                reason = checker.reason(row.person.unit, getattr(row, day))
                if reason and reason not in reasons:
                    reasons.append(reason)
        if not reasons:
            return None
        lead = _(
            "Nothing was deleted: support actions, statuses or reoffences of the person are dated in a locked period."
        )
        return " ".join([str(lead), *reasons])

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Administrators see all persons, and their reads are logged like everyone's.
        person = self.get_object(request, object_id)
        if person is not None and request.method == "GET":
            services.log_person_read(user=request.user, person=person, what="admin change page (all fields)")
        return super().change_view(request, object_id, form_url, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        person = self.get_object(request, object_id)
        if person is not None:
            services.log_person_read(user=request.user, person=person, what=f"admin history version {version_id}")
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(SupportAction)
class SupportActionAdmin(PeriodLockAdminMixin, SimpleHistoryAdmin):
    lock_unit_path, lock_day_path = "person.unit", "date"
    list_display = ["person", "date", "kind", "loan_amount_vnd", "lender"]
    list_filter = ["kind"]
    search_fields = ["person__ref", "person__full_name", "lender"]
    autocomplete_fields = ["person"]


@admin.register(Status)
class StatusAdmin(PeriodLockAdminMixin, SimpleHistoryAdmin):
    lock_unit_path, lock_day_path = "person.unit", "as_of"
    list_display = ["person", "as_of", "has_job", "stable_life", "income_band"]
    list_filter = ["has_job", "stable_life", "income_band"]
    search_fields = ["person__ref", "person__full_name"]
    autocomplete_fields = ["person"]


@admin.register(Reoffence)
class ReoffenceAdmin(PeriodLockAdminMixin, SimpleHistoryAdmin):
    lock_unit_path, lock_day_path = "person.unit", "date"
    list_display = ["person", "date"]
    search_fields = ["person__ref", "person__full_name"]
    autocomplete_fields = ["person"]


@admin.register(ReadLog)
class ReadLogAdmin(admin.ModelAdmin):
    """Who read which person's data: read-only, filterable by person (from the person's page,
    "Who read this person's data"), by action and by user."""

    list_display = ["at", "username", "action", "person_label", "detail"]
    list_filter = ["action", ("person", admin.RelatedOnlyFieldListFilter), ("user", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["person_label", "username", "detail"]
    date_hierarchy = "at"
    list_select_related = ["person"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
