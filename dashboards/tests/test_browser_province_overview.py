"""A province steering committee member reads the targets: the province and its districts first, every
commune on request, then a district's overview and one of its communes.

The figures must be the ones `manage.py compute_targets --format json` prints for the same data.
Screenshot: /tmp/dashboards_province_1280.png.
"""

from datetime import date

import pytest

import conftest
from communes.models import AdministrativeUnit, Role
from dashboards.tests.helpers import YEAR, cell, compute_json
from incidents.models import Incident
from incidents.tests import factories as f

pytestmark = pytest.mark.browser


def test_province_committee_opens_a_district_then_a_commune(live_server, records, browser_page):
    from playwright.sync_api import expect

    conftest.make_user("bcd_tinh", Role.DISTRICT_COMMITTEE, records["22"])
    expected = compute_json()
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/")
    page.fill("input[name=username]", "bcd_tinh")
    page.fill("input[name=password]", "Mật-khẩu-thử-nghiệm-2026")
    page.locator("form[action='/accounts/login/'] button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("Quảng Ninh")

    page.select_option("#id_year", str(YEAR))
    rows = page.locator("#overview-table tbody tr")
    on_the_day = AdministrativeUnit.objects.valid_on(date(YEAR, 12, 14)).filter(path__startswith=records["22"].path)
    districts = on_the_day.filter(level="district").count()  # Ba Chẽ's, and the homes of its later parts
    communes = on_the_day.filter(level="commune").count()
    expect(rows).to_have_count(1 + districts)  # the province and its districts, no commune
    for code in ("22", "202"):
        crime = expected[code]["targets"]["crime_reduction"]
        expect(cell(page, code, "crime_reduction").locator(".current")).to_have_text(str(crime["current"]))
        expect(cell(page, code, "crime_reduction").locator(".status-word")).to_have_attribute(
            "data-status", crime["status"]
        )
    page.screenshot(path="/tmp/dashboards_province_1280.png", full_page=True)

    # Every commune on request; changing the year keeps that listing.
    page.locator("#listing-link").click()
    expect(rows).to_have_count(1 + districts + communes)
    page.select_option("#id_year", str(YEAR - 1))
    expect(page).to_have_url(
        f"{live_server.url}/dashboards/unit/{records['22'].pk}/overview/?communes=all&year={YEAR - 1}&as_of="
    )
    expect(rows).to_have_count(1 + districts + communes)
    page.select_option("#id_year", str(YEAR))
    page.locator("#listing-link").click()
    expect(rows).to_have_count(1 + districts)

    # The district's row opens its own overview, with its communes.
    page.locator("#overview-table tr[data-unit='202'] th a").click()
    expect(page.locator("h1")).to_contain_text("Huyện Ba Chẽ")
    expect(rows).to_have_count(1 + 8)
    expect(page.locator("#listing")).to_have_count(0)
    thanh_lam = expected["06976"]["targets"]["crime_reduction"]
    expect(cell(page, "06976", "crime_reduction").locator(".current")).to_have_text(str(thanh_lam["current"]))
    page.locator("#overview-table tr[data-unit='06976'] th a").click()
    expect(page.locator("h1")).to_have_text("Xã Thanh Lâm")
    assert not [error for error in page.errors if "Content Security Policy" in error], page.errors


def test_province_committee_reads_the_54_communes_of_today_on_a_phone(live_server, units, browser_page):
    """Since 1/7/2025 the province's communes sit directly under it: 54 rows that read on 360 px."""
    from playwright.sync_api import expect

    conftest.reseed_reference_data()
    conftest.make_user("bcd_tinh", Role.DISTRICT_COMMITTEE, units["22"])
    user = conftest.make_user("recorder")
    ky_thuong = units["06979@2025"]
    Incident.objects.bulk_create(
        [f.incident(ky_thuong, user, occurred_on=date(2026, 3, 1)) for _ in range(2)]
        + [f.incident(units["06976"], user, occurred_on=date(2025, 3, 1)) for _ in range(3)]  # Thanh Lâm's
    )
    page = browser_page  # 360 px wide
    page.goto(f"{live_server.url}/")
    page.fill("input[name=username]", "bcd_tinh")
    page.fill("input[name=password]", "Mật-khẩu-thử-nghiệm-2026")
    page.locator("form[action='/accounts/login/'] button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("Quảng Ninh")
    page.goto(f"{live_server.url}/dashboards/unit/{units['22'].pk}/overview/?year=2026&as_of=2026-11-30")
    rows = page.locator("#overview-table tbody tr")
    expect(rows).to_have_count(1 + 54)  # the province and its communes: no district any more
    crime = page.locator("#overview-table tr[data-unit='06979'] td[data-target='crime_reduction']")
    expect(crime.locator(".current")).to_have_text("2")
    expect(crime.locator(".previous")).to_have_text("/ 3")  # Thanh Lâm's records of 2025, folded
    # The comparison lacks Hạ Long's old Kỳ Thượng: the row says so.
    expect(page.locator("#overview-table tr[data-unit='06979'] .incomplete-mark")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path="/tmp/dashboards_province_54_360.png", full_page=False)
    page.locator("#overview-table tr[data-unit='06979'] th a").click()
    expect(page.locator("h1")).to_have_text("Xã Kỳ Thượng")
    expect(page.locator("#incomplete-comparison")).to_contain_text("xã Kỳ Thượng (TP Hạ Long cũ)")
    expect(page.locator("#map-history")).to_contain_text("Thành lập ngày 01/7/2025 từ xã Thanh Lâm")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
