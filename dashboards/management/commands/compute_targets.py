"""python manage.py compute_targets --year Y [--as-of YYYY-MM-DD] [--unit CODE] [--format table|json] [--store]"""

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from dashboards import engine

STATUS_MARKS = {"met": "met", "missed": "MISSED", "no_data": "no data", "no_baseline": "no baseline"}
SHORT_NAMES = {
    "crime_reduction": "crime",
    "social_evil_reduction": "soc.evil",
    "violation_reduction": "violation",
    "tips_on_time": "tips",
    "foreigners_declared": "foreign.",
    "reintegration_employment": "employ.",
    "reoffending": "reoffend",
    "traffic_reduction": "traffic",
}


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            _("The as-of date must be written YYYY-MM-DD, for example 2021-12-14; got %(value)s.") % {"value": value}
        ) from None


def _cell(code: str, result: dict) -> str:
    status = STATUS_MARKS[result["status"]]
    if code == "traffic_reduction":
        cur, prev = result["current"], result["previous"]
        trio = "{cases}/{deaths}/{injuries}"
        return f"{trio.format(**cur)} vs {trio.format(**prev)} {status}"
    if "change_pct" in result:
        change = "n/a" if result["change_pct"] is None else f"{result['change_pct']:+.1f}%"
        mark = "" if result["significant"] else "~"
        return f"{result['current']} vs {result['previous']} ({change}{mark}) {status}"
    rate = "-" if result["rate"] is None else f"{result['rate']:.1f}%"
    return f"{result['numerator']}/{result['denominator']} {rate} {status}"


def render_table(document: dict) -> str:
    """A readable table: one block per unit, one line per target."""
    lines = [
        f"Targets {document['year']} — period {document['period']['start']} .. {document['period']['end']}"
        f" (as of {document['as_of']}), compared with {document['previous_period']['start']} .. "
        f"{document['previous_period']['end']}",
        "~ = change not significant; traffic = cases/deaths/injuries",
        "",
    ]
    for entry in document["units"]:
        lines.append(f"{entry['code']:<8} {entry['name']} ({entry['level']})")
        lines.append("    " + engine.narrative(entry, document["year"], "vi"))
        for code, result in entry["targets"].items():
            lines.append(f"    {SHORT_NAMES[code]:<10} {_cell(code, result)}")
        lines.append("")
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Compute the yearly targets (docs/targets.md) and print them as a table or as JSON."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="Reporting year, e.g. 2021.")
        parser.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD; default today, not after the end of the year.")
        parser.add_argument("--unit", help="Code of the unit whose subtree is computed (default: all units).")
        parser.add_argument("--format", choices=["table", "json"], default="table")
        parser.add_argument(
            "--store", action="store_true", help="Also store the snapshots (a recorded computation run)."
        )

    def handle(self, *args, year, as_of=None, unit=None, format="table", store=False, **options):
        as_of_date = _date(as_of) if as_of else None
        try:
            if store:
                run = engine.recompute(year, as_of_date, unit)
                document = engine.compute(year, run.as_of, unit)
                self.stderr.write(f"Stored: run {run.pk}, {run.rows_changed} rows changed.")
            else:
                document = engine.compute(year, as_of_date, unit)
        except engine.EngineError as error:
            raise CommandError(str(error)) from None
        if format == "json":
            self.stdout.write(json.dumps(document, ensure_ascii=False))
        else:
            self.stdout.write(render_table(document))
