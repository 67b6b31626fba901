"""Reading and writing the tables communes keep in Excel (shared docs, import-formats.md).

Generic and reusable by every app's importer:

- `read_table(data, filename, columns)` reads a CSV (UTF-8, with or without BOM) or an XLSX file
  (first sheet, header in row 1) into numbered rows; headers are case-insensitive, unknown and
  missing columns are errors. Row numbers are the spreadsheet's: the header is row 1.
- `parse_date`, `parse_datetime`, `parse_bool`, `parse_int` turn one cell into a value or raise
  `CellError` with a message for a commune police officer.
- `Importer` runs an import all or nothing: every row is validated first, every problem is
  collected as a `RowError(row, column, message)`, nothing is written if there is any; the same
  file (sha256 of its bytes, `communes.models.ImportedFile`) is refused the second time.
- `write_csv` / `write_xlsx` write an export with the same columns; a text cell starting with
  = + - @ or a tab is prefixed with a single quote so a spreadsheet never runs it as a formula.
"""

from __future__ import annotations

import csv
import hashlib
import io
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import override

LOCAL_TIMEZONE = ZoneInfo("Asia/Ho_Chi_Minh")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TRUE_WORDS = {"yes", "true", "1", "có", "co", "y"}
FALSE_WORDS = {"no", "false", "0", "không", "khong", "n"}
CSV_EXTENSIONS = (".csv",)
XLSX_EXTENSIONS = (".xlsx",)


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
    """The file's identity for "already imported": sha256 of its bytes."""
    return hashlib.sha256(data).hexdigest()


def _clean(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _csv_rows(data: bytes) -> list[list[Any]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CellError(
            _("The file is not a UTF-8 CSV file. In Excel use “Save as” → “CSV UTF-8 (comma delimited)”.")
        ) from None
    return [row for row in csv.reader(io.StringIO(text, newline=""))]


def _xlsx_rows(data: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors for a damaged file
        raise CellError(_("The file could not be read as an Excel (.xlsx) workbook.")) from None
    try:
        sheet = workbook.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def read_rows(data: bytes, filename: str) -> list[list[Any]]:
    """Raw rows (header first) of a .csv or .xlsx file; CellError for another kind of file."""
    name = (filename or "").lower()
    if name.endswith(CSV_EXTENSIONS):
        return _csv_rows(data)
    if name.endswith(XLSX_EXTENSIONS):
        return _xlsx_rows(data)
    raise CellError(_("Only .csv and .xlsx files can be imported."))


# An export for people has a few title rows (unit, period, export time) above its header.
HEADER_SEARCH_ROWS = 12


def _title_key(title: str) -> str:
    return " ".join(unicodedata.normalize("NFC", str(title)).casefold().split())


def _find_header(raw: list[list[Any]], known: set[str]) -> int:
    """The index of the header row: the first row (of the first few) whose named cells are all
    known columns or titles; row 1 when none is (its unknown columns are then reported)."""
    for index, cells in enumerate(raw[:HEADER_SEARCH_ROWS]):
        names = [_title_key(_clean(cell)) for cell in cells if _clean(cell) != ""]
        if len(names) >= 2 and all(name in known for name in names):
            return index
    return 0


def read_table(data: bytes, filename: str, columns: Sequence[str], *, titles: Mapping[str, str] | None = None) -> Table:
    """Read the file into rows keyed by `columns` (the expected header, in any order and case).

    `titles` maps the column titles of an export for people ("Ngày xảy ra", any case) to the column
    each stands for ("occurred_on"), or to "" for a column shown to people and not imported
    ("Tình trạng"): such a file is read too, below its title rows, so an exported file imports back.
    An unknown column, a missing column or a repeated column is an error of the header row. Rows
    whose cells are all empty are skipped.
    """
    table = Table()
    try:
        raw = read_rows(data, filename)
    except CellError as error:
        table.errors.append(RowError(0, "", str(error)))
        return table
    titles = {_title_key(title): column for title, column in (titles or {}).items()}
    start = _find_header(raw, titles.keys() | {column.lower() for column in columns}) if raw else 0
    raw = raw[start:]
    if not raw or not any(_clean(cell) != "" for cell in raw[0]):
        table.errors.append(RowError(1, "", _("The file has no header row.")))
        return table
    header = [_title_key(_clean(cell)) for cell in raw[0]]
    ignored = {name for name in header if titles.get(name) == ""}
    header = [titles.get(name) or name for name in header]
    # Trailing empty header cells (an XLSX sheet often has them) are not columns.
    while header and header[-1] == "":
        header.pop()
    expected = [column.lower() for column in columns]
    seen = set()
    header_row = start + 1
    for name in header:
        if name in ignored:
            continue
        if name == "":
            table.errors.append(RowError(header_row, "", _("A column has no name in the header row.")))
        elif name not in expected:
            table.errors.append(
                RowError(
                    header_row,
                    name,
                    _("Unknown column. The columns are: %(columns)s.") % {"columns": ", ".join(columns)},
                )
            )
        elif name in seen:
            table.errors.append(RowError(header_row, name, _("This column appears twice.")))
        seen.add(name)
    for name in expected:
        if name not in seen:
            table.errors.append(RowError(header_row, name, _("This column is missing.")))
    if table.errors:
        return table
    for index, cells in enumerate(raw[1:], start=header_row + 1):
        values = {
            name: _clean(cells[position]) if position < len(cells) else ""
            for position, name in enumerate(header)
            if name not in ignored
        }
        extra = [cell for cell in cells[len(header) :] if _clean(cell) != ""]
        if extra:
            table.errors.append(RowError(index, "", _("This row has more cells than the header has columns.")))
        if all(value == "" for value in values.values()):
            continue
        table.rows.append((index, values))
    return table


# --- cell values ---------------------------------------------------------------------------------


def parse_date(value: Any, *, required: bool = True, allow_future: bool = False) -> date | None:
    """YYYY-MM-DD, DD/MM/YYYY, or a real Excel date; dates in the future are refused."""
    if value in ("", None):
        if required:
            raise CellError(_("A date is required."))
        return None
    if isinstance(value, datetime):
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
    if not allow_future and day > timezone.localdate():
        raise CellError(_("This date is in the future."))
    return day


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
        moment = None
        for pattern in ("%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M:%S"):
            try:
                moment = datetime.strptime(text, pattern).replace(tzinfo=LOCAL_TIMEZONE)
                break
            except ValueError:
                continue
        if moment is None:
            raise CellError(
                _("“%(value)s” is not a date and time: write it as YYYY-MM-DD HH:MM or DD/MM/YYYY HH:MM.")
                % {"value": text}
            )
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


# --- the all-or-nothing run ------------------------------------------------------------------------


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    written: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


class Importer:
    """One kind of import. Subclasses set `kind` and `columns` and implement:

    - `validate(rows, errors)`: check every row (add RowError to `errors`), return the parsed rows;
    - `write(parsed)`: write them (called inside a transaction, only when there is no error),
      returning the number of records written.

    `self.user` is the importing user (None on the command line without --user: no unit limit).
    """

    kind: str = ""
    columns: Sequence[str] = ()
    # Titles of an export for people → the column each stands for ("" = shown, not imported).
    titles: Mapping[str, str] = {}

    def __init__(self, *, user=None):
        self.user = user

    def validate(self, rows: list[tuple[int, dict[str, Any]]], errors: list[RowError]) -> list[Any]:
        raise NotImplementedError

    def write(self, parsed: list[Any]) -> int:
        raise NotImplementedError

    def run(self, data: bytes, filename: str, *, raise_on_error: bool = False) -> ImportResult:
        from communes.models import ImportedFile  # the model lives in an app; this module does not

        digest = fingerprint(data)
        result = ImportResult()
        previous = ImportedFile.objects.filter(sha256=digest).first()
        if previous is not None:
            result.errors.append(
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
        else:
            table = read_table(data, filename, self.columns, titles=self.titles)
            result.errors.extend(table.errors)
            if not table.errors and not table.rows:
                result.errors.append(RowError(0, "", _("The file has no rows to import.")))
            if not result.errors:
                parsed = self.validate(table.rows, result.errors)
                if not result.errors:
                    try:
                        with transaction.atomic():
                            result.written = self.write(parsed)
                            ImportedFile.objects.create(
                                sha256=digest,
                                kind=self.kind,
                                filename=(filename or "")[:255],
                                rows=len(table.rows),
                                imported_by=self.user if self.user is not None and self.user.is_authenticated else None,
                            )
                    except IntegrityError:
                        # Another import of the same file, or a row written meanwhile: nothing was written.
                        result.written = 0
                        result.errors.append(RowError(0, "", _conflict_message()))
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


def neutralise(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula gets a leading single quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


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
