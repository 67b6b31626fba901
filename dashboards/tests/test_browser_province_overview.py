"""A province steering committee member reads the targets: the province and its districts first, every
commune on request, then a district's overview and one of its communes.

The figures must be the ones `manage.py compute_targets --format json` prints for the same data.
Screenshot: /tmp/dashboards_province_1280.png.
"""

import pytest

import conftest
from basecurity.tests.test_browser_foundation import browser_page  # noqa: F401 (fixture)
from communes.models import Role
from dashboards.tests.test_browser_dashboards import YEAR, cell, compute_json, records  # noqa: F401 (fixture)

pytestmark = pytest.mark.browser


def test_province_committee_opens_a_district_then_a_commune(live_server, records, browser_page):  # noqa: F811
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
    expect(rows).to_have_count(2)  # the province and its district, no commune
    for code in ("22", "202"):
        crime = expected[code]["targets"]["crime_reduction"]
        expect(cell(page, code, "crime_reduction").locator(".current")).to_have_text(str(crime["current"]))
        expect(cell(page, code, "crime_reduction").locator(".status-word")).to_have_attribute(
            "data-status", crime["status"]
        )
    page.screenshot(path="/tmp/dashboards_province_1280.png", full_page=True)

    # Every commune on request; changing the year keeps that listing.
    page.locator("#listing-link").click()
    expect(rows).to_have_count(2 + 8)
    page.select_option("#id_year", str(YEAR - 1))
    expect(page).to_have_url(
        f"{live_server.url}/dashboards/unit/{records['22'].pk}/overview/?communes=all&year={YEAR - 1}&as_of="
    )
    expect(rows).to_have_count(2 + 8)
    page.select_option("#id_year", str(YEAR))
    page.locator("#listing-link").click()
    expect(rows).to_have_count(2)

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
