"""The district report as a .docx: official layout, the sums of the approved commune reports only, each
commune's narrative, the communes still missing; 404 outside the user's districts."""

from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from docx import Document

from basecurity.lib.collation import vi_key
from communes.models import AdministrativeUnit, Level, Role, UnitKind
from communes.services import unit_save
from conftest import make_user
from reports import services
from reports.models import Report

from .helpers import IN_NOVEMBER, make_incident

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("november_28")]

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _report(unit, officer, **text):
    report = services.report_create(user=officer, unit=unit, period_kind="month", year=2026, number=11)
    if text:
        services.report_update(report=report, user=officer, version=report.version, **text)
    services.report_submit(report=report, user=officer)
    return report


@pytest.fixture
def november(roles, units, commune_a, commune_b):
    """Thanh Lâm approved (one theft), the town submitted but not approved (one theft too)."""
    make_incident(commune_a, roles.officer_a, IN_NOVEMBER)
    make_incident(commune_b, roles.officer_b, IN_NOVEMBER)
    approved = _report(
        commune_a,
        roles.officer_a,
        results="Tổ chức 04 buổi tuần tra.\nHòa giải thành 02 vụ.",
        shortcomings="Thiếu phương tiện tuần tra.",
        proposals="Đề nghị hỗ trợ 01 xe máy.",
    )
    services.report_approve(report=approved, user=roles.district_police)
    _report(commune_b, roles.officer_b, results="Không được tính khi chưa phê duyệt.")
    return {"district": units["22"].pk, "period_kind": "month", "year": 2026, "number": 11}


def _download(client, params):
    return client.get(reverse("reports:district_report_docx"), params)


def _text(document) -> str:
    return "\n".join(paragraph.text for paragraph in document.paragraphs)


def test_docx_has_the_official_header_and_title(roles, client_for, november):
    response = _download(client_for(roles.district_police), november)
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    assert response["Content-Disposition"] == 'attachment; filename="bao-cao-22-month-2026-11.docx"'
    document = Document(BytesIO(response.content))
    left, right = (cell.text.splitlines() for cell in document.tables[0].rows[0].cells)
    assert left == ["", "CÔNG AN TỈNH QUẢNG NINH", "Số: ......../BC-CAT"]  # a province has no body above it
    assert right == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Quảng Ninh, ngày 28 tháng 11 năm 2026",
    ]
    paragraphs = [paragraph.text for paragraph in document.paragraphs]
    assert paragraphs[:2] == [
        "BÁO CÁO",
        "Kết quả thực hiện mô hình An ninh cơ sở tháng 11 năm 2026 trên địa bàn tỉnh Quảng Ninh",
    ]
    headings = [text for text in paragraphs if text[:3] in ("I. ", "II.", "III", "IV.")]
    assert headings == [
        "I. KẾT QUẢ THỰC HIỆN",
        "II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN",
        "III. NHIỆM VỤ TRỌNG TÂM KỲ TỚI",
        "IV. ĐỀ XUẤT, KIẾN NGHỊ",
    ]
    recipients, signature = (cell.text.splitlines() for cell in document.tables[-1].rows[0].cells)
    # The province's police reports to no body above it in this product: its own archive only.
    assert recipients == ["Nơi nhận:", "- Lưu: VT."]
    # The title, then room for the signature; the signer's rank and name are written by hand.
    assert signature[0] == "TRƯỞNG CÔNG AN TỈNH" and not any(signature[1:])


def test_docx_figures_count_only_approved_reports(roles, client_for, november):
    document = Document(BytesIO(_download(client_for(roles.district_committee), november).content))
    figures = document.tables[1]
    assert [cell.text for cell in figures.rows[0].cells] == ["Chỉ tiêu", "Kỳ này", "Cùng kỳ", "Tăng (+) / giảm (-)"]
    rows = {row.cells[0].text: [cell.text for cell in row.cells[1:]] for row in figures.rows[1:]}
    assert rows["Tội phạm (vụ)"] == ["1", "0", "+1"]  # the town's theft is not approved yet
    assert rows["Tai nạn giao thông (vụ)"] == ["0", "0", "0"]
    assert len(rows) == 9
    text = _text(document)
    assert "So với cùng kỳ năm 2025, tỉnh Quảng Ninh tăng 01 vụ, 01 đối tượng." in text
    assert "Không được tính khi chưa phê duyệt." not in text


def test_docx_names_each_communes_narrative_and_the_missing_communes(roles, units, client_for, november):
    document = Document(BytesIO(_download(client_for(roles.district_police), november).content))
    paragraphs = [paragraph.text for paragraph in document.paragraphs]
    communes = AdministrativeUnit.objects.filter(path__startswith=units["22"].path, level=Level.COMMUNE).valid_on(
        date(2026, 11, 14)
    )
    others = sorted((unit.name for unit in communes if unit.code != "06979"), key=vi_key)  # Đặc khu … among the Đ
    assert len(others) == communes.count() - 1 >= 2
    assert f"Tổng hợp từ báo cáo đã được phê duyệt của 01/{communes.count():02d} xã, phường, thị trấn." in paragraphs
    missing = next(text for text in paragraphs if text.startswith("Chưa có báo cáo được phê duyệt: "))
    assert missing.removeprefix("Chưa có báo cáo được phê duyệt: ").removesuffix(".").split(", ") == others
    assert "Xã Ba Chẽ" in others and "Xã Kỳ Thượng" not in missing

    results = paragraphs.index("I. KẾT QUẢ THỰC HIỆN")
    shortcomings = paragraphs.index("II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN")
    proposals = paragraphs.index("IV. ĐỀ XUẤT, KIẾN NGHỊ")
    narrative = "- Xã Kỳ Thượng: So với cùng kỳ năm 2025, xã Kỳ Thượng tăng 01 vụ, 01 đối tượng."
    assert results < paragraphs.index(narrative) < shortcomings
    assert paragraphs[paragraphs.index(narrative) + 1 :][:2] == ["Tổ chức 04 buổi tuần tra.", "Hòa giải thành 02 vụ."]
    assert paragraphs.index("- Xã Kỳ Thượng: Thiếu phương tiện tuần tra.") > shortcomings
    assert paragraphs.index("- Xã Kỳ Thượng: Đề nghị hỗ trợ 01 xe máy.") > proposals


def test_docx_is_404_outside_the_users_districts(roles, units, client_for, november):
    other = unit_save(
        unit=AdministrativeUnit(code="999", name="Huyện Thử Nghiệm", kind=UnitKind.DISTRICT, parent=units["22"])
    )
    stranger = make_user("other_district", Role.DISTRICT_COMMITTEE, other)
    assert _download(client_for(stranger), november).status_code == 404
    assert _download(client_for(stranger), november | {"district": other.pk}).status_code == 200
    for user in (roles.officer_a, roles.committee_a, roles.outsider):
        assert _download(client_for(user), november).status_code == 404, user
    client = client_for(roles.district_police)
    assert _download(client, {}).status_code == 404  # no district or period chosen
    assert _download(client, november | {"number": 13}).status_code == 404


def test_district_page_links_to_the_docx(roles, client_for, november):
    client = client_for(roles.district_police)
    page = client.get(reverse("reports:district_report"), november).content.decode()
    link = (
        reverse("reports:district_report_docx")
        + "?district={district}&amp;period_kind=month&amp;year=2026&amp;number=11"
    )
    assert f'id="district-docx" href="{link.format(**november)}"' in page
    assert 'id="district-docx"' not in client.get(reverse("reports:district_report")).content.decode()


def test_docx_queries_do_not_grow_with_communes(roles, client_for, november, django_assert_num_queries):
    client = client_for(roles.district_police)
    _download(client, november)
    # 1 session, 2 user, 3 assignments (with units), 4 the superior unit of the form (in the user's
    # superior units: the province), 5 its communes, 6 their approved reports with units (a province
    # has no parent to read for the issuing body; the session is not saved within a minute of its
    # last renewal).
    with django_assert_num_queries(6):
        _download(client, november)
    town = Report.objects.get(unit__code="06970")
    services.report_approve(report=town, user=roles.district_police)  # a second approved commune
    with django_assert_num_queries(6):
        _download(client, november)
