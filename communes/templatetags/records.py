"""Cells of the shared record templates (templates/records/list.html, the detail pages): a record's
field shown the way people read it, and the links of a list's export buttons."""

from datetime import date, datetime

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.http import QueryDict
from django.template.defaultfilters import linebreaksbr, truncatechars
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from basecurity.lib.form_html import field_html

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


def _place(record):
    if record.village_id:
        return format_html('{} <small class="text-muted">({})</small>', record.village.name, record.unit.name)
    return record.unit.name


def _items(record):
    return ", ".join(str(item) for item in record.items.all()) or "—"


def column_formatter(model, column, full=False):
    """A function giving the value of `column` for a record of `model`: choices by label, dates
    dd/mm/yyyy, places as village (commune); a column with a template renders it with `record`
    (alone: with the request every cell ran the context processors, the menu). What does not
    depend on the row (the field, its choices' labels in the current language, the template) is
    looked up once, so that a list's rows (`record_rows`) look it up once per page."""
    name, _label = _split(column)
    if getattr(column, "template", ""):
        template = get_template(column.template)
        return lambda record: template.render({"record": record})
    if name == "place":
        return _place
    if name == "items":
        return _items
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        field = None
    if field is not None and field.choices:
        labels = {value: str(label) for value, label in field.flatchoices}
        attname = field.attname
        return lambda record: labels.get(getattr(record, attname), getattr(record, attname)) or "—"

    def value_of(record):
        value = getattr(record, name)
        return _format(value() if callable(value) else value, full)

    return value_of


@register.simple_tag
def cell(record, column, full=False):
    """The value of `column` for `record` (`column_formatter`), e.g. on a record's page."""
    return column_formatter(type(record), column, full)(record)


@register.simple_tag
def record_rows(kind, columns, records) -> str:
    """The rows of a list's table (templates/records/_table.html), built in Python: a cell per column
    under its heading (`data-label`: the phone's card), the linked column to the record's page.
    Through the template's loops the 25 rows × 6 cells were a large share of a list's CPU time."""
    labels = [conditional_escape(column_label(column, kind)) for column in columns]
    links = [getattr(column, "link", False) and kind.pages for column in columns]
    formatters = [column_formatter(kind.model, column) for column in columns]
    rows = []
    for record in records:
        cells = []
        for formatter, label, link in zip(formatters, labels, links, strict=True):
            value = conditional_escape(formatter(record))
            if link:
                value = format_html('<a href="{}">{}</a>', reverse(kind.detail_url, args=[record.pk]), value)
            cells.append(f'<td data-label="{label}">{value}</td>')
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return mark_safe("".join(rows))  # noqa: S308  (every label and value escaped above)


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


@register.simple_tag
def filter_field(field):
    """A filter of a list in Bootstrap 5 markup, built in Python (basecurity/lib/form_html.py)."""
    return field_html(field)
