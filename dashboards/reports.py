"""The overview as an official report: the header block, the table and the narrative lines.

The same context feeds the printable HTML page (templates/dashboards/report.html) and the XLSX
export. The national motto, the title and the "Nơi nhận" block are the fixed Vietnamese formulas
of an administrative document (Nghị định 30/2020/NĐ-CP layout), so they are not translated; the
column headings are. No personal data: units, targets and counts only.
"""

from __future__ import annotations

import re
from io import BytesIO

from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from basecurity.lib import official, tabular
from communes.models import AdministrativeUnit, SteeringCommittee

from . import selectors
from .models import TargetCode

MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_LINE_2 = "Độc lập - Tự do - Hạnh phúc"
TITLE = "BÁO CÁO KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU MÔ HÌNH AN NINH CƠ SỞ"
RECIPIENTS = (
    "- Ban Chỉ đạo cấp trên (để báo cáo);",
    "- Các thành viên Ban Chỉ đạo;",
    "- Lưu: VT.",
)
INCOMPLETE_MARK = "*"
STATUS_FILLS = {"met": "D1E7DD", "missed": "F8D7DA", "no_data": "E9ECEF", "no_baseline": "FFF3CD"}


def committee_name(unit: AdministrativeUnit) -> str:
    """The unit's steering committee as its documents name it, without a nickname in brackets:
    "Ban Chỉ đạo mô hình An ninh cơ sở huyện Ba Chẽ (BCĐ 05 BC)" → "BAN CHỈ ĐẠO MÔ HÌNH AN NINH CƠ SỞ HUYỆN BA CHẼ"."""
    committee = SteeringCommittee.objects.filter(unit=unit).order_by("pk").first()
    if committee is None:
        return f"BAN CHỈ ĐẠO MÔ HÌNH AN NINH CƠ SỞ {official.mid_sentence(unit).upper()}"
    return re.sub(r"\s*\([^)]*\)\s*$", "", committee.name).upper()


def issuing_body(unit: AdministrativeUnit) -> list[str]:
    """The committee's header: the People's Committee that set it up, then the committee itself
    ["ỦY BAN NHÂN DÂN HUYỆN BA CHẼ", "BAN CHỈ ĐẠO MÔ HÌNH AN NINH CƠ SỞ HUYỆN BA CHẼ"]."""
    return [f"ỦY BAN NHÂN DÂN {official.mid_sentence(unit).upper()}", committee_name(unit)]


def place_and_date(unit: AdministrativeUnit, day=None) -> str:
    """ "Ba Chẽ, ngày 28 tháng 11 năm 2026" (the report's date: today)."""
    return official.place_and_date(selectors.place_name(unit), day or timezone.localdate())


def period_line(data: selectors.OverviewData) -> str:
    win = data.window
    values = {
        "start": formats.date_format(win.current.start, "SHORT_DATE_FORMAT"),
        "end": formats.date_format(win.current.end, "SHORT_DATE_FORMAT"),
        "prev_start": formats.date_format(win.previous.start, "SHORT_DATE_FORMAT"),
        "prev_end": formats.date_format(win.previous.end, "SHORT_DATE_FORMAT"),
        "year": win.year,
        "previous_year": win.year - 1,
    }
    if data.is_to_date:
        return (
            _(
                "Year %(year)s to date: from %(start)s to %(end)s, compared with the same period of "
                "%(previous_year)s (%(prev_start)s to %(prev_end)s)"
            )
            % values
        )
    return (
        _("Year %(year)s: from %(start)s to %(end)s, compared with %(previous_year)s (%(prev_start)s to %(prev_end)s)")
        % values
    )


def report_context(root: AdministrativeUnit, data: selectors.OverviewData) -> dict:
    language = get_language() or "vi"
    rows = []
    for unit, entry in zip(data.units, data.entries, strict=True):
        incomplete = selectors.incomplete_note(data, unit, language)
        narrative = selectors.narrative(entry, data.window.year, language)
        rows.append(
            {
                "unit": unit,
                "entry": entry,
                "cells": selectors.cells(entry, data.thresholds.get(unit.code, {}), data.window, data.previous_full),
                # The mark travels with the figure: on the row, in the narrative line, in the XLSX.
                "incomplete": incomplete,
                "narrative": f"{narrative[:-1]} ({incomplete})."
                if incomplete and narrative.endswith(".")
                else narrative,
            }
        )
    return {
        "root": root,
        "data": data,
        "rows": rows,
        "targets": [(code, TargetCode(code).label) for code in selectors.TARGET_CODES],
        "place_and_date": place_and_date(root),
        "motto": MOTTO,
        "motto_line_2": MOTTO_LINE_2,
        "title": TITLE,
        "period_line": period_line(data),
        "recipients": RECIPIENTS,
        "mark": selectors.NOT_SIGNIFICANT_MARK,
        "mark_help": selectors.NOT_SIGNIFICANT_HELP,
        "incomplete_mark": INCOMPLETE_MARK,
    }


def document_context(root: AdministrativeUnit, data: selectors.OverviewData) -> dict:
    """The report as a document (print page, workbook): the overview's context and the committee's header."""
    return report_context(root, data) | {"issuer": issuing_body(root)}


def overview_xlsx(context: dict) -> bytes:
    """The report as a workbook: header block, one row per unit (3 columns per target), narratives."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Targets")[:31]
    targets = context["targets"]
    last_column = 1 + 3 * len(targets)
    bold = Font(bold=True)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    thin = Side(style="thin", color="999999")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)

    # Header block: issuing body on the left, national motto on the right, then place and date.
    half = max(2, last_column // 3)
    for row, line in enumerate(context["issuer"], start=1):
        sheet.cell(row=row, column=1, value=line).font = bold
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=half)
        sheet.cell(row=row, column=1).alignment = center
    for row, line in enumerate((context["motto"], context["motto_line_2"]), start=1):
        cell = sheet.cell(row=row, column=half + 1, value=line)
        cell.font = bold
        cell.alignment = center
        sheet.merge_cells(start_row=row, start_column=half + 1, end_row=row, end_column=last_column)
    date_cell = sheet.cell(row=3, column=half + 1, value=context["place_and_date"])
    date_cell.font = Font(italic=True)
    date_cell.alignment = center
    sheet.merge_cells(start_row=3, start_column=half + 1, end_row=3, end_column=last_column)
    for row, (text, font) in enumerate(
        ((context["title"], Font(bold=True, size=14)), (context["period_line"], Font(italic=True))), start=5
    ):
        cell = sheet.cell(row=row, column=1, value=text)
        cell.font, cell.alignment = font, center
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_column)

    # Table: two header rows (target, then figure / same period / result).
    top = 8
    sheet.cell(row=top, column=1, value=_("Unit")).font = bold
    sheet.merge_cells(start_row=top, start_column=1, end_row=top + 1, end_column=1)
    for index, (_code, label) in enumerate(targets):
        column = 2 + 3 * index
        sheet.cell(row=top, column=column, value=str(label)).font = bold
        sheet.merge_cells(start_row=top, start_column=column, end_row=top, end_column=column + 2)
        for offset, heading in enumerate((_("This period"), _("Same period last year"), _("Result"))):
            sheet.cell(row=top + 1, column=column + offset, value=heading).font = bold
    for row in sheet.iter_rows(min_row=top, max_row=top + 1, max_col=last_column):
        for cell in row:
            cell.alignment, cell.border = center, box
    row_number = top + 2
    for row in context["rows"]:
        sheet.cell(
            row=row_number, column=1, value=row["unit"].name + (f" ({INCOMPLETE_MARK})" if row["incomplete"] else "")
        ).font = bold if row["unit"].level != "commune" else Font()
        for index, cell_data in enumerate(row["cells"]):
            column = 2 + 3 * index
            current, previous = cell_data["current"], cell_data["previous"]
            values = (
                int(current) if current.isdigit() else current,
                int(previous) if previous.isdigit() else previous,
                f"{cell_data['label']}{' ' + context['mark'] if not cell_data['significant'] else ''}"
                + (f" ({cell_data['change']})" if cell_data["change"] != "—" else ""),
            )
            for offset, value in enumerate(values):
                cell = sheet.cell(row=row_number, column=column + offset, value=value)
                cell.border = box
            sheet.cell(row=row_number, column=column + 2).fill = PatternFill(
                "solid", fgColor=STATUS_FILLS[cell_data["status"]]
            )
        sheet.cell(row=row_number, column=1).border = box
        row_number += 1
    sheet.cell(row=row_number, column=1, value=f"{context['mark']} {context['mark_help']}").font = Font(
        italic=True, size=9
    )
    if any(row["incomplete"] for row in context["rows"]):
        row_number += 1
        note = _("incomplete comparison: see the narrative lines")
        sheet.cell(row=row_number, column=1, value=f"({INCOMPLETE_MARK}) {note}").font = Font(italic=True, size=9)

    # Narrative lines, then the recipients.
    row_number += 2
    sheet.cell(row=row_number, column=1, value=_("Results compared with the same period last year")).font = bold
    for row in context["rows"]:
        row_number += 1
        sheet.cell(row=row_number, column=1, value=row["narrative"])
    row_number += 2
    sheet.cell(row=row_number, column=1, value="Nơi nhận:").font = Font(bold=True, italic=True)
    for line in context["recipients"]:
        row_number += 1
        sheet.cell(row=row_number, column=1, value=line)

    sheet.column_dimensions["A"].width = 24
    for column in range(2, last_column + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 13
    sheet.freeze_panes = sheet.cell(row=top + 2, column=2)
    # Unit names, target labels and narratives come from the database: a text openpyxl took for
    # a formula ("=..." ) is written as text with the exports' leading quote (issue 12).
    for cells in sheet.iter_rows():
        for cell in cells:
            if cell.data_type == "f":
                cell.value = tabular.neutralise(cell.value)
                cell.data_type = "s"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
