"""Input hygiene for every form of the project, the admin's included (issue 12).

Installed once by `BasecurityConfig.ready()` on Django's form fields, so no form can forget it:
- every text field (forms.CharField and its subclasses, which every ModelForm's CharField and
  TextField use) returns `clean_text(value)`: NFC without zero-width or bidirectional-control
  characters, so a search, a comparison or a uniqueness rule sees what the reader sees. Password
  inputs are left exactly as typed.
- every date and date-time field refuses a year outside 1900–2100 as a field error: no record
  of this system is dated outside it, and a year-1 date would overflow the period arithmetic.

Imports clean their cells the same way (basecurity/lib/tabular.py).
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from basecurity.lib.text import clean_text

MIN_YEAR, MAX_YEAR = 1900, 2100
YEAR_MESSAGE = _("Enter a date between 1900 and 2100.")


def check_year(value: date | None) -> None:
    """ValidationError for a date (or date-time) outside MIN_YEAR–MAX_YEAR."""
    if value is not None and not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValidationError(YEAR_MESSAGE, code="year_out_of_range")


def _char_to_python(original):
    def to_python(self, value):
        value = original(self, value)
        if isinstance(value, str) and value and not isinstance(self.widget, forms.PasswordInput):
            value = clean_text(value)
            if self.strip:
                value = value.strip()
        return value

    return to_python


def _temporal_to_python(original):
    def to_python(self, value):
        value = original(self, value)
        check_year(value)
        return value

    return to_python


def install() -> None:
    """Wrap the form fields' to_python once (idempotent)."""
    if getattr(forms.CharField, "_basecurity_hygiene", False):
        return
    forms.CharField.to_python = _char_to_python(forms.CharField.to_python)
    forms.DateField.to_python = _temporal_to_python(forms.DateField.to_python)
    forms.DateTimeField.to_python = _temporal_to_python(forms.DateTimeField.to_python)
    forms.CharField._basecurity_hygiene = True
