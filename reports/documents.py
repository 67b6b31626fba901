"""The report as an editable Word document in the official layout (Nghị định 30/2020/NĐ-CP style).

Header: a borderless two-column table, issuing body on the left, national motto on the right; then the
number, place and date, title, the four sections with the figures and the narrative line, "Nơi nhận"
and the signature block. The document is in Vietnamese: it is the official text sent upward.
"""

from io import BytesIO

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from dashboards.engine import COUNT_KEYS

from .models import Report

MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_LINE_2 = "Độc lập - Tự do - Hạnh phúc"
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


def period_words(report: Report) -> str:
    roman = {1: "I", 2: "II", 3: "III", 4: "IV"}.get(report.number, str(report.number))
    half = "đầu" if report.number == 1 else "cuối"
    return PERIOD_WORDS[report.period_kind].format(number=report.number, year=report.year, roman=roman, half=half)


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


def figure_rows(report: Report) -> list[tuple[str, int, int, int]]:
    counts = report.figures.get("counts", {})
    previous = report.figures.get("previous_counts", {})
    return [
        (COUNT_LABELS[key], counts.get(key, 0), previous.get(key, 0), counts.get(key, 0) - previous.get(key, 0))
        for key in COUNT_KEYS
    ]


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


def build_docx(report: Report) -> bytes:
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)

    superior, own = issuing_body(report)
    header = document.add_table(rows=1, cols=2)  # the default style has no borders
    left, right = header.rows[0].cells
    _cell_lines(left, [(superior, False, False), (own, True, False), (number_line(report), False, False)])
    _cell_lines(right, [(MOTTO, True, False), (MOTTO_LINE_2, True, False), (place_date_line(report), False, True)])

    first, second = title_lines(report)
    _paragraph(document, first, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=14)
    _paragraph(document, second, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)

    for field, heading in SECTIONS:
        _paragraph(document, heading, bold=True)
        if field == "results":
            narrative = report.figures.get("narrative_vi")
            if narrative:
                _paragraph(document, narrative)
            rows = figure_rows(report)
            if rows:
                table = document.add_table(rows=1, cols=4)
                table.style = "Table Grid"
                for cell, text in zip(
                    table.rows[0].cells, ("Chỉ tiêu", "Kỳ này", "Cùng kỳ", "Tăng (+) / giảm (-)"), strict=True
                ):
                    cell.text = text
                for label, current, previous, change in rows:
                    cells = table.add_row().cells
                    cells[0].text, cells[1].text, cells[2].text = label, str(current), str(previous)
                    cells[3].text = f"{change:+d}" if change else "0"
        for line in (getattr(report, field) or "").splitlines():
            _paragraph(document, line)

    footer = document.add_table(rows=1, cols=2)
    recipients_cell, signature_cell = footer.rows[0].cells
    _cell_lines(recipients_cell, [("Nơi nhận:", True, True)])
    for line in (report.recipients or "").splitlines():
        recipients_cell.add_paragraph(line)
    _cell_lines(signature_cell, [("TRƯỞNG CÔNG AN XÃ", True, False), ("(Ký, ghi rõ họ tên)", False, True)])

    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()
