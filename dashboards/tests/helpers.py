"""Helpers of the dashboards' browser tests: the figures `compute_targets` prints, a cell of the overview."""

import json
from io import StringIO

from django.core.management import call_command

YEAR = 2021


def compute_json() -> dict:
    out = StringIO()
    call_command("compute_targets", "--year", str(YEAR), "--format", "json", stdout=out, stderr=StringIO())
    return {entry["code"]: entry for entry in json.loads(out.getvalue())["units"]}


def cell(page, unit_code, target):
    return page.locator(f"#overview-table tr[data-unit='{unit_code}'] td[data-target='{target}']")
