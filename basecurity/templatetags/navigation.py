"""The main menu (templates/nav_items.html), rendered once per language and set of capabilities.

It depends on nothing else (the record kinds' declarations are fixed for the life of a process),
and every page shows it: keeping its HTML saves a template render with a dozen URL lookups and
translations per request. The memo is the process's own, so a new release starts afresh.
"""

from django import template
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_RENDERED: dict[tuple[str, frozenset[str]], str] = {}


@register.simple_tag(takes_context=True)
def main_menu(context: template.Context) -> SafeString:
    capabilities = frozenset(context.get("capabilities") or ())
    key = (translation.get_language(), capabilities)
    html = _RENDERED.get(key)
    if html is None:
        html = _RENDERED[key] = render_to_string(
            "nav_items.html", {"capabilities": capabilities, "menu": context.get("menu", {})}
        )
    return mark_safe(html)  # noqa: S308  (a template's output)
