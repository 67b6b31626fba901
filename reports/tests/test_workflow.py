"""Reports: workflow by role, concurrency, timeliness, the district report, the .docx and the pages."""

from datetime import date, timedelta
from io import BytesIO

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from docx import Document

from communes.models import PeriodLock
from reports import services
from reports.models import Report, ReportState
from reports.querysets import Timeliness, district_report, timeliness

from .helpers import IN_NOVEMBER, TODAY, make_incident

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("november_28")]


def new_report(unit, user, number=11):
    return services.report_create(user=user, unit=unit, period_kind="month", year=2026, number=number)


def test_create_prefills_figures_and_narrative(roles, commune_a):
    make_incident(commune_a, roles.officer_a, IN_NOVEMBER)
    report = new_report(commune_a, roles.officer_a)
    assert (report.start.isoformat(), report.end.isoformat(), report.due_on.isoformat()) == (
        "2026-10-15",
        "2026-11-14",
        "2026-11-19",
    )
    assert report.figures["counts"]["crime_cases"] == 1
    assert report.figures["previous_counts"]["crime_cases"] == 0
    assert report.figures["changes"]["crime_cases"] == 1
    assert report.figures["narrative_vi"] == "So với cùng kỳ năm 2025, xã Kỳ Thượng tăng 01 vụ, 01 đối tượng."
    assert report.place == "Kỳ Thượng"
    assert report.events.get().to_state == ReportState.DRAFT


def test_create_refused_for_another_commune_and_twice(roles, commune_a, commune_b):
    with pytest.raises(PermissionDenied):
        new_report(commune_b, roles.officer_a)
    with pytest.raises(PermissionDenied):
        new_report(commune_a, roles.district_committee)
    new_report(commune_a, roles.officer_a)
    with pytest.raises(ValidationError, match="already has a report"):
        new_report(commune_a, roles.officer_a)


def test_full_workflow_with_return_and_lock(roles, commune_a):
    report = new_report(commune_a, roles.officer_a)
    services.report_submit(report=report, user=roles.officer_a)
    with pytest.raises(ValidationError, match="already submitted"):
        services.report_submit(report=report, user=roles.officer_a)
    with pytest.raises(ValidationError, match="changed"):
        services.report_update(
            report=report, user=roles.officer_a, version=Report.objects.get(pk=report.pk).version, results="x"
        )
    # A commune role cannot decide; the district police and committee can.
    for user in (roles.officer_a, roles.committee_a, roles.officer_b):
        with pytest.raises(PermissionDenied):
            services.report_approve(report=report, user=user)
    with pytest.raises(ValidationError, match="Say what"):
        services.report_return(report=report, user=roles.district_police, comment=" ")
    services.report_return(report=report, user=roles.district_police, comment="Bổ sung số liệu tháng.")
    report.refresh_from_db()
    assert report.state == ReportState.RETURNED and report.return_comment == "Bổ sung số liệu tháng."
    with pytest.raises(ValidationError, match="Only a submitted report"):
        services.report_approve(report=report, user=roles.district_committee)
    services.report_update(report=report, user=roles.officer_a, version=report.version, results="Đã bổ sung.")
    services.report_submit(report=report, user=roles.officer_a)
    services.report_approve(report=report, user=roles.district_committee)
    report.refresh_from_db()
    assert report.state == ReportState.APPROVED and report.decided_by == roles.district_committee
    lock = PeriodLock.objects.get(source_report_id=report.pk)
    assert (lock.unit, lock.start, lock.end) == (commune_a, report.start, report.end)
    steps = list(report.events.values_list("from_state", "to_state", "user__username"))
    assert steps == [
        ("", "draft", "officer_a"),
        ("draft", "submitted", "officer_a"),
        ("submitted", "returned", "district_police"),
        ("returned", "submitted", "officer_a"),
        ("submitted", "approved", "district_committee"),
    ]
    with pytest.raises(ValidationError, match="is locked"):
        make_incident(commune_a, roles.officer_a, IN_NOVEMBER)


def test_stale_version_is_refused_and_nothing_is_written(roles, commune_a):
    report = new_report(commune_a, roles.officer_a)
    opened = report.version
    services.report_update(
        report=Report.objects.get(pk=report.pk), user=roles.admin, version=opened, results="Bản của quản trị."
    )
    with pytest.raises(services.StaleReport, match="Someone else \\(admin\\) saved this report at 09:00 28/11/2026"):
        services.report_update(
            report=Report.objects.get(pk=report.pk), user=roles.officer_a, version=opened, results="Bản của cán bộ."
        )
    assert Report.objects.get(pk=report.pk).results == "Bản của quản trị."


def test_stale_form_keeps_the_users_text(roles, commune_a, client_for):
    report = new_report(commune_a, roles.officer_a)
    opened = report.version
    services.report_update(
        report=Report.objects.get(pk=report.pk), user=roles.admin, version=opened, results="Bản khác."
    )
    response = client_for(roles.officer_a).post(
        reverse("reports:report_update", kwargs={"pk": report.pk}),
        {"version": opened, "results": "Nội dung tôi vừa gõ", "place": "Kỳ Thượng", "save": "1"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone else (admin) saved this report" in page
    assert "Nội dung tôi vừa gõ" in page


def test_approving_another_districts_report_is_404(roles, units, commune_a, client_for):
    from communes.models import AdministrativeUnit, Role, UnitKind
    from communes.services import unit_save
    from conftest import make_user

    other = unit_save(
        unit=AdministrativeUnit(code="999", name="Huyện Thử Nghiệm", kind=UnitKind.DISTRICT, parent=units["22"])
    )
    stranger = make_user("other_district", Role.DISTRICT_COMMITTEE, other)
    report = new_report(commune_a, roles.officer_a)
    services.report_submit(report=report, user=roles.officer_a)
    response = client_for(stranger).post(reverse("reports:report_approve", kwargs={"pk": report.pk}))
    assert response.status_code == 404
    assert Report.objects.get(pk=report.pk).state == ReportState.SUBMITTED


def test_pages_by_role(roles, commune_a, client_for):
    report = new_report(commune_a, roles.officer_a)
    client = client_for(roles.officer_a)
    assert client.get(reverse("reports:report_list")).status_code == 200
    assert client.post(reverse("reports:report_approve", kwargs={"pk": report.pk})).status_code == 404
    client.post(reverse("reports:report_submit", kwargs={"pk": report.pk}))
    assert Report.objects.get(pk=report.pk).state == ReportState.SUBMITTED
    assert (
        client_for(roles.officer_b).get(reverse("reports:report_detail", kwargs={"pk": report.pk})).status_code == 404
    )
    district = client_for(roles.district_police)
    page = district.get(reverse("reports:report_detail", kwargs={"pk": report.pk})).content.decode()
    assert 'id="approve-report"' in page and 'id="return-report"' in page
    district.post(reverse("reports:report_approve", kwargs={"pk": report.pk}))
    assert Report.objects.get(pk=report.pk).state == ReportState.APPROVED
    client = client_for(roles.officer_a)  # the test client is shared: log the officer in again
    assert client.get(reverse("reports:report_update", kwargs={"pk": report.pk})).status_code == 302
    assert client.get(reverse("reports:report_print", kwargs={"pk": report.pk})).status_code == 200


def test_report_list_queries(roles, commune_a, client_for, django_assert_num_queries):
    new_report(commune_a, roles.officer_a)
    client = client_for(roles.officer_a)
    client.get(reverse("reports:report_list"))
    # 1 session, 2 user, 3 assignments (with units), 4 the ids of the units in scope (permissions.
    # scope_unit_ids, once per request), 5 count of reports (up to the cap), 6 "may create" (a commune
    # with RECORDS_WRITE exists), 7 the page of reports with their units, 8 the communes of the unit
    # filter (the session is not saved within a minute of its last renewal). "May approve" needs
    # no query for an officer (no unit with REPORTS_APPROVE). More reports would not add queries.
    with django_assert_num_queries(8):
        client.get(reverse("reports:report_list"))


def test_timeliness_table(roles, units, commune_a, commune_b):
    on_time = new_report(commune_a, roles.officer_a)
    services.report_submit(report=on_time, user=roles.officer_a)  # 28/11 > due 19/11: late
    with time_machine.travel(TODAY - timedelta(days=12), tick=False):  # 16/11, before the due date
        early = new_report(commune_b, roles.officer_b)
        services.report_submit(report=early, user=roles.officer_b)
    rows = {row.unit.code: row for row in timeliness(units["22"], "month", 2026, 11)}
    assert rows["06979"].status == Timeliness.LATE
    assert rows["06970"].status == Timeliness.ON_TIME
    others = [row for code, row in rows.items() if code not in ("06979", "06970")]
    assert others and all(row.status == Timeliness.MISSING for row in others)
    rows = timeliness(units["22"], "month", 2026, 12)  # due 19/12: not yet
    assert {row.status for row in rows} == {Timeliness.NOT_DUE}


def test_timeliness_judges_the_due_date_stored_with_the_report(roles, units, commune_a, settings):
    report = new_report(commune_a, roles.officer_a)  # due 19/11 with the default 5 days
    services.report_submit(report=report, user=roles.officer_a)  # 28/11: late
    settings.REPORT_DUE_DAYS = 30  # changed afterwards: the report keeps its due date, as on its page
    [row] = [row for row in timeliness(units["22"], "month", 2026, 11) if row.unit == commune_a]
    report.refresh_from_db()
    assert row.status == Timeliness.LATE and not report.on_time


def test_district_report_counts_only_approved(roles, units, commune_a, commune_b):
    make_incident(commune_a, roles.officer_a, IN_NOVEMBER)
    make_incident(commune_b, roles.officer_b, IN_NOVEMBER)
    approved = new_report(commune_a, roles.officer_a)
    services.report_submit(report=approved, user=roles.officer_a)
    services.report_approve(report=approved, user=roles.district_police)
    pending = new_report(commune_b, roles.officer_b)
    services.report_submit(report=pending, user=roles.officer_b)
    result = district_report(units["22"], "month", 2026, 11)
    assert [report.pk for report in result["approved"]] == [approved.pk]
    assert result["counts"]["crime_cases"] == 1
    assert commune_b in result["missing"] and commune_a not in result["missing"]
    assert not result["complete"]


def test_timeliness_and_district_pages(roles, client_for):
    params = {
        "district": roles.district_police.assignments.first().unit_id
        if hasattr(roles.district_police, "assignments")
        else "",
        "period_kind": "month",
        "year": 2026,
        "number": 11,
    }
    from communes.models import AdministrativeUnit

    params["district"] = AdministrativeUnit.objects.get(code="22").pk
    client = client_for(roles.district_committee)
    assert "Missing" in client.get(reverse("reports:timeliness"), params).content.decode()
    assert "No approved report yet" in client.get(reverse("reports:district_report"), params).content.decode()
    assert client_for(roles.officer_a).get(reverse("reports:timeliness"), params).status_code == 404


def test_docx_layout_and_content(roles, commune_a, client_for):
    make_incident(commune_a, roles.officer_a, IN_NOVEMBER)
    report = new_report(commune_a, roles.officer_a)
    services.report_update(
        report=report,
        user=roles.officer_a,
        version=report.version,
        results="Tổ chức 04 buổi tuần tra.",
        document_number="15",
        recipients="- Công an tỉnh Quảng Ninh;\n- Lưu: VT.",
    )
    response = client_for(roles.officer_a).get(reverse("reports:report_docx", kwargs={"pk": report.pk}))
    assert response.status_code == 200
    document = Document(BytesIO(response.content))
    header = document.tables[0]
    left = header.rows[0].cells[0].text
    right = header.rows[0].cells[1].text
    assert "CÔNG AN XÃ KỲ THƯỢNG" in left and "Số: 15/BC-CAX" in left
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in right and "Độc lập - Tự do - Hạnh phúc" in right
    assert "Kỳ Thượng, ngày 14 tháng 11 năm 2026" in right
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "BÁO CÁO" in text
    assert "Kết quả thực hiện mô hình An ninh cơ sở tháng 11 năm 2026" in text
    assert "So với cùng kỳ năm 2025, xã Kỳ Thượng tăng 01 vụ, 01 đối tượng." in text
    assert "Tổ chức 04 buổi tuần tra." in text
    figures = document.tables[1]
    assert [cell.text for cell in figures.rows[1].cells] == ["Tội phạm (vụ)", "1", "0", "+1"]
    footer = document.tables[-1].rows[0].cells[0].text
    assert "Nơi nhận:" in footer and "- Công an tỉnh Quảng Ninh;" in footer


def test_refresh_recomputes_figures_while_editable(roles, commune_a, client_for):
    report = new_report(commune_a, roles.officer_a)
    assert report.figures["counts"]["crime_cases"] == 0
    make_incident(commune_a, roles.officer_a, IN_NOVEMBER)
    client = client_for(roles.officer_a)
    client.post(reverse("reports:report_refresh", kwargs={"pk": report.pk}))
    report.refresh_from_db()
    assert report.figures["counts"]["crime_cases"] == 1
    services.report_submit(report=report, user=roles.officer_a)
    with pytest.raises(ValidationError, match="can no longer be changed"):
        services.report_refresh_figures(report=report, user=roles.officer_a)


def test_a_commune_merged_away_before_the_period_is_not_missing(units):
    """Minh Cầm and Lương Mông merged into Lương Minh on 1/11/2024: after that they owe no report."""
    district, minh_cam, thanh_lam = units["202"], units["06991"], units["06976"]
    assert minh_cam.valid_until == date(2024, 10, 31)
    listed = {row.unit for row in timeliness(district, "month", 2025, 1)}
    assert minh_cam not in listed and thanh_lam in listed and units["06985@2024"] in listed
    assert minh_cam not in district_report(district, "month", 2025, 1)["missing"]
    # For a period when it still existed, it is listed (and its successor, not yet formed, is not).
    listed = {row.unit for row in timeliness(district, "month", 2024, 10)}
    assert minh_cam in listed and units["06985@2024"] not in listed
