"""Cells of the shared record templates (templates/records/list.html, the detail pages): a record's
field shown the way people read it, and the links of a list's export buttons."""

from datetime import date, datetime

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.http import QueryDict
from django.template.defaultfilters import linebreaksbr, truncatechars
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext as _

register = template.Library()

SPECIAL_LABELS = {"place": lambda: _("Place"), "items": lambda: _("Items")}


def _split(column) -> tuple[str, object]:
    """A column given as a field name, a (name, label[, template]) tuple or a records.ListColumn."""
    if isinstance(column, str):
        return column, None
    if isinstance(column, tuple):
        return column[0], column[1]
    return column.name, column.label


@register.filter
def column_label(column, config) -> str:
    """The heading of a column of a kind (communes.records.RecordKind): its given label, or the field's verbose name."""
    name, label = _split(column)
    if label is not None:
        return capfirst(str(label))
    if name in SPECIAL_LABELS:
        return SPECIAL_LABELS[name]()
    return capfirst(config.model._meta.get_field(name).verbose_name)


@register.filter
def column_name(column) -> str:
    return _split(column)[0]


def _format(value, full=False):
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, date):
        return date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, int):
        return number_format(value, force_grouping=True)
    if isinstance(value, str):
        return linebreaksbr(value, autoescape=True) if full else truncatechars(value, 80)
    return str(value)


@register.simple_tag(takes_context=True)
def cell(context, record, column, full=False):
    """The value of `column` for `record`: choices by label, dates dd/mm/yyyy, places as village
    (commune); a column with a template renders it with `record`."""
    if getattr(column, "template", ""):
        return render_to_string(column.template, {"record": record}, request=context.get("request"))
    name, _label = _split(column)
    if name == "place":
        if record.village_id:
            return format_html('{} <small class="text-muted">({})</small>', record.village.name, record.unit.name)
        return record.unit.name
    if name == "items":
        return ", ".join(str(item) for item in record.items.all()) or "—"
    try:
        field = record._meta.get_field(name)
    except FieldDoesNotExist:
        field = None
    if field is not None and field.choices:
        return getattr(record, f"get_{name}_display")() or "—"
    value = getattr(record, name)
    return _format(value() if callable(value) else value, full)


@register.simple_tag
def export_url(kind, query: str, fmt: str, layout: str = "", name: str = "") -> str:
    """The export of the list with its filters and search (`query`, the list's query string), all
    pages; for people, or in the import layout with layout="import"; `name` picks another export
    of the same rows (a person list's statuses)."""
    params = QueryDict(query or "", mutable=True)
    params.pop("page", None)
    if layout:
        params["layout"] = layout
    key = f"{kind.key}-{name}" if name else kind.key
    url = reverse("export", kwargs={"kind": key, "fmt": fmt})
    return f"{url}?{params.urlencode()}" if params else url
