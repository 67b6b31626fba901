"""The reports as editable Word documents in the official layout (Nghị định 30/2020/NĐ-CP style).

Header: a borderless two-column table, issuing body on the left, national motto on the right; then the
number, place and date, title, the four sections with the figures and the narrative line, "Nơi nhận"
and the signature block. The document is in Vietnamese: it is the official text sent upward.

`build_docx` writes a commune's report; `build_district_docx` the district's, assembled from the
approved commune reports (reports/querysets.py `district_report`) in the same layout.
"""

from datetime import date
from io import BytesIO

from django.utils import timezone, translation
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from basecurity.lib import official
from communes.models import AdministrativeUnit
from dashboards import engine, selectors
from dashboards.engine import COUNT_KEYS
from dashboards.models import TargetCode
from dashboards.reports import MOTTO, MOTTO_LINE_2
from dashboards.rules import vietnamese_unit_name
from incidents.models import WeaponItemType

from .models import Report
from .querysets import SUMMARY_KINDS

PERIOD_WORDS = {
    "month": "tháng {number} năm {year}",
    "quarter": "quý {roman} năm {year}",
    "half_year": "6 tháng {half} năm {year}",
    "nine_months": "9 tháng năm {year}",
    "year": "năm {year}",
}
COUNT_LABELS = {
    "crime_cases": "Tội phạm (vụ)",
    "crime_subjects": "Tội phạm (đối tượng)",
    "social_evil_cases": "Tệ nạn xã hội (vụ)",
    "social_evil_subjects": "Tệ nạn xã hội (đối tượng)",
    "violation_cases": "Vi phạm pháp luật khác (vụ)",
    "violation_subjects": "Vi phạm pháp luật khác (đối tượng)",
    "traffic_cases": "Tai nạn giao thông (vụ)",
    "traffic_deaths": "Tai nạn giao thông (người chết)",
    "traffic_injuries": "Tai nạn giao thông (người bị thương)",
}
SECTIONS = (
    ("results", "I. KẾT QUẢ THỰC HIỆN"),
    ("shortcomings", "II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN"),
    ("next_tasks", "III. NHIỆM VỤ TRỌNG TÂM KỲ TỚI"),
    ("proposals", "IV. ĐỀ XUẤT, KIẾN NGHỊ"),
)
FIGURE_HEADINGS = ("Chỉ tiêu", "Kỳ này", "Cùng kỳ", "Tăng (+) / giảm (-)")
TARGET_HEADINGS = ("Chỉ tiêu", "Kỳ này", "Cùng kỳ", "Thay đổi", "Kết quả")

# The page of Nghị định 30/2020/NĐ-CP, Phụ lục I: A4, margins top and bottom 20-25 mm, left 30-35 mm,
# right 15-20 mm; Times New Roman 13-14 for the text.
PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGINS = {"top_margin": Mm(20), "bottom_margin": Mm(20), "left_margin": Mm(30), "right_margin": Mm(15)}
FONT = "Times New Roman"
TEXT_SIZE = Pt(14)


def _period_words(period_kind: str, year: int, number: int) -> str:
    roman = {1: "I", 2: "II", 3: "III", 4: "IV"}.get(number, str(number))
    half = "đầu" if number == 1 else "cuối"
    return PERIOD_WORDS[period_kind].format(number=number, year=year, roman=roman, half=half)


def period_words(report: Report) -> str:
    return _period_words(report.period_kind, report.year, report.number)


def issuing_body(report: Report) -> tuple[str, str]:
    """(superior line, own line): "CÔNG AN HUYỆN BA CHẼ" / "CÔNG AN XÃ THANH LÂM"."""
    parent = report.unit.parent
    return (official.police_body(parent) if parent else "", official.police_body(report.unit))


def number_line(report: Report) -> str:
    """ "Số: 25/BC-CATT": the number the officer typed, the symbol of the unit's police."""
    return official.number_line(report.unit, report.document_number)


def place_date_line(report: Report) -> str:
    return official.place_and_date(report.place, report.report_date)


def signer_title(report: Report) -> str:
    return official.police_head(report.unit)


def signer_line(report: Report) -> str:
    """ "Thiếu tá Nguyễn Văn An" (rank and full name under the signature)."""
    return " ".join(filter(None, [report.signer_rank.strip(), report.signer_name.strip()]))


def title_lines(report: Report) -> tuple[str, str]:
    return ("BÁO CÁO", f"Kết quả thực hiện mô hình An ninh cơ sở {period_words(report)}")


def _change_rows(counts: dict, previous: dict) -> list[tuple[str, int, int, int]]:
    return [
        (COUNT_LABELS[key], counts.get(key, 0), previous.get(key, 0), counts.get(key, 0) - previous.get(key, 0))
        for key in COUNT_KEYS
    ]


def figure_rows(report: Report) -> list[tuple[str, int, int, int]]:
    return _change_rows(report.figures.get("counts", {}), report.figures.get("previous_counts", {}))


def target_rows(figures: dict) -> list[tuple[str, str, str, str, str]]:
    """Every target's result as the dashboards show it: (target, this period, same period, change, result)."""
    targets = figures.get("targets")
    if not targets:
        return []
    with translation.override("vi"):
        cells = selectors.cells({"code": "", "targets": targets}, {}, None)
        return [
            (str(TargetCode(cell["code"]).label), cell["current"], cell["previous"], cell["change"], str(cell["label"]))
            for cell in cells
        ]


def _money(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


def activity_lines(activities: dict) -> list[str]:
    """The activities of the period in the officials' words, numbers of two digits at least."""
    if not activities:
        return []
    outreach, checks = activities["outreach"], activities["door_to_door"]
    with translation.override("vi"):
        weapons = ", ".join(
            f"{WeaponItemType(kind).label.lower()}: {quantity}"
            for kind, quantity in sorted(activities["weapons"].items())
        )
    return [
        f"- Tổ chức {activities['patrols']:02d} lượt tuần tra, kiểm soát.",
        f"- Tuyên truyền {outreach['sessions']:02d} buổi, {outreach['attendees']:02d} lượt người nghe.",
        f"- Vận động thu hồi vũ khí, vật liệu nổ, công cụ hỗ trợ: {weapons or 'không có'}.",
        f"- Kiểm tra {activities['inspections']:02d} lượt cơ sở kinh doanh có điều kiện về ANTT, "
        f"xử phạt {_money(activities['fines_vnd'])} đồng.",
        f"- Hòa giải {activities['mediations']:02d} vụ việc, thành {activities['reconciled']:02d} vụ.",
        f"- Kiểm tra cư trú {checks['checks']:02d} lượt, {checks['households']:02d} hộ, "
        f"phát hiện {checks['violations']:02d} trường hợp vi phạm.",
        f"- Giúp đỡ người được quản lý tại cộng đồng {activities['support_actions']:02d} lượt.",
    ]


def criteria_lines(criteria: dict | None, year: int) -> list[str]:
    if not criteria:
        return [f"- Chưa có kết quả tự đánh giá các nhóm tiêu chí năm {year}."]
    total = len(criteria["groups"])
    # Only a result the superior level confirmed counts (reports/criteria/results.py); say which this is.
    confirmed = "đã được cấp trên xác nhận" if criteria["state"] == "confirmed" else "tự đánh giá, chưa được xác nhận"
    lines = [f"- Đạt {criteria['met_groups']:02d}/{total:02d} nhóm tiêu chí của mô hình năm {year} ({confirmed}):"]
    for group in criteria["groups"]:
        verdict = "đạt" if group["met"] else "chưa đạt"
        lines.append(f"  + Nhóm {group['number']}. {group['name']}: {verdict} ({group['met_items']}/{group['items']}).")
    return lines


# --- The page --------------------------------------------------------------------------------------


def _font(run, *, size=None, bold=False, italic=False) -> None:
    run.bold, run.italic = bold, italic
    if size:
        run.font.size = Pt(size)


def _paragraph(document, text, *, bold=False, italic=False, align=None, size=None, indent=True):
    paragraph = document.add_paragraph()
    _font(paragraph.add_run(text), size=size, bold=bold, italic=italic)
    if align is not None:
        paragraph.alignment = align
    elif indent:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        paragraph.paragraph_format.first_line_indent = Mm(10)
    return paragraph


def _cell_lines(cell, lines, *, align=WD_ALIGN_PARAGRAPH.CENTER, size=13):
    """Lines (text, bold, italic) in a table cell, the first replacing the cell's empty paragraph."""
    cell.paragraphs[0].text = ""
    for index, (text, bold, italic) in enumerate(lines):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        paragraph.alignment = align
        paragraph.paragraph_format.space_after = Pt(0)
        _font(paragraph.add_run(text), size=size, bold=bold, italic=italic)


def _page_number(section) -> None:
    """The page number, centred in the header, from page 2 on (the first page has its own, empty header)."""
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _new_document():
    """A4 portrait: every table of these reports fits its width (5 columns at most)."""
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    for name, value in MARGINS.items():
        setattr(section, name, value)
    section.header_distance = section.footer_distance = Mm(10)
    _page_number(section)
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = TEXT_SIZE
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)  # Vietnamese text in every script slot
    style.paragraph_format.space_after = Pt(6)
    style.paragraph_format.line_spacing = 1.0
    return document


def _text_width(document):
    section = document.sections[0]
    return section.page_width - section.left_margin - section.right_margin


def _widths(table, shares: tuple[float, ...], total) -> None:
    """Fixed column widths (shares of `total`), written on the grid and on every cell: Word and
    LibreOffice both read them, so a label keeps its room and the table its place on the page."""
    table.autofit = False
    widths = [int(total * share) for share in shares]
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def _two_columns(document, left_share: float):
    table = document.add_table(rows=1, cols=2)  # the default style has no borders
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, (left_share, 1 - left_share), _text_width(document))
    return table.rows[0].cells


def _header(document, *, superior: str, own: str, number: str, place_date: str, title: tuple[str, str]) -> None:
    """The decree's header: body names and motto in 12-13 pt, the motto on one line (Phụ lục I)."""
    left, right = _two_columns(document, 0.42)
    _cell_lines(left, [(superior, False, False), (own, True, False), (number, False, False)], size=12)
    _cell_lines(right, [(MOTTO, True, False), (MOTTO_LINE_2, True, False), (place_date, False, True)], size=12)
    right.paragraphs[1].runs[0].font.size = Pt(13.5)
    right.paragraphs[2].runs[0].font.size = Pt(13.5)
    _paragraph(
        document, title[0], bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=14
    ).paragraph_format.space_before = Pt(18)
    _paragraph(document, title[1], bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)


def _grid(document, headings, rows, *, shares: tuple[float, ...], size=12) -> None:
    table = document.add_table(rows=1 + len(rows), cols=len(headings))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, shares, _text_width(document))
    for cell, text in zip(table.rows[0].cells, headings, strict=True):
        _cell_lines(cell, [(text, True, False)], size=size)
    for table_row, row in zip(table.rows[1:], rows, strict=True):
        for index, (cell, value) in enumerate(zip(table_row.cells, row, strict=True)):
            align = WD_ALIGN_PARAGRAPH.LEFT if index == 0 else WD_ALIGN_PARAGRAPH.CENTER
            _cell_lines(cell, [(str(value), False, False)], align=align, size=size)


def _figures_table(document, rows) -> None:
    _grid(
        document,
        FIGURE_HEADINGS,
        [(label, cur, prev, f"{change:+d}" if change else "0") for label, cur, prev, change in rows],
        shares=(0.46, 0.15, 0.15, 0.24),
    )


def district_criteria_lines(approved: list[Report], missing: list, year: int) -> list[str]:
    """Each commune's criteria groups met, from its approved report."""
    lines = []
    for report in approved:
        criteria = report.figures.get("criteria")
        if criteria:
            unconfirmed = "" if criteria["state"] == "confirmed" else " (chưa được xác nhận)"
            lines.append(
                f"- {report.unit.name}: đạt {criteria['met_groups']:02d}/{len(criteria['groups']):02d} "
                f"nhóm tiêu chí{unconfirmed}."
            )
        else:
            lines.append(f"- {report.unit.name}: chưa có kết quả tự đánh giá năm {year}.")
    if missing:
        lines.append("- Chưa có báo cáo được phê duyệt: " + ", ".join(unit.name for unit in missing) + ".")
    return lines


def _summary(document, figures: dict, year: int, criteria: list[str] | None = None) -> None:
    """Sơ kết / tổng kết: every target's result, the activities, the criteria groups."""
    _paragraph(document, "1. Kết quả thực hiện các chỉ tiêu", bold=True)
    _grid(document, TARGET_HEADINGS, target_rows(figures), shares=(0.36, 0.15, 0.13, 0.18, 0.18), size=11)
    _paragraph(document, "2. Kết quả các mặt công tác", bold=True)
    for line in activity_lines(figures.get("activities", {})):
        _paragraph(document, line)
    _paragraph(document, "3. Kết quả thực hiện các nhóm tiêu chí", bold=True)
    for line in criteria if criteria is not None else criteria_lines(figures.get("criteria"), year):
        _paragraph(document, line)


def _footer(document, *, recipients: list[str], title: str, signer: str) -> None:
    _paragraph(document, "", indent=False)
    left, right = _two_columns(document, 0.45)
    _cell_lines(
        left,
        [("Nơi nhận:", True, True)] + [(line, False, False) for line in recipients],
        align=WD_ALIGN_PARAGRAPH.LEFT,
        size=11,
    )
    left.paragraphs[0].runs[0].font.size = Pt(12)
    _cell_lines(right, [(title, True, False)] + [("", False, False)] * 4 + [(signer, True, False)], size=14)


def _bytes(document) -> bytes:
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def build_docx(report: Report) -> bytes:
    document = _new_document()
    superior, own = issuing_body(report)
    _header(
        document,
        superior=superior,
        own=own,
        number=number_line(report),
        place_date=place_date_line(report),
        title=title_lines(report),
    )

    for field, heading in SECTIONS:
        _paragraph(document, heading, bold=True, indent=False)
        if field == "results" and report.figures.get("narrative_vi"):
            _paragraph(document, report.figures["narrative_vi"])
        for line in (getattr(report, field) or "").splitlines():
            _paragraph(document, line)
        if field == "results":
            # The officer's text, then the figures it speaks of.
            rows = figure_rows(report)
            if rows:
                _figures_table(document, rows)
            if report.period_kind in SUMMARY_KINDS and report.figures:
                _summary(document, report.figures, report.year)

    _footer(
        document,
        recipients=[line for line in (report.recipients or "").splitlines() if line.strip()],
        title=signer_title(report),
        signer=signer_line(report),
    )
    return _bytes(document)


# --- The district report ------------------------------------------------------------------------------


def _commune_text(document, unit_name: str, lines: list[str]) -> None:
    """ "- Xã Thanh Lâm: first line" in bold name, then the commune's further lines."""
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.first_line_indent = Mm(10)
    paragraph.add_run(f"- {unit_name}: ").bold = True
    paragraph.add_run(lines[0])
    for line in lines[1:]:
        _paragraph(document, line)


def build_district_docx(
    district: AdministrativeUnit, period_kind: str, year: int, number: int, result: dict, *, today: date | None = None
) -> bytes:
    """The district's report of a period: `result` is reports.querysets.district_report(...) for it.

    Figures are the sums of the approved commune reports; each commune's narrative line and text follow
    in its section, and the communes without an approved report are named, so the district can see
    what its document does not yet cover before it signs. A 6-month, 9-month or year report also
    carries the targets of the whole district (`result["figures"]`, the dashboards' engine) and the
    sums of the communes' activities.
    """
    today = today or timezone.localdate()
    approved, missing = result["approved"], result["missing"]
    document = _new_document()
    _header(
        document,
        superior=official.police_body(district.parent) if district.parent else "",
        own=official.police_body(district),
        number=official.number_line(district),
        place_date=official.place_and_date(selectors.place_name(district), today),
        title=(
            "BÁO CÁO",
            f"Kết quả thực hiện mô hình An ninh cơ sở {_period_words(period_kind, year, number)} "
            f"trên địa bàn {vietnamese_unit_name(district.name)}",
        ),
    )

    communes = len(approved) + len(missing)
    for field, heading in SECTIONS:
        _paragraph(document, heading, bold=True, indent=False)
        if field == "results":
            _paragraph(
                document,
                f"Tổng hợp từ báo cáo đã được phê duyệt của {len(approved):02d}/{communes:02d} xã, phường, thị trấn.",
            )
            if missing:
                _paragraph(
                    document,
                    "Chưa có báo cáo được phê duyệt: " + ", ".join(unit.name for unit in missing) + ".",
                    italic=True,
                )
            entry = {"name": district.name, "counts": result["counts"], "previous_counts": result["previous_counts"]}
            _paragraph(document, engine.narrative(entry, year, "vi"))
            _figures_table(document, _change_rows(result["counts"], result["previous_counts"]))
            if period_kind in SUMMARY_KINDS and result.get("figures"):
                _summary(document, result["figures"], year, district_criteria_lines(approved, missing, year))
        for report in approved:
            lines = [line for line in (getattr(report, field) or "").splitlines() if line.strip()]
            if field == "results" and report.figures.get("narrative_vi"):
                lines.insert(0, report.figures["narrative_vi"])
            if lines:
                _commune_text(document, report.unit.name, lines)

    _footer(
        document,
        recipients=official.police_recipients(district),
        title=official.police_head(district),
        signer="",
    )
    return _bytes(document)
