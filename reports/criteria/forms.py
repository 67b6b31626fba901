"""Forms of the criteria assessment pages: start, one answer per criterion, the district's decision."""

from crispy_forms.helper import FormHelper
from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from basecurity.lib.collation import vi
from communes.models import AdministrativeUnit, Level

from ..models import ATTACHMENT_EXTENSIONS, CriteriaSet, validate_attachment

MET, NOT_MET = "met", "not_met"


def _helper(method: str = "post") -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.form_method = method
    return helper


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("get")


class AssessmentStartForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Commune or village"), queryset=AdministrativeUnit.objects.none())
    criteria_set = forms.ModelChoiceField(label=_("Criteria list"), queryset=CriteriaSet.objects.none())
    year = forms.IntegerField(label=_("Year assessed"), min_value=2000, max_value=2100)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units.filter(level__in=(Level.COMMUNE, Level.VILLAGE)).order_by("path")
        self.fields["unit"].label_from_instance = lambda unit: (
            unit.name if unit.level == Level.COMMUNE else f"— {unit.name}"
        )
        self.fields["criteria_set"].queryset = CriteriaSet.objects.order_by("-year_from", vi("name"))
        communes = list(self.fields["unit"].queryset.filter(level=Level.COMMUNE)[:2])
        if len(communes) == 1:  # an officer of one commune: the commune is the usual choice
            self.fields["unit"].initial = communes[0].pk
        self.helper = _helper()


class AnswerForm(forms.Form):
    """One criterion: met or not, the evidence, an optional file (PDF, image, Word, Excel; 10 MB)."""

    met = forms.ChoiceField(
        label=_("Result"),
        choices=[(MET, _("Met")), (NOT_MET, _("Not met"))],
        widget=forms.RadioSelect,
        required=False,
    )
    evidence = forms.CharField(
        label=_("Evidence"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Documents, minutes, figures that show it (number and date)."),
    )
    attachment = forms.FileField(
        label=_("Attached file"),
        required=False,
        validators=[validate_attachment],
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(f".{ext}" for ext in ATTACHMENT_EXTENSIONS)}),
    )

    def __init__(self, *args, item, answer=None, **kwargs):
        self.item, self.answer = item, answer
        if answer is not None:
            kwargs.setdefault(
                "initial",
                {"met": MET if answer.met else NOT_MET, "evidence": answer.evidence, "attachment": answer.attachment},
            )
        super().__init__(*args, prefix=f"item-{item.pk}", **kwargs)

    @property
    def met_value(self) -> bool | None:
        value = self.cleaned_data.get("met")
        return None if not value else value == MET

    @property
    def remove_attachment(self) -> bool:
        # ClearableFileInput gives False when the "clear" box is ticked.
        return self.cleaned_data.get("attachment") is False

    @property
    def new_attachment(self):
        value = self.cleaned_data.get("attachment")
        return value if isinstance(value, UploadedFile) else None  # otherwise the stored file, unchanged


class DecisionForm(forms.Form):
    CONFIRM, RETURN = "confirm", "return"
    decision = forms.ChoiceField(
        label=pgettext_lazy("criteria assessment", "Decision"),
        choices=[(CONFIRM, _("Confirm the assessment")), (RETURN, _("Return it to the commune"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (required to return it)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()

    def clean(self):
        data = super().clean()
        if data.get("decision") == self.RETURN and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Say what the commune must fix before it submits again."))
        return data
