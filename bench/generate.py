"""Synthetic data for the benchmarks (bench/targets_bench.py, bench/list_load.py, docs/benchmarks.md), PostgreSQL only.

    .venv/bin/python bench/generate.py --scale small|province|country [--seed 1] [--keep]

Scales (the other records in proportion to the incidents):

| scale    | provinces × districts × communes | incidents  | traffic 5% | tips 3% | stays 1% | persons 0.2% |
|----------|----------------------------------|------------|------------|---------|----------|--------------|
| small    | 1 × 1 × 8                        | 20,000     | 1,000      | 600     | 200      | 40           |
| province | 1 × 5 × 40 = 200                 | 1,000,000  | 50,000     | 30,000  | 10,000   | 2,000        |
| country  | 50 × 8 × 25 = 10,000             | 10,000,000 | 500,000    | 300,000 | 100,000  | 20,000       |

Records are dated over two closed reporting years, 2024 (15/12/2023 .. 14/12/2024) and 2025
(15/12/2024 .. 14/12/2025). A share of each commune's second-year records (0 to 19 %, by commune)
is moved into the first year, so communes meet or miss the reduction targets differently.
Tips: 10 % extended (one CrimeTipExtension, deadline 60 days), 85 % decided, some after the
deadline. Stays: 12 h deadline (24 h in the remote communes, every tenth), some declared late or
never. Persons: 3 statuses each, 5 % reoffend.

How it loads: every row is made by PostgreSQL itself with `INSERT ... SELECT ... FROM
generate_series(...)`, in chunks of 1,000,000 rows (one transaction each), so the Python process
holds no rows and memory stays flat whatever the scale. Random values come from
`hashint8extended(row number, seed + k)`: the same seed gives the same data, independently of
chunking or plan order. No history rows are written (the engine does not read them), and units
have no villages (records carry their commune; the engine lists communes and above).

Database: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/basecurity_bench) is dropped
if it exists, created, migrated (call_command("migrate")), then filled. `--keep` leaves it in
place (to run targets_bench.py --reuse against it); without it, the database is dropped at the end.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/basecurity_bench"
PROTECTED = {"basecurity", "test_basecurity", "postgres", "template0", "template1"}
FIRST_DAY = date(2023, 12, 15)  # start of reporting year 2024
DAYS = 731  # reporting years 2024 (366 days, leap) and 2025 (365 days)
SECOND_YEAR_OFFSET = 366
YEARS = (2024, 2025)
CHUNK = 1_000_000


@dataclass(frozen=True)
class Scale:
    provinces: int
    districts: int  # per province
    communes: int  # per district
    incidents: int
    register: bool = False  # the units of the real register (communes/data/) instead of synthetic ones

    @property
    def total_communes(self) -> int:
        return self.provinces * self.districts * self.communes

    @property
    def sizes(self) -> dict[str, int]:
        n = self.incidents
        return {
            "incidents": n,
            "traffic_accidents": n * 5 // 100,
            "crime_tips": n * 3 // 100,
            "foreigner_stays": n // 100,
            "persons": n * 2 // 1000,
        }


SCALES = {
    "small": Scale(1, 1, 8, 20_000),
    "province": Scale(1, 5, 40, 1_000_000),
    "country": Scale(50, 8, 25, 10_000_000),
    # The country of the official register: 34 provinces, 3,321 communes of 1/7/2025, and Quảng Ninh's
    # map before it (13 districts, 171 communes) with the 2025 lineage; about 1,000 incidents a commune.
    "register": Scale(34, 0, 0, 3_500_000, register=True),
}


def bench_url() -> str:
    return os.environ.get("DATABASE_URL") or DEFAULT_URL


def database_name(url: str) -> str:
    name = urlparse(url).path.lstrip("/")
    if not name or name in PROTECTED:
        raise SystemExit(f"Refusing to use the database {name!r}: give a dedicated benchmark database.")
    return name


def _admin_connection(url: str):
    """A connection to the server's `postgres` database (to create or drop the bench database)."""
    import psycopg2

    parsed = urlparse(url)
    connection = psycopg2.connect(
        host=parsed.hostname or "127.0.0.1",
        port=parsed.port or 5432,
        user=parsed.username or "postgres",
        password=parsed.password or None,
        dbname="postgres",
    )
    connection.autocommit = True
    return connection


def create_database(url: str) -> None:
    name = database_name(url)
    connection = _admin_connection(url)
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def drop_database(url: str) -> None:
    from django.db import connections

    connections.close_all()
    name = database_name(url)
    connection = _admin_connection(url)
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        print(f"dropped the database {name} ({cursor.statusmessage})", file=sys.stderr)
    connection.close()


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "basecurity.settings_test")
    import django

    django.setup()


# --- SQL ---------------------------------------------------------------------------------------


# h(k): a non-negative pseudo-random 31-bit integer of row g and stream k (reproducible per seed).
def _h(k: int) -> str:
    return f"(hashint8extended(g, %(seed)s + {k}) & 2147483647)::int"


# Commune index u, day d (0 .. 730) with the per-commune shift of second-year records into the first.
PLACED = f"""
    SELECT g, u,
           CASE WHEN d >= {SECOND_YEAR_OFFSET} AND s < (u * 7) %% 20 THEN d - {SECOND_YEAR_OFFSET} ELSE d END AS d,
           h3, h4
    FROM (
        SELECT g, {_h(1)} %% %(n)s AS u, {_h(2)} %% {DAYS} AS d, {_h(3)} %% 100 AS s, {_h(4)} AS h3, {_h(5)} AS h4
        FROM generate_series(%(lo)s::bigint, %(hi)s::bigint) AS g
    ) AS raw
"""

SQL = {
    "incidents": f"""
        INSERT INTO incidents_incident (occurred_on, occurred_at_time, reported_on, category_id, subjects,
            description, status, outcome, fine_amount_vnd, unit_id, village_id, recorded_by_id, created_at, updated_at,
            version)
        SELECT %(first)s::date + d, NULL, NULL, (%(categories)s::int[])[1 + h3 %% %(n_categories)s],
            1 + (h4 %% 3), '', 'handled', 'none', NULL, (%(units)s::int[])[1 + u], NULL, %(user)s, now(), now(), 1
        FROM ({PLACED}) AS p
    """,
    "traffic_accidents": f"""
        INSERT INTO incidents_trafficaccident (occurred_on, occurred_at_time, place, vehicles, deaths, injuries,
            damage_vnd, description, unit_id, village_id, recorded_by_id, created_at, updated_at, version)
        SELECT %(first)s::date + d, NULL, '', NULL, CASE WHEN h3 %% 10 = 0 THEN 1 ELSE 0 END, h4 %% 3,
            NULL, '', (%(units)s::int[])[1 + u], NULL, %(user)s, now(), now(), 1
        FROM ({PLACED}) AS p
    """,
    # 10 % extended to 60 days (h3 % 10 = 0); 85 % decided (h4 % 100 < 85) 0..24 days after receipt.
    "crime_tips": f"""
        INSERT INTO incidents_crimetip (kind, received_on, received_at, source, summary, handed_over_at,
            handover_due_at, deadline, decision, decided_on, unit_id, village_id, recorded_by_id, created_at,
            updated_at, version)
        SELECT 'report', %(first)s::date + d, NULL, 'citizen', 'Tin báo tổng hợp ' || g, NULL, NULL,
            %(first)s::date + d + CASE WHEN h3 %% 10 = 0 THEN 60 ELSE 20 END,
            CASE WHEN h4 %% 100 < 85 THEN 'not_prosecute' ELSE '' END,
            CASE WHEN h4 %% 100 < 85 THEN %(first)s::date + d + (h4 / 100) %% 25 END,
            (%(units)s::int[])[1 + u], NULL, %(user)s, now(), now(), 1
        FROM ({PLACED}) AS p
    """,
    # Arrival at a local time of day; 90 % declared 0..13 h after arrival, 10 % never.
    "foreigner_stays": f"""
        INSERT INTO incidents_foreignerstay (full_name, nationality, passport_number, accommodation_kind,
            business_id, host_address, arrived_at, arrived_on, declared_at, declaration_due_at, departed_on,
            unit_id, village_id, recorded_by_id, created_at, updated_at, version)
        SELECT 'Khách ' || g, 'CN', 'E' || g, 'private_home', NULL, '', at, %(first)s::date + d,
            CASE WHEN h4 %% 10 < 9 THEN at + ((h4 / 10) %% 14) * interval '1 hour' END,
            at + CASE WHEN (%(remote)s::bool[])[1 + u] THEN interval '24 hours' ELSE interval '12 hours' END,
            NULL, (%(units)s::int[])[1 + u], NULL, %(user)s, now(), now(), 1
        FROM (
            SELECT *, ((%(first)s::date + d)::timestamp + (h3 %% 1440) * interval '1 minute')
                AT TIME ZONE 'Asia/Ho_Chi_Minh' AS at
            FROM ({PLACED}) AS p0
        ) AS p
    """,
    # Returned 2020-01-01 .. ~2025-10; half managed for two years, half with no end date.
    "persons": f"""
        INSERT INTO reintegration_person (unit_id, village_id, ref, full_name, date_of_birth, sex, ethnicity,
            citizen_id, category, offence, sentence, returned_on, management_start, management_end,
            assigned_officer_id, mentor_name, notes, version)
        SELECT (%(units)s::int[])[1 + u], NULL, 'HS-' || g, 'Đối tượng ' || g, date '1975-01-01' + h3 %% 9000,
            CASE WHEN h3 %% 2 = 0 THEN 'M' ELSE 'F' END, '', NULL,
            (ARRAY['completed_sentence', 'special_amnesty', 'conditional_release', 'suspended_sentence',
                   'non_custodial'])[1 + h4 %% 5],
            'Trộm cắp tài sản', '', date '2020-01-01' + (h4 / 10) %% 2100, date '2020-01-01' + (h4 / 10) %% 2100,
            CASE WHEN (h4 / 100000) %% 2 = 0 THEN date '2020-01-01' + (h4 / 10) %% 2100 + 730 END, NULL, '', '', 1
        FROM ({PLACED}) AS p
    """,
}

AFTER = [
    # One extension per tip whose deadline is 60 days (the tip's stored deadline is the new one).
    """
    INSERT INTO incidents_crimetipextension (tip_id, extended_on, new_deadline, reason, recorded_by_id,
        created_at, updated_at, version)
    SELECT id, received_on + 15, deadline, 'Vụ việc phức tạp', recorded_by_id, now(), now(), 1
    FROM incidents_crimetip WHERE deadline = received_on + 60
    """,
    # Three statuses per person, 200, 400 and 600 days after the return (not after 14/12/2025).
    """
    INSERT INTO reintegration_status (person_id, as_of, has_job, stable_life, occupation, income_band, note)
    SELECT id, returned_on + k * 200, (id + k) %% 3 <> 0, (id * 7 + k) %% 4 <> 0, '', '', ''
    FROM reintegration_person, generate_series(1, 3) AS k
    WHERE returned_on + k * 200 <= date '2025-12-14'
    """,
    # 5 % of the persons reoffend once, 100 .. 700 days after the return (not after 14/12/2025).
    """
    INSERT INTO reintegration_reoffence (person_id, date, incident_id, description)
    SELECT id, returned_on + 100 + ((id * 13) %% 600)::int, NULL, ''
    FROM reintegration_person
    WHERE id %% 20 = 0 AND returned_on + 100 + ((id * 13) %% 600)::int <= date '2025-12-14'
    """,
]


def _create_units(cursor, scale: Scale) -> None:
    """Provinces B01.., districts B0101.., communes B0101001.. (codes cannot clash with real ones)."""
    cursor.execute(
        """
        INSERT INTO communes_administrativeunit (code, name, kind, level, parent_id, path, population, households,
            ethnic_minority_share, is_remote, is_placeholder, valid_from, valid_until, covered_from, history_path)
        SELECT 'B' || lpad(p::text, 2, '0'), 'Tỉnh Thử Nghiệm ' || p, 'tinh', 'province', NULL,
            '/B' || lpad(p::text, 2, '0') || '/', NULL, NULL, NULL, false, false, NULL, NULL, NULL, ''
        FROM generate_series(1, %s) AS p
        """,
        [scale.provinces],
    )
    cursor.execute(
        """
        INSERT INTO communes_administrativeunit (code, name, kind, level, parent_id, path, population, households,
            ethnic_minority_share, is_remote, is_placeholder, valid_from, valid_until, covered_from, history_path)
        SELECT u.code || lpad(d::text, 2, '0'), 'Huyện Thử Nghiệm ' || u.code || lpad(d::text, 2, '0'), 'huyen',
            'district', u.id, u.path || u.code || lpad(d::text, 2, '0') || '/', NULL, NULL, NULL, false, false,
            NULL, NULL, NULL, ''
        FROM communes_administrativeunit AS u, generate_series(1, %s) AS d
        WHERE u.level = 'province' AND u.code LIKE 'B%%'
        ORDER BY u.code, d
        """,
        [scale.districts],
    )
    cursor.execute(
        """
        INSERT INTO communes_administrativeunit (code, name, kind, level, parent_id, path, population, households,
            ethnic_minority_share, is_remote, is_placeholder, valid_from, valid_until, covered_from, history_path)
        SELECT u.code || lpad(c::text, 3, '0'), 'Xã Thử Nghiệm ' || u.code || lpad(c::text, 3, '0'), 'xa',
            'commune', u.id, u.path || u.code || lpad(c::text, 3, '0') || '/', 5000 + c * 10, 1200 + c, NULL,
            c %% 10 = 0, false, NULL, NULL, date '2019-12-15', ''
        FROM communes_administrativeunit AS u, generate_series(1, %s) AS c
        WHERE u.level = 'district' AND u.code LIKE 'B%%'
        ORDER BY u.code, c
        """,
        [scale.communes],
    )
    # No lineage among the synthetic units: each is its own history (communes.services).
    cursor.execute("UPDATE communes_administrativeunit SET history_path = '/' || id || '/' WHERE code LIKE 'B%%'")


def _register_units(cursor) -> None:
    """The official register (load_units --all, and Quảng Ninh's pre-2025 map with its lineage).

    The snapshot holds the map before 1/7/2025 of Quảng Ninh only: the other provinces' communes are
    made to span both benchmark years (no start day), so their records have a unit every day; Quảng
    Ninh's records are moved onto the units of their day afterwards (_on_the_map_of_their_day).
    Every commune is covered for both years (complete comparisons: the cost measured is the folding's).
    """
    from communes import register

    register.register_load(None)
    cursor.execute(
        """
        UPDATE communes_administrativeunit
        SET valid_from = NULL, path = replace(path, '@20250701', '')
        WHERE level = 'commune' AND valid_from = date '2025-07-01' AND path NOT LIKE '/22/%%'
        """
    )
    cursor.execute("UPDATE communes_administrativeunit SET covered_from = date '2019-12-15' WHERE level = 'commune'")


# (table, date column) of the records placed on units: moved onto the unit in force on their date.
DATED = [
    ("incidents_incident", "occurred_on"),
    ("incidents_trafficaccident", "occurred_on"),
    ("incidents_crimetip", "received_on"),
    ("incidents_foreignerstay", "arrived_on"),
]


def _on_the_map_of_their_day(cursor) -> None:
    """Quảng Ninh's records dated before 1/7/2025 on a predecessor of their commune, after it on the
    successor (the one that kept the code when the commune was divided), as officers recorded them."""
    for table, column in DATED:
        cursor.execute(
            f"""
            UPDATE {table} AS r SET unit_id = (
                SELECT l.successor_id FROM communes_unitlineage AS l
                JOIN communes_administrativeunit AS p ON p.id = l.predecessor_id
                JOIN communes_administrativeunit AS s ON s.id = l.successor_id
                WHERE l.predecessor_id = r.unit_id
                ORDER BY (l.transfer = 'whole' OR s.code = p.code) DESC, l.successor_id LIMIT 1
            )
            FROM communes_administrativeunit AS u
            WHERE u.id = r.unit_id AND u.valid_until = date '2025-06-30' AND r.{column} >= date '2025-07-01'
            """  # noqa: S608 (fixed table names)
        )
        cursor.execute(
            f"""
            UPDATE {table} AS r SET unit_id = (
                SELECT min(l.predecessor_id) FROM communes_unitlineage AS l WHERE l.successor_id = r.unit_id
            )
            FROM communes_administrativeunit AS u
            WHERE u.id = r.unit_id AND u.valid_from = date '2025-07-01' AND r.{column} < date '2025-07-01'
            """  # noqa: S608 (fixed table names)
        )


TABLES = [
    "communes_administrativeunit",
    "incidents_incident",
    "incidents_trafficaccident",
    "incidents_crimetip",
    "incidents_crimetipextension",
    "incidents_foreignerstay",
    "reintegration_person",
    "reintegration_status",
    "reintegration_reoffence",
]


def generate(scale_name: str, seed: int, log=print) -> dict:
    """Fill the (migrated) database of the default connection; returns {table: rows} and timings."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from incidents.models import IncidentCategory

    scale = SCALES[scale_name]
    started = time.perf_counter()
    user = get_user_model().objects.create_user(username="bench.loader", password=None)
    timings = {}
    with connection.cursor() as cursor:
        with transaction.atomic():
            if scale.register:
                _register_units(cursor)
            else:
                _create_units(cursor, scale)
        cursor.execute(
            "SELECT id, is_remote FROM communes_administrativeunit"
            " WHERE level = 'commune' AND (code LIKE 'B%%' OR %s) ORDER BY id",
            [scale.register],
        )
        rows = cursor.fetchall()
        units, remote = [row[0] for row in rows], [row[1] for row in rows]
        categories = list(IncidentCategory.objects.order_by("id").values_list("id", flat=True))
        params = {
            "seed": seed,
            "n": len(units),
            "units": units,
            "remote": remote,
            "categories": categories,
            "n_categories": len(categories),
            "first": FIRST_DAY,
            "user": user.pk,
        }
        offset = 0
        for table, count in scale.sizes.items():
            t0 = time.perf_counter()
            # Each record type gets its own range of row numbers, so streams do not repeat across types.
            for lo in range(0, count, CHUNK):
                hi = min(lo + CHUNK, count) - 1
                with transaction.atomic():
                    cursor.execute(SQL[table], {**params, "lo": offset + lo, "hi": offset + hi})
            offset += count
            timings[table] = time.perf_counter() - t0
            log(f"  {table:<18} {count:>12,} rows  {timings[table]:7.1f} s")
        t0 = time.perf_counter()
        for statement in AFTER:
            with transaction.atomic():
                cursor.execute(statement, {})
        timings["extensions, statuses, reoffences"] = time.perf_counter() - t0
        if scale.register:
            t0 = time.perf_counter()
            with transaction.atomic():
                _on_the_map_of_their_day(cursor)
            timings["records on the map of their day"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        cursor.execute("VACUUM ANALYZE")
        timings["vacuum analyze"] = time.perf_counter() - t0
        sizes = {}
        for table in TABLES:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 (fixed table names)
            sizes[table] = cursor.fetchone()[0]
        cursor.execute("SELECT pg_database_size(current_database())")
        database_bytes = cursor.fetchone()[0]
    return {
        "scale": scale_name,
        "seed": seed,
        "rows": sizes,
        "timings": timings,
        "seconds": time.perf_counter() - started,
        "database_bytes": database_bytes,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="small")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="Leave the filled database in place.")
    args = parser.parse_args()
    url = bench_url()
    create_database(url)
    setup_django(url)
    from django.core.management import call_command

    try:
        call_command("migrate", verbosity=0)
        result = generate(args.scale, args.seed)
        for table, count in result["rows"].items():
            print(f"{table:<32} {count:>12,}")
        print(f"loaded in {result['seconds']:.1f} s, database {result['database_bytes'] / 1e6:,.0f} MB")
    finally:
        if not args.keep:
            drop_database(url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
