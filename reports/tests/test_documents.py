"""The reports as documents by Nghị định 30/2020/NĐ-CP: the page, the date line, the number and title by
the unit's kind, the signature block, "Nơi nhận", and what the 6-month and year reports carry."""

from datetime import date, datetime
from io import BytesIO
from types import SimpleNamespace

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from docx import Document
from docx.shared import Pt

from basecurity.lib import official
from basecurity.testing.html import text as html_text
from basecurity.testing.html import texts, tree
from communes.models import Role
from conftest import make_user
from dashboards.reports import place_and_date
from incidents import services as incident_services
from incidents.tests import factories
from reports import documents, services
from reports.querysets import district_report

from .helpers import IN_NOVEMBER, TODAY, field_values, make_activities, make_incident

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("november_28")]


def _docx(client, report):
    response = client.get(reverse("reports:report_docx", kwargs={"pk": report.pk}))
    assert response.status_code == 200
    return Document(BytesIO(response.content))


def _header_lines(document) -> tuple[list[str], list[str]]:
    left, right = document.tables[0].rows[0].cells
    return left.text.splitlines(), right.text.splitlines()


def _signature(document) -> list[str]:
    return [line for line in document.tables[-1].rows[0].cells[1].text.splitlines() if line]


def _text(document) -> str:
    return "\n".join(paragraph.text for paragraph in document.paragraphs)


# --- The date line ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "words"),
    [
        (date(2026, 6, 5), "ngày 05 tháng 6 năm 2026"),
        (date(2026, 1, 12), "ngày 12 tháng 01 năm 2026"),
        (date(2026, 2, 1), "ngày 01 tháng 02 năm 2026"),
        (date(2026, 3, 9), "ngày 09 tháng 3 năm 2026"),
        (date(2026, 11, 28), "ngày 28 tháng 11 năm 2026"),
        (date(2026, 12, 31), "ngày 31 tháng 12 năm 2026"),
    ],
)
def test_date_words_have_a_leading_zero_only_for_days_under_10_and_months_1_and_2(day, words):
    assert official.date_words(day) == words


def test_every_date_line_uses_the_decree_form(roles, units, commune_a, client_for):
    """The committee's report page and the commune's .docx and print page print "tháng 6", not "tháng 06"."""
    assert place_and_date(units["202"], date(2025, 6, 5)) == "Ba Chẽ, ngày 05 tháng 6 năm 2025"
    report = services.report_create(user=roles.officer_a, unit=commune_a, period_kind="half_year", year=2026)
    assert report.report_date == date(2026, 6, 14)  # the period's last day
    client = client_for(roles.officer_a)
    assert _header_lines(_docx(client, report))[1][-1] == "Kỳ Thượng, ngày 14 tháng 6 năm 2026"
    page = client.get(reverse("reports:report_print", kwargs={"pk": report.pk}))
    assert html_text(page, "//div[@class='place-date']") == "Kỳ Thượng, ngày 14 tháng 6 năm 2026"


# --- The page -----------------------------------------------------------------------------------


def test_docx_is_a4_with_the_decree_margins_font_and_page_numbers_from_page_2(roles, commune_a, client_for):
    report = services.report_create(user=roles.officer_a, unit=commune_a, period_kind="month", year=2026, number=11)
    document = _docx(client_for(roles.officer_a), report)
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = {name: round(getattr(section, f"{name}_margin").mm) for name in ("top", "bottom", "left", "right")}
    assert 20 <= margins["top"] <= 25 and 20 <= margins["bottom"] <= 25
    assert 30 <= margins["left"] <= 35 and 15 <= margins["right"] <= 20
    normal = document.styles["Normal"].font
    assert normal.name == "Times New Roman" and Pt(13) <= normal.size <= Pt(14)
    # Page numbers: a PAGE field centred in the header, none on the first page.
    assert section.different_first_page_header_footer
    header = section.header.paragraphs[0]
    assert "PAGE" in header._p.xml and header.alignment == 1  # centred
    assert not "".join(paragraph._p.xml for paragraph in section.first_page_header.paragraphs).count("PAGE")


# --- Number, title and symbol by the unit's kind ---------------------------------------------------


def test_a_number_typed_with_its_symbol_is_not_doubled(roles, commune_a, client_for):
    report = services.report_create(user=roles.officer_a, unit=commune_a, period_kind="month", year=2026, number=11)
    client = client_for(roles.officer_a)
    data = {"version": report.version, "document_number": "25/BC-CAX", "place": "Thanh Lâm", "report_date": ""}
    response = client.post(reverse("reports:report_update", kwargs={"pk": report.pk}), data)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.document_number == "25"
    assert _header_lines(_docx(client, report))[0][-1] == "Số: 25/BC-CAX"
    # A number stored with its symbol before this fix prints it once too.
    report.document_number = "26/BC-CAX"
    assert documents.number_line(report) == "Số: 26/BC-CAX"


def test_the_towns_report_has_the_towns_title_and_symbol(units, client_for):
    """Thị trấn Ba Chẽ (until 30/06/2025), under huyện Ba Chẽ: its month of May 2025."""
    town = units["06970"]
    officer = make_user("canbo_thitran", Role.COMMUNE_OFFICER, town)
    report = services.report_create(user=officer, unit=town, period_kind="month", year=2025, number=5)
    document = _docx(client_for(officer), report)
    left, _right = _header_lines(document)
    assert left == ["CÔNG AN HUYỆN BA CHẼ", "CÔNG AN THỊ TRẤN BA CHẼ", "Số: ......../BC-CATT"]
    assert _signature(document)[0] == "TRƯỞNG CÔNG AN THỊ TRẤN"


def _unit(name, kind, level="commune", parent=None):
    return SimpleNamespace(name=name, kind=kind, level=level, parent=parent)


@pytest.mark.parametrize(
    ("name", "kind", "body", "head", "symbol"),
    [
        ("Xã Kỳ Thượng", "xa", "CÔNG AN XÃ KỲ THƯỢNG", "TRƯỞNG CÔNG AN XÃ", "BC-CAX"),
        ("Phường Hồng Gai", "phuong", "CÔNG AN PHƯỜNG HỒNG GAI", "TRƯỞNG CÔNG AN PHƯỜNG", "BC-CAP"),
        ("Thị trấn Ba Chẽ", "thi_tran", "CÔNG AN THỊ TRẤN BA CHẼ", "TRƯỞNG CÔNG AN THỊ TRẤN", "BC-CATT"),
        ("Đặc khu Vân Đồn", "dac_khu", "CÔNG AN ĐẶC KHU VÂN ĐỒN", "TRƯỞNG CÔNG AN ĐẶC KHU", "BC-CAĐK"),
        # A kind the table does not know yet: the level's usual kind, never an error.
        ("Xã Mới", "kind_added_later", "CÔNG AN XÃ MỚI", "TRƯỞNG CÔNG AN XÃ", "BC-CAX"),
    ],
)
def test_body_head_and_symbol_by_kind(name, kind, body, head, symbol):
    unit = _unit(name, kind)
    assert (official.police_body(unit), official.police_head(unit), official.report_symbol(unit)) == (
        body,
        head,
        symbol,
    )


# --- Signature and recipients ----------------------------------------------------------------------


def test_the_signature_block_has_the_title_rank_and_full_name(units, commune_a, client_for):
    from communes.models import Role

    officer = make_user("an", Role.COMMUNE_OFFICER, commune_a, first_name="Nguyễn Văn", last_name="An")
    report = services.report_create(user=officer, unit=commune_a, period_kind="month", year=2026, number=11)
    assert report.signer_name == "Nguyễn Văn An"  # prefilled from the account
    services.report_update(report=report, user=officer, version=report.version, signer_rank="Thiếu tá")
    client = client_for(officer)
    assert _signature(_docx(client, report)) == ["TRƯỞNG CÔNG AN XÃ", "Thiếu tá Nguyễn Văn An"]
    page = client.get(reverse("reports:report_print", kwargs={"pk": report.pk}))
    assert html_text(page, "//div[@class='signature-title']") == "TRƯỞNG CÔNG AN XÃ"
    assert html_text(page, "//div[@class='signature-name']") == "Thiếu tá Nguyễn Văn An"


def test_recipients_are_bodies_not_places(roles, commune_a):
    report = services.report_create(user=roles.officer_a, unit=commune_a, period_kind="month", year=2026, number=11)
    assert report.recipients.splitlines() == [
        "- Công an tỉnh Quảng Ninh (để b/c);",
        "- Đảng ủy, UBND xã (để b/c);",
        "- Lưu: VT.",
    ]
    # Since 1/7/2025 a commune sits directly under its province: the province's police.
    province = _unit("Tỉnh Quảng Ninh", "tinh", "province")
    ward = _unit("Phường Hồng Gai", "phuong", parent=province)
    assert official.police_recipients(ward) == [
        "- Công an tỉnh Quảng Ninh (để b/c);",
        "- Đảng ủy, UBND phường (để b/c);",
        "- Lưu: VT.",
    ]


# --- Sơ kết and tổng kết ------------------------------------------------------------------------


def test_the_six_month_report_carries_targets_activities_and_criteria(roles, commune_a, client_for):
    make_incident(commune_a, roles.officer_a, date(2026, 3, 1))
    make_activities(commune_a, roles.officer_a, date(2026, 3, 1))
    report = services.report_create(user=roles.officer_a, unit=commune_a, period_kind="half_year", year=2026)
    assert report.figures["activities"]["patrols"] == 1
    assert report.figures["activities"]["weapons"] == {"guns": 2}
    document = _docx(client_for(roles.officer_a), report)
    text = _text(document)
    # Every target, as the dashboards judge it, with its change.
    targets = document.tables[2]
    assert [cell.text for cell in targets.rows[0].cells] == ["Chỉ tiêu", "Kỳ này", "Cùng kỳ", "Thay đổi", "Kết quả"]
    assert len(targets.rows) == 1 + 8
    crimes = [cell.text for cell in targets.rows[1].cells]
    assert crimes[1:4] == ["1", "0", "—"]
    assert "- Tổ chức 01 lượt tuần tra, kiểm soát." in text
    assert "- Tuyên truyền 01 buổi, 40 lượt người nghe." in text
    assert "- Vận động thu hồi vũ khí, vật liệu nổ, công cụ hỗ trợ: súng: 2." in text
    assert "- Hòa giải 01 vụ việc, thành 01 vụ." in text
    assert "- Kiểm tra cư trú 01 lượt, 25 hộ, phát hiện 00 trường hợp vi phạm." in text
    assert "- Chưa có kết quả tự đánh giá các nhóm tiêu chí năm 2026." in text
    assert report.figures["narrative_vi"] in text


def test_a_monthly_report_stays_short(roles, commune_a, client_for):
    report = services.report_create(user=roles.officer_a, unit=commune_a, period_kind="month", year=2026, number=11)
    assert "Kết quả thực hiện các chỉ tiêu" not in _text(_docx(client_for(roles.officer_a), report))


def test_the_district_year_report_carries_targets_and_names_the_missing_communes(roles, units, commune_a, client_for):
    make_incident(commune_a, roles.officer_a, IN_NOVEMBER)
    report = services.report_create(user=roles.officer_a, unit=commune_a, period_kind="year", year=2026)
    services.report_submit(report=report, user=roles.officer_a)
    services.report_approve(report=report, user=roles.district_police)
    result = district_report(units["22"], "year", 2026, 1)
    assert result["figures"]["targets"]["crime_reduction"]["current"] == 1
    params = {"district": units["22"].pk, "period_kind": "year", "year": 2026, "number": 1}
    response = client_for(roles.district_police).get(reverse("reports:district_report_docx"), params)
    document = Document(BytesIO(response.content))
    text = _text(document)
    assert "Kết quả thực hiện mô hình An ninh cơ sở năm 2026 trên địa bàn tỉnh Quảng Ninh" in text
    assert "1. Kết quả thực hiện các chỉ tiêu" in text and "2. Kết quả các mặt công tác" in text
    assert "- Xã Kỳ Thượng: chưa có kết quả tự đánh giá năm 2026." in text
    missing = [paragraph.text for paragraph in document.paragraphs if paragraph.text.startswith("Chưa có báo cáo")]
    assert missing and "Xã Ba Chẽ" in missing[0] and "Xã Kỳ Thượng" not in missing[0]


def test_a_business_inspection_fine_is_summed(roles, commune_a):
    business = incident_services.business_create(
        user=roles.officer_a, **field_values(factories.business(commune_a, roles.officer_a))
    )
    inspection = factories.inspection(business, roles.officer_a, inspected_on=date(2026, 3, 1), fine_vnd=1_500_000)
    inspection.result = "violations"
    inspection.full_clean()
    inspection.save()
    report = services.report_create(user=roles.officer_a, unit=commune_a, period_kind="half_year", year=2026)
    assert (report.figures["activities"]["inspections"], report.figures["activities"]["fines_vnd"]) == (1, 1_500_000)
    assert "xử phạt 1.500.000 đồng" in "\n".join(documents.activity_lines(report.figures["activities"]))


def test_the_year_report_says_which_criteria_groups_were_met(roles, commune_a, client_for):
    from reports.models import Assessment, AssessmentAnswer, CriteriaGroup, CriteriaItem, CriteriaSet

    criteria = CriteriaSet.objects.create(name="Bộ tiêu chí thử", kind="model_assessment", year_from=2026, year_to=2030)
    assessment = Assessment.objects.create(unit=commune_a, criteria_set=criteria, year=2026)
    for number in (1, 2):
        group = CriteriaGroup.objects.create(criteria_set=criteria, number=number, name=f"Nhóm thử {number}")
        item = CriteriaItem.objects.create(group=group, number=1, text="Tiêu chí thử")
        AssessmentAnswer.objects.create(assessment=assessment, item=item, met=number == 1)
    report = services.report_create(user=roles.officer_a, unit=commune_a, period_kind="year", year=2026)
    assert report.figures["criteria"]["met_groups"] == 1
    text = _text(_docx(client_for(roles.officer_a), report))
    assert "- Đạt 01/02 nhóm tiêu chí của mô hình năm 2026 (tự đánh giá, chưa được xác nhận):" in text
    assert "  + Nhóm 1. Nhóm thử 1: đạt (1/1)." in text and "  + Nhóm 2. Nhóm thử 2: chưa đạt (0/1)." in text


# --- A new report starts on the current period ------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "year", "number"),
    [
        (TODAY, 2026, 12),  # 28/11/2026: reporting month 12 (15/11-14/12) of 2026
        (datetime(2026, 12, 20, 9, 0, tzinfo=factories.HCM), 2027, 1),  # the reporting year 2027 has begun
    ],
)
def test_a_new_report_defaults_to_the_current_reporting_month(roles, client_for, now, year, number):
    with time_machine.travel(now, tick=False):
        page = client_for(roles.officer_a).get(reverse("reports:report_create"))
    assert tree(page).xpath("//input[@name='year']/@value") == [str(year)]
    assert tree(page).xpath("//input[@name='number']/@value") == [str(number)]


# --- The criteria of a year not loaded --------------------------------------------------------------


def test_starting_an_assessment_of_a_year_without_criteria_says_what_to_load(roles, client_for, model_set, items):
    """28/11/2026 is in reporting year 2026; the seeded lists cover 2021-2025 (the model's groups have
    test criteria here, the recognition none): the page says what the administrator must load."""
    page = client_for(roles.officer_a).get(reverse("reports:assessment_start"))
    missing = texts(page, "//div[@id='criteria-missing']//li")
    assert len(missing) == 2  # neither the model's groups nor the recognition has criteria for 2026
    assert "Criteria sets" in html_text(page, "//div[@id='criteria-missing']/p[2]")
    model_set.year_to = 2030
    model_set.save()
    page = client_for(roles.officer_a).get(reverse("reports:assessment_start"))
    assert len(texts(page, "//div[@id='criteria-missing']//li")) == 1  # the recognition only


def test_the_criteria_decision_has_its_own_wording(roles, client_for, commune_a, model_set, items):
    """The district's decision on a self-assessment is not a crime tip's "quyết định giải quyết"."""
    from reports.models import Assessment, AssessmentAnswer

    assessment = Assessment.objects.create(unit=commune_a, criteria_set=model_set, year=2024)
    for item in items.values():
        AssessmentAnswer.objects.create(assessment=assessment, item=item, met=True)
    client_for(roles.officer_a).post(reverse("reports:assessment_submit", args=[assessment.pk]))
    district = client_for(roles.district_committee)
    with translation.override("vi"):
        district.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
        page = district.get(reverse("reports:assessment_detail", args=[assessment.pk]), HTTP_ACCEPT_LANGUAGE="vi")
    assert "giải quyết" not in html_text(page, "//form[@id='decision-form']")
    assert html_text(page, "//button[@id='decide-assessment']") == "Ghi nhận ý kiến của cấp trên"


# --- Approving before the period ends -----------------------------------------------------------------


def test_approving_a_period_not_yet_ended_says_what_it_locks_and_asks_to_confirm(roles, commune_a, client_for):
    """28/11/2026 is within reporting month 12 (15/11-14/12/2026)."""
    report = services.report_create(user=roles.officer_a, unit=commune_a, period_kind="month", year=2026, number=12)
    services.report_submit(report=report, user=roles.officer_a)
    district = client_for(roles.district_police)
    page = district.get(reverse("reports:report_detail", kwargs={"pk": report.pk}))
    assert "runs until 14/12/2026" in html_text(page, "//div[@id='early-approval']")
    approve = reverse("reports:report_approve", kwargs={"pk": report.pk})
    district.post(approve)
    report.refresh_from_db()
    assert report.state == "submitted"  # not without the confirmation
    district.post(approve, {"confirm_early": "1"})
    report.refresh_from_db()
    assert report.state == "approved"


def test_a_period_that_has_ended_is_approved_without_a_warning(roles, commune_a, client_for):
    report = services.report_create(user=roles.officer_a, unit=commune_a, period_kind="month", year=2026, number=11)
    services.report_submit(report=report, user=roles.officer_a)
    district = client_for(roles.district_police)
    page = district.get(reverse("reports:report_detail", kwargs={"pk": report.pk}))
    assert not texts(page, "//div[@id='early-approval']")
    district.post(reverse("reports:report_approve", kwargs={"pk": report.pk}))
    report.refresh_from_db()
    assert report.state == "approved"


def test_the_criteria_list_has_no_inline_style(roles, client_for):
    """The Content-Security-Policy blocks inline styles: the year field's width comes from app.css."""
    page = client_for(roles.officer_a).get(reverse("reports:assessment_list"))
    assert page.status_code == 200
    assert tree(page).xpath("//*[@style]") == []


def test_every_page_has_a_favicon(roles, client_for):
    from django.contrib.staticfiles import finders

    page = client_for(roles.officer_a).get(reverse("reports:assessment_list"))
    [href] = tree(page).xpath("//link[@rel='icon']/@href")
    assert href.endswith(".svg") and finders.find("img/favicon.svg")
