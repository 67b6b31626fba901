"""Reads behind the dashboard pages: stored snapshots (or a live computation), monthly trends, counts.

Everything here is SQL aggregation or reads a fixed number of rows per unit in one query: a page
runs the same number of queries whatever the number of communes (dashboards/tests/test_views.py).
No function here returns personal data: only unit names, codes and counts.

- `overview_data(root, year, as_of)`: the targets.md document of the root unit's subtree, read
  from the stored Snapshot / UnitFigures rows of that (year, as-of) when every listed unit has
  them, else computed now with the engine (`source` says which).
- `cells(entry, thresholds, projection)`: what each cell of a row shows (current, same period last
  year, change, status word and colour, "≈" when the change is not significant).
- `monthly_trend(unit, year, as_of)`: cases and subjects per reporting month (15th → 14th) this
  year and last year, in ONE conditional-aggregation query.
- `tip_attention_counts(unit, as_of)`: tips overdue and due soon, in one query.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db.models import Count, Q, Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from basecurity.lib import periods
from communes.models import AdministrativeUnit, Level
from communes.permissions import Capability, can, has_capability, root_units
from incidents.deadlines import DUE_SOON_DAYS
from incidents.models import CrimeTip, Incident

from . import engine, rules
from .models import ComputationRun, Snapshot, TargetCode, UnitFigures

LISTED_LEVELS = (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE)
REDUCTION_CODES = ("crime_reduction", "social_evil_reduction", "violation_reduction")
TARGET_CODES = tuple(TargetCode.values)
# Status -> Bootstrap badge colour (the word is always shown next to the colour).
STATUS_BADGES = {
    rules.Status.MET: "text-bg-success",
    rules.Status.MISSED: "text-bg-danger",
    rules.Status.NO_DATA: "text-bg-secondary",
    rules.Status.NO_BASELINE: "text-bg-warning",
}
NOT_SIGNIFICANT_MARK = "≈"
NOT_SIGNIFICANT_HELP = gettext_lazy("change not statistically significant")


# --- Who may do what ------------------------------------------------------------------------------


def can_view(user, unit: AdministrativeUnit) -> bool:
    return can(user, Capability.DASHBOARD, unit)


def dashboard_roots(user) -> list[AdministrativeUnit]:
    """The units whose dashboards the user opens first (a superuser: the top of the tree)."""
    if user.is_superuser:
        return list(AdministrativeUnit.objects.filter(parent__isnull=True).order_by("path"))
    if not has_capability(user, Capability.DASHBOARD):
        return []
    return [unit for unit in root_units(user, Capability.DASHBOARD) if unit.level != Level.VILLAGE]


# --- Units ----------------------------------------------------------------------------------------


def listed_units(root: AdministrativeUnit) -> list[AdministrativeUnit]:
    """The root and every province / district / commune below it, in tree order (one query)."""
    return list(
        AdministrativeUnit.objects.filter(path__startswith=root.path, level__in=LISTED_LEVELS)
        .only("id", "code", "name", "level", "path", "parent_id", "is_remote")
        .order_by("path", "code")
    )


def place_name(unit: AdministrativeUnit) -> str:
    """The unit's name without its kind: "Huyện Ba Chẽ" -> "Ba Chẽ" (the place of a report's date line)."""
    return rules._split_kind(unit.name)[1]


# --- The figures of a scope -----------------------------------------------------------------------


@dataclass
class OverviewData:
    document: dict
    window: engine.Window
    units: list  # AdministrativeUnit, tree order, same order as document["units"]
    thresholds: dict  # unit code -> {target code: Decimal}
    source: str  # "stored" or "live"
    computed_at: datetime
    previous_full: dict = field(default_factory=dict)  # unit code -> previous full-year counts

    @property
    def entries(self):
        return self.document["units"]

    @property
    def is_to_date(self) -> bool:
        return self.window.as_of < periods.reporting_year(self.window.year).end


def _stored(root: AdministrativeUnit, win: engine.Window, units: list):
    """(document, thresholds, computed_at) from the stored rows of every listed unit, or None.

    Two queries: the units' figures, then their snapshots (only when every unit has figures).
    """
    key = {
        "unit__path__startswith": root.path,
        "period_start": win.current.start,
        "period_end": win.current.end,
        "as_of": win.as_of,
    }
    figures = {
        row["unit_id"]: row
        for row in UnitFigures.objects.filter(**key).values("unit_id", "counts", "previous_counts", "computed_at")
    }
    if any(unit.id not in figures for unit in units):
        return None
    targets: dict[int, dict] = {unit.id: {} for unit in units}
    thresholds: dict[str, dict] = {unit.code: {} for unit in units}
    codes = {unit.id: unit.code for unit in units}
    for row in Snapshot.objects.filter(**key).values("unit_id", "target", "result", "threshold"):
        if row["unit_id"] in targets:
            targets[row["unit_id"]][row["target"]] = row["result"]
            thresholds[codes[row["unit_id"]]][row["target"]] = row["threshold"]
    if any(set(found) != set(TARGET_CODES) for found in targets.values()):
        return None
    document = {
        "year": win.year,
        "as_of": win.as_of.isoformat(),
        "period": win.current.as_json(),
        "previous_period": win.previous.as_json(),
        "units": [
            {
                "code": unit.code,
                "name": unit.name,
                "level": unit.level,
                "counts": figures[unit.id]["counts"],
                "previous_counts": figures[unit.id]["previous_counts"],
                "targets": {code: targets[unit.id][code] for code in TARGET_CODES},
            }
            for unit in units
        ],
    }
    computed_at = max(row["computed_at"] for row in figures.values())
    return document, thresholds, computed_at


def _previous_full_counts(root: AdministrativeUnit, year: int, units: list) -> dict:
    """{unit code: counts} of the whole previous reporting year (the baseline of a projection).

    Stored figures of year-1 as of its last day when every unit has them (one query), else the
    engine computes them now (a fixed number of queries).
    """
    full = periods.reporting_year(year - 1)
    rows = {
        row["unit_id"]: row["counts"]
        for row in UnitFigures.objects.filter(
            unit__path__startswith=root.path, period_start=full.start, period_end=full.end, as_of=full.end
        ).values("unit_id", "counts")
    }
    if all(unit.id in rows for unit in units):
        return {unit.code: rows[unit.id] for unit in units}
    document = engine.compute(year - 1, full.end, root.code)
    return {entry["code"]: entry["counts"] for entry in document["units"]}


def overview_data(
    root: AdministrativeUnit, year: int, as_of: date | None = None, *, projection: bool = True
) -> OverviewData:
    """The figures of `root` and every unit below it for `year` cut at `as_of` (default today).

    Raises engine.EngineError for an as-of date before the year starts.
    """
    win = engine.window(year, as_of)
    units = listed_units(root)
    stored = _stored(root, win, units)
    if stored is not None:
        document, thresholds, computed_at = stored
        source = "stored"
    else:
        computation = engine.run_computation(year, win.as_of, root.code)
        document = computation.document
        by_id = {unit.id: unit.code for unit in computation.scope.units}
        thresholds = {by_id[unit_id]: values for unit_id, values in computation.thresholds.items()}
        computed_at, source = timezone.now(), "live"
    data = OverviewData(document, win, units, thresholds, source, computed_at)
    if projection and data.is_to_date:
        data.previous_full = _previous_full_counts(root, year, units)
    return data


def latest_run(unit: AdministrativeUnit) -> ComputationRun | None:
    """The last recomputation asked for this unit's scope (one query)."""
    return ComputationRun.objects.filter(scope=unit).order_by("-queued_at", "-pk").first()


# --- Numbers as pages show them (1 decimal, exact) --------------------------------------------------


def tenths(value) -> Decimal | None:
    """An exact number (Fraction, int) rounded half away from zero to 1 decimal; floats via their text."""
    if value is None:
        return None
    if isinstance(value, float):
        value = Fraction(repr(value))
    value = Fraction(value)
    scaled = abs(value) * 10
    rounded = int(scaled) + (1 if scaled - int(scaled) >= Fraction(1, 2) else 0)
    result = Decimal(rounded) / 10
    return (-result if value < 0 else result).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def number(value, decimals: int = 1) -> str:
    return formats.number_format(value, decimals, use_l10n=True)


def signed_pct(value: Fraction | None) -> str:
    if value is None:
        return "—"
    rounded = tenths(value)
    sign = "+" if rounded > 0 else ("−" if rounded < 0 else "±")
    return f"{sign}{number(abs(rounded))}%"


def rate_text(numerator: int, denominator: int) -> str:
    if denominator == 0:
        return f"{numerator}/{denominator}"
    return f"{numerator}/{denominator} ({number(tenths(Fraction(100 * numerator, denominator)))}%)"


def status_badge(status: str) -> dict:
    status = rules.Status(status)
    return {"status": status.value, "label": status.label, "badge": STATUS_BADGES[status]}


def projection_of(cur: int, full_previous: int, win: engine.Window, threshold) -> dict:
    """Year-end projection of a reduction target (docs/targets-notes.md, "Year-end projection").

    projected = cur × (days in the reporting year / days elapsed to the as-of date), exact;
    on track when the projected count meets the reduction rule against the whole previous year's
    count: full_previous > 0 and 100·(full_previous − projected) ≥ threshold·full_previous, or
    full_previous = 0 and cur = 0.
    """
    full_days = periods.reporting_year(win.year).days
    projected = Fraction(cur * full_days, win.current.days)
    limit = rules.exact(threshold)
    on_track = 100 * (full_previous - projected) >= limit * full_previous if full_previous > 0 else cur == 0
    return {
        "projected": number(tenths(projected)),
        "previous_full": full_previous,
        "on_track": on_track,
        "label": _("on track") if on_track else _("off track"),
    }


def cells(entry: dict, thresholds: dict, win: engine.Window, previous_full: dict | None = None) -> list[dict]:
    """What each target's cell shows for one unit, in TargetCode order."""
    result = []
    targets = entry["targets"]
    for code in TARGET_CODES:
        target = targets[code]
        cell = {"code": code, **status_badge(target["status"]), "significant": True, "projection": None}
        if code in REDUCTION_CODES:
            cur, prev = target["current"], target["previous"]
            cell["current"], cell["previous"] = str(cur), str(prev)
            cell["change"] = signed_pct(Fraction(100 * (cur - prev), prev) if prev else None)
            # "≈" marks a change that is not significant; no change at all needs no mark.
            cell["significant"] = target["significant"] or cur == prev
            if previous_full:
                group = code.removesuffix("_reduction")
                cell["projection"] = projection_of(
                    cur,
                    previous_full[entry["code"]][f"{group}_cases"],
                    win,
                    thresholds[code] if thresholds.get(code) is not None else 7,
                )
        elif code == "traffic_reduction":
            cur, prev = target["current"], target["previous"]
            cell["current"] = " · ".join(str(cur[key]) for key in rules.TRAFFIC_CRITERIA)
            cell["previous"] = " · ".join(str(prev[key]) for key in rules.TRAFFIC_CRITERIA)
            cell["change"] = " · ".join(
                f"{cur[key] - prev[key]:+d}".replace("-", "−") for key in rules.TRAFFIC_CRITERIA
            )
        elif code == "reintegration_employment":
            cell["current"] = rate_text(target["numerator"], target["denominator"])
            previous_rate = target["previous_rate"]
            cell["previous"] = "—" if previous_rate is None else f"{number(tenths(previous_rate))}%"
            if previous_rate is None or target["denominator"] == 0:
                cell["change"] = "—"
            else:
                points = tenths(
                    Fraction(100 * target["numerator"], target["denominator"]) - Fraction(repr(previous_rate))
                )
                cell["change"] = _("%(points)s points") % {
                    "points": f"{'+' if points >= 0 else '−'}{number(abs(points))}"
                }
        else:  # tips, foreigners, reoffending: numerator / denominator of this period
            cell["current"] = rate_text(target["numerator"], target["denominator"])
            cell["previous"], cell["change"] = "—", "—"
        result.append(cell)
    return result


def narrative(entry: dict, year: int, language: str) -> str:
    return engine.narrative(entry, year, language)


# --- Commune page ---------------------------------------------------------------------------------


def monthly_trend(unit: AdministrativeUnit, year: int, as_of: date) -> dict:
    """Cases and subjects per reporting month this year (to the as-of date) and last year: ONE query.

    Months run 15th → 14th (basecurity.lib.periods.months_of), so each month is a conditional
    Count / Sum over its date range; months after the as-of date are None (not drawn).
    """
    current_months, previous_months = periods.months_of(year), periods.months_of(year - 1)
    aggregates = {}
    for prefix, months in (("cur", current_months), ("prev", previous_months)):
        for index, month in enumerate(months):
            in_month = Q(occurred_on__range=(month.start, month.end))
            aggregates[f"{prefix}_cases_{index}"] = Count("id", filter=in_month)
            aggregates[f"{prefix}_subjects_{index}"] = Sum("subjects", filter=in_month)
    totals = (
        Incident.objects.within(unit)
        .filter(occurred_on__range=(previous_months[0].start, current_months[-1].end))
        .aggregate(**aggregates)
    )

    def series(prefix, kind, months, cut):
        return [
            None if cut is not None and month.start > cut else (totals[f"{prefix}_{kind}_{index}"] or 0)
            for index, month in enumerate(months)
        ]

    return {
        "labels": [f"{month.end:%m/%Y}" for month in current_months],
        "cases": {
            "current": series("cur", "cases", current_months, as_of),
            "previous": series("prev", "cases", previous_months, None),
        },
        "subjects": {
            "current": series("cur", "subjects", current_months, as_of),
            "previous": series("prev", "subjects", previous_months, None),
        },
        "text": {
            "current": _("Year %(year)s") % {"year": year},
            "previous": _("Year %(year)s") % {"year": year - 1},
            "cases": _("Cases per month"),
            "subjects": _("Subjects per month"),
        },
    }


def tip_attention_counts(unit: AdministrativeUnit, as_of: date) -> dict:
    """{"overdue", "due_soon"}: undecided tips of the unit's subtree past their deadline, and due
    within DUE_SOON_DAYS days of the as-of date (incidents.querysets), in one query."""
    undecided = Q(decided_on__isnull=True) | Q(decided_on__gt=as_of)
    soon = as_of + timedelta(days=DUE_SOON_DAYS)
    return (
        CrimeTip.objects.within(unit)
        .filter(undecided, received_on__lte=as_of)
        .aggregate(
            overdue=Count("id", filter=Q(deadline__lt=as_of)),
            due_soon=Count("id", filter=Q(deadline__range=(as_of, soon))),
        )
    )
