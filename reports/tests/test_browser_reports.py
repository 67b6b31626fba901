"""The month's report in a browser: submitted, returned with a comment, fixed, resubmitted, approved;
then an edit of a record of that month is refused with the reason."""

import pytest
from django.urls import reverse

import conftest
from basecurity.testing.browser import log_in
from communes.models import Role
from incidents.models import CategoryGroup, Incident, IncidentCategory
from reports.models import Report, ReportState

from .helpers import IN_NOVEMBER, make_incident

pytestmark = pytest.mark.browser


def test_month_report_returned_fixed_approved_then_locked(live_server, units, browser_page):
    from playwright.sync_api import expect

    officer = conftest.make_user("canbo_thanhlam", Role.COMMUNE_OFFICER, units["06979@2025"])
    conftest.make_user("congan_huyen", Role.DISTRICT_POLICE, units["22"])
    # The live server's database is flushed after each browser test, seeded taxonomy included.
    IncidentCategory.objects.get_or_create(
        code="crime.theft", defaults={"name": "Trộm cắp tài sản", "group": CategoryGroup.CRIME}
    )
    record = make_incident(units["06979@2025"], officer, IN_NOVEMBER)
    page, base = browser_page, live_server.url

    # The officer creates the report of month 11/2026 and submits it.
    log_in(page, base, "canbo_thanhlam")
    page.goto(f"{base}{reverse('reports:report_create')}")
    page.select_option("select[name=unit]", label="Xã Kỳ Thượng")
    page.select_option("select[name=period_kind]", value="month")
    page.fill("input[name=year]", "2026")
    page.fill("input[name=number]", "11")
    page.locator("#create-report").click()
    page.fill("textarea[name=results]", "Tổ chức tuần tra 04 lượt.")
    page.locator("#save-submit-report").click()
    expect(page.locator("#report-state")).to_be_visible()
    report = Report.objects.get()
    assert report.state == ReportState.SUBMITTED

    # The district returns it with a comment.
    log_in(page, base, "congan_huyen")
    page.goto(f"{base}{report.get_absolute_url()}")
    page.fill("textarea[name=comment]", "Bổ sung kết quả tuyên truyền.")
    page.locator("#return-report").click()
    expect(page.locator("#return-comment")).to_contain_text("Bổ sung kết quả tuyên truyền.")
    report.refresh_from_db()
    assert report.state == ReportState.RETURNED

    # The officer sees the comment, fixes and resubmits.
    log_in(page, base, "canbo_thanhlam")
    page.goto(f"{base}{reverse('reports:report_update', kwargs={'pk': report.pk})}")
    expect(page.locator("#return-comment")).to_contain_text("Bổ sung kết quả tuyên truyền.")
    page.fill("textarea[name=results]", "Tổ chức tuần tra 04 lượt; tuyên truyền 02 buổi.")
    page.locator("#save-submit-report").click()
    page.wait_for_load_state()
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED and "tuyên truyền 02 buổi" in report.results

    # The district approves (confirming the early lock when the month is still running).
    log_in(page, base, "congan_huyen")
    page.goto(f"{base}{report.get_absolute_url()}")
    if page.locator("#confirm-early").count():
        page.check("#confirm-early")
    page.locator("#approve-report").click()
    page.wait_for_load_state()
    report.refresh_from_db()
    assert report.state == ReportState.APPROVED

    # An edit of the month's incident is now refused, and the page says why.
    log_in(page, base, "canbo_thanhlam")
    page.goto(f"{base}{reverse('incidents:incident_update', kwargs={'pk': record.pk})}")
    page.fill("textarea[name=description]", "Sửa sau khi duyệt")
    page.locator("main form button[type=submit].btn-primary").first.click()
    expect(page.locator("main")).to_contain_text("15/10/2026–14/11/2026")
    assert Incident.objects.get(pk=record.pk).description != "Sửa sau khi duyệt"
    assert not [e for e in page.errors if "Content Security Policy" in e], page.errors
