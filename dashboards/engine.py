"""The metric engine: the yearly targets of targets.md for every unit of a scope, in one pass.

`compute(year, as_of=None, scope_code=None)` returns exactly the JSON document of targets.md
("Machine-readable output"). How it is computed:

1. The units of the scope, in tree order (one query). Village-level units are not listed: records
   carry their commune as unit, so a village would only ever show zeros (docs/targets-notes.md).
2. One SQL aggregation per record type, grouped by unit (and incident group), with the current and
   the previous period side by side through conditional aggregation (`filter=Q(...)`): incidents,
   traffic accidents, crime tips, foreigners' stays, reintegrated persons. Never a Python loop over
   records.
3. Roll-up in Python over those per-unit rows: each row is added to its unit and to every ancestor
   of the scope found in the unit's `path`. Cost: rows × depth + units, never rows × units.
   Parents are built from summed counts, numerators and denominators, never from percentages.
4. Each target judged by dashboards/rules.py with the threshold of its target definition.

`recompute(...)` stores the result as Snapshot and UnitFigures rows (upserts inside one
transaction, so a second or concurrent run leaves the same rows) and records a ComputationRun.
"""

from __future__ import annotations

import time
import traceback
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import BigIntegerField, Count, Exists, F, OuterRef, Q, Subquery, Sum
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from basecurity.lib import periods
from communes import lineage
from communes.models import AdministrativeUnit, Level
from incidents.models import CrimeTip, ForeignerStay, Incident, TrafficAccident
from reintegration.models import REOFFENDING_CATEGORIES, Person, PersonTransfer, Reoffence
from reintegration.models import Status as PersonStatus

from . import rules, store
from .models import DEFAULT_TARGETS, ComputationRun, TargetCode, TargetDefinition, UnitFigures

GROUPS = ("crime", "social_evil", "violation")
COUNT_KEYS = (
    "crime_cases",
    "crime_subjects",
    "social_evil_cases",
    "social_evil_subjects",
    "violation_cases",
    "violation_subjects",
    "traffic_cases",
    "traffic_deaths",
    "traffic_injuries",
)
# Numerators and denominators of the rate targets (current period; prev_* for the previous one).
RATE_KEYS = (
    "tips_judged",
    "tips_on_time",
    "stays",
    "stays_on_time",
    "cohort",
    "reoffended",
    "population",
    "employed",
    "prev_population",
    "prev_employed",
)
COMPONENT_KEYS = COUNT_KEYS + tuple(f"prev_{key}" for key in COUNT_KEYS) + RATE_KEYS
TARGET_CODES = tuple(TargetCode.values)
LISTED_LEVELS = (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE)


class EngineError(ValueError):
    """A request the engine cannot answer (unknown unit, date outside the year): a clear message."""


# --- Periods ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """The periods of one computation: year Y cut at `as_of`, and the same stretch one year earlier."""

    year: int
    as_of: date
    current: periods.Period
    previous: periods.Period


def window(year: int, as_of: date | datetime | None = None) -> Window:
    """Reporting year `year` cut at `as_of`; the previous period cut at the same day one year earlier.

    `as_of` defaults to today (local date). An as-of date after the end of the year is the last day
    of the year (a closed year is judged as it stood on its last day, so its snapshots keep one
    key); an as-of date before the year starts is refused.
    """
    full = periods.reporting_year(year)
    as_of = timezone.localdate() if as_of is None else periods.local_date(as_of)
    if as_of < full.start:
        raise EngineError(
            _("The as-of date %(as_of)s is before reporting year %(year)s starts (%(start)s).")
            % {"as_of": f"{as_of:%d/%m/%Y}", "year": year, "start": f"{full.start:%d/%m/%Y}"}
        )
    as_of = min(as_of, full.end)
    current = full.cut_at(as_of)
    return Window(year=year, as_of=as_of, current=current, previous=current.previous())


# --- Units ------------------------------------------------------------------------------------


@dataclass
class Scope:
    root: AdministrativeUnit | None
    units: list  # listed units (province, district, commune levels) valid on the as-of date, tree order
    ids_by_segment: dict  # listed units: path segment -> id
    fold: lineage.FoldMap | None = None  # where each unit's records count (docs/units.md)
    outside_ids: tuple = ()  # predecessors from outside the root's subtree whose records fold in


UNIT_FIELDS = ("id", "code", "name", "kind", "level", "path", "parent_id", "valid_from", "valid_until", "covered_from")


def resolve_unit(scope, as_of: date) -> AdministrativeUnit:
    """The unit a scope names: an instance, an id, or a code read at `as_of` (a code alone names several
    units over time: 06970 is the town until 30/06/2025 and xã Ba Chẽ since)."""
    if isinstance(scope, AdministrativeUnit):
        return scope
    units = AdministrativeUnit.objects.select_related("parent")
    if isinstance(scope, int):
        found = units.filter(pk=scope).first()
    else:
        found = units.at(scope, as_of) if as_of else units.filter(code=scope).first()
    if found is None:
        if units.filter(code=scope).exists():
            raise EngineError(
                _("No unit had the code %(code)s on %(day)s.") % {"code": scope, "day": f"{as_of:%d/%m/%Y}"}
            )
        raise EngineError(_("There is no unit with the code %(code)s.") % {"code": scope})
    return found


def load_scope(scope=None, as_of: date | None = None, spans=()) -> Scope:
    """The units of the scope valid on `as_of`: the unit `scope` (a code, an id or a unit) and everything
    below it (default: all units), with the fold map of their records at `as_of` (`spans`: the periods
    compared, for completeness)."""
    as_of = as_of or timezone.localdate()
    root = None
    queryset = (
        AdministrativeUnit.objects.select_related("parent")
        .only(*UNIT_FIELDS, "parent__name", "parent__level", "parent__kind", "parent__path")
        .filter(level__in=LISTED_LEVELS)
        .valid_on(as_of)
        .order_by("path", "code")
    )
    if scope:
        root = resolve_unit(scope, as_of)
        if root.level == Level.VILLAGE:
            raise EngineError(
                _("Targets are computed for communes and the units above them; %(name)s is a village.")
                % {"name": root.name}
            )
        if not root.is_valid_on(as_of):
            raise EngineError(_("%(name)s did not exist on %(day)s.") % {"name": root.name, "day": f"{as_of:%d/%m/%Y}"})
        queryset = queryset.filter(path__startswith=root.path)
    listed = list(queryset)
    candidates, lineage_rows = lineage.candidates_for(listed, root, as_of)
    fold = lineage.fold_map(listed, candidates, lineage_rows, as_of, spans)
    lineage.roll_up_marks(listed, fold)
    outside = tuple(unit.pk for unit in candidates if root is not None and not unit.path.startswith(root.path))
    return Scope(
        root=root,
        units=listed,
        ids_by_segment={_last_segment(unit.path): unit.id for unit in listed},
        fold=fold,
        outside_ids=outside,
    )


def _segments(path: str) -> list[str]:
    """ "/22/202/06976/" -> ["22", "202", "06976"] (root first)."""
    return [segment for segment in path.split("/") if segment]


def _last_segment(path: str) -> str:
    return _segments(path)[-1]


# --- SQL aggregations (one query per record type) ---------------------------------------------


def _in_scope(queryset, scope: Scope):
    """Records of the scope's subtree in every era, and of the predecessors that came from outside it."""
    if scope.root is None:
        return queryset
    condition = Q(**{f"{queryset.unit_field}__path__startswith": scope.root.path})
    if scope.outside_ids:
        condition |= Q(**{f"{queryset.unit_field}__in": scope.outside_ids})
    return queryset.filter(condition)


def _by(scope: Scope) -> tuple[str, ...]:
    """Rows grouped by unit; also by village when some part transfer names the villages that moved."""
    return ("unit", "village") if scope.fold is not None and scope.fold.village_target else ("unit",)


def _range(field: str, period: periods.Period) -> Q:
    return Q(**{f"{field}__range": (period.start, period.end)})


def _both_periods(field: str, win: Window) -> tuple[Q, Q, Q]:
    """(WHERE, current, previous): the WHERE keeps the rows of either period; inside it one comparison
    tells them apart, since the previous period (one year earlier, not longer) ends before the current
    one starts. Two full ranges in each FILTER cost about 20 % of the incidents query (EXPLAIN)."""
    where = _range(field, win.current) | _range(field, win.previous)
    start = win.current.start
    return where, Q(**{f"{field}__gte": start}), Q(**{f"{field}__lt": start})


def _incident_rows(scope: Scope, win: Window):
    where, cur, prev = _both_periods("occurred_on", win)
    return (
        _in_scope(Incident.objects.filter(where), scope)
        .values(*_by(scope), "category__group")
        .annotate(
            cur_cases=Count("id", filter=cur),
            cur_subjects=Sum("subjects", filter=cur),
            prev_cases=Count("id", filter=prev),
            prev_subjects=Sum("subjects", filter=prev),
        )
        .order_by()
    )


def _traffic_rows(scope: Scope, win: Window):
    where, cur, prev = _both_periods("occurred_on", win)
    return (
        _in_scope(TrafficAccident.objects.filter(where), scope)
        .values(*_by(scope))
        .annotate(
            traffic_cases=Count("id", filter=cur),
            traffic_deaths=Sum("deaths", filter=cur),
            traffic_injuries=Sum("injuries", filter=cur),
            prev_traffic_cases=Count("id", filter=prev),
            prev_traffic_deaths=Sum("deaths", filter=prev),
            prev_traffic_injuries=Sum("injuries", filter=prev),
        )
        .order_by()
    )


def _tip_rows(scope: Scope, win: Window):
    """Tips received in P, judged as they stood at the end of the as-of day (CrimeTipQuerySet.on_time_counts)."""
    return _in_scope(CrimeTip.objects.in_period(win.current), scope).on_time_counts(win.as_of, _by(scope))


def _stay_rows(scope: Scope, win: Window):
    """Stays whose local arrival date is in P; on time when declared by the stored 12 h / 24 h deadline."""
    return _in_scope(ForeignerStay.objects.in_period(win.current), scope).declaration_counts(_by(scope))


def _managed_on(day: date) -> Q:
    return Q(returned_on__lte=day) & (Q(management_end__isnull=True) | Q(management_end__gte=day))


def _latest_status(day: date, field: str) -> Subquery:
    latest = PersonStatus.objects.filter(person=OuterRef("pk"), as_of__lte=day).order_by("-as_of")
    return Subquery(latest.values(field)[:1])


def _person_rows(scope: Scope, win: Window):
    """Reoffending cohort and employment population of both periods, in one GROUP BY over persons."""
    cur, prev = win.current, win.previous
    cohort = Q(category__in=REOFFENDING_CATEGORIES, returned_on__lte=cur.end) & (
        Q(management_end__isnull=True) | Q(management_end__gte=cur.start)
    )
    reoffence = Reoffence.objects.filter(
        person=OuterRef("pk"), date__range=(cur.start, cur.end), date__gte=OuterRef("returned_on")
    )
    managed_cur, managed_prev = _managed_on(cur.end), _managed_on(prev.end)
    # A person's file moves with its commune (reintegration.PersonTransfer): for the as-of date it
    # counts where it was managed then, the "from" of the first transfer after that day, else its unit.
    later_transfer = PersonTransfer.objects.filter(person=OuterRef("pk"), date__gt=win.as_of).order_by("date")
    unit_then = Coalesce(
        Subquery(later_transfer.values("from_unit_id")[:1]), F("unit_id"), output_field=BigIntegerField()
    )
    persons = Person.objects.filter(returned_on__lte=cur.end)
    if scope.root is not None:
        # Q | Exists is a Q at run time; django-stubs types it as the Exists' Combinable.
        in_subtree: Q | Combinable = Q(unit__path__startswith=scope.root.path) | Exists(
            PersonTransfer.objects.filter(person=OuterRef("pk"), from_unit__path__startswith=scope.root.path)
        )
        if scope.outside_ids:
            in_subtree |= Q(unit__in=scope.outside_ids)
        persons = persons.filter(in_subtree)
    grouping = {"unit_then": unit_then, **({"village_then": F("village")} if _by(scope) != ("unit",) else {})}
    return (
        persons.alias(
            reoffended_in_p=Exists(reoffence),
            job_cur=_latest_status(cur.end, "has_job"),
            stable_cur=_latest_status(cur.end, "stable_life"),
            job_prev=_latest_status(prev.end, "has_job"),
            stable_prev=_latest_status(prev.end, "stable_life"),
        )
        .values(**grouping)
        .annotate(
            cohort=Count("pk", filter=cohort),
            reoffended=Count("pk", filter=cohort & Q(reoffended_in_p=True)),
            population=Count("pk", filter=managed_cur),
            employed=Count("pk", filter=managed_cur & Q(job_cur=True, stable_cur=True)),
            prev_population=Count("pk", filter=managed_prev),
            prev_employed=Count("pk", filter=managed_prev & Q(job_prev=True, stable_prev=True)),
        )
        .order_by()
    )


def own_components(scope: Scope, win: Window) -> dict[int, dict[str, int]]:
    """{listed unit id: {component: n}} for the records counted for each listed unit itself: its own
    and those of the units folded into it (five grouped queries; the fold map applies to their rows,
    at most one per unit and group, never to records)."""
    own: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COMPONENT_KEYS, 0))
    fold = scope.fold
    by_village = _by(scope) != ("unit",)

    def target(row) -> int | None:
        unit = row["unit"] if "unit" in row else row["unit_then"]
        if fold is None:
            return unit
        village = row.get("village", row.get("village_then")) if by_village else None
        return fold.target_of(unit, village)

    for row in _incident_rows(scope, win):
        group = row["category__group"]
        unit_id = target(row)
        if unit_id is None:  # a unit whose records count for no unit of this map (docs/units.md)
            continue
        figures = own[unit_id]
        figures[f"{group}_cases"] += row["cur_cases"]
        figures[f"{group}_subjects"] += row["cur_subjects"] or 0
        figures[f"prev_{group}_cases"] += row["prev_cases"]
        figures[f"prev_{group}_subjects"] += row["prev_subjects"] or 0
    for rows, names in (
        (_traffic_rows(scope, win), {key: key for key in COUNT_KEYS[6:] + tuple(f"prev_{k}" for k in COUNT_KEYS[6:])}),
        (_tip_rows(scope, win), {"judged": "tips_judged", "on_time": "tips_on_time"}),
        (_stay_rows(scope, win), {"stays": "stays", "on_time": "stays_on_time"}),
        (_person_rows(scope, win), {key: key for key in RATE_KEYS[4:]}),
    ):
        for row in rows:
            unit_id = target(row)
            if unit_id is None:
                continue
            figures = own[unit_id]
            for column, key in names.items():
                figures[key] += row[column] or 0
    return own


def roll_up(scope: Scope, own: dict[int, dict[str, int]], paths: dict[int, str]) -> dict[int, dict[str, int]]:
    """Totals per listed unit: each unit's own components added to it and to every ancestor in scope."""
    totals = {unit.id: dict.fromkeys(COMPONENT_KEYS, 0) for unit in scope.units}
    for unit_id, figures in own.items():
        for segment in _segments(paths[unit_id]):
            target = totals.get(scope.ids_by_segment.get(segment))
            if target is not None:
                for key, value in figures.items():
                    if value:
                        target[key] += value
    return totals


# --- Thresholds -------------------------------------------------------------------------------


class Thresholds:
    """The threshold of each target for a unit and year, from TargetDefinition rows (one query).

    For a target and a unit, the definitions considered are the unit's own, its ancestors' and the
    default (unit empty), of years up to Y. The latest of those years that has any of them is used
    (a year without definitions falls back to the latest earlier year's), and within it the unit's
    own row, else the nearest ancestor's, else the default. With no definition at all, the model's
    targets (models.DEFAULT_TARGETS) apply.
    """

    def __init__(self, year: int):
        self.year = year
        self.rows: dict[tuple[str, str | None], dict[int, Decimal]] = defaultdict(dict)
        for row in TargetDefinition.objects.filter(year__lte=year).values("code", "year", "unit__path", "threshold"):
            segment = _last_segment(row["unit__path"]) if row["unit__path"] else None
            self.rows[(row["code"], segment)][row["year"]] = row["threshold"]
        # Only the units that have definitions of their own can change a unit's thresholds.
        self.unit_segments = {segment for _code, segment in self.rows if segment is not None}
        self._by_chain: dict[tuple[str, ...], dict[str, Decimal]] = {}

    def for_path(self, path: str) -> dict[str, Decimal]:
        """{target code: threshold} of the unit at `path`. Units whose path holds the same units with
        definitions share one dict: at country scale a handful of resolutions, not 83,600."""
        chain = tuple(seg for seg in reversed(_segments(path)) if seg in self.unit_segments)  # own unit first
        found = self._by_chain.get(chain)
        if found is None:
            found = self._by_chain[chain] = {code: self._resolve(code, chain) for code in TARGET_CODES}
        return found

    def for_unit(self, code: str, path: str) -> Decimal:
        return self.for_path(path)[code]

    def _resolve(self, code: str, chain: tuple[str, ...]) -> Decimal:
        best = None
        for rank, segment in enumerate((*chain, None)):  # the default last
            years = self.rows.get((code, segment))
            if years:
                year = max(years)
                if best is None or (year, -rank) > best[0]:
                    best = ((year, -rank), years[year])
        return best[1] if best else DEFAULT_TARGETS[code][2]


# --- Judging ----------------------------------------------------------------------------------


def significance_threshold():
    return getattr(settings, "TARGETS_SIGNIFICANCE_Z", 3)


def judge(figures: dict[str, int], thresholds: dict[str, Decimal]) -> dict[str, dict]:
    """The eight targets of one unit from its summed components (targets.md, in TargetCode order)."""
    z = significance_threshold()
    result = {}
    for group in GROUPS:
        result[f"{group}_reduction"] = rules.judge_reduction(
            figures[f"{group}_cases"], figures[f"prev_{group}_cases"], thresholds[f"{group}_reduction"], z
        )
    result["tips_on_time"] = rules.judge_ratio_all(figures["tips_on_time"], figures["tips_judged"])
    result["foreigners_declared"] = rules.judge_ratio_all(figures["stays_on_time"], figures["stays"])
    result["reintegration_employment"] = rules.judge_employment(
        figures["employed"],
        figures["population"],
        figures["prev_employed"],
        figures["prev_population"],
        thresholds["reintegration_employment"],
    )
    result["reoffending"] = rules.judge_reoffending(figures["reoffended"], figures["cohort"], thresholds["reoffending"])
    result["traffic_reduction"] = rules.judge_traffic(
        {
            "cases": figures["traffic_cases"],
            "deaths": figures["traffic_deaths"],
            "injuries": figures["traffic_injuries"],
        },
        {
            "cases": figures["prev_traffic_cases"],
            "deaths": figures["prev_traffic_deaths"],
            "injuries": figures["prev_traffic_injuries"],
        },
    )
    return {code: result[code] for code in TARGET_CODES}


# --- The document -----------------------------------------------------------------------------


@dataclass
class Computation:
    """Everything one computation produced: the document and what snapshots need besides it."""

    window: Window
    scope: Scope
    document: dict
    totals: dict  # unit id -> summed components
    thresholds: dict  # unit id -> {target code: Decimal}


def _document(win: Window, scope: Scope, totals: dict, unit_thresholds: dict) -> dict:
    units = []
    fold = scope.fold
    for unit in scope.units:
        figures = totals[unit.id]
        missing = fold.missing.get(unit.id, []) if fold else []
        units.append(
            {
                "code": unit.code,
                "name": unit.name,
                "level": unit.level,
                "valid_from": unit.valid_from.isoformat() if unit.valid_from else None,
                "valid_until": unit.valid_until.isoformat() if unit.valid_until else None,
                "folds": [
                    {
                        "code": folded.code,
                        "name": folded.name,
                        "valid_until": folded.valid_until.isoformat() if folded.valid_until else None,
                    }
                    for folded in (fold.folds.get(unit.id, []) if fold else [])
                ],
                "complete": not missing,
                "missing": [stretch.as_json() for stretch in missing],
                "counts": {key: figures[key] for key in COUNT_KEYS},
                "previous_counts": {key: figures[f"prev_{key}"] for key in COUNT_KEYS},
                "targets": judge(figures, unit_thresholds[unit.id]),
            }
        )
    return {
        "year": win.year,
        "as_of": win.as_of.isoformat(),
        "period": win.current.as_json(),
        "previous_period": win.previous.as_json(),
        "units": units,
    }


def spans(win: Window) -> tuple[tuple[date, date], ...]:
    """The periods a computation compares, for the completeness of its figures."""
    return ((win.previous.start, win.previous.end), (win.current.start, win.current.end))


def run_computation(year: int, as_of=None, scope_code=None) -> Computation:
    win = window(year, as_of)
    scope = load_scope(scope_code, win.as_of, spans(win))
    own = own_components(scope, win)  # keyed by listed units: the fold map has placed every row
    paths = {unit.id: unit.path for unit in scope.units}
    totals = roll_up(scope, own, paths)
    definitions = Thresholds(year)
    unit_thresholds = {unit.id: definitions.for_path(unit.path) for unit in scope.units}
    return Computation(win, scope, _document(win, scope, totals, unit_thresholds), totals, unit_thresholds)


def compute(year: int, as_of=None, scope_code: str | None = None) -> dict:
    """The JSON document of targets.md for reporting year `year` as of `as_of` (default today,
    not after the end of the year) and the unit `scope_code` with everything below it (default all)."""
    return run_computation(year, as_of, scope_code).document


def narrative(unit_entry: dict, year: int, language: str = "vi") -> str:
    """The officials' sentence for one unit of the document ("So với cùng kỳ năm 2020, xã ... giảm 02 vụ, ...")."""
    counts, previous = unit_entry["counts"], unit_entry["previous_counts"]
    cases = sum(counts[f"{group}_cases"] - previous[f"{group}_cases"] for group in GROUPS)
    subjects = sum(counts[f"{group}_subjects"] - previous[f"{group}_subjects"] for group in GROUPS)
    return rules.narrative_line(unit_entry["name"], year - 1, cases, subjects, language)


def narratives(document: dict, language: str = "vi") -> dict[str, str]:
    """{unit code: narrative line} for every unit of a document."""
    return {entry["code"]: narrative(entry, document["year"], language) for entry in document["units"]}


def run_scope(year: int, as_of, scope_code) -> AdministrativeUnit | None:
    """The unit a run is about, as the scope names it on the run's as-of date (None: every unit)."""
    if not scope_code:
        return None
    try:
        return resolve_unit(scope_code, window(year, as_of).as_of)
    except EngineError:
        return None  # the computation itself reports it, and the run is marked failed


def recompute(
    year: int, as_of=None, scope_code: str | None = None, run: ComputationRun | None = None
) -> ComputationRun:
    """Compute and store the targets of `year` for the scope; the run records how it went.

    Upserts keyed on the unique constraints, in one transaction: running it twice, or twice at
    once, leaves the same rows. On failure the run is marked failed with the error and the error
    is raised again (the Celery task retries database errors).
    """
    if run is None:
        scope = run_scope(year, as_of, scope_code)
        run = ComputationRun.objects.create(year=year, as_of=as_of if isinstance(as_of, date) else None, scope=scope)
    started = time.monotonic()
    run.state, run.started_at, run.finished_at, run.error = ComputationRun.State.STARTED, timezone.now(), None, ""
    run.save(update_fields=["state", "started_at", "finished_at", "error"])
    try:
        computation = run_computation(year, as_of, scope_code)
        run.as_of = computation.window.as_of
        run.rows_changed = store.store(computation, run)
    except Exception as error:
        run.state = ComputationRun.State.FAILED
        run.error = f"{type(error).__name__}: {error}\n\n{traceback.format_exc()}"[:10000]
        run.finished_at = timezone.now()
        run.duration = timedelta(seconds=time.monotonic() - started)
        run.save(update_fields=["state", "error", "finished_at", "duration"])
        raise
    run.state = ComputationRun.State.FINISHED
    run.finished_at = timezone.now()
    run.duration = timedelta(seconds=time.monotonic() - started)
    run.save(update_fields=["state", "as_of", "rows_changed", "finished_at", "duration"])
    return run


def recompute_parents(year: int, as_of=None, scope_code: str | None = None) -> int:
    """Store the units above the districts of the scope (above its provinces when there is no
    district level), summed from the districts' stored figures of the same period and as-of date.

    Used after a fan-out per district and after a debounced recomputation of one district. The
    stored figures hold every numerator and denominator (UnitFigures.components), so the parents
    are built from summed counts exactly as compute() builds them. Nothing is stored when a
    district has no figures for that as-of date (the next full run fills the parents in).
    Returns the number of parent units stored.
    """
    win = window(year, as_of)
    scope = load_scope(scope_code, win.as_of, spans(win))
    rank = {Level.PROVINCE: 1, Level.DISTRICT: 2, Level.COMMUNE: 3}
    levels = {unit.level for unit in scope.units}
    fan_level = Level.DISTRICT if Level.DISTRICT in levels else Level.PROVINCE
    fan_units = [unit for unit in scope.units if unit.level == fan_level]
    parents = [unit for unit in scope.units if rank[unit.level] < rank[fan_level]]
    if not parents or not fan_units:
        return 0
    key = {"period_start": win.current.start, "period_end": win.current.end, "as_of": win.as_of}
    stored = dict(
        UnitFigures.objects.filter(unit_id__in=[unit.id for unit in fan_units], **key).values_list(
            "unit_id", "components"
        )
    )
    if len(stored) < len(fan_units) or any(set(c) != set(COMPONENT_KEYS) for c in stored.values()):
        return 0
    parent_scope = Scope(root=scope.root, units=parents, ids_by_segment=scope.ids_by_segment, fold=scope.fold)
    totals = roll_up(parent_scope, stored, {unit.id: unit.path for unit in fan_units})
    definitions = Thresholds(year)
    unit_thresholds = {unit.id: definitions.for_path(unit.path) for unit in parents}
    computation = Computation(
        win, parent_scope, _document(win, parent_scope, totals, unit_thresholds), totals, unit_thresholds
    )
    store.store(computation, None)
    return len(parents)
