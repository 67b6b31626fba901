"""Crafted XLSX workbooks for the hostile-file tests (issue 12): a real workbook whose first
sheet's XML is replaced, so the dimension, the rows and the cells are exactly what a test says."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from datetime import date

from openpyxl import Workbook

SHEET = "xl/worksheets/sheet1.xml"
DATE_STYLE = 1
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def sheet_xml(rows: Iterable[str], *, dimension: str | None = "A1:F2") -> str:
    """A sheet: an optional <dimension ref=...> and the given <row> elements, verbatim."""
    head = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}">{head}<sheetData>{"".join(rows)}</sheetData></worksheet>'


def row(number: int, *cells: str) -> str:
    return f'<row r="{number}">{"".join(cells)}</row>'


def text_cell(ref: str, value: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


def header(columns: Iterable[str]) -> str:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return row(1, *(text_cell(f"{letters[i]}1", name) for i, name in enumerate(columns)))


def workbook(
    sheet: str | bytes | None = None, *, extra: dict[str, bytes] | None = None, replace: dict[str, bytes] | None = None
) -> bytes:
    """A valid workbook (styles with a date format, a shared-string table) with `sheet` as its first sheet."""
    book = Workbook()
    book.active["A1"] = "x"
    book.active["B1"] = date(2021, 1, 1)  # the styles get a date format: style id 1 (DATE_STYLE)
    template = io.BytesIO()
    book.save(template)
    out = io.BytesIO()
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == SHEET and sheet is not None:
                data = sheet.encode() if isinstance(sheet, str) else sheet
            data = (replace or {}).get(item.filename, data)
            target.writestr(item.filename, data)
        for name, data in (extra or {}).items():
            target.writestr(name, data)
    return out.getvalue()


def bomb(unpacked_mb: int, member: str = SHEET) -> bytes:
    """A workbook one of whose members unpacks to `unpacked_mb` MB of blanks (written in chunks)."""
    base = workbook()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != member:
                target.writestr(item.filename, source.read(item.filename))
        with target.open(member, "w", force_zip64=True) as stream:
            stream.write(sheet_xml([], dimension="A1:A1")[: -len("</sheetData></worksheet>")].encode())
            chunk = b" " * (1024 * 1024)
            for _ in range(unpacked_mb):
                stream.write(chunk)
            stream.write(b"</sheetData></worksheet>")
    return out.getvalue()
