"""Benchmark: import 100,000 incident rows with the real importer (issue 3, docs/benchmarks.md).

    .venv/bin/python bench/import_incidents.py [--rows 100000] [--format csv|xlsx] [--keep FILE]

Generates a CSV (or XLSX) of incidents in the province's communes in force today (the `incidents`
format of import-formats.md: text dates in both accepted forms, villages by name, every seed
category), then runs `incidents.importers.IncidentsImporter(user=officer).run(...)`, what the import
jobs and `manage.py import_records` run: read, validate every row with full_clean(), scope check,
write with history, in one transaction. The officer is a commune officer assigned to those communes.

Database: a fresh SQLite file in a temporary directory (migrated, then Ba Chẽ's units seeded with
communes.management.commands.seed_ba_che.load_units); with DATABASE_URL set to PostgreSQL, a fresh
test database created next to it (test_<name>) and dropped at the end.

Prints the time of the import (generation and database set-up excluded), the peak resident memory
of the process (ru_maxrss, which includes Django itself) and the baseline before the import.
"""

import argparse
import cProfile
import os
import platform
import pstats
import random
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_SECONDS = 60
TARGET_MB = 500


def generate(
    rows: int, villages: dict[str, list[str]], categories: list[str], fmt: str, seed: int, days: int = 730
) -> bytes:
    """The incidents file: `rows` rows over the communes, dated over the last `days` days (two years at most)."""
    from basecurity.lib import tabular
    from incidents.importers import INCIDENT_COLUMNS

    rng = random.Random(seed)
    today = date.today()
    codes = sorted(villages)
    words = ["trộm cắp xe máy", "đánh bạc tại nhà", "khai thác cát trái phép", "vi phạm giao thông", "gây rối trật tự"]

    def rows_():
        for number in range(rows):
            code = rng.choice(codes)
            day = today - timedelta(days=rng.randrange(1, days))
            text_day = day.isoformat() if number % 2 else day.strftime("%d/%m/%Y")
            village = rng.choice(villages[code]) if villages[code] and rng.random() < 0.7 else ""
            yield [
                code,
                village,
                text_day,
                rng.choice(categories),
                rng.randrange(0, 6),
                f"Vụ {number}: {rng.choice(words)}",
            ]

    if fmt == "csv":
        return tabular.write_csv(INCIDENT_COLUMNS, rows_())
    return tabular.write_xlsx(INCIDENT_COLUMNS, rows_(), title="incidents")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    parser.add_argument(
        "--seed", type=int, default=None, help="Random seed of the data (default: time-based, so files differ)."
    )
    parser.add_argument("--keep", help="Also write the generated file here.")
    parser.add_argument(
        "--profile", action="store_true", help="Run the import under cProfile and print the top functions."
    )
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "basecurity.settings_test")
    workdir = tempfile.TemporaryDirectory(prefix="bench-import-")
    postgres = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
    if not postgres:
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir.name}/bench.sqlite3"

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from communes.management.commands.seed_ba_che import load_units
    from communes.models import Assignment, Level, Role
    from conftest import make_user
    from incidents.importers import IncidentsImporter
    from incidents.models import Incident, IncidentCategory

    if postgres:
        connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    else:
        call_command("migrate", verbosity=0)
    try:
        units = load_units()
        officer = make_user("bench.officer")
        # The communes in force today, and dates since the latest of them began (the map of 1/7/2025):
        # a code names another unit before (docs/units.md), which the importer rightly refuses.
        communes = [unit for unit in units.values() if unit.level == Level.COMMUNE and unit.valid_until is None]
        newest = max((unit.valid_from for unit in communes if unit.valid_from), default=None)
        days = min(730, (date.today() - newest).days) if newest else 730
        for commune in communes:
            Assignment.objects.create(user=officer, role=Role.COMMUNE_OFFICER, unit=commune)
        villages = {c.code: [u.name for u in units.values() if u.parent_id == c.pk] for c in communes}
        categories = list(IncidentCategory.objects.filter(is_active=True).values_list("code", flat=True))
        seed = args.seed if args.seed is not None else time.time_ns()
        data = generate(args.rows, villages, categories, args.format, seed, days)
        if args.keep:
            Path(args.keep).write_bytes(data)
        del villages
        baseline_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

        importer = IncidentsImporter(user=officer)
        profiler = cProfile.Profile() if args.profile else None
        cpu_started = time.process_time()
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        result = importer.run(data, f"bench-incidents.{args.format}")
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        if profiler:
            profiler.disable()
            pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(40)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

        if result.errors:
            for error in result.errors[:20]:
                print(error, file=sys.stderr)
            print(f"FAILED: {len(result.errors)} errors", file=sys.stderr)
            return 1
        stored = Incident.objects.count()
        history = Incident.history.count()
        database = connection.vendor + (
            f" {connection.pg_version}" if postgres else f" {__import__('sqlite3').sqlite_version} (file)"
        )
        print(f"command   : {' '.join([Path(sys.executable).name, *sys.argv])}")
        print(
            f"machine   : {os.cpu_count()} CPUs ({platform.processor() or platform.machine()}), "
            f"Python {platform.python_version()}, {database}"
        )
        print(f"file      : {args.rows:,} rows, {len(data) / 1e6:.1f} MB {args.format.upper()}")
        print(f"written   : {result.written:,} incidents, {stored:,} in the table, {history:,} history rows")
        print(
            f"time      : {elapsed:.1f} s (target < {TARGET_SECONDS} s), {args.rows / elapsed:,.0f} rows/s; "
            f"CPU time of this process {cpu:.1f} s"
        )
        print(
            f"load      : {os.getloadavg()[0]:.1f} (1-minute load average at the end: other processes on the machine)"
        )
        print(
            f"memory    : peak RSS {peak_mb:.0f} MB (target < {TARGET_MB} MB); before the import {baseline_mb:.0f} MB"
        )
        ok = elapsed < TARGET_SECONDS and peak_mb < TARGET_MB
        print("result    : " + ("within target" if ok else "TARGET MISSED"))
        return 0 if ok else 2
    finally:
        if postgres:
            connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)
        workdir.cleanup()


if __name__ == "__main__":
    sys.exit(main())
