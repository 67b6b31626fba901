from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from communes.locks import LockChecker
from communes.locks_admin import PeriodLockAdminMixin, PeriodLockInlineMixin

from . import services
from .models import Person, ReadLog, Reoffence, Status, SupportAction


class SupportActionInline(PeriodLockInlineMixin, admin.TabularInline):
    model = SupportAction
    extra = 0


class StatusInline(PeriodLockInlineMixin, admin.TabularInline):
    model = Status
    extra = 0


class ReoffenceInline(PeriodLockInlineMixin, admin.TabularInline):
    model = Reoffence
    extra = 0


class CitizenIdLookupAdminForm(forms.ModelForm):
    """The admin's person form: a new or changed citizen ID is a lookup, logged with who asked
    (services.citizen_id_lookup), like on the officers' form."""

    user = None

    def clean_citizen_id(self):
        citizen_id = self.cleaned_data.get("citizen_id") or None
        if citizen_id and citizen_id != self.instance.citizen_id:
            found = services.citizen_id_lookup(
                user=self.user, citizen_ids=[citizen_id], via="admin person form", exclude_pk=self.instance.pk
            )
            if citizen_id in found:
                raise forms.ValidationError(
                    services.duplicate_citizen_id_message(self.user, found[citizen_id]), code="duplicate"
                )
        return citizen_id


class PersonalDataAdminMixin:
    """Every admin page that shows persons' data writes the read log (issue 12): the list (one
    entry naming the persons shown), a change page and the history pages. `person_of(obj)` is
    the person a row belongs to."""

    @staticmethod
    def person_of(obj):
        return obj.person

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl") if hasattr(response, "context_data") else None
        if changelist is not None:
            persons = {self.person_of(obj).pk: self.person_of(obj) for obj in changelist.result_list}
            services.log_persons_listed(
                user=request.user, persons=persons.values(), what=f"admin list of {self.model._meta.model_name}"
            )
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None and request.method == "GET":
            services.log_person_read(
                user=request.user,
                person=self.person_of(obj),
                what=f"admin change page of {self.model._meta.model_name} {obj.pk} (all fields)",
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None:
            services.log_person_read(
                user=request.user, person=self.person_of(obj), what=f"admin history of {self.model._meta.model_name}"
            )
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None:
            services.log_person_read(
                user=request.user,
                person=self.person_of(obj),
                what=f"admin history version {version_id} of {self.model._meta.model_name}",
            )
        return super().history_form_view(request, object_id, version_id, extra_context)


# A person's dated rows: deleting the person would delete them too.
DATED_ROWS = ((SupportAction, "date"), (Status, "as_of"), (Reoffence, "date"))


@admin.register(Person)
class PersonAdmin(PersonalDataAdminMixin, PeriodLockAdminMixin, SimpleHistoryAdmin):
    """A person is not dated, but deleting one deletes their dated rows: refused when one is locked."""

    list_display = ["ref", "full_name", "unit", "category", "masked_citizen_id", "returned_on", "management_end"]
    list_select_related = ["unit"]
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

    @staticmethod
    def person_of(obj):
        return obj

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (CitizenIdLookupAdminForm, form), {"user": request.user})

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if request.path == reverse("admin:autocomplete"):
            # The autocomplete's page of 20 names is a read of those persons.
            page = max(int(request.GET.get("page", "1")) if request.GET.get("page", "1").isdigit() else 1, 1)
            shown = list(queryset.select_related("unit")[(page - 1) * 20 : page * 20])
            services.log_persons_listed(user=request.user, persons=shown, what=f"admin autocomplete “{search_term}”")
        return queryset, may_have_duplicates


@admin.register(SupportAction)
class SupportActionAdmin(PersonalDataAdminMixin, PeriodLockAdminMixin, SimpleHistoryAdmin):
    list_display = ["person", "date", "kind", "loan_amount_vnd", "lender"]
    list_select_related = ["person__unit"]
    list_filter = ["kind"]
    search_fields = ["person__ref", "person__full_name", "lender"]
    autocomplete_fields = ["person"]


@admin.register(Status)
class StatusAdmin(PersonalDataAdminMixin, PeriodLockAdminMixin, SimpleHistoryAdmin):
    list_display = ["person", "as_of", "has_job", "stable_life", "income_band"]
    list_select_related = ["person__unit"]
    list_filter = ["has_job", "stable_life", "income_band"]
    search_fields = ["person__ref", "person__full_name"]
    autocomplete_fields = ["person"]


@admin.register(Reoffence)
class ReoffenceAdmin(PersonalDataAdminMixin, PeriodLockAdminMixin, SimpleHistoryAdmin):
    list_display = ["person", "date"]
    list_select_related = ["person__unit"]
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
