"""Rebuild the register snapshot that `load_units` reads (run by a maintainer, never by the app).

The snapshot is plain CSV kept in the repository, so that loading the map needs no network and no
extra package at run time:
- `communes-2025.csv`: every commune-level unit from 1/7/2025 (code, name, kind, province_code), from
  the statistics office's list (Danh mục và mã số các đơn vị hành chính cấp xã, Công văn
  1027/CTK-CSCL of 25/6/2025);
- `provinces-2025.csv`: the 34 provinces and centrally-run cities (code, name, kind), names and kinds
  from the same office's data as published in the `vietnam-provinces` package (GPL-3.0: only its
  facts are copied here, at refresh time, by this script);
- `conversion/<province code>.csv`: a province's old → new conversion table of 1/7/2025
  (new_code, new_name, old_code, old_name, transfer, old_district_code, old_district), the office's
  "Bảng chuyển đổi ĐVHC mới – cũ".

Usage (see README, "The map's register"):
    python -m communes.data.refresh --communes communes-2025.csv \
        --provinces-json .../vietnam_provinces/data/nested-divisions.json \
        [--conversion 22=quang-ninh-2025-conversion.csv ...]
"""

import argparse
import csv
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
COMMUNE_KINDS = {"xa", "phuong", "dac_khu"}
PROVINCE_KINDS = {"tỉnh": "tinh", "thành phố trung ương": "thanh_pho_tw"}
CONVERSION_COLUMNS = ["new_code", "new_name", "old_code", "old_name", "transfer", "old_district_code", "old_district"]


def province_rows(nested_json: Path) -> list[dict]:
    rows = []
    for province in json.loads(nested_json.read_text(encoding="utf-8")):
        kind = PROVINCE_KINDS[province["division_type"]]
        name = province["name"]
        if kind == "tinh" and not name.startswith("Tỉnh "):
            name = f"Tỉnh {name}"
        rows.append({"code": f"{province['code']:02d}", "name": name, "kind": kind})
    return sorted(rows, key=lambda row: row["code"])


def commune_rows(path: Path, province_codes: set[str]) -> list[dict]:
    rows = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["kind"] not in COMMUNE_KINDS or row["province_code"] not in province_codes:
                raise SystemExit(f"Unexpected row: {row}")
            rows.append({key: row[key].strip() for key in ("code", "name", "kind", "province_code")})
    return rows


def _normal_kind_case(name: str) -> str:
    """The office's tables sometimes capitalise the kind ("Thị Xã Quảng Yên"); names keep one spelling."""
    for kind in ("Thị Xã ", "Thị Trấn ", "Thành Phố "):
        if name.startswith(kind):
            return kind[0] + kind[1:].lower() + name[len(kind) :]
    return name


def write(path: Path, rows: list[dict], columns: list[str]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--communes", type=Path, required=True)
    parser.add_argument("--provinces-json", type=Path, required=True)
    parser.add_argument("--conversion", action="append", default=[], metavar="CODE=FILE")
    args = parser.parse_args()
    provinces = province_rows(args.provinces_json)
    communes = commune_rows(args.communes, {row["code"] for row in provinces})
    write(HERE / "provinces-2025.csv", provinces, ["code", "name", "kind"])
    write(HERE / "communes-2025.csv", communes, ["code", "name", "kind", "province_code"])
    for item in args.conversion:
        code, _, file = item.partition("=")
        with Path(file).open(encoding="utf-8-sig", newline="") as handle:
            header = next(csv.reader(handle))
        if header != CONVERSION_COLUMNS:
            raise SystemExit(f"{file}: expected the columns {CONVERSION_COLUMNS}")
        with Path(file).open(encoding="utf-8-sig", newline="") as handle:
            rows = [
                {key: _normal_kind_case(value.strip()) for key, value in row.items()} for row in csv.DictReader(handle)
            ]
        write(HERE / "conversion" / f"{code}.csv", rows, CONVERSION_COLUMNS)
    print(f"{len(provinces)} provinces, {len(communes)} commune-level units, {len(args.conversion)} conversion tables.")


if __name__ == "__main__":
    main()
