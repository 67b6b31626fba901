from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from basecurity.lib import official, periods
from basecurity.lib.collation import vi
from basecurity.widgets import DateInput
from communes.models import AdministrativeUnit

from .models import Report
from .services import EDITABLE_FIELDS


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    return helper


class ReportCreateForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Commune"), queryset=AdministrativeUnit.objects.none())
    period_kind = forms.ChoiceField(label=_("Period"), choices=periods.Kind.choices, initial=periods.Kind.MONTH)
    year = forms.IntegerField(label=_("Reporting year"), min_value=2000, max_value=2100)
    number = forms.IntegerField(
        label=_("Number in the year"),
        min_value=1,
        max_value=12,
        initial=1,
        help_text=_("Month 1-12, quarter 1-4, 1 or 2 for 6 months; 1 for 9 months and the year."),
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units.filter(level="commune").order_by(vi("name"))
        choices = list(self.fields["unit"].queryset[:2])
        if len(choices) == 1:  # an officer of one commune: nothing to choose
            self.fields["unit"].initial = choices[0].pk
        self.helper = _helper()


class ReportForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Report
        fields = list(EDITABLE_FIELDS)  # what services.report_update accepts
        widgets = {
            "report_date": DateInput(),
            "results": forms.Textarea(attrs={"rows": 6}),
            "shortcomings": forms.Textarea(attrs={"rows": 4}),
            "next_tasks": forms.Textarea(attrs={"rows": 4}),
            "proposals": forms.Textarea(attrs={"rows": 3}),
            "recipients": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["version"] = self.instance.version
        self.fields["document_number"].help_text = _(
            "The number only (e.g. 25): the symbol “/%(symbol)s” is added from the issuing body."
        ) % {"symbol": official.report_symbol(self.instance.unit)}
        self.helper = _helper()

    def clean_document_number(self) -> str:
        """ "25/BC-CAX" typed in full keeps "25": the symbol comes from the unit, never twice."""
        return official.number_only(self.cleaned_data["document_number"])


class ReturnForm(forms.Form):
    comment = forms.CharField(label=_("What must the commune fix?"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


SUPERIOR_LEVELS = ("district", "province")


class PeriodChoiceForm(forms.Form):
    # The superior level of the communes: a district before 1/7/2025, the province since (docs/units.md).
    district = forms.ModelChoiceField(label=_("Superior level"), queryset=AdministrativeUnit.objects.none())
    period_kind = forms.ChoiceField(label=_("Period"), choices=periods.Kind.choices, initial=periods.Kind.MONTH)
    year = forms.IntegerField(label=_("Reporting year"), min_value=2000, max_value=2100)
    number = forms.IntegerField(label=_("Number in the year"), min_value=1, max_value=12, initial=1)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = units.filter(level__in=SUPERIOR_LEVELS).order_by("-valid_until", "path")
        self.helper = _helper()
        self.helper.form_method = "get"

    def clean(self):
        data = super().clean()
        if {"period_kind", "year", "number"} <= set(data):
            try:
                periods.make_period(data["period_kind"], data["year"], data["number"])
            except ValueError as error:
                raise forms.ValidationError(str(error)) from error
        return data


class LockExceptionForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Commune"), queryset=AdministrativeUnit.objects.none())
    start = forms.DateField(label=_("First day"), widget=DateInput())
    end = forms.DateField(label=_("Last day"), widget=DateInput())
    hours = forms.IntegerField(
        label=_("Open for (hours)"), min_value=1, max_value=24 * 14, initial=24, help_text=_("At most 14 days.")
    )
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units.filter(level="commune").order_by(vi("name"))
        self.helper = _helper()

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The last day cannot be before the first day."))
        return data
