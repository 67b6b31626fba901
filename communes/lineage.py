"""The map across its changes: whose records fold into which unit, and what a comparison lacks.

docs/units.md is the contract. For a unit U valid on the as-of date `a`, the records counted are
those of U and of every unit that passed into U by `a`, transitively (whole transfers; part transfers
through the villages that moved, where known; otherwise into the successor that kept the
predecessor's code, else into none). A figure is complete when every unit whose records it needs was
covered (`covered_from`) for the whole of the periods compared; otherwise the missing stretches are
named. Everything here works on a handful of rows per unit (the units and the lineage), never on
records: the engine applies the resulting map to its grouped SQL rows.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Q

from basecurity.lib.official import short_date

from .models import AdministrativeUnit, Level, Transfer, UnitLineage

Span = tuple[date, date]  # a period compared: its first and last day


def heirs(codes: dict[int, str], lineage_rows: Iterable[UnitLineage], as_of: date | None = None) -> dict[int, int]:
    """{predecessor id: successor id its records fold into} from lineage rows (dated by `as_of`).

    A whole transfer names the heir; a part transfer does when the successor kept the predecessor's
    code. `codes`: {unit id: code}.
    """
    found: dict[int, int] = {}
    for row in lineage_rows:
        if as_of is not None and row.date > as_of:
            continue
        whole = row.transfer == Transfer.WHOLE
        if whole or codes.get(row.successor_id) == codes.get(row.predecessor_id):
            if whole or row.predecessor_id not in found:
                found[row.predecessor_id] = row.successor_id
    return found


@dataclass(frozen=True)
class Stretch:
    """Days `start`..`until` of `unit` whose records this deployment does not hold for a comparison."""

    unit: AdministrativeUnit
    start: date
    until: date

    def as_json(self) -> dict[str, str]:
        return {
            "code": self.unit.code,
            "name": self.unit.name,
            "from": self.start.isoformat(),
            "until": self.until.isoformat(),
        }


@dataclass
class FoldMap:
    """Where each unit's records count at one as-of date, and what each listed unit's figures lack."""

    as_of: date
    target: dict[int, int]  # unit id -> id of the listed unit its records count for
    village_target: dict[tuple[int, int], int]  # (unit id, village id) -> listed unit id (moved villages)
    folds: dict[int, list[AdministrativeUnit]] = field(default_factory=dict)  # listed id -> ended units folded
    missing: dict[int, list[Stretch]] = field(default_factory=dict)  # listed id -> stretches not held

    def target_of(self, unit_id: int, village_id: int | None = None) -> int | None:
        if village_id is not None and self.village_target:
            moved = self.village_target.get((unit_id, village_id))
            if moved is not None:
                return moved
        return self.target.get(unit_id)


def _life_within(unit: AdministrativeUnit, start: date, end: date) -> tuple[date, date] | None:
    first = max(start, unit.valid_from) if unit.valid_from else start
    last = min(end, unit.valid_until) if unit.valid_until else end
    return (first, last) if first <= last else None


def uncovered(unit: AdministrativeUnit, spans: Iterable[Span]) -> list[Stretch]:
    """The days of `spans` ((start, end) pairs) in `unit`'s life whose records are not held."""
    stretches = []
    for start, end in spans:
        life = _life_within(unit, start, end)
        if life is None:
            continue
        first, last = life
        if unit.covered_from is not None:
            last = min(last, unit.covered_from - timedelta(days=1))
        if first <= last:
            stretches.append(Stretch(unit, first, last))
    return stretches


def _merge(stretches: list[Stretch]) -> list[Stretch]:
    """One stretch per unit where the periods compared touch or overlap."""
    merged: list[Stretch] = []
    for stretch in sorted(stretches, key=lambda s: (s.unit.path, s.unit.pk, s.start)):
        last = merged[-1] if merged else None
        if last is not None and last.unit.pk == stretch.unit.pk and stretch.start <= last.until + timedelta(days=1):
            merged[-1] = Stretch(last.unit, last.start, max(last.until, stretch.until))
        else:
            merged.append(stretch)
    return merged


def fold_map(
    listed: list[AdministrativeUnit],
    candidates: list[AdministrativeUnit],
    lineage_rows: Iterable[UnitLineage],
    as_of: date,
    spans: Sequence[Span],
) -> FoldMap:
    """The fold map at `as_of` for `listed` units (valid on `as_of`), from `candidates` (every unit whose
    records may count: the listed ones and their predecessors) and the lineage rows among them.

    `spans`: the (start, end) periods compared (current and previous), for completeness.
    """
    by_id = {unit.pk: unit for unit in candidates}
    by_id.update({unit.pk: unit for unit in listed})
    rows = [row for row in lineage_rows if row.date <= as_of]
    heir = heirs({pk: unit.code for pk, unit in by_id.items()}, rows)
    listed_ids = {unit.pk for unit in listed}

    def resolve(unit_id: int, seen: tuple[int, ...] = ()) -> int | None:
        if unit_id in listed_ids:
            return unit_id
        unit = by_id.get(unit_id)
        if unit is None or unit_id in seen:
            return None
        if unit.level == Level.VILLAGE:
            return resolve(unit.parent_id, (*seen, unit_id)) if unit.parent_id is not None else None
        if unit_id in heir:
            return resolve(heir[unit_id], (*seen, unit_id))
        return None

    target: dict[int, int] = {}
    for unit_id in by_id:
        resolved = resolve(unit_id)
        if resolved is not None:
            target[unit_id] = resolved

    # Part transfers that name their villages: the records of those villages go with them.
    village_target: dict[tuple[int, int], int] = {}
    part_without_records: dict[int, list[int]] = defaultdict(
        list
    )  # successor id -> predecessors whose share is unknown
    for row in rows:
        if row.transfer != Transfer.PART:
            continue
        moved = [village.pk for village in row.villages.all()] if row.pk else []
        successor_target = resolve(row.successor_id)
        if moved and successor_target is not None:
            for village_id in moved:
                village_target[(row.predecessor_id, village_id)] = successor_target
        elif heir.get(row.predecessor_id) != row.successor_id:
            part_without_records[row.successor_id].append(row.predecessor_id)

    folds: dict[int, list[AdministrativeUnit]] = defaultdict(list)
    for unit_id, listed_id in target.items():
        unit = by_id[unit_id]
        if unit_id != listed_id and unit.level != Level.VILLAGE:
            folds[listed_id].append(unit)

    missing: dict[int, list[Stretch]] = {}
    for unit in listed:
        if unit.level != Level.COMMUNE:
            continue
        stretches = uncovered(unit, spans)
        for folded in folds.get(unit.pk, []):
            stretches += uncovered(folded, spans)
        # Shares of units that passed in part with no villages named: never held here, whatever the coverage.
        for source_id in [unit.pk] + [folded.pk for folded in folds.get(unit.pk, [])]:
            for predecessor_id in part_without_records.get(source_id, []):
                predecessor = by_id.get(predecessor_id)
                if predecessor is not None:
                    for start, end in spans:
                        life = _life_within(predecessor, start, end)
                        if life:
                            stretches.append(Stretch(predecessor, *life))
        missing[unit.pk] = _merge(stretches)
    return FoldMap(as_of=as_of, target=target, village_target=village_target, folds=dict(folds), missing=missing)


def roll_up_marks(listed: list[AdministrativeUnit], fold: FoldMap) -> None:
    """A parent's folds and missing stretches are its communes' (every listed unit below it)."""
    parents = {unit.path: unit for unit in listed if unit.level != Level.COMMUNE}
    below: dict[str, list[AdministrativeUnit]] = defaultdict(list)
    for unit in listed:  # each commune under the parents its path names: communes × depth, not × parents
        if unit.level == Level.COMMUNE:
            for prefix in _ancestor_paths(unit.path):
                if prefix in parents:
                    below[prefix].append(unit)
    for path, unit in parents.items():
        communes = below.get(path, [])
        fold.folds[unit.pk] = sorted(
            {folded.pk: folded for commune in communes for folded in fold.folds.get(commune.pk, [])}.values(),
            key=lambda folded: folded.path,
        )
        fold.missing[unit.pk] = _merge(
            [stretch for commune in communes for stretch in fold.missing.get(commune.pk, [])]
        )


def _ancestor_paths(path: str) -> list[str]:
    """ "/22/202/06976/" -> ["/22/", "/22/202/"]."""
    segments = path.strip("/").split("/")
    return ["/" + "/".join(segments[:depth]) + "/" for depth in range(1, len(segments))]


def candidates_for(
    listed: list[AdministrativeUnit], root: AdministrativeUnit | None, as_of: date
) -> tuple[list[AdministrativeUnit], list[UnitLineage]]:
    """(candidate units, lineage rows): every commune-level unit whose records may fold into `listed`.

    Two queries: the lineage up to `as_of` (a few rows per change of the map), then the units of the
    scope's subtree in every era plus the predecessors that came from outside it (Hạ Long's Kỳ Thượng
    into Ba Chẽ's), found by walking the lineage backwards in memory.
    """
    rows = list(
        UnitLineage.objects.filter(date__lte=as_of)
        .only("predecessor_id", "successor_id", "date", "transfer")
        .prefetch_related("villages")
    )
    fields = ("id", "code", "name", "kind", "level", "path", "parent_id", "valid_from", "valid_until", "covered_from")
    units = (
        AdministrativeUnit.objects.select_related("parent")
        .only(*fields, "parent__name", "parent__level", "parent__kind", "parent__path")
        .filter(level=Level.COMMUNE)
    )
    # The listed communes are in force on `as_of`: only the others (ended, or not yet formed) are read.
    units = units.exclude(
        (Q(valid_from__isnull=True) | Q(valid_from__lte=as_of))
        & (Q(valid_until__isnull=True) | Q(valid_until__gte=as_of))
    )
    in_force = [unit for unit in listed if unit.level == Level.COMMUNE]
    predecessors_of: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        predecessors_of[row.successor_id].append(row.predecessor_id)
    if root is None:
        return in_force + list(units), rows
    wanted: set[int] = set()
    frontier = [unit.pk for unit in listed if unit.level == Level.COMMUNE]
    while frontier:
        unit_id = frontier.pop()
        for predecessor_id in predecessors_of.get(unit_id, []):
            if predecessor_id not in wanted:
                wanted.add(predecessor_id)
                frontier.append(predecessor_id)
    found = list(units.filter(Q(path__startswith=root.path) | Q(pk__in=wanted)))
    return in_force + found, rows


def _district_short(name: str) -> str:
    for long, short in (("Thành phố ", "TP "), ("Thị xã ", "TX "), ("Huyện ", "huyện "), ("Quận ", "quận ")):
        if name.startswith(long):
            return short + name[len(long) :]
    return name


def incomplete_note(stretches: list[Stretch], language: str = "vi", context: AdministrativeUnit | None = None) -> str:
    """The mark an incomplete comparison carries, in the words officials write ("so sánh chưa đầy đủ:
    thiếu số liệu của xã Kỳ Thượng (TP Hạ Long cũ) từ 15/12/2024 đến 30/6/2025"); English pages get the
    same in English; empty when nothing is missing. Built here, not from the catalogue, like the
    narrative line (dashboards/rules.py): the Vietnamese wording must come out exactly. A unit of a
    former district other than `context`'s (the unit whose figures these are) names that district."""
    if not stretches:
        return ""
    vietnamese = (language or "").lower().startswith("vi")
    by_unit: dict[int, list[Stretch]] = {}
    for stretch in stretches:  # a unit missing in both periods compared is named once
        by_unit.setdefault(stretch.unit.pk, []).append(stretch)
    parts = []
    for unit_stretches in by_unit.values():
        unit = unit_stretches[0].unit
        parent = unit.parent if unit.parent_id else None
        # The former district named after the unit: its own, unless it is `context`'s.
        former = None
        if parent is not None and parent.level == Level.DISTRICT:
            if context is None or not context.path.startswith(parent.path):
                former = parent.name
        if vietnamese:
            origin = f" ({_district_short(former)} cũ)" if former is not None else ""
            days = " và ".join(f"từ {short_date(s.start)} đến {short_date(s.until)}" for s in unit_stretches)
            parts.append(f"{running_name(unit)}{origin} {days}")
        else:
            origin = f" (former {former})" if former is not None else ""
            days = " and ".join(f"from {s.start:%d/%m/%Y} to {s.until:%d/%m/%Y}" for s in unit_stretches)
            parts.append(f"{unit.name}{origin} {days}")
    if len(parts) > NAMED_STRETCHES:  # a province's row: the first few units, then how many more
        more = len(parts) - NAMED_STRETCHES
        parts = parts[:NAMED_STRETCHES] + [f"{more:02d} đơn vị khác" if vietnamese else f"{more} other units"]
    if vietnamese:
        return "so sánh chưa đầy đủ: thiếu số liệu của " + "; ".join(parts)
    return "incomplete comparison: no records of " + "; ".join(parts)


NAMED_STRETCHES = 3


def running_name(unit: AdministrativeUnit) -> str:
    """A unit's name as written inside a sentence: "xã Kỳ Thượng", "thị trấn Ba Chẽ" (the kind in lower case)."""
    word = unit.kind_word
    if word and unit.name.lower().startswith(word):
        return word + unit.name[len(word) :]
    return unit.name


def history_lines(unit: AdministrativeUnit, language: str | None = None) -> list[str]:
    """A unit's history on the map, one sentence each, in the active language:
    "Thành lập ngày 01/7/2025 từ xã Thanh Lâm, xã Đạp Thanh, xã Kỳ Thượng (TP Hạ Long cũ)." /
    "Hợp nhất vào xã Kỳ Thượng ngày 01/7/2025." (two queries)."""
    from django.utils.translation import get_language

    vietnamese = (language or get_language() or "vi").lower().startswith("vi")
    lines = []
    formations = list(unit.formations.select_related("predecessor__parent").order_by("date", "predecessor__code"))
    by_date: dict[date, list[UnitLineage]] = defaultdict(list)
    for row in formations:
        by_date[row.date].append(row)
    for day, rows in sorted(by_date.items()):
        districts = Counter(row.predecessor.parent_id for row in rows)
        main_district = districts.most_common(1)[0][0] if districts else None
        names = ", ".join(_source_name(row.predecessor, row.transfer, vietnamese, main_district) for row in rows)
        if vietnamese:
            lines.append(f"Thành lập ngày {short_date(day)} từ {names}.")
        else:
            lines.append(f"Formed on {day:%d/%m/%Y} from {names}.")
    for row in unit.successions.select_related("successor").order_by("date", "successor__code"):
        whole = row.transfer == Transfer.WHOLE
        if vietnamese:
            verb = "Hợp nhất vào" if whole else "Một phần chuyển vào"
            lines.append(f"{verb} {running_name(row.successor)} ngày {short_date(row.date)}.")
        else:
            verb = "Merged into" if whole else "Part passed into"
            lines.append(f"{verb} {row.successor.name} on {row.date:%d/%m/%Y}.")
    return lines


def _source_name(predecessor: AdministrativeUnit, transfer: str, vietnamese: bool, main_district: int | None) -> str:
    """A predecessor's name; from another district than most of them, with that district ("cũ")."""
    parent = predecessor.parent if predecessor.parent_id else None
    name = running_name(predecessor) if vietnamese else predecessor.name
    if parent is not None and parent.level == Level.DISTRICT and parent.pk != main_district:
        name += f" ({_district_short(parent.name)} cũ)" if vietnamese else f" (former {parent.name})"
    if transfer == Transfer.PART:
        name = ("một phần " if vietnamese else "part of ") + name
    return name


def unit_validity_error(unit: AdministrativeUnit, day: date) -> str | None:
    """Why records of `unit` cannot be dated `day` (the unit did not exist then), naming where to record
    them instead ("Xã Thanh Lâm đã hợp nhất vào xã Kỳ Thượng từ 01/7/2025: nhập cho xã Kỳ Thượng.");
    None when the unit existed on `day`."""
    from django.utils.translation import gettext as _

    if unit.is_valid_on(day):
        return None
    if unit.valid_until is not None and day > unit.valid_until:
        rows = list(unit.successions.select_related("successor").order_by("successor__code"))
        if not rows:
            return _(
                "%(unit)s ceased to exist on %(date)s: records of later days belong to the unit that replaced it."
            ) % {
                "unit": unit.name,
                "date": short_date(unit.valid_until),
            }
        names = ", ".join(running_name(row.successor) for row in rows)
        return _("%(unit)s merged into %(successors)s on %(date)s: record it for %(successors)s.") % {
            "unit": unit.name,
            "successors": names,
            "date": short_date(rows[0].date),
        }
    if unit.valid_from is None:  # cannot be: a unit valid from the start and not ended is valid on `day`
        return None
    rows = list(unit.formations.select_related("predecessor").order_by("predecessor__code"))
    names = ", ".join(running_name(row.predecessor) for row in rows)
    if not names:
        return _("%(unit)s was formed on %(date)s: records of earlier days cannot be entered for it.") % {
            "unit": unit.name,
            "date": short_date(unit.valid_from),
        }
    return _("%(unit)s was formed on %(date)s: record earlier days for %(predecessors)s.") % {
        "unit": unit.name,
        "date": short_date(unit.valid_from),
        "predecessors": names,
    }
