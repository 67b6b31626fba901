"""Reads behind the dashboard pages: stored snapshots (or a live computation), monthly trends, counts.

Everything here is SQL aggregation or reads a fixed number of rows per unit in one query: a page
runs the same number of queries whatever the number of communes (dashboards/tests/test_views.py).
No function here returns personal data: only unit names, codes and counts.

- `overview_data(root, year, as_of)`: the targets.md document of the root unit's subtree (or of the
  root and its children only, `children_only`), read from the stored Snapshot / UnitFigures rows
  of that (year, as-of) when every listed unit has them, else computed now with the engine
  (`source` says which).
- `cells(entry, thresholds, projection)`: what each cell of a row shows (current, same period last
  year, change, status word and colour, "≈" when the change is not significant), in integer
  arithmetic: exact, and cheap enough for hundreds of rows.
- `monthly_trend(unit, year, as_of)`: cases and subjects per reporting month (15th → 14th) this
  year and last year, in ONE conditional-aggregation query.
- `tip_attention_counts(unit, as_of)`: tips overdue and due soon, in one query.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import overload

from django.conf import settings
from django.db.models import Aggregate, Count, Q, Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from basecurity.lib import periods
from communes import lineage
from communes.models import AdministrativeUnit, Level
from communes.permissions import Capability, has_capability, root_units
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


def dashboard_roots(user) -> list[AdministrativeUnit]:
    """The units whose dashboards the user opens first (a superuser: the top of the tree)."""
    if user.is_superuser:
        return list(AdministrativeUnit.objects.filter(parent__isnull=True).order_by("path"))
    if not has_capability(user, Capability.DASHBOARD):
        return []
    return [unit for unit in root_units(user, Capability.DASHBOARD) if unit.level != Level.VILLAGE]


# --- Units ----------------------------------------------------------------------------------------


def listed_units(
    root: AdministrativeUnit, *, children_only: bool = False, on: date | None = None
) -> list[AdministrativeUnit]:
    """The root and every province / district / commune below it in force on `on` (default today)
    (`children_only`: the root and the units directly below it), in tree order (one query)."""
    units = AdministrativeUnit.objects.filter(level__in=LISTED_LEVELS).valid_on(on or timezone.localdate())
    if children_only:
        units = units.filter(Q(pk=root.pk) | Q(parent_id=root.pk))
    else:
        units = units.filter(path__startswith=root.path)
    return list(
        units.select_related("parent")
        .only(*engine.UNIT_FIELDS, "is_remote", "parent__name", "parent__level", "parent__kind", "parent__path")
        .order_by("path", "code")
    )


def lists_children_only(root: AdministrativeUnit) -> bool:
    """Whether the overview of `root` lists only the root and its children by default.

    Above district level (a province: 200 communes, 815 kB of HTML when all are listed) the page
    lists the districts, each linking to its own overview with its communes; a district lists its
    communes.
    """
    return root.level == Level.PROVINCE


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
    marks: dict = field(default_factory=dict)  # unit id -> stretches whose records are not held (docs/units.md)

    @property
    def entries(self):
        return self.document["units"]

    @property
    def is_to_date(self) -> bool:
        return self.window.as_of < periods.reporting_year(self.window.year).end


def _units_filter(root: AdministrativeUnit, units: list, children_only: bool) -> dict:
    """The lookup that selects the stored rows of the listed units: their ids when only the root and
    its children are listed (a few), else the subtree's path prefix (thousands at country scale)."""
    if children_only:
        return {"unit_id__in": [unit.id for unit in units]}
    return {"unit__path__startswith": root.path}


def _stored(root: AdministrativeUnit, win: engine.Window, units: list, children_only: bool = False):
    """(document, thresholds, computed_at) from the stored rows of every listed unit, or None.

    Two queries: the units' figures, then their snapshots (only when every unit has figures).
    """
    key = {
        **_units_filter(root, units, children_only),
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


def _previous_full_counts(
    root: AdministrativeUnit, win: engine.Window, units: list, children_only: bool = False
) -> dict:
    """{unit code: counts} of the whole previous reporting year (the baseline of a projection), on
    the map of the as-of date (a unit formed since folds in the units that passed into it).

    Stored figures of year-1 as of its last day when every unit has them (one query), else the
    engine's grouped queries on a window whose previous period is that whole year.
    """
    full = periods.reporting_year(win.year - 1)
    rows = {
        row["unit_id"]: row["counts"]
        for row in UnitFigures.objects.filter(
            **_units_filter(root, units, children_only), period_start=full.start, period_end=full.end, as_of=full.end
        ).values("unit_id", "counts")
    }
    if all(unit.id in rows for unit in units):
        return {unit.code: rows[unit.id] for unit in units}
    whole_year = engine.Window(year=win.year, as_of=win.as_of, current=win.current, previous=full)
    scope = engine.load_scope(root, win.as_of, engine.spans(whole_year))
    totals = engine.roll_up(
        scope, engine.own_components(scope, whole_year), {unit.id: unit.path for unit in scope.units}
    )
    empty = dict.fromkeys(engine.COUNT_KEYS, 0)
    return {
        unit.code: {key: totals[unit.id][f"prev_{key}"] for key in engine.COUNT_KEYS} if unit.id in totals else empty
        for unit in units
    }


def overview_data(
    root: AdministrativeUnit,
    year: int,
    as_of: date | None = None,
    *,
    projection: bool = True,
    children_only: bool = False,
) -> OverviewData:
    """The figures of `root` and every unit below it (`children_only`: the root and the units
    directly below it) for `year` cut at `as_of` (default today).

    Raises engine.EngineError for an as-of date before the year starts.
    """
    win = engine.window(year, as_of)
    if not root.is_valid_on(win.as_of):
        raise engine.EngineError(
            _("%(name)s did not exist on %(day)s.") % {"name": root.name, "day": f"{win.as_of:%d/%m/%Y}"}
        )
    units = listed_units(root, children_only=children_only, on=win.as_of)
    stored = _stored(root, win, units, children_only)
    if stored is not None:
        document, thresholds, computed_at = stored
        source = "stored"
    else:
        # The engine computes the whole subtree (a parent's figures are its children's sums).
        computation = engine.run_computation(year, win.as_of, root)
        document = computation.document
        if children_only:
            codes = {unit.code for unit in units}
            document = {**document, "units": [entry for entry in document["units"] if entry["code"] in codes]}
        by_id = {unit.id: unit.code for unit in computation.scope.units}
        thresholds = {by_id[unit_id]: values for unit_id, values in computation.thresholds.items()}
        computed_at, source = timezone.now(), "live"
    data = OverviewData(
        document, win, units, thresholds, source, computed_at, marks=completeness(root, units, win, children_only)
    )
    if projection and data.is_to_date:
        data.previous_full = _previous_full_counts(root, win, units, children_only)
    return data


def completeness(root: AdministrativeUnit, units: list, win: engine.Window, children_only: bool = False) -> dict:
    """{unit id: stretches whose records are not held} for the listed units: read from the units and
    the lineage only (two or three queries, whatever the number of units or records)."""
    listed = [unit for unit in units if unit.level == Level.COMMUNE]
    if children_only and root.level != Level.COMMUNE:
        # The root and its districts are listed: the communes below them make their marks.
        listed = [unit for unit in listed_units(root, on=win.as_of) if unit.level == Level.COMMUNE]
    candidates, rows = lineage.candidates_for(listed, root, win.as_of)
    fold = lineage.fold_map(listed, candidates, rows, win.as_of, engine.spans(win))
    all_listed = {unit.pk: unit for unit in listed}
    all_listed.update({unit.pk: unit for unit in units})
    lineage.roll_up_marks(list(all_listed.values()), fold)
    return {unit.pk: fold.missing.get(unit.pk, []) for unit in units}


def latest_run(unit: AdministrativeUnit) -> ComputationRun | None:
    """The last recomputation asked for this unit's scope (one query)."""
    return ComputationRun.objects.filter(scope=unit).order_by("-queued_at", "-pk").first()


# --- Numbers as pages show them (1 decimal, exact) --------------------------------------------------
#
# Display rounding (targets.md: 1 decimal in pages) is half away from zero on the exact value. Every
# figure of a cell is a ratio of integers, so it is rounded with one integer division (no Fraction,
# no Decimal): the overview formats thousands of them per page.


def round_half_away(numerator: int, denominator: int) -> int:
    """numerator / denominator (denominator > 0) rounded half away from zero to a whole number, exactly."""
    quotient, remainder = divmod(abs(numerator), denominator)
    if 2 * remainder >= denominator:
        quotient += 1
    return -quotient if numerator < 0 else quotient


@overload
def tenths(value: None) -> None: ...
@overload
def tenths(value: Fraction | Decimal | int | float | str) -> int: ...
def tenths(value: Fraction | Decimal | int | float | str | None) -> int | None:
    """An exact number (Fraction, int, Decimal; floats via their text) in tenths, rounded half away
    from zero: 2/3 -> 7, -1/20 -> -1."""
    if value is None:
        return None
    value = rules.exact(value)
    return round_half_away(10 * value.numerator, value.denominator)


def tenths_text(tenths: int) -> str:
    """A number of tenths as pages show it, 1 decimal in the page's language: 1234 -> "123,4" (vi)."""
    if settings.USE_THOUSAND_SEPARATOR:  # grouping: let Django format it
        return formats.number_format(Decimal(tenths).scaleb(-1), 1, use_l10n=True)
    whole, tenth = divmod(abs(tenths), 10)
    sign = "-" if tenths < 0 else ""
    return f"{sign}{whole}{formats.get_format('DECIMAL_SEPARATOR', use_l10n=True)}{tenth}"


def signed_pct(numerator: int, denominator: int) -> str:
    """The change 100·numerator/denominator as "+12,5%", "−3,0%", "±0,0%"; "—" when denominator is 0."""
    if denominator == 0:
        return "—"
    rounded = round_half_away(1000 * numerator, denominator)
    sign = "+" if rounded > 0 else ("−" if rounded < 0 else "±")
    return f"{sign}{tenths_text(abs(rounded))}%"


def rate_text(numerator: int, denominator: int) -> str:
    if denominator == 0:
        return f"{numerator}/{denominator}"
    return f"{numerator}/{denominator} ({tenths_text(round_half_away(1000 * numerator, denominator))}%)"


def _hundredths(rate: float) -> int | None:
    """A stored rate (a float rounded to 2 decimals, targets.md) as an exact number of hundredths;
    None if its text has more decimals."""
    hundredths = round(rate * 100)
    return hundredths if hundredths / 100 == rate else None


def _rate_tenths(rate) -> int:
    hundredths = _hundredths(rate)
    return tenths(rate) if hundredths is None else round_half_away(hundredths, 10)


# Status -> what its badge shows (the label is lazy: the view translates it once per request).
STATUS_CELLS = {
    status.value: {"status": status.value, "label": status.label, "badge": badge}
    for status, badge in STATUS_BADGES.items()
}


def projection_of(cur: int, full_previous: int, win: engine.Window, threshold) -> dict:
    """Year-end projection of a reduction target (docs/targets-notes.md, "Year-end projection").

    projected = cur × (days in the reporting year / days elapsed to the as-of date), exact;
    on track when the projected count meets the reduction rule against the whole previous year's
    count: full_previous > 0 and 100·(full_previous − projected) ≥ threshold·full_previous, or
    full_previous = 0 and cur = 0. In integers: both sides multiplied by the days elapsed and by
    the threshold's denominator.
    """
    full_days, days = periods.reporting_year(win.year).days, win.current.days
    limit = rules.exact(threshold)
    if full_previous > 0:
        on_track = (
            100 * limit.denominator * (full_previous * days - cur * full_days) >= limit.numerator * full_previous * days
        )
    else:
        on_track = cur == 0
    return {
        "projected": tenths_text(round_half_away(10 * cur * full_days, days)),
        "previous_full": full_previous,
        "on_track": on_track,
        "label": _("on track") if on_track else _("off track"),
    }


def _employment_change(target: dict) -> str:
    """Percentage points between this period's exact rate and the stored previous rate (2 decimals)."""
    previous_rate, numerator, denominator = target["previous_rate"], target["numerator"], target["denominator"]
    if previous_rate is None or denominator == 0:
        return "—"
    hundredths = _hundredths(previous_rate)
    if hundredths is None:  # not a 2-decimal rate: the general exact path
        points = tenths(Fraction(100 * numerator, denominator) - rules.exact(previous_rate))
    else:  # 100·n/d − h/100 = (10000·n − h·d) / (100·d), in tenths: / (10·d)
        points = round_half_away(10000 * numerator - hundredths * denominator, 10 * denominator)
    return _("%(points)s points") % {"points": f"{'+' if points >= 0 else '−'}{tenths_text(abs(points))}"}


def cells(entry: dict, thresholds: dict, win: engine.Window | None, previous_full: dict | None = None) -> list[dict]:
    """What each target's cell shows for one unit, in TargetCode order."""
    result = []
    targets = entry["targets"]
    for code in TARGET_CODES:
        target = targets[code]
        cell = {"code": code, **STATUS_CELLS[target["status"]], "significant": True, "projection": None}
        if code in REDUCTION_CODES:
            cur, prev = target["current"], target["previous"]
            cell["current"], cell["previous"] = str(cur), str(prev)
            cell["change"] = signed_pct(cur - prev, prev)
            # "≈" marks a change that is not significant; no change at all needs no mark.
            cell["significant"] = target["significant"] or cur == prev
            if previous_full and win is not None:  # a projection needs the window
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
            cell["previous"] = "—" if previous_rate is None else f"{tenths_text(_rate_tenths(previous_rate))}%"
            cell["change"] = _employment_change(target)
        else:  # tips, foreigners, reoffending: numerator / denominator of this period
            cell["current"] = rate_text(target["numerator"], target["denominator"])
            cell["previous"], cell["change"] = "—", "—"
        result.append(cell)
    return result


def incomplete_note(data: OverviewData, unit: AdministrativeUnit, language: str) -> str:
    return lineage.incomplete_note(data.marks.get(unit.pk, []), language, unit)


def narrative(entry: dict, year: int, language: str) -> str:
    return engine.narrative(entry, year, language)


# --- Commune page ---------------------------------------------------------------------------------


def monthly_trend(unit: AdministrativeUnit, year: int, as_of: date) -> dict:
    """Cases and subjects per reporting month this year (to the as-of date) and last year: ONE query.

    Months run 15th → 14th (basecurity.lib.periods.months_of), so each month is a conditional
    Count / Sum over its date range; months after the as-of date are None (not drawn).
    """
    current_months, previous_months = periods.months_of(year), periods.months_of(year - 1)
    aggregates: dict[str, Aggregate] = {}
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
