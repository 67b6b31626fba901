"""The dashboards' GET form: which reporting year, cut at which as-of date."""

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from basecurity.lib import periods
from basecurity.widgets import DateInput

FIRST_YEAR = 2019  # the model's reporting starts with the 2020 baseline of the 2021-2025 targets


def current_year() -> int:
    return periods.period_of(timezone.localdate()).year


class PeriodForm(forms.Form):
    """?year=2026&as_of=2026-11-28: both optional (default: the current reporting year, to today)."""

    year = forms.TypedChoiceField(label=_("Reporting year"), coerce=int, required=False)
    as_of = forms.DateField(
        label=_("As of"),
        required=False,
        widget=DateInput(attrs={"class": "form-control form-control-sm"}),
        help_text=_("Leave empty for today (or the last day of a finished year)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Links carry the as-of date as ISO (views._query); the field shows it as dd/mm/yyyy.
        raw = self.data.get("as_of") if self.is_bound else None
        if raw and len(raw) == 10 and raw[4] == "-":
            try:
                day = date.fromisoformat(raw)
            except ValueError:
                pass
            else:
                self.data = self.data.copy()
                self.data["as_of"] = day.strftime("%d/%m/%Y")
        this_year = current_year()
        self.fields["year"].choices = [(year, str(year)) for year in range(this_year, FIRST_YEAR - 1, -1)]

    def clean(self):
        data = super().clean()
        year = data.get("year") or current_year()
        data["year"] = year
        as_of = data.get("as_of")
        if as_of is not None:
            first_day = periods.reporting_year(year).start
            if as_of < first_day:
                self.add_error(
                    "as_of",
                    _("Reporting year %(year)s starts on %(start)s: choose an as-of date on or after it.")
                    % {"year": year, "start": first_day.strftime("%d/%m/%Y")},
                )
        return data

    def period(self) -> tuple[int, object]:
        """(year, as_of or None) from valid data; the current year to today otherwise."""
        if self.is_valid():
            return self.cleaned_data["year"], self.cleaned_data.get("as_of")
        # A refused as-of date: the chosen year, to today (the error is shown next to the field).
        return getattr(self, "cleaned_data", {}).get("year") or current_year(), None
