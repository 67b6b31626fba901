"""The reports as editable Word documents in the official layout (Nghị định 30/2020/NĐ-CP style).

Header: a borderless two-column table, issuing body on the left, national motto on the right; then the
number, place and date, title, the four sections with the figures and the narrative line, "Nơi nhận"
and the signature block. The document is in Vietnamese: it is the official text sent upward.

`build_docx` writes a commune's report; `build_district_docx` the district's, assembled from the
approved commune reports (reports/querysets.py `district_report`) in the same layout.
"""

from datetime import date
from io import BytesIO

from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from communes.models import AdministrativeUnit
from dashboards import engine
from dashboards.engine import COUNT_KEYS
from dashboards.reports import MOTTO, MOTTO_LINE_2, place_and_date
from dashboards.rules import vietnamese_unit_name

from .models import Report

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


# The district police's words and document symbol by kind of district-level unit ("Số: .../BC-CAH").
DISTRICT_POLICE = {
    "huyen": ("HUYỆN", "CAH"),
    "thi_xa": ("THỊ XÃ", "CATX"),
    "thanh_pho": ("THÀNH PHỐ", "CATP"),
    "quan": ("QUẬN", "CAQ"),
    # Since 1/7/2025 the superior of a commune is the province (Nghị định 02/2025/NĐ-CP).
    "tinh": ("TỈNH", "CAT"),
    "thanh_pho_tw": ("THÀNH PHỐ", "CATP"),
}
FIGURE_HEADINGS = ("Chỉ tiêu", "Kỳ này", "Cùng kỳ", "Tăng (+) / giảm (-)")
SIGN_HERE = "(Ký, ghi rõ họ tên)"


def _period_words(period_kind: str, year: int, number: int) -> str:
    roman = {1: "I", 2: "II", 3: "III", 4: "IV"}.get(number, str(number))
    half = "đầu" if number == 1 else "cuối"
    return PERIOD_WORDS[period_kind].format(number=number, year=year, roman=roman, half=half)


def period_words(report: Report) -> str:
    return _period_words(report.period_kind, report.year, report.number)


def issuing_body(report: Report) -> tuple[str, str]:
    """(superior line, own line): "CÔNG AN HUYỆN BA CHẼ" / "CÔNG AN XÃ THANH LÂM"."""
    parent = report.unit.parent
    return (f"CÔNG AN {parent.name.upper()}" if parent else "", f"CÔNG AN {report.unit.name.upper()}")


def number_line(report: Report) -> str:
    return f"Số: {report.document_number or '......'}/BC-CAX"


def place_date_line(report: Report) -> str:
    day = report.report_date
    if day is None:
        return f"{report.place}, ngày ... tháng ... năm ..."
    return f"{report.place}, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def title_lines(report: Report) -> tuple[str, str]:
    return ("BÁO CÁO", f"Kết quả thực hiện mô hình An ninh cơ sở {period_words(report)}")


def _change_rows(counts: dict, previous: dict) -> list[tuple[str, int, int, int]]:
    return [
        (COUNT_LABELS[key], counts.get(key, 0), previous.get(key, 0), counts.get(key, 0) - previous.get(key, 0))
        for key in COUNT_KEYS
    ]


def figure_rows(report: Report) -> list[tuple[str, int, int, int]]:
    return _change_rows(report.figures.get("counts", {}), report.figures.get("previous_counts", {}))


def _paragraph(document, text, *, bold=False, italic=False, align=None, size=None):
    paragraph = document.add_paragraph()
    run = paragraph.add_run(text)
    run.bold, run.italic = bold, italic
    if size:
        run.font.size = Pt(size)
    if align is not None:
        paragraph.alignment = align
    return paragraph


def _cell_lines(cell, lines):
    cell.paragraphs[0].text = ""
    for index, (text, bold, italic) in enumerate(lines):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.bold, run.italic = bold, italic


def _new_document():
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    return document


def _header(document, *, superior: str, own: str, number: str, place_date: str, title: tuple[str, str]) -> None:
    header = document.add_table(rows=1, cols=2)  # the default style has no borders
    left, right = header.rows[0].cells
    _cell_lines(left, [(superior, False, False), (own, True, False), (number, False, False)])
    _cell_lines(right, [(MOTTO, True, False), (MOTTO_LINE_2, True, False), (place_date, False, True)])
    _paragraph(document, title[0], bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=14)
    _paragraph(document, title[1], bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)


def _figures_table(document, rows) -> None:
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, FIGURE_HEADINGS, strict=True):
        cell.text = text
    for label, current, previous, change in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = label, str(current), str(previous)
        cells[3].text = f"{change:+d}" if change else "0"


def _footer(document, *, recipients: str, signer: str) -> None:
    footer = document.add_table(rows=1, cols=2)
    recipients_cell, signature_cell = footer.rows[0].cells
    _cell_lines(recipients_cell, [("Nơi nhận:", True, True)])
    for line in recipients.splitlines():
        recipients_cell.add_paragraph(line)
    _cell_lines(signature_cell, [(signer, True, False), (SIGN_HERE, False, True)])


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
        _paragraph(document, heading, bold=True)
        if field == "results":
            narrative = report.figures.get("narrative_vi")
            if narrative:
                _paragraph(document, narrative)
            rows = figure_rows(report)
            if rows:
                _figures_table(document, rows)
        for line in (getattr(report, field) or "").splitlines():
            _paragraph(document, line)

    _footer(document, recipients=report.recipients or "", signer="TRƯỞNG CÔNG AN XÃ")
    return _bytes(document)


# --- The district report ------------------------------------------------------------------------------


def _commune_text(document, unit_name: str, lines: list[str]) -> None:
    """ "- Xã Thanh Lâm: first line" in bold name, then the commune's further lines."""
    paragraph = document.add_paragraph()
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
    what its document does not yet cover before it signs.
    """
    today = today or timezone.localdate()
    words, symbol = DISTRICT_POLICE.get(district.kind, DISTRICT_POLICE["huyen"])
    approved, missing = result["approved"], result["missing"]
    parent = district.parent
    document = _new_document()
    _header(
        document,
        superior=f"CÔNG AN {parent.name.upper()}" if parent else "",
        own=f"CÔNG AN {district.name.upper()}",
        number=f"Số: ......../BC-{symbol}",
        place_date=place_and_date(district, today),
        title=(
            "BÁO CÁO",
            f"Kết quả thực hiện mô hình An ninh cơ sở {_period_words(period_kind, year, number)} "
            f"trên địa bàn {vietnamese_unit_name(district.name)}",
        ),
    )

    communes = len(approved) + len(missing)
    for field, heading in SECTIONS:
        _paragraph(document, heading, bold=True)
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
        for report in approved:
            lines = [line for line in (getattr(report, field) or "").splitlines() if line.strip()]
            if field == "results" and report.figures.get("narrative_vi"):
                lines.insert(0, report.figures["narrative_vi"])
            if lines:
                _commune_text(document, report.unit.name, lines)

    recipients = "\n".join(
        filter(None, [f"- Công an {vietnamese_unit_name(parent.name)};" if parent else "", "- Lưu: VT."])
    )
    _footer(document, recipients=recipients, signer=f"TRƯỞNG CÔNG AN {words}")
    return _bytes(document)
