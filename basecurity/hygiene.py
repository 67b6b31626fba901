"""Input hygiene for every form of the project, the admin's included (issue 12).

Installed once by `BasecurityConfig.ready()` on Django's form fields, so no form can forget it:
- every text field (forms.CharField and its subclasses, which every ModelForm's CharField and
  TextField use) returns `clean_text(value)`: NFC without zero-width or bidirectional-control
  characters, so a search, a comparison or a uniqueness rule sees what the reader sees. Password
  inputs are left exactly as typed.
- every date and date-time field refuses a year outside 1900–2100 as a field error: no record
  of this system is dated outside it, and a year-1 date would overflow the period arithmetic;
- the admin's date hierarchy refuses such a year like any bad filter instead of overflowing.

Imports clean their cells the same way (basecurity/lib/tabular.py).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

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


INSTALLED_MARK = "_basecurity_hygiene"  # set on forms.CharField once install() has run


def _char_to_python(original: Callable[[Any, Any], Any]) -> Any:
    def to_python(self: Any, value: Any) -> Any:
        value = original(self, value)
        if isinstance(value, str) and value and not isinstance(self.widget, forms.PasswordInput):
            value = clean_text(value)
            if self.strip:
                value = value.strip()
        return value

    return to_python


def _temporal_to_python(original: Callable[[Any, Any], Any]) -> Any:
    def to_python(self: Any, value: Any) -> Any:
        value = original(self, value)
        check_year(value)
        return value

    return to_python


def _admin_filters(original: Callable[[Any, Any], Any]) -> Any:
    """The admin's date hierarchy computes the end of a year or month in Python: year 9999 (or a
    year-1 date made time-zone aware) overflows into a 500. Such a filter is refused like any bad
    filter (the list reloads without it)."""

    def get_filters(self: Any, request: Any) -> Any:
        from django.contrib.admin.options import IncorrectLookupParameters

        if self.date_hierarchy:
            year = request.GET.get(f"{self.date_hierarchy}__year")
            if year is not None and (not year.isdigit() or not MIN_YEAR <= int(year) <= MAX_YEAR):
                raise IncorrectLookupParameters(str(YEAR_MESSAGE))
        try:
            return original(self, request)
        except OverflowError as error:
            raise IncorrectLookupParameters(str(YEAR_MESSAGE)) from error

    return get_filters


def install() -> None:
    """Wrap the form fields' to_python and the admin's list filters once (idempotent)."""
    if getattr(forms.CharField, INSTALLED_MARK, False):
        return
    from django.contrib.admin.views.main import ChangeList

    # Monkeypatching, on purpose: every form field and admin list of the project, Django's included.
    ChangeList.get_filters = _admin_filters(ChangeList.get_filters)  # type: ignore[method-assign]
    forms.CharField.to_python = _char_to_python(forms.CharField.to_python)  # type: ignore[method-assign]
    forms.DateField.to_python = _temporal_to_python(forms.DateField.to_python)  # type: ignore[method-assign]
    forms.DateTimeField.to_python = _temporal_to_python(forms.DateTimeField.to_python)  # type: ignore[method-assign]
    setattr(forms.CharField, INSTALLED_MARK, True)
