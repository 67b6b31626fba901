"""Sections that apps built on dashboards add to its pages, without dashboards importing them.

Dependencies flow communes ← incidents ← reintegration ← dashboards ← reports: the reports app
holds the criteria assessments that the commune and district pages show, so dashboards discovers
them. An installed app may offer a module `<app>.dashboard_sections` with either function:

    unit_section(request, unit, year) -> str           # HTML for a unit's page, or ""
    overview_section(request, root, year) -> str       # HTML under a unit's overview, or ""

Each section runs a bounded number of queries (a section is rendered once per page).
"""

from functools import cache

from django.utils.safestring import SafeString, mark_safe

from basecurity.lib import discovery

MODULE = "dashboard_sections"


@cache
def _modules() -> tuple:
    return tuple(discovery.app_modules(MODULE))


def _render(function_name: str, *args) -> SafeString:
    parts = [getattr(module, function_name)(*args) for module in _modules() if hasattr(module, function_name)]
    return mark_safe("".join(part for part in parts if part))  # each part is a rendered template


def unit_sections(request, unit, year: int) -> SafeString:
    return _render("unit_section", request, unit, year)


def overview_sections(request, root, year: int) -> SafeString:
    return _render("overview_section", request, root, year)
