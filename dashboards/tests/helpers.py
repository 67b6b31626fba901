"""Helpers of the dashboards' tests: the figures `compute_targets` prints, a cell of the overview, more communes."""

import json
from datetime import date
from io import StringIO

from django.core.management import call_command

from communes.models import AdministrativeUnit, Level, UnitKind

YEAR = 2021


def compute_json() -> dict:
    out = StringIO()
    call_command("compute_targets", "--year", str(YEAR), "--format", "json", stdout=out, stderr=StringIO())
    return {entry["code"]: entry for entry in json.loads(out.getvalue())["units"]}


def cell(page, unit_code, target):
    return page.locator(f"#overview-table tr[data-unit='{unit_code}'] td[data-target='{target}']")


def add_communes(district, how_many=192):
    AdministrativeUnit.objects.bulk_create(
        [
            AdministrativeUnit(
                code=f"9{index:04d}",
                name=f"Xã Thử Nghiệm {index}",
                kind=UnitKind.COMMUNE,
                level=Level.COMMUNE,
                parent=district,
                path=f"{district.path}9{index:04d}/",
                covered_from=date(2019, 1, 1),  # records held for both periods: complete comparisons
            )
            for index in range(how_many)
        ]
    )
