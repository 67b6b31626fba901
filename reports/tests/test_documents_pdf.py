"""The printed page: each report .docx rendered to PDF by LibreOffice headless (`-m documents`).

Checked on the PDF: A4 portrait (595 × 842 pt), the pages it takes, the decree's date line and the
title by the unit's kind on one line each (they fit their column), the page number from page 2 only.
With BASECURITY_WRITE_SAMPLES=1 each rendered PDF is kept in docs/samples/ (the samples in the tree).
"""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

import conftest
from basecurity.testing.pdf import A4_POINTS, pages, render_docx
from communes.models import Role
from conftest import make_user
from reports import services

from .helpers import IN_NOVEMBER, make_activities, make_incident

pytestmark = [pytest.mark.django_db, pytest.mark.documents, pytest.mark.usefixtures("november_28")]

SAMPLES = Path(settings.BASE_DIR) / "docs" / "samples"


@pytest.fixture
def soffice():
    path = conftest.soffice_path()
    if path is None:
        conftest.skip_or_fail("LibreOffice is not installed (soffice): apt-get install libreoffice-writer-nogui")
    return path


def _rendered(soffice, content: bytes, tmp_path, name: str):
    pdf = render_docx(soffice, content, tmp_path, name)
    if os.environ.get("BASECURITY_WRITE_SAMPLES") == "1":
        SAMPLES.mkdir(parents=True, exist_ok=True)
        (SAMPLES / f"{name}.pdf").write_bytes(pdf)
    return pages(pdf)


def _assert_printed(rendered, fewest: int, most: int) -> None:
    """Between `fewest` and `most` A4 portrait pages; no number on the first page, "2", "3"... alone
    on the first line of the next ones."""
    assert fewest <= len(rendered) <= most
    for page in rendered:
        assert abs(page.width - A4_POINTS[0]) <= 2 and abs(page.height - A4_POINTS[1]) <= 2
    assert rendered[0].lines[0] != "1"
    for index, page in enumerate(rendered[1:], start=2):
        assert page.lines[0] == str(index)


def _commune_report(roles, unit, officer, kind, number=1, year=2026, **text):
    report = services.report_create(user=officer, unit=unit, period_kind=kind, year=year, number=number)
    services.report_update(
        report=report,
        user=officer,
        version=report.version,
        document_number="25/BC-CAX",
        signer_rank="Thiếu tá",
        signer_name="Nguyễn Văn An",
        **text,
    )
    return report


def _docx(client, report) -> bytes:
    response = client.get(reverse("reports:report_docx", kwargs={"pk": report.pk}))
    assert response.status_code == 200
    return response.content


SECTIONS_TEXT = {
    "results": "Tổ chức tuần tra, kiểm soát vào ban đêm tại các khu vực khai thác khoáng sản.\n"
    "Phối hợp với Ban Chỉ đạo xã tổ chức tuyên truyền tại các thôn.",
    "shortcomings": "Lực lượng còn mỏng, địa bàn rộng, giao thông đi lại khó khăn.",
    "next_tasks": "Tiếp tục duy trì tuần tra, kiểm soát; nắm chắc tình hình địa bàn.",
    "proposals": "Đề nghị Công an cấp trên hỗ trợ phương tiện tuần tra.",
}


def test_the_monthly_report_prints_on_a4_and_fits(roles, commune_a, client_for, soffice, tmp_path):
    make_incident(commune_a, roles.officer_a, IN_NOVEMBER)
    report = _commune_report(roles, commune_a, roles.officer_a, "month", 11, **SECTIONS_TEXT)
    rendered = _rendered(soffice, _docx(client_for(roles.officer_a), report), tmp_path, "bao-cao-thang")
    _assert_printed(rendered, 1, 2)
    first = rendered[0].lines
    # The header block: each line fits its column (no line broken in two), the motto too.
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first
    # The figures' labels fit their column: a row reads on one line.
    assert "Tai nạn giao thông (người bị thương) 0 0 0" in first
    for line in (
        "CÔNG AN TỈNH QUẢNG NINH",
        "CÔNG AN XÃ KỲ THƯỢNG",
        "Số: 25/BC-CAX",
        "Kỳ Thượng, ngày 14 tháng 11 năm 2026",
    ):
        assert any(line in text for text in first), line
    assert "Kết quả thực hiện mô hình An ninh cơ sở tháng 11 năm 2026" in first
    last = rendered[-1].lines
    assert "TRƯỞNG CÔNG AN XÃ" in " ".join(last) and "Thiếu tá Nguyễn Văn An" in " ".join(last)


def test_the_towns_six_month_report_prints_with_the_towns_title(units, client_for, soffice, tmp_path):
    """Thị trấn Ba Chẽ's first half of 2025 (15/12/2024–14/6/2025), its last one before the merger."""
    town = units["06970"]
    officer = make_user("canbo_thitran", Role.COMMUNE_OFFICER, town)
    report = _commune_report(None, town, officer, "half_year", year=2025, **SECTIONS_TEXT)
    rendered = _rendered(soffice, _docx(client_for(officer), report), tmp_path, "bao-cao-so-ket-6-thang")
    _assert_printed(rendered, 2, 4)
    first = rendered[0].lines
    assert any("CÔNG AN THỊ TRẤN BA CHẼ" in text for text in first)
    assert any("Số: 25/BC-CATT" in text for text in first)
    assert any("Ba Chẽ, ngày 14 tháng 6 năm 2025" in text for text in first)
    text = "\n".join(" ".join(page.lines) for page in rendered)
    assert "Kết quả thực hiện các chỉ tiêu" in text and "TRƯỞNG CÔNG AN THỊ TRẤN" in text


def test_the_year_report_prints_on_a4(roles, commune_a, client_for, soffice, tmp_path):
    make_incident(commune_a, roles.officer_a, IN_NOVEMBER)
    make_activities(commune_a, roles.officer_a, IN_NOVEMBER)
    report = _commune_report(roles, commune_a, roles.officer_a, "year", **SECTIONS_TEXT)
    rendered = _rendered(soffice, _docx(client_for(roles.officer_a), report), tmp_path, "bao-cao-tong-ket-nam")
    _assert_printed(rendered, 2, 4)
    assert any("Kỳ Thượng, ngày 28 tháng 11 năm 2026" in text for text in rendered[0].lines)
    assert "Kết quả thực hiện mô hình An ninh cơ sở năm 2026" in rendered[0].lines


def test_the_district_report_prints_on_a4_and_names_the_missing(roles, units, commune_a, client_for, soffice, tmp_path):
    make_incident(commune_a, roles.officer_a, IN_NOVEMBER)
    report = _commune_report(roles, commune_a, roles.officer_a, "year", **SECTIONS_TEXT)
    services.report_submit(report=report, user=roles.officer_a)
    services.report_approve(report=report, user=roles.district_police)
    params = {"district": units["22"].pk, "period_kind": "year", "year": 2026, "number": 1}
    response = client_for(roles.district_police).get(reverse("reports:district_report_docx"), params)
    rendered = _rendered(soffice, response.content, tmp_path, "bao-cao-tong-hop-tinh")
    _assert_printed(rendered, 2, 5)
    first = rendered[0].lines
    assert any("Số: ......../BC-CAT" in text for text in first)
    assert any("Quảng Ninh, ngày 28 tháng 11 năm 2026" in text for text in first)
    text = " ".join(" ".join(page.lines) for page in rendered)
    assert "Chưa có báo cáo được phê duyệt:" in text and "Xã Ba Chẽ" in text
    assert "TRƯỞNG CÔNG AN TỈNH" in text
