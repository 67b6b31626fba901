"""The criteria assessment on the dashboards (discovered by dashboards/sections.py).

A commune's page shows the four groups of the year's assessment and the past years; a district's
overview shows each commune's groups and overall result, a province's each district's tally.
Three or four queries per section, whatever the number of communes.
"""

from typing import Any

from django.template.loader import render_to_string

from communes.models import AdministrativeUnit, Level
from communes.permissions import Capability, can

from .criteria import results
from .models import AssessmentState, CriteriaKind, CriteriaSet


def model_set_for(year: int) -> CriteriaSet | None:
    """The model's criteria list in force in `year`, else the latest one before it."""
    return (
        CriteriaSet.objects.filter(kind=CriteriaKind.MODEL_ASSESSMENT, year_from__lte=year)
        .order_by("-year_from", "-year_to")
        .prefetch_related("groups")
        .first()
    )


def unit_section(request, unit, year: int) -> str:
    if unit.level != Level.COMMUNE or not can(request.user, Capability.ORGANISATION_READ, unit):
        return ""
    history = results.unit_history(unit)
    current = next((result for result in history if result.assessment.year == year), None)
    if current is not None:
        groups = [{"number": g.group.number, "name": g.group.name, "result": g} for g in current.groups]
    else:
        criteria_set = model_set_for(year)
        groups = [
            {"number": group.number, "name": group.name, "result": None}
            for group in (criteria_set.groups.all() if criteria_set else [])
        ]
    return render_to_string(
        "reports/_dashboard_unit_criteria.html",
        {"unit": unit, "year": year, "current": current, "groups": groups, "history": history},
        request=request,
    )


def overview_section(request, root, year: int) -> str:
    if root.level == Level.VILLAGE or not can(request.user, Capability.ORGANISATION_READ, root):
        return ""
    communes = list(AdministrativeUnit.objects.subtree_of(root).filter(level=Level.COMMUNE).order_by("path"))
    if not communes:
        return ""
    found = results.units_results(communes, year)
    criteria_set = model_set_for(year)
    group_numbers = [group.number for group in criteria_set.groups.all()] if criteria_set else []
    if root.level == Level.COMMUNE or all(commune.parent_id == root.pk for commune in communes):
        rows = [{"unit": commune, "result": found.get(commune.pk)} for commune in communes]
        tallies = None
    else:
        rows = None
        tallies = _tallies(root, communes, found)
    return render_to_string(
        "reports/_dashboard_overview_criteria.html",
        {"root": root, "year": year, "rows": rows, "tallies": tallies, "group_numbers": group_numbers},
        request=request,
    )


def _tallies(root, communes, found) -> list[dict]:
    """Per district (unit just below the root): communes, assessments confirmed, met and confirmed."""
    depth = root.path.count("/")  # "/22/" → the child's code is the 3rd piece of "/22/202/06976/"
    by_code: dict[str, dict[str, Any]] = {}
    for commune in communes:
        code = commune.path.split("/")[depth]
        tally = by_code.setdefault(code, {"communes": 0, "confirmed": 0, "met": 0, "submitted": 0})
        tally["communes"] += 1
        result = found.get(commune.pk)
        if result is None:
            continue
        if result.assessment.state == AssessmentState.CONFIRMED:
            tally["confirmed"] += 1
            tally["met"] += result.met
        elif result.assessment.state == AssessmentState.SUBMITTED:
            tally["submitted"] += 1
    names = dict(AdministrativeUnit.objects.filter(code__in=by_code).values_list("code", "name"))
    return [{"code": code, "name": names.get(code, code), **tally} for code, tally in by_code.items()]
