from django import template

from reports.criteria import unit_history

register = template.Library()


@register.simple_tag
def criteria_history(unit):
    """The unit's yearly criteria results (for templates/reports/_criteria_summary.html)."""
    return unit_history(unit) if unit is not None else []
