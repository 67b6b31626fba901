"""Reading and writing the tables communes keep in Excel (docs/import-formats.md).

Generic and reusable by every app's importer:

- `read_table(data, filename, columns)` reads a CSV (UTF-8, with or without BOM) or an XLSX file
  (first sheet, header in row 1) into numbered rows; headers are case-insensitive, unknown and
  missing columns are errors. Row numbers are the spreadsheet's: the header is row 1. Reading is
  bounded whatever the file declares (`MAX_ROWS`, `MAX_CELLS`, the unpacked size of a workbook,
  only the import's columns kept); text cells are NFC-normalised without invisible characters
  (`basecurity.lib.text.clean_text`); a cell that cannot be read is an error at its row and column.
- `parse_date`, `parse_datetime`, `parse_bool`, `parse_int` turn one cell into a value or raise
  `CellError` with a message for a commune police officer.
- `Importer` runs an import all or nothing: every row is validated first, every problem is
  collected as a `RowError(row, column, message)`, nothing is written if there is any; the same
  content (`content_fingerprint` of its rows, kept in `communes.models.ImportedFile`) is refused
  the second time, whatever its line endings, BOM, cell spaces, column order, row order, date
  notation or format (CSV or XLSX).
- `write_csv` / `write_xlsx` write an export with the same columns; a single quote goes before
  every = + - @ that starts a text cell or follows a separator (, ; tab or line break) in it, and
  before a leading tab, so a spreadsheet never runs it as a formula whatever its list separator.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import itertools
import json
import re
import unicodedata
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import override

from basecurity.lib.text import clean_text

LOCAL_TIMEZONE = ZoneInfo("Asia/Ho_Chi_Minh")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TRUE_WORDS = {"yes", "true", "1", "có", "co", "y"}
FALSE_WORDS = {"no", "false", "0", "không", "khong", "n"}
CSV_EXTENSIONS = (".csv",)
XLSX_EXTENSIONS = (".xlsx",)

# Bounds of any imported file (issue 12): a commune's yearly book is far smaller; the benchmark
# imports 100,000 incident rows (an 8 MB CSV, a 3 MB XLSX unpacking to 37 MB).
MAX_FILE_BYTES = getattr(settings, "IMPORT_MAX_MB", 50) * 1024 * 1024  # the upload form's limit too
MAX_ROWS = 150_000  # data rows, the header excluded
MAX_CELLS = 2_000_000  # cells of a file, declared by an XLSX sheet or found in it
MAX_CSV_LINE = 1024 * 1024  # characters of one line (Excel's longest cell is 32,767)
EXTRA_COLUMNS_READ = 10  # columns read beyond the expected ones, to report unknown columns
MAX_XLSX_UNPACKED = 150 * 1024 * 1024  # all members of the zip, unpacked
MAX_XLSX_STRINGS = 32 * 1024 * 1024  # the shared strings, read whole by openpyxl
# The workbook's structure and styles, read whole into objects (a 3.7 MB styles.xml of 100,000
# formats takes openpyxl half a minute; a real one is some kilobytes).
MAX_XLSX_STRUCTURE = 1024 * 1024
STRUCTURE_PARTS = ("[content_types].xml", "workbook.xml", "workbook.xml.rels", "styles.xml")
MAX_XLSX_RATIO = 200  # unpacked / packed of a member above RATIO_CHECK_FROM (XML packs ~10×)
RATIO_CHECK_FROM = 1024 * 1024
MAX_XLSX_MEMBERS = 1000
MAX_CELL_DEPTH = 8  # elements nested in a cell (<c><is><r><t>: 4)
MAX_ELEMENTS = 4 * MAX_CELLS + 100_000  # XML elements of a sheet (a cell is 2 to 4)


# --- errors --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """One problem of an import: spreadsheet row (1 = header, 0 = the whole file), column, message."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.row == 0:
            return self.message
        return _("Row %(row)d, column %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column or "-",
            "message": self.message,
        }


class CellError(ValueError):
    """A cell whose value cannot be read; the message is for the user."""


class ImportRefused(Exception):
    """Raised by `Importer.run(..., raise_on_error=True)`: carries every RowError."""

    def __init__(self, errors: Sequence[RowError]):
        super().__init__("\n".join(str(error) for error in errors))
        self.errors = list(errors)


# --- reading -------------------------------------------------------------------------------------


@dataclass
class Table:
    """The rows of a file: [(row number, {column: value})]; values are str, or date/datetime/number
    for XLSX cells that hold them. `errors` are problems of the file as a whole (header)."""

    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def fingerprint(data: bytes) -> str:
    """sha256 of a file's bytes: how files imported before content fingerprints are recognised."""
    return hashlib.sha256(data).hexdigest()


def content_fingerprint(kind: str, table: Table) -> str:
    """The identity of what a file holds, for "already imported": sha256 of its rows as read.

    The same rows give the same fingerprint whatever the file's bytes: CSV or XLSX, CRLF or LF, with
    or without BOM, spaces around cells, columns or rows in another order, a date written
    DD/MM/YYYY or YYYY-MM-DD or stored as an Excel date, a number as text or as a number cell. An
    empty cell counts as a column the file does not have."""
    rows = []
    for _number, values in table.rows:
        cells = {name: _canonical(value) for name, value in values.items()}
        rows.append(json.dumps(sorted((name, cell) for name, cell in cells.items() if cell), ensure_ascii=False))
    payload = json.dumps([kind, sorted(rows)], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _canonical(value: Any) -> str:
    """One cell as the text the fingerprint compares (a date as YYYY-MM-DD, a date-time at midnight
    as its date, as an Excel date cell is read)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        value = unicodedata.normalize("NFC", value.strip())
        value = _as_moment(value) or value
    if isinstance(value, datetime):
        value = value.replace(tzinfo=None)
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


def _as_moment(text: str) -> date | datetime | None:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    for pattern in ("%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M:%S"):
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    return None


def _clean(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str):
        return clean_text(value).strip()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


class FileRefused(CellError):
    """The file as a whole cannot be read safely (too big, malformed): a message for the user."""


@dataclass(frozen=True)
class BadCell:
    """A cell that could not be read: its value in a row is this, read_table reports it."""

    message: str


def _too_many_rows() -> FileRefused:
    return FileRefused(
        _("The file has more than %(rows)s rows; split it into smaller files.")
        % {"rows": number_format(MAX_ROWS, force_grouping=True)}
    )


def _too_many_cells() -> FileRefused:
    return FileRefused(
        _("The file has more than %(cells)s cells; keep only the import's columns and split it into smaller files.")
        % {"cells": number_format(MAX_CELLS, force_grouping=True)}
    )


def _csv_rows(data: bytes, max_col: int | None) -> Iterator[tuple[int, list[Any]]]:
    """The rows of a CSV, decoded as they are read (never the whole text at once), with lines
    longer than MAX_CSV_LINE refused before the csv module splits them into cells."""
    if len(data) > MAX_FILE_BYTES:
        raise _file_too_big()
    stream = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
    reader = csv.reader(_bounded_lines(stream))
    cells = 0
    number = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError:
            raise FileRefused(
                _("The file is not a UTF-8 CSV file. In Excel use “Save as” → “CSV UTF-8 (comma delimited)”.")
            ) from None
        except csv.Error:
            raise FileRefused(
                _("The CSV file is malformed near line %(line)d (a quote left open or a cell too long).")
                % {"line": reader.line_num}
            ) from None
        number += 1
        if number > MAX_ROWS + 1:
            raise _too_many_rows()
        cells += len(row)
        if cells > MAX_CELLS:
            raise _too_many_cells()
        yield number, row[:max_col] if max_col else row


def _bounded_lines(stream) -> Iterator[str]:
    for number, line in enumerate(stream, start=1):
        if len(line) > MAX_CSV_LINE:
            raise FileRefused(
                _("The CSV file is malformed near line %(line)d (a quote left open or a cell too long).")
                % {"line": number}
            )
        yield line


def _file_too_big() -> FileRefused:
    return FileRefused(_("The file is larger than %(size)d MB.") % {"size": MAX_FILE_BYTES // (1024 * 1024)})


def _check_zip(data: bytes) -> None:
    """Refuse, before openpyxl opens it, a workbook whose parts would be too big once unpacked.

    The sizes come from the zip's directory; Python's zipfile never inflates a member beyond its
    declared size (a lying member fails its CRC check), so these bounds hold while reading.
    """
    if len(data) > MAX_FILE_BYTES:
        raise _file_too_big()
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise _not_a_workbook() from None
    if len(members) > MAX_XLSX_MEMBERS:
        raise _not_a_workbook()
    total = 0
    for member in members:
        total += member.file_size
        compressed = max(member.compress_size, 1)
        name = member.filename.lower().rsplit("/", 1)[-1]
        limit = (
            MAX_XLSX_STRINGS
            if name == "sharedstrings.xml"
            else MAX_XLSX_STRUCTURE
            if name in STRUCTURE_PARTS
            else MAX_XLSX_UNPACKED
        )
        if (
            total > MAX_XLSX_UNPACKED
            or member.file_size > limit
            or (member.file_size > RATIO_CHECK_FROM and member.file_size / compressed > MAX_XLSX_RATIO)
        ):
            raise FileRefused(
                _(
                    "The workbook unpacks to more data than an import may hold (a damaged or hostile file?). "
                    "Save it again from Excel with only the import's columns, or split it."
                )
            )


def _not_a_workbook() -> FileRefused:
    return FileRefused(_("The file could not be read as an Excel (.xlsx) workbook."))


def _column_letter(column: int) -> str:
    from openpyxl.utils import get_column_letter

    try:
        return get_column_letter(column)
    except ValueError:
        return str(column)


def _xlsx_rows(data: bytes, max_col: int | None) -> Iterator[tuple[int, list[Any]]]:
    """The first sheet's rows, streamed: (row number, values of columns 1..max_col).

    openpyxl's read-only worksheet scans a sheet without <dimension> whole just to size it, then
    pads every row to the declared width and fills in missing rows: a 2 KB file declaring
    A1:XFD1048576 would cost gigabytes. Here openpyxl only reads the workbook's parts (shared
    strings, styles, the list of sheets: bounded by `_check_zip`), and the sheet's XML is walked
    element by element: the declared dimension is checked when met, only the cells of columns
    1..max_col are kept, every element is dropped once read, and the row and cell caps hold even
    when the dimension lies. A cell that cannot be read becomes a `BadCell` in its row (reported
    at its row and column), not an exception.
    """
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet
    from openpyxl.worksheet._reader import WorkSheetParser

    _check_zip(data)
    try:
        reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=True)
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)
        path = next(
            rel.target
            for _sheet, rel in reader.parser.find_sheets()
            if rel.target in reader.valid_files and "chartsheet" not in rel.Type
        )
    except Exception:  # openpyxl raises many kinds of errors for a damaged file
        raise _not_a_workbook() from None
    try:
        # The parser converts one cell at a time (shared strings, dates by style); openpyxl 3.1
        # (pinned in requirements.txt) keeps the date styles on the workbook.
        parser = WorkSheetParser(
            None,
            reader.shared_strings,
            data_only=True,
            epoch=reader.wb.epoch,
            date_formats=reader.wb._date_formats,
            timedelta_formats=reader.wb._timedelta_formats,
        )
        with reader.archive.open(path) as source:
            yield from _walk_sheet(source, parser, max_col)
    finally:
        reader.archive.close()


def _check_dimension(reference: str | None) -> None:
    from openpyxl.utils.cell import range_boundaries

    try:
        min_col, min_row, max_col, max_row = range_boundaries((reference or "").upper())
    except (ValueError, TypeError):
        return  # an unreadable dimension is ignored, as Excel does; the caps still hold
    rows = (max_row or 1) - (min_row or 1) + 1
    columns = (max_col or 1) - (min_col or 1) + 1
    if (max_row or 0) > MAX_ROWS + 1:
        raise _too_many_rows()
    if rows * columns > MAX_CELLS:
        raise _too_many_cells()


def _walk_sheet(source, parser, max_col: int | None) -> Iterator[tuple[int, list[Any]]]:
    from xml.etree.ElementTree import ParseError, iterparse

    from openpyxl.xml.constants import SHEET_MAIN_NS

    ns = f"{{{SHEET_MAIN_NS}}}"
    row_tag, cell_tag, dimension_tag = ns + "row", ns + "c", ns + "dimension"
    inline_tag, text_tag, run_tag = ns + "is", ns + "t", ns + "r"
    stack: list[Any] = []  # the open elements; each is removed from its parent once read
    row_number = 0
    values: dict[int, Any] = {}
    inside_cell = 0  # depth inside the current cell, whose elements are kept until it is read
    cells = elements = 0
    try:
        for event, element in iterparse(source, events=("start", "end")):
            if event == "start":
                elements += 1
                if elements > MAX_ELEMENTS:
                    raise _too_many_cells()
                if inside_cell:
                    inside_cell += 1
                    if inside_cell > MAX_CELL_DEPTH:
                        raise _malformed(row_number)
                elif element.tag == cell_tag:
                    inside_cell = 1
                    cells += 1
                    if cells > MAX_CELLS:
                        raise _too_many_cells()
                elif element.tag == row_tag:
                    row_number = _row_number(element.get("r"), row_number)
                    if row_number > MAX_ROWS + 1:
                        raise _too_many_rows()
                    parser.row_counter, parser.col_counter = row_number, 0
                    values = {}
                elif element.tag == dimension_tag:
                    _check_dimension(element.get("ref"))
                stack.append(element)
                continue
            stack.pop()
            if element.tag == cell_tag and inside_cell == 1:
                inside_cell = 0
                _read_cell(parser, element, row_number, max_col, values, (inline_tag, text_tag, run_tag))
            elif inside_cell:
                inside_cell -= 1
                continue
            elif element.tag == row_tag:
                width = max(values, default=0)
                yield row_number, [values.get(column) for column in range(1, width + 1)]
            if stack:
                stack[-1].remove(element)
    except FileRefused:
        raise
    except (ParseError, zipfile.BadZipFile, EOFError, OSError, zlib.error):  # bad XML, CRC, truncated data
        raise _malformed(row_number) from None


def _row_number(attribute: str | None, previous: int) -> int:
    if attribute is None:
        return previous + 1
    try:
        number = int(attribute)
    except ValueError:
        raise _malformed(previous + 1) from None
    if number <= previous:  # rows out of order or repeated: not a file Excel writes
        raise _malformed(number)
    return number


def _malformed(row: int) -> FileRefused:
    return FileRefused(
        _("The workbook is damaged near row %(row)d; open it in Excel and save it again.") % {"row": max(row, 1)}
    )


def _read_cell(parser, element, row_number: int, max_col: int | None, values: dict[int, Any], tags) -> None:
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string, coordinate_to_tuple

    coordinate = element.get("r")
    try:
        if element.get("t") == "inlineStr":
            # openpyxl's rich-text objects are slow to build: the text is the plain <t> and each run's <t>.
            row, column = coordinate_to_tuple(coordinate) if coordinate else (row_number, parser.col_counter + 1)
            parser.col_counter = column
            cell = {"row": row, "column": column, "value": _inline_text(element, *tags), "data_type": "s"}
        else:
            cell = parser.parse_cell(element)
        row, column = cell["row"], cell["column"]
    except Exception:  # a cell openpyxl cannot convert (bad number, shared string index, date)
        column = parser.col_counter + 1
        if coordinate:
            try:
                column = column_index_from_string(coordinate_from_string(coordinate)[0])
            except ValueError:
                pass
        parser.col_counter = column
        if max_col is None or column <= max_col:
            values[column] = BadCell(
                _("This cell cannot be read (%(cell)s); type its value again.")
                % {"cell": coordinate or _column_letter(column)}
            )
        return
    if row != row_number or column < 1:
        raise _malformed(row_number)
    if max_col is not None and column > max_col:
        return
    value = cell["value"]
    if cell["data_type"] == "e":
        value = BadCell(_("The cell holds a spreadsheet error (%(error)s); type its value instead.") % {"error": value})
    values[column] = value


def _inline_text(element, inline_tag: str, text_tag: str, run_tag: str) -> str | None:
    inline = element.find(inline_tag)
    if inline is None:
        return None
    parts = []
    for child in inline:
        if child.tag == text_tag:
            parts.append(child.text or "")
        elif child.tag == run_tag:
            parts.append(child.findtext(text_tag) or "")
    return "".join(parts)


def read_rows(data: bytes, filename: str, *, max_col: int | None = None) -> Iterator[tuple[int, list[Any]]]:
    """Numbered raw rows (header first) of a .csv or .xlsx file, streamed and capped (MAX_ROWS,
    MAX_CELLS); only columns 1..max_col are kept. FileRefused for another kind of file, a file
    too big or a damaged one (possibly after some rows were yielded)."""
    name = (filename or "").lower()
    if name.endswith(CSV_EXTENSIONS):
        return _csv_rows(data, max_col)
    if name.endswith(XLSX_EXTENSIONS):
        return _xlsx_rows(data, max_col)
    raise FileRefused(_("Only .csv and .xlsx files can be imported."))


# An export for people has a few title rows (unit, period, export time) above its header.
HEADER_SEARCH_ROWS = 12


def _title_key(title: Any) -> str:
    return " ".join(unicodedata.normalize("NFC", str(title)).casefold().split())


def _find_header(first_rows: list[tuple[int, list[Any]]], known: set[str]) -> int:
    """The position of the header among the first rows: the first whose named cells are all known
    columns or titles; the first row when none is (its unknown columns are then reported)."""
    for position, (_index, cells) in enumerate(first_rows):
        names = [_title_key(_clean(cell)) for cell in cells if not isinstance(cell, BadCell) and _clean(cell) != ""]
        if len(names) >= 2 and all(name in known for name in names):
            return position
    return 0


def read_table(
    data: bytes,
    filename: str,
    columns: Sequence[str],
    optional: Sequence[str] = (),
    *,
    titles: Mapping[str, str] | None = None,
) -> Table:
    """Read the file into rows keyed by `columns` (the expected header, in any order and case) and
    those of the `optional` columns the file has.

    `titles` maps the column titles of an export for people ("Ngày xảy ra", any case) to the column
    each stands for ("occurred_on"), or to "" for a column shown to people and not imported
    ("Tình trạng"): such a file is read too, below its title rows, so an exported file imports back.

    An unknown column, a missing column or a repeated column is an error of row 1. Rows whose
    cells are all empty are skipped. A cell that cannot be read is an error at its row and column.
    Only the first len(columns) + EXTRA_COLUMNS_READ columns are read (a few more than expected
    are enough to report unknown columns and rows longer than the header), whatever the file
    declares. A file too big or damaged is one error of the whole file (row 0).
    """
    table = Table()
    rows: Iterator[tuple[int, list[Any]]] | None = None
    try:
        width = len(columns) + len(optional) + len(titles or ()) + EXTRA_COLUMNS_READ
        rows = read_rows(data, filename, max_col=width)
        _fill_table(table, rows, columns, optional, titles or {})
    except CellError as error:
        table.rows = []
        table.errors = [RowError(0, "", str(error))]
    finally:
        if rows is not None and hasattr(rows, "close"):
            rows.close()  # an XLSX reader closes its workbook
    return table


def read_filled_table(
    data: bytes, filename: str, columns: Sequence[str], optional: Sequence[str] = (), **kwargs
) -> Table:
    """`read_table`, a file without rows being an error of the whole file (row 0) too."""
    table = read_table(data, filename, columns, optional, **kwargs)
    if not table.errors and not table.rows:
        table.errors.append(RowError(0, "", _("The file has no rows to import.")))
    return table


def _fill_table(
    table: Table,
    rows: Iterator[tuple[int, list[Any]]],
    columns: Sequence[str],
    optional: Sequence[str] = (),
    titles: Mapping[str, str] | None = None,
) -> None:
    titles = {_title_key(title): column for title, column in (titles or {}).items()}
    first_rows = []
    for row in rows:  # the header may sit below a few title rows (an export for people)
        first_rows.append(row)
        if len(first_rows) >= HEADER_SEARCH_ROWS:
            break
    known = titles.keys() | {column.lower() for column in (*columns, *optional)}
    start = _find_header(first_rows, known) if first_rows else 0
    first = first_rows[start] if first_rows else None
    if first is None or not any(_clean(cell) not in ("", None) for cell in first[1]):
        table.errors.append(RowError(1, "", _("The file has no header row.")))
        return
    header_row = first[0]
    header = [_title_key(_clean(cell)) if not isinstance(cell, BadCell) else "?" for cell in first[1]]
    # Trailing empty header cells (an XLSX sheet often has them) are not columns.
    while header and header[-1] == "":
        header.pop()
    ignored = {position for position, name in enumerate(header) if titles.get(name) == ""}
    header = [titles.get(name) or name for name in header]
    expected = [column.lower() for column in (*columns, *optional)]
    required = [column.lower() for column in columns]
    seen = set()
    for position, name in enumerate(header):
        if position in ignored:
            continue
        if name == "":
            table.errors.append(RowError(header_row, "", _("A column has no name in the header row.")))
        elif name not in expected:
            table.errors.append(
                RowError(
                    header_row,
                    name,
                    _("Unknown column. The columns are: %(columns)s.") % {"columns": ", ".join((*columns, *optional))},
                )
            )
        elif name in seen:
            table.errors.append(RowError(header_row, name, _("This column appears twice.")))
        seen.add(name)
    for name in required:
        if name not in seen:
            table.errors.append(RowError(header_row, name, _("This column is missing.")))
    if table.errors:
        return
    for index, cells in itertools.chain(first_rows[start + 1 :], rows):
        values = {}
        for position, name in enumerate(header):
            if position in ignored:
                continue
            cell = cells[position] if position < len(cells) else ""
            if isinstance(cell, BadCell):
                table.errors.append(RowError(index, name, cell.message))
                cell = ""
            values[name] = _clean(cell)
        extra = [cell for cell in cells[len(header) :] if isinstance(cell, BadCell) or _clean(cell) != ""]
        if extra:
            table.errors.append(RowError(index, "", _("This row has more cells than the header has columns.")))
        if all(value == "" for value in values.values()):
            continue
        table.rows.append((index, values))


# --- cell values ---------------------------------------------------------------------------------


def fast_date(value: Any) -> date | None:
    """A text date in one of the two accepted forms, read without strptime (100,000 rows a file)."""
    if isinstance(value, str) and len(value) == 10:
        try:
            if value[4] == "-" and value[7] == "-":
                return date.fromisoformat(value)
            if value[2] == "/" and value[5] == "/":
                return date(int(value[6:]), int(value[3:5]), int(value[:2]))
        except ValueError:
            return None
    return None


def parse_date(
    value: Any, *, required: bool = True, allow_future: bool = False, today: date | None = None
) -> date | None:
    """YYYY-MM-DD, DD/MM/YYYY, or a real Excel date; dates after `today` (default: today) are refused."""
    if value in ("", None):
        if required:
            raise CellError(_("A date is required."))
        return None
    if (day := fast_date(value)) is not None:
        pass
    elif isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    else:
        text = str(value).strip()
        day = None
        for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                day = datetime.strptime(text, pattern).date()
                break
            except ValueError:
                continue
        if day is None:
            raise CellError(
                _("“%(value)s” is not a date: write it as YYYY-MM-DD or DD/MM/YYYY (e.g. 2021-03-15 or 15/03/2021).")
                % {"value": text}
            )
    check_year(day)
    if not allow_future and day > (today or timezone.localdate()):
        raise CellError(_("This date is in the future."))
    return day


def check_year(day: date | datetime) -> None:
    """CellError for a date outside 1900–2100 (basecurity/hygiene.py, the same rule as every form)."""
    from basecurity.hygiene import MAX_YEAR, MIN_YEAR, YEAR_MESSAGE

    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise CellError(str(YEAR_MESSAGE))


def parse_datetime(value: Any, *, required: bool = True, allow_future: bool = False) -> datetime | None:
    """YYYY-MM-DD HH:MM or DD/MM/YYYY HH:MM local time (Asia/Ho_Chi_Minh), or a real Excel date-time."""
    if value in ("", None):
        if required:
            raise CellError(_("A date and time is required."))
        return None
    if isinstance(value, datetime):
        moment = value if timezone.is_aware(value) else value.replace(tzinfo=LOCAL_TIMEZONE)
    else:
        text = str(value).strip()
        parsed: datetime | None = None
        for pattern in ("%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M:%S"):
            try:
                parsed = datetime.strptime(text, pattern).replace(tzinfo=LOCAL_TIMEZONE)
                break
            except ValueError:
                continue
        if parsed is None:
            raise CellError(
                _("“%(value)s” is not a date and time: write it as YYYY-MM-DD HH:MM or DD/MM/YYYY HH:MM.")
                % {"value": text}
            )
        moment = parsed
    check_year(moment)
    if not allow_future and moment > timezone.now():
        raise CellError(_("This date and time is in the future."))
    return moment


def parse_bool(value: Any) -> bool:
    """yes/no, true/false, 1/0, có/không (any case)."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise CellError(_("“%(value)s” is not yes or no: write yes/no, true/false, 1/0 or có/không.") % {"value": value})


def parse_int(value: Any, *, required: bool = True, minimum: int | None = 0) -> int | None:
    """A whole number (at least `minimum` when given)."""
    if value in ("", None):
        if required:
            raise CellError(_("A number is required."))
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        try:
            number = int(str(value).strip())
        except ValueError:
            raise CellError(_("“%(value)s” is not a whole number.") % {"value": value}) from None
    if minimum is not None and number < minimum:
        raise CellError(_("The number must be at least %(minimum)d.") % {"minimum": minimum})
    return number


def text(value: Any) -> str:
    """A cell as text (an XLSX number cell such as 6976 becomes "6976")."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip() if value is not None else ""


# --- helpers of importers --------------------------------------------------------------------------


def restore_text(value: Any) -> str:
    """A text cell, without the quote an export put before a would-be formula ("'=x" → "=x")."""
    return restore(text(value))


def code(value: Any, width: int) -> str:
    """A code typed in Excel as a number loses its leading zeros (6976 → 06976): restore them."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value).zfill(width)
    return text(value)


def name_key(name: str) -> str:
    """Names compare without regard to case, spacing or Unicode composition."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


@functools.cache
def _choice_names(choices) -> dict[str, str]:
    names: dict[str, str] = {}
    for language in ("vi", "en"):
        with override(language):
            names.update({name_key(str(label)): value for value, label in choices.choices})
    names.update({name_key(value): value for value in choices.values})
    return names


def choice_code(value: Any, choices) -> str:
    """A choice written as its code or its name in any language of the site ("Tin báo" → "report",
    "nam" → "M"), else the cell's text (the importer says what is allowed)."""
    cell = text(value)
    return _choice_names(choices).get(name_key(cell), cell)


def validation_messages(error: ValidationError) -> dict[str, list[str]]:
    """A model's ValidationError as {field name (or NON_FIELD_ERRORS): [messages]}."""
    if hasattr(error, "error_dict"):
        return {name: [str(m) for m in ValidationError(items).messages] for name, items in error.error_dict.items()}
    return {NON_FIELD_ERRORS: [str(message) for message in error.messages]}


def guide(columns: Sequence[str], people: Sequence[Column], allowed: Mapping[str, list] | None = None) -> list[dict]:
    """The import guide: one row per import column, its title in an export for people (`people`,
    the export's columns) and the values it accepts ([(code, name)])."""
    titles: dict[str, str] = {}
    for heading, column in zip(people_headings(people), people, strict=True):
        if column.source:
            titles.setdefault(column.source, heading)
    allowed = allowed or {}
    return [{"column": name, "title": titles.get(name, ""), "allowed": list(allowed.get(name, []))} for name in columns]


# --- the all-or-nothing run ------------------------------------------------------------------------

# (phase, done, total): how an import reports its progress ("validating" rows, "writing" records).
Progress = Callable[[str, int, int], None]


@dataclass
class Checked:
    """A file read and validated by `Importer.check`: what `Importer.commit` writes."""

    filename: str
    rows: int  # data rows of the file
    digest: str  # content_fingerprint of its rows
    parsed: list[Any] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    written: int = 0
    imported_file: Any = None  # the communes.models.ImportedFile kept for a successful import
    summary: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


class Importer:
    """One kind of import, run all or nothing. A subclass sets `kind` and `columns` (and overrides
    `titles`, the titles of its export for people) and says what a row means:

    - `prepare(rows)`: read what the rows refer to, once for the file;
    - `build(row, values, errors)`: one row's cells parsed into what `write` takes (add a RowError
      to `errors` for each problem: `cell()`, `choice()` help);
    - `check_row(item, row, errors)`: the rules of a row whose cells were all read (`model_errors`);
    - `check_file(numbered, errors)`: the rules across rows and against the database;
    - `write(parsed)`: write them (inside the transaction, only when there is no error), returning
      the number of records written.

    `check(data, filename)` reads and validates (nothing written); `commit(checked)` writes;
    `run` does both. `self.user` is the importing user (None on the command line without --user:
    no unit limit); `progress(phase, done, total)`, when given, is told how far the import is.
    """

    kind: str = ""
    columns: Sequence[str] = ()
    # Model field → file column, to report a model's validation error on the right column.
    field_columns: Mapping[str, str] = {}
    PROGRESS_EVERY = 500  # rows between two progress reports

    def __init__(self, *, user=None, progress: Progress | None = None, backfill: bool = False):
        self.user = user
        self.progress = progress
        # A command-line load of past years by the system account (import_records without --user):
        # the automatic lock of ended months does not apply, the locks of approved reports do.
        self.backfill = backfill
        self.filename = ""

    # --- what a subclass says ---

    @property
    def titles(self) -> Mapping[str, str]:
        """Titles of an export for people → the column each stands for ("" = shown, not imported)."""
        return {}

    def prepare(self, rows: list[tuple[int, dict[str, Any]]]) -> None:
        """Read what the rows refer to, once for the whole file (a few queries, whatever its size)."""

    def build(self, row: int, values: dict[str, Any], errors: list[RowError]) -> Any:
        raise NotImplementedError

    def check_row(self, item: Any, row: int, errors: list[RowError]) -> None:
        """The rules of one row whose cells were all read without error."""

    def check_file(self, numbered: list[tuple[int, Any]], errors: list[RowError]) -> None:
        """The rules across rows and against the records already kept."""

    def write(self, parsed: list[Any]) -> int:
        raise NotImplementedError

    def unit_name(self, item: Any) -> str:
        """The unit a parsed row goes to, for the summary shown before writing ("" = not told)."""
        return ""

    # --- helpers for subclasses ---

    def validate(self, rows: list[tuple[int, dict[str, Any]]], errors: list[RowError]) -> list[Any]:
        """Every row built and checked (errors collected, nothing written): the parsed rows."""
        self.prepare(rows)
        parsed = []
        for row, values in self.each(rows, "validating"):
            before = len(errors)
            item = self.build(row, values, errors)
            if len(errors) == before:
                self.check_row(item, row, errors)
            parsed.append(item)
        self.check_file([(row, item) for (row, _values), item in zip(rows, parsed, strict=True)], errors)
        return parsed

    def each(self, items: Sequence[Any], phase: str) -> Iterator[Any]:
        """The items, telling `progress` every PROGRESS_EVERY of them."""
        total = len(items)
        for done, item in enumerate(items):
            if done % self.PROGRESS_EVERY == 0:
                self.report(phase, done, total)
            yield item
        self.report(phase, total, total)

    def report(self, phase: str, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(phase, done, total)

    def cell(self, row: int, column: str, errors: list[RowError], parse: Callable[..., Any], value: Any, **kwargs):
        """`parse(value, **kwargs)`, or None with the cell's error recorded."""
        try:
            return parse(value, **kwargs)
        except CellError as error:
            errors.append(RowError(row, column, str(error)))
            return None

    def date_cell(self, row: int, values: dict[str, Any], column: str, errors: list[RowError], **kwargs):
        """The row's date in `column` (parse_date's options), or None with its error recorded."""
        return self.cell(row, column, errors, parse_date, values[column], **kwargs)

    def choice(
        self, row: int, column: str, errors: list[RowError], value: Any, choices, *, required=False, message=None
    ) -> str:
        """A choice written as its code or its name; an error (`message`, or the list of codes) when
        it is neither, or when it is empty and `required`."""
        found = choice_code(value, choices)
        if (found or required) and found not in choices.values:
            errors.append(
                RowError(
                    row,
                    column,
                    message
                    or _("“%(value)s” is not allowed here. Use one of: %(codes)s.")
                    % {"value": value, "codes": ", ".join(choices.values)},
                )
            )
        return found

    def model_errors(self, instance, row: int, errors: list[RowError], **clean: Any) -> None:
        """The model's own rules (`full_clean(**clean)`), each error at its column (`field_columns`)."""
        try:
            instance.full_clean(**clean)
        except ValidationError as error:
            for name, messages in validation_messages(error).items():
                for message in messages:
                    errors.append(RowError(row, self.field_columns.get(name, ""), message))

    def summary(self, parsed: list[Any]) -> dict[str, Any]:
        """What the confirm step shows: the rows, and how many go to each unit."""
        units = Counter(self.unit_name(item) for item in parsed)
        units.pop("", None)
        return {"rows": len(parsed), "units": sorted(units.items())}

    # --- the run ---

    def check(self, data: bytes, filename: str) -> Checked:
        """Read and validate the file; nothing is written. The same content imported before is an
        error of the whole file (row 0)."""
        from communes.models import ImportedFile  # the model lives in an app; this module does not

        self.filename = filename or ""
        table = read_filled_table(data, filename, self.columns, titles=self.titles)
        checked = Checked(self.filename, len(table.rows), content_fingerprint(self.kind, table), errors=table.errors)
        if checked.errors:
            return checked
        # Files imported before content fingerprints are known by their bytes.
        previous = ImportedFile.objects.filter(sha256__in=[checked.digest, fingerprint(data)]).first()
        if previous is not None:
            checked.errors.append(
                RowError(
                    0,
                    "",
                    _("This file was already imported on %(date)s (“%(name)s”); it was not imported again.")
                    % {
                        "date": timezone.localtime(previous.imported_at).strftime("%d/%m/%Y %H:%M"),
                        "name": previous.filename,
                    },
                )
            )
            return checked
        checked.parsed = self.validate(table.rows, checked.errors)
        if checked.ok:
            checked.summary = self.summary(checked.parsed)
        return checked

    def commit(self, checked: Checked) -> ImportResult:
        """Write a checked file in one transaction (nothing when it has errors or the database refuses)."""
        from communes.models import ImportedFile

        result = ImportResult(errors=list(checked.errors), summary=checked.summary)
        if result.errors:
            return result
        try:
            with transaction.atomic():
                result.written = self.write(checked.parsed)
                result.imported_file = ImportedFile.objects.create(
                    sha256=checked.digest,
                    kind=self.kind,
                    filename=checked.filename[:255],
                    rows=checked.rows,
                    imported_by=self.user if self.user is not None and self.user.is_authenticated else None,
                )
        except IntegrityError:
            # Another import of the same file, or a row written meanwhile: nothing was written.
            result.written = 0
            result.errors.append(RowError(0, "", _conflict_message()))
        return result

    def run(self, data: bytes, filename: str, *, raise_on_error: bool = False) -> ImportResult:
        result = self.commit(self.check(data, filename))
        if result.errors and raise_on_error:
            raise ImportRefused(result.errors)
        return result


def _conflict_message() -> str:
    return _(
        "The import was refused by the database (the same file or the same records were imported "
        "at the same time); nothing was written. Try again."
    )


# --- writing -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column of an export for people: its title, its value, the import column it gives back."""

    title: Any  # a lazy translation
    value: Callable[[Any], Any]
    source: str = ""  # the import column this one stands for; "" = shown, not imported


def field_column(model, name: str, *, source: str = "") -> Column:
    """A model field as people read it: its verbose name; a choice's name, a related row's name,
    a yes/no in words."""
    model_field = model._meta.get_field(name)
    if model_field.choices:

        def value(record):
            return getattr(record, f"get_{name}_display")() if getattr(record, name) else ""

    elif model_field.is_relation:

        def value(record):
            return str(getattr(record, name)) if getattr(record, f"{name}_id") else ""

    elif model_field.get_internal_type() == "BooleanField":

        def value(record):
            return str(_("Yes") if getattr(record, name) else _("No"))

    else:

        def value(record):
            return getattr(record, name)

    return Column(model_field.verbose_name, value, source)


def heading_lines(title: str, *, units: str, user, start: date | None = None, end: date | None = None) -> list[str]:
    """The title rows of an export for people: what, which unit, which period, when and by whom."""
    from django.utils.formats import date_format

    if start or end:
        period = _("from %(start)s to %(end)s") % {
            "start": date_format(start, "SHORT_DATE_FORMAT") if start else "…",
            "end": date_format(end, "SHORT_DATE_FORMAT") if end else "…",
        }
    else:
        period = _("all dates")
    return [
        title,
        _("Unit: %(units)s") % {"units": units},
        _("Period: %(period)s") % {"period": period},
        _("Exported at %(time)s by %(user)s")
        % {
            "time": date_format(timezone.localtime(), "SHORT_DATETIME_FORMAT"),
            "user": user.get_full_name() or user.get_username(),
        },
    ]


def people_headings(columns: Sequence[Column]) -> list[str]:
    return [str(capfirst(column.title)) for column in columns]


def people_titles(columns: Sequence[Column], languages: Sequence[str] = ("vi", "en")) -> dict[str, str]:
    """Every title of `columns` in each language → the import column it gives back ("" = not imported):
    what an importer reads, whichever language the file was exported in."""
    titles: dict[str, str] = {}
    for language in languages:
        with override(language):
            titles.update(
                {heading: column.source for heading, column in zip(people_headings(columns), columns, strict=True)}
            )
    return titles


# A spreadsheet opening a CSV splits lines at its list separator, which is "," or ";" by regional
# settings (Vietnamese Windows uses ";"), and LibreOffice may also split at tabs: a cell such as
# "ghi chú;=10+20" becomes two cells in Excel, the second a formula. So a quote goes before every
# formula character that starts the cell or follows a separator or a line break (spaces and
# double quotes in between), not only before the cell's first character.
_FORMULA_AFTER_SEPARATOR = re.compile(r'((?:^|[;,\t\r\n])[\s"]*)(?=[=+\-@])')
_NEUTRALISED_AFTER_SEPARATOR = re.compile(r'((?:^|[;,\t\r\n])[\s"]*)\'(?=[=+\-@])')


def neutralise(value: Any) -> Any:
    """A text cell that a spreadsheet could run as a formula, with any list separator: a single
    quote before each formula character at its start or after a separator ("a;=1" → "a;'=1")."""
    if not isinstance(value, str):
        return value
    value = _FORMULA_AFTER_SEPARATOR.sub(r"\1'", value)
    if value.startswith(FORMULA_STARTS):  # a leading tab or carriage return
        value = "'" + value
    return value


def restore(value: str) -> str:
    """The text `neutralise` was given: an exported file imports as the same records."""
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        value = value[1:]
    return _NEUTRALISED_AFTER_SEPARATOR.sub(r"\1", value)


def _csv_cell(value: Any, *, day_first: bool = False) -> str:
    """A cell of a CSV file: ISO dates for the import layout, dd/mm/yyyy for people (`day_first`)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        moment = timezone.localtime(value, LOCAL_TIMEZONE) if timezone.is_aware(value) else value
        return moment.strftime("%d/%m/%Y %H:%M" if day_first else "%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y") if day_first else value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return neutralise(str(value))


def write_csv(columns: Sequence[str], rows: Iterable[Sequence[Any]], *, heading: Sequence[str] = ()) -> bytes:
    """UTF-8 with BOM (so Excel shows Vietnamese letters), comma-separated, header first.

    With `heading` (an export for people): those lines first, one cell each, then an empty row,
    then the header; dates are written dd/mm/yyyy.
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    for line in heading:
        writer.writerow([neutralise(line)])
    if heading:
        writer.writerow([])
    writer.writerow(columns)
    day_first = bool(heading)
    for row in rows:
        writer.writerow([_csv_cell(value, day_first=day_first) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def write_xlsx(
    columns: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str = "export", heading: Sequence[str] = ()
) -> bytes:
    """One sheet, header in row 1 (below the `heading` lines, in bold, and an empty row, when given);
    dates are real Excel dates shown as DD/MM/YYYY."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    for index, line in enumerate(heading):
        cell = WriteOnlyCell(sheet, value=neutralise(line))
        cell.font = Font(bold=True, size=13 if index == 0 else 11)
        sheet.append([cell])
    if heading:
        sheet.append([])
        header = []
        for name in columns:
            cell = WriteOnlyCell(sheet, value=name)
            cell.font = Font(bold=True)
            header.append(cell)
        sheet.append(header)
    else:
        sheet.append(list(columns))

    for row in rows:
        cells = []
        for value in row:
            if isinstance(value, bool):
                value = "yes" if value else "no"
            elif isinstance(value, datetime):
                value = (
                    timezone.localtime(value, LOCAL_TIMEZONE).replace(tzinfo=None)
                    if timezone.is_aware(value)
                    else value
                )
            cell = WriteOnlyCell(sheet, value=neutralise(value) if value is not None else None)
            if isinstance(value, datetime):
                cell.number_format = "DD/MM/YYYY HH:MM"
            elif isinstance(value, date):
                cell.number_format = "DD/MM/YYYY"
            elif isinstance(value, time):
                cell.number_format = "HH:MM"
            elif isinstance(value, str):
                cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
