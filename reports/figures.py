"""The figures a report is pre-filled with: dashboards/engine.py's counts and targets for one unit and period.

The engine computes reporting years to date; a report covers a month, quarter, 6 or 9 months or the
year, so the same SQL aggregations run here on a window made of that period (cut at today while it
has not ended) and the same stretch one year earlier ("cùng kỳ").
"""

from django.utils import timezone

from basecurity.lib import periods
from communes import lineage
from dashboards import engine

GROUP_KEYS = ("crime", "social_evil", "violation")


def period_window(period: periods.Period, today=None) -> engine.Window:
    today = today or timezone.localdate()
    current = period.cut_at(today) if period.start <= today < period.end else period
    return engine.Window(year=period.year, as_of=current.end, current=current, previous=current.previous())


def period_figures(unit, period: periods.Period, today=None) -> dict:
    """The figures of `unit` for `period`: period, previous_period, as_of, counts, previous_counts,
    changes (current - previous), targets, narrative_vi, narrative_en."""
    win = period_window(period, today)
    scope = engine.load_scope(unit, win.as_of, engine.spans(win))
    own = engine.own_components(scope, win)
    totals = engine.roll_up(scope, own, {item.id: item.path for item in scope.units})
    missing = scope.fold.missing.get(scope.root.id, [])
    thresholds = engine.Thresholds(period.year)
    figures = totals[scope.root.id]
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
    }


def _with_note(narrative: str, note: str) -> str:
    """ "So với cùng kỳ ..., xã X giảm 02 vụ, 03 đối tượng (so sánh chưa đầy đủ: ...)." """
    if not note:
        return narrative
    return f"{narrative[:-1]} ({note})." if narrative.endswith(".") else f"{narrative} ({note})"
