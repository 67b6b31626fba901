from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.forms import inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from basecurity.lib import tabular
from basecurity.lib.collation import vi
from basecurity.widgets import DateInput

from .models import AdministrativeUnit, CommitteeMember, SelfManagementTeam, SteeringCommittee, TeamMember
from .submissions import GuardedForm


def add_service_error(form, error) -> None:
    """Show a service's ValidationError at the form's fields (the rest above the form)."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


class VillageSelect(forms.Select):
    """Village options carry their commune (data-unit): static/js/records.js hides other communes' villages."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if (village := getattr(value, "instance", None)) is not None:
            option["attrs"]["data-unit"] = village.parent_id
        return option


def village_label(unit: AdministrativeUnit) -> str:
    return f"{unit.name} ({unit.parent.name})" if unit.parent else unit.name


def preselect_only_choice(form: forms.ModelForm, name: str) -> None:
    """A new record's unit is preselected when the user can choose only one: the one in force today
    among them (a seat kept at a commune that ended stays in the list, for the records of its days),
    else the only one there is."""
    today = timezone.localdate()
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)  # a unit's select
    choices = list(field.queryset or ())
    candidates = [unit for unit in choices if unit.is_valid_on(today)] or choices
    if not form.instance.pk and not form.initial.get(name) and len(candidates) == 1:
        form.initial[name] = candidates[0].pk


class SteeringCommitteeForm(GuardedForm, forms.ModelForm):
    class Meta:
        model = SteeringCommittee
        fields = ["unit", "name", "decision_number", "decision_date", "launched_on", "notes"]
        widgets = {
            "decision_date": DateInput(),
            "launched_on": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units.exclude(level="village")
        preselect_only_choice(self, "unit")
        self.helper = FormHelper()
        self.helper.form_tag = False


class SelfManagementTeamForm(GuardedForm, forms.ModelForm):
    class Meta:
        model = SelfManagementTeam
        fields = ["village", "kind", "name", "leader_name", "founded_on", "dissolved_on", "activity_notes"]
        widgets = {
            "founded_on": DateInput(),
            "dissolved_on": DateInput(),
            "activity_notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        villages = units.filter(level="village").select_related("parent")
        self.fields["village"].queryset = villages.order_by(vi("parent__name"), vi("name"))
        self.fields["village"].label_from_instance = lambda unit: f"{unit.name} ({unit.parent.name})"
        self.helper = FormHelper()
        self.helper.form_tag = False


class MemberFormSetHelper(FormHelper):
    form_tag = False
    disable_csrf = True


def _member_formset(parent_model, model, fields):
    return inlineformset_factory(
        parent_model,
        model,
        fields=fields,
        extra=1,
        can_delete=True,
        widgets={"joined_on": DateInput(), "left_on": DateInput()},
    )


CommitteeMemberFormSet = _member_formset(
    SteeringCommittee, CommitteeMember, ["full_name", "position", "committee_role", "joined_on", "left_on"]
)
TeamMemberFormSet = _member_formset(SelfManagementTeam, TeamMember, ["full_name", "role", "joined_on", "left_on"])


class ImportForm(GuardedForm, forms.Form):
    """The upload of a file to import (every kind: communes/import_views.py); one size limit,
    settings.IMPORT_MAX_MB (tabular.MAX_FILE_BYTES, which the readers also hold)."""

    file = forms.FileField(
        label=_("File (.csv or .xlsx)"),
        help_text=_("CSV in UTF-8 or an Excel workbook (first sheet), with the columns below in the first row."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_file(self):

        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((*tabular.CSV_EXTENSIONS, *tabular.XLSX_EXTENSIONS)):
            raise forms.ValidationError(_("Only .csv and .xlsx files can be imported."))
        if upload.size > tabular.MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)d MB.") % {"size": tabular.MAX_FILE_BYTES // (1024 * 1024)}
            )
        return upload
