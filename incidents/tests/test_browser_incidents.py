"""An officer's day on a phone, on today's map: a Kỳ Thượng officer (the commune formed on 1/7/2025 from
Thanh Lâm, Đạp Thanh and Hạ Long's Kỳ Thượng) records today's incident and a crime tip, and decides the tip
from the due-soon list."""

from datetime import timedelta

import pytest
from django.utils import timezone

import conftest
from communes.models import Role
from incidents.models import CategoryGroup, CrimeTip, Incident, IncidentCategory

pytestmark = pytest.mark.browser

LIST_SCREENSHOT = "/tmp/incident_list_360.png"
FORM_SCREENSHOT = "/tmp/tip_form_360.png"
TIPS_SCREENSHOT = "/tmp/tip_attention_360.png"
DETAIL_SCREENSHOT = "/tmp/tip_detail_360.png"
FILTER_SCREENSHOT = "/tmp/incident_filter_360.png"


def test_officer_records_an_incident_and_decides_a_due_tip_on_a_phone(live_server, units, browser_page):
    from playwright.sync_api import expect

    conftest.make_user("canbo_kythuong", Role.COMMUNE_OFFICER, units["06979@2025"])
    # The live server's database is flushed after each browser test, seeded taxonomy included.
    IncidentCategory.objects.get_or_create(
        code="crime.theft", defaults={"name": "Trộm cắp tài sản", "group": CategoryGroup.CRIME}
    )
    page = browser_page
    base = live_server.url
    today = timezone.localdate()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", "canbo_kythuong")
    page.fill("input[name=password]", "Mật-khẩu-thử-nghiệm-2026")
    page.locator("form[action='/accounts/login/'] button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("Xã Kỳ Thượng")

    # An incident, through the menu of a phone.
    page.locator("button.navbar-toggler").click()
    page.locator("#records-menu").click()
    page.locator("a.dropdown-item[href='/records/incidents/']").click()
    page.locator("#new-record").click()
    page.select_option("select[name=village]", label="Thôn Đồng Thầm (Xã Kỳ Thượng)")
    page.fill("input[name=occurred_on]", today.isoformat())
    page.select_option("select[name=category]", label="Trộm cắp tài sản")
    page.fill("input[name=subjects]", "2")
    page.fill("textarea[name=description]", "Trộm 01 xe máy tại thôn Đồng Thầm")
    page.locator("#record-form button[type=submit]").click()
    expect(page.locator("#record-fields")).to_contain_text("Trộm 01 xe máy")
    incident = Incident.objects.get()
    assert (incident.village.name, incident.subjects) == ("Thôn Đồng Thầm", 2)
    assert (incident.unit, incident.occurred_on) == (units["06979@2025"], today)  # the unit in force today

    page.goto(f"{base}/records/incidents/")
    expect(page.locator("#record-table tbody tr").first).to_contain_text("Thôn Đồng Thầm")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=LIST_SCREENSHOT, full_page=True)
    # The filter opens on demand and searches in Vietnamese.
    page.locator("details summary").click()
    page.fill("input[name=q]", "xe máy")
    page.locator("#record-filter button[type=submit]").click()
    expect(page.locator("#record-count")).to_contain_text("1")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=FILTER_SCREENSHOT, full_page=True)

    # A crime tip received 17 days ago: its 20-day limit ends in 3 days.
    page.goto(f"{base}/records/tips/new/")
    page.select_option("select[name=kind]", value="denunciation")
    page.fill("input[name=received_on]", (today - timedelta(days=17)).isoformat())
    page.select_option("select[name=source]", value="citizen")
    page.fill("textarea[name=summary]", "Người dân tố giác hành vi trộm cắp")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=FORM_SCREENSHOT, full_page=True)
    page.locator("#record-form button[type=submit]").click()
    expect(page.locator("#tip-status")).to_be_visible()
    tip = CrimeTip.objects.get()

    # It is on the due-soon list.
    page.goto(f"{base}/records/tips/attention/")
    row = page.locator("#tip-table tbody tr").first
    expect(row).to_contain_text((tip.deadline).strftime("%d/%m/%Y"))
    page.screenshot(path=TIPS_SCREENSHOT, full_page=True)
    row.locator("a").click()

    # The decision, recorded on the tip's page, takes it off the list.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=DETAIL_SCREENSHOT, full_page=True)
    page.select_option("select[name=decide-decision]", value="not_prosecute")
    page.fill("input[name=decide-decided_on]", today.isoformat())
    page.locator("#decide-form button[type=submit]").click()
    expect(page.locator("#tip-status")).to_have_class("alert alert-success")
    tip.refresh_from_db()
    assert (tip.decision, tip.decided_on) == ("not_prosecute", today)
    page.goto(f"{base}/records/tips/attention/")
    expect(page.locator("#tip-table tbody")).not_to_contain_text(tip.deadline.strftime("%d/%m/%Y"))
    expect(page.locator("#record-count")).to_contain_text("0")
    assert not [e for e in page.errors if "Content Security Policy" in e], page.errors
