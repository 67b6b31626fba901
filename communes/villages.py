"""Load a commune's villages (thôn, bản, khu, tổ dân phố) from a CSV or XLSX file.

Villages have no national register: an administrator loads them from the commune's own list, with
the columns `commune_code, code, name, kind` and optionally `valid_from, valid_until` (dd/mm/yyyy
or yyyy-mm-dd). The commune is the unit `commune_code` named on the village's first day (today when
`valid_from` is empty), so a file can hold the villages of Thanh Lâm (until 30/06/2025) and those of
xã Kỳ Thượng (since 01/07/2025) side by side. All or nothing: one bad row refuses the file, every
error named by row and column. Villages are matched by (commune, code): names and dates are
updated, new villages created; villages missing from the file are left as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from basecurity.lib import history
from basecurity.lib.tabular import CellError, RowError, parse_date, read_filled_table, text

from .models import AdministrativeUnit, Level, UnitKind

COLUMNS = ("commune_code", "code", "name", "kind")
OPTIONAL = ("valid_from", "valid_until")
VILLAGE_KINDS = {
    UnitKind.VILLAGE: ("thon", "thôn"),
    UnitKind.HAMLET: ("ban", "bản"),
    UnitKind.QUARTER: ("khu", "khu_pho", "khu phố"),
    UnitKind.RESIDENTIAL_GROUP: ("to_dan_pho", "tổ dân phố"),
}
KIND_BY_WORD = {word: kind for kind, words in VILLAGE_KINDS.items() for word in words}


@dataclass
class LoadResult:
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def villages_load(data: bytes, filename: str, *, user=None) -> LoadResult:
    table = read_filled_table(data, filename, COLUMNS, OPTIONAL)
    result = LoadResult(errors=list(table.errors))
    if result.errors:
        return result
    today = timezone.localdate()
    communes: dict[str, list[AdministrativeUnit]] = {}
    codes = {text(values.get("commune_code")) for _row, values in table.rows}
    for unit in AdministrativeUnit.objects.filter(code__in=codes, level=Level.COMMUNE):
        communes.setdefault(unit.code, []).append(unit)
    planned: list[tuple[int, AdministrativeUnit]] = []
    seen: set[tuple[int, str]] = set()
    for row, values in table.rows:
        errors_before = len(result.errors)
        dates = {}
        for column in OPTIONAL:
            try:
                dates[column] = parse_date(values.get(column), required=False, allow_future=True)
            except CellError as error:
                result.errors.append(RowError(row, column, str(error)))
        code, name = text(values["code"]), text(values["name"])
        kind = KIND_BY_WORD.get(text(values["kind"]).lower())
        if not code:
            result.errors.append(RowError(row, "code", _("The village code is required (e.g. 06976-01).")))
        if not name:
            result.errors.append(RowError(row, "name", _("The village name is required.")))
        if kind is None:
            result.errors.append(
                RowError(
                    row,
                    "kind",
                    _("Unknown kind “%(value)s”: write thon, ban, khu or to_dan_pho.") % {"value": values["kind"]},
                )
            )
        day = dates.get("valid_from") or dates.get("valid_until") or today
        commune = next((unit for unit in communes.get(text(values["commune_code"]), []) if unit.is_valid_on(day)), None)
        if commune is None:
            result.errors.append(
                RowError(
                    row,
                    "commune_code",
                    _("No commune, ward or town had the code “%(code)s” on %(day)s.")
                    % {"code": values["commune_code"], "day": f"{day:%d/%m/%Y}"},
                )
            )
        if len(result.errors) > errors_before:
            continue
        if (commune.pk, code) in seen:
            result.errors.append(RowError(row, "code", _("The village %(code)s appears twice.") % {"code": code}))
            continue
        seen.add((commune.pk, code))
        village = AdministrativeUnit.objects.filter(parent=commune, code=code, level=Level.VILLAGE).first()
        village = village or AdministrativeUnit(parent=commune, code=code)
        village.name, village.kind = name, kind
        village.valid_from, village.valid_until = dates.get("valid_from"), dates.get("valid_until")
        village.is_remote = village.is_remote or commune.is_remote
        try:
            village.full_clean()
        except ValidationError as error:
            for column, messages in error.message_dict.items():
                result.errors.append(RowError(row, column if column in COLUMNS + OPTIONAL else "", " ".join(messages)))
            continue
        planned.append((row, village))
    if result.errors:
        return result
    with transaction.atomic():
        for _row, village in planned:
            created = village.pk is None
            history.attribute(village, user)
            village.save()
            result.created += created
            result.updated += not created
    return result
