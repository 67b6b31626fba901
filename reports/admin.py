from django import forms
from django.contrib import admin, messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from .criteria.loader import load_criteria
from .models import Assessment, AssessmentAnswer, CriteriaGroup, CriteriaItem, CriteriaSet, Report, ReportEvent


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


class CriteriaGroupInline(admin.TabularInline):
    model = CriteriaGroup
    extra = 0


class CriteriaItemInline(admin.TabularInline):
    model = CriteriaItem
    extra = 1


class CriteriaFileForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or Excel (.xlsx) file"),
        help_text=_("Columns: group, group_name, number, criterion — one row per criterion."),
    )


@admin.register(CriteriaSet)
class CriteriaSetAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "year_from", "year_to"]
    list_filter = ["kind"]
    inlines = [CriteriaGroupInline]
    change_form_template = "admin/reports/criteriaset/change_form.html"

    def get_urls(self):
        load = path(
            "<path:object_id>/load/",
            self.admin_site.admin_view(self.load_view),
            name="reports_criteriaset_load",
        )
        return [load, *super().get_urls()]

    def load_view(self, request, object_id):
        """Load the set's groups and criteria from a file (reports/criteria/loader.py), all or nothing."""
        criteria_set = self.get_object(request, object_id)
        if criteria_set is None or not self.has_change_permission(request, criteria_set):
            raise Http404
        form = CriteriaFileForm(request.POST or None, request.FILES or None)
        errors = []
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            result = load_criteria(criteria_set, upload.read(), upload.name, user=request.user)
            if result.ok:
                self.message_user(
                    request,
                    _("Loaded %(groups)d groups and %(criteria)d criteria; %(retired)d criteria put out of use.")
                    % {"groups": result.groups, "criteria": result.criteria, "retired": result.retired},
                    messages.SUCCESS,
                )
                return redirect("admin:reports_criteriaset_change", criteria_set.pk)
            errors = result.errors
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": criteria_set,
            "title": _("Load the criteria of “%(name)s”") % {"name": criteria_set.name},
            "form": form,
            "errors": errors,
        }
        return render(request, "admin/reports/criteriaset/load.html", context)


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
