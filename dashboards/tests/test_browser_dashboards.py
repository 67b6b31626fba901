"""A district committee member reads the targets in a browser: overview, another year, a commune.

The figures on the pages must be the ones `manage.py compute_targets --format json` prints for
the same data. Screenshots (desktop 1280 and phone 360 wide) go to /tmp/dashboards_*.png.
"""

from datetime import date

import pytest

from basecurity.testing.browser import log_in
from dashboards.tests.helpers import YEAR, cell, compute_json

pytestmark = pytest.mark.browser


def test_district_committee_reads_the_targets(live_server, records, browser_page):
    from playwright.sync_api import expect

    expected = compute_json()
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server.url, "bcd_huyen")
    # Home sends the district committee to the district overview (the current year).
    expect(page.locator("h1")).to_contain_text("Huyện Ba Chẽ")
    expect(page.locator("#overview-table")).to_be_visible()

    # Switch the year: the select submits the form by itself.
    page.select_option("#id_year", str(YEAR))
    expect(page).to_have_url(f"{live_server.url}/dashboards/unit/{records['202'].pk}/overview/?year={YEAR}&as_of=")
    crime = expected["06976"]["targets"]["crime_reduction"]
    thanh_lam_crime = cell(page, "06976", "crime_reduction")
    expect(thanh_lam_crime.locator(".current")).to_have_text(str(crime["current"]))
    expect(thanh_lam_crime.locator(".previous")).to_contain_text(str(crime["previous"]))
    expect(thanh_lam_crime.locator(".status-word")).to_have_attribute("data-status", crime["status"])
    expect(thanh_lam_crime.locator("abbr.not-significant")).to_have_count(0 if crime["significant"] else 1)
    town_social = expected["06970"]["targets"]["social_evil_reduction"]
    expect(cell(page, "06970", "social_evil_reduction").locator(".current")).to_have_text(str(town_social["current"]))
    expect(cell(page, "06970", "social_evil_reduction").locator(".status-word")).to_have_attribute(
        "data-status", town_social["status"]
    )
    district = expected["202"]["counts"]
    expect(cell(page, "202", "crime_reduction").locator(".current")).to_have_text(str(district["crime_cases"]))
    page.screenshot(path="/tmp/dashboards_overview_1280.png", full_page=True)

    # Open the commune.
    page.locator("#overview-table tr[data-unit='06976'] th a").click()
    expect(page.locator("h1")).to_have_text("Xã Thanh Lâm")
    expect(page.locator("#narrative")).to_have_text("So với cùng kỳ năm 2020, xã Thanh Lâm giảm 02 vụ, 14 đối tượng.")
    traffic = expected["06976"]["targets"]["traffic_reduction"]
    rows = page.locator("#traffic-card tbody tr")
    for index, key in enumerate(("cases", "deaths", "injuries")):
        expect(rows.nth(index).locator("td").nth(0)).to_have_text(str(traffic["current"][key]))
        expect(rows.nth(index).locator("td").nth(1)).to_have_text(str(traffic["previous"][key]))
    expect(page.locator("[data-target='crime_reduction'] .current")).to_have_text(str(crime["current"]))
    expect(page.locator("#criteria-groups li")).to_have_count(4)
    # The chart is drawn by static/js/dashboards.js from the json_script data.
    page.wait_for_function("document.getElementById('chart-cases') && window.Chart && Chart.getChart('chart-cases')")
    assert page.evaluate("Chart.getChart('chart-cases').data.datasets[1].data[2]") == 10  # month 3: 15/2 - 14/3
    page.screenshot(path="/tmp/dashboards_commune_1280.png", full_page=True)

    # On a phone: the page does not overflow; the table scrolls in its own box.
    page.set_viewport_size({"width": 360, "height": 740})
    page.reload()
    page.wait_for_function("window.Chart && Chart.getChart('chart-cases')")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path="/tmp/dashboards_commune_360.png", full_page=True)
    page.go_back()
    page.goto(f"{live_server.url}/dashboards/unit/{records['202'].pk}/overview/?year={YEAR}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path="/tmp/dashboards_overview_360.png", full_page=True)
    page.goto(f"{live_server.url}/dashboards/unit/{records['202'].pk}/report/?year={YEAR}")
    page.set_viewport_size({"width": 1280, "height": 900})
    expect(page.locator("#official-report")).to_contain_text("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    page.screenshot(path="/tmp/dashboards_report_1280.png", full_page=True)
    assert not [error for error in page.errors if "Content Security Policy" in error], page.errors


def test_recompute_progress_updates_without_reloading(live_server, records, browser_page):
    from playwright.sync_api import expect

    page = browser_page
    log_in(page, live_server.url, "bcd_huyen")
    page.goto(f"{live_server.url}/dashboards/unit/{records['202'].pk}/overview/?year={YEAR}")
    expect(page.locator("#computed-at")).to_have_attribute("data-source", "live")
    # Without a broker the task runs in-process on commit: the redirected page shows stored figures.
    page.locator("#recompute-form button").click()
    expect(page.locator("#computed-at")).to_have_attribute("data-source", "stored")
    expect(page.locator("#run-status")).to_be_visible()

    # A run queued elsewhere (by the nightly job, or a worker still busy): the page polls its
    # status every 2 s and reloads the figures by itself when it is done.
    from dashboards import engine
    from dashboards.models import ComputationRun

    run = ComputationRun.objects.create(year=YEAR, scope=records["202"], as_of=date(YEAR, 12, 14))
    page.goto(f"{live_server.url}/dashboards/unit/{records['202'].pk}/overview/?year={YEAR}")
    expect(page.locator("#run-status[data-run-url]")).to_be_visible()
    expect(page.locator("#recompute-form button")).to_be_disabled()
    engine.recompute(YEAR, date(YEAR, 12, 14), "202", run=run)
    expect(page.locator("#run-status[data-run-url]")).to_have_count(0, timeout=10_000)
    expect(page.locator("#recompute-form button")).to_be_enabled()
