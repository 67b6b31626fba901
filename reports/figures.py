"""The figures a report is pre-filled with: dashboards/engine.py's counts and targets for one unit and period.

The engine computes reporting years to date; a report covers a month, quarter, 6 or 9 months or the
year, so the same SQL aggregations run here on a window made of that period (cut at today while it
has not ended) and the same stretch one year earlier ("cùng kỳ").
"""

from django.db.models import Count, Q, Sum
from django.utils import timezone

from basecurity.lib import periods
from communes import lineage
from dashboards import engine
from incidents.models import (
    BusinessInspection,
    DoorToDoorCheck,
    Mediation,
    MediationOutcome,
    OutreachSession,
    Patrol,
    WeaponSurrenderItem,
)
from reintegration.models import SupportAction

from .criteria.results import units_results

GROUP_KEYS = ("crime", "social_evil", "violation")


def period_window(period: periods.Period, today=None) -> engine.Window:
    today = today or timezone.localdate()
    current = period.cut_at(today) if period.start <= today < period.end else period
    return engine.Window(year=period.year, as_of=current.end, current=current, previous=current.previous())


def period_figures(unit, period: periods.Period, today=None) -> dict:
    """The figures of `unit` for `period`: period, previous_period, as_of, counts, previous_counts,
    changes (current - previous), targets, narrative_vi, narrative_en, activities (the period's
    activity totals) and criteria (the year's self-assessment on the four groups, or None), as they
    stand when the report is created or its figures refreshed."""
    win = period_window(period, today)
    scope = engine.load_scope(unit, win.as_of, engine.spans(win))
    own = engine.own_components(scope, win)
    totals = engine.roll_up(scope, own, {item.id: item.path for item in scope.units})
    root, fold = scope.root, scope.fold
    if root is None or fold is None:  # cannot be: a scope loaded for a unit, with spans, has both
        raise ValueError(f"No scope for {unit}.")
    missing = fold.missing.get(root.id, [])
    thresholds = engine.Thresholds(period.year)
    figures = totals[root.id]
    unit_thresholds = {code: thresholds.for_unit(code, unit.path) for code in engine.TARGET_CODES}
    entry = {
        "code": unit.code,
        "name": unit.name,
        "level": unit.level,
        "counts": {key: figures[key] for key in engine.COUNT_KEYS},
        "previous_counts": {key: figures[f"prev_{key}"] for key in engine.COUNT_KEYS},
        "targets": engine.judge(figures, unit_thresholds),
    }
    return {
        "period": win.current.as_json(),
        "previous_period": win.previous.as_json(),
        "as_of": win.as_of.isoformat(),
        "counts": entry["counts"],
        "previous_counts": entry["previous_counts"],
        "changes": {key: entry["counts"][key] - entry["previous_counts"][key] for key in engine.COUNT_KEYS},
        "targets": entry["targets"],
        # The mark travels with the figure: an incomplete comparison says so in the narrative line.
        "narrative_vi": _with_note(
            engine.narrative(entry, period.year, "vi"), lineage.incomplete_note(missing, "vi", unit)
        ),
        "narrative_en": _with_note(
            engine.narrative(entry, period.year, "en"), lineage.incomplete_note(missing, "en", unit)
        ),
        "complete": not missing,
        "missing": [stretch.as_json() for stretch in missing],
        "incomplete_vi": lineage.incomplete_note(missing, "vi", unit),
        "incomplete_en": lineage.incomplete_note(missing, "en", unit),
        "activities": activity_totals(unit, win.current),
        "criteria": criteria_groups(unit, period.year),
    }


def activity_totals(unit, period: periods.Period) -> dict:
    """The activities of the unit's subtree in the period, one aggregate query per kind of record:
    patrols, outreach sessions and attendees, weapons surrendered by type, business inspections and
    fines, mediations (reconciled), door-to-door checks, support given to persons managed. A commune's
    subtree includes its history: the activities of the units that passed into it (docs/units.md), so
    that a period begun before a merger holds what its predecessors did then."""

    def dated(queryset):
        return queryset.within_any([unit], with_history=True).in_period(period.start, period.end)

    inspections = dated(BusinessInspection.objects.all()).aggregate(inspections=Count("id"), fines_vnd=Sum("fine_vnd"))
    mediations = dated(Mediation.objects.all()).aggregate(
        mediations=Count("id"), reconciled=Count("id", filter=Q(outcome=MediationOutcome.RECONCILED))
    )
    checks = dated(DoorToDoorCheck.objects.all()).totals()
    return {
        "patrols": dated(Patrol.objects.all()).count(),
        "outreach": dated(OutreachSession.objects.all()).totals(),
        "weapons": {
            row["item_type"]: row["quantity"] for row in dated(WeaponSurrenderItem.objects.all()).totals_by_type()
        },
        "inspections": inspections["inspections"],
        "fines_vnd": inspections["fines_vnd"] or 0,
        "mediations": mediations["mediations"],
        "reconciled": mediations["reconciled"],
        "door_to_door": checks,
        "support_actions": SupportAction.objects.within_any([unit], with_history=True)
        .filter(date__gte=period.start, date__lte=period.end)
        .count(),
    }


def criteria_groups(unit, year: int) -> dict | None:
    """The unit's self-assessment of the year on the model's four criteria groups, if it has one."""
    result = units_results([unit], year).get(unit.pk)
    if result is None:
        return None
    return {
        "state": result.assessment.state,
        "groups": [
            {
                "number": group.group.number,
                "name": group.group.name,
                "met": group.met,
                "met_items": group.met_items,
                "items": group.items,
            }
            for group in result.groups
        ],
        "met_groups": sum(group.met for group in result.groups),
    }


def _with_note(narrative: str, note: str) -> str:
    """ "So với cùng kỳ ..., xã X giảm 02 vụ, 03 đối tượng (so sánh chưa đầy đủ: ...)." """
    if not note:
        return narrative
    return f"{narrative[:-1]} ({note})." if narrative.endswith(".") else f"{narrative} ({note})"
