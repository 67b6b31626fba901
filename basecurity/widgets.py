"""Date, date-and-time and time fields typed and shown as dd/mm/yyyy (and hh:mm, 24 h, no seconds)
whatever the browser's language: a text input with the format as its placeholder and pattern (a
native `type="date"` shows an English browser's mm/dd/yyyy), a calendar from the vendored flatpickr
(static/js/dates.js), and digits typed on a phone's number pad get their separators.

The server reads what DATE_INPUT_FORMATS / DATETIME_INPUT_FORMATS allow (basecurity/formats):
dd/mm/yyyy first, ISO still accepted. Every form uses these classes; a filter form too:
`django_filters.DateFilter(widget=DateInput())`.
"""

from typing import Any

from django import forms
from django.forms.widgets import DateTimeBaseInput
from django.utils.translation import gettext_lazy as _


class _Typed(DateTimeBaseInput):
    """The attributes shared by the three inputs; `kind` tells static/js/dates.js which picker to open,
    an attribute `data-max-date` (ISO) the last day it offers."""

    python_format = ""
    kind = ""
    shape = ""
    pattern = ""
    example: Any = ""  # a lazy translation

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        defaults: dict[str, Any] = {
            "placeholder": self.shape,
            "pattern": self.pattern,
            "inputmode": "numeric",
            "autocomplete": "off",
            "maxlength": len(self.shape),
            "data-picker": self.kind,
            "title": self.example,
        }
        super().__init__(attrs={**defaults, **(attrs or {})}, format=self.python_format)


class DateInput(_Typed, forms.DateInput):
    kind, shape, python_format = "date", "dd/mm/yyyy", "%d/%m/%Y"
    pattern = r"\d{1,2}/\d{1,2}/\d{4}"
    example = _("Day/month/year, e.g. 05/06/2026")


class DateTimeInput(_Typed, forms.DateTimeInput):
    kind, shape, python_format = "datetime", "dd/mm/yyyy hh:mm", "%d/%m/%Y %H:%M"
    pattern = r"\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}"
    example = _("Day/month/year hour:minute (24 h), e.g. 05/06/2026 14:30")


class TimeInput(_Typed, forms.TimeInput):
    kind, shape, python_format = "time", "hh:mm", "%H:%M"
    pattern = r"\d{1,2}:\d{2}"
    example = _("Hour:minute (24 h), e.g. 14:30")
