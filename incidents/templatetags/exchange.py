"""Links of the import and export buttons on the record lists (templates/incidents/_exchange_buttons.html)."""

from django import template
from django.http import QueryDict
from django.urls import reverse

from incidents.exports import IMPORT_KINDS

register = template.Library()


@register.simple_tag
def import_kind(kind: str) -> str:
    """The import kind of a list kind ("incident" → "incidents"), or "" when it cannot be imported."""
    return IMPORT_KINDS.get(kind, "")


@register.simple_tag
def export_url(kind: str, query: str, fmt: str, layout: str = "") -> str:
    """The export of the list with its filters and search (`query`, the list's query string), all pages;
    for people, or in the import layout with layout="import"."""
    params = QueryDict(query or "", mutable=True)
    params.pop("page", None)
    params["format"] = fmt
    if layout:
        params["layout"] = layout
    return f"{reverse('incidents:export', args=[kind])}?{params.urlencode()}"
