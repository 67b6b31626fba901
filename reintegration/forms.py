from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from basecurity.lib.collation import vi
from basecurity.widgets import DateInput
from communes.forms import preselect_only_choice
from communes.models import AdministrativeUnit, Level
from communes.submissions import GuardedForm

from . import services
from .models import Category, Person, Reoffence, Status, SupportAction


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True  # the template's <form> has its own token
    return helper


class PersonFilterForm(forms.Form):
    q = forms.CharField(label=_("Search (name or file number)"), required=False)
    category = forms.ChoiceField(label=pgettext_lazy("reintegration", "Category"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("Any status")),
            ("employed", _("Has a job")),
            ("stable", _("Stable life")),
            ("employed_stable", _("Has a job and a stable life")),
            ("none", _("No status recorded")),
        ],
    )
    unit = forms.ModelChoiceField(
        label=_("Commune"), queryset=AdministrativeUnit.objects.none(), required=False, empty_label=_("All communes")
    )
    village = forms.ModelChoiceField(
        label=_("Village"), queryset=AdministrativeUnit.objects.none(), required=False, empty_label=_("All villages")
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("All categories")), *Category.choices]
        self.fields["unit"].queryset = units.filter(level=Level.COMMUNE).order_by(vi("name"))
        villages = units.filter(level=Level.VILLAGE).select_related("parent").order_by(vi("parent__name"), vi("name"))
        self.fields["village"].queryset = villages
        self.fields["village"].label_from_instance = lambda unit: f"{unit.name} ({unit.parent.name})"


class PersonForm(GuardedForm, forms.ModelForm):
    class Meta:
        model = Person
        # What services.person_create/update accept, but the assigned officer (not on this form).
        fields = [name for name in services.PERSON_FIELDS if name != "assigned_officer"]
        widgets = {
            "date_of_birth": DateInput(),
            "returned_on": DateInput(),
            "management_start": DateInput(),
            "management_end": DateInput(),
            "citizen_id": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": 12}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, units, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["unit"].queryset = units.filter(level=Level.COMMUNE).order_by(vi("name"))
        villages = units.filter(level=Level.VILLAGE).select_related("parent").order_by(vi("parent__name"), vi("name"))
        self.fields["village"].queryset = villages
        self.fields["village"].label_from_instance = lambda unit: f"{unit.name} ({unit.parent.name})"
        self.fields["citizen_id"].required = False
        preselect_only_choice(self, "unit")
        self.helper = _helper()

    def clean_citizen_id(self):
        """A new or changed citizen ID is looked up (and the lookup logged); a duplicate names the
        other person only to a user who may read them (services.duplicate_citizen_id_message)."""
        citizen_id = self.cleaned_data.get("citizen_id") or None
        if citizen_id and citizen_id != self.instance.citizen_id:
            found = services.citizen_id_lookup(
                user=self.user, citizen_ids=[citizen_id], via="person form", exclude_pk=self.instance.pk
            )
            if citizen_id in found:
                raise forms.ValidationError(
                    services.duplicate_citizen_id_message(self.user, found[citizen_id]), code="duplicate"
                )
        return citizen_id


class SupportActionForm(GuardedForm, forms.ModelForm):
    class Meta:
        model = SupportAction
        fields = ["date", "kind", "description", "result", "loan_amount_vnd", "lender"]
        widgets = {
            "date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 2}),
            "result": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="support", **kwargs)
        self.helper = _helper()


class StatusForm(GuardedForm, forms.ModelForm):
    class Meta:
        model = Status
        fields = ["as_of", "has_job", "stable_life", "occupation", "income_band", "note"]
        widgets = {"as_of": DateInput(), "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="status", **kwargs)
        self.fields["has_job"].required = False
        self.fields["stable_life"].required = False
        self.helper = _helper()


class ReoffenceForm(GuardedForm, forms.ModelForm):
    class Meta:
        model = Reoffence
        fields = ["date", "incident", "description"]
        widgets = {"date": DateInput(), "description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, incidents, **kwargs):
        super().__init__(*args, prefix="reoffence", **kwargs)
        # Only incidents of the person's own commune can be linked.
        self.fields["incident"].queryset = incidents
        self.helper = _helper()
