"""Forms of the record pages: one ModelForm per record kind and the tip actions (the list filters are
communes/record_kinds.py's).

Record forms offer only the communes where the user may write (Capability.RECORDS_WRITE) and the
villages of those communes; the model's clean() (run by the ModelForm) refuses a village of
another commune, a future date, a decision before the receipt ... at the field concerned.
Dates and times are typed or picked as dd/mm/yyyy and hh:mm (basecurity/widgets.py).
"""

from crispy_forms.helper import FormHelper
from django import forms
from django.db.models import BLANK_CHOICE_DASH
from django.forms import inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from basecurity.lib.collation import vi
from basecurity.widgets import DateInput, DateTimeInput, TimeInput
from communes.forms import VillageSelect, preselect_only_choice, village_label
from communes.models import Level
from communes.submissions import GuardedForm

from . import models


class CategoriesByGroup(forms.models.ModelChoiceIterator):
    """The categories of a select under their group (crime, social evil, law violation) as
    <optgroup>s, read when the select is drawn (a list's filter form class is built once per
    process); the field still validates against its queryset."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        labels = dict(models.CategoryGroup.choices)
        groups: dict[str, list] = {}
        for category in self.queryset.all():
            groups.setdefault(category.group, []).append(self.choice(category))
        for group, options in groups.items():
            yield (labels.get(group, group), options)


def group_categories(field: forms.ModelChoiceField) -> None:
    """Show `field`'s categories under their group (CategoriesByGroup)."""
    field.iterator = CategoriesByGroup
    field.widget.choices = field.choices


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    return helper


def _communes_and_villages(form: forms.Form, units, *, unit_field: str = "unit") -> None:
    """Limit the unit and village choices of `form` to `units` (a queryset of the user's units)."""
    form.fields[unit_field].queryset = units.filter(level=Level.COMMUNE).order_by(vi("name"))
    villages = form.fields["village"]
    villages.widget = VillageSelect()
    villages.queryset = (
        units.filter(level=Level.VILLAGE).select_related("parent").order_by(vi("parent__name"), vi("name"))
    )
    villages.label_from_instance = village_label


class RecordForm(GuardedForm, forms.ModelForm):
    """Base of the forms of records that belong to a commune and optionally one of its villages."""

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        _communes_and_villages(self, units)
        self.fields["village"].error_messages["invalid_choice"] = _(
            "This village is not one of your communes' villages: choose a village of the selected commune."
        )
        preselect_only_choice(self, "unit")
        # The calendar offers no day after today (the server refuses future dates too).
        today = timezone.localdate().isoformat()
        for name in self.instance.no_future_fields:
            field = self.fields.get(name)
            if field is not None and isinstance(field.widget, DateInput | DateTimeInput):
                field.widget.attrs["data-max-date"] = today
        self.helper = _helper()


def _widgets(dates=(), datetimes=(), times=(), texts=()) -> dict:
    widgets = {name: DateInput() for name in dates}
    widgets |= {name: DateTimeInput() for name in datetimes}
    widgets |= {name: TimeInput() for name in times}
    widgets |= {name: forms.Textarea(attrs={"rows": 3}) for name in texts}
    return widgets


class IncidentForm(RecordForm):
    class Meta:
        model = models.Incident
        fields = [
            "unit", "village", "occurred_on", "occurred_at_time", "reported_on", "category", "subjects",
            "description", "status", "outcome", "fine_amount_vnd",
        ]  # fmt: skip
        widgets = _widgets(dates=["occurred_on", "reported_on"], times=["occurred_at_time"], texts=["description"])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        categories = models.IncidentCategory.objects.filter(is_active=True)
        if self.instance.category_id:
            current = models.IncidentCategory.objects.filter(pk=self.instance.category_id)
            categories = categories | current
        self.fields["category"].queryset = categories.order_by("group", vi("name"))
        group_categories(self.fields["category"])


class CrimeTipForm(RecordForm):
    class Meta:
        model = models.CrimeTip
        fields = [
            "unit", "village", "kind", "received_on", "received_at", "source", "summary",
            "handed_over_at", "decision", "decided_on",
        ]  # fmt: skip
        widgets = _widgets(
            dates=["received_on", "decided_on"], datetimes=["received_at", "handed_over_at"], texts=["summary"]
        )
        help_texts = {"received_at": _("When known, the date above is taken from it.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["received_on"].required = False

    def clean(self):
        data = super().clean()
        if not data.get("received_on") and not data.get("received_at") and "received_on" not in self.errors:
            self.add_error("received_on", _("Give the date the tip was received."))
        return data


class TrafficAccidentForm(RecordForm):
    class Meta:
        model = models.TrafficAccident
        fields = [
            "unit", "village", "occurred_on", "occurred_at_time", "place", "vehicles", "deaths", "injuries",
            "damage_vnd", "description",
        ]  # fmt: skip
        widgets = _widgets(dates=["occurred_on"], times=["occurred_at_time"], texts=["description"])


class ForeignerStayForm(RecordForm):
    class Meta:
        model = models.ForeignerStay
        fields = [
            "unit", "village", "full_name", "nationality", "passport_number", "accommodation_kind", "business",
            "host_address", "arrived_at", "declared_at", "departed_on",
        ]  # fmt: skip
        widgets = _widgets(dates=["departed_on"], datetimes=["arrived_at", "declared_at"])

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, units=units, **kwargs)
        self.fields["business"].queryset = models.ConditionalBusiness.objects.in_units(units).order_by(vi("name"))
        self.fields["nationality"].widget.attrs.update({"autocapitalize": "characters", "maxlength": 2})

    def clean_nationality(self):
        return (self.cleaned_data.get("nationality") or "").strip().upper()


class ConditionalBusinessForm(RecordForm):
    class Meta:
        model = models.ConditionalBusiness
        fields = [
            "unit", "village", "kind", "name", "owner_name", "address", "security_certificate_number",
            "security_certificate_date", "status",
        ]  # fmt: skip
        widgets = _widgets(dates=["security_certificate_date"])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = models.BusinessKind.objects.filter(
            is_active=True
        ) | models.BusinessKind.objects.filter(pk=self.instance.kind_id)


class WeaponSurrenderForm(RecordForm):
    class Meta:
        model = models.WeaponSurrender
        fields = ["unit", "village", "surrendered_on", "surrendered_by", "notes"]
        widgets = _widgets(dates=["surrendered_on"], texts=["notes"])


class PatrolForm(RecordForm):
    class Meta:
        model = models.Patrol
        fields = ["unit", "village", "patrolled_on", "forces", "participants", "area_kind", "area", "results"]
        widgets = _widgets(dates=["patrolled_on"], texts=["results"])


class OutreachSessionForm(RecordForm):
    class Meta:
        model = models.OutreachSession
        fields = ["unit", "village", "held_on", "topic", "attendees", "notes"]
        widgets = _widgets(dates=["held_on"], texts=["notes"])


class MediationForm(RecordForm):
    class Meta:
        model = models.Mediation
        fields = ["unit", "village", "mediated_on", "parties", "subject", "outcome"]
        widgets = _widgets(dates=["mediated_on"], texts=["subject"])


class DoorToDoorCheckForm(RecordForm):
    class Meta:
        model = models.DoorToDoorCheck
        fields = ["unit", "village", "checked_on", "households_checked", "violations_found", "findings"]
        widgets = _widgets(dates=["checked_on"], texts=["findings"])


class BusinessInspectionForm(GuardedForm, forms.ModelForm):
    class Meta:
        model = models.BusinessInspection
        fields = ["inspected_on", "kind", "result", "violations", "fine_vnd"]
        widgets = _widgets(dates=["inspected_on"], texts=["violations"])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class SurrenderItemFormSetHelper(FormHelper):
    form_tag = False
    disable_csrf = True


SurrenderItemFormSet = inlineformset_factory(
    models.WeaponSurrender,
    models.WeaponSurrenderItem,
    fields=["item_type", "quantity", "description"],
    extra=2,
    can_delete=True,
)


# --- Tip actions ------------------------------------------------------------------------------


class TipActionForm(GuardedForm, forms.Form):
    """An action on a tip (hand-over, decision): carries the tip's version like an edit form, so an
    action sent from a page opened before someone else's save is refused (communes/submissions.py)."""

    prefix_name = ""

    def __init__(self, *args, tip=None, **kwargs):
        self.instance = tip
        super().__init__(*args, prefix=self.prefix_name, **kwargs)
        self.helper = _helper()


class TipHandOverForm(TipActionForm):
    prefix_name = "handover"
    handed_over_at = forms.DateTimeField(label=_("Handed to the investigating body at"), widget=DateTimeInput())


class TipExtendForm(GuardedForm, forms.Form):
    new_deadline = forms.DateField(label=_("New deadline"), widget=DateInput())
    extended_on = forms.DateField(label=_("Extended on"), widget=DateInput(), initial=timezone.localdate)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="extend", **kwargs)
        self.helper = _helper()


class TipDecideForm(TipActionForm):
    prefix_name = "decide"
    # Nothing chosen at first: a decision to prosecute or not is never a default.
    decision = forms.ChoiceField(label=_("Decision"), choices=[*BLANK_CHOICE_DASH, *models.TipDecision.choices])
    decided_on = forms.DateField(label=_("Decided on"), widget=DateInput(), initial=timezone.localdate)


class DeleteForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for deleting"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the history of the record."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()
