"""Hostile and damaged files (issue 12): every import reads a bounded amount whatever a workbook
declares, refuses what is too big in seconds with a message, and turns every unreadable cell into
a row/column error — never a 500, never gigabytes."""

import io
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from basecurity.lib import tabular
from basecurity.testing import workbooks as wb
from basecurity.testing.html import texts
from incidents.importers import INCIDENT_COLUMNS
from incidents.models import Incident

pytestmark = pytest.mark.usefixtures("english")


ROOT = Path(__file__).resolve().parents[2]
MEMORY_CAP_MB = 400

# Run read_table on a file in a fresh interpreter whose address space is capped: a workbook that
# made the reader pad or inflate would die with MemoryError instead of printing its result.
CAPPED = """
import json, os, resource, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "basecurity.settings_test")
import django
django.setup()
from django.utils import translation
from basecurity.lib import tabular
from incidents.importers import INCIDENT_COLUMNS
cap = int(sys.argv[2]) * 1024 * 1024
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
data = open(sys.argv[1], "rb").read()
start = time.monotonic()
with translation.override(sys.argv[3]):
    table = tabular.read_table(data, "hostile.xlsx", INCIDENT_COLUMNS)
    print(json.dumps({
        "seconds": time.monotonic() - start,
        "rows": len(table.rows),
        "errors": [[e.row, e.column, str(e)] for e in table.errors],
        "peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }))
"""


def read_capped(tmp_path, data: bytes, language: str = "en") -> dict:
    path = tmp_path / "hostile.xlsx"
    path.write_bytes(data)
    done = subprocess.run(
        [sys.executable, "-c", CAPPED, str(path), str(MEMORY_CAP_MB), language],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def huge_dimension() -> bytes:
    """A tiny file declaring 16,384 columns × 200,000 rows (A1:XFD200000), holding two rows."""
    return wb.workbook(
        wb.sheet_xml(
            [wb.header(INCIDENT_COLUMNS), wb.row(2, wb.text_cell("A2", "06976"))],
            dimension="A1:XFD200000",
        )
    )


def lying_sparse() -> bytes:
    """Declares A1:F2 but has a row at 1,048,576: openpyxl would pad a million empty rows."""
    return wb.workbook(wb.sheet_xml([wb.header(INCIDENT_COLUMNS), wb.row(1_048_576, wb.text_cell("A1048576", "x"))]))


def test_huge_declared_dimension_is_refused_in_seconds_under_a_memory_cap(tmp_path):
    data = huge_dimension()
    assert len(data) < 10_000
    result = read_capped(tmp_path, data)
    assert result["seconds"] < 5
    assert result["rows"] == 0
    [(row, column, message)] = result["errors"]
    assert row == 0 and "more than 150,000 rows" in message


def test_a_wide_declared_dimension_is_refused_by_its_cells(tmp_path):
    """The probe's 1.6 KB file: A1:XFD6000 (98 million cells declared) grew the server by 700 MB."""
    data = wb.workbook(wb.sheet_xml([wb.header(INCIDENT_COLUMNS)], dimension="A1:XFD6000"))
    result = read_capped(tmp_path, data)
    assert result["seconds"] < 5
    [(row, _column, message)] = result["errors"]
    assert row == 0 and "more than 2,000,000 cells" in message


def test_the_refusal_is_in_vietnamese_for_a_vietnamese_user(tmp_path):
    [(_row, _column, message)] = read_capped(tmp_path, huge_dimension(), "vi")["errors"]
    assert "dòng" in message and "150.000" in message


def test_a_lying_dimension_is_caught_while_reading(tmp_path):
    result = read_capped(tmp_path, lying_sparse())
    assert result["seconds"] < 5
    [(row, _column, message)] = result["errors"]
    assert row == 0 and "150,000 rows" in message


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path):
    data = wb.bomb(unpacked_mb=200)  # packs to about 200 KB
    assert len(data) < 1_000_000
    result = read_capped(tmp_path, data)
    assert result["seconds"] < 5
    [(row, _column, message)] = result["errors"]
    assert row == 0 and "unpacks to more data" in message


def test_a_shared_part_packed_too_well_is_refused():
    data = wb.bomb(unpacked_mb=40, member="xl/sharedStrings.xml")
    [error] = tabular.read_table(data, "x.xlsx", INCIDENT_COLUMNS).errors
    assert "unpacks to more data" in error.message


def test_an_oversized_style_sheet_is_refused_before_openpyxl_reads_it():
    """Styles that do not pack well (random numbers) and would take openpyxl minutes to read."""
    import random

    rng = random.Random(1)
    formats = "".join(f'<xf numFmtId="{rng.randrange(10**6)}" xfId="{rng.randrange(10**6)}"/>' for _ in range(60_000))
    styles = f'<styleSheet xmlns="{wb.NS}"><cellXfs count="60000">{formats}</cellXfs></styleSheet>'
    data = wb.workbook(extra={}, replace={"xl/styles.xml": styles.encode()})
    started = time.monotonic()
    [error] = tabular.read_table(data, "x.xlsx", INCIDENT_COLUMNS).errors
    assert time.monotonic() - started < 2
    assert error.row == 0 and "unpacks to more data" in error.message


def test_a_wide_row_keeps_only_the_imports_columns(tmp_path):
    """16,384 real cells in one row, declared as such: read, but only the columns the import uses."""
    cells = "".join(f'<c r="{tabular._column_letter(i)}2"><v>{i}</v></c>' for i in range(7, 16_385))
    data = wb.workbook(
        wb.sheet_xml(
            [
                wb.header(INCIDENT_COLUMNS),
                f'<row r="2">{wb.text_cell("A2", "06976")}{cells}</row>',
            ],
            dimension="A1:XFD2",
        )
    )
    result = read_capped(tmp_path, data)
    assert result["errors"] == [[2, "", "Row 2, column -: This row has more cells than the header has columns."]]


def test_row_and_cell_caps_hold_while_reading(monkeypatch):
    monkeypatch.setattr(tabular, "MAX_ROWS", 3)
    rows = [wb.row(n, wb.text_cell(f"A{n}", "06976")) for n in range(2, 6)]
    data = wb.workbook(wb.sheet_xml([wb.header(INCIDENT_COLUMNS), *rows], dimension=None))
    [error] = tabular.read_table(data, "x.xlsx", INCIDENT_COLUMNS).errors
    assert error.row == 0 and "more than 3 rows" in error.message
    csv_data = ("unit_code\r\n" + "06976\r\n" * 4).encode()
    [error] = tabular.read_table(csv_data, "x.csv", ["unit_code"]).errors
    assert "more than 3 rows" in error.message

    monkeypatch.setattr(tabular, "MAX_ROWS", 1000)
    monkeypatch.setattr(tabular, "MAX_CELLS", 20)
    # cells beyond the import's columns count too: they cost time to parse
    wide = "".join(f'<c r="{tabular._column_letter(i)}2"/>' for i in range(1, 30))
    data = wb.workbook(wb.sheet_xml([wb.header(INCIDENT_COLUMNS), f'<row r="2">{wide}</row>'], dimension=None))
    [error] = tabular.read_table(data, "x.xlsx", INCIDENT_COLUMNS).errors
    assert "more than 20 cells" in error.message


# --- damaged cells and files ------------------------------------------------------------------------


def bad_cells_workbook() -> bytes:
    return wb.workbook(
        wb.sheet_xml(
            [
                wb.header(INCIDENT_COLUMNS),
                wb.row(
                    2,
                    wb.text_cell("A2", "06976"),
                    f'<c r="C2" s="{wb.DATE_STYLE}"><v>99999999999</v></c>',  # a date serial past year 9999
                    '<c r="E2" t="n"><v>abc</v></c>',  # not a number
                    '<c r="F2" t="e"><v>#DIV/0!</v></c>',  # a formula error
                ),
                wb.row(3, wb.text_cell("A3", "06976"), '<c r="D3" t="s"><v>7</v></c>'),  # no shared string 7
            ]
        )
    )


def test_every_unreadable_cell_is_an_error_at_its_row_and_column():
    table = tabular.read_table(bad_cells_workbook(), "x.xlsx", INCIDENT_COLUMNS)
    assert [(e.row, e.column) for e in table.errors] == [
        (2, "occurred_on"),
        (2, "subjects"),
        (2, "description"),
        (3, "category"),
    ]
    assert "#DIV/0!" in table.errors[2].message


@pytest.mark.parametrize(
    "data",
    [
        b"not a zip at all",
        wb.workbook()[:-200],  # truncated
        wb.workbook(wb.sheet_xml([wb.header(INCIDENT_COLUMNS), "<row r='2'><c r='A2'><v>1</v>"])),  # cut XML
        wb.workbook(wb.sheet_xml([wb.header(INCIDENT_COLUMNS), '<row r="x2"/>'])),
        wb.workbook(wb.sheet_xml([wb.header(INCIDENT_COLUMNS), wb.row(2, '<c r="A5"><v>1</v></c>')])),
    ],
    ids=["not-zip", "truncated", "cut-xml", "bad-row-number", "cell-outside-its-row"],
)
def test_a_damaged_workbook_is_one_clear_error(data):
    table = tabular.read_table(data, "x.xlsx", INCIDENT_COLUMNS)
    assert [error.row for error in table.errors] == [0]
    assert not table.rows


def test_a_csv_line_of_millions_of_cells_is_refused_under_a_memory_cap(tmp_path):
    """40 MB of commas on one line: 40 million cells if split, refused before the split."""
    path = tmp_path / "hostile.csv"
    path.write_bytes(",".join(INCIDENT_COLUMNS).encode() + b"\r\n" + b"," * (40 * 1024 * 1024) + b"\r\n")
    script = CAPPED.replace('"hostile.xlsx"', '"hostile.csv"')
    done = subprocess.run(
        [sys.executable, "-c", script, str(path), str(MEMORY_CAP_MB), "en"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["seconds"] < 5
    [(row, _column, message)] = result["errors"]
    assert row == 0 and "malformed near line 2" in message


def test_a_csv_that_is_not_utf8_is_one_clear_error():
    data = b"unit_code,description\r\n06976,Tr\xe1m c\xe1p\r\n"  # Windows-1258 bytes, not UTF-8
    [error] = tabular.read_table(data, "x.csv", ["unit_code", "description"]).errors
    assert error.row == 0 and "UTF-8" in error.message


def test_a_sheet_failing_its_checksum_is_one_clear_error():
    """A member whose bytes do not match its CRC (zipfile raises while the sheet is read)."""
    import zipfile

    marker = "06976-CRC"
    sheet = wb.sheet_xml([wb.header(INCIDENT_COLUMNS), wb.row(2, wb.text_cell("A2", marker))])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(wb.workbook(sheet))) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():  # stored, not deflated: the sheet's text is in the file as is
            target.writestr(item.filename, source.read(item.filename), compress_type=zipfile.ZIP_STORED)
    data = out.getvalue().replace(marker.encode(), b"06977-CRC")
    table = tabular.read_table(data, "x.xlsx", INCIDENT_COLUMNS)
    assert [error.row for error in table.errors] == [0] and not table.rows


def test_a_malformed_csv_is_one_clear_error():
    data = b'unit_code\r\n"' + b"x" * 200_000 + b"\r\n"  # an open quote running past the field limit
    [error] = tabular.read_table(data, "x.csv", ["unit_code"]).errors
    assert error.row == 0 and "line" in error.message


# --- every entry point ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_command_refuses_hostile_workbooks(tmp_path, roles, commune_a):
    for name, data in [("huge.xlsx", huge_dimension()), ("cells.xlsx", bad_cells_workbook())]:
        path = tmp_path / name
        path.write_bytes(data)
        err = io.StringIO()
        with pytest.raises(CommandError):
            call_command("import_records", "incidents", str(path), "--user", "officer_a", stderr=err)
        assert err.getvalue()
    assert not Incident.objects.exists()


@pytest.mark.django_db
def test_the_command_refuses_a_file_too_big_before_reading_it(tmp_path, roles, monkeypatch):
    monkeypatch.setattr(tabular, "MAX_FILE_BYTES", 1024 * 1024)
    path = tmp_path / "big.csv"
    path.write_bytes(b"x" * (1024 * 1024 + 1))
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("the file was read"))
    with pytest.raises(CommandError, match="larger than 1 MB"):
        call_command("import_records", "incidents", str(path), "--user", "officer_a")


@pytest.mark.django_db
def test_the_upload_page_refuses_hostile_workbooks(roles, client_for, commune_a):
    from basecurity.testing.imports import upload

    client = client_for(roles.officer_a)
    for data in [huge_dimension(), lying_sparse(), bad_cells_workbook(), b"PK\x03\x04broken"]:
        started = time.monotonic()
        response = upload(client, "incidents", data, "f.xlsx")  # the request stores it, the job refuses it
        assert time.monotonic() - started < 10
        page = client.get(response["Location"])
        assert texts(page, "//*[@id='import-state']/@data-state") == ["invalid"]
        assert texts(page, "//*[@id='import-errors']//td")
    assert not Incident.objects.exists()


@pytest.mark.django_db
def test_the_admin_criteria_upload_refuses_a_hostile_workbook():
    from reports.criteria.loader import load_criteria
    from reports.models import CriteriaSet

    criteria_set = CriteriaSet.objects.first() or pytest.skip("no criteria set")
    result = load_criteria(criteria_set, huge_dimension(), "criteria.xlsx")
    assert [error.row for error in result.errors] == [0]
